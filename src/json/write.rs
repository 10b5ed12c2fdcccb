//! The writer: compact JSON into a caller's slice, a length counter, or a `Vec` (with `alloc`).
//!
//! Escaping matches `serde_json` byte for byte: `"` and `\` get a backslash, `\b \f \n \r \t` their short
//! forms, other control characters `\u00XX` (lowercase hex); everything else, `/` and non-ASCII included,
//! is written as UTF-8.
// The hot paths are inlined on purpose: each `#[inline(always)]` was measured (benches/, BENCHMARKS.md).
// On bare-metal targets (`target_os = "none"`) code size matters more, so they are only hints there.
#![allow(clippy::inline_always)]

use crate::error::{Error, ErrorKind, Result};
#[cfg(not(target_pointer_width = "64"))]
use crate::json::read::skip_plain;
#[cfg(target_pointer_width = "64")]
use crate::json::read::string_special;
use crate::json::{JsonStr, JsonU64, RawJson};

/// Where encoded bytes go.
pub trait Sink {
    /// Appends `bytes`, or fails with `BufferTooSmall` when they do not fit.
    fn put(&mut self, bytes: &[u8]) -> Result<()>;
}

/// A sink over a caller's buffer.
#[derive(Debug)]
pub struct SliceSink<'b> {
    buf: &'b mut [u8],
    len: usize,
}

impl<'b> SliceSink<'b> {
    /// Writes from the start of `buf`.
    pub fn new(buf: &'b mut [u8]) -> Self {
        SliceSink { buf, len: 0 }
    }

    /// Bytes written so far.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Nothing written yet?
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The filled front of the buffer (what was written), as every `*_slice`/`*_into` function of the
    /// crate returns it.
    ///
    /// ```
    /// use mimc_codec::json::{Sink, SliceSink};
    /// let mut buf = [0u8; 8];
    /// let mut sink = SliceSink::new(&mut buf);
    /// sink.put(b"abc")?;
    /// assert_eq!(sink.into_filled(), b"abc");
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    pub fn into_filled(self) -> &'b mut [u8] {
        // `len` never passes the buffer's end (`put` checks), so this never falls back.
        self.buf.get_mut(..self.len).unwrap_or_default()
    }
}

impl Sink for SliceSink<'_> {
    // Bare metal: one copy of the bounds check and copy, called from every writer.
    #[cfg_attr(not(target_os = "none"), inline)]
    #[cfg_attr(target_os = "none", inline(never))]
    fn put(&mut self, bytes: &[u8]) -> Result<()> {
        let end = self.len + bytes.len();
        match self.buf.get_mut(self.len..end) {
            Some(dst) => {
                copy_short(dst, bytes);
                self.len = end;
                Ok(())
            }
            None => Err(too_small(end, self.buf.len())),
        }
    }
}

/// `BufferTooSmall` at `at` (where the output ran out), needing at least `needed` bytes.
#[cold]
fn too_small(needed: usize, at: usize) -> Error {
    Error::new(ErrorKind::BufferTooSmall { needed }, at)
}

/// Bare-metal targets copy with the `memcpy` they link anyway (code size first).
#[cfg(target_os = "none")]
#[inline]
fn copy_short(dst: &mut [u8], src: &[u8]) {
    dst.copy_from_slice(src);
}

/// `dst.copy_from_slice(src)` (same lengths), with pieces of up to 16 bytes (keys, ids, digits, the text
/// between escapes) copied inline as two overlapping fixed-size moves instead of a `memcpy` call.
#[cfg(not(target_os = "none"))]
#[inline(always)]
fn copy_short(dst: &mut [u8], src: &[u8]) {
    let n = src.len();
    if n > 16 || dst.len() != n {
        dst.copy_from_slice(src);
    } else if n >= 8 {
        if let (Some(d), Some(s)) = (dst.first_chunk_mut::<8>(), src.first_chunk::<8>()) {
            *d = *s;
        }
        if let (Some(d), Some(s)) = (dst.last_chunk_mut::<8>(), src.last_chunk::<8>()) {
            *d = *s;
        }
    } else if n >= 4 {
        if let (Some(d), Some(s)) = (dst.first_chunk_mut::<4>(), src.first_chunk::<4>()) {
            *d = *s;
        }
        if let (Some(d), Some(s)) = (dst.last_chunk_mut::<4>(), src.last_chunk::<4>()) {
            *d = *s;
        }
    } else {
        for (d, s) in dst.iter_mut().zip(src) {
            *d = *s;
        }
    }
}

