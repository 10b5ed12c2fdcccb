//! Compact re-writing of validated JSON values: the whitespace between tokens removed, nothing else
//! touched.

use crate::error::Result;
use crate::json::read::skip_validated_string;
use crate::json::{RawJson, Sink};

/// JSON's four whitespace bytes (RFC 8259 `ws`).
const fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t')
}

impl RawJson<'_> {
    /// Writes the value without the whitespace between its tokens: strings (their escapes included),
    /// numbers and literals are copied byte for byte, so the result is the same JSON value on one line.
    ///
    /// Replies and custom payloads are often pretty-printed; [`ToJson`](crate::ToJson) keeps a
    /// `RawJson` verbatim, and this is the way to a compact copy. One pass over the text, no allocation.
    ///
    /// ```
    /// use mimc_codec::json::RawJson;
    /// # #[cfg(feature = "alloc")] {
    /// let raw = RawJson::parse("{\n  \"a b\": [ 1, \"x \\\" y\" ],\n\t\"c\" : null }").unwrap();
    /// let mut out = Vec::new(); // with `alloc`
    /// raw.write_compact(&mut out).unwrap();
    /// assert_eq!(out, br#"{"a b":[1,"x \" y"],"c":null}"#);
    /// # }
    ///
    /// // Into a caller's buffer, without an allocator:
    /// let mut buf = [0u8; 32];
    /// let mut sink = mimc_codec::json::SliceSink::new(&mut buf);
    /// RawJson::parse("[ true , false ]").unwrap().write_compact(&mut sink).unwrap();
    /// assert_eq!(sink.into_filled(), b"[true,false]");
    /// ```
    pub fn write_compact<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<()> {
        let bytes = self.as_str().as_bytes();
        let (mut start, mut i) = (0, 0);
        while let Some(&b) = bytes.get(i) {
            if b == b'"' {
                i = skip_validated_string(bytes, i + 1);
            } else if is_ws(b) {
                if i > start {
                    sink.put(bytes.get(start..i).unwrap_or_default())?;
                }
                while bytes.get(i).is_some_and(|&b| is_ws(b)) {
                    i += 1;
                }
                start = i;
            } else {
                i += 1;
            }
        }
        if bytes.len() > start {
            sink.put(bytes.get(start..).unwrap_or_default())?;
        }
        Ok(())
    }

    /// The exact number of bytes [`write_compact`](Self::write_compact) writes.
    ///
    /// ```
    /// use mimc_codec::json::RawJson;
    /// assert_eq!(RawJson::parse("{ \"a\" : [1, 2] }").unwrap().compact_len(), 11); // {"a":[1,2]}
    /// ```
    pub fn compact_len(&self) -> usize {
        let mut c = crate::json::CountSink(0);
        // Counting cannot fail.
        let _ = self.write_compact(&mut c);
        c.0
    }
}

#[cfg(all(test, feature = "alloc"))]
mod tests {
    use alloc::vec::Vec;

    use crate::json::RawJson;

    fn compact(s: &str) -> Vec<u8> {
        let raw = RawJson::parse(s).unwrap();
        let mut v = Vec::new();
        raw.write_compact(&mut v).unwrap();
        assert_eq!(v.len(), raw.compact_len());
        v
    }

    #[test]
    fn only_whitespace_between_tokens_goes() {
        assert_eq!(compact(" 1 "), b"1");
        assert_eq!(compact("\"a  b\""), b"\"a  b\"");
        assert_eq!(compact(r#"" \\" "#), br#"" \\""#);
        assert_eq!(compact("[ \"\\\\\" , \"\\\"  \" ]"), br#"["\\","\"  "]"#);
        assert_eq!(compact("{\r\n\t\"k\"\t:\r\n{ } }"), br#"{"k":{}}"#);
        assert_eq!(
            compact("[\"中 文\" ,\"\\u0020 \"]"),
            "[\"中 文\",\"\\u0020 \"]".as_bytes()
        );
        assert_eq!(compact("[1,2]"), b"[1,2]");
    }

    #[test]
    fn a_short_buffer_is_an_error_not_a_truncation() {
        let raw = RawJson::parse("[ 1, 2, 3 ]").unwrap();
        let mut buf = [0u8; 4];
        let mut sink = crate::json::SliceSink::new(&mut buf);
        assert!(raw.write_compact(&mut sink).is_err());
    }
}
