//! `--relaxed`: the manual's JavaScript-literal style converted to strict JSON before decoding.
//!
//! The manual writes its samples as JavaScript object literals: unquoted keys, `//` and `/* */` comments,
//! trailing commas, and in the Chinese edition U+00A0 (no-break space) or U+3000 (ideographic space)
//! indentation and a full-width comma `，` between items. This converter rewrites exactly those
//! constructs and copies everything else unchanged, so the strict decoder still judges the result (a
//! `true/false` placeholder or a `$appId` stays an error). It never looks inside string literals,
//! except to turn a single-quoted JavaScript string into a double-quoted JSON one.
//!
//! The converter keeps a map from output offsets back to input offsets, so that errors found by the strict
//! decoder point into the text the user wrote.

use crate::report::Problem;

/// Strict JSON made from a relaxed input, with the way back to the input's offsets.
#[derive(Debug)]
pub(crate) struct Converted {
    /// The strict JSON text.
    pub(crate) json: String,
    /// `(output offset, input offset)` at the start of every piece whose offsets do not simply continue
    /// the previous piece; sorted by output offset.
    map: Vec<(usize, usize)>,
    input_len: usize,
}

impl Converted {
    /// The input offset that the output offset `out` came from.
    pub(crate) fn original_offset(&self, out: usize) -> usize {
        if out >= self.json.len() {
            return self.input_len;
        }
        let i = self.map.partition_point(|&(o, _)| o <= out);
        match i.checked_sub(1).and_then(|i| self.map.get(i)) {
            Some(&(o, at)) => at.saturating_add(out - o).min(self.input_len),
            None => out.min(self.input_len),
        }
    }

    fn emit(&mut self, text: &str, at: usize) {
        let out = self.json.len();
        let continues = self
            .map
            .last()
            .is_some_and(|&(o, i)| i.checked_add(out - o) == Some(at));
        if !continues {
            self.map.push((out, at));
        }
        self.json.push_str(text);
    }
}

/// Whitespace for the relaxed reader: JSON's four, plus what JavaScript also accepts (vertical tab, form
/// feed, no-break space, the BOM, line/paragraph separators and every Unicode space separator, among
/// them U+3000, the full-width space).
fn is_space(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202F}'
                | '\u{205F}'
                | '\u{3000}'
                | '\u{FEFF}'
    )
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || c == '$' || (!c.is_ascii() && c.is_alphabetic())
}

fn is_ident_continue(c: char) -> bool {
    is_ident_start(c) || c.is_ascii_digit() || (!c.is_ascii() && c.is_alphanumeric())
}

/// The char at byte `i` of `s`, if any.
fn char_at(s: &str, i: usize) -> Option<char> {
    s.get(i..).and_then(|t| t.chars().next())
}

/// The byte index of the next character that is neither whitespace nor inside a comment.
/// An unterminated `/*` stops the skip at its slash.
fn skip_trivia(s: &str, mut i: usize) -> usize {
    loop {
        match char_at(s, i) {
            Some(c) if is_space(c) => i += c.len_utf8(),
            Some('/') => match s.as_bytes().get(i + 1) {
                Some(b'/') => i = line_end(s, i),
                Some(b'*') => match block_end(s, i) {
                    Some(end) => i = end,
                    None => return i,
                },
                _ => return i,
            },
            _ => return i,
        }
    }
}

/// The byte index of the line break ending the `//` comment at `i` (or the end of `s`).
fn line_end(s: &str, i: usize) -> usize {
    s.get(i..)
        .and_then(|t| t.find(['\n', '\r', '\u{2028}', '\u{2029}']))
        .map_or(s.len(), |n| i + n)
}

/// The byte index just past the `*/` closing the block comment at `i`.
fn block_end(s: &str, i: usize) -> Option<usize> {
    s.get(i + 2..)?.find("*/").map(|n| i + 2 + n + 2)
}