/// A sink that only counts: gives the exact encoded length.
#[derive(Debug, Default, Clone, Copy)]
#[allow(
    clippy::exhaustive_structs,
    reason = "a counter and nothing more; the public field is the count"
)]
pub struct CountSink(pub usize);

impl Sink for CountSink {
    #[inline]
    fn put(&mut self, bytes: &[u8]) -> Result<()> {
        self.0 += bytes.len();
        Ok(())
    }
}

#[cfg(feature = "alloc")]
impl Sink for alloc::vec::Vec<u8> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) -> Result<()> {
        self.extend_from_slice(bytes);
        Ok(())
    }
}

/// A sink over a fixed-capacity `heapless::Vec` (feature `heapless`); `BufferTooSmall` when full.
#[cfg(feature = "heapless")]
impl<const N: usize> Sink for heapless::Vec<u8, N> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) -> Result<()> {
        self.extend_from_slice(bytes)
            .map_err(|_| too_small(self.len() + bytes.len(), self.len()))
    }
}

/// A type that encodes itself as compact JSON.
///
/// Implemented by every model in the crate. The provided methods size, fill a slice, or allocate:
///
/// ```
/// use mimc_codec::{Envelope, ToJson};
/// let env = Envelope::text("TEXT_1", 1516763973000, "hi");
/// let mut buf = [0u8; 128];
/// let json = env.to_json_slice(&mut buf).unwrap();
/// assert_eq!(json.len(), env.json_len());
/// assert_eq!(json, br#"{"version":0,"msgId":"TEXT_1","msgType":"TEXT","timestamp":"1516763973000","payload":"hi"}"#);
/// assert!(env.to_json_slice(&mut buf[..10]).is_err());
/// ```
pub trait ToJson {
    /// Writes the JSON into `sink`.
    fn write_json<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<()>;

    /// The exact number of bytes [`write_json`](Self::write_json) produces.
    fn json_len(&self) -> usize {
        let mut c = CountSink(0);
        // Counting cannot fail; a model error would also show in to_json_slice.
        let _ = self.write_json(&mut c);
        c.0
    }

