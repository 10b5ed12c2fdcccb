//! Borrowed JSON strings that unescape lazily.
// On bare metal (`target_os = "none"`) a few helpers are inlined by force where that measured smaller.
#![allow(clippy::inline_always)]

use core::fmt;

use crate::error::{Error, ErrorKind, Result};
use crate::json::read;

/// A string borrowed from JSON input, escapes still in place, unescaped only when asked.
///
/// A `JsonStr` read from JSON knows whether its text contains backslash escapes: when it does not (the
/// common case) [`as_str`](Self::as_str) is free. A `JsonStr` made from a Rust `&str` holds that text as is.
/// Equality, ordering-free comparison with `&str`, and `Display` all work on the unescaped text without
/// allocating.
///
/// ```
/// use mimc_codec::json::JsonStr;
/// let plain = JsonStr::new("hello");
/// assert_eq!(plain.as_str(), Some("hello"));
///
/// let v = mimc_codec::json::RawJson::parse(r#""TEXT\/1 \u4e2d\ud83d\ude00""#).unwrap();
/// let s = v.to_json_str().unwrap();
/// assert!(s.is_escaped());
/// assert_eq!(s.as_str(), None); // needs unescaping
/// assert_eq!(s, "TEXT/1 中😀");
/// let mut buf = [0u8; 32];
/// assert_eq!(s.unescape_into(&mut buf).unwrap(), "TEXT/1 中😀");
/// assert_eq!(s.unescaped_len(), "TEXT/1 中😀".len());
/// ```
#[derive(Clone, Copy)]
pub struct JsonStr<'a> {
    raw: &'a str,
    escaped: bool,
    offset: usize,
}

impl<'a> JsonStr<'a> {
    /// A `JsonStr` holding `text` as it is (no escapes are interpreted).
    pub const fn new(text: &'a str) -> Self {
        JsonStr {
            raw: text,
            escaped: false,
            offset: 0,
        }
    }

    /// From the content of a validated JSON string (between the quotes).
    pub(crate) const fn from_raw_parts(raw: &'a str, escaped: bool, offset: usize) -> Self {
        JsonStr {
            raw,
            escaped,
            offset,
        }
    }

