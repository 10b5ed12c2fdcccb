//! Generated envelopes: typed value → encode → decode → equal; and the value's JSON text written
//! independently (keys shuffled, unknown members, random escapes and whitespace) → decode → equal to the
//! typed value, with canonical re-encodings byte-identical and equal to serde_json's view of the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mimc_codec::{DecodeOptions, Envelope, ToJson};
use mimc_fuzz::generate::{EnvSpec, Expect, Prepared, prune_unknown};

fuzz_target!(|spec: EnvSpec| {
    let p = Prepared::new(spec);
    let biz = p.biz_type();
    let opts = DecodeOptions::new();
    let text = p.render();
    let decoded = Envelope::from_json_with(text.as_bytes(), biz, &opts);
    let want = match p.expected() {
        Expect::Value(v) => v,
        Expect::Error(kind, field) => {
            let e = decoded.expect_err("decoding must fail");
            assert_eq!((e.kind(), e.field()), (kind, Some(field)), "{text}");
            return;
        }
    };
    // Typed value → bytes → typed value.
    let bytes = want.to_json_vec().expect("encode");
    assert_eq!(bytes.len(), want.json_len());
    let back = Envelope::from_json_with(&bytes, biz, &opts).unwrap_or_else(|e| {
        panic!(
            "own encoding does not decode: {e}\n{}",
            String::from_utf8_lossy(&bytes)
        )
    });
    assert_eq!(back, want, "encode → decode");

    // Independently written text → typed value.
    let got = decoded.unwrap_or_else(|e| panic!("generated text rejected: {e}\n{text}"));
    assert_eq!(got, want, "{text}");
    // Equal values encode to the same canonical bytes, whatever escapes the text used.
    let again = got.to_json_vec().expect("encode decoded");
    assert_eq!(
        String::from_utf8_lossy(&again),
        String::from_utf8_lossy(&bytes),
        "canonical encodings differ for {text}"
    );

    // serde_json's reading of the text, less what the decoder drops, is what we wrote.
    let mut theirs: serde_json::Value =
        serde_json::from_str(&text).expect("serde_json reads the text");
    prune_unknown(&mut theirs, p.payload_keys());
    let ours: serde_json::Value =
        serde_json::from_slice(&bytes).expect("serde_json reads our bytes");
    assert_eq!(ours, theirs, "{text}");
});
