//! Standard base64 straight between JSON strings and caller buffers, in small stack blocks.
//!
//! Encoding writes into a [`Sink`] 48 input bytes (64 characters) at a time; decoding reads the unescaped
//! characters of a [`JsonStr`] 64 at a time and decodes each block into the caller's buffer. No heap, no
//! intermediate copy of the whole text.
//!
//! The `Payload` type being written on another branch will replace the decoding half; until then the
//! API replies use these helpers for `miUserSecurityKey` and message payloads.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::error::{Error, ErrorKind, Result};
use crate::json::{JsonStr, Sink};

/// Characters per decoding block (a multiple of 4).
const BLOCK: usize = 64;

/// Writes the standard (padded) base64 of `bytes` into `sink`, without quotes.
pub(crate) fn encode_to<S: Sink + ?Sized>(sink: &mut S, bytes: &[u8]) -> Result<()> {
    let mut out = [0u8; BLOCK];
    for chunk in bytes.chunks(BLOCK / 4 * 3) {
        let n = STANDARD
            .encode_slice(chunk, &mut out)
            .map_err(|_| Error::new(ErrorKind::BufferTooSmall, 0))?;
        sink.put(out.get(..n).unwrap_or(&[]))?;
    }
    Ok(())
}

/// The exact number of bytes [`decode_into`] produces for `s`, checking only the length and padding.
pub(crate) fn decoded_len(s: &JsonStr<'_>) -> Result<usize> {
    let mut len = 0usize;
    let mut pad = 0usize;
    for c in s.chars() {
        len += 1;
        if c == '=' {
            pad += 1;
        } else if pad > 0 {
            return Err(s.error(ErrorKind::InvalidBase64));
        }
    }
    if !len.is_multiple_of(4) || pad > 2 {
        return Err(s.error(ErrorKind::InvalidBase64));
    }
    Ok(len / 4 * 3 - pad)
}

/// Decodes the standard (padded) base64 text of `s` into `out`, returning the bytes written.
///
/// Errors: `InvalidBase64` at the string (its first character) for a byte outside the alphabet, a bad
/// length or misplaced padding; `BufferTooSmall` (offset: bytes that fit) when `out` is too short.
pub(crate) fn decode_into<'b>(s: &JsonStr<'_>, out: &'b mut [u8]) -> Result<&'b [u8]> {
    let mut block = [0u8; BLOCK];
    let mut filled = 0usize;
    let mut written = 0usize;
    let mut padded = false;
    let mut chars = s.chars().peekable();
    let bad = || s.error(ErrorKind::InvalidBase64);
    while let Some(c) = chars.next() {
        if padded && c != '=' {
            return Err(bad());
        }
        if c == '=' {
            padded = true;
        }
        if !c.is_ascii() {
            return Err(bad());
        }
        let b = u8::try_from(c).map_err(|_| bad())?;
        let Some(slot) = block.get_mut(filled) else {
            return Err(bad());
        };
        *slot = b;
        filled += 1;
        if filled == BLOCK || chars.peek().is_none() {
            if padded && chars.peek().is_some_and(|&c| c != '=') {
                return Err(bad());
            }
            let mut tmp = [0u8; BLOCK / 4 * 3];
            let n = STANDARD
                .decode_slice(block.get(..filled).unwrap_or(&[]), &mut tmp)
                .map_err(|_| bad())?;
            let piece = tmp.get(..n).unwrap_or(&[]);
            let Some(dst) = out.get_mut(written..written + n) else {
                return Err(Error::new(ErrorKind::BufferTooSmall, written));
            };
            dst.copy_from_slice(piece);
            written += n;
            filled = 0;
        }
    }
    Ok(out.get(..written).unwrap_or(&[]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{RawJson, SliceSink};

    fn js(json: &str) -> JsonStr<'_> {
        RawJson::parse(json).unwrap().to_json_str().unwrap()
    }

    #[test]
    fn round_trips_every_length_across_blocks() {
        let data: [u8; 200] = core::array::from_fn(|i| u8::try_from(i * 37 % 256).unwrap());
        for len in 0..data.len() {
            let mut text = [0u8; 300];
            let mut sink = SliceSink::new(&mut text);
            encode_to(&mut sink, &data[..len]).unwrap();
            let n = sink.len();
            let s = JsonStr::new(core::str::from_utf8(&text[..n]).unwrap());
            assert_eq!(decoded_len(&s).unwrap(), len);
            let mut out = [0u8; 200];
            assert_eq!(decode_into(&s, &mut out).unwrap(), &data[..len]);
            if len > 0 {
                let e = decode_into(&s, &mut out[..len - 1]).unwrap_err();
                assert_eq!(e.kind(), ErrorKind::BufferTooSmall);
            }
        }
    }

    #[test]
    fn escapes_are_unescaped_first() {
        // "gl8D/DIg8f3zl1iFiKtSOg==" with its slash written `\/`.
        let s = js(r#""gl8D\/DIg8f3zl1iFiKtSOg==""#);
        let mut out = [0u8; 16];
        let bytes = decode_into(&s, &mut out).unwrap();
        assert_eq!(bytes.len(), 16);
        assert_eq!(bytes[..4], [0x82, 0x5f, 0x03, 0xfc]);
    }

    #[test]
    fn rejects_bad_text() {
        for bad in [
            "abc",
            "ab=c",
            "a===",
            "ab\u{e9}d",
            "YQ==YQ==",
            "Y!==",
            "====",
        ] {
            let mut out = [0u8; 16];
            let e = decode_into(&JsonStr::new(bad), &mut out).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::InvalidBase64, "{bad}");
        }
        // Padding at the end of a full block followed by more text.
        let long = concat!(
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            "==",
            "AAAA"
        );
        assert_eq!(long.len(), 68);
        let mut out = [0u8; 64];
        assert!(decode_into(&JsonStr::new(long), &mut out).is_err());
        assert!(decoded_len(&JsonStr::new(long)).is_err());
    }
}
