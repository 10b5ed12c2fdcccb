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
        use mimc_codec::ErrorKind;
        let kind = e.kind();
        let mut message = match kind {
            ErrorKind::WrongType(expected) => format!("wrong type: expected {expected}"),
            ErrorKind::InvalidValue(why) => format!("invalid value: {why}"),
            k => k.description().to_owned(),
        };
        if let Some(field) = e.field() {
            let _ = write!(message, " in `{field}`");
        }
        // The variant's name: `WrongType("a string")` -> `WrongType`.
        let debug = format!("{kind:?}");
        let name = debug
            .split(|c: char| !c.is_ascii_alphanumeric())
            .next()
            .unwrap_or("Error")
            .to_owned();
        Problem {
            name: Cow::Owned(name),
            message,
            offset: e.offset(),
        }
    }
}

/// Where a problem is: 1-based line and column (in characters), and the line's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Position {
    /// Byte offset, clamped to the input's length.
    pub(crate) offset: usize,
    /// 1-based line number.
    pub(crate) line: usize,
    /// 1-based column, counting characters (an invalid UTF-8 sequence counts as one).
    pub(crate) column: usize,
    /// The line's characters (lossy for invalid UTF-8), without its line break.
    pub(crate) text: Vec<char>,
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
        let prefix = input.get(line_start..offset).unwrap_or(&[]);
        let column = String::from_utf8_lossy(prefix).chars().count() + 1;
        let text = String::from_utf8_lossy(input.get(line_start..line_end).unwrap_or(&[]))
            .chars()
            .collect();
        Position {
            offset,
            line,
            column,
            text,
        }
    }
}

/// How many terminal columns a character takes: 2 for East Asian wide and full-width characters and
/// most emoji, 0 for combining marks, else 1. An approximation that keeps the caret aligned under the
/// manual's Chinese text.
fn width(c: char) -> usize {
    let u = u32::from(c);
    match u {
        0x0300..=0x036F | 0x200B..=0x200F | 0xFE00..=0xFE0F => 0,
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x1F300..=0x1F64F
        | 0x1F900..=0x1F9FF
        | 0x20000..=0x3FFFD => 2,
        _ => 1,
    }
}

/// How a character of the offending line is shown: tabs stay tabs (the caret line copies them), other
/// control characters become `�` so they cannot disturb the terminal.
fn shown(c: char) -> char {
    if c == '\t' {
        '\t'
    } else if c.is_control() {
        '\u{FFFD}'
    } else {
        c
    }
}

/// Longest line shown whole.
const MAX_SHOWN: usize = 120;
/// Characters shown of a longer line: a window around the spot.
const WINDOW: usize = 100;
/// Characters of the window before the spot.
const BEFORE: usize = 50;

/// The offending line (cut to a window around the spot when long) and the caret line under it.
pub(crate) fn snippet(pos: &Position) -> (String, String) {
    let at = pos.column.saturating_sub(1).min(pos.text.len());
    let (start, end) = if pos.text.len() > MAX_SHOWN {
        let start = at.saturating_sub(BEFORE);
        (start, (start + WINDOW).min(pos.text.len()))
    } else {
        (0, pos.text.len())
    };
    let mut line = String::new();
    let mut caret = String::new();
    if start > 0 {
        line.push('…');
        caret.push(' ');
    }
    for (i, &c) in pos.text.iter().enumerate().take(end).skip(start) {
        let c = shown(c);
        line.push(c);
        if i < at {
            if c == '\t' {
                caret.push('\t');
            } else {
                caret.extend(std::iter::repeat_n(' ', width(c)));
            }
        }
    }
    if end < pos.text.len() {
        line.push('…');
    }
    caret.push('^');
    (line, caret)
}

/// Renders a full report. `origin` names the text `input` (a path, `<stdin>`, or a payload found inside
/// the input); `notes` are printed under the headline.
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
        style.error(&format!("error[{}]", problem.name)),
        style.bold(&problem.message)
    );
    for note in context {
        let _ = writeln!(out, "  {} {note}", style.dim("note:"));
    }
    let gutter = pos.line.to_string().len();
    let pad = " ".repeat(gutter);
    let _ = writeln!(
        out,
        "{pad}{} {origin}:{}:{} (byte {})",
        style.dim("-->"),
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
        assert_eq!(pos.text.iter().collect::<String>(), "{\"a\":\"\u{FFFD}\"}");
        let input = b"{\r\n x}";
        let pos = Position::locate(input, 4);
        assert_eq!((pos.line, pos.column), (2, 2));
        assert_eq!(pos.text.iter().collect::<String>(), " x}");
    }

    #[test]
    fn library_errors_keep_their_kind_name() {
        let e = mimc_codec::Envelope::from_json(br#"{"msgId":1}"#).unwrap_err();
        let p = Problem::from(e);
        assert_eq!(p.name, "WrongType");
        assert_eq!(p.message, "wrong type: expected a string in `msgId`");
        assert_eq!(p.offset, 9);
    }
}
