//! The validating single-pass reader.
//!
//! The whole input is checked for UTF-8 once up front; after that every span the reader hands out is a
//! `&'a str` borrowed from the input with no further checks. Containers are skipped iteratively (a bit stack,
//! no recursion), so hostile nesting costs neither stack nor time beyond one linear pass.
// The hot paths are inlined on purpose: each `#[inline(always)]` was measured (benches/, BENCHMARKS.md).
// On bare-metal targets (`target_os = "none"`) code size matters more, so they are only hints there.
#![allow(clippy::inline_always)]

use crate::error::{Error, ErrorKind, Result};
use crate::json::JsonStr;

/// The nesting depth allowed by default for free-form JSON (custom payloads, skipped unknown values).
pub const DEFAULT_MAX_DEPTH: usize = 128;
/// The largest nesting depth [`DecodeOptions::with_max_depth`] accepts.
pub const MAX_DEPTH_LIMIT: usize = 1024;
/// The default maximum decoded size of a base64 payload: 15 KiB, as in current MIMC SDKs.
pub const DEFAULT_MAX_PAYLOAD: usize = 15 * 1024;

/// Limits applied while decoding. `Copy`, no lifetime; the defaults suit MIMC traffic.
///
/// ```
/// use mimc_codec::DecodeOptions;
/// let opts = DecodeOptions::new().with_max_depth(16).with_max_payload(10 * 1024);
/// assert_eq!(opts.max_depth(), 16);
/// assert_eq!(opts.max_payload(), 10 * 1024);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeOptions {
    max_depth: usize,
    max_payload: usize,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        Self::new()
    }
}

impl DecodeOptions {
    /// Depth 128, payload 15 KiB.
    pub const fn new() -> Self {
        DecodeOptions {
            max_depth: DEFAULT_MAX_DEPTH,
            max_payload: DEFAULT_MAX_PAYLOAD,
        }
    }

    /// Maximum nesting depth of containers (the top-level object counts as 1); clamped to 1..=1024.
    #[must_use]
    pub const fn with_max_depth(mut self, depth: usize) -> Self {
        self.max_depth = if depth == 0 {
            1
        } else if depth > MAX_DEPTH_LIMIT {
            MAX_DEPTH_LIMIT
        } else {
            depth
        };
        self
    }

    /// Maximum decoded size in bytes of a base64 payload.
    #[must_use]
    pub const fn with_max_payload(mut self, bytes: usize) -> Self {
        self.max_payload = bytes;
        self
    }

    /// The nesting limit.
    pub const fn max_depth(&self) -> usize {
        self.max_depth
    }

    /// The payload limit in bytes.
    pub const fn max_payload(&self) -> usize {
        self.max_payload
    }
}

/// The JSON type of a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(
    clippy::exhaustive_enums,
    reason = "JSON has these six types (RFC 8259) and no other: a match over them is meant to be complete"
)]
pub enum ValueKind {
    /// `null`
    Null,
    /// `true` or `false`
    Bool,
    /// a number
    Number,
    /// a string
    String,
    /// an array
    Array,
    /// an object
    Object,
}

impl ValueKind {
    /// The kind of the value that starts with byte `b` (`None` for a byte that starts no value).
    pub(crate) const fn of_first_byte(b: u8) -> Option<ValueKind> {
        Some(match b {
            b'{' => ValueKind::Object,
            b'[' => ValueKind::Array,
            b'"' => ValueKind::String,
            b't' | b'f' => ValueKind::Bool,
            b'n' => ValueKind::Null,
            b'-' | b'0'..=b'9' => ValueKind::Number,
            _ => return None,
        })
    }

    /// The JSON name of the type, as used in error messages.
    pub const fn name(self) -> &'static str {
        match self {
            ValueKind::Null => "null",
            ValueKind::Bool => "a boolean",
            ValueKind::Number => "a number",
            ValueKind::String => "a string",
            ValueKind::Array => "an array",
            ValueKind::Object => "an object",
        }
    }
}

/// `WrongType` (expected `expected`, found the kind `first` starts) at `offset`, or `ExpectedValue` when
/// `first` starts no value.
#[cold]
pub(crate) fn wrong_type_at(expected: ValueKind, first: Option<u8>, offset: usize) -> Error {
    match first.and_then(ValueKind::of_first_byte) {
        Some(found) => Error::new(ErrorKind::WrongType { expected, found }, offset),
        None => Error::new(ErrorKind::ExpectedValue, offset),
    }
}

/// A validated JSON value kept as its text: what custom payloads and skipped values are.
///
/// Re-encoding writes the text verbatim, so unknown kinds round-trip byte for byte.
///
/// ```
/// use mimc_codec::json::{RawJson, ValueKind};
/// let raw = RawJson::parse(r#"{"lat": 39.9, "lng": 116.3}"#).unwrap();
/// assert_eq!(raw.kind(), ValueKind::Object);
/// assert!(RawJson::parse("{1:2}").is_err());
/// ```
#[derive(Clone, Copy)]
pub struct RawJson<'a> {
    text: &'a str,
    offset: usize,
    kind: ValueKind,
    /// For strings: does the text contain a backslash? Known from the scan, so never looked for twice.
    /// For counted arrays of strings ([`strings`](Self::strings)): `false` only when the array is written
    /// compactly (`["a","b"]`: no whitespace) and no element has an escape.
    escaped: bool,
    /// For arrays validated by the document scan: the number of elements when every one is a string
    /// ([`NOT_COUNTED`] otherwise, or when not known), so that lists of strings are not read again to be
    /// checked and counted.
    #[cfg_attr(target_os = "none", allow(dead_code))]
    strings: StringCount,
}

/// The type of [`RawJson::strings`]: nothing on bare metal, where string arrays are not counted (the
/// counting scan is code a microcontroller does not need, and every value is four bytes smaller).
#[cfg(not(target_os = "none"))]
type StringCount = u32;
#[cfg(target_os = "none")]
type StringCount = ();

/// [`RawJson::strings`] for values that are not arrays of strings, or were not counted.
#[cfg(not(target_os = "none"))]
const NOT_COUNTED: StringCount = u32::MAX;
#[cfg(target_os = "none")]
const NOT_COUNTED: StringCount = ();

impl<'a> RawJson<'a> {
    /// Validates `text` as exactly one JSON value (surrounding whitespace is trimmed) with the default depth limit.
    pub fn parse(text: &'a str) -> Result<Self> {
        Self::parse_with(text, &DecodeOptions::new())
    }

    /// As [`parse`](Self::parse), with explicit limits.
    pub fn parse_with(text: &'a str, opts: &DecodeOptions) -> Result<Self> {
        let mut p = Parser::new(text, 0, opts.max_depth);
        let v = p.value(0)?;
        p.end()?;
        Ok(v)
    }

    /// A value from its validated text (the scanner builds its values directly, knowing `escaped`).
    #[allow(dead_code)]
    pub(crate) fn from_parts(text: &'a str, offset: usize, kind: ValueKind) -> Self {
        let escaped = matches!(kind, ValueKind::String) && text.as_bytes().contains(&b'\\');
        RawJson {
            text,
            offset,
            kind,
            escaped,
            strings: NOT_COUNTED,
        }
    }

    /// For an array whose elements were all found to be strings by the validating scan: their number, and
    /// whether it is written compactly (`["a","b"]`: no whitespace) with no escape in any element, so
    /// that each string ends at the next quote and the next one starts two bytes later.
    /// `None` when some element is not a string, or when the value did not come from that scan (a
    /// re-walk of a validated value does not count).
    #[inline]
    #[cfg(target_os = "none")]
    #[allow(clippy::unused_self)] // the host form reads it
    pub(crate) const fn string_count(&self) -> Option<(usize, bool)> {
        None
    }

    /// See the bare-metal `string_count`.
    #[inline]
    #[cfg(not(target_os = "none"))]
    pub(crate) const fn string_count(&self) -> Option<(usize, bool)> {
        if self.strings == NOT_COUNTED {
            None
        } else {
            Some((self.strings as usize, !self.escaped))
        }
    }

