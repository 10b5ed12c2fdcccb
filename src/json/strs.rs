//! Lists of strings that the document scan has validated (e.g. `toAccounts`): walked lazily from the
//! input text, finding each string by its quotes only.

use crate::error::Result;
use crate::json::{JsonStr, RawJson, ValueKind};

/// Walks the elements of an array that the reader has validated, expecting strings. Because the text is
/// known-good JSON, finding each string's end needs only its quotes and backslashes (no re-validation of
/// escapes or control characters), which makes validating and iterating a 500-member list cheap.
#[derive(Debug, Clone)]
pub(crate) struct StrScan<'a> {
    text: &'a str,
    pos: usize,
    base: usize,
    first: bool,
    done: bool,
    /// Counted by the document scan as a compact array (`["a","b"]`) of strings with no escapes.
    plain: bool,
}

/// Index of the first `"` at or after `i` (the end of `b` if none), eight bytes per step.
#[inline]
fn find_quote(b: &[u8], mut i: usize) -> usize {
    const LO: u64 = 0x0101_0101_0101_0101;
    while let Some(chunk) = b.get(i..).and_then(<[u8]>::first_chunk::<8>) {
        let q = u64::from_le_bytes(*chunk) ^ (LO * u64::from(b'"'));
        let m = q.wrapping_sub(LO) & !q & (LO << 7);
        if m != 0 {
            return i + (m.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&c) = b.get(i) {
        if c == b'"' {
            return i;
        }
        i += 1;
    }
    i
}

impl<'a> StrScan<'a> {
    pub(crate) fn new(array: &RawJson<'a>) -> Result<Self> {
        if array.kind() != ValueKind::Array {
            return Err(array.wrong_type(ValueKind::Array));
        }
        Ok(StrScan {
            text: array.as_str(),
            pos: 1,
            base: array.offset(),
            first: true,
            done: false,
            plain: matches!(array.string_count(), Some((_, true))),
        })
    }

    fn skip_ws(&mut self, b: &[u8]) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = b.get(self.pos) {
            self.pos += 1;
        }
    }

    /// The next string of an array known to hold only strings (checked by [`next_str`](Self::next_str) or
    /// by the document scan): finds the opening quote (only `[`, `,` and whitespace come before it) and
    /// the closing one, nothing else. `None` at the end of the text.
    #[inline]
    pub(crate) fn next_validated(&mut self) -> Option<JsonStr<'a>> {
        let b = self.text.as_bytes();
        if self.plain {
            // Compact, no escapes: `pos` is at an opening quote, the string ends at the next quote, and
            // the next one opens two bytes later (after `,`).
            let start = self.pos + 1;
            let end = find_quote(b, start);
            self.pos = end + 2;
            let raw = self.text.get(start..end)?;
            return Some(JsonStr::from_raw_parts(raw, false, self.base + start));
        }
        let mut i = self.pos;
        while *b.get(i)? != b'"' {
            i += 1;
        }
        let start = i + 1;
        let mut i = start;
        let mut escaped = false;
        loop {
            i = super::skip_plain(b, i);
            match b.get(i) {
                Some(b'"') | None => break,
                Some(b'\\') => {
                    escaped = true;
                    i += 2;
                }
                Some(_) => i += 1,
            }
        }
        self.pos = i + 1;
        let raw = self.text.get(start..i).unwrap_or("");
        Some(JsonStr::from_raw_parts(raw, escaped, self.base + start))
    }

    /// The next string; `None` after the last; `WrongType("a string")` at an element of another type.
    pub(crate) fn next_str(&mut self) -> Result<Option<JsonStr<'a>>> {
        if self.done {
            return Ok(None);
        }
        let b = self.text.as_bytes();
        self.skip_ws(b);
        if !self.first && b.get(self.pos) == Some(&b',') {
            self.pos += 1;
            self.skip_ws(b);
        }
        self.first = false;
        match b.get(self.pos) {
            Some(b'"') => {}
            Some(b']') | None => {
                self.done = true;
                return Ok(None);
            }
            Some(_) => {
                self.done = true;
                return Err(crate::json::read::wrong_type_at(
                    ValueKind::String,
                    b.get(self.pos).copied(),
                    self.base + self.pos,
                ));
            }
        }
        let start = self.pos + 1;
        let mut i = start;
        let mut escaped = false;
        loop {
            // Runs of plain characters 16 bytes per step (the engine's string scan).
            i = super::skip_plain(b, i);
            match b.get(i) {
                Some(b'"') | None => break,
                // The character after a backslash cannot end the string; `\uXXXX` digits are harmless.
                Some(b'\\') => {
                    escaped = true;
                    i += 2;
                }
                Some(_) => i += 1,
            }
        }
        self.pos = i + 1;
        let raw = self.text.get(start..i).unwrap_or("");
        Ok(Some(JsonStr::from_raw_parts(
            raw,
            escaped,
            self.base + start,
        )))
    }
}
