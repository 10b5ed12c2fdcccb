//! What to tell someone whose input did not decode: the manual's `$placeholder`s named as such, invisible
//! characters named, and the "try --relaxed" or "--base64" hint only when it would help.

use mimc_codec::json::RawJson;

use crate::inert;
use crate::relaxed;
use crate::report::Problem;

/// The `$name` template placeholder starting at `offset`, if one does (the manual writes its templates
/// with them: `"fromAppId":$fromAppId`).
pub(crate) fn placeholder(input: &[u8], offset: usize) -> Option<&str> {
    let rest = input.get(offset..)?;
    if rest.first() != Some(&b'$') {
        return None;
    }
    let len = rest
        .iter()
        .skip(1)
        .position(|&b| !(b.is_ascii_alphanumeric() || b == b'_'))
        .unwrap_or(rest.len() - 1);
    (len > 0)
        .then(|| std::str::from_utf8(rest.get(..=len)?).ok())
        .flatten()
}

/// The problem restated when it stands on a placeholder: `` `$fromAppId` is a template placeholder ``.
pub(crate) fn placeholder_problem(input: &[u8], problem: &Problem) -> Option<Problem> {
    let name = placeholder(input, problem.offset)?;
    Some(Problem::new(
        "Placeholder",
        format!("`{name}` is a template placeholder: put a value in its place"),
        problem.offset,
    ))
}

/// A note naming the character at `offset` when a reader may not see what it is: invisible, a space
/// other than ASCII's, a bidi control, a full-width comma or colon, a curly quote.
pub(crate) fn unusual_char(input: &[u8], offset: usize) -> Option<String> {
    let rest = input.get(offset..)?;
    let c = match std::str::from_utf8(rest) {
        Ok(s) => s.chars().next()?,
        Err(e) => std::str::from_utf8(rest.get(..e.valid_up_to())?)
            .ok()?
            .chars()
            .next()?,
    };
    let unusual = !c.is_ascii()
        && (c.is_whitespace()
            || inert::is_unsafe(c)
            || matches!(
                c,
                '\u{FF0C}' | '\u{FF1A}' | '\u{2018}' | '\u{2019}' | '\u{201C}' | '\u{201D}'
            ));
    unusual.then(|| {
        format!(
            "the character here is {}, which JSON does not allow outside a string",
            inert::describe(c)
        )
    })
}

/// Largest input the relaxed hint converts to find out (the conversion copies the input; a report must
/// stay within a small multiple of it).
const HINT_MAX: usize = 1 << 20;

/// Would `--relaxed` make `input` JSON, which it is not? The converter is run, and the result validated
/// (a JSON input that breaks a format rule is not helped by it). Not tried above [`HINT_MAX`] bytes.
pub(crate) fn relaxed_fixes(input: &[u8]) -> bool {
    if input.len() > HINT_MAX {
        return false;
    }
    let Ok(text) = std::str::from_utf8(input) else {
        return false;
    };
    RawJson::parse(text).is_err()
        && relaxed::to_strict(text).is_ok_and(|c| RawJson::parse(&c.json).is_ok())
}

/// Is the input one base64 text (what the Flutter plugin logs), rather than JSON?
pub(crate) fn is_base64_text(input: &[u8]) -> bool {
    let text = input.trim_ascii();
    text.len() >= 4
        && text.first() != Some(&b'{')
        && text
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_'))
}

/// Does the input look like a printed map (`{key: value}` with bare values, Dart's `Map.toString()` or
/// Java's `toString()`) rather than JSON or the manual's relaxed dialect?
pub(crate) fn is_map_print(input: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(input) else {
        return false;
    };
    let text = text.trim();
    if !text.starts_with('{') || text.contains('"') {
        return false;
    }
    // After a colon, a bare word that is not a JSON literal or number: `msgType: TEXT`.
    text.split([':', '='])
        .skip(1)
        .filter_map(|after| after.trim_start().split([',', '}']).next())
        .map(str::trim)
        .any(|v| {
            v.starts_with(|c: char| c.is_alphabetic() || c == '_')
                && !matches!(v, "true" | "false" | "null")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_found_at_their_dollar() {
        let t = br#"{"fromAppId":$fromAppId, "x":1}"#;
        assert_eq!(placeholder(t, 13), Some("$fromAppId"));
        assert_eq!(placeholder(t, 12), None);
        assert_eq!(placeholder(b"$", 0), None);
        assert_eq!(placeholder(b"$a", 0), Some("$a"));
    }

    #[test]
    fn relaxed_is_suggested_only_where_it_helps() {
        assert!(relaxed_fixes("\u{feff}{\"a\":1}".as_bytes()));
        assert!(relaxed_fixes("{\"a\":\u{a0}1}".as_bytes()));
        assert!(relaxed_fixes(b"{\"a\":1,}"));
        assert!(relaxed_fixes(b"{a: 1 // c\n}"));
        assert!(!relaxed_fixes(b"{\"a\":$a}"));
        assert!(!relaxed_fixes(b"{msgType: TEXT, payload: hi}"));
        assert!(!relaxed_fixes(b"eyJhIjoxfQ=="));
        // Valid JSON that some decoder refuses is not the dialect's fault.
        assert!(!relaxed_fixes(br#"{"msgId":1}"#));
    }

    #[test]
    fn base64_and_map_prints_are_recognised() {
        assert!(is_base64_text(b"eyJhIjoxfQ==\n"));
        assert!(!is_base64_text(b"{\"a\":1}"));
        assert!(is_map_print(b"{version: 0, msgId: TEXT_1, msgType: TEXT}"));
        assert!(!is_map_print(b"{version: 0, msgId: 'TEXT_1'}"));
        assert!(!is_map_print(br#"{"a": b}"#));
    }

    #[test]
    fn unusual_characters_are_named() {
        let bom = "\u{feff}{}".as_bytes();
        assert!(
            unusual_char(bom, 0)
                .unwrap()
                .contains("U+FEFF (byte order mark)")
        );
        assert!(
            unusual_char("{\u{a0}}".as_bytes(), 1)
                .unwrap()
                .contains("no-break space")
        );
        assert_eq!(unusual_char(b"{x}", 1), None);
    }
}
