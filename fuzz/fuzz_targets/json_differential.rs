//! Our JSON reader against serde_json (numbers compared as text: `arbitrary_precision`).
//!
//! 1. The bytes as one bare value: `RawJson::parse` and serde_json accept and reject the same inputs; on
//!    accepted ones both read the same value, and for strings our unescaping and re-escaping match.
//! 2. The bytes embedded as a custom kind's payload in an envelope: both accept and reject the same
//!    documents (a format error is allowed only where the bytes are not one value on their own, i.e. they
//!    injected members); on accepted ones our payload and our re-encoding read the same in serde_json.
//!
//! serde_json allows 127 nested containers, we allow 128 by default: inputs nesting deeper than 120 are
//! skipped (the depth limit has its own tests).
#![no_main]

use libfuzzer_sys::fuzz_target;
use mimc_codec::json::{JsonStr, RawJson, ValueKind, write_str};
use mimc_codec::{Envelope, ToJson};
use mimc_fuzz::{check_error, is_syntax_error, nesting_depth};
use serde_json::Value;

const PREFIX: &[u8] =
    br#"{"version":0,"msgId":"FUZZ_1","msgType":"FUZZ","timestamp":"1516763973000","payload":"#;
const SUFFIX: &[u8] = b"}";

fn shown(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn check_string(s: &JsonStr<'_>, theirs: &Value) {
    let Value::String(want) = theirs else {
        panic!("serde_json read a string as {theirs:?}");
    };
    let ours = s.to_unescaped_string();
    assert_eq!(&ours, want, "unescaping differs");
    assert_eq!(s.unescaped_len(), want.len());
    assert!(s.eq_str(want));
    let mut out = Vec::new();
    write_str(&mut out, s).expect("write");
    assert_eq!(
        shown(&out),
        serde_json::to_string(want).expect("serde writes"),
        "escaping differs"
    );
}

fn bare(data: &[u8]) {
    let theirs = serde_json::from_slice::<Value>(data);
    let ours = match std::str::from_utf8(data) {
        Ok(text) => RawJson::parse(text),
        Err(_) => {
            assert!(
                theirs.is_err(),
                "serde_json accepted invalid UTF-8: {}",
                shown(data)
            );
            return;
        }
    };
    match (ours, theirs) {
        (Ok(raw), Ok(v)) => {
            let again: Value = serde_json::from_str(raw.as_str()).expect("our span parses");
            assert_eq!(again, v, "values differ for {}", shown(data));
            if raw.kind() == ValueKind::String {
                check_string(&raw.to_json_str().expect("a string"), &v);
            }
        }
        (Err(e), Err(_)) => check_error(&e, data.len()),
        (Ok(_), Err(t)) => panic!("we accept, serde_json rejects ({t}): {}", shown(data)),
        (Err(e), Ok(_)) => panic!("we reject ({e}), serde_json accepts: {}", shown(data)),
    }
}

fn embedded(data: &[u8]) {
    let doc = [PREFIX, data, SUFFIX].concat();
    let bare_ok = serde_json::from_slice::<Value>(data).is_ok();
    let theirs = serde_json::from_slice::<Value>(&doc);
    match (Envelope::from_json(&doc), theirs) {
        (Ok(env), Ok(mut v)) => {
            let payload = env.raw_payload().expect("payload present");
            let p: Value = serde_json::from_str(payload.as_str()).expect("payload parses");
            assert_eq!(
                Some(&p),
                v.get("payload"),
                "payload differs: {}",
                shown(&doc)
            );
            let out = env.to_json_vec().expect("encode");
            let ours: Value = serde_json::from_slice(&out).expect("our encoding parses");
            // Members injected by the bytes are unknown keys: the decoder drops them.
            mimc_fuzz::generate::prune_unknown(&mut v, &[]);
            assert_eq!(ours, v, "re-encoding differs: {}", shown(&doc));
        }
        (Err(e), Err(_)) => check_error(&e, doc.len()),
        (Ok(_), Err(t)) => panic!("we accept, serde_json rejects ({t}): {}", shown(&doc)),
        (Err(e), Ok(_)) => {
            assert!(
                !is_syntax_error(e.kind()),
                "we reject ({e}), serde_json accepts: {}",
                shown(&doc)
            );
            assert!(
                !bare_ok,
                "a valid payload was refused ({e}): {}",
                shown(&doc)
            );
            check_error(&e, doc.len());
        }
    }
}

fuzz_target!(|data: &[u8]| {
    if nesting_depth(data) > 120 {
        return;
    }
    bare(data);
    embedded(data);
});
