//! Base64 payloads: the `payload` string of webhook callbacks and API bodies (SPEC sections 2 and 4).
//!
//! MIMC carries message bytes as standard base64 inside a JSON string. Some JSON encoders (PHP, iOS
//! `NSJSONSerialization`, likely Android `org.json`) write every `/` of that text as `\/`, so the text may
//! need JSON unescaping before base64 decoding. [`Payload`] does both in one pass, straight into the
//! caller's buffer:
//!
//! - **unescaped text** (the common case): one call of the `base64` crate's engine from the input to the
//!   output, after an O(1) length check;
//! - **escaped text**: the string's unescaped pieces are gathered into a 256-byte stack buffer and fed to the
//!   engine one batch at a time, each batch decoding straight into the caller's buffer. No copy of the
//!   whole text is ever made.
//!
//! Decoding accepts the standard alphabet with or without `=` padding and rejects everything else
//! (whitespace, the URL-safe alphabet, non-canonical trailing bits). Encoding writes padded standard
//! base64.
//!
//! | method | output | allocates |
//! |---|---|---|
//! | [`Payload::decoded_len`] | exact size | no |
//! | [`Payload::decode_into`] / [`decode_into_with`](Payload::decode_into_with) | caller's `&mut [u8]` | no |
//! | [`Payload::decode_vec`] (`alloc`) | `Vec<u8>` | yes, once |
//! | [`write_base64`] / [`ToJson`] | any [`Sink`] | no (a `Vec` sink grows) |

use core::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_PAD_INDIFFERENT};

use crate::error::{Error, ErrorKind, Result};
use crate::json::{self, Chunk, Chunks, DecodeOptions, JsonStr, RawJson, Sink, ToJson, ValueKind};

/// What a payload holds, escapes known.
#[derive(Clone, Copy)]
enum Form<'a> {
    Json(JsonStr<'a>),
    Bytes(&'a [u8]),
}

/// The wire name used in errors.
pub(crate) const FIELD: &str = "payload";
/// Base64 characters per batch on the escaped path and in comparisons (a multiple of 4).
const BATCH: usize = 256;
/// Bytes a full batch decodes to.
const BATCH_OUT: usize = BATCH / 4 * 3;
/// Input bytes per encoded chunk in [`write_base64`] (a multiple of 3, so only the last chunk is padded).
const ENCODE_CHUNK: usize = BATCH_OUT;

/// A message payload, borrowed: either a JSON string read from input (base64, or plain text in some
/// dialects) or raw bytes given in code, which are base64-encoded when written.
///
/// ```
/// use mimc_codec::{Payload, RawJson};
///
/// // As read from a callback body; the `/` of the base64 escaped as `\/` by the sender's JSON library.
/// let value = RawJson::parse(r#""5L2g5aW977yM5bCP57Gz5Y2z5pe25raI5oGv5LqR8J+YgOasoui\/juasoui\/juasoui\/jg==""#)?;
/// let payload = Payload::from_json(&value)?;
/// let mut buf = [0u8; 64];
/// let n = payload.decoded_len()?;
/// let bytes = payload.decode_into(&mut buf)?;
/// assert_eq!(bytes.len(), n);
/// assert_eq!(core::str::from_utf8(bytes).unwrap(), "你好，小米即时消息云😀欢迎欢迎欢迎");
///
/// // Built in code: the same bytes, equal to the decoded form.
/// assert_eq!(Payload::from_bytes("你好，小米即时消息云😀欢迎欢迎欢迎".as_bytes()), payload);
/// # Ok::<(), mimc_codec::Error>(())
/// ```
///
/// # Equality
///
/// `==` compares what the payloads stand for, without allocating:
/// - two JSON strings are equal when their unescaped texts are equal, or else when both are valid base64
///   of the same bytes (so `"QQ=="`, `"QQ"` and `"Q\u0051=="` are equal); a string that is not valid
///   base64 equals only the same text;
/// - a JSON string and raw bytes are equal when the string is valid base64 of exactly those bytes
///   (decoded and compared in 192-byte pieces on the stack);
/// - raw bytes compare as bytes.
///
/// A `Payload` also compares with a byte slice (`payload == b"pong"[..]`) by its decoded bytes.
///
/// # Debug
///
/// `Debug` prints a summary, never the whole payload: the size and the first 16 decoded bytes in hex
/// (`Payload(base64 8 chars, 4 bytes: 706f6e67)`), or the start of the text when it is not base64.
#[derive(Clone, Copy)]
pub struct Payload<'a>(Inner<'a>);

