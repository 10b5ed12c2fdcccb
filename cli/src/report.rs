//! Error reports on stderr: kind, byte offset, line and column, and the offending line with a caret.
//!
//! ```text
//! error[WrongType]: wrong type: expected a string in `msgId`
//!   --> tests/fixtures/envelope/invalid/wrong_type_msgid.json:1:22 (byte 21)
//!    |
//!  1 | {"version":0,"msgId":12345,"msgType":"TEXT","timestamp":"1516763973000","payload":"msgId is a number"}
//!    |                      ^
//! ```

use std::borrow::Cow;
use std::fmt::Write as _;

use crate::style::Style;
use crate::{inert, view};

/// One thing wrong with the input: a short kind name, a sentence, and the byte offset it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    /// A stable name for the kind of problem (the library's `ErrorKind` variant, or the CLI's own).
    pub(crate) name: Cow<'static, str>,
    /// What went wrong, as a sentence fragment without the offset.
    pub(crate) message: String,
    /// Byte offset into the text the problem was found in.
    pub(crate) offset: usize,
}

impl Problem {
    pub(crate) fn new(name: &'static str, message: impl Into<String>, offset: usize) -> Self {
        Problem {
            name: Cow::Borrowed(name),
            message: message.into(),
            offset,
        }
    }
}

impl From<mimc_codec::Error> for Problem {
    fn from(e: mimc_codec::Error) -> Self {
        let message = e.message().to_string();
        let name = e.kind().name();
        Problem {
            name: Cow::Borrowed(name),
            message,
            // Every problem the CLI reports is about its input; one about a value built in code (no
            // offset) is placed at the input's start.
            offset: e.offset().unwrap_or(0),
        }
    }
}

/// Where a problem is: 1-based line and column (in characters), and the part of the line shown.
///
/// Found without copying the line: a report on a 100 MB single-line input costs a window of characters,
/// not the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Position {
    /// Byte offset, clamped to the input's length.
    pub(crate) offset: usize,
    /// 1-based line number.
    pub(crate) line: usize,
    /// 1-based column, counting characters (an invalid UTF-8 sequence counts as one).
    pub(crate) column: usize,
    /// The characters of the line shown (a window around the spot when the line is long; lossy for
    /// invalid UTF-8; secret values masked), each with its byte offset in the input.
    pub(crate) text: Vec<(usize, char)>,
    /// Is the line cut before (after) the window?
    cut_before: bool,
    cut_after: bool,
}

/// The characters of `bytes` as `from_utf8_lossy` gives them (one U+FFFD per invalid sequence), with
/// their offsets from the start of `bytes`; without copying.
fn lossy_chars(bytes: &[u8]) -> impl Iterator<Item = (usize, char)> + '_ {
    let mut at = 0;
    bytes.utf8_chunks().flat_map(move |chunk| {
        let start = at;
        let valid = chunk.valid();
        at += valid.len() + chunk.invalid().len();
        let bad = (!chunk.invalid().is_empty()).then_some((start + valid.len(), '\u{FFFD}'));
        valid
            .char_indices()
            .map(move |(i, c)| (start + i, c))
            .chain(bad)
    })
}