    /// The JSON text of the value, exactly as it appeared.
    pub const fn as_str(&self) -> &'a str {
        self.text
    }

    /// The JSON type.
    pub const fn kind(&self) -> ValueKind {
        self.kind
    }

    /// Byte offset of the value's first byte in the input it was decoded from.
    pub const fn offset(&self) -> usize {
        self.offset
    }

    /// The value as a string, or a `WrongType` error at its offset.
    #[cfg_attr(not(target_os = "none"), inline)]
    #[cfg_attr(target_os = "none", inline(always))]
    pub fn to_json_str(&self) -> Result<JsonStr<'a>> {
        if self.kind != ValueKind::String {
            return Err(self.wrong_type(ValueKind::String));
        }
        // The quotes are ASCII, so stripping them needs no char-boundary checks.
        let inner = self
            .text
            .strip_prefix('"')
            .and_then(|t| t.strip_suffix('"'))
            .unwrap_or("");
        Ok(JsonStr::from_raw_parts(
            inner,
            self.escaped,
            self.offset + 1,
        ))
    }

    /// The value as a boolean.
    pub fn to_bool(&self) -> Result<bool> {
        match self.text {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(self.wrong_type(ValueKind::Bool)),
        }
    }

    /// Is it `null`?
    pub fn is_null(&self) -> bool {
        self.kind == ValueKind::Null
    }

    /// The members of an object value, validated already, read lazily.
    pub fn object(&self) -> Result<ObjectIter<'a>> {
        if self.kind != ValueKind::Object {
            return Err(self.wrong_type(ValueKind::Object));
        }
        let mut p = Parser::new(self.text, self.offset, MAX_DEPTH_LIMIT);
        p.pos = 1;
        p.trusted = true;
        Ok(ObjectIter {
            p,
            first: true,
            done: false,
            top: false,
            depth: 1,
            pending: NO_VALUE,
        })
    }

    /// The elements of an array value, validated already, read lazily.
    pub fn array(&self) -> Result<ArrayIter<'a>> {
        if self.kind != ValueKind::Array {
            return Err(self.wrong_type(ValueKind::Array));
        }
        let mut p = Parser::new(self.text, self.offset, MAX_DEPTH_LIMIT);
        p.pos = 1;
        p.trusted = true;
        Ok(ArrayIter {
            p,
            first: true,
            done: false,
            depth: 1,
            pending: NO_VALUE,
        })
    }

    /// Reads this (validated) value again through a [`ValueReader`], as a document's reader reads it in
    /// place: nested containers are walked, not validated again.
    pub(crate) fn reader<T>(
        &self,
        read: impl FnOnce(ValueReader<'_, 'a>) -> Result<T>,
    ) -> Result<T> {
        let mut p = Parser::new(self.text, self.offset, MAX_DEPTH_LIMIT);
        p.trusted = true;
        let mut pending = 0;
        read(ValueReader {
            p: &mut p,
            depth: 0,
            pending: &mut pending,
        })
    }

    /// A `WrongType` error pointing at this value: `expected` is what the field takes, the value's own
    /// kind is what was found.
    pub fn wrong_type(&self, expected: ValueKind) -> Error {
        Error::new(
            ErrorKind::WrongType {
                expected,
                found: self.kind,
            },
            self.offset,
        )
    }
}

impl PartialEq for RawJson<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}
impl Eq for RawJson<'_> {}

impl core::fmt::Debug for RawJson<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "RawJson({})", self.text)
    }
}

impl core::fmt::Display for RawJson<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.text)
    }
}

/// Checks `input` for UTF-8 once, giving the offset of the first bad byte.
///
/// Done over the whole input, not string by string: safe code gets a `&str` only from a check of exactly
/// its bytes, so one check of everything (and `&str` spans sliced from it in O(1)) costs least when the
/// spans are handed out, as every decode does (measured: checking each string and container span instead
/// costs 2.4x the whole-input `core::str::from_utf8` on a 150-byte envelope, 20x on a 500-member list).
/// Off bare metal the check is SIMD (`simdutf8`, about 3x fewer instructions, on ASCII and CJK text
/// alike); only a failure asks `core` for the offset, so errors are exactly as before.
#[cfg_attr(not(target_os = "none"), inline)]
pub(crate) fn utf8(input: &[u8]) -> Result<&str> {
    #[cfg(not(target_os = "none"))]
    if let Ok(text) = simdutf8::basic::from_utf8(input) {
        return Ok(text);
    }
    core::str::from_utf8(input).map_err(|e| Error::new(ErrorKind::InvalidUtf8, e.valid_up_to()))
}

/// Opens the top-level object of a document: checks UTF-8, skips leading whitespace, expects `{`.
/// Iterating the result to its end also checks that nothing but whitespace follows.
///
/// ```
/// use mimc_codec::{json, DecodeOptions};
/// let mut obj = json::top_object(br#"{"a":1,"b":[true]}"#, &DecodeOptions::new()).unwrap();
/// let (k, v) = obj.next_member().unwrap().unwrap();
/// assert_eq!(k, "a");
/// assert_eq!(v.as_str(), "1");
/// assert!(obj.next_member().unwrap().is_some());
/// assert!(obj.next_member().unwrap().is_none());
/// ```
pub fn top_object<'a>(input: &'a [u8], opts: &DecodeOptions) -> Result<ObjectIter<'a>> {
    let text = utf8(input)?;
    let mut p = Parser::new(text, 0, opts.max_depth);
    p.ws();
    match p.peek() {
        Some(b'{') => p.pos += 1,
        Some(b) => {
            return Err(p.err_here(match ValueKind::of_first_byte(b) {
                Some(found) => ErrorKind::WrongType {
                    expected: ValueKind::Object,
                    found,
                },
                None => ErrorKind::ExpectedValue,
            }));
        }
        None => return Err(p.err_here(ErrorKind::UnexpectedEnd)),
    }
    Ok(ObjectIter {
        p,
        first: true,
        done: false,
        top: true,
        depth: 1,
        pending: NO_VALUE,
    })
}

/// Lazily reads the members of an object. Each value is fully validated (containers skipped with their
/// depth checked) before it is handed out, or read in the same pass through a [`ValueReader`]
/// ([`next_entry`](Self::next_entry)).
#[derive(Debug, Clone)]
pub struct ObjectIter<'a> {
    p: Parser<'a>,
    first: bool,
    done: bool,
    top: bool,
    /// The nesting level of this object (the top-level value is at 1).
    depth: usize,
    /// Where the value of the last key starts, while it has not been read ([`NO_VALUE`] otherwise).
    pending: usize,
}

/// [`ObjectIter::pending`] and [`ArrayIter::pending`] when no value waits to be read.
const NO_VALUE: usize = usize::MAX;

impl<'a> ObjectIter<'a> {
    /// The next `(key, value)`, `None` after the closing `}` (and, for a document, only whitespace after it).
    #[cfg_attr(not(target_os = "none"), inline(always))]
    pub fn next_member(&mut self) -> Result<Option<(JsonStr<'a>, RawJson<'a>)>> {
        match self.next_key(b"")? {
            Some(key) => Ok(Some((key, self.p.value(self.depth)?))),
            None => Ok(None),
        }
    }

    /// The next key and its value, not yet read: the [`ValueReader`] reads it as a [`RawJson`], or as an
    /// object or array in the same pass (nothing walks the value twice). A value left unread is
    /// validated and skipped by the next call. `None` after the closing `}`.
    ///
    /// ```
    /// use mimc_codec::{json, DecodeOptions};
    /// let mut obj = json::top_object(br#"{"data":{"appId":"1","x":[1]},"code":200}"#, &DecodeOptions::new())?;
    /// let (key, value) = obj.next_entry()?.unwrap();
    /// assert_eq!(key, "data");
    /// let app_id = value.object("data", |inner| {
    ///     let mut id = None;
    ///     while let Some((k, v)) = inner.next_member()? {
    ///         if k == "appId" {
    ///             id = Some(json::JsonU64::from_json(&v)?.get());
    ///         }
    ///     }
    ///     Ok(id)
    /// })?;
    /// assert_eq!(app_id, Some(1));
    /// let (key, _) = obj.next_entry()?.unwrap(); // `code`, left unread: skipped (and validated)
    /// assert_eq!(key, "code");
    /// assert!(obj.next_entry()?.is_none());
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    #[cfg_attr(not(target_os = "none"), inline(always))]
    pub fn next_entry(&mut self) -> Result<Option<(JsonStr<'a>, ValueReader<'_, 'a>)>> {
        self.next_entry_expecting("")
    }

    /// As [`next_entry`](Self::next_entry), trying `expected` (a key without escapes) first: the model
    /// readers pass the member that follows the one just read, which is what comes in the usual key order.
    #[cfg_attr(not(target_os = "none"), inline(always))]
    pub(crate) fn next_entry_expecting(
        &mut self,
        expected: &str,
    ) -> Result<Option<(JsonStr<'a>, ValueReader<'_, 'a>)>> {
        let Some(key) = self.next_key(expected.as_bytes())? else {
            return Ok(None);
        };
        self.pending = self.p.pos;
        Ok(Some((
            key,
            ValueReader {
                p: &mut self.p,
                depth: self.depth,
                pending: &mut self.pending,
            },
        )))
    }

