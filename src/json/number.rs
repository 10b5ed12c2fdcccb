//! 64-bit ids and timestamps that travel as JSON numbers or strings.

use core::fmt;

use crate::error::{Error, ErrorKind, Result};
use crate::json::{RawJson, ValueKind};

/// A `u64` as MIMC sends it: a JSON integer **or** a JSON string of decimal digits (ids, timestamps,
/// `version`). Parsed exactly, never through `f64`; re-encoding keeps the representation it came in.
///
/// Values made in code are strings by default ([`new`](Self::new)), because JavaScript peers lose
/// precision on numbers above 2^53; [`number`](Self::number) asks for a bare integer.
///
/// ```
/// use mimc_codec::json::{JsonU64, RawJson};
/// let app_id = JsonU64::from_json(&RawJson::parse("\"2882303761517669588\"").unwrap()).unwrap();
/// assert_eq!(app_id.get(), 2882303761517669588);
/// assert!(app_id.is_quoted());
/// let ts = JsonU64::from_json(&RawJson::parse("1516763973000").unwrap()).unwrap();
/// assert!(!ts.is_quoted());
/// assert!(JsonU64::from_json(&RawJson::parse("\"+1\"").unwrap()).is_err());
/// assert!(JsonU64::from_json(&RawJson::parse("18446744073709551616").unwrap()).is_err());
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
#[cfg_attr(not(target_os = "none"), derive(Hash, PartialOrd, Ord))]
pub struct JsonU64 {
    value: Word64,
    quoted: bool,
}

/// How a [`JsonU64`] holds its value: a `u64`, or on bare metal its two 32-bit halves (low first), so
/// that the value, and every model holding one, is aligned to 4 bytes and not 8 (smaller structs, and
/// copies by the word-aligned routines the program links anyway).
#[cfg(not(target_os = "none"))]
type Word64 = u64;
#[cfg(target_os = "none")]
type Word64 = [u32; 2];

/// The [`Word64`] of `v`.
#[cfg(not(target_os = "none"))]
const fn pack(v: u64) -> Word64 {
    v
}

/// The value of a [`Word64`].
#[cfg(not(target_os = "none"))]
const fn unpack(w: Word64) -> u64 {
    w
}

/// The [`Word64`] of `v`: its halves.
#[cfg(target_os = "none")]
#[allow(clippy::cast_possible_truncation)] // the halves, on purpose
const fn pack(v: u64) -> Word64 {
    [v as u32, (v >> 32) as u32]
}

/// The value of a [`Word64`].
#[cfg(target_os = "none")]
const fn unpack(w: Word64) -> u64 {
    (w[1] as u64) << 32 | w[0] as u64
}

/// Ordered and hashed as `(value, quoted)`, as the derives of other targets do.
#[cfg(target_os = "none")]
impl Ord for JsonU64 {
    fn cmp(&self, other: &Self) -> core::cmp::Ordering {
        (self.get(), self.quoted).cmp(&(other.get(), other.quoted))
    }
}
#[cfg(target_os = "none")]
impl PartialOrd for JsonU64 {
    fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
#[cfg(target_os = "none")]
impl core::hash::Hash for JsonU64 {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        (self.get(), self.quoted).hash(state);
    }
}

impl JsonU64 {
    /// `value`, encoded as a JSON string.
    pub const fn new(value: u64) -> Self {
        JsonU64 {
            value: pack(value),
            quoted: true,
        }
    }

    /// `value`, encoded as a JSON number.
    pub const fn number(value: u64) -> Self {
        JsonU64 {
            value: pack(value),
            quoted: false,
        }
    }

    /// The value.
    pub const fn get(&self) -> u64 {
        unpack(self.value)
    }

    /// Is it encoded as a JSON string?
    pub const fn is_quoted(&self) -> bool {
        self.quoted
    }

    /// The same value with the other representation chosen.
    #[must_use]
    pub const fn with_quoted(mut self, quoted: bool) -> Self {
        self.quoted = quoted;
        self
    }

    /// Reads a JSON integer or a string of decimal digits; anything else (negative, fraction, exponent,
    /// `+`, empty, escapes, over `u64::MAX`) is an error at the value's offset.
    pub fn from_json(v: &RawJson<'_>) -> Result<Self> {
        let text = v.as_str();
        let (digits, quoted, at) = match v.kind() {
            ValueKind::Number => (text, false, v.offset()),
            ValueKind::String => (
                text.get(1..text.len().saturating_sub(1)).unwrap_or(""),
                true,
                v.offset() + 1,
            ),
            _ => return Err(Error::new(ErrorKind::InvalidInteger, v.offset())),
        };
        parse_u64(digits.as_bytes(), at).map(|value| JsonU64 {
            value: pack(value),
            quoted,
        })
    }