/// Converts relaxed JavaScript-literal text to strict JSON.
///
/// The only error is an unterminated `/* */` comment; everything else that is not JSON is left in place
/// for the strict decoder to report.
pub(crate) fn to_strict(s: &str) -> Result<Converted, Problem> {
    let mut c = Converted {
        json: String::with_capacity(s.len() + s.len() / 8),
        map: Vec::new(),
        input_len: s.len(),
    };
    let mut i = 0;
    while let Some(ch) = char_at(s, i) {
        let len = ch.len_utf8();
        match ch {
            '"' => {
                let (end, _) = string_end(s, i, '"');
                c.emit(s.get(i..end).unwrap_or(""), i);
                i = end;
            }
            '\'' => i = single_quoted(s, i, &mut c),
            '/' if s.as_bytes().get(i + 1) == Some(&b'/') => {
                // Drop the comment; the line break after it is copied as whitespace.
                i = line_end(s, i);
            }
            '/' if s.as_bytes().get(i + 1) == Some(&b'*') => {
                let Some(end) = block_end(s, i) else {
                    return Err(Problem::new(
                        "UnterminatedComment",
                        "unterminated `/*` comment",
                        i,
                    ));
                };
                // A space keeps the tokens on either side apart (`1/**/2` must not become `12`).
                c.emit(" ", i);
                i = end;
            }
            ',' | '\u{FF0C}' => {
                // A trailing comma (before `}` or `]`) is dropped; a full-width one becomes `,`.
                let next = skip_trivia(s, i + len);
                if !matches!(char_at(s, next), Some('}' | ']')) {
                    c.emit(",", i);
                }
                i += len;
            }
            '\u{FF1A}' => {
                c.emit(":", i);
                i += len;
            }
            _ if is_space(ch) => {
                if ch.is_ascii() {
                    c.emit(s.get(i..i + len).unwrap_or(" "), i);
                } else {
                    c.emit(" ", i);
                }
                i += len;
            }
            _ if is_ident_start(ch) => {
                let end = s
                    .get(i..)
                    .and_then(|t| t.find(|x: char| !is_ident_continue(x)))
                    .map_or(s.len(), |n| i + n);
                let word = s.get(i..end).unwrap_or("");
                if matches!(char_at(s, skip_trivia(s, end)), Some(':' | '\u{FF1A}')) {
                    c.emit("\"", i);
                    c.emit(word, i);
                    c.emit("\"", end);
                } else {
                    // `true`, `false`, `null`, or something the strict decoder will reject.
                    c.emit(word, i);
                }
                i = end;
            }
            _ => {
                c.emit(s.get(i..i + len).unwrap_or(""), i);
                i += len;
            }
        }
    }
    Ok(c)
}

/// The byte index just past the closing `quote` of the string opening at `i`, and `true`; or the end of
/// `s` and `false` when the string is not closed.
fn string_end(s: &str, i: usize, quote: char) -> (usize, bool) {
    let mut chars = s.get(i + 1..).unwrap_or("").char_indices();
    while let Some((n, ch)) = chars.next() {
        if ch == '\\' {
            chars.next();
        } else if ch == quote {
            return (i + 1 + n + 1, true);
        }
    }
    (s.len(), false)
}

