//! The compact form: round trips, pinned bytes (format stability), malformed bytes, sizes.

use crate::biz_type;
use mimc_codec::wire::{
    from_postcard, postcard_len, to_postcard_heapless, to_postcard_slice, to_postcard_vec,
};
use mimc_codec::{Envelope, ErrorKind, JsonU64, ToJson};
use proptest::prelude::*;
use std::fmt::Write as _;

use crate::arb::{decode_like, env_spec};
use crate::{alloc_count, fixture_path, fixtures_in};

/// Lowercase hex, 32 bytes a line, newline-terminated.
pub fn hex(bytes: &[u8]) -> String {
    let mut out = String::new();
    for line in bytes.chunks(32) {
        for b in line {
            write!(out, "{b:02x}").unwrap();
        }
        out.push('\n');
    }
    out
}

pub fn unhex(text: &str) -> Vec<u8> {
    let digits: Vec<u8> = text.bytes().filter(u8::is_ascii_hexdigit).collect();
    digits
        .chunks(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).unwrap(), 16).unwrap())
        .collect()
}

/// Compares `bytes` with the pinned vector `tests/fixtures/wire/<rel>.hex`. `MIMC_BLESS_WIRE=1` writes
/// missing vectors (never changes an existing one: a changed byte is a breaking change).
pub fn check_pinned(rel: &str, bytes: &[u8]) {
    let path = fixture_path(&format!("wire/{rel}.hex"));
    if std::env::var_os("MIMC_BLESS_WIRE").is_some() && !path.exists() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, hex(bytes)).unwrap();
    }
    let want = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("pinned vector {}: {e}", path.display()));
    assert_eq!(
        hex(bytes),
        want,
        "{rel}: the compact bytes changed; that breaks the format-stability promise"
    );
}

fn stem(name: &str) -> &str {
    name.strip_suffix(".json").unwrap()
}

/// Values built in code that the fixtures do not cover, pinned too.
fn built() -> Vec<(&'static str, Envelope<'static>)> {
    vec![
        (
            "built_max_ids",
            Envelope::text("", u64::MAX, "")
                .with_version(JsonU64::number(u64::MAX))
                .with_timestamp(JsonU64::number(u64::MAX)),
        ),
        (
            "built_custom_without_payload",
            Envelope::custom("LOCATION", "LOC_1", 1_516_763_973_000, None).unwrap(),
        ),
    ]
}

#[test]
fn every_envelope_fixture_round_trips_and_its_bytes_are_pinned() {
    let all = fixtures_in("envelope");
    assert!(all.len() >= 20);
    for (name, json) in &all {
        let env = decode_like(json, biz_type(name)).unwrap();
        let bytes = to_postcard_vec(&env).unwrap();
        assert_eq!(bytes.len(), postcard_len(&env).unwrap(), "{name}");
        let mut buf = [0u8; 512];
        assert_eq!(
            to_postcard_slice(&env, &mut buf).unwrap(),
            &bytes[..],
            "{name}"
        );
        let back: Envelope<'_> = from_postcard(&bytes).unwrap();
        assert_eq!(back, env, "{name}");
        // Same JSON out of the compact copy.
        assert_eq!(
            back.to_json_vec().unwrap(),
            env.to_json_vec().unwrap(),
            "{name}"
        );
        check_pinned(&format!("envelope/{}", stem(name)), &bytes);
    }
    for (name, env) in built() {
        let bytes = to_postcard_vec(&env).unwrap();
        assert_eq!(
            from_postcard::<Envelope<'_>>(&bytes).unwrap(),
            env,
            "{name}"
        );
        check_pinned(&format!("envelope/{name}"), &bytes);
    }
}