    /// The text, borrowed, when no unescaping is needed; `None` when it contains escapes.
    pub const fn as_str(&self) -> Option<&'a str> {
        if self.escaped { None } else { Some(self.raw) }
    }

    /// The source text: for a string read from JSON, exactly what stood between the quotes (escapes
    /// included); for one made with [`new`](Self::new), the text itself.
    pub const fn raw(&self) -> &'a str {
        self.raw
    }

    /// Does the source text contain JSON escapes?
    pub const fn is_escaped(&self) -> bool {
        self.escaped
    }

    /// Byte offset of the first character after the opening quote in the input (0 for strings made in code).
    pub const fn offset(&self) -> usize {
        self.offset
    }

    /// Is the unescaped text empty?
    pub const fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }

    /// Length in bytes of the unescaped UTF-8 text.
    pub fn unescaped_len(&self) -> usize {
        if !self.escaped {
            return self.raw.len();
        }
        if cfg!(target_os = "none") {
            return self.unescaped_bytes().count();
        }
        self.chunks().map(|c| c.as_str_len()).sum()
    }

    /// `BufferTooSmall` with the length needed, at `n` bytes written.
    #[cold]
    fn too_small(&self, n: usize) -> Error {
        Error::new(
            ErrorKind::BufferTooSmall {
                needed: self.unescaped_len(),
            },
            n,
        )
    }

    /// Unescapes into `buf`, returning the text written there. `BufferTooSmall` (offset: bytes that fit;
    /// `needed`: [`unescaped_len`](Self::unescaped_len)) when `buf` is shorter than that.
    pub fn unescape_into<'b>(&self, buf: &'b mut [u8]) -> Result<&'b str> {
        let src = self.raw.as_bytes();
        let mut n = 0usize;
        let mut i = 0usize;
        loop {
            // A run without escapes, then (unless at the end) one escape.
            let j = if self.escaped {
                find_backslash(src, i)
            } else {
                src.len()
            };
            let len = j - i;
            // Short runs (the text between escapes) are copied as one fixed 16-byte block when both
            // sides have room; the bytes past the run are overwritten next or left outside the result.
            match (buf.get_mut(n..n + 16), src.get(i..i + 16)) {
                (Some(dst), Some(run)) if len <= 16 => dst.copy_from_slice(run),
                _ => {
                    let run = src.get(i..j).unwrap_or(&[]);
                    let Some(dst) = buf.get_mut(n..n + len) else {
                        return Err(self.too_small(n));
                    };
                    dst.copy_from_slice(run);
                }
            }
            n += len;
            let Some(esc) = src.get(j..).filter(|e| !e.is_empty()) else {
                break;
            };
            let (c, used) = decode_escape(esc).unwrap_or(('\u{FFFD}', esc.len()));
            let Some(dst) = buf.get_mut(n..n + c.len_utf8()) else {
                return Err(self.too_small(n));
            };
            c.encode_utf8(dst);
            n += c.len_utf8();
            i = j + used;
        }
        let out = buf.get(..n).unwrap_or(&[]);
        // Only whole UTF-8 sequences were copied.
        core::str::from_utf8(out).map_err(|e| Error::new(ErrorKind::InvalidUtf8, e.valid_up_to()))
    }

    /// The unescaped text as pieces: borrowed runs and single decoded characters.
    pub fn chunks(&self) -> Chunks<'a> {
        Chunks {
            rest: self.raw,
            escaped: self.escaped,
        }
    }

    /// The unescaped text byte by byte (the comparisons of bare-metal builds: less code than
    /// [`chars`](Self::chars), which decodes UTF-8 again).
    pub(crate) fn unescaped_bytes(&self) -> UnescapedBytes<'a> {
        UnescapedBytes {
            rest: self.raw.as_bytes(),
            escaped: self.escaped,
            buf: [0; 4],
            at: 0,
            len: 0,
        }
    }

    /// The unescaped characters.
    pub fn chars(&self) -> impl Iterator<Item = char> + 'a {
        self.chunks().flat_map(|c| {
            let (run, ch) = match c {
                Chunk::Text(s) => (s, None),
                Chunk::Char(c) => ("", Some(c)),
            };
            run.chars().chain(ch)
        })
    }

    /// The unescaped text, borrowed when there were no escapes.
    #[cfg(feature = "alloc")]
    pub fn to_cow(&self) -> alloc::borrow::Cow<'a, str> {
        match self.as_str() {
            Some(s) => alloc::borrow::Cow::Borrowed(s),
            None => alloc::borrow::Cow::Owned(self.to_unescaped_string()),
        }
    }

    /// The unescaped text in a new `String`.
    #[cfg(feature = "alloc")]
    pub fn to_unescaped_string(&self) -> alloc::string::String {
        let mut s = alloc::string::String::with_capacity(self.unescaped_len());
        for chunk in self.chunks() {
            match chunk {
                Chunk::Text(t) => s.push_str(t),
                Chunk::Char(c) => s.push(c),
            }
        }
        s
    }

    /// The unescaped text as an owned `String`, free of the input's lifetime (the owned form of a
    /// `JsonStr`; whole models have `into_owned` too, see [`crate::owned`]).
    ///
    /// ```
    /// let s = mimc_codec::json::RawJson::parse(r#""TEXT\/12345""#).unwrap().to_json_str().unwrap();
    /// let owned: String = s.into_owned();
    /// assert_eq!(owned, "TEXT/12345");
    /// ```
    #[cfg(feature = "alloc")]
    pub fn into_owned(self) -> alloc::string::String {
        self.to_unescaped_string()
    }

    /// Compares the unescaped text with `other` without allocating.
    #[cfg_attr(target_os = "none", inline(always))]
    pub fn eq_str(&self, other: &str) -> bool {
        if !self.escaped {
            return self.raw == other;
        }
        // Bare metal: byte by byte, one small loop for every comparison.
        if cfg!(target_os = "none") {
            return self.unescaped_bytes().eq(other.bytes());
        }
        let mut rest = other.as_bytes();
        for chunk in self.chunks() {
            let mut tmp = [0u8; 4];
            let s = chunk.as_str(&mut tmp).as_bytes();
            match rest.strip_prefix(s) {
                Some(r) => rest = r,
                None => return false,
            }
        }
        rest.is_empty()
    }

    /// The text for matching against a fixed set of names: borrowed when clean, unescaped into `scratch`
    /// otherwise. Text that does not fit `scratch` gives `None` (no known name is that long).
    pub fn as_key<'s>(&'s self, scratch: &'s mut [u8; 64]) -> Option<&'s str> {
        if self.escaped {
            self.key_into(scratch)
        } else {
            Some(self.raw)
        }
    }

    /// As [`as_key`](Self::as_key), with the scratch buffer made only for a key that has escapes (a
    /// reader of many small objects then sets no 64 bytes per object).
    #[inline]
    pub(crate) fn as_key_lazy<'s>(
        &'s self,
        scratch: &'s mut Option<KeyScratch>,
    ) -> Option<&'s str> {
        if self.escaped {
            self.key_into(&mut scratch.get_or_insert(KeyScratch([0; 64])).0)
        } else {
            Some(self.raw)
        }
    }

    /// [`unescape_into`](Self::unescape_into) for [`as_key`](Self::as_key), which needs no error
    /// offset: bare metal unescapes byte by byte (compiled everywhere so that it is tested).
    #[inline]
    fn key_into<'s>(&self, scratch: &'s mut [u8; 64]) -> Option<&'s str> {
        if cfg!(target_os = "none") {
            self.unescape_bytewise(scratch)
        } else {
            self.unescape_into(scratch).ok()
        }
    }

    /// The unescaped text in `buf` byte by byte; `None` when it does not fit.
    fn unescape_bytewise<'s>(&self, buf: &'s mut [u8]) -> Option<&'s str> {
        let mut n = 0;
        for b in self.unescaped_bytes() {
            *buf.get_mut(n)? = b;
            n += 1;
        }
        core::str::from_utf8(buf.get(..n)?).ok()
    }

    /// The last (up to) 64 bytes of the unescaped text, starting at a character boundary, written into
    /// `buf`: the whole text when it is 64 bytes or shorter.
    pub(crate) fn unescaped_tail<'s>(&self, buf: &'s mut [u8; 64]) -> &'s str {
        if cfg!(target_os = "none") {
            return self.unescaped_tail_bytewise(buf);
        }
        let start = self.unescaped_len().saturating_sub(buf.len());
        let mut pos = 0usize; // unescaped bytes seen so far
        let mut n = 0usize; // bytes kept in `buf`
        for chunk in self.chunks() {
            let mut tmp = [0u8; 4];
            for &b in chunk.as_str(&mut tmp).as_bytes() {
                if pos >= start {
                    if let Some(slot) = buf.get_mut(n) {
                        *slot = b;
                        n += 1;
                    }
                }
                pos += 1;
            }
        }
        tail_text(buf.get(..n).unwrap_or(&[]))
    }

    /// [`unescaped_tail`](Self::unescaped_tail) byte by byte (bare metal; compiled everywhere so that
    /// it is tested).
    fn unescaped_tail_bytewise<'s>(&self, buf: &'s mut [u8; 64]) -> &'s str {
        let start = self.unescaped_len().saturating_sub(buf.len());
        let mut n = 0usize;
        for b in self.unescaped_bytes().skip(start) {
            if let Some(slot) = buf.get_mut(n) {
                *slot = b;
                n += 1;
            }
        }
        tail_text(buf.get(..n).unwrap_or(&[]))
    }

    /// The leading part of this string whose unescaped text is `len` bytes long, borrowed (escapes kept
    /// in place); `None` when `len` does not end on a character of the unescaped text.
    pub(crate) fn unescaped_prefix(&self, len: usize) -> Option<JsonStr<'a>> {
        if cfg!(target_os = "none") {
            return self.unescaped_prefix_bytewise(len);
        }
        let raw = self.raw.as_bytes();
        let (mut raw_pos, mut un) = (0usize, 0usize);
        for chunk in self.chunks() {
            if un >= len {
                break;
            }
            match chunk {
                Chunk::Text(t) => {
                    let take = t.len().min(len - un);
                    if !t.is_char_boundary(take) {
                        return None;
                    }
                    raw_pos += take;
                    un += take;
                }
                Chunk::Char(c) => {
                    un += c.len_utf8();
                    raw_pos += match raw.get(raw_pos + 1) {
                        _ if u32::from(c) > 0xFFFF => 12, // always a `\uD8xx\uDCxx` pair
                        Some(b'u') => 6,
                        _ => 2,
                    };
                }
            }
        }
        if un != len {
            return None;
        }
        let prefix = self.raw.get(..raw_pos)?;
        Some(JsonStr::from_raw_parts(
            prefix,
            self.escaped && prefix.as_bytes().contains(&b'\\'),
            self.offset,
        ))
    }

    /// [`unescaped_prefix`](Self::unescaped_prefix) byte by byte (bare metal; compiled everywhere so
    /// that it is tested).
    fn unescaped_prefix_bytewise(&self, len: usize) -> Option<JsonStr<'a>> {
        let mut bytes = self.unescaped_bytes();
        for _ in 0..len {
            bytes.next()?;
        }
        // Inside the UTF-8 of an escaped character, or of a raw one: not on a character.
        if bytes.at < bytes.len {
            return None;
        }
        let prefix = self.raw.get(..self.raw.len() - bytes.rest.len())?;
        Some(JsonStr::from_raw_parts(
            prefix,
            self.escaped && prefix.as_bytes().contains(&b'\\'),
            self.offset,
        ))
    }

    /// An error of `kind` pointing at this string.
    pub fn error(&self, kind: ErrorKind) -> Error {
        Error::new(kind, self.offset)
    }
}

