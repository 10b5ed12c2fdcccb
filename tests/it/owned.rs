//! Owned copies: on the heap (`into_owned`) and in fixed capacity (`to_heapless`), independent of the input.

use crate::biz_type;
use mimc_codec::owned::{Fixed, Owned, OwnedEnvelope};
use mimc_codec::{Envelope, ErrorKind, ToJson};
use proptest::prelude::*;

use crate::arb::{biz_of, decode_like, env_spec};
use crate::{alloc_count, fixtures_in};

#[test]
fn every_envelope_fixture_outlives_its_input() {
    let mut owned: Vec<(String, OwnedEnvelope, Vec<u8>)> = Vec::new();
    for (name, json) in fixtures_in("envelope") {
        let env = decode_like(&json, biz_type(&name)).unwrap();
        let want = env.to_json_vec().unwrap();
        let (allocs, copy) = alloc_count::count(|| env.into_owned().unwrap());
        assert_eq!(allocs, 1, "{name}: one exactly sized allocation");
        owned.push((name, copy, want));
        // `json` (the input) is dropped here.
    }
    for (name, copy, want) in &owned {
        let (allocs, view) = alloc_count::count(|| copy.get());
        assert_eq!(allocs, 0, "{name}");
        assert_eq!(&view.to_json_vec().unwrap(), want, "{name}");
        let biz = biz_of(&view);
        let again = decode_like(want, biz.as_deref()).unwrap();
        assert_eq!(view, again, "{name}");
        assert_eq!(copy.clone(), *copy);
    }
}

#[test]
fn fixed_capacity_copies_without_an_allocator() {
    for (name, json) in fixtures_in("envelope") {
        let env = decode_like(&json, biz_type(&name)).unwrap();
        let (allocs, copy) = alloc_count::count(|| env.to_heapless::<512>().unwrap());
        assert_eq!(allocs, 0, "{name}");
        assert_eq!(copy.get(), env, "{name}");
        assert!(copy.len() <= 512);
        // Just too small: the error says how much is needed.
        let need = copy.len();
        let e = Fixed::<Envelope<'static>, 64>::new(&env).map(|_| ()).err();
        if need > 64 {
            assert_eq!(
                e.unwrap().kind(),
                ErrorKind::CapacityExceeded {
                    needed: need,
                    capacity: 64
                },
                "{name}"
            );
        }
    }
}

#[test]
fn json_straight_into_fixed_capacity() {
    let env = Envelope::text("TEXT_12345", 1_516_763_973_000, "你好 😀");
    let (allocs, v) = alloc_count::count(|| env.to_json_heapless::<128>().unwrap());
    assert_eq!(allocs, 0);
    assert_eq!(&v[..], &env.to_json_vec().unwrap()[..]);
    let e = env.to_json_heapless::<32>().unwrap_err();
    assert_eq!(
        e.kind(),
        ErrorKind::CapacityExceeded {
            needed: env.json_len(),
            capacity: 32
        }
    );
}