#[derive(Clone, Copy)]
enum Inner<'a> {
    /// The content of a JSON string read from input (validated), not yet searched for escapes: base64 has
    /// no `\\`, so decoding it optimistically either succeeds (there were none) or falls back to the
    /// escape-aware path. This spares the hot path a pass over the text.
    Unscanned {
        raw: &'a str,
        offset: usize,
    },
    Json(JsonStr<'a>),
    Bytes(&'a [u8]),
}

impl<'a> Payload<'a> {
    /// A payload as it stands in JSON (base64, or plain text); nothing is decoded yet.
    pub const fn from_json_str(s: JsonStr<'a>) -> Self {
        Payload(Inner::Json(s))
    }

    /// Raw bytes, for payloads built in code; writing encodes them as standard padded base64.
    ///
    /// ```
    /// use mimc_codec::{Payload, ToJson};
    /// let p = Payload::from_bytes(b"pong");
    /// let mut buf = [0u8; 16];
    /// let json = p.to_json_slice(&mut buf)?;
    /// assert_eq!(json, br#""cG9uZw==""#);
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    pub const fn from_bytes(bytes: &'a [u8]) -> Self {
        Payload(Inner::Bytes(bytes))
    }

    /// Reads a payload value: it must be a JSON string (`WrongType` at the value's offset otherwise).
    ///
    /// The text is not scanned again here: escapes are dealt with when (and only if) they are met.
    pub fn from_json(value: &RawJson<'a>) -> Result<Self> {
        if value.kind() != ValueKind::String {
            return Err(value.wrong_type(ValueKind::String).in_field(FIELD));
        }
        let text = value.as_str();
        let raw = text.get(1..text.len().saturating_sub(1)).unwrap_or("");
        Ok(Payload(Inner::Unscanned {
            raw,
            offset: value.offset() + 1,
        }))
    }

    /// Nothing at all (no text, no bytes)?
    pub(crate) const fn is_blank(&self) -> bool {
        match self.0 {
            Inner::Unscanned { raw, .. } => raw.is_empty(),
            Inner::Json(s) => s.is_empty(),
            Inner::Bytes(b) => b.is_empty(),
        }
    }

    /// The JSON string as it came (for plain-text payloads); `None` for a payload made from bytes.
    pub fn text(&self) -> Option<JsonStr<'a>> {
        match self.form() {
            Form::Json(s) => Some(s),
            Form::Bytes(_) => None,
        }
    }

    /// The content, with a read string's escapes known (one search for `\\`).
    fn form(&self) -> Form<'a> {
        match self.0 {
            Inner::Unscanned { raw, offset } => {
                Form::Json(JsonStr::from_raw_parts(raw, raw.contains('\\'), offset))
            }
            Inner::Json(s) => Form::Json(s),
            Inner::Bytes(b) => Form::Bytes(b),
        }
    }

    /// The exact number of bytes the payload decodes to. Checks the length and the padding (in O(1) for
    /// text without escapes), not every character: [`decode_into`](Self::decode_into) does that.
    ///
    /// Fails with `InvalidBase64` at the offending character's offset in the input when the length or
    /// padding is impossible (one character too many, `=` in the middle, three `=`).
    ///
    /// ```
    /// use mimc_codec::{JsonStr, Payload};
    /// assert_eq!(Payload::from_json_str(JsonStr::new("cG9uZw==")).decoded_len()?, 4);
    /// assert_eq!(Payload::from_json_str(JsonStr::new("cG9uZw")).decoded_len()?, 4);
    /// assert!(Payload::from_json_str(JsonStr::new("cG9uZ")).decoded_len().is_err());
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    pub fn decoded_len(&self) -> Result<usize> {
        match self.form() {
            Form::Bytes(b) => Ok(b.len()),
            Form::Json(s) => exact_len(&s, layout(&s)),
        }
    }

    /// Fails with `PayloadTooLarge` (at the string) when the payload would decode to more than `max` bytes,
    /// judged from its length alone (never an error about the base64 itself): O(1) unless the text is
    /// escaped and long enough to matter.
    pub(crate) fn check_limit(&self, max: usize) -> Result<()> {
        let raw = match self.0 {
            Inner::Bytes(b) => b,
            Inner::Unscanned { raw, .. } => raw.as_bytes(),
            Inner::Json(s) => s.raw().as_bytes(),
        };
        // For text, the raw spelling gives an upper bound (escapes only make it shorter) without a scan.
        let quick = match self.0 {
            Inner::Bytes(b) => b.len(),
            _ => Layout {
                len: raw.len(),
                pad: trailing_pad(raw),
            }
            .size_hint(),
        };
        if quick <= max {
            return Ok(());
        }
        let size = match self.form() {
            Form::Bytes(b) => b.len(),
            Form::Json(s) => layout(&s).size_hint(),
        };
        if size > max {
            return Err(too_large(self.string_offset(), max));
        }
        Ok(())
    }

    /// Decodes into `out` with the default limit (15 KiB, see [`DecodeOptions`]), returning the bytes
    /// written. Errors (all in field `payload`):
    /// - `PayloadTooLarge` (at the string) when the decoded size is over the limit, checked before decoding;
    /// - `BufferTooSmall` (offset: `out.len()`) when `out` is shorter than [`decoded_len`](Self::decoded_len);
    /// - `InvalidBase64` at the input offset of the first character that is not base64 (an escaped
    ///   character is at its backslash), else of the first misplaced `=`, else of the first `=` (or the
    ///   closing quote) when the length is impossible, else of the last character when it carries
    ///   non-zero trailing bits. Escaped and unescaped spellings of a text fail at the same character.
    ///
    /// On error, the content of `out` is unspecified.
    ///
    /// ```
    /// use mimc_codec::{ErrorKind, Payload, RawJson};
    /// let value = RawJson::parse(r#"  "cG9u!w==""#)?;
    /// let err = Payload::from_json(&value)?.decode_into(&mut [0u8; 8]).unwrap_err();
    /// assert_eq!((err.kind(), err.offset(), err.field()), (ErrorKind::InvalidBase64, Some(7), Some("payload")));
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    pub fn decode_into<'b>(&self, out: &'b mut [u8]) -> Result<&'b [u8]> {
        self.decode_into_with(out, &DecodeOptions::new())
    }

    /// As [`decode_into`](Self::decode_into), with the limit of `opts` ([`DecodeOptions::max_payload`]).
    pub fn decode_into_with<'b>(
        &self,
        out: &'b mut [u8],
        opts: &DecodeOptions,
    ) -> Result<&'b [u8]> {
        match self.0 {
            Inner::Bytes(b) => {
                if b.len() > opts.max_payload() {
                    return Err(too_large(self.string_offset(), opts.max_payload()));
                }
                let cap = out.len();
                let Some(dst) = out.get_mut(..b.len()) else {
                    return Err(too_small(b.len(), cap));
                };
                dst.copy_from_slice(b);
                Ok(dst)
            }
            Inner::Unscanned { raw, offset } => {
                // Optimistic: a successful decode of the raw text proves it held no escape (base64 has
                // no `\\`). Anything else goes the careful way, which also finds the precise error.
                let text = raw.as_bytes();
                let layout = Layout {
                    len: text.len(),
                    pad: trailing_pad(text),
                };
                if let Ok(len) = layout.decoded_len() {
                    if len <= opts.max_payload() {
                        if let Some(dst) = out.get_mut(..len) {
                            if let Ok(n) = STANDARD_PAD_INDIFFERENT.decode_slice(text, dst) {
                                return Ok(out.get(..n).unwrap_or_default());
                            }
                        }
                    }
                }
                let s = JsonStr::from_raw_parts(raw, raw.contains('\\'), offset);
                decode_json(&s, out, opts.max_payload())
            }
            Inner::Json(s) => decode_json(&s, out, opts.max_payload()),
        }
    }

    /// Decodes into a new `Vec` of exactly the decoded size, with the default limit (checked before
    /// allocating).
    #[cfg(feature = "alloc")]
    pub fn decode_vec(&self) -> Result<alloc::vec::Vec<u8>> {
        self.decode_vec_with(&DecodeOptions::new())
    }

    /// As [`decode_vec`](Self::decode_vec), with the limit of `opts`.
    #[cfg(feature = "alloc")]
    pub fn decode_vec_with(&self, opts: &DecodeOptions) -> Result<alloc::vec::Vec<u8>> {
        let len = self.decoded_len()?;
        if len > opts.max_payload() {
            return Err(too_large(self.string_offset(), opts.max_payload()));
        }
        let mut v = alloc::vec![0u8; len];
        let n = self.decode_into_with(&mut v, opts)?.len();
        v.truncate(n);
        Ok(v)
    }

    /// Offset of the JSON string (its opening quote) for errors about the whole payload.
    fn string_offset(&self) -> usize {
        match self.0 {
            Inner::Unscanned { offset, .. } => offset.saturating_sub(1),
            Inner::Json(s) => s.offset().saturating_sub(1),
            Inner::Bytes(_) => 0,
        }
    }

    /// Checks that the text is valid base64 without keeping the bytes (decodes through a stack buffer):
    /// `InvalidBase64` at the first bad character otherwise (field `payload`; rename as needed).
    pub(crate) fn validate(&self) -> Result<()> {
        let Form::Json(s) = self.form() else {
            return Ok(());
        };
        exact_len(&s, layout(&s))?;
        let mut stream = self.stream();
        let mut tmp = [0u8; BATCH_OUT];
        while let Some(piece) = stream.next_piece(&mut tmp) {
            if piece.is_err() {
                return Err(locate_error(&s));
            }
        }
        Ok(())
    }

    /// The decoded bytes, piece by piece (for comparisons and `Debug`).
    fn stream(&self) -> Stream<'a> {
        match self.form() {
            Form::Bytes(b) => Stream::Bytes(b),
            Form::Json(s) => Stream::Json(Batches::new(&s)),
        }
    }

    /// The bytes of a payload made from bytes; `None` for text read from JSON.
    #[cfg(feature = "serde")]
    pub(crate) fn as_bytes(&self) -> Option<&'a [u8]> {
        match self.0 {
            Inner::Bytes(b) => Some(b),
            _ => None,
        }
    }

    /// The decoded bytes, a piece (at most 192 bytes) at a time (the compact form streams them out).
    #[cfg(feature = "serde")]
    pub(crate) fn pieces(&self) -> Pieces<'a> {
        Pieces {
            stream: self.stream(),
            tmp: [0u8; BATCH_OUT],
        }
    }
}

