//! Generated envelopes and callbacks: typed value → encode → decode → equal; and the value's JSON text
//! written independently (keys shuffled, unknown members, random escapes and whitespace) → decode → equal
//! to the typed value, with re-encodings canonical and equal to serde_json's view of the text.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use mimc_codec::{Callback, DecodeOptions, Envelope, ErrorKind, ToJson};
use mimc_fuzz::generate::{
    CallbackSpec, EnvSpec, Expect, Prepared, PreparedCallback, prune_callback, prune_unknown,
};

#[derive(Arbitrary, Debug)]
enum Input {
    Envelope(EnvSpec),
    Callback(CallbackSpec),
}

fn shown(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn envelope(spec: EnvSpec) {
    let p = Prepared::new(spec);
    let biz = p.biz_type();
    let opts = DecodeOptions::new();
    let text = p.render();
    let decoded = Envelope::from_json_with_kind_and_options(text.as_bytes(), biz, &opts);
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
    let back = Envelope::from_json_with_kind_and_options(&bytes, biz, &opts)
        .unwrap_or_else(|e| panic!("own encoding does not decode: {e}\n{}", shown(&bytes)));
    assert_eq!(back, want, "encode → decode");

    // Independently written text → typed value.
    let got = decoded.unwrap_or_else(|e| panic!("generated text rejected: {e}\n{text}"));
    assert_eq!(got, want, "{text}");
    // Equal values encode to the same canonical bytes, whatever escapes the text used.
    let again = got.to_json_vec().expect("encode decoded");
    assert_eq!(
        shown(&again),
        shown(&bytes),
        "canonical encodings differ for {text}"
    );

    // serde_json's reading of the text, less what the decoder drops, is what we wrote.
    let mut theirs: serde_json::Value =
        serde_json::from_str(&text).expect("serde_json reads the text");
    prune_unknown(&mut theirs, p.payload_keys());
    let ours: serde_json::Value = serde_json::from_slice(&bytes).expect("serde_json reads ours");
    assert_eq!(ours, theirs, "{text}");
}

fn callback(spec: CallbackSpec) {
    let p = PreparedCallback::new(spec);
    let text = p.render();
    let decoded = Callback::from_json(text.as_bytes());
    if p.too_large() {
        let e = decoded.expect_err("over the payload limit");
        assert_eq!(
            e.kind(),
            ErrorKind::PayloadTooLarge {
                limit: mimc_codec::json::DEFAULT_MAX_PAYLOAD
            },
            "{e}"
        );
        return;
    }
    let got = decoded.unwrap_or_else(|e| panic!("generated text rejected: {e}\n{text}"));
    p.with_value(|want| {
        let bytes = want.to_json_vec().expect("encode");
        assert_eq!(bytes.len(), want.json_len());
        let back = Callback::from_json(&bytes)
            .unwrap_or_else(|e| panic!("own encoding does not decode: {e}\n{}", shown(&bytes)));
        assert_eq!(&back, want, "encode → decode");
        assert_eq!(&got, want, "{text}");
        let again = got.to_json_vec().expect("encode decoded");
        assert_eq!(Callback::from_json(&again).expect("decodes"), got);
        if !p.spec.unpadded {
            assert_eq!(
                shown(&again),
                shown(&bytes),
                "canonical encodings differ for {text}"
            );
        }
        let mut theirs: serde_json::Value =
            serde_json::from_str(&text).expect("serde_json reads the text");
        prune_callback(&mut theirs);
        let ours: serde_json::Value = serde_json::from_slice(&again).expect("serde reads ours");
        assert_eq!(ours, theirs, "{text}");
    });
}

fuzz_target!(|input: Input| match input {
    Input::Envelope(spec) => envelope(spec),
    Input::Callback(spec) => callback(spec),
});
