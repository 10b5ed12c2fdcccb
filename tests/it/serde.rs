//! serde interop, differential against our own reader and writer: for every fixture and for arbitrary
//! values, `serde_json::from_slice` equals `from_json` and `serde_json::to_vec` equals `to_json_vec`.

use crate::biz_type;
use ::serde::de::DeserializeSeed;
use mimc_codec::json::ValueKind;
use mimc_codec::owned::OwnedEnvelope;
use mimc_codec::{
    ContentKind, Envelope, EnvelopeSeed, ErrorKind, FileKind, JsonStr, JsonU64, Kind, RawJson,
    ToJson,
};
use proptest::prelude::*;

use crate::arb::{self, biz_of, decode_like, env_spec, reescape, shuffle_members};
use crate::{alloc_count, fixture, fixtures_in};

/// serde_json's reading of an envelope, with the kind from outside when given; the whole input must be used.
pub fn serde_envelope<'a>(json: &'a [u8], biz: Option<&'a str>) -> Result<Envelope<'a>, String> {
    let mut de = serde_json::Deserializer::from_slice(json);
    let seed = biz.map_or(EnvelopeSeed::new(), EnvelopeSeed::with_kind);
    let env = seed.deserialize(&mut de).map_err(|e| e.to_string())?;
    de.end().map_err(|e| e.to_string())?;
    Ok(env)
}

#[test]
fn every_envelope_fixture_agrees_with_serde_json_both_ways() {
    let all = fixtures_in("envelope");
    assert!(all.len() >= 20);
    for (name, bytes) in &all {
        let biz = biz_type(name);
        let ours = decode_like(bytes, biz).unwrap_or_else(|e| panic!("{name}: {e}"));
        let theirs = serde_envelope(bytes, biz).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(theirs, ours, "{name}: serde_json reads a different value");
        assert_eq!(
            serde_json::to_vec(&ours).unwrap(),
            ours.to_json_vec().unwrap(),
            "{name}: serde_json writes different bytes"
        );
        if biz.is_none() {
            let plain: Envelope<'_> = serde_json::from_slice(bytes).unwrap();
            assert_eq!(plain, ours, "{name}");
        }
    }
}

#[test]
fn invalid_envelope_fixtures_are_rejected_by_both() {
    let all = fixtures_in("envelope/invalid");
    assert!(all.len() >= 9);
    for (name, bytes) in &all {
        assert!(Envelope::from_json(bytes).is_err(), "{name}");
        assert!(
            serde_json::from_slice::<Envelope<'_>>(bytes).is_err(),
            "{name}: serde_json accepted it"
        );
    }
}

#[test]
fn escaped_strings_stay_borrowed_and_escaped() {
    let b = fixture("envelope/text_escaped.json");
    let env: Envelope<'_> = serde_json::from_slice(&b).unwrap();
    let id = env.msg_id().unwrap();
    assert!(
        id.is_escaped(),
        "borrowed with escapes in place, not copied"
    );
    assert_eq!(*id, "TEXT/中_\"12345\"\n😀");
    assert_eq!(env, Envelope::from_json(&b).unwrap());
}