/// See [`Payload::pieces`].
#[cfg(feature = "serde")]
pub(crate) struct Pieces<'a> {
    stream: Stream<'a>,
    tmp: [u8; BATCH_OUT],
}

#[cfg(feature = "serde")]
impl Pieces<'_> {
    /// The next decoded piece; `InvalidBase64` when the text is not base64.
    pub(crate) fn next_piece(&mut self) -> Option<Result<&[u8]>> {
        match self.stream.next_piece(&mut self.tmp)? {
            Ok(n) => Some(Ok(self.tmp.get(..n).unwrap_or(&[]))),
            Err(()) => Some(Err(Error::new(ErrorKind::InvalidBase64, 0).in_field(FIELD))),
        }
    }
}

impl<'a> From<JsonStr<'a>> for Payload<'a> {
    fn from(s: JsonStr<'a>) -> Self {
        Payload::from_json_str(s)
    }
}

impl<'a> From<&'a [u8]> for Payload<'a> {
    fn from(b: &'a [u8]) -> Self {
        Payload::from_bytes(b)
    }
}

impl ToJson for Payload<'_> {
    /// A JSON string: the text in canonical form (escapes such as `\/` written as serde_json would), or
    /// the bytes as padded standard base64.
    fn write_json<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<()> {
        match self.form() {
            Form::Json(s) => json::write_str(sink, &s),
            Form::Bytes(b) => write_base64(sink, b),
        }
    }
}

/// Writes `bytes` as a quoted JSON string of padded standard base64, encoding 192 bytes at a time through
/// a 256-byte stack buffer (base64 never needs JSON escaping).
///
/// ```
/// use mimc_codec::json::SliceSink;
/// let mut buf = [0u8; 16];
/// let mut sink = SliceSink::new(&mut buf);
/// mimc_codec::write_base64(&mut sink, b"pong")?;
/// let n = sink.len();
/// assert_eq!(&buf[..n], br#""cG9uZw==""#);
/// # Ok::<(), mimc_codec::Error>(())
/// ```
pub fn write_base64<S: Sink + ?Sized>(sink: &mut S, bytes: &[u8]) -> Result<()> {
    sink.put(b"\"")?;
    let mut buf = [0u8; BATCH];
    for chunk in bytes.chunks(ENCODE_CHUNK) {
        let n = STANDARD.encode_slice(chunk, &mut buf).map_err(|_| {
            Error::without_offset(ErrorKind::InvalidValue("a base64 batch overflowed"))
        })?;
        sink.put(buf.get(..n).unwrap_or(&[]))?;
    }
    sink.put(b"\"")
}

