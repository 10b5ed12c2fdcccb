//! The readable typed view: a small tree of labelled values, printed with aligned labels.
//!
//! ```text
//! envelope TEXT
//!   version    0
//!   msgId      TEXT_12345
//!   msgType    TEXT
//!   timestamp  1516763973000 (2018-01-24T03:19:33.000Z)
//!   payload    Welcome to the Xiaomi instant message cloud (MIMC)  (text, 50 bytes)
//! ```
//!
//! Each format builds a [`Node`]; the helpers here turn the library's values (strings with escapes,
//! 64-bit ids, timestamps, raw JSON, bytes) into display text the same way everywhere.

use std::fmt::Write as _;

use mimc_codec::json::{self, ValueKind};
use mimc_codec::{JsonStr, JsonU64, RawJson};

use crate::formats::Failure;
use crate::inert;
use crate::style::Style;
use crate::time::utc_millis;

/// Items of a list shown before the rest is summarised.
pub(crate) const LIST_SHOWN: usize = 10;
/// Nesting shown as a tree before a value is shown as compact JSON.
const TREE_DEPTH: usize = 16;
/// Bytes of a binary payload shown in hex.
const HEX_SHOWN: usize = 32;

/// A value in the view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Value {
    /// One line of text, with an optional dim note after it.
    Scalar { text: String, note: Option<String> },
    /// A nested record.
    Node(Node),
    /// A list; `total` may exceed the items shown.
    List { items: Vec<Value>, total: usize },
}

/// `text` made inert ([`inert::inert`]): whatever goes into the view is safe to print.
fn safe(text: String) -> String {
    match inert::inert(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(escaped) => escaped,
    }
}

impl Value {
    /// Plain text (made inert).
    pub(crate) fn text(text: impl Into<String>) -> Self {
        Value::Scalar {
            text: safe(text.into()),
            note: None,
        }
    }

    /// Text with a note (both made inert).
    pub(crate) fn noted(text: impl Into<String>, note: impl Into<String>) -> Self {
        Value::Scalar {
            text: safe(text.into()),
            note: Some(safe(note.into())),
        }
    }
}

/// A record: a title (`envelope`), an optional kind (`TEXT`), and labelled fields.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Node {
    title: String,
    kind: Option<String>,
    fields: Vec<(String, Value)>,
    /// Members not shown (a long object), said at the end.
    more: usize,
}

impl Node {
    /// A record titled `title`.
    pub(crate) fn new(title: impl Into<String>) -> Self {
        Node {
            title: safe(title.into()),
            kind: None,
            fields: Vec::new(),
            more: 0,
        }
    }

    /// Sets the kind shown after the title.
    #[must_use]
    pub(crate) fn kind(mut self, kind: impl Into<String>) -> Self {
        self.kind = Some(safe(kind.into()));
        self
    }

    /// Adds a field.
    pub(crate) fn field(&mut self, label: impl Into<String>, value: Value) -> &mut Self {
        self.fields.push((safe(label.into()), value));
        self
    }

    /// Renders the whole tree, ending with a newline.
    pub(crate) fn render(&self, style: Style) -> String {
        let mut out = String::new();
        out.push_str(&self.header(style));
        out.push('\n');
        self.render_fields(style, 1, &mut out);
        out
    }

    fn header(&self, style: Style) -> String {
        match &self.kind {
            Some(k) if self.title.is_empty() => style.kind(k),
            Some(k) => format!("{} {}", style.bold(&self.title), style.kind(k)),
            None => style.bold(&self.title),
        }
    }

    fn render_fields(&self, style: Style, depth: usize, out: &mut String) {
        let indent = "  ".repeat(depth);
        let width = self
            .fields
            .iter()
            .map(|(l, _)| l.chars().count())
            .max()
            .unwrap_or(0);
        for (label, value) in &self.fields {
            let pad = " ".repeat(width.saturating_sub(label.chars().count()) + 2);
            let _ = write!(out, "{indent}{}", style.key(label));
            render_value(value, style, depth, &pad, out);
        }
        if self.more > 0 {
            let noun = if self.more == 1 { "member" } else { "members" };
            let _ = writeln!(
                out,
                "{indent}{}",
                style.dim(&format!("… {} more {noun}", self.more))
            );
        }
    }
}