    /// Encodes into `buf`, returning the filled front of `buf` (the JSON, [`json_len`](Self::json_len)
    /// bytes). `BufferTooSmall` with the exact length needed when `buf` is shorter (on bare-metal
    /// targets, which put code size first: the bytes written so far and those that did not fit, at least
    /// that many); what was written before then is not JSON.
    fn to_json_slice<'b>(&self, buf: &'b mut [u8]) -> Result<&'b mut [u8]> {
        let mut s = SliceSink::new(buf);
        #[cfg(target_os = "none")]
        {
            self.write_json(&mut s)?;
            return Ok(s.into_filled());
        }
        #[cfg(not(target_os = "none"))]
        match self.write_json(&mut s) {
            Ok(()) => Ok(s.into_filled()),
            Err(e) if matches!(e.kind(), ErrorKind::BufferTooSmall { .. }) => Err(Error::new(
                ErrorKind::BufferTooSmall {
                    needed: self.json_len(),
                },
                s.buf.len(),
            )),
            Err(e) => Err(e),
        }
    }

    /// Encodes into a new `Vec` (sized exactly first).
    #[cfg(feature = "alloc")]
    fn to_json_vec(&self) -> Result<alloc::vec::Vec<u8>> {
        let mut v = alloc::vec::Vec::with_capacity(self.json_len());
        self.write_json(&mut v)?;
        Ok(v)
    }

    /// Encodes into a fixed-capacity `heapless::Vec` (no allocator). `CapacityExceeded` (with the size
    /// needed) when the JSON is longer than `N`.
    ///
    /// ```
    /// # #[cfg(feature = "heapless")] {
    /// use mimc_codec::{Envelope, ErrorKind, ToJson};
    /// let env = Envelope::ping("PING_12345", 1516763973000, "$fromAccount");
    /// let json = env.to_json_heapless::<128>()?;
    /// assert_eq!(json.len(), env.json_len());
    /// let err = env.to_json_heapless::<16>().unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::CapacityExceeded { needed: env.json_len(), capacity: 16 });
    /// # }
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    #[cfg(feature = "heapless")]
    fn to_json_heapless<const N: usize>(&self) -> Result<heapless::Vec<u8, N>> {
        let mut v = heapless::Vec::new();
        match self.write_json(&mut v) {
            Ok(()) => Ok(v),
            Err(e) if matches!(e.kind(), ErrorKind::BufferTooSmall { .. }) => Err(Error::new(
                ErrorKind::CapacityExceeded {
                    needed: self.json_len(),
                    capacity: N,
                },
                N,
            )),
            Err(e) => Err(e),
        }
    }

    /// Encodes into a new `String`.
    #[cfg(feature = "alloc")]
    fn to_json_string(&self) -> Result<alloc::string::String> {
        let v = self.to_json_vec()?;
        // The writer only emits UTF-8.
        alloc::string::String::from_utf8(v)
            .map_err(|_| Error::without_offset(ErrorKind::InvalidUtf8))
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Writes `s` as a JSON string body (no quotes), escaping what JSON requires.
///
/// Runs without anything to escape are found 16 bytes at a time (the reader's SWAR scan: `"`, `\` and
/// control bytes are exactly what needs escaping) and written with one `put`.
#[inline]
pub fn write_escaped<S: Sink + ?Sized>(sink: &mut S, s: &str) -> Result<()> {
    if cfg!(target_os = "none") {
        return write_escaped_bytewise(sink, s);
    }
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = 0;
    loop {
        i = skip_plain_exact(bytes, i);
        let Some(&b) = bytes.get(i) else {
            break;
        };
        sink.put(bytes.get(start..i).unwrap_or(&[]))?;
        write_escape_byte(sink, b)?;
        i += 1;
        start = i;
    }
    sink.put(bytes.get(start..).unwrap_or(&[]))
}

/// [`write_escaped`] on bare metal: one loop over the bytes, runs between escapes written with one
/// `put` (compiled everywhere so that it is tested).
fn write_escaped_bytewise<S: Sink + ?Sized>(sink: &mut S, s: &str) -> Result<()> {
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if needs_escape(b) {
            sink.put(bytes.get(start..i).unwrap_or(&[]))?;
            write_escape_byte(sink, b)?;
            start = i + 1;
        }
    }
    sink.put(bytes.get(start..).unwrap_or(&[]))
}

/// Does JSON need `b` escaped in a string?
#[inline]
const fn needs_escape(b: u8) -> bool {
    b == b'"' || b == b'\\' || b < 0x20
}

/// The unescaped text of a [`JsonStr`], byte by byte, JSON-escaped again when `escape`:
/// [`write_str_body`] on bare metal, where one `put` per byte is less code than finding runs
/// (compiled everywhere so that it is tested).
fn write_unescaped_bytewise<S: Sink + ?Sized>(
    sink: &mut S,
    s: &JsonStr<'_>,
    escape: bool,
) -> Result<()> {
    for b in s.unescaped_bytes() {
        if escape && needs_escape(b) {
            write_escape_byte(sink, b)?;
        } else {
            sink.put(&[b])?;
        }
    }
    Ok(())
}

