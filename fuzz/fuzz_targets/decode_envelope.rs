//! Arbitrary bytes → `Envelope`: a value or an error, never a panic or a hang. On success the value
//! re-encodes, decodes back equal, and its encoding is a fixed point; serde_json accepts what we accept.
//! On failure the error's offset lies inside the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mimc_codec::{Body, DecodeOptions, Envelope, ToJson};
use mimc_fuzz::{check_error, nesting_depth};

fn exercise(env: &Envelope<'_>) {
    // Accessors and formatting must not panic either.
    let _ = format!("{env:?} {}", env.kind());
    for s in env.msg_id().copied().into_iter().chain(env.payload_str()) {
        let owned = s.to_unescaped_string();
        assert_eq!(owned.len(), s.unescaped_len());
        let mut buf = vec![0u8; owned.len()];
        assert_eq!(s.unescape_into(&mut buf).expect("exact buffer"), owned);
        assert!(s.eq_str(&owned));
        assert_eq!(s.to_string(), owned);
    }
    if let Body::AddFriendResponse { responser, .. } = env.body() {
        let _ = responser.to_cow();
    }
    if let Some(raw) = env.raw_payload() {
        let _ = raw.kind();
    }
}

fn check(data: &[u8], biz: Option<&str>, opts: &DecodeOptions) {
    match Envelope::from_json_with_kind_and_options(data, biz, opts) {
        Ok(env) => {
            exercise(&env);
            let out = env.to_json_vec().expect("encode");
            assert_eq!(out.len(), env.json_len());
            let back =
                Envelope::from_json_with_kind_and_options(&out, biz, opts).unwrap_or_else(|e| {
                    panic!(
                        "re-encoding does not decode: {e}\n in: {}\nout: {}",
                        String::from_utf8_lossy(data),
                        String::from_utf8_lossy(&out)
                    )
                });
            assert_eq!(back, env, "decode(encode(x)) != x");
            assert_eq!(
                back.to_json_vec().expect("encode"),
                out,
                "encoding is not a fixed point"
            );
            // The serde JSON shape is the same text.
            let via_serde = serde_json::to_vec(&env).expect("serde_json writes it");
            assert_eq!(
                String::from_utf8_lossy(&via_serde),
                String::from_utf8_lossy(&out),
                "serde"
            );
            if nesting_depth(data) <= 120 {
                serde_json::from_slice::<serde_json::Value>(data)
                    .expect("we accepted a document serde_json rejects");
            }
        }
        Err(e) => check_error(&e, data.len()),
    }
}

fuzz_target!(|data: &[u8]| {
    check(data, None, &DecodeOptions::new());
    check(data, Some("TEXT"), &DecodeOptions::new());
    check(data, Some("LOCATION"), &DecodeOptions::new());
    check(data, None, &DecodeOptions::new().with_max_depth(3));
});
