//! Input text made inert before it reaches a terminal.
//!
//! A webhook body or a reply can carry any character, and whatever `mimc` prints of it lands on someone's
//! terminal: an escape sequence there can set the window title, clear the screen or move the cursor to
//! fake output, a raw CR rewrites the start of a line, a bidi override reorders what is shown (Trojan
//! Source). As git and ls do, such characters are shown escaped: `\u{1b}` style in the view and the error
//! reports, `\u001b` style inside JSON strings (so that the JSON keeps its value).

use std::borrow::Cow;
use std::fmt::Write as _;

/// Bidi controls: the embeddings and overrides (U+202A-202E), isolates (U+2066-2069) and marks
/// (U+200E, U+200F, U+061C).
pub(crate) fn is_bidi(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Characters that show nothing and are not spaces: zero-width space, word joiner and the invisible
/// operators, the byte order mark, interlinear annotation marks. (Joiners, which emoji and Indic scripts
/// need, are left alone.)
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}'
    )
}

/// Must `c` be shown escaped? C0 and C1 controls, DEL, bidi controls, line and paragraph separators, and
/// the invisible characters of [`is_invisible`].
pub(crate) fn is_unsafe(c: char) -> bool {
    c.is_control() || is_bidi(c) || is_invisible(c) || matches!(c, '\u{2028}' | '\u{2029}')
}

/// Writes the escape of `c` as shown outside JSON: `\t`, `\n`, `\r`, or `\u{1b}`.
pub(crate) fn push_escape(out: &mut String, c: char) {
    match c {
        '\t' => out.push_str("\\t"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        _ => {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        }
    }
}

/// `s` with every unsafe character escaped (`\u{1b}`, `\r`, ...); borrowed when there is none.
pub(crate) fn inert(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            push_escape(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `s` as a JSON string literal, quotes included, for the CLI's own `--json` lines (`packet`,
/// `connect`): `"` and `\\` escaped, and C0 controls, DEL and bidi controls written as `\uXXXX`, so the
/// line is valid JSON and a bidi override cannot reorder what a terminal shows.
pub(crate) fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c == '\u{7f}' || is_bidi(c) => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Valid JSON text with the unsafe characters that JSON allows raw (DEL, C1 controls, bidi controls,
/// separators, invisible characters) written as `\uXXXX` escapes: the same JSON value, inert on a
/// terminal. Outside strings valid JSON has none of them, and the control characters JSON does not allow
/// raw in strings were escaped by the writer already, so the text is only touched inside strings.
pub(crate) fn json_inert(json: &[u8]) -> Cow<'_, [u8]> {
    let Ok(text) = std::str::from_utf8(json) else {
        return Cow::Borrowed(json);
    };
    let needs = |c: char| is_unsafe(c) && !matches!(c, '\t' | '\n' | '\r');
    if !text.chars().any(needs) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if needs(c) {
            // Every unsafe character is in the Basic Multilingual Plane: one `\uXXXX`.
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out.into_bytes())
}

/// A name for an invisible or unusual character that a reader may not see: `U+FEFF (byte order mark)`.
pub(crate) fn describe(c: char) -> String {
    let name = match c {
        '\u{FEFF}' => Some("byte order mark"),
        '\u{A0}' => Some("no-break space"),
        '\u{3000}' => Some("ideographic space"),
        '\u{200B}' => Some("zero-width space"),
        '\u{2028}' => Some("line separator"),
        '\u{2029}' => Some("paragraph separator"),
        '\u{FF0C}' => Some("full-width comma"),
        '\u{FF1A}' => Some("full-width colon"),
        '\u{2018}' | '\u{2019}' => Some("curly single quote"),
        '\u{201C}' | '\u{201D}' => Some("curly double quote"),
        c if is_bidi(c) => Some("bidi control"),
        c if c.is_control() => Some("control character"),
        c if c.is_whitespace() => Some("Unicode space"),
        _ => None,
    };
    match name {
        Some(n) => format!("U+{:04X} ({n})", u32::from(c)),
        None => format!("U+{:04X}", u32::from(c)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_bidi_and_invisibles_are_escaped() {
        assert_eq!(inert("plain 中文 😀"), "plain 中文 😀");
        assert!(matches!(inert("plain"), Cow::Borrowed(_)));
        assert_eq!(inert("\u{1b}]0;pwned\u{7}"), "\\u{1b}]0;pwned\\u{7}");
        assert_eq!(inert("a\rb\tc\nd"), "a\\rb\\tc\\nd");
        assert_eq!(inert("\u{9b}2J\u{7f}"), "\\u{9b}2J\\u{7f}");
        assert_eq!(
            inert("x\u{202e}y\u{2066}z\u{2069}\u{200f}"),
            "x\\u{202e}y\\u{2066}z\\u{2069}\\u{200f}"
        );
        assert_eq!(inert("\u{feff}{"), "\\u{feff}{");
        // Joiners stay: emoji sequences must survive.
        assert_eq!(inert("👨\u{200d}👩"), "👨\u{200d}👩");
    }

    #[test]
    fn json_keeps_its_value() {
        let json = "{\"t\":\"a\u{85}b\u{202e}c\u{7f}\",\"k\":\"\\u001b\"}";
        let safe = json_inert(json.as_bytes());
        let safe = std::str::from_utf8(&safe).unwrap();
        assert_eq!(
            safe,
            "{\"t\":\"a\\u0085b\\u202ec\\u007f\",\"k\":\"\\u001b\"}"
        );
        assert!(!safe.chars().any(is_unsafe));
        let a: serde_json::Value = serde_json::from_str(json).unwrap();
        let b: serde_json::Value = serde_json::from_str(safe).unwrap();
        assert_eq!(a, b);
        assert!(matches!(json_inert(b"{\"a\":1}"), Cow::Borrowed(_)));
    }

    #[test]
    fn json_strings_are_valid_and_inert() {
        assert_eq!(json_string("plain 中文 😀"), "\"plain 中文 😀\"");
        assert_eq!(json_string("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(
            json_string("\u{1b}]0;x\u{7}\n\u{7f}\u{202e}"),
            r#""\u001b]0;x\u0007\u000a\u007f\u202e""#
        );
        for s in ["", "\u{0}\u{1f}", "x\u{2066}y\u{200f}", "\\\"\\"] {
            let back: String = serde_json::from_str(&json_string(s)).unwrap();
            assert_eq!(back, s);
        }
    }

    #[test]
    fn names_what_cannot_be_seen() {
        assert_eq!(describe('\u{feff}'), "U+FEFF (byte order mark)");
        assert_eq!(describe('\u{a0}'), "U+00A0 (no-break space)");
        assert_eq!(describe('\u{202e}'), "U+202E (bidi control)");
        assert_eq!(describe('x'), "U+0078");
    }
}
