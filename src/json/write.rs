//! The writer: compact JSON into a caller's slice, a length counter, or a `Vec` (with `alloc`).
//!
//! Escaping matches `serde_json` byte for byte: `"` and `\` get a backslash, `\b \f \n \r \t` their short
//! forms, other control characters `\u00XX` (lowercase hex); everything else, `/` and non-ASCII included,
//! is written as UTF-8.

use crate::error::{Error, ErrorKind, Result};
use crate::json::{Chunk, JsonStr, JsonU64, RawJson};

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
}

impl Sink for SliceSink<'_> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) -> Result<()> {
        let end = self.len + bytes.len();
        match self.buf.get_mut(self.len..end) {
            Some(dst) => {
                dst.copy_from_slice(bytes);
                self.len = end;
                Ok(())
            }
            None => Err(Error::new(ErrorKind::BufferTooSmall, self.buf.len())),
        }
    }
}

/// A sink that only counts: gives the exact encoded length.
#[derive(Debug, Default, Clone, Copy)]
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
            .map_err(|_| Error::new(ErrorKind::BufferTooSmall, self.len()))
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
/// let n = env.to_json_slice(&mut buf).unwrap();
/// assert_eq!(n, env.json_len());
/// assert_eq!(&buf[..n], br#"{"version":0,"msgId":"TEXT_1","msgType":"TEXT","timestamp":"1516763973000","payload":"hi"}"#);
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

    /// Encodes into `buf`, returning the number of bytes written.
    fn to_json_slice(&self, buf: &mut [u8]) -> Result<usize> {
        let mut s = SliceSink::new(buf);
        self.write_json(&mut s)?;
        Ok(s.len)
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
            Err(e) if e.kind() == ErrorKind::BufferTooSmall => Err(Error::new(
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
        alloc::string::String::from_utf8(v).map_err(|_| Error::new(ErrorKind::InvalidUtf8, 0))
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Writes `s` as a JSON string body (no quotes), escaping what JSON requires.
#[inline]
pub fn write_escaped<S: Sink + ?Sized>(sink: &mut S, s: &str) -> Result<()> {
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let short: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0x00..=0x1f => &[],
            _ => continue,
        };
        sink.put(bytes.get(start..i).unwrap_or(&[]))?;
        if short.is_empty() {
            sink.put(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 0xf)],
            ])?;
        } else {
            sink.put(short)?;
        }
        start = i + 1;
    }
    sink.put(bytes.get(start..).unwrap_or(&[]))
}

/// Writes a [`JsonStr`] as a quoted JSON string in canonical form (unescaped, then escaped as serde_json does).
#[inline]
pub fn write_str<S: Sink + ?Sized>(sink: &mut S, s: &JsonStr<'_>) -> Result<()> {
    sink.put(b"\"")?;
    for chunk in s.chunks() {
        match chunk {
            Chunk::Text(t) => write_escaped(sink, t)?,
            Chunk::Char(c) => {
                let mut tmp = [0u8; 4];
                write_escaped(sink, c.encode_utf8(&mut tmp))?;
            }
        }
    }
    sink.put(b"\"")
}

/// Writes a [`JsonU64`] as a number or a quoted string, as it asks.
#[inline]
pub fn write_u64<S: Sink + ?Sized>(sink: &mut S, v: JsonU64) -> Result<()> {
    let mut buf = [0u8; 20];
    let digits = v.digits(&mut buf).as_bytes();
    if v.is_quoted() {
        sink.put(b"\"")?;
        sink.put(digits)?;
        sink.put(b"\"")
    } else {
        sink.put(digits)
    }
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
    pub fn begin(sink: &'s mut S) -> Result<Self> {
        sink.put(b"{")?;
        Ok(ObjectWriter { sink, first: true })
    }

    /// Writes `,"key":` (the comma only after the first member). `key` must need no escaping.
    #[inline]
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
    pub fn str(&mut self, key: &str, v: &JsonStr<'_>) -> Result<()> {
        let s = self.key(key)?;
        write_str(s, v)
    }

    /// A 64-bit number-or-string member.
    pub fn u64(&mut self, key: &str, v: JsonU64) -> Result<()> {
        let s = self.key(key)?;
        write_u64(s, v)
    }

    /// A boolean member.
    pub fn bool(&mut self, key: &str, v: bool) -> Result<()> {
        let s = self.key(key)?;
        s.put(if v { b"true" } else { b"false" })
    }

    /// A member whose value is already JSON, written verbatim.
    pub fn raw(&mut self, key: &str, v: &RawJson<'_>) -> Result<()> {
        let s = self.key(key)?;
        s.put(v.as_str().as_bytes())
    }

    /// A member whose value `f` writes.
    pub fn with(&mut self, key: &str, f: impl FnOnce(&mut S) -> Result<()>) -> Result<()> {
        let s = self.key(key)?;
        f(s)
    }

    /// Writes `}`.
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
    fn slice_sink_reports_overflow() {
        let mut buf = [0u8; 3];
        let mut sink = SliceSink::new(&mut buf);
        let e = write_str(&mut sink, &JsonStr::new("abcd")).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::BufferTooSmall);
    }
}