#[test]
fn debug_and_equality_show_the_value() {
    let env = Envelope::ping("PING_12345", 1_516_763_973_000, "$fromAccount");
    let copy: Owned<Envelope<'static>> = env.into_owned().unwrap();
    assert_eq!(format!("{copy:?}"), format!("Owned({env:?})"));
    assert_eq!(copy.get(), env);
    let fixed = env.to_heapless::<128>().unwrap();
    assert_eq!(format!("{fixed:?}"), format!("Fixed({env:?})"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_envelopes_are_kept_exactly(spec in env_spec()) {
        let env = spec.build();
        let copy = env.into_owned().unwrap();
        prop_assert_eq!(copy.get(), env);
        let fixed = env.to_heapless::<2048>().unwrap();
        prop_assert_eq!(fixed.get(), env);
        prop_assert_eq!(fixed.as_json(), copy.as_json());
    }
}

#[test]
fn callbacks_outlive_their_input() {
    let mut kept = Vec::new();
    for (name, json) in fixtures_in("callback") {
        let cb = mimc_codec::Callback::from_json(&json).unwrap();
        let want = cb.to_json_vec().unwrap();
        let (allocs, copy) = alloc_count::count(|| cb.into_owned().unwrap());
        assert_eq!(allocs, 1, "{name}");
        let fixed = cb.to_heapless::<8192>().unwrap();
        assert_eq!(fixed.get(), cb, "{name}");
        kept.push((name, copy, want));
    }
    for (name, copy, want) in kept {
        assert_eq!(copy.get().to_json_vec().unwrap(), want, "{name}");
    }
}

#[test]
fn api_replies_outlive_their_body() {
    use mimc_codec::api::{Response, TopicData};
    let mut kept = Vec::new();
    for (name, body) in fixtures_in("api") {
        if !name.contains(".response") {
            continue;
        }
        let reply = Response::from_json(&body).unwrap();
        let (allocs, copy) = alloc_count::count(|| reply.into_owned().unwrap());
        assert_eq!(allocs, 1, "{name}");
        assert_eq!(copy.get(), reply, "{name}");
        let fixed = reply.to_heapless::<32768>().unwrap();
        assert_eq!(fixed.get(), reply, "{name}");
        kept.push((name, copy, body.clone()));
    }
    for (name, copy, body) in kept {
        assert_eq!(copy.get(), Response::from_json(&body).unwrap(), "{name}");
        if name.starts_with("topic-query") {
            let data: TopicData<'_> = copy.get().data_as().unwrap();
            assert_eq!(data, TopicData::from_json(&body).unwrap());
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Builders and owned copies never invent a value (issue 12, item 5)

#[test]
fn builders_never_make_a_value_that_reads_back_as_another() {
    use mimc_codec::{ContentKind, FileKind, Kind, KindKey};
    // Named like a fixed kind: classified at construction (`From<&str>`) as decoding the name is.
    let normalised = [
        (
            Envelope::file("F", 1, FileKind::from("PIC"), "u"),
            Kind::File(FileKind::Pic),
        ),
        (
            Envelope::file("F", 1, FileKind::from("AUDIO"), "u"),
            Kind::File(FileKind::Audio),
        ),
        (
            Envelope::file("F", 1, FileKind::from("BIN"), "u"),
            Kind::File(FileKind::Bin),
        ),
        (
            Envelope::recall("R", 1, ContentKind::from("TEXT"), "m"),
            Kind::Recall(ContentKind::Text),
        ),
        (
            Envelope::read("R", 1, ContentKind::from("PIC_FILE"), "m"),
            Kind::Read(ContentKind::File(FileKind::Pic)),
        ),
        (
            Envelope::read("R", 1, ContentKind::from("VIDEO_FILE"), "m"),
            Kind::Read(ContentKind::File(FileKind::from("VIDEO"))),
        ),
        (
            Envelope::recall("R", 1, ContentKind::File(FileKind::from("BIN")), "m"),
            Kind::Recall(ContentKind::File(FileKind::Bin)),
        ),
    ];
    for (env, kind) in normalised {
        assert_eq!(env.kind(), kind, "{env:?}");
        let json = env.to_json_vec().unwrap();
        assert_eq!(Envelope::from_json(&json).unwrap(), env, "{env:?}");
        assert_eq!(env.into_owned().unwrap().get(), env, "{env:?}");
        assert_eq!(env.to_heapless::<256>().unwrap().get(), env, "{env:?}");
        #[cfg(feature = "postcard")]
        {
            let bytes = mimc_codec::wire::to_postcard_vec(&env).unwrap();
            let back: Envelope<'_> = mimc_codec::wire::from_postcard(&bytes).unwrap();
            assert_eq!(back, env, "{env:?}");
        }
    }
    // No meaning at all (decoding never gives them): refused when encoded, in every form, naming the field.
    let refused = [
        (Envelope::file("F", 1, FileKind::from(""), "u"), "msgType"),
        (
            Envelope::recall("R", 1, ContentKind::from(""), "m"),
            "msgType",
        ),
        (
            Envelope::read("R", 1, ContentKind::File(FileKind::from("")), "m"),
            "msgType",
        ),
        (
            Envelope::file("F", 1, FileKind::from(""), "u").with_kind_key(KindKey::Absent),
            "msgType",
        ),
        (Envelope::text("T", 1, "hi").with_msg_id(None), "msgId"),
        (
            Envelope::text("T", 1, "hi")
                .with_msg_id(None)
                .with_kind_key(KindKey::Type),
            "msgId",
        ),
    ];
    for (env, field) in refused {
        let what = format!("{env:?}");
        let e = env.to_json_vec().unwrap_err();
        assert_eq!(e.field(), Some(field), "{what}: {e}");
        assert!(
            matches!(
                e.kind(),
                ErrorKind::InvalidValue(_) | ErrorKind::MissingField
            ),
            "{what}: {e}"
        );
        assert_eq!(env.to_json_slice(&mut [0u8; 256]).unwrap_err(), e, "{what}");
        assert_eq!(env.into_owned().unwrap_err(), e, "{what}");
        assert_eq!(env.to_heapless::<256>().unwrap_err(), e, "{what}");
        #[cfg(feature = "serde_json")]
        assert!(serde_json::to_vec(&env).is_err(), "{what}");
        #[cfg(feature = "postcard")]
        assert_eq!(
            mimc_codec::wire::to_postcard_vec(&env).unwrap_err(),
            e,
            "{what}"
        );
    }
    // Without a kind key, no msgId is fine (the bizType dialects): the copy is the value.
    let env = Envelope::text("T", 1, "hi")
        .with_msg_id(None)
        .with_kind_key(KindKey::Absent);
    let json = env.to_json_vec().unwrap();
    assert_eq!(Envelope::from_json_with_kind(&json, "TEXT").unwrap(), env);
    assert_eq!(env.into_owned().unwrap().get(), env);
}

/// `Deserialize` for owned models: serde_json's text of the value, from any serde_json input (a reader, a
/// `Value`), read by the model's own reader; other human-readable formats are refused.
#[cfg(feature = "serde_json")]
#[test]
fn owned_models_deserialize_from_any_serde_json_input_only() {
    use mimc_codec::owned::{OwnedCallback, OwnedResponse};
    use serde::Deserialize;
    use serde::de::value::{Error, MapDeserializer};
    let json = crate::fixture("envelope/text_recall.json");
    let want = Envelope::from_json(&json).unwrap();
    let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let from_value: OwnedEnvelope = serde_json::from_value(value).unwrap();
    assert_eq!(from_value.get(), want);
    let from_reader: OwnedEnvelope = serde_json::from_reader(&json[..]).unwrap();
    assert_eq!(from_reader.get(), want);
    let pairs = || MapDeserializer::<_, Error>::new([("version", "0"), ("msgId", "a")].into_iter());
    for err in [
        OwnedEnvelope::deserialize(pairs()).unwrap_err(),
        OwnedCallback::deserialize(pairs()).unwrap_err(),
        OwnedResponse::deserialize(pairs()).unwrap_err(),
    ] {
        assert!(err.to_string().contains("raw value"), "{err}");
    }
}

/// Every typed reply has an owned form that is `DeserializeOwned` from a whole reply body (what
/// `reqwest`'s `.json::<T>()` and axum's `Json<T>` need): read through `from_reader` (nothing to borrow),
/// equal to the borrowed decode, and the API's error for a non-200 `code`.
#[test]
fn typed_replies_have_owned_forms_that_deserialize_from_reply_bodies() {
    use mimc_codec::api::{History, PacketId, TokenData, TopicData};
    use serde::de::DeserializeOwned;

    fn owned_from_reader<T: DeserializeOwned>(body: &[u8]) -> Result<T, serde_json::Error> {
        serde_json::from_reader(std::io::Cursor::new(body.to_vec()))
    }
    macro_rules! check {
        ($ty:ident, $file:literal) => {{
            let owned: Owned<$ty<'static>> = {
                let body = crate::api::api_fixture($file);
                owned_from_reader(&body).unwrap()
                // `body` is dropped here.
            };
            let body = crate::api::api_fixture($file);
            assert_eq!(owned.get(), $ty::from_json(&body).unwrap(), "{}", $file);
            assert_eq!(owned.clone(), owned);
        }};
    }
    check!(TokenData, "token.response.json");
    check!(TokenData, "token.response_numbers.json");
    check!(TopicData, "topic-query.response.json");
    check!(TopicData, "topic-create.response.json");
    check!(History, "history-p2p-100.response.json");
    check!(PacketId, "push-p2p.response.json");

    // The same copy from a borrowed decode, on the heap and in fixed capacity; Debug hides secrets.
    let body = crate::api::api_fixture("token.response.json");
    let token = TokenData::from_json(&body).unwrap();
    let heap = token.into_owned().unwrap();
    let fixed: Fixed<TokenData<'static>, 1024> = token.to_heapless().unwrap();
    assert_eq!(heap.get(), token);
    assert_eq!(fixed.get(), token);
    let shown = format!("{heap:?}");
    assert!(
        !shown.contains(&*token.token().expose().to_string()),
        "{shown}"
    );
    assert!(matches!(
        token.to_heapless::<16>().unwrap_err().kind(),
        ErrorKind::CapacityExceeded { .. }
    ));

    // A failed reply: the API's code and message in the serde error.
    let err = crate::api::api_fixture("error.response.json");
    let e = owned_from_reader::<Owned<TokenData<'static>>>(&err).unwrap_err();
    let reply = mimc_codec::api::Response::from_json(&err).unwrap();
    assert!(e.to_string().contains(&*reply.message().to_string()), "{e}");
}