    /// Decimal digits of the value, written into `buf`; returns the used tail.
    pub fn digits(self, buf: &mut [u8; 20]) -> &str {
        let mut i = buf.len();
        let mut v = self.get();
        loop {
            i -= 1;
            if let Some(slot) = buf.get_mut(i) {
                // `v % 10` is below 10, so the cast cannot truncate.
                #[allow(clippy::cast_possible_truncation)]
                let d = (v % 10) as u8;
                *slot = b'0' + d;
            }
            v /= 10;
            if v == 0 || i == 0 {
                break;
            }
        }
        core::str::from_utf8(buf.get(i..).unwrap_or(&[])).unwrap_or("0")
    }
}

/// Exact decimal parse; `at` is the offset of the first digit.
pub(crate) fn parse_u64(digits: &[u8], at: usize) -> Result<u64> {
    if digits.is_empty() {
        return Err(Error::new(ErrorKind::InvalidInteger, at));
    }
    // Up to 19 digits cannot overflow (10^19 - 1 < u64::MAX): no checks but the digit test. MIMC's ids
    // and timestamps have 13 to 19 digits, so eight are taken at a time while they are all digits.
    // (Bare metal: only the checked loop below, which gives the same results, in less code.)
    if digits.len() <= 19 && cfg!(not(target_os = "none")) {
        let mut v: u64 = 0;
        let mut rest = digits;
        // (Not on 32-bit targets, where 64-bit multiplies cost more code than they save.)
        while let Some(x) = rest
            .first_chunk::<8>()
            .filter(|_| cfg!(target_pointer_width = "64"))
            .and_then(|c| eight_digits(*c))
        {
            v = v.wrapping_mul(100_000_000).wrapping_add(x);
            rest = rest.get(8..).unwrap_or_default();
        }
        let done = digits.len() - rest.len();
        for (i, &d) in rest.iter().enumerate() {
            let x = d.wrapping_sub(b'0');
            if x > 9 {
                return Err(Error::new(ErrorKind::InvalidInteger, at + done + i));
            }
            v = v.wrapping_mul(10).wrapping_add(u64::from(x));
        }
        return Ok(v);
    }
    parse_u64_checked(digits, at)
}

/// [`parse_u64`] one checked digit at a time (more than 19 digits; every length on bare metal).
fn parse_u64_checked(digits: &[u8], at: usize) -> Result<u64> {
    if digits.is_empty() {
        return Err(Error::new(ErrorKind::InvalidInteger, at));
    }
    let mut v: u64 = 0;
    for (i, &d) in digits.iter().enumerate() {
        if !d.is_ascii_digit() {
            return Err(Error::new(ErrorKind::InvalidInteger, at + i));
        }
        v = v
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(d - b'0')))
            .ok_or(Error::new(ErrorKind::IntegerOverflow, at))?;
    }
    Ok(v)
}

/// The digits from `first` on, read as they are found: their value and the index after the last one.
/// `None` for 20 digits or more (they may overflow: the exact path decides).
#[inline]
pub(crate) fn scan_digits(bytes: &[u8], first: usize) -> Option<(u64, usize)> {
    let mut v: u64 = 0;
    let mut i = first;
    // Two chunks of eight at most (16 digits), then one by one up to 19: no overflow is possible.
    if cfg!(target_pointer_width = "64") {
        for _ in 0..2 {
            match bytes
                .get(i..)
                .and_then(<[u8]>::first_chunk::<8>)
                .and_then(|c| eight_digits(*c))
            {
                Some(x) => {
                    v = v.wrapping_mul(100_000_000).wrapping_add(x);
                    i += 8;
                }
                None => break,
            }
        }
    }
    while let Some(&b) = bytes.get(i) {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            break;
        }
        if i - first == 19 {
            return None;
        }
        v = v.wrapping_mul(10).wrapping_add(u64::from(d));
        i += 1;
    }
    Some((v, i))
}

/// The value of eight ASCII digits (the first in the lowest byte), or `None` if one is not a digit (SWAR).
#[inline]
fn eight_digits(chunk: [u8; 8]) -> Option<u64> {
    const ZEROS: u64 = 0x3030_3030_3030_3030;
    const HIGH: u64 = 0xF0F0_F0F0_F0F0_F0F0;
    let w = u64::from_le_bytes(chunk);
    // Every byte is 0x30..=0x39: its high nibble is 3, and adding 6 does not carry out of the nibble.
    if w & HIGH != ZEROS || w.wrapping_add(0x0606_0606_0606_0606) & HIGH != ZEROS {
        return None;
    }
    let d = w - ZEROS;
    // Pairs, then fours, then all eight (each step combines neighbours: high digit * 10^k + low).
    let d = d.wrapping_mul(10).wrapping_add(d >> 8) & 0x00FF_00FF_00FF_00FF;
    let d = d.wrapping_mul(100).wrapping_add(d >> 16) & 0x0000_FFFF_0000_FFFF;
    Some(d.wrapping_mul(10_000).wrapping_add(d >> 32) & 0xFFFF_FFFF)
}