    /// Past the separator to the next key and its colon (skipping a value left unread first); `None`
    /// after the closing `}`.
    #[cfg_attr(not(target_os = "none"), inline(always))]
    fn next_key(&mut self, expected: &[u8]) -> Result<Option<JsonStr<'a>>> {
        if self.done {
            return Ok(None);
        }
        if self.pending != NO_VALUE {
            self.skip_pending()?;
        }
        let p = &mut self.p;
        p.ws();
        if self.first {
            self.first = false;
            if p.peek() == Some(b'}') {
                return self.close().map(|()| None);
            }
        } else {
            match p.peek() {
                Some(b',') => {
                    p.pos += 1;
                    p.ws();
                }
                Some(b'}') => return self.close().map(|()| None),
                Some(_) => return Err(p.err_here(ErrorKind::ExpectedCommaOrBrace)),
                None => return Err(p.err_here(ErrorKind::UnexpectedEnd)),
            }
        }
        p.key(expected).map(Some)
    }

    /// The next key, past its colon, with its value not yet read: the caller reads it next, with
    /// [`value`](Self::value) or [`value_reader`](Self::value_reader) (a reader that picks how to read a
    /// value only once it knows the key, without the [`ValueReader`] of every [`next_entry`](Self::next_entry)).
    /// `None` after the closing `}`.
    #[cfg_attr(not(target_os = "none"), inline(always))]
    pub(crate) fn next_key_unread(&mut self) -> Result<Option<JsonStr<'a>>> {
        self.next_key(b"")
    }

    /// The value after the key [`next_key_unread`](Self::next_key_unread) gave, validated.
    #[cfg_attr(not(target_os = "none"), inline(always))]
    #[cfg_attr(target_os = "none", inline)]
    pub(crate) fn value(&mut self) -> Result<RawJson<'a>> {
        self.p.value(self.depth)
    }

    /// Is the value after the key [`next_key_unread`](Self::next_key_unread) gave an object? (Only
    /// looks at its first byte; reading it validates it.)
    pub(crate) fn value_is_object(&mut self) -> bool {
        self.p.ws();
        self.p.peek() == Some(b'{')
    }

    /// The value after the key [`next_key_unread`](Self::next_key_unread) gave, to be read in place.
    #[inline]
    pub(crate) fn value_reader(&mut self) -> ValueReader<'_, 'a> {
        self.pending = self.p.pos;
        ValueReader {
            p: &mut self.p,
            depth: self.depth,
            pending: &mut self.pending,
        }
    }

    /// The value after the last key was not read: validate and skip it.
    fn skip_pending(&mut self) -> Result<()> {
        self.pending = NO_VALUE;
        self.p.value(self.depth).map(|_| ())
    }

    fn close(&mut self) -> Result<()> {
        self.p.pos += 1;
        self.done = true;
        if self.top {
            self.p.end()?;
        }
        Ok(())
    }

    /// Reads the members to the end (what was not read is validated and skipped).
    fn finish(&mut self) -> Result<()> {
        while self.next_entry()?.is_some() {}
        Ok(())
    }

    /// Byte offset just past what has been read so far.
    pub fn offset(&self) -> usize {
        self.p.base + self.p.pos
    }

    /// Reads the members whose keys are in `keys` (at most 32, listed without escapes; the document's
    /// keys may have them), each at most once: `read(i, value)` gets the index into `keys` and the
    /// validated value, and stores what it reads. Unknown keys are skipped (validated). The one reader
    /// of the small hand-ruled objects (request bodies, payload objects) that are not a `model!`.
    ///
    /// The outer error is the text's own (syntax, depth); the inner one the first member error: what
    /// `read` returns, or `DuplicateKey` at a known key given twice (after its value was read, as
    /// [`set_once`](crate::json::set_once) after the value's read). Members are not read after it; the
    /// caller's container validates what is left. `Ok(Ok(end))`: every member read, `end` the offset of
    /// the closing brace (where a missing member's error goes).
    pub(crate) fn read_known(
        &mut self,
        keys: &[&'static str],
        mut read: impl FnMut(usize, RawJson<'a>) -> Result<()>,
    ) -> Result<Result<usize>> {
        let mut seen = 0u32;
        let mut scratch = None;
        while let Some((key, value)) = self.next_member()? {
            let name = key.as_key_lazy(&mut scratch);
            let Some(i) = keys.iter().position(|k| Some(*k) == name) else {
                continue;
            };
            if let Err(e) = read(i, value) {
                return Ok(Err(e));
            }
            let bit = 1u32 << (i % 32);
            if seen & bit != 0 {
                let at = key.offset().saturating_sub(1);
                return Ok(Err(
                    Error::new(ErrorKind::DuplicateKey, at).in_field(keys[i])
                ));
            }
            seen |= bit;
        }
        Ok(Ok(self.offset().saturating_sub(1)))
    }
}

/// A value in an object or array that has not been read yet ([`ObjectIter::next_entry`],
/// [`ArrayIter::next_entry`]): read it once, as a validated [`RawJson`] or, for containers, member by
/// member in the same pass. The input is never walked twice.
#[derive(Debug)]
pub struct ValueReader<'p, 'a> {
    p: &'p mut Parser<'a>,
    /// The nesting level of the container this value is in.
    depth: usize,
    pending: &'p mut usize,
}

impl<'a> ValueReader<'_, 'a> {
    /// The value, validated (containers skipped with their depth checked).
    #[cfg_attr(not(target_os = "none"), inline(always))]
    pub fn raw(self) -> Result<RawJson<'a>> {
        *self.pending = NO_VALUE;
        self.p.value(self.depth)
    }

    /// Reads the value as an object with `read`, in the same pass: `read` gets the members, and whatever
    /// it leaves unread is validated and skipped before this returns. Not an object: `WrongType` at the
    /// value, naming `field` (after any syntax error in the value itself, which comes first).
    pub fn object<T>(
        self,
        field: &'static str,
        read: impl FnOnce(&mut ObjectIter<'a>) -> Result<T>,
    ) -> Result<T> {
        let depth = self.depth + 1;
        self.p.ws();
        if self.p.peek() != Some(b'{') {
            return Err(self.raw()?.wrong_type(ValueKind::Object).in_field(field));
        }
        if depth > self.p.max_depth {
            return Err(self.p.depth_error());
        }
        *self.pending = NO_VALUE;
        let mut p = self.p.clone();
        p.pos += 1;
        let mut inner = ObjectIter {
            p,
            first: true,
            done: false,
            top: false,
            depth,
            pending: NO_VALUE,
        };
        let value = read(&mut inner)?;
        inner.finish()?;
        self.p.pos = inner.p.pos;
        Ok(value)
    }

    /// Reads the value as an array with `read`, in the same pass, as [`object`](Self::object) does;
    /// returns what `read` gives and the array as a [`RawJson`] (its text, now validated), for lists that
    /// are walked again later.
    pub fn array<T>(
        self,
        field: &'static str,
        read: impl FnOnce(&mut ArrayIter<'a>) -> Result<T>,
    ) -> Result<(T, RawJson<'a>)> {
        let depth = self.depth + 1;
        self.p.ws();
        if self.p.peek() != Some(b'[') {
            return Err(self.raw()?.wrong_type(ValueKind::Array).in_field(field));
        }
        if depth > self.p.max_depth {
            return Err(self.p.depth_error());
        }
        *self.pending = NO_VALUE;
        let start = self.p.pos;
        let mut p = self.p.clone();
        p.pos += 1;
        let mut inner = ArrayIter {
            p,
            first: true,
            done: false,
            depth,
            pending: NO_VALUE,
        };
        let value = read(&mut inner)?;
        inner.finish()?;
        self.p.pos = inner.p.pos;
        let raw = RawJson {
            text: self.p.span(start, self.p.pos),
            offset: self.p.base + start,
            kind: ValueKind::Array,
            escaped: false,
            strings: NOT_COUNTED,
        };
        Ok((value, raw))
    }

    /// The value as a string ([`RawJson::to_json_str`] of [`raw`](Self::raw), without building the
    /// [`RawJson`]).
    #[cfg_attr(not(target_os = "none"), inline(always))]
    pub fn str(self) -> Result<JsonStr<'a>> {
        self.p.ws();
        if self.p.peek() == Some(b'"') {
            *self.pending = NO_VALUE;
            return self.p.string();
        }
        self.raw()?.to_json_str()
    }

    /// The value as an id or timestamp ([`JsonU64::from_json`](crate::json::JsonU64::from_json) of
    /// [`raw`](Self::raw)): digits are read as they are validated.
    #[cfg_attr(not(target_os = "none"), inline(always))]
    pub fn u64(self) -> Result<crate::json::JsonU64> {
        self.p.ws();
        let bytes = self.p.bytes();
        let at = self.p.pos;
        let quoted = bytes.get(at) == Some(&b'"');
        let first = at + usize::from(quoted);
        if let Some((value, end)) = crate::json::number::scan_digits(bytes, first) {
            // The plain shapes, whole: `"digits"`, or digits (no leading zero) ended by a delimiter.
            let next = bytes.get(end).copied();
            let plain = end > first
                && if quoted {
                    next == Some(b'"')
                } else {
                    (bytes.get(first) != Some(&b'0') || end == first + 1)
                        && matches!(
                            next,
                            None | Some(b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t')
                        )
                };
            if plain {
                *self.pending = NO_VALUE;
                self.p.pos = end + usize::from(quoted);
                return Ok(crate::json::JsonU64::new(value).with_quoted(quoted));
            }
        }
        crate::json::JsonU64::from_json(&self.raw()?)
    }

    /// Does the value start with `byte` (after whitespace)? Only looks; reading it validates it.
    pub(crate) fn starts_with(&mut self, byte: u8) -> bool {
        self.p.ws();
        self.p.peek() == Some(byte)
    }

    /// Is the value `null`? (Only looks at its first byte; reading it validates it.)
    pub fn is_null(&mut self) -> bool {
        self.p.ws();
        self.p.peek() == Some(b'n')
    }

    /// Byte offset of the value's first byte (after any whitespace before it).
    pub fn offset(&mut self) -> usize {
        self.p.ws();
        self.p.base + self.p.pos
    }
}

impl<'a> Iterator for ObjectIter<'a> {
    type Item = Result<(JsonStr<'a>, RawJson<'a>)>;
    fn next(&mut self) -> Option<Self::Item> {
        match self.next_member() {
            Ok(Some(m)) => Some(Ok(m)),
            Ok(None) => None,
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

/// Lazily reads the elements of an array value.
#[derive(Debug, Clone)]
pub struct ArrayIter<'a> {
    p: Parser<'a>,
    first: bool,
    done: bool,
    /// The nesting level of this array.
    depth: usize,
    /// Where the last element starts, while it has not been read ([`NO_VALUE`] otherwise).
    pending: usize,
}

impl<'a> ArrayIter<'a> {
    /// The next element, `None` after the closing `]`.
    pub fn next_element(&mut self) -> Result<Option<RawJson<'a>>> {
        match self.next_entry()? {
            Some(value) => value.raw().map(Some),
            None => Ok(None),
        }
    }

    /// The next element, not yet read (see [`ObjectIter::next_entry`]); `None` after the closing `]`.
    #[cfg_attr(not(target_os = "none"), inline(always))]
    pub fn next_entry(&mut self) -> Result<Option<ValueReader<'_, 'a>>> {
        if self.done {
            return Ok(None);
        }
        if self.pending != NO_VALUE {
            self.pending = NO_VALUE;
            self.p.value(self.depth)?;
        }
        let p = &mut self.p;
        p.ws();
        if self.first {
            self.first = false;
            if p.peek() == Some(b']') {
                p.pos += 1;
                self.done = true;
                return Ok(None);
            }
        } else {
            match p.peek() {
                Some(b',') => p.pos += 1,
                Some(b']') => {
                    p.pos += 1;
                    self.done = true;
                    return Ok(None);
                }
                Some(_) => return Err(p.err_here(ErrorKind::ExpectedCommaOrBracket)),
                None => return Err(p.err_here(ErrorKind::UnexpectedEnd)),
            }
        }
        self.pending = p.pos;
        Ok(Some(ValueReader {
            p: &mut self.p,
            depth: self.depth,
            pending: &mut self.pending,
        }))
    }

    /// Reads the elements to the end (what was not read is validated and skipped).
    fn finish(&mut self) -> Result<()> {
        while self.next_entry()?.is_some() {}
        Ok(())
    }
}

impl<'a> Iterator for ArrayIter<'a> {
    type Item = Result<RawJson<'a>>;
    fn next(&mut self) -> Option<Self::Item> {
        match self.next_element() {
            Ok(Some(m)) => Some(Ok(m)),
            Ok(None) => None,
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

#[cfg_attr(not(target_pointer_width = "64"), allow(dead_code))]
const LO: u64 = 0x0101_0101_0101_0101;
#[cfg_attr(not(target_pointer_width = "64"), allow(dead_code))]
const HI: u64 = 0x8080_8080_8080_8080;

/// Non-zero when any byte of `w` is `"`, `\` or below 0x20 (exact for existence; SWAR).
#[cfg_attr(not(target_pointer_width = "64"), allow(dead_code))]
#[inline]
pub(crate) const fn string_special(w: u64) -> u64 {
    let q = w ^ (LO * b'"' as u64);
    let b = w ^ (LO * b'\\' as u64);
    let has_q = q.wrapping_sub(LO) & !q;
    let has_b = b.wrapping_sub(LO) & !b;
    let has_ctl = w.wrapping_sub(LO * 0x20) & !w;
    (has_q | has_b | has_ctl) & HI
}

/// Index of the first `"`, `\\` or control byte at or after `i`, 16 bytes per step; near the end of the
/// input, where fewer than 16 bytes remain, it may stop early and the caller goes on byte by byte.
#[cfg(target_pointer_width = "64")]
#[cfg_attr(not(target_os = "none"), inline(always))]
#[cfg_attr(target_os = "none", inline)]
pub(crate) fn skip_plain(bytes: &[u8], mut i: usize) -> usize {
    if let Some(chunk) = bytes.get(i..).and_then(<[u8]>::first_chunk::<16>) {
        // Most strings (keys, ids) end within their first 16 bytes: SWAR finds the position directly.
        if let Some(k) = first_special16(chunk) {
            return i + k;
        }
        i += 16;
        // A long string: only ask whether 64 bytes hold a special byte (a form the compiler turns into
        // vector compares where the target has them), and locate it with SWAR once one does.
        for block in bytes.get(i..).unwrap_or(&[]).chunks_exact(64) {
            if any_special(block) {
                break;
            }
            i += 64;
        }
        while let Some(chunk) = bytes.get(i..).and_then(<[u8]>::first_chunk::<16>) {
            if let Some(k) = first_special16(chunk) {
                return i + k;
            }
            i += 16;
        }
    }
    if let Some(chunk) = bytes.get(i..).and_then(<[u8]>::first_chunk::<8>) {
        let m = string_special(u64::from_le_bytes(*chunk));
        if m != 0 {
            return i + (m.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    i
}

/// On 32-bit targets (microcontrollers) 64-bit words cost pairs of instructions and much code: one byte
/// per step there, exact.
#[cfg(not(target_pointer_width = "64"))]
#[inline]
pub(crate) fn skip_plain(bytes: &[u8], i: usize) -> usize {
    skip_plain_bytewise(bytes, i)
}

/// The byte-by-byte [`skip_plain`] of 32-bit targets (compiled everywhere so that it is tested).
#[cfg_attr(target_pointer_width = "64", allow(dead_code))]
#[inline]
fn skip_plain_bytewise(bytes: &[u8], i: usize) -> usize {
    let tail = bytes.get(i..).unwrap_or(&[]);
    i + tail
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
        .unwrap_or(tail.len())
}

/// Does any byte of `block` need attention in a string (`"`, `\\`, control)? Written as an OR-reduction
/// of independent byte tests, which LLVM vectorizes (SSE2 on x86-64: per 16 bytes a `pxor`, a `pminub`,
/// two `pcmpeqb`, then one `pmovmskb` for the block). `b ^ 2` maps the control bytes onto themselves and
/// `"` (0x22) onto 0x20, so one unsigned comparison finds both: 0.7 instructions per byte on a base64
/// payload, against 1.3 for three separate tests over 32 bytes.
#[cfg(target_pointer_width = "64")]
#[cfg_attr(not(target_os = "none"), inline(always))]
#[cfg_attr(target_os = "none", inline)]
#[allow(clippy::needless_bitwise_bool)] // branch-free on purpose: that is what vectorizes
fn any_special(block: &[u8]) -> bool {
    block
        .iter()
        .fold(false, |acc, &b| acc | ((b ^ 2) <= 0x20) | (b == b'\\'))
}

/// Position of the first `"`, `\\` or control byte among 16 (SWAR on two words). The lowest flagged byte
/// of a word is exact (borrows only run upwards), which is the one taken.
#[cfg(target_pointer_width = "64")]
#[cfg_attr(not(target_os = "none"), inline(always))]
#[cfg_attr(target_os = "none", inline)]
fn first_special16(chunk: &[u8; 16]) -> Option<usize> {
    let w = u128::from_le_bytes(*chunk);
    // Truncations on purpose: the low and the high eight bytes.
    #[allow(clippy::cast_possible_truncation)]
    let (lo, hi) = (w as u64, (w >> 64) as u64);
    let m = string_special(lo);
    if m != 0 {
        return Some((m.trailing_zeros() / 8) as usize);
    }
    let m = string_special(hi);
    if m != 0 {
        return Some(8 + (m.trailing_zeros() / 8) as usize);
    }
    None
}

/// The scanner. `text` is known-good UTF-8; `base` is the offset of `text` in the original input.
#[derive(Debug, Clone)]
pub(crate) struct Parser<'a> {
    text: &'a str,
    pos: usize,
    base: usize,
    max_depth: usize,
    /// Walking the text of a value that was validated already (a [`RawJson`]'s): nested containers are
    /// skipped by matching brackets instead of being validated again.
    trusted: bool,
}

impl<'a> Parser<'a> {
    pub(crate) const fn new(text: &'a str, base: usize, max_depth: usize) -> Self {
        Parser {
            text,
            pos: 0,
            base,
            max_depth,
            trusted: false,
        }
    }

    #[inline]
    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    // Bare metal too: a call to it is larger than the load.
    #[cfg_attr(not(target_os = "none"), inline)]
    #[cfg_attr(target_os = "none", inline(always))]
    fn peek(&self) -> Option<u8> {
        self.bytes().get(self.pos).copied()
    }

    #[inline]
    fn err_at(&self, kind: ErrorKind, pos: usize) -> Error {
        Error::new(kind, self.base + pos)
    }

    #[inline]
    fn err_here(&self, kind: ErrorKind) -> Error {
        self.err_at(kind, self.pos)
    }

    /// Containers nest deeper than the limit, at the container that opens one level too many.
    #[cold]
    fn depth_error(&self) -> Error {
        self.err_here(ErrorKind::DepthLimitExceeded {
            limit: self.max_depth,
        })
    }

    #[inline]
    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.pos += 1;
        }
    }

    /// Only whitespace may remain.
    pub(crate) fn end(&mut self) -> Result<()> {
        self.ws();
        if self.pos < self.bytes().len() {
            return Err(self.err_here(ErrorKind::TrailingCharacters));
        }
        Ok(())
    }

    #[inline]
    fn span(&self, start: usize, end: usize) -> &'a str {
        // Spans always start and end next to ASCII delimiters, so they are char boundaries; `get` keeps
        // this panic-free even if that reasoning were wrong.
        self.text.get(start..end).unwrap_or("")
    }

    /// `"key"` then `:`; leaves the position after the colon.
    #[cfg_attr(not(target_os = "none"), inline(always))]
    #[cfg_attr(target_os = "none", inline)]
    fn key(&mut self, expected: &[u8]) -> Result<JsonStr<'a>> {
        if self.peek() != Some(b'"') {
            return Err(self.err_here(if self.pos >= self.bytes().len() {
                ErrorKind::UnexpectedEnd
            } else {
                ErrorKind::ExpectedKey
            }));
        }
        // The key a model expects next (its members come in the manual's order, as servers write them):
        // the same bytes and a closing quote are that key, with nothing to scan (model keys are plain).
        // (Not on bare metal: the scan finds the same key, in less code.)
        let start = self.pos + 1;
        let end = start + expected.len();
        let key = if !expected.is_empty()
            && cfg!(not(target_os = "none"))
            && self.bytes().get(start..end) == Some(expected)
            && self.bytes().get(end) == Some(&b'"')
        {
            self.pos = end + 1;
            JsonStr::from_raw_parts(self.span(start, end), false, self.base + start)
        } else {
            self.string()?
        };
        self.ws();
        match self.peek() {
            Some(b':') => {
                self.pos += 1;
                Ok(key)
            }
            Some(_) => Err(self.err_here(ErrorKind::ExpectedColon)),
            None => Err(self.err_here(ErrorKind::UnexpectedEnd)),
        }
    }

    /// One value at nesting level `depth` (the containing object's level); whitespace before it is skipped.
    #[cfg_attr(not(target_os = "none"), inline(always))]
    #[cfg_attr(target_os = "none", inline)]
    pub(crate) fn value(&mut self, depth: usize) -> Result<RawJson<'a>> {
        self.ws();
        let start = self.pos;
        let kind = match self.peek() {
            Some(b'"') => {
                let (_, end, escaped) = self.scan_string()?;
                return Ok(RawJson {
                    text: self.span(start, end + 1),
                    offset: self.base + start,
                    kind: ValueKind::String,
                    escaped,
                    strings: NOT_COUNTED,
                });
            }
            #[cfg(not(target_os = "none"))]
            Some(b'[') if !self.trusted => {
                // Lists of strings (group members) are validated and counted in one tight loop; anything
                // else is validated from the start again by the general skip, which reports any error.
                if let Some((n, escaped)) = self.string_array(depth) {
                    return Ok(RawJson {
                        text: self.span(start, self.pos),
                        offset: self.base + start,
                        kind: ValueKind::Array,
                        escaped,
                        strings: n,
                    });
                }
                self.pos = start;
                self.container(depth)?;
                ValueKind::Array
            }
            Some(b'{' | b'[') => {
                let kind = if self.peek() == Some(b'{') {
                    ValueKind::Object
                } else {
                    ValueKind::Array
                };
                self.container(depth)?;
                kind
            }
            // Bare metal: the scalars through `skip_scalar` (one copy of the dispatch and its errors).
            b if cfg!(target_os = "none") => {
                self.skip_scalar()?;
                match b {
                    Some(b't' | b'f') => ValueKind::Bool,
                    Some(b'n') => ValueKind::Null,
                    _ => ValueKind::Number,
                }
            }
            Some(b'-' | b'0'..=b'9') => {
                self.number()?;
                ValueKind::Number
            }
            Some(b't') => {
                self.literal(b"true")?;
                ValueKind::Bool
            }
            Some(b'f') => {
                self.literal(b"false")?;
                ValueKind::Bool
            }
            Some(b'n') => {
                self.literal(b"null")?;
                ValueKind::Null
            }
            Some(_) => return Err(self.err_here(ErrorKind::ExpectedValue)),
            None => return Err(self.err_here(ErrorKind::UnexpectedEnd)),
        };
        Ok(RawJson {
            text: self.span(start, self.pos),
            offset: self.base + start,
            kind,
            escaped: false,
            strings: NOT_COUNTED,
        })
    }

    /// The array at the current `[` (at nesting level `depth + 1`) if it holds only strings: validates
    /// it, moves past it and returns the number of elements and whether the array is anything but compact
    /// with no escapes (see [`RawJson::string_count`]). `None`, with the position somewhere inside, at the
    /// first thing that is not a valid string element (or its error): the caller starts again.
    #[cfg(not(target_os = "none"))]
    #[inline(never)]
    fn string_array(&mut self, depth: usize) -> Option<(u32, bool)> {
        if depth + 1 > self.max_depth {
            return None;
        }
        self.pos += 1;
        // Whitespace anywhere outside the strings makes the list loose.
        let mut loose = self.peek() != Some(b'"');
        self.ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Some((0, loose));
        }
        let mut n = 0u32;
        let mut any_escaped = false;
        loop {
            if self.peek() != Some(b'"') {
                return None;
            }
            let (_, _, escaped) = self.scan_string().ok()?;
            any_escaped |= escaped;
            n = n.checked_add(1).filter(|&n| n != NOT_COUNTED)?;
            // Compact lists (`","`): straight to the next string.
            let b = self.bytes();
            if b.get(self.pos) == Some(&b',') && b.get(self.pos + 1) == Some(&b'"') {
                self.pos += 1;
                continue;
            }
            if b.get(self.pos) == Some(&b']') {
                self.pos += 1;
                return Some((n, any_escaped || loose));
            }
            loose = true;
            self.ws();
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    self.ws();
                }
                Some(b']') => {
                    self.pos += 1;
                    return Some((n, true));
                }
                _ => return None,
            }
        }
    }

    fn literal(&mut self, word: &[u8]) -> Result<()> {
        let rest = self.bytes().get(self.pos..).unwrap_or(&[]);
        for (i, &w) in word.iter().enumerate() {
            match rest.get(i) {
                Some(&b) if b == w => {}
                Some(_) => return Err(self.err_at(ErrorKind::InvalidLiteral, self.pos + i)),
                None => return Err(self.err_at(ErrorKind::UnexpectedEnd, self.pos + i)),
            }
        }
        self.pos += word.len();
        Ok(())
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    fn number(&mut self) -> Result<()> {
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => self.digits(),
            Some(_) => return Err(self.err_here(ErrorKind::InvalidNumber)),
            None => return Err(self.err_here(ErrorKind::UnexpectedEnd)),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            self.one_or_more_digits()?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            self.one_or_more_digits()?;
        }
        Ok(())
    }

    #[inline]
    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
    }

    // (Bare metal: inlined, its two callers are smaller than the call.)
    #[cfg_attr(target_os = "none", inline(always))]
    fn one_or_more_digits(&mut self) -> Result<()> {
        match self.peek() {
            Some(b'0'..=b'9') => {
                self.digits();
                Ok(())
            }
            Some(_) => Err(self.err_here(ErrorKind::InvalidNumber)),
            None => Err(self.err_here(ErrorKind::UnexpectedEnd)),
        }
    }

    /// A string starting at the current `"`; returns its content (between the quotes) as a [`JsonStr`].
    #[cfg_attr(not(target_os = "none"), inline(always))]
    #[cfg_attr(target_os = "none", inline)]
    fn string(&mut self) -> Result<JsonStr<'a>> {
        let (start, end, escaped) = self.scan_string()?;
        Ok(JsonStr::from_raw_parts(
            self.span(start, end),
            escaped,
            self.base + start,
        ))
    }

    /// Validates the string whose opening quote is at the current position and moves past its closing
    /// quote. Returns the content's bounds (between the quotes) and whether it contains escapes.
    #[cfg_attr(not(target_os = "none"), inline(always))]
    #[cfg_attr(target_os = "none", inline)]
    fn scan_string(&mut self) -> Result<(usize, usize, bool)> {
        let bytes = self.bytes();
        let start = self.pos + 1; // after the opening quote
        let mut escaped = false;
        let mut i = skip_plain(bytes, start);
        loop {
            match bytes.get(i) {
                Some(b'"') => {
                    self.pos = i + 1;
                    return Ok((start, i, escaped));
                }
                // Bare metal: every escape through `escape` (one copy of the escape rules).
                Some(b'\\') if cfg!(target_os = "none") => {
                    escaped = true;
                    i = skip_plain(bytes, self.escape(i)?);
                }
                Some(b'\\') => {
                    escaped = true;
                    // The common escapes inline; surrogates and every error in `escape`.
                    let next = match bytes.get(i + 1) {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => i + 2,
                        Some(b'u') => match bytes
                            .get(i + 2..)
                            .and_then(<[u8]>::first_chunk::<4>)
                            .and_then(hex4)
                        {
                            Some(cp) if !(0xD800..=0xDFFF).contains(&cp) => i + 6,
                            _ => self.escape(i)?,
                        },
                        _ => self.escape(i)?,
                    };
                    i = skip_plain(bytes, next);
                }
                Some(&b) if b < 0x20 => return Err(self.err_at(ErrorKind::ControlCharacter, i)),
                // Only the last few bytes of the input, which the word-wise scan leaves to this loop.
                Some(_) => i += 1,
                None => return Err(self.err_at(ErrorKind::UnexpectedEnd, i)),
            }
        }
    }

    /// Validates the escape at `i` (the backslash); returns the index after it.
    #[inline]
    fn escape(&self, i: usize) -> Result<usize> {
        let bytes = self.bytes();
        match bytes.get(i + 1) {
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => Ok(i + 2),
            Some(b'u') => {
                let hi = self.hex4(i + 2)?;
                match hi {
                    0xD800..=0xDBFF => {
                        // must be followed by \uDC00-\uDFFF
                        match (bytes.get(i + 6), bytes.get(i + 7)) {
                            (Some(b'\\'), Some(b'u')) => {
                                let lo = self.hex4(i + 8)?;
                                if (0xDC00..=0xDFFF).contains(&lo) {
                                    Ok(i + 12)
                                } else {
                                    Err(self.err_at(ErrorKind::LoneSurrogate, i))
                                }
                            }
                            (None, _) | (Some(b'\\'), None) => {
                                Err(self.err_at(ErrorKind::UnexpectedEnd, bytes.len()))
                            }
                            _ => Err(self.err_at(ErrorKind::LoneSurrogate, i)),
                        }
                    }
                    0xDC00..=0xDFFF => Err(self.err_at(ErrorKind::LoneSurrogate, i)),
                    _ => Ok(i + 6),
                }
            }
            Some(_) => Err(self.err_at(ErrorKind::InvalidEscape, i)),
            None => Err(self.err_at(ErrorKind::UnexpectedEnd, i + 1)),
        }
    }

    #[inline]
    fn hex4(&self, at: usize) -> Result<u32> {
        // Bare metal: the one loop that also finds the offending byte.
        if cfg!(target_os = "none") {
            return self.hex4_error(at);
        }
        if let Some(v) = self
            .bytes()
            .get(at..)
            .and_then(<[u8]>::first_chunk::<4>)
            .and_then(hex4)
        {
            return Ok(v);
        }
        self.hex4_error(at)
    }

    /// The slow path of [`hex4`](Self::hex4), which finds the offending byte.
    #[cold]
    fn hex4_error(&self, at: usize) -> Result<u32> {
        let mut v = 0u32;
        for k in 0..4 {
            let d = match self.bytes().get(at + k) {
                Some(&b) => {
                    hex_val(b).ok_or_else(|| self.err_at(ErrorKind::InvalidEscape, at + k))?
                }
                None => return Err(self.err_at(ErrorKind::UnexpectedEnd, at + k)),
            };
            v = (v << 4) | u32::from(d);
        }
        Ok(v)
    }

    /// Skips the container at the current `[` or `{` with full validation, iteratively.
    /// `depth` is the nesting level of whatever contains it.
    fn container(&mut self, depth: usize) -> Result<()> {
        // (Bare metal validates again instead: the same positions on validated text, one walk less code.)
        if self.trusted && cfg!(not(target_os = "none")) {
            return self.skip_validated();
        }
        if cfg!(target_os = "none") {
            return self.container_small(depth);
        }
        // One bit per open container: 1 = object, 0 = array.
        let mut stack: [StackWord; STACK_WORDS] = [0; STACK_WORDS];
        let mut level = 0usize; // containers open inside this call
        let mut top_is_obj; // is the innermost open container an object?
        'open: loop {
            // At `{` or `[`.
            let is_obj = self.peek() == Some(b'{');
            if depth + level + 1 > self.max_depth {
                return Err(self.depth_error());
            }
            let (word, bit) = (level / WORD_BITS, level % WORD_BITS);
            if let Some(w) = stack.get_mut(word) {
                if is_obj {
                    *w |= 1 << bit;
                } else {
                    *w &= !(1 << bit);
                }
            } else {
                return Err(self.depth_error());
            }
            level += 1;
            top_is_obj = is_obj;
            self.pos += 1;
            self.ws();
            let close = if is_obj { b'}' } else { b']' };
            if self.peek() == Some(close) {
                self.pos += 1;
                level -= 1;
                top_is_obj = level > 0 && Self::bit(&stack, level - 1);
            } else {
                if is_obj {
                    self.skip_key()?;
                    self.ws();
                }
                // A value: scalars inline, containers by looping back to 'open.
                match self.peek() {
                    Some(b'{' | b'[') => continue 'open,
                    _ => self.skip_scalar()?,
                }
            }
            // After a value (or a closed container): commas and closes until another container opens.
            loop {
                if level == 0 {
                    return Ok(());
                }
                self.ws();
                match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        self.ws();
                        if top_is_obj {
                            self.skip_key()?;
                            self.ws();
                        }
                        match self.peek() {
                            Some(b'{' | b'[') => continue 'open,
                            _ => self.skip_scalar()?,
                        }
                    }
                    Some(b'}') if top_is_obj => {
                        self.pos += 1;
                        level -= 1;
                        top_is_obj = level > 0 && Self::bit(&stack, level - 1);
                    }
                    Some(b']') if !top_is_obj => {
                        self.pos += 1;
                        level -= 1;
                        top_is_obj = level > 0 && Self::bit(&stack, level - 1);
                    }
                    Some(_) => {
                        return Err(self.err_here(if top_is_obj {
                            ErrorKind::ExpectedCommaOrBrace
                        } else {
                            ErrorKind::ExpectedCommaOrBracket
                        }));
                    }
                    None => return Err(self.err_here(ErrorKind::UnexpectedEnd)),
                }
            }
        }
    }

    /// [`container`](Self::container) as one loop with one place for each step (bare metal: the same
    /// checks in the same order, less code; compiled everywhere so that it is tested).
    fn container_small(&mut self, depth: usize) -> Result<()> {
        let mut stack: [StackWord; STACK_WORDS] = [0; STACK_WORDS];
        let mut level = 0usize; // containers open inside this call
        let mut top_is_obj = false; // is the innermost open container an object?
        let mut opening = true; // at `{` or `[` (else just after a value or a closed container)
        loop {
            let mut element = false;
            if opening {
                let is_obj = self.peek() == Some(b'{');
                if depth + level + 1 > self.max_depth {
                    return Err(self.depth_error());
                }
                let (word, bit) = (level / WORD_BITS, level % WORD_BITS);
                let Some(w) = stack.get_mut(word) else {
                    return Err(self.depth_error());
                };
                if is_obj {
                    *w |= 1 << bit;
                } else {
                    *w &= !(1 << bit);
                }
                level += 1;
                top_is_obj = is_obj;
                self.pos += 1;
                self.ws();
                let close = if is_obj { b'}' } else { b']' };
                if self.peek() == Some(close) {
                    self.pos += 1;
                    level -= 1;
                    top_is_obj = level > 0 && Self::bit(&stack, level - 1);
                } else {
                    element = true;
                }
            } else {
                if level == 0 {
                    return Ok(());
                }
                self.ws();
                match self.peek() {
                    Some(b',') => {
                        self.pos += 1;
                        self.ws();
                        element = true;
                    }
                    Some(b'}') if top_is_obj => {
                        self.pos += 1;
                        level -= 1;
                        top_is_obj = level > 0 && Self::bit(&stack, level - 1);
                    }
                    Some(b']') if !top_is_obj => {
                        self.pos += 1;
                        level -= 1;
                        top_is_obj = level > 0 && Self::bit(&stack, level - 1);
                    }
                    Some(_) => {
                        return Err(self.err_here(if top_is_obj {
                            ErrorKind::ExpectedCommaOrBrace
                        } else {
                            ErrorKind::ExpectedCommaOrBracket
                        }));
                    }
                    None => return Err(self.err_here(ErrorKind::UnexpectedEnd)),
                }
            }
            opening = false;
            if element {
                if top_is_obj {
                    self.skip_key()?;
                    self.ws();
                }
                match self.peek() {
                    Some(b'{' | b'[') => opening = true,
                    _ => self.skip_scalar()?,
                }
            }
        }
    }

    /// Is container `idx` of the bit stack an object?
    #[inline]
    fn bit(stack: &[StackWord; STACK_WORDS], idx: usize) -> bool {
        stack
            .get(idx / WORD_BITS)
            .is_some_and(|w| w & (1 << (idx % WORD_BITS)) != 0)
    }

    /// As [`key`](Self::key), without building the key (inside skipped containers).
    #[cfg_attr(not(target_os = "none"), inline(always))]
    #[cfg_attr(target_os = "none", inline)]
    fn skip_key(&mut self) -> Result<()> {
        if self.peek() != Some(b'"') {
            return Err(self.err_here(if self.pos >= self.bytes().len() {
                ErrorKind::UnexpectedEnd
            } else {
                ErrorKind::ExpectedKey
            }));
        }
        self.scan_string()?;
        self.ws();
        match self.peek() {
            Some(b':') => {
                self.pos += 1;
                Ok(())
            }
            Some(_) => Err(self.err_here(ErrorKind::ExpectedColon)),
            None => Err(self.err_here(ErrorKind::UnexpectedEnd)),
        }
    }

    /// A scalar value at the current position (no leading whitespace), validated and skipped; the same
    /// errors as [`value`](Self::value) gives there. Containers are the caller's business.
    #[cfg_attr(not(target_os = "none"), inline(always))]
    #[cfg_attr(target_os = "none", inline)]
    fn skip_scalar(&mut self) -> Result<()> {
        match self.peek() {
            Some(b'"') => {
                self.scan_string()?;
                Ok(())
            }
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') => self.literal(b"true"),
            Some(b'f') => self.literal(b"false"),
            Some(b'n') => self.literal(b"null"),
            Some(_) => Err(self.err_here(ErrorKind::ExpectedValue)),
            None => Err(self.err_here(ErrorKind::UnexpectedEnd)),
        }
    }
}