fn render_value(value: &Value, style: Style, depth: usize, pad: &str, out: &mut String) {
    match value {
        Value::Scalar { text, note } => {
            let _ = write!(out, "{pad}{text}");
            if let Some(n) = note {
                let _ = write!(out, "  {}", style.dim(&format!("({n})")));
            }
            out.push('\n');
        }
        Value::Node(node) => {
            let header = node.header(style);
            if header.is_empty() {
                out.push('\n');
            } else {
                let _ = writeln!(out, "{pad}{header}");
            }
            node.render_fields(style, depth + 1, out);
        }
        Value::List { items, total } => {
            let noun = if *total == 1 { "item" } else { "items" };
            let _ = writeln!(out, "{pad}{}", style.dim(&format!("[{total} {noun}]")));
            let mut node = Node::default();
            for (i, item) in items.iter().enumerate() {
                node.field(format!("[{i}]"), item.clone());
            }
            node.render_fields(style, depth + 1, out);
            if *total > items.len() {
                let _ = writeln!(
                    out,
                    "{}{}",
                    "  ".repeat(depth + 1),
                    style.dim(&format!("… {} more", total - items.len()))
                );
            }
        }
    }
}

/// A list of at most [`LIST_SHOWN`] items out of `total`.
pub(crate) fn list(items: impl IntoIterator<Item = Value>, total: usize) -> Value {
    Value::List {
        items: items.into_iter().take(LIST_SHOWN).collect(),
        total,
    }
}

/// Characters of a text shown in the view; the rest is cut (`--json` shows everything).
pub(crate) const TEXT_SHOWN: usize = 2000;

/// Text shown as is when every character is safe and printable ([`inert::is_unsafe`]) and it has no edge
/// spaces; else as a JSON string whose escapes also cover C1 controls, DEL, bidi controls and invisible
/// characters (so it reads back as the same string). Cut after [`TEXT_SHOWN`] characters, with `…`.
pub(crate) fn display_text(s: &str) -> String {
    let (s, cut) = match s.char_indices().nth(TEXT_SHOWN) {
        Some((i, _)) => (s.get(..i).unwrap_or(s), true),
        None => (s, false),
    };
    let plain = !s.is_empty()
        && !s.chars().any(inert::is_unsafe)
        && !s.starts_with(char::is_whitespace)
        && !s.ends_with(char::is_whitespace)
        && !s.starts_with('"');
    let mut out = if plain {
        s.to_owned()
    } else {
        let mut v = Vec::with_capacity(s.len() + 2);
        v.push(b'"');
        // Writing into a Vec cannot fail.
        let _ = json::write_escaped(&mut v, s);
        v.push(b'"');
        let v = inert::json_inert(&v).into_owned();
        String::from_utf8(v).unwrap_or_default()
    };
    if cut {
        out.push('…');
    }
    out
}

/// A string value from JSON, unescaped.
pub(crate) fn string(s: &JsonStr<'_>) -> Value {
    Value::text(display_text(&s.to_cow()))
}

/// A text payload: the text, noted with its size in bytes.
pub(crate) fn text_payload(s: &JsonStr<'_>, what: &str) -> Value {
    let text = s.to_cow();
    Value::noted(display_text(&text), format!("{what}, {} bytes", text.len()))
}

/// A 64-bit id or counter.
pub(crate) fn id(v: JsonU64) -> Value {
    Value::text(v.get().to_string())
}

/// Milliseconds since the epoch, noted with the UTC date-time.
pub(crate) fn millis(v: JsonU64) -> Value {
    Value::noted(v.get().to_string(), utc_millis(v.get()))
}

/// Bytes: as text when they are printable UTF-8, else a hex summary.
pub(crate) fn bytes(b: &[u8]) -> Value {
    match std::str::from_utf8(b) {
        Ok(s) if !s.is_empty() && !s.chars().any(|c| c.is_control() && c != '\n') => {
            Value::noted(display_text(s), format!("text, {} bytes", b.len()))
        }
        _ => Value::noted(hex_summary(b), format!("binary, {} bytes", b.len())),
    }
}

/// The first bytes in hex, `…` when there are more.
pub(crate) fn hex_summary(b: &[u8]) -> String {
    let mut s = String::with_capacity(HEX_SHOWN * 3 + 3);
    for (i, byte) in b.iter().take(HEX_SHOWN).enumerate() {
        if i > 0 {
            s.push(' ');
        }
        let _ = write!(s, "{byte:02x}");
    }
    if b.len() > HEX_SHOWN {
        s.push_str(" …");
    }
    if b.is_empty() {
        s.push_str("(empty)");
    }
    s
}