// ---------------------------------------------------------------------------------------------------------
// Decoding

/// Unescaped length of a base64 text and the number of `=` it ends with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Layout {
    len: usize,
    pad: usize,
}

impl Layout {
    /// Characters before the trailing `=` run.
    const fn data(self) -> usize {
        self.len.saturating_sub(self.pad)
    }

    /// The exact decoded size when length and padding are possible; otherwise the unescaped index of the
    /// first character that makes them impossible (the first trailing `=`, or the end).
    const fn decoded_len(self) -> core::result::Result<usize, usize> {
        let m = self.data();
        let rem = m % 4;
        let ok = match rem {
            0 => self.pad == 0,
            2 => self.pad <= 2,
            3 => self.pad <= 1,
            _ => false,
        };
        if ok {
            Ok(m / 4 * 3 + rem * 3 / 4)
        } else {
            Err(m)
        }
    }

    /// The decoded size if the length and padding were valid.
    const fn size_hint(self) -> usize {
        let m = self.data();
        m / 4 * 3 + m % 4 * 3 / 4
    }
}

#[inline]
fn trailing_pad(b: &[u8]) -> usize {
    b.iter().rev().take_while(|&&c| c == b'=').count()
}

/// The layout of `s`: O(padding) without escapes, one walk over the pieces with them.
#[inline]
fn layout(s: &JsonStr<'_>) -> Layout {
    if let Some(text) = s.as_str() {
        let b = text.as_bytes();
        return Layout {
            len: b.len(),
            pad: trailing_pad(b),
        };
    }
    let mut len = 0usize;
    let mut pad = 0usize;
    for chunk in s.chunks() {
        match chunk {
            Chunk::Text(t) => {
                let b = t.as_bytes();
                len = len.saturating_add(b.len());
                let p = trailing_pad(b);
                pad = if p == b.len() {
                    pad.saturating_add(p)
                } else {
                    p
                };
            }
            Chunk::Char(c) => {
                len = len.saturating_add(c.len_utf8());
                pad = if c == '=' { pad.saturating_add(1) } else { 0 };
            }
        }
    }
    Layout { len, pad }
}

#[inline]
fn exact_len(s: &JsonStr<'_>, layout: Layout) -> Result<usize> {
    layout.decoded_len().map_err(|_| locate_error(s))
}

#[cold]
fn too_large(offset: usize, limit: usize) -> Error {
    Error::new(ErrorKind::PayloadTooLarge { limit }, offset).in_field(FIELD)
}

/// `out` (of `out_len` bytes) cannot hold the `needed` bytes the payload decodes to.
#[cold]
fn too_small(needed: usize, out_len: usize) -> Error {
    Error::new(ErrorKind::BufferTooSmall { needed }, out_len).in_field(FIELD)
}

/// A JSON string whose escapes are known: the plain or the escaped path.
#[inline]
fn decode_json<'b>(s: &JsonStr<'_>, out: &'b mut [u8], max: usize) -> Result<&'b [u8]> {
    match s.as_str() {
        Some(text) => decode_plain(s, text.as_bytes(), out, max),
        None => decode_escaped(s, out, max),
    }
}

/// Text without escapes: an O(1) size check, then one engine call from the input into `out`.
#[inline]
fn decode_plain<'b>(
    s: &JsonStr<'_>,
    text: &[u8],
    out: &'b mut [u8],
    max: usize,
) -> Result<&'b [u8]> {
    let len = exact_len(
        s,
        Layout {
            len: text.len(),
            pad: trailing_pad(text),
        },
    )?;
    if len > max {
        return Err(too_large(s.offset().saturating_sub(1), max));
    }
    let cap = out.len();
    let Some(dst) = out.get_mut(..len) else {
        return Err(too_small(len, cap));
    };
    match STANDARD_PAD_INDIFFERENT.decode_slice(text, dst) {
        Ok(n) => {
            let dst: &'b [u8] = dst;
            Ok(dst.get(..n).unwrap_or(dst))
        }
        Err(base64::DecodeSliceError::OutputSliceTooSmall) => Err(too_small(len, len)),
        Err(base64::DecodeSliceError::DecodeError(_)) => Err(locate_error(s)),
    }
}

/// Text with escapes: batches of unescaped characters through a stack buffer, each decoded straight into
/// `out`. The exact size is computed (one extra walk) only when the quick bound does not already show the
/// payload fits both the limit and `out`.
fn decode_escaped<'b>(s: &JsonStr<'_>, out: &'b mut [u8], max: usize) -> Result<&'b [u8]> {
    // The unescaped text is never longer than the raw text.
    let bound = s.raw().len() / 4 * 3 + 2;
    if bound > max || bound > out.len() {
        let len = exact_len(s, layout(s))?;
        if len > max {
            return Err(too_large(s.offset().saturating_sub(1), max));
        }
        if len > out.len() {
            return Err(too_small(len, out.len()));
        }
    }
    let mut batches = Batches::new(s);
    let mut pos = 0usize;
    while let Some((chars, last)) = batches.next_batch() {
        if !last && chars.get(BATCH - 2..).is_some_and(|t| t.contains(&b'=')) {
            // Padding is only allowed in the very last group; the engine would accept it at a batch end.
            return Err(locate_error(s));
        }
        let dst = out.get_mut(pos..).unwrap_or_default();
        match STANDARD_PAD_INDIFFERENT.decode_slice(chars, dst) {
            Ok(n) => pos += n,
            Err(base64::DecodeSliceError::OutputSliceTooSmall) => {
                let needed = exact_len(s, layout(s)).unwrap_or(out.len());
                return Err(too_small(needed, out.len()));
            }
            Err(base64::DecodeSliceError::DecodeError(_)) => return Err(locate_error(s)),
        }
    }
    let out: &'b [u8] = out;
    Ok(out.get(..pos).unwrap_or(out))
}

