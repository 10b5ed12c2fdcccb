//! Arbitrary bytes → an HTTP API request body (the server side of the API, and the `mimc` CLI's
//! `--as request:<call>`); the leading byte picks the call (see `call_with_body`), the rest is the body. A value or
//! an error with its offset inside the body, never a panic or a hang. On success the request encodes
//! (`ToJson`, exact `json_len`), decodes back equal, its encoding is a fixed point, and serde_json
//! accepts the body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mimc_codec::ToJson;
use mimc_codec::api::{
    Auth, Call, HistoryP2p, HistoryP2pBody, HistoryP2t, HistoryP2tBody, PushP2p, PushP2pMore,
    PushP2t, PushP2tMore, TokenRequest, TopicCreate, TopicCreateBody, TopicJoin, TopicJoinBody,
    TopicUpdate, TopicUpdateBody,
};
use mimc_fuzz::{check_error, nesting_depth};

/// The calls with a body (`Call::ALL` order), by leading byte modulo their number; `fuzz/seeds.sh` numbers
/// its seeds the same way.
fn call_with_body(byte: u8) -> Call {
    let n = Call::ALL.iter().filter(|c| c.has_body()).count();
    Call::ALL
        .into_iter()
        .filter(|c| c.has_body())
        .nth(usize::from(byte) % n)
        .unwrap_or(Call::Token)
}

const APP_ID: u64 = 2_882_303_761_517_669_588;
const TOPIC_ID: u64 = 30_094_929_200_414_721;

/// Decode with `$decode` (a closure of the body), then encode, decode again, equal, fixed point.
macro_rules! check {
    ($body:expr, $decode:expr) => {{
        let body: &[u8] = $body;
        let decode = $decode;
        match decode(body) {
            Ok(req) => {
                let _ = format!("{req:?}");
                let out = req.to_json_vec().expect("encode");
                assert_eq!(out.len(), req.json_len());
                let back = decode(&out).unwrap_or_else(|e| {
                    panic!(
                        "re-encoding does not decode: {e}\n in: {}\nout: {}",
                        String::from_utf8_lossy(body),
                        String::from_utf8_lossy(&out)
                    )
                });
                assert_eq!(back, req, "decode(encode(x)) != x");
                assert_eq!(
                    back.to_json_vec().expect("encode"),
                    out,
                    "not a fixed point"
                );
                if nesting_depth(body) <= 120 {
                    serde_json::from_slice::<serde_json::Value>(body)
                        .expect("we accepted a body serde_json rejects");
                }
            }
            Err(e) => check_error(&e, body.len()),
        }
    }};
}

fuzz_target!(|data: &[u8]| {
    let Some((&call, body)) = data.split_first() else {
        return;
    };
    let auth = || Auth::app("5966086406018", "gTO8Jb0wbLaxIzAcRc+O3A==", "user_lei").unwrap();
    match call_with_body(call) {
        Call::Token => check!(body, |b| TokenRequest::from_json(b)),
        Call::PushP2p => check!(body, |b| PushP2p::from_json(b)),
        Call::PushP2pMore => check!(body, |b| PushP2pMore::from_json(b)),
        Call::PushP2t => check!(body, |b| PushP2t::from_json(b)),
        Call::PushP2tMore => check!(body, |b| PushP2tMore::from_json(b)),
        // The body alone, then the request built from it (which writes the same body).
        Call::TopicCreate => check!(body, |b| TopicCreateBody::from_json(b)
            .and_then(|b| TopicCreate::from_body(APP_ID, auth(), b))),
        Call::TopicJoin => check!(body, |b| TopicJoinBody::from_json(b)
            .and_then(|b| TopicJoin::from_body(APP_ID, TOPIC_ID, auth(), b))),
        Call::TopicUpdate => check!(body, |b| TopicUpdateBody::from_json(b)
            .map(|b| TopicUpdate::from_body(APP_ID, TOPIC_ID, auth(), b))),
        Call::HistoryP2p => check!(body, |b| HistoryP2pBody::from_json(b)
            .map(|b| HistoryP2p::from_body(Auth::token("cUyhSzbq").unwrap(), b))),
        Call::HistoryP2t => check!(body, |b| HistoryP2tBody::from_json(b)
            .map(|b| HistoryP2t::from_body(Auth::token("cUyhSzbq").unwrap(), b))),
        other => panic!("{other} has no body"),
    }
});