#[test]
fn pinned_vectors_decode_to_their_fixtures() {
    // Reading direction of the promise: old bytes keep decoding to the same value.
    let dir = fixture_path("wire/envelope");
    let mut n = 0;
    for (name, json) in fixtures_in("envelope") {
        let text = std::fs::read_to_string(dir.join(format!("{}.hex", stem(&name)))).unwrap();
        let bytes = unhex(&text);
        let env: Envelope<'_> = from_postcard(&bytes).unwrap();
        assert_eq!(env, decode_like(&json, biz_type(&name)).unwrap(), "{name}");
        n += 1;
    }
    assert!(n >= 20);
}

#[test]
fn the_manual_text_sample_byte_by_byte() {
    let env = Envelope::text(
        "TEXT_12345",
        1_516_763_973_000,
        "Welcome to the Xiaomi instant message cloud (MIMC)",
    );
    let bytes = to_postcard_vec(&env).unwrap();
    let mut want = vec![
        0b0000_0010, // flags: timestamp quoted, version a number, key msgType, payload key payload
        0x00,        // version 0
        0x01,
        10, // Some(msgId), 10 bytes
    ];
    want.extend_from_slice(b"TEXT_12345");
    want.extend_from_slice(&[0x88, 0x8b, 0xb6, 0xb1, 0x92, 0x2c]); // 1516763973000 as LEB128
    want.extend_from_slice(&[0x02, 50]); // Body::Text, 50 bytes
    want.extend_from_slice(b"Welcome to the Xiaomi instant message cloud (MIMC)");
    assert_eq!(bytes, want);
}

#[test]
fn sizes_postcard_against_compact_json() {
    let mut rows = Vec::new();
    for (name, json) in fixtures_in("envelope") {
        let env = decode_like(&json, biz_type(&name)).unwrap();
        let compact_json = env.json_len();
        let postcard = postcard_len(&env).unwrap();
        assert!(postcard < compact_json, "{name}");
        rows.push((format!("envelope/{name}"), compact_json, postcard));
    }
    println!("| fixture | compact JSON (bytes) | postcard (bytes) | ratio |");
    println!("|---|--:|--:|--:|");
    for (name, j, p) in &rows {
        #[allow(clippy::cast_precision_loss)]
        let ratio = *p as f64 / *j as f64;
        println!("| {name} | {j} | {p} | {:.0}% |", ratio * 100.0);
    }
    let (_, j, p) = rows.iter().find(|r| r.0 == "envelope/text.json").unwrap();
    assert!(p * 2 <= j + 2, "TEXT: {p} of {j}");
}