impl Position {
    pub(crate) fn locate(input: &[u8], offset: usize) -> Self {
        let offset = offset.min(input.len());
        let before = input.get(..offset).unwrap_or(input);
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        // Segments split at line breaks: one more than the breaks, so the 1-based line number.
        let line = before.split(|&b| b == b'\n').count();
        let rest = input.get(line_start..).unwrap_or(&[]);
        let mut line_end = rest
            .iter()
            .position(|&b| b == b'\n')
            .map_or(input.len(), |p| line_start + p);
        if line_end > line_start && input.get(line_end - 1) == Some(&b'\r') && line_end > offset {
            line_end -= 1;
        }
        let line_bytes = input.get(line_start..line_end).unwrap_or(&[]);
        let prefix = input.get(line_start..offset).unwrap_or(&[]);
        let at = lossy_chars(prefix).count();
        let line_chars = lossy_chars(line_bytes).count();
        let (first, last) = if line_chars > MAX_SHOWN {
            let first = at.saturating_sub(BEFORE);
            (first, (first + WINDOW).min(line_chars))
        } else {
            (0, line_chars)
        };
        let secrets = secret_spans(input, line_start, line_end);
        let masked = |at: usize| secrets.iter().any(|&(a, b)| a <= at && at < b);
        let text = lossy_chars(line_bytes)
            .skip(first)
            .take(last - first)
            .map(|(i, c)| {
                let i = line_start + i;
                (i, if masked(i) { '*' } else { c })
            })
            .collect();
        Position {
            offset,
            line,
            column: at + 1,
            text,
            cut_before: first > 0,
            cut_after: last < line_chars,
        }
    }
}

/// How many terminal columns a shown character takes (East Asian wide characters and emoji 2,
/// combining marks 0).
fn width(c: char) -> usize {
    unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)
}

/// Longest line shown whole.
const MAX_SHOWN: usize = 120;
/// Characters shown of a longer line: a window around the spot.
const WINDOW: usize = 100;
/// Characters of the window before the spot.
const BEFORE: usize = 50;

/// Pushes how `c` is shown onto the line and (when before the spot) its blank width onto the caret
/// line: tabs stay tabs (the caret line copies them), unsafe characters are shown escaped.
fn show(c: char, before_spot: bool, line: &mut String, caret: &mut String) {
    if c == '\t' {
        line.push('\t');
        if before_spot {
            caret.push('\t');
        }
        return;
    }
    let start = line.len();
    if inert::is_unsafe(c) {
        inert::push_escape(line, c);
    } else {
        line.push(c);
    }
    if before_spot {
        let cols: usize = line.get(start..).unwrap_or("").chars().map(width).sum();
        caret.extend(std::iter::repeat_n(' ', cols));
    }
}

/// The offending line (cut to a window around the spot when long) and the caret line under it.
pub(crate) fn snippet(pos: &Position) -> (String, String) {
    let mut line = String::new();
    let mut caret = String::new();
    if pos.cut_before {
        line.push('…');
        caret.push(' ');
    }
    for &(i, c) in &pos.text {
        show(c, i < pos.offset, &mut line, &mut caret);
    }
    if pos.cut_after {
        line.push('…');
    }
    caret.push('^');
    (line, caret)
}

/// Byte ranges (within the line `start..end` of `input`) of the values of secret keys (`"token": "…"`,
/// `appKey: '…'` in the relaxed dialect), also when the key ends the line before: error snippets quote
/// the input, and must not quote credentials. A light scan of the line's tokens, for text that may not
/// be valid JSON.
fn secret_spans(input: &[u8], start: usize, end: usize) -> Vec<(usize, usize)> {
    let line = input.get(start..end).unwrap_or(&[]);
    let mut spans = Vec::new();
    // Is the next value a secret? A secret key (with its colon) on an earlier line counts too.
    let mut pending = key_before(input, start);
    let mut i = 0;
    while let Some(&b) = line.get(i) {
        match b {
            b'"' | b'\'' => {
                let close = string_end(line, i);
                let closed = close > i + 1 && line.get(close - 1) == Some(&b);
                let body = (i + 1, if closed { close - 1 } else { close });
                i = close;
                if pending {
                    spans.push((start + body.0, start + body.1));
                    pending = false;
                } else {
                    pending = followed_by_colon(line, i)
                        && line.get(body.0..body.1).is_some_and(is_secret_name);
                }
            }
            b' ' | b'\t' | b'\r' | b':' | b',' | b'{' | b'[' | b'}' | b']' => {
                if matches!(b, b',' | b'{' | b'}' | b'[' | b']') {
                    pending = false;
                }
                i += 1;
            }
            _ => {
                let word_end = line
                    .get(i..)
                    .and_then(|t| {
                        t.iter().position(|&c| {
                            matches!(c, b' ' | b'\t' | b'\r' | b':' | b',' | b'}' | b']' | b'"')
                        })
                    })
                    .map_or(line.len(), |n| i + n)
                    .max(i + 1);
                let word = line.get(i..word_end).unwrap_or(&[]);
                if pending {
                    spans.push((start + i, start + word_end));
                    pending = false;
                } else {
                    pending = followed_by_colon(line, word_end) && is_secret_name(word);
                }
                i = word_end;
            }
        }
    }
    spans
}

