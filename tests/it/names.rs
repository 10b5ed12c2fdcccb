//! The open name enums (issue 11 item 5, ruma's style): `From<&str>` classifies, a name no variant models
//! is kept by the hidden `_Custom` variant and read back through `as_str`, `Display` and `==`; the JSON
//! and compact forms of such names are unchanged.

use mimc_codec::api::UserType;
use mimc_codec::json::RawJson;
use mimc_codec::{Callback, CallbackKind, ContentKind, Envelope, FileKind, Kind, ToJson};

/// Every name the crate models, with the variant it classifies to (the whole table of `Kind`).
fn known_kinds() -> Vec<(&'static str, Kind<'static>)> {
    let files = [
        ("PIC", FileKind::Pic),
        ("AUDIO", FileKind::Audio),
        ("BIN", FileKind::Bin),
    ];
    let mut all = vec![
        ("PING", Kind::Ping),
        ("PONG", Kind::Pong),
        ("TEXT", Kind::Text),
        ("ADD_FRIEND_REQUEST", Kind::AddFriendRequest),
        ("ADD_FRIEND_RESPONSE", Kind::AddFriendResponse),
        ("TEXT_RECALL", Kind::Recall(ContentKind::Text)),
        ("TEXT_READ", Kind::Read(ContentKind::Text)),
    ];
    for (x, f) in files {
        let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
        all.push((leak(format!("{x}_FILE")), Kind::File(f)));
        let content = ContentKind::File(f);
        all.push((leak(format!("{x}_FILE_RECALL")), Kind::Recall(content)));
        all.push((leak(format!("{x}_FILE_READ")), Kind::Read(content)));
    }
    all
}

#[test]
fn every_known_name_classifies_to_its_variant_and_displays_as_itself() {
    let known = known_kinds();
    assert_eq!(known.len(), 16);
    for (name, kind) in &known {
        assert_eq!(Kind::from(*name), *kind, "{name}");
        assert_eq!(Kind::parse(name), *kind, "{name}");
        assert!(!matches!(kind, Kind::_Custom(_)), "{name}");
        assert_eq!(kind.to_string(), *name);
        assert!(*kind == *name && *kind == **name, "{name}");
        // Read from JSON, escaped or not, the name is the same kind.
        let json = format!("\"{name}\"");
        let escaped = format!("\"\\u{:04x}{}\"", name.as_bytes()[0], &name[1..]);
        for text in [json, escaped] {
            let v = RawJson::parse(&text).unwrap();
            assert_eq!(
                Kind::from_json_str(v.to_json_str().unwrap()),
                *kind,
                "{text}"
            );
        }
    }
    for (x, f) in [
        ("PIC", FileKind::Pic),
        ("AUDIO", FileKind::Audio),
        ("BIN", FileKind::Bin),
    ] {
        assert_eq!(FileKind::from(x), f);
        assert_eq!((f.as_str(), f.to_string()), (Some(x), x.to_owned()));
        assert!(f == x);
        let file = format!("{x}_FILE");
        assert_eq!(ContentKind::from(file.as_str()), ContentKind::File(f));
        assert_eq!(ContentKind::File(f).to_string(), file);
    }
    assert_eq!(ContentKind::from("TEXT"), ContentKind::Text);
    assert_eq!(ContentKind::Text.to_string(), "TEXT");
    for (name, kind) in [
        ("NORMAL_MSG", CallbackKind::NormalMsg),
        ("OFFLINE_MSG", CallbackKind::OfflineMsg),
        ("NORMAL_TOPIC_MSG", CallbackKind::NormalTopicMsg),
        ("OFFLINE_TOPIC_MSG", CallbackKind::OfflineTopicMsg),
    ] {
        assert_eq!(CallbackKind::from(name), kind);
        assert_eq!(
            (kind.as_str(), kind.to_string()),
            (Some(name), name.to_owned())
        );
        assert!(kind == name && kind.as_json_str() == name);
    }
    for (name, t) in [("TOPIC", UserType::Topic), ("USER", UserType::User)] {
        assert_eq!(UserType::from(name), t);
        assert_eq!((t.as_str(), t.to_string()), (Some(name), name.to_owned()));
        assert!(t == name);
    }
}