#[test]
fn serde_json_decoding_allocates_nothing_of_its_own() {
    for (name, b) in fixtures_in("envelope") {
        if biz_type(&name).is_some() {
            continue;
        }
        // serde_json's own skipping of some values allocates (it does so for `IgnoredAny` too);
        // the envelope adds nothing to that: no `Content` buffer, no copies.
        let (skip, ()) = alloc_count::count(|| {
            serde_json::from_slice::<::serde::de::IgnoredAny>(&b).unwrap();
        });
        let (n, env) = alloc_count::count(|| serde_json::from_slice::<Envelope<'_>>(&b).unwrap());
        assert!(
            n <= skip,
            "{name}: {n} allocations, serde_json alone {skip}"
        );
        assert_eq!(env, Envelope::from_json(&b).unwrap());
    }
    let b = fixture("envelope/text_escaped.json");
    let (n, _) = alloc_count::count(|| serde_json::from_slice::<Envelope<'_>>(&b).unwrap());
    assert_eq!(
        n, 0,
        "escaped strings are borrowed, not unescaped into copies"
    );
}

#[test]
fn json_u64_keeps_its_representation_and_is_exact() {
    assert_eq!(
        serde_json::to_string(&JsonU64::new(u64::MAX)).unwrap(),
        "\"18446744073709551615\""
    );
    assert_eq!(
        serde_json::to_string(&JsonU64::number(u64::MAX)).unwrap(),
        "18446744073709551615"
    );
    assert_eq!(
        serde_json::from_str::<JsonU64>("\"2882303761517669588\"").unwrap(),
        JsonU64::new(2_882_303_761_517_669_588)
    );
    assert_eq!(
        serde_json::from_str::<JsonU64>("30094929200414721").unwrap(),
        JsonU64::number(30_094_929_200_414_721)
    );
    for bad in [
        "-1",
        "1.0",
        "1e3",
        "\"\"",
        "\"+1\"",
        "\"\\u0031\"",
        "18446744073709551616",
        "true",
        "null",
    ] {
        assert!(serde_json::from_str::<JsonU64>(bad).is_err(), "{bad}");
        assert!(
            JsonU64::from_json(&RawJson::parse(bad).unwrap()).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn raw_json_is_byte_exact() {
    let text = r#"{"lat":1.5e3,"x":-0,"y":4.00435E1,"s":"a\/b","n":[null,true,{}]}"#;
    let raw: RawJson<'_> = serde_json::from_str(text).unwrap();
    assert_eq!(raw.as_str(), text);
    assert_eq!(raw.kind(), ValueKind::Object);
    assert_eq!(serde_json::to_string(&raw).unwrap(), text);
    // Inside other serde values too: written as serde_json's raw value, not as a struct.
    let pair = (raw, JsonU64::new(7));
    assert_eq!(
        serde_json::to_string(&pair).unwrap(),
        format!(r#"[{text},"7"]"#)
    );
    // Invalid JSON by our rules (a lone surrogate serde_json skips over) is rejected.
    assert!(serde_json::from_str::<RawJson<'_>>(r#"["\ud800"]"#).is_err());
}

/// Human-readable formats that are not serde_json (here serde's own value deserializers, which lend
/// their strings) get an error naming what to use, for every `Deserialize`; none is read structurally.
#[test]
fn other_human_readable_formats_are_refused_by_name() {
    use ::serde::Deserialize;
    use ::serde::de::value::{BorrowedStrDeserializer, Error, MapDeserializer, U64Deserializer};
    use mimc_codec::api::TokenData;
    fn says_what_to_use<T: std::fmt::Debug>(what: &str, r: Result<T, Error>) {
        let err = r.expect_err(what).to_string();
        assert!(
            err.contains("serde_json (feature `serde_json`) or the compact form"),
            "{what}: {err}"
        );
    }
    let envelope = || {
        MapDeserializer::<_, Error>::new(
            [
                ("version", "0"),
                ("msgId", "a"),
                ("msgType", "TEXT"),
                ("timestamp", "1"),
                ("payload", "x"),
            ]
            .into_iter(),
        )
    };
    says_what_to_use("Envelope", Envelope::deserialize(envelope()));
    says_what_to_use(
        "EnvelopeSeed",
        EnvelopeSeed::with_kind("TEXT").deserialize(envelope()),
    );
    says_what_to_use("Callback", Callback::deserialize(envelope()));
    says_what_to_use("Response", Response::deserialize(envelope()));
    says_what_to_use("TokenData", TokenData::deserialize(envelope()));
    let text = || BorrowedStrDeserializer::<Error>::new("TEXT");
    says_what_to_use("JsonStr", JsonStr::deserialize(text()));
    says_what_to_use("Kind", Kind::deserialize(text()));
    says_what_to_use("FileKind", FileKind::deserialize(text()));
    says_what_to_use("CallbackKind", CallbackKind::deserialize(text()));
    says_what_to_use("Payload", Payload::deserialize(text()));
    says_what_to_use("RawJson", RawJson::deserialize(text()));
    says_what_to_use(
        "JsonU64",
        JsonU64::deserialize(U64Deserializer::<Error>::new(7)),
    );
    // Strings are what MapDeserializer lends here; the refusal does not depend on what it lends.
    says_what_to_use(
        "Accounts",
        Accounts::deserialize(BorrowedStrDeserializer::<Error>::new("[]")),
    );
}

/// serde_json without borrowable text (a `Value`, a reader): borrowed models are refused with a pointer
/// to the owned ones, which read it.
#[test]
fn serde_json_values_need_owned_models() {
    use ::serde::Deserialize;
    let b = fixture("envelope/text.json");
    let value: serde_json::Value = serde_json::from_slice(&b).unwrap();
    let err = Envelope::deserialize(value.clone())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("borrowed from the input") && err.contains("Owned"),
        "{err}"
    );
    let owned: OwnedEnvelope = serde_json::from_value(value).unwrap();
    assert_eq!(owned.get(), Envelope::from_json(&b).unwrap());
}

#[test]
fn json_str_serializes_canonically_and_borrows() {
    let s: JsonStr<'_> = serde_json::from_str(r#""a\/b \u4e2d""#).unwrap();
    assert!(s.is_escaped());
    assert_eq!(s, "a/b 中");
    assert_eq!(serde_json::to_string(&s).unwrap(), r#""a/b 中""#);
    // From a reader nothing can be borrowed: a clear error, not a copy.
    let json = br#"{"version":0,"msgId":"a","msgType":"TEXT","timestamp":"1","payload":"x"}"#;
    let mut de = serde_json::Deserializer::from_reader(&json[..]);
    let err = <Envelope<'static> as ::serde::Deserialize>::deserialize(&mut de).unwrap_err();
    assert!(err.to_string().contains("borrowed"), "{err}");
}

#[test]
fn kinds_are_their_names() {
    for (kind, name) in [
        (
            Kind::Recall(ContentKind::File(FileKind::Pic)),
            "PIC_FILE_RECALL",
        ),
        (Kind::File(FileKind::from("VIDEO")), "VIDEO_FILE"),
        (Kind::Read(ContentKind::from("LOCATION")), "LOCATION_READ"),
        (Kind::from("LOCATION"), "LOCATION"),
    ] {
        let json = serde_json::to_string(&kind).unwrap();
        assert_eq!(json, serde_json::to_string(name).unwrap());
        assert_eq!(serde_json::from_str::<Kind<'_>>(&json).unwrap(), kind);
    }
    assert_eq!(serde_json::to_string(&FileKind::Pic).unwrap(), "\"PIC\"");
    assert_eq!(
        serde_json::to_string(&ContentKind::File(FileKind::Audio)).unwrap(),
        "\"AUDIO_FILE\""
    );
}

#[test]
fn envelopes_nest_in_other_serde_types() {
    let text = fixture("envelope/text.json");
    let recall = fixture("envelope/text_recall.json");
    let list = format!(
        "[{},{}]",
        std::str::from_utf8(&text).unwrap(),
        std::str::from_utf8(&recall).unwrap()
    );
    let envs: Vec<Envelope<'_>> = serde_json::from_str(&list).unwrap();
    assert_eq!(envs[0], Envelope::from_json(&text).unwrap());
    assert_eq!(envs[1], Envelope::from_json(&recall).unwrap());
    assert_eq!(serde_json::to_string(&envs).unwrap(), list);
}

#[test]
fn owned_envelopes_deserialize_from_any_borrowed_input() {
    let b = fixture("envelope/text_escaped.json");
    let owned: OwnedEnvelope = serde_json::from_slice(&b).unwrap();
    let want = Envelope::from_json(&b).unwrap().to_json_vec().unwrap();
    drop(b);
    assert_eq!(owned.get().to_json_vec().unwrap(), want);
    assert_eq!(serde_json::to_vec(&owned).unwrap(), want);
}

#[test]
fn errors_name_the_field() {
    let e = serde_json::from_slice::<Envelope<'_>>(
        br#"{"version":0,"msgId":12345,"msgType":"TEXT","timestamp":"1","payload":"x"}"#,
    )
    .unwrap_err();
    assert!(e.to_string().contains("msgId"), "{e}");
    let e = Envelope::from_json(br#"{"version":0,"msgId":"a","msgType":"TEXT","timestamp":"1"}"#)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::MissingField);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// Arbitrary envelopes of every kind: serde_json writes our bytes, reads them (and re-escaped,
    /// reordered spellings of them) as our reader does.
    #[test]
    fn arbitrary_envelopes_agree_with_serde_json(spec in env_spec(), seed in any::<u64>()) {
        let env = spec.build();
        let biz = biz_of(&env);
        let ours = env.to_json_vec().unwrap();
        prop_assert_eq!(&serde_json::to_vec(&env).unwrap(), &ours);
        let back = decode_like(&ours, biz.as_deref()).unwrap();
        prop_assert_eq!(serde_envelope(&ours, biz.as_deref()).unwrap(), back);
        prop_assert_eq!(back, env);

        // (Not compared with `env`: an escaped kind name with an open part, e.g. `A_FILE_RECALL`,
        // decodes as a custom kind by design of `Kind::from_json_str`; both readers agree on that.)
        let escaped = reescape(std::str::from_utf8(&ours).unwrap(), seed);
        let a = decode_like(escaped.as_bytes(), biz.as_deref()).unwrap();
        prop_assert_eq!(serde_envelope(escaped.as_bytes(), biz.as_deref()).unwrap(), a);

        let shuffled = shuffle_members(&ours, seed);
        let b = decode_like(shuffled.as_bytes(), biz.as_deref()).unwrap();
        prop_assert_eq!(serde_envelope(shuffled.as_bytes(), biz.as_deref()).unwrap(), b);
        prop_assert_eq!(b, env);
    }

    /// Both readers accept and reject the same mutilated inputs.
    #[test]
    fn accept_and_reject_alike(spec in env_spec(), cut in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let env = spec.build();
        let biz = biz_of(&env);
        let mut bytes = env.to_json_vec().unwrap();
        let at = cut.index(bytes.len());
        bytes[at] = byte;
        let ours = decode_like(&bytes, biz.as_deref());
        let theirs = serde_envelope(&bytes, biz.as_deref());
        prop_assert_eq!(ours.is_ok(), theirs.is_ok(), "{:?} vs {:?}", ours, theirs);
        if let (Ok(a), Ok(b)) = (ours, theirs) {
            prop_assert_eq!(a, b);
        }
    }
}

#[test]
fn generator_covers_every_body() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut seen = [false; 9];
    let mut runner = TestRunner::deterministic();
    for _ in 0..500 {
        let spec = env_spec().new_tree(&mut runner).unwrap().current();
        seen[arb::covers_every_body(spec.build().body())] = true;
    }
    assert!(seen.iter().all(|&s| s), "{seen:?}");
}

// ---------------------------------------------------------------------------------------------------------
// Callbacks

use crate::arb::cb_spec;
use mimc_codec::{Accounts, Callback, CallbackKind, Payload};

#[test]
fn every_callback_fixture_agrees_with_serde_json_both_ways() {
    let all = fixtures_in("callback");
    assert!(all.len() >= 8);
    for (name, bytes) in all.iter().chain(
        fixtures_in("bench")
            .iter()
            .filter(|(n, _)| n.starts_with("callback")),
    ) {
        let ours = Callback::from_json(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        let theirs: Callback<'_> =
            serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(theirs, ours, "{name}");
        assert_eq!(
            serde_json::to_vec(&ours).unwrap(),
            ours.to_json_vec().unwrap(),
            "{name}"
        );
    }
}

#[test]
fn custom_callbacks_travel_verbatim() {
    let json =
        br#"{"msgType":"RECALL_MSG", "fromAccount":"10","payload":"cG9uZw==","extra":[1.5e3]}"#;
    let cb: Callback<'_> = serde_json::from_slice(json).unwrap();
    assert_eq!(cb, Callback::from_json(json).unwrap());
    assert_eq!(cb.kind(), CallbackKind::parse("RECALL_MSG"));
    assert_eq!(serde_json::to_vec(&cb).unwrap(), json.to_vec());
}

#[test]
fn callback_pieces() {
    let p = Payload::from_bytes(b"pong");
    assert_eq!(serde_json::to_string(&p).unwrap(), r#""cG9uZw==""#);
    let back: Payload<'_> = serde_json::from_str(r#""cG9uZw\u003d=""#).unwrap();
    assert_eq!(back, p);
    let members = ["user_lei", "10", "a\"b"];
    let a = Accounts::from_slice(&members);
    let json = serde_json::to_string(&a).unwrap();
    assert_eq!(json, r#"["user_lei","10","a\"b"]"#);
    assert_eq!(serde_json::from_str::<Accounts<'_>>(&json).unwrap(), a);
    for k in ["NORMAL_MSG", "OFFLINE_TOPIC_MSG", "RECALL_MSG"] {
        let kind = CallbackKind::parse(k);
        let json = serde_json::to_string(&kind).unwrap();
        assert_eq!(json, format!("\"{k}\""));
        assert_eq!(
            serde_json::from_str::<CallbackKind<'_>>(&json).unwrap(),
            kind
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_callbacks_agree_with_serde_json(spec in cb_spec(), seed in any::<u64>()) {
        let accounts = spec.account_strs();
        let cb = spec.build(&accounts);
        let ours = cb.to_json_vec().unwrap();
        prop_assert_eq!(&serde_json::to_vec(&cb).unwrap(), &ours);
        let back = Callback::from_json(&ours).unwrap();
        prop_assert_eq!(serde_json::from_slice::<Callback<'_>>(&ours).unwrap(), back);
        prop_assert_eq!(back, cb);

        let escaped = reescape(std::str::from_utf8(&ours).unwrap(), seed);
        let a = Callback::from_json(escaped.as_bytes()).unwrap();
        prop_assert_eq!(serde_json::from_slice::<Callback<'_>>(escaped.as_bytes()).unwrap(), a);
        prop_assert_eq!(a, cb);

        let shuffled = shuffle_members(&ours, seed);
        let b = Callback::from_json(shuffled.as_bytes()).unwrap();
        prop_assert_eq!(serde_json::from_slice::<Callback<'_>>(shuffled.as_bytes()).unwrap(), b);
        prop_assert_eq!(b, cb);
    }
}

// ---------------------------------------------------------------------------------------------------------
// HTTP API

use mimc_codec::api::{
    Auth, Contacts, FromData, History, HistoryP2p, PacketId, PacketIds, PushMessage, PushP2p,
    PushP2tMore, PushSender, Response, TimeWindow, TokenData, TopicCreate, TopicData, TopicList,
    TopicQuery, TopicUpdate,
};

/// `(fixture, check)` for every reply fixture with typed data: the check decodes `data` both ways.
pub fn reply_fixtures() -> Vec<(String, Vec<u8>)> {
    fixtures_in("api")
        .into_iter()
        .filter(|(n, _)| n.contains(".response"))
        .collect()
}

fn typed_both_ways<'a, T>(name: &str, data: RawJson<'a>)
where
    T: FromData<'a> + ::serde::Serialize + ::serde::Deserialize<'a> + PartialEq + std::fmt::Debug,
{
    let ours = T::from_raw(data).unwrap_or_else(|e| panic!("{name}: {e}"));
    let theirs: T = serde_json::from_str(data.as_str()).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(theirs, ours, "{name}");
    // What serde_json writes, our reader reads back as the same value.
    let out = serde_json::to_string(&ours).unwrap();
    let leaked: &'static str = Box::leak(out.into_boxed_str());
    let again = T::from_raw(RawJson::parse(leaked).unwrap());
    assert_eq!(
        format!("{:?}", again.unwrap()),
        format!("{ours:?}"),
        "{name}: {leaked}"
    );
}

#[test]
fn every_reply_fixture_agrees_with_serde_json() {
    let all = reply_fixtures();
    assert!(all.len() >= 20);
    for (name, body) in &all {
        let ours = Response::from_json(body).unwrap();
        let theirs: Response<'_> = serde_json::from_slice(body).unwrap();
        assert_eq!(theirs, ours, "{name}");
        let out = serde_json::to_vec(&ours).unwrap();
        assert_eq!(Response::from_json(&out).unwrap(), ours, "{name}");
        // Our writer and serde_json's write the same bytes.
        assert_eq!(
            String::from_utf8(mimc_codec::ToJson::to_json_vec(&ours).unwrap()).unwrap(),
            String::from_utf8(out).unwrap(),
            "{name}"
        );
        let data = ours.data();
        let call = name.split('.').next().unwrap();
        match call {
            "token" => typed_both_ways::<TokenData<'_>>(name, data),
            "push-p2p" | "push-p2t" => typed_both_ways::<PacketId<'_>>(name, data),
            "push-p2p-more" | "push-p2t-more" => typed_both_ways::<PacketIds<'_>>(name, data),
            "topic-create" | "topic-query" | "topic-join" | "topic-kick" | "topic-update" => {
                typed_both_ways::<TopicData<'_>>(name, data);
            }
            "topic-mine" => typed_both_ways::<TopicList<'_>>(name, data),
            "history-p2p" | "history-p2p-100" | "history-p2t" => {
                typed_both_ways::<History<'_>>(name, data);
            }
            "contacts" => typed_both_ways::<Contacts<'_>>(name, data),
            "topic-quit" | "topic-dismiss" | "error" => assert!(data.is_null(), "{name}"),
            other => panic!("unexpected reply fixture {other}"),
        }
    }
}

#[test]
fn requests_serialize_as_their_bodies() {
    let sender = PushSender::new(
        2_882_303_761_517_669_588u64,
        "5966086406018",
        "gTO8Jb0wbLaxIzAcRc+O3A==",
        "user_lei",
        "push_server",
    );
    let window = TimeWindow::new(1_597_968_000_000u64, 1_598_054_400_000u64).unwrap();
    let accounts = ["10", "user_jun", "user_bin"];
    let topics = [21_351_198_708_203_520, 21_351_235_479_666_688];
    let auth = Auth::token("cUyhSzbq").unwrap();
    let bodies: Vec<(Vec<u8>, Vec<u8>)> = vec![
        {
            let r = PushP2p::new(sender, "10", PushMessage::text("你好 \"MIMC\"\n😀")).unwrap();
            (serde_json::to_vec(&r).unwrap(), r.to_json_vec().unwrap())
        },
        {
            let r = PushP2p::new(sender, "10", PushMessage::bytes(b"pong")).unwrap();
            (serde_json::to_vec(&r).unwrap(), r.to_json_vec().unwrap())
        },
        {
            let r = PushP2tMore::new(sender, &topics, PushMessage::text("x"))
                .unwrap()
                .with_numeric_ids(true);
            (serde_json::to_vec(&r).unwrap(), r.to_json_vec().unwrap())
        },
        {
            let r = TopicCreate::new(
                2_882_303_761_517_669_588u64,
                auth,
                "小米即时消息云开发群",
                &accounts,
            )
            .unwrap();
            (serde_json::to_vec(&r).unwrap(), r.to_json_vec().unwrap())
        },
        {
            let r = TopicUpdate::new(
                2_882_303_761_517_669_588u64,
                30_094_929_200_414_721u64,
                auth,
            )
            .with_bulletin("公告");
            (serde_json::to_vec(&r).unwrap(), r.to_json_vec().unwrap())
        },
        {
            let r = HistoryP2p::new(2_882_303_761_517_669_588u64, auth, "user_lei", "10", window);
            (serde_json::to_vec(&r).unwrap(), r.to_json_vec().unwrap())
        },
    ];
    let query = TopicQuery::new(
        2_882_303_761_517_669_588u64,
        30_094_929_200_414_721u64,
        auth,
    );
    assert!(query.to_json_vec().unwrap().is_empty());
    assert_eq!(serde_json::to_string(&query).unwrap(), "null");
    for (theirs, ours) in bodies {
        assert_eq!(
            String::from_utf8(theirs).unwrap(),
            String::from_utf8(ours).unwrap()
        );
    }
}

#[test]
fn owned_models_read_from_streams() {
    use mimc_codec::owned::{OwnedCallback, OwnedEnvelope, OwnedResponse};
    let env = fixture("envelope/text_escaped.json");
    let owned: OwnedEnvelope = serde_json::from_reader(&env[..]).unwrap();
    assert_eq!(owned.get(), Envelope::from_json(&env).unwrap());
    let cb = fixture("callback/normal_topic_msg.json");
    let owned: OwnedCallback = serde_json::from_reader(&cb[..]).unwrap();
    assert_eq!(owned.get(), Callback::from_json(&cb).unwrap());
    let reply = fixture("api/topic-dismiss.response.json");
    let owned: OwnedResponse = serde_json::from_reader(&reply[..]).unwrap();
    assert_eq!(owned.get(), Response::from_json(&reply).unwrap());
    // Inside other owned data structures.
    let list = format!("[{}]", std::str::from_utf8(&env).unwrap());
    let many: Vec<OwnedEnvelope> = serde_json::from_reader(list.as_bytes()).unwrap();
    assert_eq!(many[0].get(), Envelope::from_json(&env).unwrap());
}

/// Issue 12 item 5, for the standalone kinds: serde never writes a kind that reads back as another, and
/// reading classifies a name as decoding an envelope does (escapes included).
#[test]
fn standalone_kinds_read_and_write_only_what_reads_back_as_itself() {
    // The names of modelled kinds cannot be held by the hidden custom variants (`From<&str>`
    // classifies), so what a user builds reads back as itself; only an empty file or content kind means
    // nothing, and serializing one fails.
    for (kind, name) in [
        (Kind::from("X_RECALL"), "X_RECALL"),
        (Kind::from("TEXT"), "TEXT"),
        (Kind::File(FileKind::from("PIC")), "PIC_FILE"),
        (Kind::Recall(ContentKind::from("TEXT")), "TEXT_RECALL"),
        (
            Kind::Read(ContentKind::from("VIDEO_FILE")),
            "VIDEO_FILE_READ",
        ),
    ] {
        let json = serde_json::to_string(&kind).unwrap();
        assert_eq!(json, format!("\"{name}\""));
        assert_eq!(serde_json::from_str::<Kind<'_>>(&json).unwrap(), kind);
    }
    for kind in [
        Kind::File(FileKind::from("")),
        Kind::Recall(ContentKind::from("")),
        Kind::Read(ContentKind::File(FileKind::from(""))),
    ] {
        assert!(serde_json::to_string(&kind).is_err(), "{kind:?}");
    }
    assert!(serde_json::to_string(&FileKind::from("")).is_err());
    assert!(serde_json::to_string(&ContentKind::from("")).is_err());
    assert_eq!(
        serde_json::to_string(&FileKind::from("BIN")).unwrap(),
        r#""BIN""#
    );
    assert_eq!(
        serde_json::to_string(&ContentKind::from("PIC_FILE")).unwrap(),
        r#""PIC_FILE""#
    );
    assert_eq!(
        serde_json::to_string(&Kind::from("LOCATION")).unwrap(),
        r#""LOCATION""#
    );
    // Reading: escaped names classify as their text; an empty file or content kind means nothing.
    let file: FileKind<'_> = serde_json::from_str(r#""P\u0049C""#).unwrap();
    assert_eq!(file, FileKind::Pic);
    let content: ContentKind<'_> = serde_json::from_str(r#""T\u0045XT""#).unwrap();
    assert_eq!(content, ContentKind::Text);
    let content: ContentKind<'_> = serde_json::from_str(r#""VIDEO\u005fFILE""#).unwrap();
    assert_eq!(content, ContentKind::File(FileKind::from("VIDEO")));
    assert!(serde_json::from_str::<FileKind<'_>>(r#""""#).is_err());
    assert!(serde_json::from_str::<ContentKind<'_>>(r#""""#).is_err());
    // What reads, writes back to the same value.
    for text in [r#""VIDEO""#, r#""AUDIO""#, r#""V\u0049DEO""#] {
        let f: FileKind<'_> = serde_json::from_str(text).unwrap();
        let again = serde_json::to_string(&f).unwrap();
        assert_eq!(serde_json::from_str::<FileKind<'_>>(&again).unwrap(), f);
    }
}
