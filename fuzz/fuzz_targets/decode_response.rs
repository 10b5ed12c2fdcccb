//! Arbitrary bytes → an HTTP API reply; the leading byte picks the call (see `CALLS`), the rest is the
//! body. A typed value, an `Api` error (non-200 `code`) or a `Decode` error, never a panic or a hang.
//!
//! Replies are decode-only (the crate writes requests, not replies), so instead of a re-encoding round
//! trip the typed value must agree with the two-step path (`Response`, then `from_raw` of its `data`),
//! every list must iterate to its counted length and index consistently, payloads and the security key
//! must decode into a buffer of exactly their announced size, `Debug` must never show a secret, and
//! serde_json must accept any body we accept. On failure the error's offset lies inside the body.
#![no_main]

use std::fmt::Debug;

use libfuzzer_sys::fuzz_target;
use mimc_codec::api::{
    Contacts, FromData, History, List, PacketId, PacketIds, ReplyError, Response, TokenData,
    TopicData, TopicList,
};
use mimc_codec::{ErrorKind, Payload, RawJson};
use mimc_fuzz::{check_error, nesting_depth};

/// The calls, by leading byte (modulo their number); `fuzz/seeds.sh` uses the same order.
pub const CALLS: [&str; 13] = [
    "token",
    "push-p2p",
    "push-p2p-more",
    "push-p2t",
    "push-p2t-more",
    "topic (create, query, join, kick, update)",
    "topic-mine",
    "topic-quit",
    "topic-dismiss",
    "history-p2p",
    "history-p2t",
    "contacts",
    "the {code, message, data} wrapper alone",
];

fn list<'a, T: FromData<'a> + Debug + PartialEq>(l: &List<'a, T>, each: impl Fn(&T)) {
    let mut n = 0;
    let mut last = None;
    for item in l.iter() {
        each(&item);
        n += 1;
        last = Some(item);
    }
    assert_eq!(n, l.len());
    assert_eq!(l.is_empty(), n == 0);
    assert_eq!(l.first().is_some(), n > 0);
    if n > 0 {
        assert_eq!(l.get(n - 1), last);
    }
    assert_eq!(l.get(n), None);
}

fn payload(p: &Payload<'_>) {
    if let Ok(n) = p.decoded_len() {
        let mut exact = vec![0u8; n];
        match p.decode_into(&mut exact) {
            Ok(b) => assert_eq!(b.len(), n),
            Err(e) => assert!(
                matches!(
                    e.kind(),
                    ErrorKind::InvalidBase64 | ErrorKind::PayloadTooLarge { .. }
                ),
                "an exact buffer was refused: {e}"
            ),
        }
    }
}

fn token(t: &TokenData<'_>) {
    if let Ok(n) = t.security_key_len() {
        let mut exact = vec![0u8; n];
        if let Err(e) = t.security_key_into(&mut exact) {
            assert!(!matches!(e.kind(), ErrorKind::BufferTooSmall { .. }), "{e}");
        }
    }
    let shown = format!("{t:?}");
    // Everything Debug may show: the other fields (a secret's text can be copied into them).
    let public = format!(
        "{:?}",
        (
            t.app_id(),
            t.app_package(),
            t.app_account(),
            t.mi_chid(),
            t.mi_user_id(),
            t.region_bucket(),
            t.fe_domain_name(),
            t.relay_domain_name(),
            t.pps_miot_domain_name(),
        )
    );
    // Words of the Debug skeleton a secret could match (runs of base64 characters of 8 or more).
    let visible = format!("{public} TokenData redacted security");
    let base64 = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=');
    for secret in [t.token().expose(), t.security_key().expose()] {
        let s = secret.to_unescaped_string();
        // Real secrets are base64; such a text cannot straddle two fields of the Debug output.
        if s.len() >= 8 && s.chars().all(base64) {
            assert!(
                shown.matches(&s).count() <= visible.matches(&s).count(),
                "a secret in Debug output: {shown}"
            );
        }
    }
}

fn topic(d: &TopicData<'_>) {
    let _ = (d.topic_info().topic_name(), d.topic_info().owner_account());
    list(&d.members(), |m| {
        assert!(d.contains_account(&m.account().to_unescaped_string()));
    });
}

fn history(h: &History<'_>) {
    list(&h.messages(), |m| payload(&m.payload()));
}