/// Index just past the string opening at `i` (quote `line[i]`), or the line's end.
fn string_end(line: &[u8], i: usize) -> usize {
    let quote = line.get(i).copied().unwrap_or(b'"');
    let mut j = i + 1;
    while let Some(&b) = line.get(j) {
        if b == b'\\' {
            j += 2;
        } else if b == quote {
            return j + 1;
        } else {
            j += 1;
        }
    }
    line.len()
}

/// Does a `:` (or the full-width `：`) follow at `i`, after spaces?
fn followed_by_colon(line: &[u8], i: usize) -> bool {
    let rest = line.get(i..).unwrap_or(&[]);
    let rest = rest.trim_ascii_start();
    rest.starts_with(b":") || rest.starts_with("：".as_bytes())
}

fn is_secret_name(name: &[u8]) -> bool {
    std::str::from_utf8(name).is_ok_and(view::is_secret)
}

/// Does the text before `start` end with a secret key and its colon (the value then opens the line)?
fn key_before(input: &[u8], start: usize) -> bool {
    let before = input.get(..start).unwrap_or(&[]).trim_ascii_end();
    let Some(before) = before
        .strip_suffix(b":")
        .or_else(|| before.strip_suffix("：".as_bytes()))
    else {
        return false;
    };
    let before = before.trim_ascii_end();
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let last = before.get(line_start..).unwrap_or(&[]);
    let key = last
        .strip_suffix(b"\"")
        .and_then(|k| k.rsplit(|&b| b == b'"').next())
        .or_else(|| {
            last.rsplit(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
                .next()
        });
    key.is_some_and(is_secret_name)
}

/// Renders a report on binary input (the compact form): the byte offset and the bytes around it in hex,
/// a caret under the one the problem is at.
pub(crate) fn render_binary(
    style: Style,
    origin: &str,
    input: &[u8],
    problem: &Problem,
    context: &[String],
) -> String {
    let offset = problem.offset.min(input.len());
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {}",
        style.error(&format!("error[{}]", inert::inert(&problem.name))),
        style.bold(&inert::inert(&problem.message))
    );
    for note in context {
        let _ = writeln!(out, "  {} {}", style.dim("note:"), inert::inert(note));
    }
    let _ = writeln!(
        out,
        " {} {} (byte {offset} of {})",
        style.dim("-->"),
        inert::inert(origin),
        input.len()
    );
    let first = offset.saturating_sub(8);
    let shown = input
        .get(first..(first + 16).min(input.len()))
        .unwrap_or(&[]);
    let mut hex = String::new();
    let mut caret = String::new();
    if first > 0 {
        hex.push_str("… ");
        caret.push_str("  ");
    }
    for (i, b) in shown.iter().enumerate() {
        if first + i < offset {
            caret.push_str("   ");
        }
        let _ = write!(hex, "{b:02x} ");
    }
    if first + shown.len() < input.len() {
        hex.push('…');
    }
    caret.push('^');
    let bar = style.dim("|");
    let end = if offset >= input.len() {
        " end of input"
    } else {
        ""
    };
    let _ = writeln!(out, "  {bar} {}", hex.trim_end());
    let _ = writeln!(out, "  {bar} {}{end}", style.error(&caret));
    out
}