/// Index of the first `"`, `\\` or control byte at or after `i`, or `bytes.len()`. On 32-bit targets
/// [`skip_plain`] goes byte by byte and is exact already.
#[cfg(not(target_pointer_width = "64"))]
#[inline]
fn skip_plain_exact(bytes: &[u8], i: usize) -> usize {
    skip_plain(bytes, i).min(bytes.len())
}

/// Index of the first `"`, `\\` or control byte at or after `i`, or `bytes.len()`.
#[cfg(target_pointer_width = "64")]
#[cfg_attr(not(target_os = "none"), inline(always))]
#[cfg_attr(target_os = "none", inline)]
fn skip_plain_exact(bytes: &[u8], mut i: usize) -> usize {
    // The writer's own scan, 8 bytes per step: the strings it writes are mostly short (ids, a line of
    // text), where the reader's 64-byte blocks (`skip_plain`) are rarely whole and cost their setup.
    while let Some(chunk) = bytes.get(i..).and_then(<[u8]>::first_chunk::<16>) {
        let (lo, hi) = chunk.split_at(8);
        let lo = string_special(u64::from_le_bytes(lo.try_into().unwrap_or([0; 8])));
        let hi = string_special(u64::from_le_bytes(hi.try_into().unwrap_or([0; 8])));
        if lo | hi != 0 {
            return if lo != 0 {
                i + (lo.trailing_zeros() / 8) as usize
            } else {
                i + 8 + (hi.trailing_zeros() / 8) as usize
            };
        }
        i += 16;
    }
    if let Some(chunk) = bytes.get(i..).and_then(<[u8]>::first_chunk::<8>) {
        let m = string_special(u64::from_le_bytes(*chunk));
        if m != 0 {
            return i + (m.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    match bytes.get(i) {
        None => bytes.len(),
        Some(&b) if b == b'"' || b == b'\\' || b < 0x20 => i,
        Some(_) => {
            // Fewer than 8 bytes remain. Read the last 8 when there are that many, ignoring the bytes
            // before `i` (at most 7 of them): the lowest flagged byte left is the answer.
            if let Some(last) = bytes.last_chunk::<8>() {
                let before = i + 8 - bytes.len(); // 1..=7
                // Overwrite those bytes with a plain one ('a') rather than masking the result: a special
                // byte there would borrow into the next and flag it falsely.
                let keep = u64::MAX << (8 * before);
                let w = (u64::from_le_bytes(*last) & keep) | (0x6161_6161_6161_6161 & !keep);
                let m = string_special(w);
                if m == 0 {
                    bytes.len()
                } else {
                    bytes.len() - 8 + (m.trailing_zeros() / 8) as usize
                }
            } else {
                let tail = bytes.get(i..).unwrap_or(&[]);
                i + tail
                    .iter()
                    .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
                    .unwrap_or(tail.len())
            }
        }
    }
}

/// The escape of one byte that needs it (`"`, `\`, or a control character), as serde_json writes it.
#[cold]
fn write_escape_byte<S: Sink + ?Sized>(sink: &mut S, b: u8) -> Result<()> {
    let short: &[u8] = match b {
        b'"' => b"\\\"",
        b'\\' => b"\\\\",
        b'\n' => b"\\n",
        b'\r' => b"\\r",
        b'\t' => b"\\t",
        0x08 => b"\\b",
        0x0c => b"\\f",
        _ => {
            return sink.put(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 0xf)],
            ]);
        }
    };
    sink.put(short)
}

/// Writes a [`JsonStr`] as a quoted JSON string in canonical form (unescaped, then escaped as serde_json does).
#[inline]
pub fn write_str<S: Sink + ?Sized>(sink: &mut S, s: &JsonStr<'_>) -> Result<()> {
    sink.put(b"\"")?;
    write_str_body(sink, s, true)?;
    sink.put(b"\"")
}