fn contacts(c: &Contacts<'_>) {
    list(c, |c| payload(&c.last_message().payload()));
}

/// Decodes `body` as `T` and checks it against the wrapper.
/// Re-encodes a typed reply (serde's JSON shape, the manual's) and decodes it again: equal.
macro_rules! reencoded {
    ($ty:ty) => {
        |v: &$ty| {
            let json = serde_json::to_string(v).expect("serde_json writes it");
            let raw = RawJson::parse(&json)
                .unwrap_or_else(|e| panic!("serde JSON of a reply is not JSON: {e}\n{json}"));
            let back = <$ty as FromData>::from_raw(raw)
                .unwrap_or_else(|e| panic!("re-encoding rejected: {e}\n{json}"));
            assert_eq!(&back, v, "{json}");
        }
    };
}

fn check<'a, T: FromData<'a> + Debug + PartialEq>(
    body: &'a [u8],
    exercise: impl Fn(&T),
    reencode: impl Fn(&T),
) {
    let typed = T::from_json(body);
    let wrapper = Response::from_json(body);
    match typed {
        Ok(v) => {
            let _ = format!("{v:?}");
            exercise(&v);
            let r = wrapper.expect("the typed reply decoded, so the wrapper does");
            assert!(r.is_success());
            assert_eq!(T::from_raw(r.data()).expect("data decodes"), v);
            reencode(&v);
            if nesting_depth(body) <= 120 {
                serde_json::from_slice::<serde_json::Value>(body)
                    .expect("we accepted a body serde_json rejects");
            }
        }
        Err(ReplyError::Api(e)) => {
            let r = wrapper.expect("an API error comes from a decoded wrapper");
            assert!(!r.is_success());
            assert_eq!(e.code(), r.code());
            assert!(r.message().to_unescaped_string().starts_with(e.message()));
            let _ = e.to_string();
        }
        Err(ReplyError::Decode(e)) => {
            check_error(&e, body.len());
            match wrapper {
                // The wrapper is fine: then it is a success whose `data` does not fit `T`.
                Ok(r) => {
                    assert!(r.is_success(), "{e}");
                    assert_eq!(T::from_raw(r.data()).unwrap_err(), e);
                }
                // The typed reader validates as it reads: its first error is the document's first
                // syntax error (the wrapper's), or a type error in `data` met before that one.
                Err(w) => assert!(
                    w == e || (!e.kind().is_syntax() && e.offset() < w.offset()),
                    "the wrapper fails differently: {w:?} vs {e:?}"
                ),
            }
        }
        Err(other) => panic!("unexpected reply error {other:?}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&call, body)) = data.split_first() else {
        return;
    };
    match usize::from(call) % CALLS.len() {
        0 => check::<TokenData>(body, token, reencoded!(TokenData)),
        1 | 3 => check::<PacketId>(
            body,
            |p| {
                let _ = p.packet_id().to_unescaped_string();
            },
            reencoded!(PacketId),
        ),
        2 | 4 => check::<PacketIds>(
            body,
            |p| list(&p.packet_ids(), |_| {}),
            reencoded!(PacketIds),
        ),
        5 => check::<TopicData>(body, topic, reencoded!(TopicData)),
        6 => check::<TopicList>(
            body,
            |l| {
                list(l, |t| {
                    let _ = (t.topic_id(), t.owner_uuid(), t.bulletin());
                })
            },
            reencoded!(TopicList),
        ),
        7 => check::<Option<TopicData>>(
            body,
            |d| {
                if let Some(d) = d {
                    topic(d);
                }
            },
            reencoded!(Option<TopicData>),
        ),
        8 => check::<()>(body, |()| {}, reencoded!(())),
        9 | 10 => check::<History>(body, history, reencoded!(History)),
        11 => check::<Contacts>(body, contacts, reencoded!(Contacts)),
        _ => match Response::from_json(body) {
            Ok(r) => {
                let _ = format!("{r:?}");
                let json = serde_json::to_string(&r).expect("serde_json writes it");
                let back = Response::from_json(json.as_bytes())
                    .unwrap_or_else(|e| panic!("re-encoding rejected: {e}\n{json}"));
                assert_eq!(back, r, "{json}");
                let _ = r.into_result();
            }
            Err(e) => check_error(&e, body.len()),
        },
    }
});
