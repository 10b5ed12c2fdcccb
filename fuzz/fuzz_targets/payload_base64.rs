//! Our escape-aware base64 decoding (`Payload::decode_into_with`) into a buffer of any size, against the
//! `base64` crate's standard engine (padding optional, canonical trailing bits) on the unescaped text:
//! the same bytes or both errors; the limit and buffer errors exactly when the sizes call for them;
//! nothing written past the buffer. The optimistic path (`Payload::from_json`) and the escape-aware path
//! (`Payload::from_json_str`) must agree to the error offset.
#![no_main]

use arbitrary::Arbitrary;
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_PAD_INDIFFERENT};
use libfuzzer_sys::fuzz_target;
use mimc_codec::json::RawJson;
use mimc_codec::{DecodeOptions, ErrorKind, Payload, ToJson};
use mimc_fuzz::check_error;
use mimc_fuzz::generate::{Noise, Writer};

#[derive(Arbitrary, Debug)]
enum Text {
    /// Base64 of these bytes, maybe unpadded, maybe corrupted.
    Encoded {
        bytes: Vec<u8>,
        unpadded: bool,
        corrupt: Vec<(u16, Bad)>,
    },
    /// Any text at all.
    Any(String),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Bad {
    Alphabet(u8),
    Pad,
    Space,
    Newline,
    UrlSafe(bool),
    NonAscii,
    Drop,
}

#[derive(Arbitrary, Debug)]
struct Input {
    text: Text,
    /// Escaping choices for writing the text as a JSON string.
    noise: Vec<u8>,
    /// Buffer size: relative to the decoded size when small, else absolute.
    buf: i16,
    limit: Option<u16>,
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn text(t: &Text) -> String {
    match t {
        Text::Any(s) => s.clone(),
        Text::Encoded {
            bytes,
            unpadded,
            corrupt,
        } => {
            let mut s: Vec<char> = STANDARD.encode(bytes).chars().collect();
            if *unpadded {
                while s.last() == Some(&'=') {
                    s.pop();
                }
            }
            for &(pos, bad) in corrupt {
                let i = usize::from(pos) % (s.len() + 1);
                let c = match bad {
                    Bad::Alphabet(b) => char::from(ALPHABET[usize::from(b % 64)]),
                    Bad::Pad => '=',
                    Bad::Space => ' ',
                    Bad::Newline => '\n',
                    Bad::UrlSafe(minus) => {
                        if minus {
                            '-'
                        } else {
                            '_'
                        }
                    }
                    Bad::NonAscii => 'é',
                    Bad::Drop => {
                        if i < s.len() {
                            s.remove(i);
                        }
                        continue;
                    }
                };
                if i < s.len() {
                    s[i] = c;
                } else {
                    s.push(c);
                }
            }
            s.into_iter().collect()
        }
    }
}

fuzz_target!(|input: Input| {
    let text = text(&input.text);
    let mut w = Writer::new(Noise::new(&input.noise));
    w.ws();
    w.string(&text);
    let json = w.out;
    let raw = RawJson::parse(&json).expect("the writer writes valid strings");
    let string_at = json.len() - json.trim_start().len();
    let reference = STANDARD_PAD_INDIFFERENT.decode(text.as_bytes());
    let limit = input.limit.map_or(usize::MAX, usize::from);
    let opts = DecodeOptions::new().with_max_payload(limit);
    let want_len = reference.as_ref().map(Vec::len);
    let buf_len = match (input.buf, &want_len) {
        (b @ -8..=8, Ok(n)) => n.saturating_add_signed(b.into()),
        (b, _) => usize::from(b.unsigned_abs()),
    };

    let optimistic = Payload::from_json(&raw).expect("a string");
    let careful = Payload::from_json_str(raw.to_json_str().expect("a string"));
    let mut results = Vec::new();
    for p in [optimistic, careful] {
        const GUARD: usize = 32;
        let mut mem = vec![0xA5u8; buf_len + GUARD];
        let r = p
            .decode_into_with(&mut mem[..buf_len], &opts)
            .map(<[u8]>::to_vec);
        assert!(
            mem[buf_len..].iter().all(|&b| b == 0xA5),
            "wrote past a buffer of {buf_len}"
        );
        match (&reference, &r) {
            (Ok(want), Ok(got)) => {
                assert_eq!(got, want, "{json}");
                assert_eq!(p.decoded_len(), Ok(want.len()));
                assert_eq!(p, Payload::from_bytes(want));
                // Written back as canonical text that decodes to the same bytes.
                let back = p.to_json_vec().expect("write");
                let back = RawJson::parse(std::str::from_utf8(&back).unwrap()).unwrap();
                assert_eq!(
                    Payload::from_json(&back).unwrap(),
                    Payload::from_bytes(want)
                );
            }
            (Ok(want), Err(e)) => match e.kind() {
                ErrorKind::PayloadTooLarge { .. } => assert!(want.len() > limit, "{e}: {json}"),
                ErrorKind::BufferTooSmall { needed } => {
                    assert_eq!(needed, want.len(), "{e}: {json}");
                    assert!(want.len() > buf_len && want.len() <= limit, "{e}: {json}");
                    assert_eq!(e.offset(), Some(buf_len));
                }
                _ => panic!(
                    "we reject ({e}), base64 accepts {} bytes: {json}",
                    want.len()
                ),
            },
            (Err(t), Ok(got)) => {
                panic!(
                    "we accept {} bytes, base64 rejects ({t}): {json}",
                    got.len()
                )
            }
            (Err(_), Err(e)) => {
                assert!(
                    matches!(
                        e.kind(),
                        ErrorKind::InvalidBase64
                            | ErrorKind::PayloadTooLarge { .. }
                            | ErrorKind::BufferTooSmall { .. }
                    ),
                    "{e}"
                );
                if e.kind() == ErrorKind::InvalidBase64 {
                    // Inside the string, quotes included.
                    assert!(
                        e.offset()
                            .is_some_and(|o| o >= string_at && o < string_at + raw.as_str().len()),
                        "{e}: {json}"
                    );
                }
                check_error(e, json.len());
            }
        }
        results.push(r.map_err(|e| (e.kind(), e.offset())));
    }
    assert_eq!(results[0], results[1], "the two paths disagree: {json}");
});