/// The text of the last bytes kept of an unescaped text: from its first whole character.
fn tail_text(kept: &[u8]) -> &str {
    // Skip a character cut in half at the start.
    let first = kept
        .iter()
        .position(|&b| b & 0xC0 != 0x80)
        .unwrap_or(kept.len());
    core::str::from_utf8(kept.get(first..).unwrap_or(&[])).unwrap_or("")
}

/// A piece of unescaped text: see [`JsonStr::chunks`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(
    clippy::exhaustive_enums,
    reason = "a JSON string is runs of text and escaped characters, nothing else"
)]
pub enum Chunk<'a> {
    /// A run of text without escapes, borrowed from the input.
    Text(&'a str),
    /// One character that was escaped.
    Char(char),
}

impl<'a> Chunk<'a> {
    /// The chunk as text; an escaped character is encoded into `tmp`.
    pub fn as_str<'t>(&self, tmp: &'t mut [u8; 4]) -> &'t str
    where
        'a: 't,
    {
        match *self {
            Chunk::Text(s) => s,
            Chunk::Char(c) => c.encode_utf8(tmp),
        }
    }

    fn as_str_len(&self) -> usize {
        match self {
            Chunk::Text(s) => s.len(),
            Chunk::Char(c) => c.len_utf8(),
        }
    }
}