/// Decimal digits, as the value of a string id: `"2882303761517669588".parse()` gives
/// [`JsonU64::new`] of it (encoded as a JSON string, the default for values made in code). The digit
/// rules are [`from_json`](JsonU64::from_json)'s (no sign, fraction, exponent or spaces, at most
/// `u64::MAX`); an error is at the offending byte. For JSON text (`123` or `"123"`), use `from_json`.
///
/// ```
/// use mimc_codec::json::JsonU64;
/// let id: JsonU64 = "2882303761517669588".parse()?;
/// assert_eq!(id, JsonU64::new(2882303761517669588));
/// assert_eq!("12a".parse::<JsonU64>().unwrap_err().offset(), Some(2));
/// assert!("".parse::<JsonU64>().is_err());
/// assert!("18446744073709551616".parse::<JsonU64>().is_err());
/// # Ok::<(), mimc_codec::Error>(())
/// ```
impl core::str::FromStr for JsonU64 {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        parse_u64(s.as_bytes(), 0).map(JsonU64::new)
    }
}

impl From<u64> for JsonU64 {
    fn from(v: u64) -> Self {
        JsonU64::new(v)
    }
}

impl PartialEq<u64> for JsonU64 {
    fn eq(&self, other: &u64) -> bool {
        self.get() == *other
    }
}

impl fmt::Debug for JsonU64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.quoted {
            write!(f, "\"{}\"", self.get())
        } else {
            write!(f, "{}", self.get())
        }
    }
}

impl fmt::Display for JsonU64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.get(), f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    fn parse(json: &str) -> Result<JsonU64> {
        JsonU64::from_json(&RawJson::parse(json).unwrap())
    }

    #[test]
    fn exact_and_strict() {
        assert_eq!(parse("18446744073709551615").unwrap(), u64::MAX);
        assert_eq!(
            parse("\"30094929200414721\"").unwrap(),
            30_094_929_200_414_721
        );
        assert_eq!(parse("0").unwrap(), 0);
        for (bad, kind, off) in [
            ("-1", ErrorKind::InvalidInteger, 0),
            ("1.0", ErrorKind::InvalidInteger, 1),
            ("1e3", ErrorKind::InvalidInteger, 1),
            ("\"\"", ErrorKind::InvalidInteger, 1),
            ("\"+1\"", ErrorKind::InvalidInteger, 1),
            ("\" 1\"", ErrorKind::InvalidInteger, 1),
            ("\"\\u0031\"", ErrorKind::InvalidInteger, 1),
            ("18446744073709551616", ErrorKind::IntegerOverflow, 0),
            ("true", ErrorKind::InvalidInteger, 0),
        ] {
            let e = parse(bad).unwrap_err();
            assert_eq!((e.kind(), e.offset()), (kind, Some(off)), "{bad}");
        }
    }

    #[test]
    fn eight_at_a_time_matches_one_at_a_time() {
        let mut seed = 0x9E37_79B9_7F4A_7C15_u64;
        for len in 1..=19 {
            for _ in 0..200 {
                let text: std::string::String = (0..len)
                    .map(|_| {
                        seed ^= seed << 13;
                        seed ^= seed >> 7;
                        seed ^= seed << 17;
                        char::from(b'0' + (seed % 10) as u8)
                    })
                    .collect();
                assert_eq!(
                    parse_u64(text.as_bytes(), 0).unwrap(),
                    text.parse::<u64>().unwrap()
                );
                assert_eq!(
                    parse_u64_checked(text.as_bytes(), 0).unwrap(),
                    text.parse::<u64>().unwrap()
                );
                // A bad byte anywhere is found at its exact offset.
                for bad in 0..len {
                    for b in [b'/', b':', b'a', b' ', 0x80] {
                        let mut t = text.clone().into_bytes();
                        t[bad] = b;
                        let e = parse_u64(&t, 5).unwrap_err();
                        assert_eq!(
                            (e.kind(), e.offset()),
                            (ErrorKind::InvalidInteger, Some(5 + bad))
                        );
                        assert_eq!(parse_u64_checked(&t, 5), Err(e));
                    }
                }
            }
        }
    }

    #[test]
    fn digits_roundtrip() {
        for v in [0, 7, 10, 2_882_303_761_517_669_588, u64::MAX] {
            let mut buf = [0u8; 20];
            assert_eq!(JsonU64::new(v).digits(&mut buf), v.to_string());
        }
    }
}
