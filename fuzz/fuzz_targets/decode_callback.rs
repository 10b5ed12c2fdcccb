//! Arbitrary bytes → `Callback`: a value or an error, never a panic or a hang. On success every accessor
//! works (payload decoding into an exact buffer, the message inside, the member list), the value
//! re-encodes, decodes back equal, and its encoding is a fixed point; serde_json accepts what we accept.
//! On failure the error's offset lies inside the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mimc_codec::{Callback, DecodeOptions, Message, ToJson};
use mimc_fuzz::{check_error, nesting_depth};

fn exercise(cb: &Callback<'_>, opts: &DecodeOptions) {
    let _ = format!("{cb:?} {}", cb.kind());
    let _ = (cb.from_account(), cb.timestamp(), cb.raw_json());
    if let Some(p) = cb.payload() {
        let unlimited = DecodeOptions::new().with_max_payload(usize::MAX);
        match (p.decoded_len(), p.decode_vec_with(&unlimited)) {
            (Ok(n), Ok(v)) => {
                assert_eq!(n, v.len());
                let mut exact = vec![0u8; n];
                assert_eq!(
                    p.decode_into_with(&mut exact, &unlimited).expect("exact"),
                    &v[..]
                );
                if n > 0 {
                    let e = p
                        .decode_into_with(&mut exact[..n - 1], &unlimited)
                        .unwrap_err();
                    assert_eq!(
                        e.kind(),
                        mimc_codec::ErrorKind::BufferTooSmall { needed: n }
                    );
                }
                let mut buf = vec![0u8; 16 * 1024];
                match cb.decode_message_with(&mut buf, opts) {
                    Ok(Message::Envelope(env)) => {
                        let _ = format!("{env:?}");
                    }
                    Ok(Message::Raw(raw)) => assert_eq!(raw, &v[..]),
                    Ok(_) => {}
                    Err(e) => assert!(
                        n > opts.max_payload() || n > buf.len(),
                        "decoding the message failed: {e}"
                    ),
                }
            }
            (_, Err(e)) => check_error(&e, usize::MAX),
            (Err(e), Ok(v)) => panic!("decoded_len fails ({e}) but {} bytes decode", v.len()),
        }
    }
    if let Callback::NormalTopicMsg(m) | Callback::OfflineTopicMsg(m) = cb {
        let n = m.to_accounts.iter().count();
        assert_eq!(n, m.to_accounts.len());
        if let Some(first) = m.to_accounts.iter().next() {
            assert!(m.to_accounts.contains(&first.to_unescaped_string()));
        }
    }
}

fn check(data: &[u8], opts: &DecodeOptions) {
    match Callback::from_json_with(data, opts) {
        Ok(cb) => {
            exercise(&cb, opts);
            let out = cb.to_json_vec().expect("encode");
            assert_eq!(out.len(), cb.json_len());
            let back = Callback::from_json_with(&out, opts).unwrap_or_else(|e| {
                panic!(
                    "re-encoding does not decode: {e}\n in: {}\nout: {}",
                    String::from_utf8_lossy(data),
                    String::from_utf8_lossy(&out)
                )
            });
            assert_eq!(back, cb, "decode(encode(x)) != x");
            assert_eq!(
                back.to_json_vec().expect("encode"),
                out,
                "not a fixed point"
            );
            // The serde JSON shape is the same text, and reads back equal.
            let via_serde = serde_json::to_vec(&cb).expect("serde_json writes it");
            assert_eq!(
                String::from_utf8_lossy(&via_serde),
                String::from_utf8_lossy(&out),
                "serde"
            );
            if *opts == DecodeOptions::new() {
                let read: Callback = serde_json::from_slice(&out).expect("serde_json reads it");
                assert_eq!(read, cb, "serde read");
            }
            if nesting_depth(data) <= 120 {
                serde_json::from_slice::<serde_json::Value>(data)
                    .expect("we accepted a document serde_json rejects");
            }
        }
        Err(e) => check_error(&e, data.len()),
    }
}

fuzz_target!(|data: &[u8]| {
    check(data, &DecodeOptions::new());
    check(
        data,
        &DecodeOptions::new().with_max_payload(16).with_max_depth(3),
    );
});