/// Iterator over the unescaped pieces of a [`JsonStr`].
#[derive(Debug, Clone)]
pub struct Chunks<'a> {
    rest: &'a str,
    escaped: bool,
}

impl<'a> Iterator for Chunks<'a> {
    type Item = Chunk<'a>;

    fn next(&mut self) -> Option<Chunk<'a>> {
        if self.rest.is_empty() {
            return None;
        }
        if !self.escaped {
            let all = self.rest;
            self.rest = "";
            return Some(Chunk::Text(all));
        }
        let bytes = self.rest.as_bytes();
        // Word-at-a-time search: escapes are sparse.
        let at = find_backslash(bytes, 0);
        match (at < bytes.len()).then_some(at) {
            Some(0) => {
                let (c, used) = decode_escape(bytes).unwrap_or(('\u{FFFD}', bytes.len()));
                self.rest = self.rest.get(used..).unwrap_or("");
                Some(Chunk::Char(c))
            }
            Some(i) => {
                let (run, rest) = self.rest.split_at_checked(i).unwrap_or((self.rest, ""));
                self.rest = rest;
                Some(Chunk::Text(run))
            }
            None => {
                let all = self.rest;
                self.rest = "";
                Some(Chunk::Text(all))
            }
        }
    }
}

/// The scratch buffer of [`JsonStr::as_key_lazy`], word-aligned: zeroing it is then the word-wise
/// clear every program links anyway (on bare metal a byte-aligned one links another routine).
#[repr(align(4))]
pub(crate) struct KeyScratch([u8; 64]);

