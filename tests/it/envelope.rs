//! The recommended envelope: every manual sample and dialect, errors with offsets, round trips.

use crate::biz_type;
use mimc_codec::json::ValueKind;
use mimc_codec::{
    Body, ContentKind, DecodeOptions, Envelope, ErrorKind, FileKind, JsonU64, Kind, KindKey,
    PayloadKey, RawJson, ToJson,
};
use proptest::prelude::*;

use crate::{JsonOut, alloc_count, fixture, fixtures_in};

fn decode<'a>(name: &'a str, bytes: &'a [u8]) -> Envelope<'a> {
    let r = match biz_type(name) {
        Some(k) => Envelope::from_json_with_kind(bytes, k),
        None => Envelope::from_json(bytes),
    };
    r.unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Decode → encode → decode is the identity, and the encoding is what serde_json reads as the same value.
fn reencode_and_check(name: &str, env: &Envelope<'_>) {
    let out = env.json_vec().unwrap();
    assert_eq!(out.len(), env.json_len(), "{name}: json_len");
    let mut buf = vec![0u8; out.len()];
    assert_eq!(
        env.to_json_slice(&mut buf).unwrap(),
        out,
        "{name}: to_json_slice"
    );
    let again = decode(name, &out);
    assert_eq!(&again, env, "{name}: re-decoded value differs");
    // Our output is plain JSON any reader accepts.
    let _: serde_json::Value = serde_json::from_slice(&out).unwrap();
}

#[test]
fn every_envelope_fixture_decodes_reencodes_and_decodes_again() {
    let all = fixtures_in("envelope");
    assert!(
        all.len() >= 20,
        "expected the manual's samples and dialects"
    );
    for (name, bytes) in &all {
        let env = decode(name, bytes);
        reencode_and_check(name, &env);
    }
}

fn load(name: &str) -> Vec<u8> {
    fixture(&format!("envelope/{name}"))
}

#[test]
fn manual_text_sample_every_field() {
    let b = load("text.json");
    let env = Envelope::from_json(&b).unwrap();
    assert_eq!(env.version(), JsonU64::number(0));
    assert_eq!(*env.msg_id().unwrap(), "TEXT_12345");
    assert_eq!(env.kind(), Kind::Text);
    assert_eq!(env.kind_key(), KindKey::MsgType);
    assert_eq!(env.payload_key(), PayloadKey::Payload);
    assert_eq!(env.timestamp(), JsonU64::new(1_516_763_973_000));
    assert!(env.timestamp().is_quoted());
    let Body::Text(t) = env.body() else {
        panic!("not text")
    };
    assert_eq!(
        t.as_str(),
        Some("Welcome to the Xiaomi instant message cloud (MIMC)")
    );
    // Canonical bytes: the fixture is already canonical.
    assert_eq!(env.json_vec().unwrap(), b);
    // Built in code, the same message encodes to the same bytes.
    let built = Envelope::text(
        "TEXT_12345",
        1_516_763_973_000,
        "Welcome to the Xiaomi instant message cloud (MIMC)",
    );
    assert_eq!(built.json_vec().unwrap(), b);
    assert_eq!(built, env);
}

#[test]
fn manual_samples_typed_payloads() {
    let cases: Vec<(&str, Envelope<'static>)> = vec![
        (
            "ping.json",
            Envelope::ping("PING_12345", 1_516_763_973_000, "appAccount_A"),
        ),
        (
            "pong.json",
            Envelope::pong("PONG_12345", 1_516_763_973_000, "appAccount_B"),
        ),
        (
            "pic_file.json",
            Envelope::file(
                "PIC_FILE_12345",
                1_516_763_973_000,
                FileKind::Pic,
                "https://github.com/Xiaomi-mimc/operation-manual/blob/master/img-folder/MIMC-Official-Accounts.jpg",
            ),
        ),
        (
            "text_recall.json",
            Envelope::recall(
                "TEXT_RECALL_12345",
                1_516_763_973_090,
                ContentKind::Text,
                "TEXT_12345",
            ),
        ),
        (
            "pic_file_recall.json",
            Envelope::recall(
                "PIC_FILE_RECALL_12345",
                1_516_763_973_090,
                ContentKind::File(FileKind::Pic),
                "PIC_FILE_12345",
            ),
        ),
        (
            "text_read.json",
            Envelope::read(
                "TEXT_READ_12345",
                1_516_763_973_134,
                ContentKind::Text,
                "TEXT_12345",
            ),
        ),
        (
            "add_friend_request.json",
            Envelope::add_friend_request("ADD_FRIEND_REQUEST_12345", 1_516_763_973_134, "accountA"),
        ),
        (
            "add_friend_response.json",
            Envelope::add_friend_response(
                "ADD_FRIEND_RESPONSE_12345",
                1_516_763_973_134,
                "accountB",
                true,
            ),
        ),
    ];
    for (name, built) in cases {
        let b = load(name);
        let env = Envelope::from_json(&b).unwrap();
        assert_eq!(env, built, "{name}");
        assert_eq!(
            built.json_vec().unwrap(),
            b,
            "{name}: built value encodes to the fixture"
        );
    }
}

#[test]
fn audio_and_bin_file_kinds() {
    let b = load("audio_file.json");
    assert_eq!(
        Envelope::from_json(&b).unwrap().kind(),
        Kind::File(FileKind::Audio)
    );
    let b = load("bin_file.json");
    assert_eq!(
        Envelope::from_json(&b).unwrap().kind(),
        Kind::File(FileKind::Bin)
    );
}

#[test]
fn kind_last_equals_kind_first() {
    let first = load("text.json");
    let last = load("text_kind_last.json");
    assert_eq!(
        Envelope::from_json(&first).unwrap(),
        Envelope::from_json(&last).unwrap()
    );
}

#[test]
fn type_key_dialect_is_kept_on_reencode() {
    let b = load("text_type_key.json");
    let env = Envelope::from_json(&b).unwrap();
    assert_eq!(env.kind_key(), KindKey::Type);
    assert_eq!(env.payload_str().unwrap(), "欢迎使用小米即时消息云(MIMC)");
    assert_eq!(env.json_vec().unwrap(), b);
    let as_msg_type = env.with_kind_key(KindKey::MsgType).json_string().unwrap();
    assert!(as_msg_type.contains(r#""msgType":"TEXT""#));
}

#[test]
fn escaped_strings_unescape_and_reencode_canonically() {
    let b = load("text_escaped.json");
    let env = Envelope::from_json(&b).unwrap();
    let id = env.msg_id().unwrap();
    assert!(id.is_escaped());
    assert_eq!(*id, "TEXT/中_\"12345\"\n😀");
    assert_eq!(
        env.payload_str().unwrap(),
        "中文 \"MIMC\" https://mimc.chat.xiaomi.net/api/\nline 2 😀 end"
    );
    // Re-encoding writes the canonical (serde_json) escaping.
    let v: serde_json::Value = serde_json::from_slice(&b).unwrap();
    let canonical = serde_json::to_string(&v["payload"]).unwrap();
    let ours = env.json_string().unwrap();
    assert!(ours.contains(&canonical), "{ours}");
}

#[test]
fn chinese_and_emoji_are_borrowed_untouched() {
    let b = load("text_chinese_emoji.json");
    let env = Envelope::from_json(&b).unwrap();
    assert_eq!(
        env.payload_str().unwrap().as_str(),
        Some("你好，小米即时消息云😀欢迎欢迎欢迎")
    );
    assert_eq!(env.json_vec().unwrap(), b);
}

#[test]
fn unknown_keys_are_skipped_but_validated() {
    let b = load("text_unknown_keys.json");
    let env = Envelope::from_json(&b).unwrap();
    assert_eq!(env.payload_str().unwrap(), "带未知字段的消息");
    // A malformed unknown value is still an error, at its offset.
    let bad = br#"{"version":0,"msgId":"a","msgType":"TEXT","ext":{"x":[1,2,}]},"timestamp":"1","payload":"p"}"#;
    let e = Envelope::from_json(bad).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ExpectedValue);
    assert_eq!(e.offset(), Some(58));
}

#[test]
fn custom_kinds_keep_their_payload_verbatim() {
    let b = load("custom_object.json");
    let env = Envelope::from_json(&b).unwrap();
    let k = env.kind();
    assert!(matches!(k, Kind::_Custom(_)), "custom expected: {k:?}");
    assert_eq!(k, "LOCATION");
    assert_eq!(k, Kind::from("LOCATION"));
    assert_eq!(k.to_string(), "LOCATION");
    let raw = env.raw_payload().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&b).unwrap();
    let payload_text = raw.as_str();
    let reparsed: serde_json::Value = serde_json::from_str(payload_text).unwrap();
    assert_eq!(reparsed, v["payload"]);
    // Verbatim: `-0`, `1.5e3` and `4.00435E1` keep their spelling.
    assert!(
        payload_text.contains("-0")
            && payload_text.contains("1.5e3")
            && payload_text.contains("4.00435E1")
    );
    assert_eq!(env.json_vec().unwrap(), b);

    let b = load("custom_string.json");
    let env = Envelope::from_json(&b).unwrap();
    assert_eq!(env.payload_str().unwrap(), "mi_bunny/hello_01");
    assert_eq!(env.json_vec().unwrap(), b);
}

#[test]
fn version_as_string_and_timestamp_as_number_keep_their_representation() {
    let b = load("version_string.json");
    let env = Envelope::from_json(&b).unwrap();
    assert!(env.version().is_quoted());
    assert!(!env.timestamp().is_quoted());
    assert_eq!(env.timestamp(), 1_516_763_973_000);
    assert_eq!(env.json_vec().unwrap(), b);
}

#[test]
fn dialects_without_kind_key_take_the_biz_type() {
    for name in [
        "dialect_android__TEXT.json",
        "dialect_ios__TEXT.json",
        "dialect_webjs__TEXT.json",
        "dialect_java_desktop__TEXT.json",
        "dialect_flutter__TEXT.json",
    ] {
        let b = load(name);
        let e = Envelope::from_json(&b).unwrap_err();
        assert_eq!(
            (e.kind(), e.field()),
            (ErrorKind::MissingField, Some("msgType")),
            "{name}"
        );
        let env = Envelope::from_json_with_kind(&b, "TEXT").unwrap();
        assert_eq!(env.kind(), Kind::Text, "{name}");
        assert_eq!(env.kind_key(), KindKey::Absent);
        // Re-encoding writes no kind key.
        let out = env.json_string().unwrap();
        assert!(
            !out.contains("msgType") && !out.contains("\"type\""),
            "{out}"
        );
    }
    let java = load("dialect_java_desktop__TEXT.json");
    let env = Envelope::from_json_with_kind(&java, "103").unwrap();
    assert_eq!(env.payload_key(), PayloadKey::Content);
    assert!(matches!(env.kind(), Kind::_Custom(_)));
    assert_eq!(env.kind(), "103");
    assert_eq!(
        env.payload_str().unwrap(),
        "5bCP57Gz5Y2z5pe25raI5oGv5LqRKE1JTUMp5qyi6L+O5L2g8J+YgA=="
    );
    // A caller's bizType table: the Java desktop demo's `103` is TEXT.
    let map = mimc_codec::BizTypes::new(&[("103", "TEXT"), ("text", "TEXT")]);
    let env = Envelope::from_json_mapped(&java, "103", &map).unwrap();
    assert_eq!(env.kind(), Kind::Text);
    assert_eq!(env.payload_key(), PayloadKey::Content);
    assert_eq!(
        env.payload_str().unwrap(),
        "5bCP57Gz5Y2z5pe25raI5oGv5LqRKE1JTUMp5qyi6L+O5L2g8J+YgA=="
    );
    let flutter = load("dialect_flutter__TEXT.json");
    // The Flutter JSON names its own kind in `biz_type`.
    let env = Envelope::from_flutter_json(&flutter, &map).unwrap();
    assert_eq!(env.kind(), Kind::Text);
    assert_eq!(env.payload_str().unwrap(), "899we");
    let no_biz = br#"{"from_account":"10","version":"0","timestamp":1,"payload":"x"}"#;
    let e = Envelope::from_flutter_json(no_biz, &map).unwrap_err();
    assert_eq!(
        (e.kind(), e.field(), e.offset()),
        (
            ErrorKind::MissingField,
            Some("biz_type"),
            Some(no_biz.len() - 1)
        )
    );
    let twice =
        br#"{"biz_type":"text","biz_type":"text","version":"0","timestamp":1,"payload":"x"}"#;
    let e = Envelope::from_flutter_json(twice, &map).unwrap_err();
    assert_eq!((e.kind(), e.offset()), (ErrorKind::DuplicateKey, Some(19)));
    let number = br#"{"biz_type":103,"version":"0","timestamp":1,"payload":"x"}"#;
    let e = Envelope::from_flutter_json(number, &map).unwrap_err();
    assert_eq!(
        (e.kind(), e.offset()),
        (
            ErrorKind::WrongType {
                expected: ValueKind::String,
                found: ValueKind::Number
            },
            Some(12)
        )
    );
    let escaped = br#"{"biz_type":"te\u0078t","version":"0","timestamp":1,"payload":"x"}"#;
    assert_eq!(
        Envelope::from_flutter_json(escaped, &map).unwrap().kind(),
        Kind::Text
    );
    let env = Envelope::from_json_with_kind(&flutter, "TEXT").unwrap();
    assert!(env.msg_id().is_none());
    assert!(env.version().is_quoted());
    assert_eq!(env.payload_str().unwrap(), "899we");
    // A kind in the JSON wins over the bizType.
    let b = load("text.json");
    assert_eq!(
        Envelope::from_json_with_kind(&b, "PING").unwrap().kind(),
        Kind::Text
    );
}

#[test]
fn invalid_fixtures_error_with_offsets() {
    let cases: &[(&str, ErrorKind, usize)] = &[
        ("truncated.json", ErrorKind::UnexpectedEnd, usize::MAX),
        ("bad_escape.json", ErrorKind::InvalidEscape, usize::MAX),
        ("lone_surrogate.json", ErrorKind::LoneSurrogate, usize::MAX),
        ("id_overflow.json", ErrorKind::IntegerOverflow, usize::MAX),
        ("missing_msgid.json", ErrorKind::MissingField, usize::MAX),
        (
            "wrong_type_msgid.json",
            ErrorKind::WrongType {
                expected: ValueKind::String,
                found: ValueKind::Number,
            },
            usize::MAX,
        ),
        ("trailing_comma.json", ErrorKind::ExpectedKey, usize::MAX),
        ("invalid_utf8.json", ErrorKind::InvalidUtf8, usize::MAX),
        (
            "deep_nesting.json",
            ErrorKind::DepthLimitExceeded { limit: 128 },
            usize::MAX,
        ),
    ];
    for &(name, kind, _) in cases {
        let b = fixture(&format!("envelope/invalid/{name}"));
        let e = Envelope::from_json(&b).unwrap_err();
        assert_eq!(e.kind(), kind, "{name}: {e}");
        assert!(
            e.offset().is_some_and(|o| o <= b.len()),
            "{name}: offset {} outside input",
            e.offset().unwrap()
        );
    }
}

/// Exact offsets for each error family, on small hand-made inputs.
#[test]
fn errors_point_at_the_right_byte() {
    let cases: &[(&[u8], ErrorKind, usize, Option<&str>)] = &[
        // truncated
        (br#"{"version":0,"msgId":"TEXT_1"#, ErrorKind::UnexpectedEnd, 28, None),
        (br#"{"version":0,"#, ErrorKind::UnexpectedEnd, 13, None),
        (b"", ErrorKind::UnexpectedEnd, 0, None),
        // bad escapes
        (br#"{"version":0,"msgId":"a\qb"}"#, ErrorKind::InvalidEscape, 23, None),
        (br#"{"version":0,"msgId":"a\u12G4"}"#, ErrorKind::InvalidEscape, 27, None),
        (br#"{"version":0,"msgId":"\udc00"}"#, ErrorKind::LoneSurrogate, 22, None),
        // bad numbers
        (br#"{"version":01,"msgId":"a"}"#, ErrorKind::ExpectedCommaOrBrace, 12, None),
        (br#"{"version":-,"msgId":"a"}"#, ErrorKind::InvalidNumber, 12, None),
        (br#"{"version":1.e5}"#, ErrorKind::InvalidNumber, 13, None),
        // wrong types
        (
            br#"{"version":0,"msgId":5,"msgType":"TEXT","timestamp":"1","payload":"x"}"#,
            ErrorKind::WrongType { expected: ValueKind::String, found: ValueKind::Number },
            21,
            Some("msgId"),
        ),
        (
            br#"{"version":0,"msgId":"a","msgType":"TEXT","timestamp":"1","payload":{"a":1}}"#,
            ErrorKind::WrongType { expected: ValueKind::String, found: ValueKind::Object },
            68,
            Some("payload"),
        ),
        (
            br#"{"version":0,"msgId":"a","msgType":"TEXT_RECALL","timestamp":"1","payload":"x"}"#,
            ErrorKind::WrongType { expected: ValueKind::Object, found: ValueKind::String },
            75,
            Some("payload"),
        ),
        (
            br#"{"version":true,"msgId":"a"}"#,
            ErrorKind::InvalidInteger,
            11,
            Some("version"),
        ),
        // missing msgId (kind key present)
        (
            br#"{"version":0,"msgType":"TEXT","timestamp":"1","payload":"x"}"#,
            ErrorKind::MissingField,
            59,
            Some("msgId"),
        ),
        // ids over u64::MAX, negative, fractional
        (
            br#"{"version":0,"msgId":"a","msgType":"TEXT","timestamp":"18446744073709551616","payload":"x"}"#,
            ErrorKind::IntegerOverflow,
            55,
            Some("timestamp"),
        ),
        (
            br#"{"version":0,"msgId":"a","msgType":"TEXT","timestamp":-1,"payload":"x"}"#,
            ErrorKind::InvalidInteger,
            54,
            Some("timestamp"),
        ),
        (
            br#"{"version":0,"msgId":"a","msgType":"TEXT","timestamp":1.5,"payload":"x"}"#,
            ErrorKind::InvalidInteger,
            55,
            Some("timestamp"),
        ),
        // duplicate known keys (and msgType/type, payload/content count as the same key)
        (
            br#"{"version":0,"msgId":"a","msgId":"b"}"#,
            ErrorKind::DuplicateKey,
            25,
            Some("msgId"),
        ),
        (
            br#"{"version":0,"msgId":"a","msgType":"TEXT","type":"PING"}"#,
            ErrorKind::DuplicateKey,
            42,
            Some("type"),
        ),
        (
            br#"{"version":0,"msgId":"a","msgType":"TEXT","payload":"x","content":"y"}"#,
            ErrorKind::DuplicateKey,
            56,
            Some("content"),
        ),
        // invalid UTF-8 anywhere
        (b"{\"version\":0,\"msgId\":\"\xff\"}", ErrorKind::InvalidUtf8, 22, None),
        // not an object
        (b"[1]", ErrorKind::WrongType { expected: ValueKind::Object, found: ValueKind::Array }, 0, None),
        (br#"{"version":0} x"#, ErrorKind::TrailingCharacters, 14, None),
        // a missing add-friend key
        (
            br#"{"version":0,"msgId":"a","msgType":"ADD_FRIEND_RESPONSE","timestamp":"1","payload":{"add_responser":"b"}}"#,
            ErrorKind::MissingField,
            103,
            Some("accepted"),
        ),
    ];
    for &(input, kind, offset, field) in cases {
        let e = Envelope::from_json(input).unwrap_err();
        assert_eq!(
            (e.kind(), e.offset(), e.field()),
            (kind, Some(offset), field),
            "{}: {e}",
            String::from_utf8_lossy(input)
        );
    }
}

#[test]
fn unknown_keys_may_repeat_but_known_keys_may_not() {
    let ok =
        br#"{"x":1,"x":2,"version":0,"msgId":"a","msgType":"TEXT","timestamp":"1","payload":"p"}"#;
    assert!(Envelope::from_json(ok).is_ok());
}

#[test]
fn depth_cap_is_configurable() {
    let payload = "[".repeat(20) + &"]".repeat(20);
    let doc = format!(
        r#"{{"version":0,"msgId":"a","msgType":"NESTED","timestamp":"1","payload":{payload}}}"#
    );
    assert!(Envelope::from_json(doc.as_bytes()).is_ok());
    let strict = DecodeOptions::new().with_max_depth(10);
    let e = Envelope::from_json_with(doc.as_bytes(), &strict).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::DepthLimitExceeded { limit: 10 });
    // depth 1 is the top-level object, so the 10th level is the 9th `[`.
    assert_eq!(e.offset(), Some(70 + 9));
}

#[test]
fn decoding_allocates_nothing() {
    let names = [
        "text.json",
        "text_kind_last.json",
        "text_escaped.json",
        "text_unknown_keys.json",
        "custom_object.json",
        "add_friend_response.json",
    ];
    let inputs: Vec<Vec<u8>> = names.iter().map(|n| load(n)).collect();
    let (allocs, ()) = alloc_count::count(|| {
        for b in &inputs {
            let env = Envelope::from_json(b).unwrap();
            // Reading the fields (including unescaping into a stack buffer) allocates nothing either.
            let mut buf = [0u8; 256];
            if let Some(s) = env.payload_str() {
                let _ = s.unescape_into(&mut buf).unwrap();
            }
            let mut out = [0u8; 1024];
            let _ = env.to_json_slice(&mut out).unwrap();
        }
    });
    assert_eq!(allocs, 0);
}

#[test]
fn small_buffers_error_and_exact_length_fits() {
    let b = load("text_escaped.json");
    let env = Envelope::from_json(&b).unwrap();
    let need = env.json_len();
    let mut buf = vec![0u8; need];
    for n in 0..need {
        let e = env.to_json_slice(&mut buf[..n]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::BufferTooSmall { needed: 172 });
    }
    assert_eq!(env.to_json_slice(&mut buf).unwrap().len(), need);
}

#[test]
fn custom_constructor_refuses_modelled_kinds() {
    assert!(Envelope::custom("TEXT_RECALL", "a", 1, None).is_err());
    let raw = RawJson::parse("[1,2]").unwrap();
    let env = Envelope::custom("CUSTOM", "a", 1, Some(raw)).unwrap();
    let out = env.json_vec().unwrap();
    assert_eq!(Envelope::from_json(&out).unwrap(), env);
    let no_payload = Envelope::custom("CUSTOM", "a", 1, None).unwrap();
    let out = no_payload.json_string().unwrap();
    assert!(!out.contains("payload"));
    assert_eq!(Envelope::from_json(out.as_bytes()).unwrap(), no_payload);
}

// ---------------------------------------------------------------------------------------------------------
// Property tests: encode → decode is the identity for arbitrary envelopes.

fn content_kind() -> impl Strategy<Value = ContentKind<'static>> {
    prop_oneof![
        Just(ContentKind::Text),
        Just(ContentKind::File(FileKind::Pic)),
        Just(ContentKind::File(FileKind::Audio)),
        Just(ContentKind::File(FileKind::Bin)),
        Just(ContentKind::File(FileKind::from("VIDEO"))),
        Just(ContentKind::from("LOCATION")),
    ]
}

/// Owned inputs for an arbitrary envelope; the envelope borrows from them.
#[derive(Debug, Clone)]
struct Spec {
    variant: u8,
    id: String,
    text: String,
    ts: u64,
    version: u64,
    quoted_ts: bool,
    quoted_version: bool,
    key: KindKey,
    content_key: bool,
    flag: bool,
    of: ContentKind<'static>,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        0u8..9,
        any::<String>(),
        any::<String>(),
        any::<u64>(),
        any::<u64>(),
        any::<(bool, bool, bool, bool)>(),
        prop_oneof![Just(KindKey::MsgType), Just(KindKey::Type)],
        content_kind(),
    )
        .prop_map(
            |(variant, id, text, ts, version, (qt, qv, ck, flag), key, of)| Spec {
                variant,
                id,
                text,
                ts,
                version,
                quoted_ts: qt,
                quoted_version: qv,
                key,
                content_key: ck,
                flag,
                of,
            },
        )
}

fn build(s: &Spec) -> Envelope<'_> {
    let env = match s.variant {
        0 => Envelope::text(&s.id, s.ts, &s.text),
        1 => Envelope::ping(&s.id, s.ts, &s.text),
        2 => Envelope::pong(&s.id, s.ts, &s.text),
        3 => Envelope::file(&s.id, s.ts, FileKind::from("VIDEO"), &s.text),
        4 => Envelope::recall(&s.id, s.ts, s.of, &s.text),
        5 => Envelope::read(&s.id, s.ts, s.of, &s.text),
        6 => Envelope::add_friend_request(&s.id, s.ts, &s.text),
        7 => Envelope::add_friend_response(&s.id, s.ts, &s.text, s.flag),
        _ => Envelope::file(&s.id, s.ts, FileKind::Pic, &s.text),
    };
    env.with_timestamp(JsonU64::new(s.ts).with_quoted(s.quoted_ts))
        .with_version(JsonU64::new(s.version).with_quoted(s.quoted_version))
        .with_kind_key(s.key)
        .with_payload_key(if s.content_key {
            PayloadKey::Content
        } else {
            PayloadKey::Payload
        })
}

proptest! {
    #[test]
    fn encode_decode_is_identity(s in spec()) {
        let env = build(&s);
        let out = env.json_vec().unwrap();
        prop_assert_eq!(out.len(), env.json_len());
        let back = Envelope::from_json(&out).unwrap();
        prop_assert_eq!(&back, &env);
        // serde_json reads our bytes as the same strings.
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        prop_assert_eq!(v["msgId"].as_str().unwrap(), s.id.as_str());
    }

    #[test]
    fn custom_payloads_round_trip_verbatim(text in any::<String>(), kind in "[A-Z]{1,8}_[A-Z]{2,8}") {
        prop_assume!(matches!(Kind::parse(&kind), Kind::_Custom(_)));
        let json = serde_json::to_string(&serde_json::json!({"t": text, "n": [1, 2.5, -3e2]})).unwrap();
        let raw = RawJson::parse(&json).unwrap();
        let env = Envelope::custom(&kind, "C_1", 7, Some(raw)).unwrap();
        let out = env.json_vec().unwrap();
        let back = Envelope::from_json(&out).unwrap();
        prop_assert_eq!(back.raw_payload().unwrap().as_str(), json.as_str());
        prop_assert_eq!(back, env);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = Envelope::from_json(&bytes);
        let _ = Envelope::from_json_with_kind(&bytes, "TEXT");
    }

    #[test]
    fn truncations_of_a_valid_envelope_always_error_inside_the_input(cut in 0usize..150) {
        let b = load("text_escaped.json");
        let cut = cut.min(b.len() - 1);
        let e = Envelope::from_json(&b[..cut]).unwrap_err();
        prop_assert!(e.offset().is_some_and(|o| o <= cut));
    }
}

#[test]
fn to_json_slice_returns_the_filled_front_of_the_buffer() {
    let env = Envelope::text("TEXT_1", 1_516_763_973_000, "hi");
    let mut buf = [0xA5u8; 256];
    let start = buf.as_ptr();
    let need = env.json_len();
    let json = env.to_json_slice(&mut buf).unwrap();
    assert_eq!((json.as_ptr(), json.len()), (start, need));
    // Mutable, so that a caller can transform it in place (encrypt, frame).
    json[0] = b' ';
    assert_eq!(buf[0], b' ');
    assert_eq!(buf[need], 0xA5, "nothing written past the JSON");
}