/// Renders a full report. `origin` names the text `input` (a path, `<stdin>`, or a payload found inside
/// the input); `notes` are printed under the headline. Everything taken from the input is made inert.
pub(crate) fn render(
    style: Style,
    origin: &str,
    input: &[u8],
    problem: &Problem,
    context: &[String],
) -> String {
    let pos = Position::locate(input, problem.offset);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}: {}",
        style.error(&format!("error[{}]", inert::inert(&problem.name))),
        style.bold(&inert::inert(&problem.message))
    );
    for note in context {
        let _ = writeln!(out, "  {} {}", style.dim("note:"), inert::inert(note));
    }
    let gutter = pos.line.to_string().len();
    let pad = " ".repeat(gutter);
    let _ = writeln!(
        out,
        "{pad}{} {}:{}:{} (byte {})",
        style.dim("-->"),
        inert::inert(origin),
        pos.line,
        pos.column,
        pos.offset
    );
    let (line, caret) = snippet(&pos);
    let bar = style.dim("|");
    let _ = writeln!(out, "{pad} {bar}");
    let _ = writeln!(out, "{} {bar} {line}", style.dim(&pos.line.to_string()));
    let end = if pos.offset >= input.len() {
        " end of input"
    } else {
        ""
    };
    let _ = writeln!(out, "{pad} {bar} {}{end}", style.error(&caret));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let input = "{\n  \"a\": \"中文\",\n  \"b\": x\n}".as_bytes();
        let at = input.iter().position(|&b| b == b'x').unwrap();
        let pos = Position::locate(input, at);
        assert_eq!((pos.line, pos.column), (3, 8));
        let pos = Position::locate(input, input.len());
        assert_eq!((pos.line, pos.column), (4, 2));
        // Two Chinese characters count as 2 columns, not 6 bytes.
        let at = "{\n  \"a\": \"中文".len();
        assert_eq!(Position::locate(input, at).column, 11);
    }

    #[test]
    fn caret_sits_under_the_spot() {
        let input = br#"{"version":0,"msgId":12345}"#;
        let (line, caret) = snippet(&Position::locate(input, 21));
        assert_eq!(line, r#"{"version":0,"msgId":12345}"#);
        assert_eq!(caret, format!("{}^", " ".repeat(21)));
    }

    #[test]
    fn wide_characters_and_tabs_keep_alignment() {
        let input = "\t你好: x".as_bytes();
        let at = input.len() - 1;
        let (line, caret) = snippet(&Position::locate(input, at));
        assert_eq!(line, "\t你好: x");
        assert_eq!(caret, "\t      ^");
    }

    #[test]
    fn long_lines_show_a_window() {
        let text = format!("{}X{}", "a".repeat(500), "b".repeat(500));
        let pos = Position::locate(text.as_bytes(), 500);
        assert_eq!(pos.column, 501);
        let (line, caret) = snippet(&pos);
        assert!(line.starts_with('…') && line.ends_with('…'));
        assert!(line.chars().count() <= MAX_SHOWN + 2);
        let at = caret.chars().count() - 1;
        assert_eq!(line.chars().nth(at), Some('X'));
    }

    #[test]
    fn invalid_utf8_and_crlf() {
        let input = b"{\"a\":\"\xff\"}\r\n";
        let pos = Position::locate(input, 6);
        assert_eq!((pos.line, pos.column), (1, 7));
        assert_eq!(
            pos.text.iter().map(|&(_, c)| c).collect::<String>(),
            "{\"a\":\"\u{FFFD}\"}"
        );
        let input = b"{\r\n x}";
        let pos = Position::locate(input, 4);
        assert_eq!((pos.line, pos.column), (2, 2));
        assert_eq!(pos.text.iter().map(|&(_, c)| c).collect::<String>(), " x}");
    }

    #[test]
    fn library_errors_keep_their_kind_name() {
        let e = mimc_codec::Envelope::from_json(br#"{"msgId":1}"#).unwrap_err();
        let p = Problem::from(e);
        assert_eq!(p.name, "WrongType");
        assert_eq!(
            p.message,
            "wrong type: expected a string, found a number in `msgId`"
        );
        assert_eq!(p.offset, 9);
    }
}