/// A word of [`Parser::container`]'s bit stack: the machine's own (64-bit words cost pairs of
/// instructions and shift routines on 32-bit microcontrollers).
#[cfg(not(target_os = "none"))]
type StackWord = u64;
#[cfg(target_os = "none")]
type StackWord = u32;
/// Bits per [`StackWord`].
const WORD_BITS: usize = StackWord::BITS as usize;
/// Words of the bit stack: one bit per level up to [`MAX_DEPTH_LIMIT`].
const STACK_WORDS: usize = MAX_DEPTH_LIMIT / WORD_BITS;

/// Value of each byte as a hex digit, 0xFF for bytes that are not one.
static HEX_TABLE: [u8; 256] = {
    let mut t = [0xFF; 256];
    let mut b = 0;
    while b < 256 {
        // `b` is below 256.
        #[allow(clippy::cast_possible_truncation)]
        if let Some(v) = hex_val(b as u8) {
            t[b] = v;
        }
        b += 1;
    }
    t
};

/// The value of four hex digits (a `\u` escape's), or `None` if one is not a hex digit.
#[inline]
#[allow(clippy::trivially_copy_pass_by_ref)] // called on `first_chunk` results
pub(crate) fn hex4(digits: &[u8; 4]) -> Option<u32> {
    let [d0, d1, d2, d3] = digits.map(|x| HEX_TABLE[usize::from(x)]);
    if (d0 | d1 | d2 | d3) & 0xF0 != 0 {
        return None;
    }
    Some(u32::from(d0) << 12 | u32::from(d1) << 8 | u32::from(d2) << 4 | u32::from(d3))
}