#[test]
fn decoding_allocates_nothing_and_borrows() {
    let json = crate::fixture("envelope/text_escaped.json");
    let env = Envelope::from_json(&json).unwrap();
    let bytes = to_postcard_vec(&env).unwrap();
    let (n, back) = alloc_count::count(|| from_postcard::<Envelope<'_>>(&bytes).unwrap());
    assert_eq!(n, 0);
    assert_eq!(back, env);
    let id = back.msg_id().unwrap().as_str().unwrap();
    assert!(
        bytes.as_ptr_range().contains(&id.as_ptr()),
        "borrowed from the bytes"
    );
    let mut buf = [0u8; 256];
    let (n, _) = alloc_count::count(|| to_postcard_slice(&env, &mut buf).unwrap().len());
    assert_eq!(n, 0);
}

#[test]
fn output_too_small_and_fixed_capacity() {
    let env = Envelope::ping("PING_12345", 1_516_763_973_000, "$fromAccount");
    let need = postcard_len(&env).unwrap();
    let mut buf = vec![0u8; need];
    assert_eq!(to_postcard_slice(&env, &mut buf).unwrap().len(), need);
    let e = to_postcard_slice(&env, &mut buf[..need - 1]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BufferTooSmall { needed: 34 });
    let v = to_postcard_heapless::<_, 64>(&env).unwrap();
    assert_eq!(&v[..], &buf[..]);
    let e = to_postcard_heapless::<_, 8>(&env).unwrap_err();
    assert_eq!(
        e.kind(),
        ErrorKind::CapacityExceeded {
            needed: need,
            capacity: 8
        }
    );
}

/// `(bytes, expected kind, expected offset)` for compact bytes that must be refused.
#[test]
fn malformed_bytes_are_refused_with_offsets() {
    let mut custom_text = vec![0, 0, 0, 0, 8, 4];
    custom_text.extend_from_slice(b"TEXT");
    custom_text.push(0);
    let mut pic_other = vec![0, 0, 0, 0, 3, 3, 3];
    pic_other.extend_from_slice(b"PIC");
    pic_other.extend_from_slice(&[1, b'u']);
    let mut bad_payload = vec![0, 0, 0, 0, 8, 1, b'X', 1, 3];
    bad_payload.extend_from_slice(b"{1}");
    let mut content_file = vec![0, 0, 0, 0, 4, 2, 8];
    content_file.extend_from_slice(b"PIC_FILE");
    content_file.extend_from_slice(&[1, b'r']);
    let cases: Vec<(&str, Vec<u8>, ErrorKind, usize)> = vec![
        ("empty", vec![], ErrorKind::UnexpectedEnd, 0),
        (
            "reserved flag",
            vec![0x20, 0, 0, 0, 2, 0],
            ErrorKind::InvalidValue("reserved flag bits set"),
            0,
        ),
        (
            "kind key 3",
            vec![0x0c, 0, 0, 0, 2, 0],
            ErrorKind::InvalidValue("unknown kind key"),
            0,
        ),
        (
            "trailing",
            vec![0, 0, 1, 0, 0, 2, 0, 0],
            ErrorKind::TrailingCharacters,
            7,
        ),
        (
            // As JSON decoding: with the kind key in the object, msgId is required (fuzz finding).
            "no msgId with a kind key",
            vec![0, 0, 0, 0, 2, 0],
            ErrorKind::MissingField,
            0,
        ),
        (
            "body 9",
            vec![0, 0, 0, 0, 9, 0],
            ErrorKind::Postcard("unknown discriminant or a value that does not fit the model"),
            5,
        ),
        (
            "bad option",
            vec![0, 0, 2],
            ErrorKind::Postcard("option tag that is not 0 or 1"),
            3,
        ),
        (
            "bad bool",
            vec![0, 0, 0, 0, 7, 1, b'a', 2],
            ErrorKind::Postcard("boolean byte that is not 0 or 1"),
            8,
        ),
        (
            "bad utf-8",
            vec![0, 0, 0, 0, 2, 1, 0xff],
            ErrorKind::InvalidUtf8,
            7,
        ),
        (
            "short string",
            vec![0, 0, 0, 0, 2, 5, b'a'],
            ErrorKind::UnexpectedEnd,
            6,
        ),
        (
            "overlong varint",
            vec![
                0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0,
            ],
            ErrorKind::Postcard("varint too long or out of range"),
            11,
        ),
        (
            "custom named TEXT",
            custom_text,
            ErrorKind::InvalidValue("custom kind that names a modelled kind"),
            6,
        ),
        (
            "file kind other PIC",
            pic_other,
            ErrorKind::InvalidValue("file kind name that decoding would classify differently"),
            7,
        ),
        (
            "content kind other PIC_FILE",
            content_file,
            ErrorKind::InvalidValue("content kind name that decoding would classify differently"),
            7,
        ),
        (
            "custom payload not JSON",
            bad_payload,
            ErrorKind::ExpectedKey,
            10,
        ),
    ];
    for (what, bytes, kind, offset) in cases {
        let e = from_postcard::<Envelope<'_>>(&bytes).unwrap_err();
        assert_eq!((e.kind(), e.offset()), (kind, Some(offset)), "{what}: {e}");
    }
}

#[test]
fn every_truncation_of_every_fixture_is_an_error() {
    for (name, json) in fixtures_in("envelope") {
        let env = decode_like(&json, biz_type(&name)).unwrap();
        let bytes = to_postcard_vec(&env).unwrap();
        for cut in 0..bytes.len() {
            let e = from_postcard::<Envelope<'_>>(&bytes[..cut]).unwrap_err();
            assert!(
                e.offset().is_some_and(|o| o <= cut),
                "{name} cut at {cut}: {e}"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn arbitrary_envelopes_round_trip(spec in env_spec()) {
        let env = spec.build();
        let bytes = to_postcard_vec(&env).unwrap();
        prop_assert_eq!(bytes.len(), postcard_len(&env).unwrap());
        let back: Envelope<'_> = from_postcard(&bytes).unwrap();
        prop_assert_eq!(back, env);
        // The JSON of the copy is the JSON of the original.
        prop_assert_eq!(back.to_json_vec().unwrap(), env.to_json_vec().unwrap());
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        if let Ok(env) = from_postcard::<Envelope<'_>>(&bytes) {
            // Whatever decodes is a value that survives its own encoding.
            let again = to_postcard_vec(&env).unwrap();
            prop_assert_eq!(from_postcard::<Envelope<'_>>(&again).unwrap(), env);
        }
    }

    #[test]
    fn mutated_valid_bytes_never_panic(spec in env_spec(), at in any::<prop::sample::Index>(), byte in any::<u8>()) {
        let env = spec.build();
        let mut bytes = to_postcard_vec(&env).unwrap();
        let i = at.index(bytes.len());
        bytes[i] = byte;
        let _ = from_postcard::<Envelope<'_>>(&bytes);
    }
}

// ---------------------------------------------------------------------------------------------------------
// Callbacks

use crate::arb::cb_spec;
use mimc_codec::Callback;

fn callback_fixtures() -> Vec<(String, Vec<u8>)> {
    let mut all = fixtures_in("callback");
    all.extend(
        fixtures_in("bench")
            .into_iter()
            .filter(|(n, _)| n.starts_with("callback")),
    );
    all
}

#[test]
fn every_callback_fixture_round_trips_with_raw_payload_bytes() {
    let all = callback_fixtures();
    assert!(all.len() >= 11);
    for (name, json) in &all {
        let cb = Callback::from_json(json).unwrap();
        let bytes = to_postcard_vec(&cb).unwrap();
        assert_eq!(bytes.len(), postcard_len(&cb).unwrap(), "{name}");
        let back: Callback<'_> = from_postcard(&bytes).unwrap();
        assert_eq!(back, cb, "{name}");
        // The payload travels decoded: its bytes stand in the compact form as they are.
        let raw = cb.payload().unwrap().decode_vec().unwrap();
        assert!(
            bytes.windows(raw.len().max(1)).any(|w| w == &raw[..]),
            "{name}: payload not raw"
        );
        if !name.starts_with("callback_b64") {
            check_pinned(&format!("callback/{}", stem(name)), &bytes);
        }
    }
}

#[test]
fn callback_sizes() {
    println!("| fixture | compact JSON (bytes) | postcard (bytes) | ratio |");
    println!("|---|--:|--:|--:|");
    for (name, json) in callback_fixtures() {
        let cb = Callback::from_json(&json).unwrap();
        let (j, p) = (cb.json_len(), postcard_len(&cb).unwrap());
        assert!(p < j, "{name}");
        #[allow(clippy::cast_precision_loss)]
        let ratio = p as f64 / j as f64 * 100.0;
        println!("| {name} | {j} | {p} | {ratio:.0}% |");
    }
}

#[test]
fn malformed_callback_bytes_are_refused() {
    // A custom object that names a known kind.
    let obj = crate::fixture("callback/offline_msg.json");
    assert!(obj.len() >= 128 && obj.len() < 1 << 14);
    let len = obj.len();
    let mut bytes = vec![
        4,
        u8::try_from(len & 0x7f).unwrap() | 0x80,
        u8::try_from(len >> 7).unwrap(),
    ];
    bytes.extend_from_slice(&obj);
    let e = from_postcard::<Callback<'_>>(&bytes).unwrap_err();
    assert_eq!(
        (e.kind(), e.offset()),
        (
            ErrorKind::InvalidValue("custom callback that names a known kind"),
            Some(3)
        )
    );
    // Members that are not a JSON array of strings.
    let json = crate::fixture("callback/offline_topic_msg.json");
    let cb = Callback::from_json(&json).unwrap();
    let mut bytes = to_postcard_vec(&cb).unwrap();
    let at = bytes.iter().position(|&b| b == b'[').unwrap();
    bytes[at] = b'{';
    let e = from_postcard::<Callback<'_>>(&bytes).unwrap_err();
    assert_eq!(e.field(), Some("toAccounts"));
    assert!(e.offset().is_some_and(|o| o >= at), "{e}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_callbacks_round_trip(spec in cb_spec()) {
        let accounts = spec.account_strs();
        let cb = spec.build(&accounts);
        let bytes = to_postcard_vec(&cb).unwrap();
        let back: Callback<'_> = from_postcard(&bytes).unwrap();
        prop_assert_eq!(back, cb);
        prop_assert_eq!(back.to_json_vec().unwrap(), cb.to_json_vec().unwrap());
    }

    #[test]
    fn arbitrary_bytes_never_panic_as_callbacks(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = from_postcard::<Callback<'_>>(&bytes);
    }
}

// ---------------------------------------------------------------------------------------------------------
// API replies

use mimc_codec::api::{
    Contacts, FromData, History, PacketId, PacketIds, Response, TokenData, TopicData, TopicList,
};

/// Round-trips a reply's typed `data` through the compact form, pins it, and returns its compact size.
macro_rules! typed {
    ($ty:ident, $name:expr, $data:expr) => {{
        let data = $data;
        let value = <$ty<'_> as FromData<'_>>::from_raw(data).unwrap();
        let bytes = to_postcard_vec(&value).unwrap();
        assert_eq!(bytes.len(), postcard_len(&value).unwrap(), "{}", $name);
        let back: $ty<'_> = from_postcard(&bytes).unwrap();
        assert_eq!(back, value, "{}", $name);
        check_pinned(&format!("api/{}.data", $name), &bytes);
        bytes.len()
    }};
}

/// `(fixture, JSON body, compact Response, typed data: (data JSON, compact data))`.
type Row = (String, usize, usize, Option<(usize, usize)>);

fn api_rows() -> Vec<Row> {
    let mut rows = Vec::new();
    for (name, body) in fixtures_in("api") {
        if !name.contains(".response") {
            continue;
        }
        let stem = stem(&name).to_string();
        let reply = Response::from_json(&body).unwrap();
        let bytes = to_postcard_vec(&reply).unwrap();
        let back: Response<'_> = from_postcard(&bytes).unwrap();
        assert_eq!(back, reply, "{name}");
        check_pinned(&format!("api/{stem}"), &bytes);
        let data = reply.data();
        let call = name.split('.').next().unwrap();
        let typed = match call {
            "token" => Some(typed!(TokenData, stem, data)),
            "push-p2p" | "push-p2t" => Some(typed!(PacketId, stem, data)),
            "push-p2p-more" | "push-p2t-more" => Some(typed!(PacketIds, stem, data)),
            "topic-create" | "topic-query" | "topic-join" | "topic-kick" | "topic-update" => {
                Some(typed!(TopicData, stem, data))
            }
            "topic-mine" => Some(typed!(TopicList, stem, data)),
            "history-p2p" | "history-p2p-100" | "history-p2t" => Some(typed!(History, stem, data)),
            "contacts" => Some(typed!(Contacts, stem, data)),
            _ => None,
        };
        rows.push((
            name.clone(),
            body.len(),
            bytes.len(),
            typed.map(|p| (data.as_str().len(), p)),
        ));
    }
    rows
}

#[test]
fn every_reply_fixture_round_trips_and_its_bytes_are_pinned() {
    let rows = api_rows();
    assert!(rows.len() >= 20);
    println!("| reply | JSON body | postcard `Response` | `data` JSON | postcard typed `data` |");
    println!("|---|--:|--:|--:|--:|");
    for (name, j, p, typed) in rows {
        let (dj, dp) = typed.map_or(("—".into(), "—".into()), |(a, b)| {
            (a.to_string(), b.to_string())
        });
        println!("| {name} | {j} | {p} | {dj} | {dp} |");
    }
}

#[test]
fn malformed_reply_bytes_are_refused() {
    // `data` that is not JSON, with the offset of the bad byte.
    let mut bytes = vec![0xc8, 0x01, 2, b'o', b'k', 3];
    bytes.extend_from_slice(b"[1,");
    let e = from_postcard::<Response<'_>>(&bytes).unwrap_err();
    assert_eq!(
        (e.kind(), e.field(), e.offset()),
        (ErrorKind::UnexpectedEnd, Some("data"), Some(9))
    );
    // A member list whose item is not a member.
    let mut bytes = vec![0, 0, 0, 0, 1, b't', 0, 5];
    bytes.extend_from_slice(b"[1,2]");
    let e = from_postcard::<TopicData<'_>>(&bytes).unwrap_err();
    assert_eq!(e.field(), Some("members"));
    assert!(e.offset().is_some_and(|o| o >= 8), "{e}");
    // Reserved flag bits.
    let e = from_postcard::<PacketIds<'_>>(&[2, b'[', b']', 0]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::TrailingCharacters);
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic_as_replies(bytes in proptest::collection::vec(any::<u8>(), 0..160)) {
        let _ = from_postcard::<Response<'_>>(&bytes);
        let _ = from_postcard::<TokenData<'_>>(&bytes);
        let _ = from_postcard::<TopicData<'_>>(&bytes);
        let _ = from_postcard::<History<'_>>(&bytes);
        let _ = from_postcard::<Contacts<'_>>(&bytes);
    }
}

// ---------------------------------------------------------------------------------------------------------
// Kind names: the compact reader classifies them as the JSON reader does (issue 12, item 4)

/// A postcard `str` (names here are shorter than 128 bytes: one length byte).
fn pc_str(out: &mut Vec<u8>, s: &str) {
    out.push(u8::try_from(s.len()).unwrap());
    out.extend_from_slice(s.as_bytes());
}

/// Compact bytes of an envelope (`msgType` key, msgId `m`, numbers) whose body is `body`.
fn compact_envelope(body: &[u8]) -> Vec<u8> {
    let mut b = vec![0, 0, 1, 1, b'm', 7];
    b.extend_from_slice(body);
    b
}

/// Names shaped like the modelled families, and names that must stay custom.
const FAMILY_LIKE: &[&str] = &[
    "X_RECALL",
    "X_READ",
    "X_FILE",
    "LOCATION_READ",
    "LOCATION_RECALL",
    "TEXT_RECALL",
    "TEXT_READ",
    "PIC_FILE",
    "VIDEO_FILE",
    "VIDEO_FILE_READ",
    "PIC_FILE_RECALL",
    "_FILE_RECALL",
    "_FILE_READ",
    "A_FILE_FILE",
    "X_RECALL_READ",
    "TEXT",
    "PING",
    "PONG",
    "ADD_FRIEND_REQUEST",
    "ADD_FRIEND_RESPONSE",
];
const STAYS_CUSTOM: &[&str] = &[
    "LOCATION",
    "_RECALL",
    "_READ",
    "_FILE",
    "",
    "X_RECALLS",
    "x_file",
    "X_FILE ",
    "FILE",
    "READ",
];

#[test]
fn compact_custom_kinds_named_like_families_decode_as_json_would_or_not_at_all() {
    let payloads: [Option<&str>; 4] = [
        None,
        Some(r#""https://x/y""#),
        Some(
            r#"{"recall_msgId":"m","read_msgId":"m","add_requester":"a","add_responser":"a","accepted":true}"#,
        ),
        Some("[1]"),
    ];
    for &name in FAMILY_LIKE.iter().chain(STAYS_CUSTOM) {
        for payload in payloads {
            let mut body = vec![8];
            pc_str(&mut body, name);
            match payload {
                None => body.push(0),
                Some(p) => {
                    body.push(1);
                    pc_str(&mut body, p);
                }
            }
            let bytes = compact_envelope(&body);
            let what = format!("{name:?} with {payload:?}");
            match from_postcard::<Envelope<'_>>(&bytes) {
                Ok(env) => {
                    assert!(STAYS_CUSTOM.contains(&name), "{what}: decoded as {env:?}");
                    let json = env.to_json_vec().unwrap();
                    let back = Envelope::from_json(&json)
                        .unwrap_or_else(|e| panic!("{what}: its JSON does not decode: {e}"));
                    assert_eq!(back, env, "{what}: JSON reads another value");
                }
                Err(e) => {
                    assert!(FAMILY_LIKE.contains(&name), "{what}: refused: {e}");
                    // Refused at the name, in the kind's field, saying why.
                    assert_eq!(
                        (e.offset(), e.field()),
                        (Some(bytes.len() - body.len() + 2), Some("msgType")),
                        "{what}: {e}"
                    );
                    assert!(
                        matches!(e.kind(), ErrorKind::InvalidValue(_)),
                        "{what}: {e}"
                    );
                }
            }
        }
    }
}

#[test]
fn compact_file_and_content_kind_names_decode_as_json_would_or_not_at_all() {
    for &x in FAMILY_LIKE
        .iter()
        .chain(STAYS_CUSTOM)
        .chain(&["PIC", "AUDIO", "BIN", "TEXT"])
    {
        // File (3) with FileKind other (3); recall (4) / read (5) with ContentKind other (2).
        for (disc, sub) in [(3u8, 3u8), (4, 2), (5, 2)] {
            let mut body = vec![disc, sub];
            pc_str(&mut body, x);
            if disc == 3 {
                pc_str(&mut body, "https://x/y");
            } else {
                pc_str(&mut body, "m");
            }
            let bytes = compact_envelope(&body);
            if let Ok(env) = from_postcard::<Envelope<'_>>(&bytes) {
                let json = env.to_json_vec().unwrap();
                let back = Envelope::from_json(&json)
                    .unwrap_or_else(|e| panic!("{x:?} in body {disc}: JSON does not decode: {e}"));
                assert_eq!(back, env, "{x:?} in body {disc}");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Limits: the compact reader takes the JSON reader's options (issue 12, item 6)

#[test]
fn values_over_the_default_limits_travel_compact_with_raised_limits_as_in_json() {
    use mimc_codec::wire::from_postcard_with;
    use mimc_codec::{Callback, DecodeOptions, RawJson};
    // A callback built in code with a 20 KiB payload: encodes, and reads back only with a raised limit.
    let big: Vec<u8> = (0..20 * 1024)
        .map(|i| u8::try_from(i % 251).unwrap())
        .collect();
    let cb = Callback::normal_msg(1, "a", 2, "b", &big, 3);
    let bytes = to_postcard_vec(&cb).unwrap();
    let at = bytes.windows(64).position(|w| w == &big[..64]).unwrap();
    let e = from_postcard::<Callback<'_>>(&bytes).unwrap_err();
    assert_eq!(
        (e.kind(), e.offset(), e.field()),
        (
            ErrorKind::PayloadTooLarge { limit: 15 * 1024 },
            Some(at),
            Some("payload")
        )
    );
    let raised = DecodeOptions::new().with_max_payload(big.len());
    let back: Callback<'_> = from_postcard_with(&bytes, &raised).unwrap();
    assert_eq!(back, cb);
    let below = DecodeOptions::new().with_max_payload(big.len() - 1);
    let e = from_postcard_with::<Callback<'_>>(&bytes, &below).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::PayloadTooLarge { limit: 20479 });
    // The JSON form under the same options: the same answers.
    let json = cb.to_json_vec().unwrap();
    let e = Callback::from_json(&json).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::PayloadTooLarge { limit: 15 * 1024 });
    assert_eq!(Callback::from_json_with(&json, &raised).unwrap(), cb);
    assert!(Callback::from_json_with(&json, &below).is_err());
    // A lower limit applies to the compact form too.
    let small = Callback::normal_msg(1, "a", 2, "b", b"pong", 3);
    let bytes = to_postcard_vec(&small).unwrap();
    let three = DecodeOptions::new().with_max_payload(3);
    let e = from_postcard_with::<Callback<'_>>(&bytes, &three).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::PayloadTooLarge { limit: 3 });
    assert_eq!(from_postcard::<Callback<'_>>(&bytes).unwrap(), small);

    // The depth limit of custom payloads, the same way.
    let deep = "[".repeat(200) + &"]".repeat(200);
    let deeper = DecodeOptions::new().with_max_depth(300);
    let raw = RawJson::parse_with(&deep, &deeper).unwrap();
    let env = Envelope::custom("LOCATION", "L", 1, Some(raw)).unwrap();
    let bytes = to_postcard_vec(&env).unwrap();
    let e = from_postcard::<Envelope<'_>>(&bytes).unwrap_err();
    assert_eq!(
        (e.kind(), e.field()),
        (
            ErrorKind::DepthLimitExceeded { limit: 128 },
            Some("payload")
        )
    );
    assert_eq!(
        from_postcard_with::<Envelope<'_>>(&bytes, &deeper).unwrap(),
        env
    );
    let json = env.to_json_vec().unwrap();
    assert!(Envelope::from_json(&json).is_err());
    assert_eq!(Envelope::from_json_with(&json, &deeper).unwrap(), env);
}

// ---------------------------------------------------------------------------------------------------------
// Encoding errors say what and where (issue 12, item 7)

#[test]
fn compact_encoding_of_a_callback_with_invalid_base64_is_invalid_base64_at_the_payload() {
    use mimc_codec::json::JsonStr;
    use mimc_codec::{Callback, Payload};
    // Read from JSON (the payload is checked only when decoded): the offset is in that document.
    let json = br#"{"msgType":"NORMAL_MSG","fromAppId":"1","fromAccount":"a","toAppId":"2","toAccount":"b","payload":"cG9u!w==","timestamp":"3"}"#;
    let cb = Callback::from_json(json).unwrap();
    let bang = json.iter().position(|&b| b == b'!').unwrap();
    let mut buf = [0u8; 256];
    let errors = [
        to_postcard_vec(&cb).unwrap_err(),
        to_postcard_slice(&cb, &mut buf).unwrap_err(),
        to_postcard_heapless::<_, 256>(&cb).unwrap_err(),
        postcard_len(&cb).unwrap_err(),
    ];
    for e in errors {
        assert_eq!(
            (e.kind(), e.offset(), e.field()),
            (ErrorKind::InvalidBase64, Some(bang), Some("payload")),
            "{e}"
        );
    }
    // Built in code from text: the offset is in that text.
    let Callback::NormalMsg(mut m) = Callback::normal_msg(1, "a", 2, "b", b"", 3) else {
        unreachable!()
    };
    m.payload = Payload::from_json_str(JsonStr::new("QUJD=QUJD"));
    let cb = Callback::NormalMsg(m);
    let e = to_postcard_vec(&cb).unwrap_err();
    assert_eq!(
        (e.kind(), e.offset(), e.field()),
        (ErrorKind::InvalidBase64, Some(4), Some("payload")),
        "{e}"
    );
}