#[test]
fn other_names_are_kept_and_read_back_by_their_text() {
    // Kinds: wholly unknown, and the open parts of the families.
    for name in [
        "LOCATION", "103", "_RECALL", "_FILE", "RECALL", "PIC", "text", "",
    ] {
        let kind = Kind::from(name);
        assert!(matches!(kind, Kind::_Custom(_)), "{name}: {kind:?}");
        assert_eq!(kind.to_string(), name);
        assert!(kind == name && kind != "OTHER", "{name}");
    }
    let video = Kind::from("VIDEO_FILE");
    assert_eq!(video, Kind::File(FileKind::from("VIDEO")));
    let Kind::File(f) = video else {
        panic!("{video:?}")
    };
    assert!(matches!(f, FileKind::_Custom(_)));
    assert_eq!(
        (f.as_str(), f.to_string()),
        (Some("VIDEO"), "VIDEO".to_owned())
    );
    assert!(f == "VIDEO" && f != "PIC");
    let read = Kind::from("LOCATION_READ");
    assert_eq!(read, Kind::Read(ContentKind::from("LOCATION")));
    let Kind::Read(c) = read else {
        panic!("{read:?}")
    };
    assert!(matches!(c, ContentKind::_Custom(_)));
    assert_eq!(c.to_string(), "LOCATION");
    assert!(c == "LOCATION" && c != "LOCATION_FILE");
    assert_eq!(
        Kind::from("VIDEO_FILE_RECALL"),
        Kind::Recall(ContentKind::File(FileKind::from("VIDEO")))
    );
    assert!(Kind::from("VIDEO_FILE_RECALL") == "VIDEO_FILE_RECALL");
    // A name built of parts compares whole: no prefix or extension of it matches.
    for wrong in ["VIDEO_FILE_RECAL", "VIDEO_FILE_RECALLS", "VIDEO", ""] {
        assert!(Kind::from("VIDEO_FILE_RECALL") != wrong, "{wrong}");
    }
    let cb = CallbackKind::from("RECALL_MSG");
    assert!(matches!(cb, CallbackKind::_Custom(_)));
    assert_eq!(
        (cb.as_str(), cb.to_string()),
        (Some("RECALL_MSG"), "RECALL_MSG".to_owned())
    );
    assert!(cb == "RECALL_MSG" && cb.as_json_str() == "RECALL_MSG");
    let t = UserType::from("UC_TOPIC");
    assert!(matches!(t, UserType::_Custom(_)));
    assert_eq!(
        (t.as_str(), t.to_string()),
        (Some("UC_TOPIC"), "UC_TOPIC".to_owned())
    );
    assert!(t == "UC_TOPIC" && t.as_json_str() == "UC_TOPIC");
}