impl Parser<'_> {
    /// Skips the container at the current `[` or `{` of text that was validated before: only brackets
    /// and strings matter (strings are skipped 16 or 32 bytes per step). Never fails on such text; on
    /// anything else it stops with `UnexpectedEnd` at the end of the input.
    fn skip_validated(&mut self) -> Result<()> {
        let bytes = self.bytes();
        let mut depth = 0usize;
        let mut i = self.pos;
        loop {
            match bytes.get(i) {
                Some(b'{' | b'[') => {
                    depth += 1;
                    i += 1;
                }
                Some(b'}' | b']') => {
                    i += 1;
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        self.pos = i;
                        return Ok(());
                    }
                }
                Some(b'"') => i = skip_validated_string(bytes, i + 1),
                Some(_) => i += 1,
                None => return Err(self.err_at(ErrorKind::UnexpectedEnd, i)),
            }
        }
    }
}

/// Non-zero when any byte of `w` is `"` or `\\` (SWAR; the lowest flagged byte is exact).
#[cfg(target_pointer_width = "64")]
#[inline]
const fn quote_or_backslash(w: u64) -> u64 {
    let q = w ^ (LO * b'"' as u64);
    let b = w ^ (LO * b'\\' as u64);
    ((q.wrapping_sub(LO) & !q) | (b.wrapping_sub(LO) & !b)) & HI
}

