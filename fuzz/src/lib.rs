//! Shared pieces of the fuzz targets: a structure-aware envelope generator that also writes the JSON text
//! of the values it makes (keys shuffled, unknown members inserted, random escapes and whitespace), and a
//! few checks every target applies.

pub mod generate;

use mimc_codec::{Error, ErrorKind, ToJson};

/// The deepest container nesting in `bytes`, with strings skipped (for invalid input: what a parser would
/// see before it fails, or more). Used to keep inputs inside the depth both readers allow.
pub fn nesting_depth(bytes: &[u8]) -> usize {
    let (mut depth, mut max, mut in_str, mut esc) = (0usize, 0usize, false, false);
    for &b in bytes {
        if in_str {
            if esc {
                esc = false;
            } else if b == b'\\' {
                esc = true;
            } else if b == b'"' {
                in_str = false;
            }
            continue;
        }
        match b {
            b'"' => in_str = true,
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// Errors about the JSON grammar itself (as opposed to a well-formed document that breaks a format rule).
pub fn is_syntax_error(kind: ErrorKind) -> bool {
    kind.is_syntax()
}

/// Every error about an input must have an offset inside (or just past the end of) that input, and
/// print it.
pub fn check_error(e: &Error, input_len: usize) {
    let Some(at) = e.offset() else {
        panic!("an error about an input without an offset: {e}");
    };
    assert!(
        at <= input_len,
        "error offset {at} beyond input length {input_len}: {e}"
    );
    let text = e.to_string();
    assert!(text.ends_with(&format!(" at byte {at}")), "{text}");
}

/// Encodes `v` into every buffer shorter than its exact size (each must fail with `BufferTooSmall` and
/// write nothing past the buffer), at the exact size (must succeed with the bytes of `to_json_vec`), and
/// into a larger buffer. Returns the encoding.
pub fn check_writer<T: ToJson + ?Sized>(v: &T) -> Vec<u8> {
    let want = v.to_json_vec().expect("encoding into a Vec never fails");
    let n = v.json_len();
    assert_eq!(want.len(), n, "json_len disagrees with to_json_vec");
    const GUARD: usize = 16;
    let mut buf = vec![0xA5u8; n + GUARD];
    for len in 0..n {
        let r = v.to_json_slice(&mut buf[..len]);
        match r {
            Err(e) => assert_eq!(
                e.kind(),
                ErrorKind::BufferTooSmall { needed: n },
                "len {len} of {n}: {e}"
            ),
            Ok(k) => panic!("encoding {n} bytes into {len} succeeded with {}", k.len()),
        }
        assert!(
            buf[len..].iter().all(|&b| b == 0xA5),
            "write past a buffer of {len} bytes"
        );
    }
    let filled = v.to_json_slice(&mut buf[..n]).expect("exact size");
    assert_eq!(
        &filled[..],
        &want[..],
        "to_json_slice and to_json_vec differ"
    );
    assert!(
        buf[n..].iter().all(|&b| b == 0xA5),
        "write past the exact size"
    );
    assert_eq!(v.to_json_slice(&mut buf).expect("larger buffer").len(), n);
    want
}

/// For the protocol targets: message `$m` of type `$ty` encodes into exactly `encoded_len` bytes (and
/// fails cleanly into one byte less), that encoding decodes, and encoding it again gives the same bytes.
#[macro_export]
macro_rules! fixed_point {
    ($ty:ident, $m:expr) => {{
        let m = &$m;
        let n = m.encoded_len();
        let mut out = vec![0u8; n];
        assert_eq!(m.encode(&mut out).expect("exact buffer").len(), n);
        if n > 0 {
            let mut short = vec![0u8; n - 1];
            assert!(m.encode(&mut short).is_err());
        }
        let back = $ty::decode(&out)
            .unwrap_or_else(|e| panic!("{}: re-encoding does not decode: {e}", stringify!($ty)));
        let mut again = vec![0u8; back.encoded_len()];
        back.encode(&mut again).expect("exact buffer");
        assert_eq!(
            again,
            out,
            "{}: encoding is not a fixed point",
            stringify!($ty)
        );
    }};
}