/// The unescaped characters of a JSON string in batches of [`BATCH`] (the last may be shorter), gathered in
/// a stack buffer.
#[derive(Clone)]
struct Batches<'a> {
    chunks: Chunks<'a>,
    /// The rest of the current unescaped run.
    text: &'a [u8],
    /// The UTF-8 of the current escaped character, `pend[pend_at..pend_end]` still to copy.
    pend: [u8; 4],
    pend_at: usize,
    pend_end: usize,
    buf: [u8; BATCH],
    done: bool,
}

impl<'a> Batches<'a> {
    fn new(s: &JsonStr<'a>) -> Self {
        Batches {
            chunks: s.chunks(),
            text: &[],
            pend: [0; 4],
            pend_at: 0,
            pend_end: 0,
            buf: [0; BATCH],
            done: false,
        }
    }

    /// The next batch and whether it is the last. A non-last batch is always full. An empty string gives
    /// one empty last batch.
    fn next_batch(&mut self) -> Option<(&[u8], bool)> {
        if self.done {
            return None;
        }
        let mut n = 0usize;
        loop {
            while self.pend_at < self.pend_end && n < BATCH {
                if let (Some(d), Some(&b)) = (self.buf.get_mut(n), self.pend.get(self.pend_at)) {
                    *d = b;
                }
                n += 1;
                self.pend_at += 1;
            }
            if n == BATCH {
                break;
            }
            if !self.text.is_empty() {
                let take = (BATCH - n).min(self.text.len());
                let (head, rest) = self.text.split_at(take);
                if let Some(d) = self.buf.get_mut(n..n + take) {
                    d.copy_from_slice(head);
                }
                self.text = rest;
                n += take;
                if n == BATCH {
                    break;
                }
                continue;
            }
            match self.chunks.next() {
                Some(Chunk::Text(t)) => self.text = t.as_bytes(),
                Some(Chunk::Char(c)) => {
                    self.pend_end = c.encode_utf8(&mut self.pend).len();
                    self.pend_at = 0;
                }
                None => {
                    self.done = true;
                    return Some((self.buf.get(..n).unwrap_or(&[]), true));
                }
            }
        }
        let last = self.pend_at >= self.pend_end
            && self.text.is_empty()
            && self.chunks.clone().next().is_none();
        self.done = last;
        Some((&self.buf, last))
    }
}

/// Is `b` a character of the standard base64 alphabet (padding excluded)?
#[inline]
const fn is_base64(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'+' || b == b'/'
}

/// Length in the raw text of the escape at `pos` that decoded to `c`.
fn escape_len(raw: &[u8], pos: usize, c: char) -> usize {
    if raw.get(pos + 1) == Some(&b'u') {
        if u32::from(c) > 0xFFFF { 12 } else { 6 }
    } else {
        2
    }
}

/// Finds why `s` is not valid base64, as an error at an offset in the input. Called only on failure, so
/// it may walk the text again. The rule, identical for escaped and unescaped text:
/// 1. the first character that is neither in the alphabet nor `=`;
/// 2. else the first `=` that is followed by something other than `=`;
/// 3. else, when length/padding are impossible, the first trailing `=` (or the end of the string);
/// 4. else the last character before the padding (its trailing bits are not zero).
#[cold]
#[inline(never)]
fn locate_error(s: &JsonStr<'_>) -> Error {
    let lay = layout(s);
    let m = lay.data();
    let raw = s.raw().as_bytes();
    let at = |pos: usize| Error::new(ErrorKind::InvalidBase64, s.offset() + pos).in_field(FIELD);
    let mut idx = 0usize; // index in the unescaped text
    let mut rpos = 0usize; // matching position in the raw text
    let mut last_data = 0usize;
    let mut pad_start = raw.len();
    let mut misplaced_pad = None;
    for chunk in s.chunks() {
        match chunk {
            Chunk::Text(t) => {
                for (j, &b) in t.as_bytes().iter().enumerate() {
                    let i = idx + j;
                    if i < m {
                        if b == b'=' {
                            misplaced_pad = misplaced_pad.or(Some(rpos + j));
                        } else if !is_base64(b) {
                            return at(rpos + j);
                        }
                        last_data = rpos + j;
                    } else if i == m {
                        pad_start = rpos + j;
                    }
                }
                idx += t.len();
                rpos += t.len();
            }
            Chunk::Char(c) => {
                if idx < m {
                    if c == '=' {
                        misplaced_pad = misplaced_pad.or(Some(rpos));
                    } else if !(c.is_ascii() && is_base64(c as u8)) {
                        return at(rpos);
                    }
                    last_data = rpos;
                } else if idx == m {
                    pad_start = rpos;
                }
                idx += c.len_utf8();
                rpos += escape_len(raw, rpos, c);
            }
        }
    }
    if let Some(pos) = misplaced_pad {
        at(pos)
    } else if lay.decoded_len().is_err() {
        at(pad_start)
    } else {
        at(last_data)
    }
}

// ---------------------------------------------------------------------------------------------------------
// Comparison and Debug