/// See [`JsonStr::unescaped_bytes`]: the bytes of [`Chunks`], one at a time.
#[derive(Debug, Clone)]
pub(crate) struct UnescapedBytes<'a> {
    rest: &'a [u8],
    escaped: bool,
    /// The UTF-8 of the last escaped character, and how much of it is left.
    buf: [u8; 4],
    at: usize,
    len: usize,
}

impl Iterator for UnescapedBytes<'_> {
    type Item = u8;

    fn next(&mut self) -> Option<u8> {
        if self.at < self.len {
            let b = self.buf.get(self.at).copied();
            self.at += 1;
            return b;
        }
        let (&b, rest) = self.rest.split_first()?;
        if b != b'\\' || !self.escaped {
            self.rest = rest;
            return Some(b);
        }
        // As `Chunks` decodes it.
        let (c, used) = decode_escape(self.rest).unwrap_or(('\u{FFFD}', self.rest.len()));
        self.rest = self.rest.get(used..).unwrap_or(&[]);
        self.len = c.encode_utf8(&mut self.buf).len();
        self.at = 1;
        self.buf.first().copied()
    }
}

/// Index of the first `\\` at or after `i` (or `bytes.len()`), eight bytes per step.
#[cfg(target_pointer_width = "64")]
#[inline]
fn find_backslash(bytes: &[u8], mut i: usize) -> usize {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = bytes.get(i..).and_then(<[u8]>::first_chunk::<8>) {
        let x = u64::from_le_bytes(*chunk) ^ (LO * u64::from(b'\\'));
        // The lowest flagged byte is exact (borrows only run upwards).
        let m = x.wrapping_sub(LO) & !x & HI;
        if m != 0 {
            return i + (m.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    let tail = bytes.get(i..).unwrap_or(&[]);
    i + tail.iter().position(|&b| b == b'\\').unwrap_or(tail.len())
}

/// Index of the first `\\` at or after `i` (or `bytes.len()`); byte by byte on 32-bit targets (small code).
#[cfg(not(target_pointer_width = "64"))]
#[inline]
fn find_backslash(bytes: &[u8], i: usize) -> usize {
    find_backslash_bytewise(bytes, i)
}

/// The byte-by-byte [`find_backslash`] of 32-bit targets (compiled everywhere so that it is tested).
#[cfg_attr(target_pointer_width = "64", allow(dead_code))]
#[inline]
fn find_backslash_bytewise(bytes: &[u8], i: usize) -> usize {
    let tail = bytes.get(i..).unwrap_or(&[]);
    i + tail.iter().position(|&b| b == b'\\').unwrap_or(tail.len())
}

/// Decodes the escape at the start of `b` (validated by the reader). Returns the char and bytes used.
#[inline]
fn decode_escape(b: &[u8]) -> Option<(char, usize)> {
    let c = match b.get(1)? {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => {
            let hi = hex4(b.get(2..6)?)?;
            if (0xD800..0xDC00).contains(&hi) {
                if b.get(6..8)? != b"\\u" {
                    return None;
                }
                let lo = hex4(b.get(8..12)?)?;
                if !(0xDC00..0xE000).contains(&lo) {
                    return None;
                }
                let cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                return Some((char::from_u32(cp)?, 12));
            }
            return Some((char::from_u32(hi)?, 6));
        }
        _ => return None,
    };
    Some((c, 2))
}

fn hex4(b: &[u8]) -> Option<u32> {
    // Bare metal: digit by digit (no table lookups).
    if cfg!(target_os = "none") {
        return hex4_small(b);
    }
    read::hex4(b.first_chunk::<4>()?)
}

/// [`hex4`] digit by digit (bare metal; compiled everywhere so that it is tested).
fn hex4_small(b: &[u8]) -> Option<u32> {
    b.get(..4)?
        .iter()
        .try_fold(0u32, |v, &d| Some(v << 4 | u32::from(read::hex_val(d)?)))
}

impl PartialEq for JsonStr<'_> {
    fn eq(&self, other: &Self) -> bool {
        match (self.as_str(), other.as_str()) {
            (Some(a), Some(b)) => a == b,
            (Some(a), None) => other.eq_str(a),
            (None, Some(b)) => self.eq_str(b),
            // Bare metal: byte by byte (equal bytes are equal characters: both are UTF-8).
            (None, None) if cfg!(target_os = "none") => {
                self.unescaped_bytes().eq(other.unescaped_bytes())
            }
            (None, None) => self.chars().eq(other.chars()),
        }
    }
}
impl Eq for JsonStr<'_> {}

impl PartialEq<str> for JsonStr<'_> {
    fn eq(&self, other: &str) -> bool {
        self.eq_str(other)
    }
}
impl PartialEq<&str> for JsonStr<'_> {
    fn eq(&self, other: &&str) -> bool {
        self.eq_str(other)
    }
}
impl PartialEq<JsonStr<'_>> for &str {
    fn eq(&self, other: &JsonStr<'_>) -> bool {
        other.eq_str(self)
    }
}