/// All bytes as lowercase hex without separators (`xxd -r -p` reads it back).
pub(crate) fn hex_plain(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len() * 2);
    for byte in b {
        let _ = write!(s, "{byte:02x}");
    }
    s
}

/// Keys whose values are milliseconds since the epoch.
fn is_time_key(key: &str) -> bool {
    matches!(key, "timestamp" | "ts" | "utcFromTime" | "utcToTime")
}

/// Keys whose values are credentials, shown redacted wherever they stand (`--json` keeps them).
const SECRETS: [&str; 4] = ["token", "miUserSecurityKey", "appSecret", "appKey"];

/// Is `key` the name of a credential (in any letter case, as HTTP headers are)?
pub(crate) fn is_secret(key: &str) -> bool {
    SECRETS.iter().any(|s| s.eq_ignore_ascii_case(key))
}

/// A secret, redacted: its length only.
pub(crate) fn redacted(chars: usize) -> Value {
    Value::noted(
        "<redacted>",
        format!("secret, {chars} characters; --json shows it"),
    )
}

/// The view of a value under a secret key.
fn redacted_raw(v: &RawJson<'_>) -> Value {
    let chars = match v.to_json_str() {
        Ok(s) => s.chars().count(),
        Err(_) => v.as_str().chars().count(),
    };
    redacted(chars)
}

/// Members of an object shown before the rest is counted.
pub(crate) const MEMBERS_SHOWN: usize = 64;

/// Looks at a value before the generic tree does: `Some(view)` replaces it (a base64 payload followed).
pub(crate) type Hook<'h> =
    dyn FnMut(&RawJson<'_>, &str, usize) -> Result<Option<Value>, Failure> + 'h;

/// Any validated JSON value as a tree, `key` being the name it came under (for timestamps and secrets).
pub(crate) fn raw(v: &RawJson<'_>, key: &str) -> Value {
    tree(v, key, 0, &mut |_, _, _| Ok(None)).unwrap_or_else(|_| Value::text(compact_text(v)))
}

/// The tree of `v`: records and lists down to [`TREE_DEPTH`], then compact JSON; secrets redacted at
/// any depth, timestamps with their date, long lists and objects cut (the rest counted, not kept).
pub(crate) fn tree(
    v: &RawJson<'_>,
    key: &str,
    depth: usize,
    hook: &mut Hook<'_>,
) -> Result<Value, Failure> {
    if is_secret(key) {
        return Ok(redacted_raw(v));
    }
    if let Some(shown) = hook(v, key, depth)? {
        return Ok(shown);
    }
    if depth >= TREE_DEPTH {
        return Ok(Value::text(compact_text(v)));
    }
    match v.kind() {
        ValueKind::Object => {
            let mut node = Node::new("");
            let mut total = 0;
            for m in v.object()? {
                let (k, value) = m?;
                if total < MEMBERS_SHOWN {
                    let label = k.to_cow();
                    let shown = tree(&value, &label, depth + 1, hook)?;
                    node.field(display_text(&label), shown);
                }
                total += 1;
            }
            node.more = total - node.fields.len();
            Ok(if total == 0 {
                Value::text("{}")
            } else {
                Value::Node(node)
            })
        }
        ValueKind::Array => {
            let mut items = Vec::new();
            let mut total = 0;
            for item in v.array()? {
                let item = item?;
                if items.len() < LIST_SHOWN {
                    items.push(tree(&item, "", depth + 1, hook)?);
                }
                total += 1;
            }
            Ok(if total == 0 {
                Value::text("[]")
            } else {
                list(items, total)
            })
        }
        ValueKind::String | ValueKind::Number if is_time_key(key) => {
            Ok(match JsonU64::from_json(v) {
                Ok(n) => millis(n),
                Err(_) => scalar(v),
            })
        }
        _ => Ok(scalar(v)),
    }
}

/// Bytes of compact JSON written for a value too deep for the tree before it is cut.
const JSON_SHOWN: usize = 4 * TEXT_SHOWN;

/// `v` as compact JSON with secrets redacted, made inert, cut after [`JSON_SHOWN`] bytes.
pub(crate) fn compact_text(v: &RawJson<'_>) -> String {
    let mut out = Vec::new();
    let complete = write_redacted(v, &mut out).is_ok();
    let mut text = String::from_utf8(inert::json_inert(&out).into_owned()).unwrap_or_default();
    if !complete {
        text.push('…');
    }
    text
}

/// Writes `v` compactly, secrets as `"<redacted>"`; `Err` once [`JSON_SHOWN`] bytes are written (cut at
/// a character boundary). Recursion is bounded by the decoder's depth limit (the value was validated).
fn write_redacted(v: &RawJson<'_>, out: &mut Vec<u8>) -> Result<(), ()> {
    let full = |out: &mut Vec<u8>| {
        if out.len() > JSON_SHOWN {
            let mut end = JSON_SHOWN;
            while end > 0 && out.get(end).is_some_and(|b| b & 0xC0 == 0x80) {
                end -= 1;
            }
            out.truncate(end);
            Err(())
        } else {
            Ok(())
        }
    };
    match v.kind() {
        ValueKind::Object => {
            out.push(b'{');
            for (i, m) in v.object().map_err(|_| ())?.enumerate() {
                let (k, value) = m.map_err(|_| ())?;
                if i > 0 {
                    out.push(b',');
                }
                json::write_str(out, &k).map_err(|_| ())?;
                out.push(b':');
                if is_secret(&k.to_cow()) {
                    out.extend_from_slice(b"\"<redacted>\"");
                } else {
                    write_redacted(&value, out)?;
                }
                full(out)?;
            }
            out.push(b'}');
        }
        ValueKind::Array => {
            out.push(b'[');
            for (i, item) in v.array().map_err(|_| ())?.enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_redacted(&item.map_err(|_| ())?, out)?;
                full(out)?;
            }
            out.push(b']');
        }
        _ => v.write_compact(out).map_err(|_| ())?,
    }
    full(out)
}