/// As [`skip_plain`], for text validated already: only `"` and `\\` can stop a string there (control
/// bytes were rejected), so one test fewer per word. May stop early near the end of the input.
#[cfg(target_pointer_width = "64")]
#[inline]
fn skip_unquoted(bytes: &[u8], mut i: usize) -> usize {
    if let Some(chunk) = bytes.get(i..).and_then(<[u8]>::first_chunk::<16>) {
        let w = u128::from_le_bytes(*chunk);
        // Truncations on purpose: the low and the high eight bytes.
        #[allow(clippy::cast_possible_truncation)]
        let (lo, hi) = (w as u64, (w >> 64) as u64);
        let m = quote_or_backslash(lo);
        if m != 0 {
            return i + (m.trailing_zeros() / 8) as usize;
        }
        let m = quote_or_backslash(hi);
        if m != 0 {
            return i + 8 + (m.trailing_zeros() / 8) as usize;
        }
        i += 16;
        while let Some(block) = bytes.get(i..).and_then(<[u8]>::first_chunk::<32>) {
            let any = block.iter().fold(0u8, |acc, &b| {
                acc | u8::from(b == b'"') | u8::from(b == b'\\')
            });
            if any != 0 {
                break;
            }
            i += 32;
        }
    }
    while let Some(chunk) = bytes.get(i..).and_then(<[u8]>::first_chunk::<8>) {
        let m = quote_or_backslash(u64::from_le_bytes(*chunk));
        if m != 0 {
            return i + (m.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    i
}

/// On 32-bit targets: [`skip_plain`] (byte by byte).
#[cfg(not(target_pointer_width = "64"))]
#[inline]
fn skip_unquoted(bytes: &[u8], i: usize) -> usize {
    skip_plain(bytes, i)
}

/// Index just past the closing quote of a validated string whose content starts at `i`.
#[inline]
pub(crate) fn skip_validated_string(bytes: &[u8], mut i: usize) -> usize {
    loop {
        i = skip_unquoted(bytes, i);
        match bytes.get(i) {
            Some(b'"') => return i + 1,
            // The byte after a backslash cannot end the string; `\uXXXX` digits are harmless.
            Some(b'\\') => i += 2,
            Some(_) => i += 1,
            None => return i,
        }
    }
}

#[cfg_attr(not(target_os = "none"), inline)]
#[cfg_attr(target_os = "none", inline(always))]
pub(crate) const fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(s: &str) -> Result<RawJson<'_>> {
        RawJson::parse(s)
    }

    #[test]
    fn accepts_basics() {
        for s in [
            "0",
            "-0",
            "1.5e3",
            "-12.25E-3",
            "\"\"",
            "\"a\\u00e9\\ud83d\\ude00\"",
            "[]",
            "{}",
            "[1,[2,{\"a\":[3]}],{}]",
            " {\"a\" : null , \"b\":true}\n",
        ] {
            assert!(check(s).is_ok(), "{s}");
        }
    }

    #[test]
    fn rejects_with_offsets() {
        let cases: &[(&str, ErrorKind, usize)] = &[
            ("01", ErrorKind::TrailingCharacters, 1),
            ("[1,]", ErrorKind::ExpectedValue, 3),
            ("{\"a\" 1}", ErrorKind::ExpectedColon, 5),
            ("{\"a\":1 \"b\":2}", ErrorKind::ExpectedCommaOrBrace, 7),
            ("[1 2]", ErrorKind::ExpectedCommaOrBracket, 3),
            ("\"\\x\"", ErrorKind::InvalidEscape, 1),
            ("\"\\ud800\"", ErrorKind::LoneSurrogate, 1),
            ("\"\\udc00\"", ErrorKind::LoneSurrogate, 1),
            ("\"a\u{1}\"", ErrorKind::ControlCharacter, 2),
            ("tru", ErrorKind::UnexpectedEnd, 3),
            ("nul1", ErrorKind::InvalidLiteral, 3),
            ("1.", ErrorKind::UnexpectedEnd, 2),
            ("-a", ErrorKind::InvalidNumber, 1),
            ("{\"a\":[1,{\"b\":2]}", ErrorKind::ExpectedCommaOrBrace, 14),
            ("[", ErrorKind::UnexpectedEnd, 1),
            ("\"abcdefghijklmnop", ErrorKind::UnexpectedEnd, 17),
        ];
        for &(s, kind, off) in cases {
            let e = check(s).unwrap_err();
            assert_eq!((e.kind(), e.offset()), (kind, Some(off)), "{s}");
        }
    }

    #[test]
    fn validated_string_skip_finds_the_closing_quote() {
        let pieces: [&str; 7] = ["a", "é", "\\\"", "\\\\", "\\n", "\\u00e9", "xyzxyzxyzxyz"];
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        for len in 0..60 {
            let mut text = std::string::String::from("\"");
            for _ in 0..len {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push_str(pieces[(seed % 7) as usize]);
            }
            text.push('"');
            let end = text.len();
            text.push_str(",\"tail\"]");
            assert!(RawJson::parse(&text[..end]).is_ok(), "{text}");
            assert_eq!(skip_validated_string(text.as_bytes(), 1), end, "{text}");
        }
    }

    #[test]
    fn string_arrays_are_counted_and_errors_unchanged() {
        for (s, n) in [
            ("[]", Some(0)),
            ("[ ]", Some(0)),
            ("[\"a\"]", Some(1)),
            (" [ \"a\" , \"b\\n\",\"\"\n] ", Some(3)),
            ("[\"a\",1]", None),
            ("[1,\"a\"]", None),
            ("[[\"a\"]]", None),
        ] {
            assert_eq!(check(s).unwrap().string_count().map(|c| c.0), n, "{s}");
        }
        assert_eq!(check("\"a\"").unwrap().string_count(), None);
        let cases: &[(&str, ErrorKind, usize)] = &[
            ("[\"a\",\"\\x\"]", ErrorKind::InvalidEscape, 6),
            ("[\"a\" \"b\"]", ErrorKind::ExpectedCommaOrBracket, 5),
            ("[\"a\",]", ErrorKind::ExpectedValue, 5),
            ("[\"a\",", ErrorKind::UnexpectedEnd, 5),
            ("[\"a", ErrorKind::UnexpectedEnd, 3),
            ("[\"a\u{1}\"]", ErrorKind::ControlCharacter, 3),
            ("[\"a\",{]", ErrorKind::ExpectedKey, 6),
        ];
        for &(s, kind, off) in cases {
            let e = check(s).unwrap_err();
            assert_eq!((e.kind(), e.offset()), (kind, Some(off)), "{s}");
        }
        let opts = DecodeOptions::new().with_max_depth(1);
        let r = RawJson::parse_with("[\"a\"]", &opts).unwrap();
        assert_eq!(r.string_count(), Some((1, true)));
        for (s, compact) in [
            ("[\"a\",\"b\"]", true),
            ("[\"a\",\"\\u00e9\"]", false),
            ("[ \"a\",\"b\"]", false),
            ("[\"a\", \"b\"]", false),
            ("[\"a\" ,\"b\"]", false),
            ("[\"a\",\"b\" ]", false),
        ] {
            assert_eq!(check(s).unwrap().string_count(), Some((2, compact)), "{s}");
        }
        let mut obj = top_object(br#"{"a":["x"]}"#, &opts).unwrap();
        let e = obj.next_member().unwrap_err();
        assert_eq!(
            (e.kind(), e.offset()),
            (ErrorKind::DepthLimitExceeded { limit: 1 }, Some(5))
        );
    }

    #[test]
    fn the_small_container_walk_agrees_with_the_fast_one() {
        // Every JSONTestSuite parsing case and every prefix of it, at several depth limits: the same
        // result, error offset and end position.
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/testdata/JSONTestSuite/test_parsing"
        );
        let mut texts: std::vec::Vec<std::string::String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| std::fs::read(e.unwrap().path()).ok())
            .filter_map(|b| std::string::String::from_utf8(b).ok())
            .collect();
        assert!(texts.len() > 250);
        texts.push(r#"{"a":[1,{"b":[[],{}]},"c"],"d":{"e":{}} , "f" : [ 1 , 2 ] }"#.into());
        texts.push(r#"[{"a":1 "b"}]"#.into());
        texts.push(r#"{"a":[}"#.into());
        let mut walked = 0;
        for text in &texts {
            for end in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
                let Some(at) = text[..end].find(['{', '[']) else {
                    continue;
                };
                for depth in [1, 2, 3, 128] {
                    let mut a = Parser::new(&text[..end], 0, depth);
                    a.pos = at;
                    let mut b = a.clone();
                    let ra = a.container(0).map_err(|e| (e.kind(), e.offset()));
                    let rb = b.container_small(0).map_err(|e| (e.kind(), e.offset()));
                    assert_eq!(ra, rb, "{text:?} to {end}");
                    if ra.is_ok() {
                        walked += 1;
                        assert_eq!(a.pos, b.pos, "{text:?} to {end}");
                    }
                }
            }
        }
        assert!(walked > 200);
    }

    #[test]
    fn depth_limit_is_iterative_and_exact() {
        let opts = DecodeOptions::new().with_max_depth(3);
        assert!(RawJson::parse_with("[[[1]]]", &opts).is_ok());
        let e = RawJson::parse_with("[[[[1]]]]", &opts).unwrap_err();
        assert_eq!(
            (e.kind(), e.offset()),
            (ErrorKind::DepthLimitExceeded { limit: 3 }, Some(3))
        );
        // Deep but within the hard limit: no recursion, so no stack overflow.
        let deep = "[".repeat(1000) + &"]".repeat(1000);
        let opts = DecodeOptions::new().with_max_depth(MAX_DEPTH_LIMIT);
        assert!(RawJson::parse_with(&deep, &opts).is_ok());
        let deeper = "[".repeat(100_000);
        assert_eq!(
            RawJson::parse_with(&deeper, &opts).unwrap_err().kind(),
            ErrorKind::DepthLimitExceeded { limit: 1024 }
        );
    }

    #[test]
    fn utf8_errors_are_at_the_first_bad_byte_on_every_path() {
        // Short inputs, and long ones (the SIMD check works on 64-byte blocks), ASCII and CJK.
        for unit in ["a", "\u{4f60}"] {
            let text = unit.repeat(300);
            assert_eq!(utf8(text.as_bytes()).unwrap(), text);
            for at in (0..text.len()).filter(|&i| text.is_char_boundary(i)) {
                for bad in [&b"\xff"[..], b"\xe4\xb8", b"\xed\xa0\x80"] {
                    let input = [&text.as_bytes()[..at], bad, &text.as_bytes()[at..]].concat();
                    let e = utf8(&input).unwrap_err();
                    assert_eq!(
                        (e.kind(), e.offset()),
                        (ErrorKind::InvalidUtf8, Some(at)),
                        "{unit} {at}"
                    );
                }
            }
        }
    }

    #[test]
    fn word_wise_and_byte_wise_scans_agree() {
        // skip_plain may stop early near the end (the caller goes on byte by byte); where it stops on a
        // byte, that byte is the first special one, as the byte-wise scan finds.
        // Specials, and their neighbours under the `b ^ 2` of the block test.
        let alphabet = [
            b'a', b'"', b'\\', 0x1f, 0x20, 0x21, 0x23, 0x7f, 0xc3, 0xa9, b'\n', 0, 2, 0x5e, 0xa2,
            0xff,
        ];
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        // Long enough for the 64-byte block loop (after the first 16 bytes) too.
        for len in (0..80).chain((80..300).step_by(7)) {
            for round in 0..40 {
                // Half the rounds with rare specials, so that the block loop runs.
                let rate = if round % 2 == 0 { 8 } else { 256 };
                let bytes: std::vec::Vec<u8> = (0..len)
                    .map(|_| {
                        seed ^= seed << 13;
                        seed ^= seed >> 7;
                        seed ^= seed << 17;
                        // Mostly plain bytes, so that runs are long enough for the word paths.
                        if seed.is_multiple_of(rate) {
                            alphabet[(seed >> 8) as usize % alphabet.len()]
                        } else {
                            b'a'
                        }
                    })
                    .collect();
                for start in 0..=len {
                    let exact = skip_plain_bytewise(&bytes, start);
                    let fast = skip_plain(&bytes, start);
                    let special = |b: u8| b == b'"' || b == b'\\' || b < 0x20;
                    match bytes.get(fast) {
                        Some(&b) if special(b) => assert_eq!(fast, exact, "{bytes:?} from {start}"),
                        // Stopped early: fewer than 8 bytes left, none skipped was special.
                        _ => assert!(len - fast < 8 && fast <= exact, "{bytes:?} from {start}"),
                    }
                }
            }
        }
    }

    #[test]
    fn swar_finds_specials_at_every_position() {
        for special in [b'"', b'\\', 0x01] {
            for pos in 1..21 {
                let mut s = [b'a'; 24];
                s[0] = b'"';
                s[23] = b'"';
                s[pos] = special;
                let text = core::str::from_utf8(&s).unwrap();
                let mut p = Parser::new(text, 0, 8);
                match (special, p.string()) {
                    (b'"', Ok(js)) => assert_eq!(js.raw().len(), pos - 1),
                    (b'\\', Err(e)) => {
                        assert_eq!(
                            (e.kind(), e.offset()),
                            (ErrorKind::InvalidEscape, Some(pos))
                        );
                    }
                    (0x01, Err(e)) => {
                        assert_eq!(
                            (e.kind(), e.offset()),
                            (ErrorKind::ControlCharacter, Some(pos))
                        );
                    }
                    (_, r) => panic!("{special} at {pos}: {r:?}"),
                }
            }
        }
    }
}