/// Decoded bytes in pieces of at most [`BATCH_OUT`]; every piece but the last is full.
#[allow(clippy::large_enum_variant)] // a short-lived stack value; the batch buffer is the point
enum Stream<'a> {
    Bytes(&'a [u8]),
    Json(Batches<'a>),
}

impl Stream<'_> {
    /// The next non-empty piece in `tmp`, `Some(Err)` when the text is not valid base64.
    fn next_piece(&mut self, tmp: &mut [u8; BATCH_OUT]) -> Option<core::result::Result<usize, ()>> {
        match self {
            Stream::Bytes(b) => {
                if b.is_empty() {
                    return None;
                }
                let (head, rest) = b.split_at(b.len().min(BATCH_OUT));
                if let Some(d) = tmp.get_mut(..head.len()) {
                    d.copy_from_slice(head);
                }
                *b = rest;
                Some(Ok(head.len()))
            }
            Stream::Json(batches) => {
                let (chars, last) = batches.next_batch()?;
                if !last && chars.get(BATCH - 2..).is_some_and(|t| t.contains(&b'=')) {
                    return Some(Err(()));
                }
                match STANDARD_PAD_INDIFFERENT.decode_slice(chars, tmp) {
                    Ok(0) if last => None,
                    Ok(n) => Some(Ok(n)),
                    Err(_) => Some(Err(())),
                }
            }
        }
    }
}

/// Compares two decoded streams; pieces line up because every piece but the last is full.
fn streams_equal(mut a: Stream<'_>, mut b: Stream<'_>) -> bool {
    let mut ta = [0u8; BATCH_OUT];
    let mut tb = [0u8; BATCH_OUT];
    loop {
        match (a.next_piece(&mut ta), b.next_piece(&mut tb)) {
            (None, None) => return true,
            (Some(Ok(x)), Some(Ok(y))) => {
                if ta.get(..x) != tb.get(..y) {
                    return false;
                }
            }
            _ => return false,
        }
    }
}

impl PartialEq for Payload<'_> {
    fn eq(&self, other: &Self) -> bool {
        match (self.form(), other.form()) {
            (Form::Bytes(a), Form::Bytes(b)) => a == b,
            (Form::Json(a), Form::Json(b)) => {
                if a == b {
                    return true;
                }
                match (layout(&a).decoded_len(), layout(&b).decoded_len()) {
                    (Ok(x), Ok(y)) if x == y => streams_equal(self.stream(), other.stream()),
                    _ => false,
                }
            }
            (Form::Json(s), Form::Bytes(b)) | (Form::Bytes(b), Form::Json(s)) => {
                layout(&s).decoded_len() == Ok(b.len())
                    && streams_equal(Stream::Json(Batches::new(&s)), Stream::Bytes(b))
            }
        }
    }
}

impl Eq for Payload<'_> {}

impl PartialEq<[u8]> for Payload<'_> {
    fn eq(&self, other: &[u8]) -> bool {
        *self == Payload::from_bytes(other)
    }
}

impl PartialEq<&[u8]> for Payload<'_> {
    fn eq(&self, other: &&[u8]) -> bool {
        *self == Payload::from_bytes(other)
    }
}

/// Bytes shown by `Debug`.
const DEBUG_HEAD: usize = 16;

impl fmt::Debug for Payload<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let len = self.decoded_len();
        let mut tmp = [0u8; BATCH_OUT];
        let head = match (len, self.stream().next_piece(&mut tmp)) {
            (Ok(_), Some(Ok(n))) => Some(tmp.get(..n.min(DEBUG_HEAD)).unwrap_or(&[])),
            (Ok(_), None) => Some(&[][..]),
            _ => None,
        };
        f.write_str("Payload(")?;
        match (self.form(), len, head) {
            (Form::Json(s), Ok(len), Some(head)) => {
                let esc = if s.is_escaped() { ", escaped" } else { "" };
                write!(f, "base64 {} chars{esc}, {len} bytes", s.raw().len())?;
                write_hex(f, head, len)?;
            }
            (Form::Bytes(b), _, _) => {
                write!(f, "{} bytes", b.len())?;
                write_hex(f, b.get(..b.len().min(DEBUG_HEAD)).unwrap_or(&[]), b.len())?;
            }
            (Form::Json(s), _, _) => {
                write!(f, "text {} chars: \"", s.raw().len())?;
                for c in s.chars().take(32) {
                    write!(f, "{}", c.escape_debug())?;
                }
                f.write_str("\"")?;
                if s.chars().nth(32).is_some() {
                    f.write_str("…")?;
                }
            }
        }
        f.write_str(")")
    }
}