fn scalar(v: &RawJson<'_>) -> Value {
    match v.to_json_str() {
        Ok(s) => {
            let text = s.to_cow();
            if text.is_empty() {
                Value::text("\"\"")
            } else {
                Value::text(display_text(&text))
            }
        }
        Err(_) => Value::text(compact_text(v)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_aligned_fields_and_nested_records() {
        let mut inner = Node::new("");
        inner.field("recall_msgId", Value::text("TEXT_12345"));
        let mut n = Node::new("envelope").kind("TEXT_RECALL");
        n.field("version", Value::text("0"))
            .field("timestamp", millis(JsonU64::new(1_516_763_973_090)))
            .field("payload", Value::Node(inner));
        assert_eq!(
            n.render(Style::PLAIN),
            "envelope TEXT_RECALL\n  version    0\n  timestamp  1516763973090  (2018-01-24T03:19:33.090Z)\n  payload\n    recall_msgId  TEXT_12345\n"
        );
    }

    #[test]
    fn long_lists_are_summarised() {
        let mut n = Node::new("x");
        n.field(
            "toAccounts",
            list((0..500).map(|i| Value::text(i.to_string())), 500),
        );
        let out = n.render(Style::PLAIN);
        assert!(out.contains("[500 items]"));
        assert!(out.contains("[9]  9\n"));
        assert!(!out.contains("[10]"));
        assert!(out.contains("… 490 more"));
    }

    #[test]
    fn text_is_quoted_only_when_needed() {
        assert_eq!(display_text("你好 MIMC"), "你好 MIMC");
        assert_eq!(display_text("a\nb"), "\"a\\nb\"");
        assert_eq!(display_text(" x"), "\" x\"");
        assert_eq!(display_text(""), "\"\"");
    }

    #[test]
    fn binary_bytes_get_a_hex_summary() {
        assert_eq!(
            bytes(&[0, 1, 0xff]),
            Value::noted("00 01 ff", "binary, 3 bytes")
        );
        assert_eq!(bytes(b"pong"), Value::noted("pong", "text, 4 bytes"));
        let long = [0xabu8; 40];
        let Value::Scalar { text, .. } = bytes(&long) else {
            panic!()
        };
        assert!(text.ends_with(" …"));
    }

    #[test]
    fn raw_json_tree_knows_timestamps() {
        let v = RawJson::parse(r#"{"ts":1598006351955,"a":[1,"x"],"e":{}}"#).unwrap();
        let Value::Node(n) = raw(&v, "") else {
            panic!()
        };
        assert_eq!(
            n.render(Style::PLAIN),
            "\n  ts  1598006351955  (2020-08-21T10:39:11.955Z)\n  a   [2 items]\n    [0]  1\n    [1]  x\n  e   {}\n"
        );
    }
}