/// The text of a [`JsonStr`] without quotes: unescaped, then JSON-escaped again when `escape` (canonical
/// form) or written as plain text otherwise. The one string writer that every model shares.
#[inline]
pub(crate) fn write_str_body<S: Sink + ?Sized>(
    sink: &mut S,
    s: &JsonStr<'_>,
    escape: bool,
) -> Result<()> {
    if cfg!(target_os = "none") {
        return write_unescaped_bytewise(sink, s, escape);
    }
    if let Some(text) = s.as_str() {
        return if escape {
            write_escaped(sink, text)
        } else {
            sink.put(text.as_bytes())
        };
    }
    if cfg!(target_os = "none") {
        return write_unescaped_bytewise(sink, s, escape);
    }
    for chunk in s.chunks() {
        let mut tmp = [0u8; 4];
        let text = chunk.as_str(&mut tmp);
        if escape {
            write_escaped(sink, text)?;
        } else {
            sink.put(text.as_bytes())?;
        }
    }
    Ok(())
}

/// Two decimal digits per entry, "00" to "99".
const DIGIT_PAIRS: &[u8; 200] = b"\
0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

/// Decimal digits of `v` ending just before `buf[end]`; returns where they start. Two digits per division.
#[cfg_attr(not(target_pointer_width = "64"), allow(dead_code))]
#[inline]
fn format_u64(mut v: u64, buf: &mut [u8; 22], end: usize) -> usize {
    let mut i = end;
    while v >= 100 {
        // `v % 100` is below 100, so the cast cannot truncate.
        #[allow(clippy::cast_possible_truncation)]
        let pair = 2 * (v % 100) as usize;
        v /= 100;
        i -= 2;
        if let (Some(dst), Some(src)) = (buf.get_mut(i..i + 2), DIGIT_PAIRS.get(pair..pair + 2)) {
            dst.copy_from_slice(src);
        }
    }
    #[allow(clippy::cast_possible_truncation)]
    let v = v as usize; // below 100
    if v >= 10 {
        i -= 2;
        if let (Some(dst), Some(src)) = (buf.get_mut(i..i + 2), DIGIT_PAIRS.get(2 * v..2 * v + 2)) {
            dst.copy_from_slice(src);
        }
    } else {
        i -= 1;
        if let Some(d) = buf.get_mut(i) {
            // `v` is below 10.
            #[allow(clippy::cast_possible_truncation)]
            let digit = b'0' + v as u8;
            *d = digit;
        }
    }
    i
}

/// As [`format_u64`] without 64-bit division, which 32-bit targets do with a large library routine:
/// each digit by repeated subtraction of its power of ten (at most 9 per digit), small code.
#[cfg_attr(target_pointer_width = "64", allow(dead_code))]
#[cfg_attr(target_os = "none", inline(always))]
fn format_u64_small(mut v: u64, buf: &mut [u8; 22], end: usize) -> usize {
    const POW10: [u64; 20] = {
        let mut t = [1u64; 20];
        let mut k = 19;
        while k > 0 {
            t[k - 1] = t[k] * 10;
            k -= 1;
        }
        t
    };
    // Count the digits first, then write them in place.
    let digits = POW10.iter().position(|&p| v >= p).map_or(1, |k| 20 - k);
    let start = end - digits;
    for (slot, &p) in buf
        .get_mut(start..end)
        .unwrap_or_default()
        .iter_mut()
        .zip(POW10.get(20 - digits..).unwrap_or_default())
    {
        let mut d = b'0';
        while v >= p {
            v -= p;
            d += 1;
        }
        *slot = d;
    }
    start
}