#[test]
fn escaped_other_names_keep_their_escapes_and_compare_by_their_text() {
    let s = |json: &'static str| RawJson::parse(json).unwrap().to_json_str().unwrap();
    let kind = Kind::from_json_str(s(r#""LOC\u0041TION""#));
    assert_eq!(kind, Kind::from("LOCATION"));
    assert!(kind == "LOCATION");
    assert_eq!(kind.to_string(), "LOCATION");
    let file = FileKind::from_json_str(s(r#""V\u0049DEO""#));
    assert_eq!(file, FileKind::from("VIDEO"));
    assert_eq!(file.as_str(), None); // escaped: unescape through Display or as_json_str
    assert_eq!(file.as_json_str().raw(), r"V\u0049DEO");
    assert_eq!(file.to_string(), "VIDEO");
    assert_eq!(FileKind::from_json_str(s(r#""P\u0049C""#)), FileKind::Pic);
    assert_eq!(
        ContentKind::from_json_str(s(r#""VIDEO\u005fFILE""#)),
        ContentKind::File(FileKind::from("VIDEO"))
    );
    assert_eq!(
        ContentKind::from_json_str(s(r#""T\u0045XT""#)),
        ContentKind::Text
    );
    let cb = CallbackKind::from_json_str(s(r#""RECALL\u005fMSG""#));
    assert_eq!(cb, CallbackKind::from("RECALL_MSG"));
    assert_eq!(
        (cb.as_str(), cb.to_string()),
        (None, "RECALL_MSG".to_owned())
    );
    assert_eq!(
        CallbackKind::from_json_str(s(r#""NORMAL\u005fMSG""#)),
        CallbackKind::NormalMsg
    );
    let t = UserType::from_json_str(s(r#""UC\u005fTOPIC""#));
    assert!(t == "UC_TOPIC" && t.as_str().is_none());
    assert_eq!(
        UserType::from_json_str(s(r#""T\u004fPIC""#)),
        UserType::Topic
    );
    // Debug names the hidden variant and the text, as for any other string.
    assert_eq!(
        format!("{:?}", Kind::from("LOCATION")),
        r#"_Custom("LOCATION")"#
    );
}

/// JSON inputs holding names no variant models: each re-encodes to exactly its input.
const OPEN_NAME_ENVELOPES: [&str; 5] = [
    r#"{"version":0,"msgId":"V","msgType":"VIDEO_FILE","timestamp":"1","payload":"https://x/v.mp4"}"#,
    r#"{"version":0,"msgId":"R","msgType":"LOCATION_RECALL","timestamp":"1","payload":{"recall_msgId":"L"}}"#,
    r#"{"version":0,"msgId":"R","msgType":"VIDEO_FILE_READ","timestamp":"1","payload":{"read_msgId":"V"}}"#,
    r#"{"version":0,"msgId":"L","msgType":"LOCATION","timestamp":"1","payload":{"lat":39.9}}"#,
    r#"{"version":0,"msgId":"L","msgType":"LOC\u0041TION","timestamp":"1","payload":"x"}"#,
];

#[test]
fn open_names_round_trip_through_json_unchanged() {
    for json in OPEN_NAME_ENVELOPES {
        let env = Envelope::from_json(json.as_bytes()).unwrap();
        // The canonical writer escapes only what JSON needs: `LOC\u0041TION` comes out `LOCATION`.
        let want = json.replace(r"\u0041", "A");
        assert_eq!(env.to_json_vec().unwrap(), want.as_bytes(), "{json}");
        let again = env.to_json_vec().unwrap();
        assert_eq!(Envelope::from_json(&again).unwrap(), env, "{json}");
    }
    let cb = br#"{"msgType":"RECALL_MSG","fromAccount":"a","msgId":7}"#;
    let c = Callback::from_json(cb).unwrap();
    assert_eq!(c.kind(), "RECALL_MSG");
    assert_eq!(c.to_json_vec().unwrap(), cb);
    // Built in code: the same bytes as decoded.
    let built = [
        Envelope::file("V", 1, FileKind::from("VIDEO"), "https://x/v.mp4"),
        Envelope::recall("R", 1, ContentKind::from("LOCATION"), "L"),
        Envelope::read("R", 1, ContentKind::from("VIDEO_FILE"), "V"),
    ];
    for (env, json) in built.iter().zip(OPEN_NAME_ENVELOPES) {
        assert_eq!(env.to_json_vec().unwrap(), json.as_bytes(), "{json}");
    }
}

#[cfg(feature = "serde_json")]
#[test]
fn open_names_in_serde_json_are_their_names() {
    for (value, json) in [
        (
            serde_json::to_string(&Kind::from("LOCATION")),
            r#""LOCATION""#,
        ),
        (
            serde_json::to_string(&FileKind::from("VIDEO")),
            r#""VIDEO""#,
        ),
        (
            serde_json::to_string(&ContentKind::from("LOCATION")),
            r#""LOCATION""#,
        ),
        (
            serde_json::to_string(&CallbackKind::from("RECALL_MSG")),
            r#""RECALL_MSG""#,
        ),
        (
            serde_json::to_string(&UserType::from("UC_TOPIC")),
            r#""UC_TOPIC""#,
        ),
    ] {
        assert_eq!(value.unwrap(), json);
    }
    assert_eq!(
        serde_json::from_str::<Kind<'_>>(r#""LOCATION""#).unwrap(),
        Kind::from("LOCATION")
    );
    assert_eq!(
        serde_json::from_str::<CallbackKind<'_>>(r#""RECALL_MSG""#).unwrap(),
        CallbackKind::from("RECALL_MSG")
    );
    assert_eq!(
        serde_json::from_str::<UserType<'_>>(r#""UC_TOPIC""#).unwrap(),
        UserType::from("UC_TOPIC")
    );
}

/// The compact bytes of open names, pinned (`tests/fixtures/wire/names/*.hex`, written by the code before
/// the hidden variants: the representation change moved no byte).
#[cfg(all(feature = "postcard", feature = "alloc", feature = "heapless"))]
#[test]
fn open_names_keep_their_compact_bytes() {
    use crate::wire::check_pinned;
    use mimc_codec::wire::{from_postcard, to_postcard_vec};
    for (i, json) in OPEN_NAME_ENVELOPES.iter().enumerate() {
        let env = Envelope::from_json(json.as_bytes()).unwrap();
        let bytes = to_postcard_vec(&env).unwrap();
        assert_eq!(
            from_postcard::<Envelope<'_>>(&bytes).unwrap(),
            env,
            "{json}"
        );
        check_pinned(&format!("names/envelope_{i}"), &bytes);
    }
    let cb =
        Callback::from_json(br#"{"msgType":"RECALL_MSG","fromAccount":"a","msgId":7}"#).unwrap();
    let bytes = to_postcard_vec(&cb).unwrap();
    assert_eq!(from_postcard::<Callback<'_>>(&bytes).unwrap(), cb);
    check_pinned("names/callback_custom", &bytes);
    // A contact of a user type no variant models (in a reply's typed `data`).
    let body = br#"{"code":200,"message":"success","data":[{"userType":"UC_TOPIC","id":1,"name":"n","timestamp":2,"lastMessage":{"fromUuid":3,"fromAccount":"a","payload":""}}]}"#;
    let contacts = mimc_codec::api::Contacts::from_json(body).unwrap();
    assert_eq!(contacts.first().unwrap().user_type(), "UC_TOPIC");
    let bytes = to_postcard_vec(&contacts).unwrap();
    let back: mimc_codec::api::Contacts<'_> = from_postcard(&bytes).unwrap();
    assert_eq!(
        back.first().unwrap().user_type(),
        UserType::from("UC_TOPIC")
    );
    check_pinned("names/contacts_user_type_custom", &bytes);
}