impl core::hash::Hash for JsonStr<'_> {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        for c in self.chars() {
            c.hash(state);
        }
    }
}

impl<'a> From<&'a str> for JsonStr<'a> {
    fn from(s: &'a str) -> Self {
        JsonStr::new(s)
    }
}

impl Default for JsonStr<'_> {
    fn default() -> Self {
        JsonStr::new("")
    }
}

impl fmt::Display for JsonStr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for chunk in self.chunks() {
            let mut tmp = [0u8; 4];
            f.write_str(chunk.as_str(&mut tmp))?;
        }
        Ok(())
    }
}

impl fmt::Debug for JsonStr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write;
        f.write_char('"')?;
        for c in self.chars() {
            for e in c.escape_debug() {
                f.write_char(e)?;
            }
        }
        f.write_char('"')
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::RawJson;

    fn js(json: &str) -> JsonStr<'_> {
        RawJson::parse(json).unwrap().to_json_str().unwrap()
    }

    #[test]
    fn unescapes_every_escape() {
        let s = js(r#""\"\\\/\b\f\n\r\t\u0041\u00e9\u4e2d\ud83d\ude00x""#);
        let want = "\"\\/\u{8}\u{c}\n\r\tAé中😀x";
        assert_eq!(s, want);
        assert_eq!(s.unescaped_len(), want.len());
        let mut buf = [0u8; 64];
        assert_eq!(s.unescape_into(&mut buf).unwrap(), want);
        let mut small = [0u8; 5];
        let e = s.unescape_into(&mut small).unwrap_err();
        assert_eq!(
            (e.kind(), e.offset()),
            (ErrorKind::BufferTooSmall { needed: 19 }, Some(5))
        );
        assert!(s.chars().eq(want.chars()));
    }

    #[test]
    fn backslash_search_word_and_byte_wise_agree() {
        for len in 0..40 {
            for pos in 0..=len {
                let mut b = std::vec![b'x'; len];
                if pos < len {
                    b[pos] = b'\\';
                }
                for start in 0..=len {
                    assert_eq!(
                        find_backslash(&b, start),
                        find_backslash_bytewise(&b, start)
                    );
                }
            }
        }
    }

    #[test]
    #[cfg(feature = "alloc")] // `to_unescaped_string`
    fn unescaped_bytes_are_the_unescaped_text() {
        let texts = [
            r#""""#,
            r#""plain""#,
            r#""\n""#,
            r#""a\u00e9b\u4e2d\ud83d\ude00\/\"\\x""#,
            r#""\u0041""#,
            r#""A""#,
            r#""é中\t""#,
            r#""\u00e9\u4e2d\t""#,
        ];
        for json in texts {
            let s = js(json);
            let want = s.to_unescaped_string();
            assert!(s.unescaped_bytes().eq(want.bytes()), "{json}");
            assert!(JsonStr::new(&want).unescaped_bytes().eq(want.bytes()));
            // The byte-wise comparisons of bare metal agree with the character-wise ones.
            for other in texts {
                let o = js(other);
                assert_eq!(
                    s.unescaped_bytes().eq(o.unescaped_bytes()),
                    s.chars().eq(o.chars()),
                    "{json} {other}"
                );
                assert_eq!(
                    s.unescaped_bytes().eq(o.to_unescaped_string().bytes()),
                    s.eq_str(&o.to_unescaped_string()),
                    "{json} {other}"
                );
            }
        }
        assert!(
            js(r#""\u00e9\u4e2d\t""#)
                .unescaped_bytes()
                .eq(js(r#""é中\t""#).unescaped_bytes())
        );
    }

    #[test]
    fn bytewise_tails_and_prefixes_agree() {
        for json in [
            r#""""#,
            r#""plain""#,
            r#""a\u00e9b\u4e2d\ud83d\ude00\/\"\\x""#,
            r#""\u00e9é\u4e2d中_FILE""#,
            r#""ééééééééééééééééééééééééééééééééééé\u00e9\u00e9\u00e9_RECALL""#,
            r#""\u4e2d\u4e2d\u4e2d\u4e2d\u4e2d\u4e2d\u4e2d\u4e2d\u4e2d\u4e2d\u4e2d\u4e2d\u4e2d\u4e2d\u4e2d\u4e2d\u4e2d\u4e2d\u4e2d\u4e2d\u4e2d\u4e2d_PIC""#,
        ] {
            let mut s = js(json);
            let (mut bytewise_buf, mut chunked_buf) = ([0u8; 64], [0u8; 64]);
            assert_eq!(s.unescaped_bytes().count(), s.unescaped_len(), "{json}");
            let bytewise = s.unescaped_tail_bytewise(&mut bytewise_buf);
            s.escaped = true; // the chunk-wise tail, also for the unescaped ones
            assert_eq!(bytewise, s.unescaped_tail(&mut chunked_buf), "{json}");
            for len in 0..=s.unescaped_len() + 2 {
                assert_eq!(
                    s.unescaped_prefix_bytewise(len).map(|p| (p.raw, p.escaped)),
                    s.unescaped_prefix(len).map(|p| (p.raw, p.escaped)),
                    "{json} {len}"
                );
            }
        }
    }

    #[test]
    fn bytewise_unescaping_agrees() {
        for json in [
            r#""""#,
            r#""a\u00e9b\u4e2d\ud83d\ude00\/\"\\x""#,
            r#""\u0041BCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz_0123456789_FILE""#,
            r#""\u0041BCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz_0123456""#,
            r#""\u0041BCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz_012345\u00e9""#,
        ] {
            let s = js(json);
            for len in [0, 1, 5, 63, 64, 65] {
                let (mut blocks, mut bytes) = ([0u8; 65], [0u8; 65]);
                assert_eq!(
                    s.unescape_into(&mut blocks[..len]).ok(),
                    s.unescape_bytewise(&mut bytes[..len]),
                    "{json} {len}"
                );
            }
        }
    }

    #[test]
    fn hex_digits_digit_by_digit_agree() {
        let digits = b"09afAFgG/:@`\x00\xff";
        for &a in digits {
            for &b in digits {
                for c in [[a, b, b'0', b'F'], [b'7', b'e', a, b], [a, a, b, b]] {
                    assert_eq!(hex4_small(&c), read::hex4(&c), "{c:?}");
                }
            }
        }
        assert_eq!(hex4_small(b"12a"), None);
        assert_eq!(hex4_small(b"12aBx"), Some(0x12ab));
    }

    #[test]
    fn comparisons_do_not_confuse_prefixes() {
        let s = js(r#""ab\/""#);
        assert!(s.eq_str("ab/"));
        assert!(!s.eq_str("ab"));
        assert!(!s.eq_str("ab/c"));
        assert_eq!(s, JsonStr::new("ab/"));
        assert_ne!(s, JsonStr::new("ab\\/"));
        let mut scratch = [0u8; 64];
        assert_eq!(s.as_key(&mut scratch), Some("ab/"));
    }
}