fn write_hex(f: &mut fmt::Formatter<'_>, head: &[u8], total: usize) -> fmt::Result {
    if head.is_empty() {
        return Ok(());
    }
    f.write_str(": ")?;
    for b in head {
        write!(f, "{b:02x}")?;
    }
    if total > head.len() {
        f.write_str("…")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::fmt::Write as _;
    use std::format;
    use std::string::String;
    use std::vec::Vec;

    fn js(json: &str) -> JsonStr<'_> {
        RawJson::parse(json).unwrap().to_json_str().unwrap()
    }

    fn decode(p: &Payload<'_>) -> Result<Vec<u8>> {
        let mut buf = std::vec![0u8; 40_000];
        p.decode_into_with(&mut buf, &DecodeOptions::new().with_max_payload(usize::MAX))
            .map(<[u8]>::to_vec)
    }

    #[test]
    fn layouts() {
        for (text, want) in [
            ("", Ok(0)),
            ("QQ", Ok(1)),
            ("QQ=", Ok(1)),
            ("QQ==", Ok(1)),
            ("QUI", Ok(2)),
            ("QUI=", Ok(2)),
            ("QUJD", Ok(3)),
            ("QUJDRA==", Ok(4)),
            ("Q", Err(1)),
            ("QUJDR", Err(5)),
            ("QUJD=", Err(4)),
            ("QQ===", Err(2)),
            ("QUI==", Err(3)),
            ("=", Err(0)),
            ("====", Err(0)),
        ] {
            let b = text.as_bytes();
            let lay = Layout {
                len: b.len(),
                pad: trailing_pad(b),
            };
            assert_eq!(lay.decoded_len(), want, "{text}");
            assert_eq!(layout(&JsonStr::new(text)), lay);
        }
    }

    #[test]
    fn escaped_layout_counts_escaped_padding() {
        let s = js(r#""QQ\u003d\u003d""#);
        assert_eq!(layout(&s), Layout { len: 4, pad: 2 });
        let s = js(r#""Q\u003d=""#);
        assert_eq!(layout(&s), Layout { len: 3, pad: 2 });
        let s = js(r#""a\/b=""#);
        assert_eq!(layout(&s), Layout { len: 4, pad: 1 });
    }

    #[test]
    fn decodes_plain_and_escaped_alike() {
        for (json, want) in [
            (r#""cG9uZw==""#, &b"pong"[..]),
            (r#""cG9uZw""#, b"pong"),
            (r#""cG9uZw=""#, b"pong"),
            (r#""\u0063G9uZw\u003d=""#, b"pong"),
            (r#""""#, b""),
            (r#""+\/8=""#, &[0xfb, 0xff]),
        ] {
            let p = Payload::from_json_str(js(json));
            assert_eq!(decode(&p).unwrap(), want, "{json}");
            assert_eq!(p.decoded_len().unwrap(), want.len(), "{json}");
        }
    }

    #[test]
    fn escaped_batches_cross_boundaries() {
        // Long enough for several batches, with escapes (multi-byte ones too) straddling batch ends.
        let bytes: Vec<u8> = (0..=255u8).cycle().take(3000).collect();
        let b64 = STANDARD.encode(&bytes);
        for every in [1usize, 3, 7, 64, 255, 256, 257] {
            let mut json = String::from("\"");
            for (i, ch) in b64.chars().enumerate() {
                if i % every == 0 {
                    let _ = write!(json, "\\u{:04x}", ch as u32);
                } else if ch == '/' {
                    json.push_str("\\/");
                } else {
                    json.push(ch);
                }
            }
            json.push('"');
            let p = Payload::from_json_str(js(&json));
            assert_eq!(decode(&p).unwrap(), bytes, "every {every}");
            assert_eq!(p.decoded_len().unwrap(), bytes.len());
            assert_eq!(p, Payload::from_bytes(&bytes));
            // A buffer of the exact size is enough on the escaped path too.
            let mut exact = std::vec![0u8; bytes.len()];
            assert_eq!(
                p.decode_into_with(&mut exact, &DecodeOptions::new().with_max_payload(4000))
                    .unwrap(),
                &bytes[..]
            );
        }
    }

    #[test]
    fn errors_point_at_the_bad_character_in_the_input() {
        // (json value, offset of the error in the value text)
        let cases: &[(&str, usize)] = &[
            (r#""cG9u!w==""#, 5),
            (r#""cG\/u!w==""#, 6),
            (r#""cG9\u00e9w==""#, 4), // é spelt as an escape: at its backslash
            (r#""cG9éw==""#, 4),      // é as UTF-8: at its first byte
            (r#""cG9uZ""#, 6),        // one character too many: at the end
            (r#""cG9uZ\u003d""#, 6),  // ... or at the misplaced padding
            (r#""QQ==QUJD""#, 3),     // padding in the middle
            (r#""QR==""#, 2),         // trailing bits set
            (r#""Q\u0052==""#, 2),    // same, the last data character escaped
            (r#""cG9uZw===""#, 7),    // three `=`
            (r#""cG9u Zw==""#, 5),    // whitespace is not base64
            (r#""cG9uZw==\n""#, 9),   // escaped newline at the end
            (r#""cG9uZw-_""#, 7),     // URL-safe alphabet
        ];
        for &(json, off) in cases {
            let p = Payload::from_json(&RawJson::parse(json).unwrap()).unwrap();
            let e = decode(&p).unwrap_err();
            assert_eq!(
                (e.kind(), e.offset(), e.field()),
                (ErrorKind::InvalidBase64, Some(off), Some("payload")),
                "{json}"
            );
        }
    }

    #[test]
    fn padding_inside_a_batch_end_is_rejected_on_the_escaped_path() {
        // 256 characters ending in `==` followed by more: legal for a lone engine call, not for us.
        let mut text = String::from("\\/");
        text.push_str(&"A".repeat(253));
        text.push_str("==QUJD");
        let json = format!("\"{text}\"");
        let p = Payload::from_json_str(js(&json));
        let e = decode(&p).unwrap_err();
        assert_eq!(
            (e.kind(), e.offset()),
            (ErrorKind::InvalidBase64, Some(1 + 2 + 253))
        );
        assert_eq!(p.decoded_len().unwrap(), 195);
        assert_ne!(p, Payload::from_bytes(&[0; 195]));
    }

    #[test]
    fn limits_and_buffer_sizes() {
        let s = js(r#""cG9uZw==""#);
        let p = Payload::from_json_str(s);
        let e = p.decode_into(&mut [0u8; 3]).unwrap_err();
        assert_eq!(
            (e.kind(), e.offset()),
            (ErrorKind::BufferTooSmall { needed: 4 }, Some(3))
        );
        let small = DecodeOptions::new().with_max_payload(3);
        let e = p.decode_into_with(&mut [0u8; 8], &small).unwrap_err();
        assert_eq!(
            (e.kind(), e.offset()),
            (ErrorKind::PayloadTooLarge { limit: 3 }, Some(0))
        );
        assert_eq!(
            p.decode_into_with(&mut [0u8; 4], &DecodeOptions::new().with_max_payload(4))
                .unwrap(),
            b"pong"
        );
        let e = Payload::from_bytes(b"pong")
            .decode_into_with(&mut [0u8; 8], &small)
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::PayloadTooLarge { limit: 3 });
        let e = Payload::from_bytes(b"pong")
            .decode_into(&mut [0u8; 2])
            .unwrap_err();
        assert_eq!(
            (e.kind(), e.offset()),
            (ErrorKind::BufferTooSmall { needed: 4 }, Some(2))
        );
        // Escaped: the limit is checked before decoding, from the exact size.
        let p = Payload::from_json_str(js(r#""\/\/\/\/""#));
        let e = p
            .decode_into_with(&mut [0u8; 8], &DecodeOptions::new().with_max_payload(2))
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::PayloadTooLarge { limit: 2 });
        assert_eq!(p.decode_into(&mut [0u8; 3]).unwrap(), [0xff; 3]);
        let e = p.decode_into(&mut [0u8; 2]).unwrap_err();
        assert_eq!(
            (e.kind(), e.offset()),
            (ErrorKind::BufferTooSmall { needed: 3 }, Some(2))
        );
    }

    #[test]
    fn equality_by_meaning() {
        let a = Payload::from_json_str(js(r#""QQ==""#));
        let b = Payload::from_json_str(js(r#""QQ""#));
        let c = Payload::from_json_str(js(r#""Q\u0051=""#));
        let bytes = Payload::from_bytes(b"A");
        for (x, y) in [(a, b), (a, c), (b, c), (a, bytes), (bytes, c)] {
            assert_eq!(x, y);
            assert_eq!(y, x);
        }
        assert_eq!(a, b"A"[..]);
        assert_ne!(a, Payload::from_bytes(b"B"));
        assert_ne!(a, Payload::from_bytes(b""));
        assert_eq!(
            Payload::from_json_str(JsonStr::new("")),
            Payload::from_bytes(b"")
        );
        // Text that is not base64 equals only itself.
        let t = Payload::from_json_str(JsonStr::new("hello world"));
        assert_eq!(t, Payload::from_json_str(js(r#""hello\u0020world""#)));
        assert_ne!(t, Payload::from_json_str(JsonStr::new("hello")));
        assert_ne!(t, Payload::from_bytes(b"hello world"));
    }

    #[test]
    fn debug_is_a_summary() {
        let big = std::vec![7u8; 20_000];
        let d = format!("{:?}", Payload::from_bytes(&big));
        assert_eq!(d, "Payload(20000 bytes: 07070707070707070707070707070707…)");
        let d = format!("{:?}", Payload::from_json_str(JsonStr::new("cG9uZw==")));
        assert_eq!(d, "Payload(base64 8 chars, 4 bytes: 706f6e67)");
        let d = format!("{:?}", Payload::from_json_str(js(r#""cG9u\u005aw==""#)));
        assert_eq!(d, "Payload(base64 13 chars, escaped, 4 bytes: 706f6e67)");
        let d = format!("{:?}", Payload::from_json_str(JsonStr::new("hi there")));
        assert_eq!(d, "Payload(text 8 chars: \"hi there\")");
    }

    #[cfg(feature = "alloc")] // to_json_string
    #[test]
    fn writes_padded_standard_base64() {
        for len in [0usize, 1, 2, 3, 191, 192, 193, 1000] {
            let bytes: Vec<u8> = (0..len).map(|i| u8::try_from(i % 251).unwrap()).collect();
            let p = Payload::from_bytes(&bytes);
            let json = p.to_json_string().unwrap();
            assert_eq!(json, format!("\"{}\"", STANDARD.encode(&bytes)));
            assert_eq!(p.json_len(), len.div_ceil(3) * 4 + 2);
            let back = RawJson::parse(&json).unwrap();
            assert_eq!(Payload::from_json(&back).unwrap(), p);
        }
        // JSON text is written in canonical form.
        let p = Payload::from_json_str(js(r#""+\/8=""#));
        assert_eq!(p.to_json_string().unwrap(), r#""+/8=""#);
    }

    #[test]
    fn wrong_type_names_the_field() {
        let e = Payload::from_json(&RawJson::parse("[1]").unwrap()).unwrap_err();
        assert_eq!(
            (e.kind(), e.offset(), e.field()),
            (
                ErrorKind::WrongType {
                    expected: ValueKind::String,
                    found: ValueKind::Array
                },
                Some(0),
                Some("payload")
            )
        );
    }

    #[test]
    fn check_limit_judges_by_decoded_size() {
        // 8 characters, 4 bytes: at the limit of 4, over a limit of 3.
        let clean = Payload::from_json(&RawJson::parse(r#""cG9uZw==""#).unwrap()).unwrap();
        assert!(clean.check_limit(4).is_ok());
        let e = clean.check_limit(3).unwrap_err();
        assert_eq!(
            (e.kind(), e.offset()),
            (ErrorKind::PayloadTooLarge { limit: 3 }, Some(0))
        );
        // Escaped: 13 raw characters, still 4 bytes.
        let escaped = Payload::from_json(&RawJson::parse(r#""cG9u\u005aw==""#).unwrap()).unwrap();
        assert!(escaped.check_limit(4).is_ok());
        assert!(escaped.check_limit(3).is_err());
        assert!(Payload::from_bytes(b"pong").check_limit(4).is_ok());
        assert!(Payload::from_bytes(b"pong").check_limit(3).is_err());
    }

    #[cfg(feature = "alloc")]
    #[test]
    fn decode_vec_checks_the_limit_first() {
        let p = Payload::from_json_str(JsonStr::new("cG9uZw=="));
        assert_eq!(p.decode_vec().unwrap(), b"pong");
        let e = p
            .decode_vec_with(&DecodeOptions::new().with_max_payload(1))
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::PayloadTooLarge { limit: 1 });
    }
}