/// Copies the JavaScript string `'...'` at `i` as a JSON string: `\'` becomes `'`, a bare `"` becomes
/// `\"`, other escapes are kept for the strict decoder to judge. Returns the index after it.
fn single_quoted(s: &str, i: usize, c: &mut Converted) -> usize {
    let (end, closed) = string_end(s, i, '\'');
    c.emit("\"", i);
    let body_end = if closed { end - 1 } else { end };
    let body = s.get(i + 1..body_end).unwrap_or("");
    let mut chars = body.char_indices().peekable();
    let mut buf = [0u8; 4];
    while let Some((n, ch)) = chars.next() {
        let at = i + 1 + n;
        match ch {
            '\\' if chars.peek().map(|&(_, x)| x) == Some('\'') => {
                chars.next();
                c.emit("'", at);
            }
            '\\' => {
                c.emit("\\", at);
                if let Some((m, x)) = chars.next() {
                    c.emit(x.encode_utf8(&mut buf), i + 1 + m);
                }
            }
            '"' => c.emit("\\\"", at),
            _ => c.emit(ch.encode_utf8(&mut buf), at),
        }
    }
    if body_end < end {
        c.emit("\"", body_end);
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strict(s: &str) -> String {
        to_strict(s).unwrap().json
    }

    #[test]
    fn quotes_bare_keys_and_drops_comments_and_trailing_commas() {
        let src = "{\n    version: 0, // keep it\n    msgId: \"PING_12345\", /* id */\n    payload: {recall_msgId: \"TEXT_12345\"},\n}";
        let out = strict(src);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            v,
            serde_json::json!({"version":0,"msgId":"PING_12345","payload":{"recall_msgId":"TEXT_12345"}})
        );
    }

    #[test]
    fn strings_are_never_touched() {
        let src = r#"{"url": "https://a/b//c, d,}", "t": "a: b /* c */ \"q\" //"}"#;
        assert_eq!(strict(src), src);
        // An escaped quote does not end the string.
        let src = r#"{k: "x\"// y", z: 1,}"#;
        assert_eq!(strict(src), r#"{"k": "x\"// y", "z": 1}"#);
    }

    #[test]
    fn full_width_comma_and_unicode_spaces() {
        let src = "{\u{a0}\u{a0}a: 1，\u{3000}b: [1，2，]，}";
        assert_eq!(strict(src), "{  \"a\": 1, \"b\": [1,2]}");
        // Inside a string a full-width comma stays.
        assert_eq!(strict("{a: \"x，y\"}"), "{\"a\": \"x，y\"}");
        // Full-width colon after a key.
        assert_eq!(strict("{a：1}"), "{\"a\":1}");
    }

    #[test]
    fn trailing_comma_before_comment_then_brace() {
        assert_eq!(strict("[1, 2, // last\n]"), "[1, 2 \n]");
        assert_eq!(strict("[1, 2, /* x */ ]"), "[1, 2   ]");
    }

    #[test]
    fn leaves_non_json_for_the_strict_decoder() {
        // Placeholders and `true/false` are not made valid.
        let out = strict("{accepted:true/false, appId: $appId}");
        assert_eq!(out, "{\"accepted\":true/false, \"appId\": $appId}");
        assert!(serde_json::from_str::<serde_json::Value>(&out).is_err());
        // Comment markers join nothing.
        assert_eq!(strict("[1/**/2]"), "[1 2]");
        // Numbers with exponents are copied whole.
        assert_eq!(
            strict("{a: 1.5e3, b: -4.00435E1}"),
            "{\"a\": 1.5e3, \"b\": -4.00435E1}"
        );
    }

    #[test]
    fn single_quoted_strings() {
        assert_eq!(strict(r#"{'a': 'it\'s "x"'}"#), r#"{"a": "it's \"x\""}"#);
        assert_eq!(strict(r"{a: 'x\ny'}"), r#"{"a": "x\ny"}"#);
    }

    #[test]
    fn unterminated_block_comment_is_an_error_at_its_start() {
        let e = to_strict("{a: 1 /* open").unwrap_err();
        assert_eq!(e.offset, 6);
        // An unterminated string is left to the decoder.
        assert_eq!(strict("{a: \"open"), "{\"a\": \"open");
    }

    #[test]
    fn offsets_map_back_to_the_input() {
        let src = "{\n  msgId: 12345, // n\n}";
        let c = to_strict(src).unwrap();
        assert_eq!(c.json, "{\n  \"msgId\": 12345 \n}");
        // The value 12345 in the output...
        let out = c.json.find("12345").unwrap();
        // ...came from here in the input.
        assert_eq!(c.original_offset(out), src.find("12345").unwrap());
        // Inserted quotes point at the key.
        assert_eq!(
            c.original_offset(c.json.find('"').unwrap()),
            src.find("msgId").unwrap()
        );
        // The end of the output is the end of the input.
        assert_eq!(c.original_offset(c.json.len()), src.len());
        // After multi-byte whitespace the mapping still lines up.
        let src = "{\u{3000}a: x}";
        let c = to_strict(src).unwrap();
        assert_eq!(
            c.original_offset(c.json.find('x').unwrap()),
            src.find('x').unwrap()
        );
    }

    #[test]
    fn manual_literal_fixtures_equal_their_strict_twins() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures/");
        for (lit, json) in [
            ("literal/ping.jsonc", "envelope/ping.json"),
            ("literal/text.jsonc", "envelope/text.json"),
            ("literal/text_recall.jsonc", "envelope/text_recall.json"),
            (
                "literal/add_friend_response.jsonc",
                "envelope/add_friend_response.json",
            ),
        ] {
            let src = std::fs::read_to_string(format!("{dir}{lit}")).unwrap();
            let want: serde_json::Value =
                serde_json::from_slice(&std::fs::read(format!("{dir}{json}")).unwrap()).unwrap();
            let got: serde_json::Value = serde_json::from_str(&strict(&src)).unwrap();
            assert_eq!(got, want, "{lit}");
        }
    }

    #[test]
    fn never_panics_on_odd_input() {
        for s in [
            "", "'", "\"", "/", "/*", "//", ",", "，", "'\\", "\"\\", "{a", "a:", "'abc\\'",
            "\u{a0}",
        ] {
            let _ = to_strict(s);
        }
    }
}