/// Writes a [`JsonU64`] as a number or a quoted string, as it asks.
#[inline]
pub fn write_u64<S: Sink + ?Sized>(sink: &mut S, v: JsonU64) -> Result<()> {
    // `"` + up to 20 digits + `"`: the digits end at 21, the closing quote sits there; one `put`.
    #[cfg(target_pointer_width = "64")]
    let mut buf = [b'"'; 22];
    #[cfg(target_pointer_width = "64")]
    let start = format_u64(v.get(), &mut buf, 21);
    // Zeroed, then the two quotes: zeroing is the `memclr` linked anyway, a fill would be a `memset`.
    #[cfg(not(target_pointer_width = "64"))]
    let mut buf = [0u8; 22];
    #[cfg(not(target_pointer_width = "64"))]
    let start = format_u64_small(v.get(), &mut buf, 21);
    #[cfg(not(target_pointer_width = "64"))]
    for at in [start.saturating_sub(1), 21] {
        if let Some(q) = buf.get_mut(at) {
            *q = b'"';
        }
    }
    let out = if v.is_quoted() {
        buf.get(start.saturating_sub(1)..22)
    } else {
        buf.get(start..21)
    };
    sink.put(out.unwrap_or(&[]))
}

/// Builds one JSON object, handling the commas.
///
/// ```
/// use mimc_codec::json::{ObjectWriter, JsonStr, JsonU64, SliceSink};
/// let mut buf = [0u8; 64];
/// let mut sink = SliceSink::new(&mut buf);
/// let mut o = ObjectWriter::begin(&mut sink).unwrap();
/// o.str("a", &JsonStr::new("x\"y")).unwrap();
/// o.u64("b", JsonU64::number(7)).unwrap();
/// o.end().unwrap();
/// let n = sink.len();
/// assert_eq!(&buf[..n], br#"{"a":"x\"y","b":7}"#);
/// ```
pub struct ObjectWriter<'s, S: Sink + ?Sized> {
    sink: &'s mut S,
    first: bool,
}

impl<'s, S: Sink + ?Sized> ObjectWriter<'s, S> {
    /// Writes `{`.
    #[cfg_attr(not(target_os = "none"), inline)]
    #[cfg_attr(target_os = "none", inline(always))]
    pub fn begin(sink: &'s mut S) -> Result<Self> {
        sink.put(b"{")?;
        Ok(ObjectWriter { sink, first: true })
    }

    /// Writes `,"key":` (the comma only after the first member). `key` must need no escaping.
    #[cfg_attr(not(target_os = "none"), inline(always))]
    #[cfg_attr(target_os = "none", inline)]
    pub fn key(&mut self, key: &str) -> Result<&mut S> {
        if self.first {
            self.first = false;
            self.sink.put(b"\"")?;
        } else {
            self.sink.put(b",\"")?;
        }
        self.sink.put(key.as_bytes())?;
        self.sink.put(b"\":")?;
        Ok(self.sink)
    }

    /// A string member.
    #[cfg_attr(not(target_os = "none"), inline(always))]
    #[cfg_attr(target_os = "none", inline)]
    pub fn str(&mut self, key: &str, v: &JsonStr<'_>) -> Result<()> {
        let s = self.key(key)?;
        write_str(s, v)
    }

    /// A 64-bit number-or-string member.
    #[cfg_attr(not(target_os = "none"), inline(always))]
    #[cfg_attr(target_os = "none", inline)]
    pub fn u64(&mut self, key: &str, v: JsonU64) -> Result<()> {
        let s = self.key(key)?;
        write_u64(s, v)
    }

    /// A boolean member.
    #[cfg_attr(not(target_os = "none"), inline(always))]
    #[cfg_attr(target_os = "none", inline)]
    pub fn bool(&mut self, key: &str, v: bool) -> Result<()> {
        let s = self.key(key)?;
        s.put(if v { b"true" } else { b"false" })
    }

    /// A member whose value is already JSON, written verbatim.
    #[cfg_attr(not(target_os = "none"), inline(always))]
    #[cfg_attr(target_os = "none", inline)]
    pub fn raw(&mut self, key: &str, v: &RawJson<'_>) -> Result<()> {
        let s = self.key(key)?;
        s.put(v.as_str().as_bytes())
    }

    /// A member whose value `f` writes.
    #[inline]
    pub fn with(&mut self, key: &str, f: impl FnOnce(&mut S) -> Result<()>) -> Result<()> {
        let s = self.key(key)?;
        f(s)
    }

