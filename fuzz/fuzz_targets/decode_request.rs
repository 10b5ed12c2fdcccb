//! Arbitrary bytes → an HTTP API request body (the server side of the API, and the `mimc` CLI's
//! `--as request:<call>`); the leading byte picks the call (see `CALLS`), the rest is the body. A value or
//! an error with its offset inside the body, never a panic or a hang. On success the request encodes
//! (`ToJson`, exact `json_len`), decodes back equal, its encoding is a fixed point, and serde_json
//! accepts the body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mimc_codec::ToJson;
use mimc_codec::api::{
    Auth, HistoryP2p, HistoryP2t, PushP2p, PushP2pMore, PushP2t, PushP2tMore, TokenRequest,
    TopicCreate, TopicJoin, TopicUpdate,
};
use mimc_fuzz::{check_error, nesting_depth};

/// The calls with a body, by leading byte (modulo their number); `fuzz/seeds.sh` uses the same order.
pub const CALLS: [&str; 10] = [
    "token",
    "push-p2p",
    "push-p2p-more",
    "push-p2t",
    "push-p2t-more",
    "topic-create",
    "topic-join",
    "topic-update",
    "history-p2p",
    "history-p2t",
];

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
    match usize::from(call) % CALLS.len() {
        0 => check!(body, |b| TokenRequest::from_json(b)),
        1 => check!(body, |b| PushP2p::from_json(b)),
        2 => check!(body, |b| PushP2pMore::from_json(b)),
        3 => check!(body, |b| PushP2t::from_json(b)),
        4 => check!(body, |b| PushP2tMore::from_json(b)),
        5 => check!(body, |b| TopicCreate::from_json(b, APP_ID, auth())),
        6 => check!(body, |b| TopicJoin::from_json(b, APP_ID, TOPIC_ID, auth())),
        7 => check!(body, |b| TopicUpdate::from_json(
            b,
            APP_ID,
            TOPIC_ID,
            auth()
        )),
        8 => check!(body, |b| HistoryP2p::from_json(
            b,
            Auth::token("cUyhSzbq").unwrap()
        )),
        _ => check!(body, |b| HistoryP2t::from_json(
            b,
            Auth::token("cUyhSzbq").unwrap()
        )),
    }
});