    /// Writes `}`.
    #[cfg_attr(not(target_os = "none"), inline)]
    #[cfg_attr(target_os = "none", inline(always))]
    pub fn end(self) -> Result<()> {
        self.sink.put(b"}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn esc(s: &str) -> ([u8; 64], usize) {
        let mut buf = [0u8; 64];
        let mut sink = SliceSink::new(&mut buf);
        write_str(&mut sink, &JsonStr::new(s)).unwrap();
        let n = sink.len();
        (buf, n)
    }

    /// What a writer puts into a 128-byte buffer.
    fn out(write: impl FnOnce(&mut SliceSink<'_>) -> Result<()>) -> std::vec::Vec<u8> {
        let mut buf = [0u8; 128];
        let mut sink = SliceSink::new(&mut buf);
        write(&mut sink).unwrap();
        let len = sink.len();
        buf[..len].to_vec()
    }

    #[test]
    #[cfg(feature = "alloc")] // `to_unescaped_string`
    fn bytewise_writers_agree() {
        let texts = [
            r#""""#,
            r#""plain""#,
            r#""a\u00e9b\u4e2d\ud83d\ude00\/\"\\x\n\t\u0001\u001f\b\f\r""#,
            r#""\"""#,
            r#""é中 \u007f""#,
        ];
        for json in texts {
            let s = crate::json::RawJson::parse(json)
                .unwrap()
                .to_json_str()
                .unwrap();
            let unescaped = s.to_unescaped_string();
            for (s, escape) in [(s, true), (s, false), (JsonStr::new(&unescaped), true)] {
                assert_eq!(
                    out(|sink| write_str_body(sink, &s, escape)),
                    out(|sink| write_unescaped_bytewise(sink, &s, escape)),
                    "{json}"
                );
            }
            let escaped = out(|sink| write_escaped(sink, &unescaped));
            assert_eq!(
                escaped,
                out(|sink| write_escaped_bytewise(sink, &unescaped)),
                "{json}"
            );
            assert!(!escaped.is_empty() || unescaped.is_empty());
        }
    }

    /// The word-at-a-time scan against the byte loop: every length up to 40 with a byte that needs
    /// escaping (or two) at every position, around the 8- and 16-byte steps and the overlapping tail.
    #[test]
    fn word_scan_finds_every_position() {
        for len in 0..40 {
            for special in ['"', '\\', '\n', '\u{1f}', '\u{0}'] {
                for at in 0..len {
                    for second in [None, Some(len - 1), Some((at + 9).min(len - 1))] {
                        let mut s: std::vec::Vec<char> =
                            b"abcdefghijklmnopqrstuvwxyzabcdefghijklmn"[..len]
                                .iter()
                                .map(|&b| char::from(b))
                                .collect();
                        s[at] = special;
                        if let Some(j) = second {
                            s[j] = '"';
                        }
                        let s: std::string::String = s.into_iter().collect();
                        let (buf, n) = esc(&s);
                        let bytewise = out(|sink| {
                            sink.put(b"\"")?;
                            write_escaped_bytewise(sink, &s)?;
                            sink.put(b"\"")
                        });
                        assert_eq!(&buf[..n], &bytewise[..], "{s:?}");
                        assert_eq!(
                            &buf[..n],
                            serde_json::to_string(&s).unwrap().as_bytes(),
                            "{s:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn escaping_matches_serde_json() {
        for s in [
            "plain",
            "q\"b\\s/",
            "\u{0}\u{1f}\u{7f}\n\r\t\u{8}\u{c}",
            "中😀",
            "",
        ] {
            let (buf, n) = esc(s);
            assert_eq!(
                &buf[..n],
                serde_json::to_string(s).unwrap().as_bytes(),
                "{s:?}"
            );
        }
    }

    #[test]
    fn u64_digits_and_quotes() {
        for v in [
            0,
            7,
            9,
            10,
            42,
            99,
            100,
            101,
            999,
            1000,
            1_516_763_973_000,
            2_882_303_761_517_669_588,
            u64::MAX,
        ] {
            for quoted in [false, true] {
                let j = if quoted {
                    JsonU64::new(v)
                } else {
                    JsonU64::number(v)
                };
                let mut buf = [0u8; 32];
                let mut sink = SliceSink::new(&mut buf);
                write_u64(&mut sink, j).unwrap();
                let n = sink.len();
                let want = if quoted {
                    std::format!("\"{v}\"")
                } else {
                    std::format!("{v}")
                };
                assert_eq!(&buf[..n], want.as_bytes());
            }
        }
    }

    #[test]
    fn both_digit_formatters_agree() {
        let mut v = 1u64;
        let mut cases = std::vec![0u64, u64::MAX, u64::MAX - 1];
        for _ in 0..20 {
            cases.extend([v - 1, v, v.saturating_add(1), v.saturating_mul(9)]);
            v = v.saturating_mul(10);
        }
        for v in cases {
            let (mut a, mut b) = ([0u8; 22], [0u8; 22]);
            let (sa, sb) = (format_u64(v, &mut a, 21), format_u64_small(v, &mut b, 21));
            assert_eq!(&a[sa..21], std::format!("{v}").as_bytes());
            assert_eq!(&b[sb..21], std::format!("{v}").as_bytes());
        }
    }

    #[test]
    fn escapes_next_to_each_other_near_the_end() {
        // A special byte just before the word-wise tail must not make its neighbour look special.
        for s in [
            "\"#",
            "a\"#",
            "\u{7f}\"#aaaaaaaa",
            "¡\"#𐀀",
            "\\]",
            "x\"\"\"\"\"\"\"\"\"#\u{1}#",
        ] {
            for pad in 0..10 {
                let s = "b".repeat(pad) + s;
                let mut buf = [0u8; 128];
                let mut sink = SliceSink::new(&mut buf);
                write_str(&mut sink, &JsonStr::new(&s)).unwrap();
                let n = sink.len();
                assert_eq!(
                    &buf[..n],
                    serde_json::to_string(&s).unwrap().as_bytes(),
                    "{s:?}"
                );
            }
        }
    }

    #[test]
    fn long_strings_escape_at_every_position() {
        for special in ['"', '\\', '\n', '\u{1}', '\u{1f}'] {
            for len in [0usize, 1, 7, 8, 9, 15, 16, 17, 31, 40] {
                for pos in 0..=len {
                    let mut s: std::string::String = "é".repeat(len / 2) + &"a".repeat(len % 2);
                    s.insert(
                        s.char_indices().nth(pos).map_or(s.len(), |(i, _)| i),
                        special,
                    );
                    let mut buf = [0u8; 128];
                    let mut sink = SliceSink::new(&mut buf);
                    write_str(&mut sink, &JsonStr::new(&s)).unwrap();
                    let n = sink.len();
                    assert_eq!(&buf[..n], serde_json::to_string(&s).unwrap().as_bytes());
                }
            }
        }
    }

    #[test]
    fn short_copies_of_every_length() {
        let src: std::vec::Vec<u8> = (0u8..40).collect();
        for n in 0..=40 {
            let mut buf = [0xAAu8; 48];
            let mut sink = SliceSink::new(&mut buf);
            sink.put(b"x").unwrap();
            sink.put(&src[..n]).unwrap();
            assert_eq!(sink.len(), n + 1);
            assert_eq!(&buf[1..=n], &src[..n]);
            assert!(buf[n + 1..].iter().all(|&b| b == 0xAA), "{n}");
        }
    }

    #[test]
    fn slice_sink_reports_overflow() {
        let mut buf = [0u8; 3];
        let mut sink = SliceSink::new(&mut buf);
        let e = write_str(&mut sink, &JsonStr::new("abcd")).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::BufferTooSmall { needed: 5 });
    }
}
