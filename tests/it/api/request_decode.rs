//! Decoding request bodies: every fixture decodes and re-encodes to its own bytes, what we build we read
//! back equal, real clients' variations are accepted, and the build rules apply with exact offsets.
#![cfg_attr(not(feature = "alloc"), allow(unused_imports, dead_code))] // the tests that need alloc are gated

use mimc_codec::api::{
    HistoryP2p, HistoryP2pBody, HistoryP2t, HistoryP2tBody, PushMessage, PushP2p, PushP2pMore,
    PushP2t, PushP2tMore, PushSender, TimeWindow, TokenRequest, TopicCreate, TopicCreateBody,
    TopicJoin, TopicJoinBody, TopicUpdate, TopicUpdateBody, TopicUpdateOlder,
};
use mimc_codec::{Accounts, ErrorKind, JsonU64, ToJson};
use proptest::prelude::*;

use super::{APP_ID, APP_KEY, APP_SECRET, TOPIC_ID, api_fixture, minify, token_auth};
use crate::alloc_count;

/// Decodes `api/<call>.request.json`-style fixtures with `decode` and checks the re-encoding.
fn roundtrips(name: &str, decode: impl Fn(&[u8]) -> Vec<u8>) {
    let body = api_fixture(name);
    let value = decode(&body);
    assert_eq!(
        String::from_utf8(value).unwrap(),
        String::from_utf8(minify(&body)).unwrap(),
        "{name}"
    );
}

#[cfg(feature = "alloc")]
#[test]
fn every_request_fixture_re_encodes_to_its_bytes() {
    roundtrips("token.request.json", |b| {
        TokenRequest::from_json(b).unwrap().to_json_vec().unwrap()
    });
    roundtrips("push-p2p.request.json", |b| {
        PushP2p::from_json(b).unwrap().to_json_vec().unwrap()
    });
    roundtrips("push-p2p.base64.request.json", |b| {
        PushP2p::from_json(b).unwrap().to_json_vec().unwrap()
    });
    roundtrips("push-p2p-more.request.json", |b| {
        PushP2pMore::from_json(b).unwrap().to_json_vec().unwrap()
    });
    roundtrips("push-p2t.request.json", |b| {
        PushP2t::from_json(b).unwrap().to_json_vec().unwrap()
    });
    roundtrips("push-p2t-more.request.json", |b| {
        PushP2tMore::from_json(b).unwrap().to_json_vec().unwrap()
    });
    // The body alone, and the request made from it, write the fixture's bytes.
    roundtrips("topic-create.request.json", |b| {
        let body = TopicCreateBody::from_json(b).unwrap();
        let req = TopicCreate::from_body(APP_ID, token_auth(), body).unwrap();
        assert_eq!(req.to_json_vec().unwrap(), body.to_json_vec().unwrap());
        req.to_json_vec().unwrap()
    });
    roundtrips("topic-join.request.json", |b| {
        let body = TopicJoinBody::from_json(b).unwrap();
        let req = TopicJoin::from_body(APP_ID, TOPIC_ID, token_auth(), body).unwrap();
        assert_eq!(req.to_json_vec().unwrap(), body.to_json_vec().unwrap());
        req.to_json_vec().unwrap()
    });
    roundtrips("topic-update.request.json", |b| {
        let body = TopicUpdateBody::from_json(b).unwrap();
        let req = TopicUpdate::from_body(APP_ID, TOPIC_ID, token_auth(), body);
        assert_eq!(req.to_json_vec().unwrap(), body.to_json_vec().unwrap());
        req.to_json_vec().unwrap()
    });
    roundtrips("history-p2p.request.json", |b| {
        let body = HistoryP2pBody::from_json(b).unwrap();
        let req = HistoryP2p::from_body(token_auth(), body);
        assert_eq!(req.to_json_vec().unwrap(), body.to_json_vec().unwrap());
        req.to_json_vec().unwrap()
    });
    roundtrips("history-p2t.request.json", |b| {
        let body = HistoryP2tBody::from_json(b).unwrap();
        let req = HistoryP2t::from_body(token_auth(), body);
        assert_eq!(req.to_json_vec().unwrap(), body.to_json_vec().unwrap());
        req.to_json_vec().unwrap()
    });
}

#[test]
fn every_request_fixture_is_covered() {
    let names: Vec<String> = crate::fixtures_in("api")
        .into_iter()
        .map(|(n, _)| n)
        .filter(|n| n.ends_with(".request.json"))
        .collect();
    assert_eq!(names.len(), 11, "{names:?}");
}

fn sender() -> PushSender<'static> {
    PushSender::new(APP_ID, APP_KEY, APP_SECRET, "user_lei", "push_server")
}

#[cfg(feature = "alloc")]
#[test]
fn fixtures_decode_to_what_the_builders_make() {
    let body = api_fixture("token.request.json");
    let req = TokenRequest::from_json(&body).unwrap();
    assert_eq!(
        req,
        TokenRequest::new(JsonU64::number(APP_ID), APP_KEY, APP_SECRET, "user_lei")
    );
    assert_eq!(req.app_key().expose(), APP_KEY);
    assert!(!format!("{req:?}").contains(APP_SECRET));

    let body = api_fixture("push-p2p-more.request.json");
    let req = PushP2pMore::from_json(&body).unwrap();
    let sender_n = PushSender::new(
        JsonU64::number(APP_ID),
        APP_KEY,
        APP_SECRET,
        "user_lei",
        "push_server",
    );
    let built = PushP2pMore::new(
        sender_n,
        &["10", "user_jun", "user_bin"],
        PushMessage::text("你好，小米即时消息云"),
    )
    .unwrap();
    assert_eq!(req, built);
    assert_eq!(req.to_accounts().len(), 3);
    assert!(req.to_accounts().contains("user_jun"));

    let body = api_fixture("push-p2t-more.request.json");
    let req = PushP2tMore::from_json(&body).unwrap();
    let ids = [21_351_198_708_203_520, 21_351_235_479_666_688];
    let built = PushP2tMore::new(
        sender(),
        &ids,
        PushMessage::text("系统维护通知：今晚 23:00-23:30"),
    )
    .unwrap()
    .with_numeric_ids(true);
    assert_eq!(req, built);
    assert!(req.topic_ids().contains(21_351_235_479_666_688));
    // The decoded ids are the ones given in code, each in the form chosen; the old name still compiles.
    #[allow(deprecated)]
    let old: mimc_codec::api::IdList<'_> = built.topic_ids();
    assert_eq!(
        old,
        mimc_codec::list::List::from_ids(&ids).with_quoted(false)
    );
    assert_eq!(req.topic_ids().get(1), Some(JsonU64::number(ids[1])));
    assert!(req.topic_ids().raw().is_some() && built.topic_ids().raw().is_none());
    // Choosing a form for all ids re-encodes them in it.
    let strings = req.with_numeric_ids(false).to_json_string().unwrap();
    assert!(strings.contains(r#""topicIds":["21351198708203520","21351235479666688"]"#));

    let body = api_fixture("push-p2p.base64.request.json");
    let req = PushP2p::from_json(&body).unwrap();
    assert!(matches!(req.msg(), PushMessage::Base64(_)));
    let envelope = crate::fixture("envelope/text_chinese_emoji.json");
    let PushMessage::Base64(p) = req.msg() else {
        unreachable!()
    };
    assert_eq!(p.decode_vec().unwrap(), minify(&envelope));
    // Bytes built in code equal the base64 read back.
    let min = minify(&envelope);
    let built = PushP2p::new(sender(), "10", PushMessage::bytes(&min)).unwrap();
    assert_eq!(req, built);

    let body = api_fixture("topic-create.request.json");
    let req = TopicCreate::from_body(
        APP_ID,
        token_auth(),
        TopicCreateBody::from_json(&body).unwrap(),
    )
    .unwrap();
    let built = TopicCreate::new(
        APP_ID,
        token_auth(),
        "小米即时消息云开发群",
        &["10", "user_jun", "user_bin"],
    )
    .unwrap();
    assert_eq!(req, built);
    assert_eq!(
        req.accounts()
            .iter()
            .map(|a| a.offset())
            .collect::<Vec<_>>(),
        [66, 69, 78]
    );

    let body = api_fixture("history-p2t.request.json");
    let req = HistoryP2t::from_body(token_auth(), HistoryP2tBody::from_json(&body).unwrap());
    assert_eq!(req.topic_id(), JsonU64::number(TOPIC_ID));
    assert_eq!(req.window().len_ms(), 86_400_000);
}

#[cfg(feature = "alloc")]
#[test]
fn real_clients_variations_are_accepted() {
    // Flutter's extra keys, keys in another order, ids as numbers.
    let body = br#"{"msgType":"","isStore":true,"bizType":"TEXT","msg":"hi","toAccount":"10",
        "fromResource":"r","fromAccount":"a","appSecret":"s","appKey":"k","appId":1}"#;
    let req = PushP2p::from_json(body).unwrap();
    assert_eq!(req.sender().app_id(), JsonU64::number(1));
    assert_eq!(
        req.to_json_string().unwrap(),
        r#"{"appId":1,"appKey":"k","appSecret":"s","fromAccount":"a","fromResource":"r","toAccount":"10","msg":"hi","msgType":""}"#
    );
    // The older manual's update body: topicId and ownerUuid are not part of the current call.
    let req = TopicUpdateBody::from_json(
        br#"{"topicId":"1","ownerUuid":2,"topicName":"n","bulletin":"b"}"#,
    )
    .unwrap();
    assert_eq!(
        req.to_json_string().unwrap(),
        r#"{"topicName":"n","bulletin":"b"}"#
    );
    // Escaped accounts and an escaped comma (the server splits the unescaped text).
    let req = TopicJoinBody::from_json(br#"{"accounts":"\u5f20\u4e09\u002cuser_wen"}"#).unwrap();
    assert_eq!(req.accounts, Accounts::from_slice(&["张三", "user_wen"]));
    assert_eq!(
        req.to_json_string().unwrap(),
        r#"{"accounts":"张三,user_wen"}"#
    );
    // An empty member list is fine for create.
    let req = TopicCreateBody::from_json(br#"{"accounts":"","topicName":"g"}"#).unwrap();
    assert!(req.accounts.is_empty());
}

/// `(kind, field, offset)` of a decode error.
fn err<T: std::fmt::Debug>(r: mimc_codec::Result<T>) -> (ErrorKind, Option<&'static str>, usize) {
    let e = r.unwrap_err();
    (e.kind(), e.field(), e.offset().unwrap())
}

#[test]
fn rules_and_errors_point_at_the_value() {
    // Empty account inside the joined string: at that account.
    let body = br#"{"topicName":"g","accounts":"a,,b"}"#;
    let (kind, field, at) = err(TopicCreateBody::from_json(body));
    assert!(matches!(kind, ErrorKind::InvalidValue(_)));
    assert_eq!((field, at), (Some("accounts"), 31));
    // Trailing comma: the empty last account.
    let body = br#"{"accounts":"a,"}"#;
    assert_eq!(err(TopicJoinBody::from_json(body)).2, 15);
    // Invite with nobody.
    let body = br#"{"accounts":""}"#;
    let (kind, _, at) = err(TopicJoinBody::from_json(body));
    assert!(matches!(kind, ErrorKind::InvalidValue(_)));
    assert_eq!(at, 12);
    // 501 members: at the value.
    let many = vec!["u"; 501].join(",");
    let body = format!(r#"{{"topicName":"g","accounts":"{many}"}}"#);
    let (kind, field, at) = err(TopicCreateBody::from_json(body.as_bytes()));
    assert!(matches!(kind, ErrorKind::InvalidValue(m) if m.contains("500")));
    assert_eq!((field, at), (Some("accounts"), 28));
    let ok = vec!["u"; 500].join(",");
    let body = format!(r#"{{"topicName":"g","accounts":"{ok}"}}"#);
    assert_eq!(
        TopicCreateBody::from_json(body.as_bytes())
            .unwrap()
            .accounts
            .len(),
        500
    );
    // History window: over 24 h, and not increasing, at utcToTime's value.
    let body =
        br#"{"appId":1,"toAccount":"a","fromAccount":"b","utcFromTime":0,"utcToTime":86400001}"#;
    let (kind, field, at) = err(HistoryP2pBody::from_json(body));
    assert!(matches!(kind, ErrorKind::InvalidValue(_)));
    assert_eq!((field, at), (Some("utcToTime"), 73));
    let body = br#"{"appId":1,"account":"a","topicId":"2","utcToTime":"5","utcFromTime":"5"}"#;
    let (_, field, at) = err(HistoryP2tBody::from_json(body));
    assert_eq!((field, at), (Some("utcToTime"), 51));
    // Empty message, at msg's value.
    let body = br#"{"appId":1,"appKey":"k","appSecret":"s","fromAccount":"a","fromResource":"r","toAccount":"b","msg":"","msgType":""}"#;
    let (kind, field, at) = err(PushP2p::from_json(body));
    assert!(matches!(kind, ErrorKind::InvalidValue(_)));
    assert_eq!((field, at), (Some("msg"), 99));
    // Unknown msgType, at its value; bad base64 at msg.
    let body = br#"{"appId":1,"appKey":"k","appSecret":"s","fromAccount":"a","fromResource":"r","toAccount":"b","msg":"x","msgType":"hex"}"#;
    assert_eq!(err(PushP2p::from_json(body)).1, Some("msgType"));
    assert_eq!(err(PushP2p::from_json(body)).2, 113);
    let body = br#"{"appId":1,"appKey":"k","appSecret":"s","fromAccount":"a","fromResource":"r","toAccount":"b","msg":"!!","msgType":"base64"}"#;
    let (kind, field, at) = err(PushP2p::from_json(body));
    assert_eq!(
        (kind, field, at),
        (ErrorKind::InvalidBase64, Some("msg"), 100)
    );
    // Empty lists, wrong element types.
    let body = br#"{"appId":1,"appKey":"k","appSecret":"s","fromAccount":"a","fromResource":"r","toAccounts":[],"msg":"x","msgType":""}"#;
    let (_, field, at) = err(PushP2pMore::from_json(body));
    assert_eq!((field, at), (Some("toAccounts"), 90));
    let body = br#"{"appId":1,"appKey":"k","appSecret":"s","fromAccount":"a","fromResource":"r","topicIds":[1,"x"],"msg":"x","msgType":""}"#;
    let (_, field, at) = err(PushP2tMore::from_json(body));
    assert_eq!((field, at), (Some("topicIds"), 92));
    // Duplicate known key, missing key, id that is not an id.
    let body = br#"{"appId":1,"appId":2,"appKey":"k","appSecret":"s","appAccount":"a"}"#;
    let (kind, field, at) = err(TokenRequest::from_json(body));
    assert_eq!(
        (kind, field, at),
        (ErrorKind::DuplicateKey, Some("appId"), 11)
    );
    let body = br#"{"appId":1,"appKey":"k","appSecret":"s"}"#;
    let (kind, field, at) = err(TokenRequest::from_json(body));
    assert_eq!(
        (kind, field, at),
        (ErrorKind::MissingField, Some("appAccount"), 39)
    );
    let body = br#"{"appId":-1,"appKey":"k","appSecret":"s","appAccount":"a"}"#;
    let (_, field, at) = err(TokenRequest::from_json(body));
    assert_eq!((field, at), (Some("appId"), 9));
}

#[test]
fn decoding_allocates_nothing() {
    let create = api_fixture("topic-create.request.json");
    let more = api_fixture("push-p2p-more.request.json");
    let ids = api_fixture("push-p2t-more.request.json");
    let (n, total) = alloc_count::count(|| {
        let c = TopicCreate::from_body(
            APP_ID,
            token_auth(),
            TopicCreateBody::from_json(&create).unwrap(),
        )
        .unwrap();
        let m = PushP2pMore::from_json(&more).unwrap();
        let t = PushP2tMore::from_json(&ids).unwrap();
        c.accounts().iter().count() + m.to_accounts().iter().count() + t.topic_ids().iter().count()
    });
    assert_eq!((n, total), (0, 8));
}

fn account() -> impl Strategy<Value = String> {
    "[^,]{1,12}"
}

fn id() -> impl Strategy<Value = JsonU64> {
    (any::<u64>(), any::<bool>()).prop_map(|(v, q)| JsonU64::new(v).with_quoted(q))
}

proptest! {
    #[cfg(feature = "alloc")]
    #[test]
    fn built_requests_decode_back_equal(
        app_id in id(),
        key in ".{0,10}",
        name in ".{0,16}",
        accounts in prop::collection::vec(account(), 1..8),
        msg in ".{1,20}",
        bytes in prop::collection::vec(any::<u8>(), 1..40),
        topic_ids in prop::collection::vec(any::<u64>(), 1..5),
        numeric in any::<bool>(),
        from in 0u64..1 << 50,
        len in 1u64..=86_400_000,
    ) {
        let refs: Vec<&str> = accounts.iter().map(String::as_str).collect();
        let auth = token_auth();

        let req = TokenRequest::new(app_id, key.as_str(), "s", name.as_str());
        let body = req.to_json_vec().unwrap();
        prop_assert_eq!(TokenRequest::from_json(&body).unwrap(), req);

        let sender = PushSender::new(app_id, key.as_str(), "s", name.as_str(), "r");
        for m in [PushMessage::text(msg.as_str()), PushMessage::bytes(&bytes)] {
            let req = PushP2p::new(sender, refs[0], m).unwrap();
            let body = req.to_json_vec().unwrap();
        prop_assert_eq!(PushP2p::from_json(&body).unwrap(), req);
            let req = PushP2pMore::new(sender, &refs, m).unwrap();
            let body = req.to_json_vec().unwrap();
            let back = PushP2pMore::from_json(&body).unwrap();
            prop_assert_eq!(back, req);
            prop_assert_eq!(back.to_json_vec().unwrap(), body);
            let req = PushP2t::new(sender, app_id, m).unwrap();
            let body = req.to_json_vec().unwrap();
        prop_assert_eq!(PushP2t::from_json(&body).unwrap(), req);
            let req = PushP2tMore::new(sender, &topic_ids, m).unwrap().with_numeric_ids(numeric);
            let body = req.to_json_vec().unwrap();
            let back = PushP2tMore::from_json(&body).unwrap();
            prop_assert_eq!(back, req);
            prop_assert_eq!(back.to_json_vec().unwrap(), body);
        }

        let req = TopicCreate::new(app_id, auth, name.as_str(), &refs).unwrap();
        let body = req.to_json_vec().unwrap();
        let back =
            TopicCreate::from_body(app_id, auth, TopicCreateBody::from_json(&body).unwrap()).unwrap();
        prop_assert_eq!(back, req);
        prop_assert_eq!(back.to_json_vec().unwrap(), body);

        let req = TopicJoin::new(app_id, TOPIC_ID, auth, &refs).unwrap();
        let body = req.to_json_vec().unwrap();
        let back = TopicJoinBody::from_json(&body).unwrap();
        prop_assert_eq!(back, req.body());
        prop_assert_eq!(TopicJoin::from_body(app_id, TOPIC_ID, auth, back).unwrap(), req);

        let mut req = TopicUpdate::new(app_id, TOPIC_ID, auth).with_bulletin(msg.as_str());
        if numeric {
            req = req.with_topic_name(name.as_str()).with_owner_account(refs[0]);
        }
        let body = req.to_json_vec().unwrap();
        let back = TopicUpdateBody::from_json(&body).unwrap();
        prop_assert_eq!(back, req.body());
        prop_assert_eq!(TopicUpdate::from_body(app_id, TOPIC_ID, auth, back), req);

        let window = TimeWindow::new(JsonU64::new(from).with_quoted(numeric), from + len).unwrap();
        let req = HistoryP2p::new(app_id, auth, name.as_str(), refs[0], window);
        let body = req.to_json_vec().unwrap();
        let back = HistoryP2pBody::from_json(&body).unwrap();
        prop_assert_eq!(back, req.body());
        prop_assert_eq!(HistoryP2p::from_body(auth, back), req);
        let req = HistoryP2t::new(app_id, auth, name.as_str(), app_id, window);
        let body = req.to_json_vec().unwrap();
        let back = HistoryP2tBody::from_json(&body).unwrap();
        prop_assert_eq!(back, req.body());
        prop_assert_eq!(HistoryP2t::from_body(auth, back), req);
    }
}

/// The older manual's topic-update body (`{topicId, ownerUuid, topicName, bulletin}`): read, built, sent
/// through `TopicUpdate`, and carried compact with pinned bytes.
#[cfg(feature = "alloc")]
#[test]
fn the_older_topic_update_body_is_read_built_and_sent() {
    let body = crate::fixture("api-older/topic-update.request.json");
    let older = TopicUpdateOlder::from_json(&body).unwrap();
    assert_eq!(older.to_json_vec().unwrap(), minify(&body));
    assert_eq!(older.topic_id, JsonU64::new(TOPIC_ID));
    assert_eq!(older.owner_uuid, Some(JsonU64::new(27_332_097_396_178_945)));
    assert_eq!(older.topic_name.unwrap(), "MIMC 开发者（北京）");
    let built = TopicUpdateOlder::new(JsonU64::new(TOPIC_ID))
        .with_owner_uuid(JsonU64::new(27_332_097_396_178_945))
        .with_topic_name("MIMC 开发者（北京）")
        .with_bulletin(older.bulletin.unwrap().raw());
    assert_eq!(built, older);
    // Sent: the request's body is exactly the older body.
    let req = TopicUpdate::new(APP_ID, TOPIC_ID, token_auth()).with_older_body(older);
    assert_eq!(req.to_json_vec().unwrap(), minify(&body));
    assert_eq!(req.older_body(), Some(older));
    // Missing topicId, wrong types and duplicates are errors with offsets.
    let e = TopicUpdateOlder::from_json(br#"{"ownerUuid":1}"#).unwrap_err();
    assert_eq!(
        (e.kind(), e.field(), e.offset()),
        (ErrorKind::MissingField, Some("topicId"), Some(14))
    );
    let e = TopicUpdateOlder::from_json(br#"{"topicId":1,"bulletin":2}"#).unwrap_err();
    assert_eq!((e.field(), e.offset()), (Some("bulletin"), Some(24)));
    let e = TopicUpdateOlder::from_json(br#"{"topicId":1,"topicId":2}"#).unwrap_err();
    assert_eq!((e.kind(), e.offset()), (ErrorKind::DuplicateKey, Some(13)));
    // Compact: round trip, and the bytes are pinned.
    #[cfg(all(feature = "postcard", feature = "alloc", feature = "heapless"))]
    {
        let bytes = mimc_codec::to_postcard_vec(&older).unwrap();
        let back: TopicUpdateOlder<'_> = mimc_codec::from_postcard(&bytes).unwrap();
        assert_eq!(back, older);
        crate::wire::check_pinned("api/topic-update-older.request", &bytes);
    }
}

/// The body types alone: unknown keys skipped, a round trip body → JSON → body, the request made from a
/// body writes what the builder writes, the rules hold for a body changed by hand, and the depth limit.
#[cfg(feature = "alloc")]
#[test]
fn body_types_decode_alone_and_make_their_requests() {
    let auth = token_auth();
    let window = TimeWindow::new(1_597_968_000_000u64, 1_598_054_400_000u64).unwrap();
    // Each: a body with an unknown key first (skipped), the request from it, the same request built.
    let create = TopicCreateBody::from_json(
        br#"{"extra":{"x":[1,"2"]},"topicName":"MIMC","accounts":"10,user_jun"}"#,
    )
    .unwrap();
    let built = TopicCreate::new(APP_ID, auth, "MIMC", &["10", "user_jun"]).unwrap();
    assert_eq!(TopicCreate::from_body(APP_ID, auth, create).unwrap(), built);
    assert_eq!(built.body(), create);
    let json = create.to_json_vec().unwrap();
    assert_eq!(json, br#"{"topicName":"MIMC","accounts":"10,user_jun"}"#);
    assert_eq!(TopicCreateBody::from_json(&json).unwrap(), create);
    assert_eq!(built.to_json_vec().unwrap(), json);

    let join =
        TopicJoinBody::from_json(br#"{"topicName":"ignored","accounts":"user_wen"}"#).unwrap();
    let built = TopicJoin::new(APP_ID, TOPIC_ID, auth, &["user_wen"]).unwrap();
    assert_eq!(
        TopicJoin::from_body(APP_ID, TOPIC_ID, auth, join).unwrap(),
        built
    );
    let json = join.to_json_vec().unwrap();
    assert_eq!(json, br#"{"accounts":"user_wen"}"#);
    assert_eq!(TopicJoinBody::from_json(&json).unwrap(), join);
    assert_eq!(built.to_json_vec().unwrap(), json);

    let update =
        TopicUpdateBody::from_json(br#"{"topicId":1,"bulletin":"hi","ownerAccount":"a"}"#).unwrap();
    let built = TopicUpdate::new(APP_ID, TOPIC_ID, auth)
        .with_owner_account("a")
        .with_bulletin("hi");
    assert_eq!(
        TopicUpdate::from_body(APP_ID, TOPIC_ID, auth, update),
        built
    );
    let json = update.to_json_vec().unwrap();
    assert_eq!(json, br#"{"ownerAccount":"a","bulletin":"hi"}"#);
    assert_eq!(TopicUpdateBody::from_json(&json).unwrap(), update);
    assert_eq!(built.to_json_vec().unwrap(), json);

    let p2p = HistoryP2pBody::from_json(
        br#"{"row":5,"appId":2882303761517669588,"toAccount":"10","fromAccount":"user_lei",
            "utcFromTime":1597968000000,"utcToTime":1598054400000}"#,
    )
    .unwrap();
    let w = TimeWindow::new(
        JsonU64::number(1_597_968_000_000),
        JsonU64::number(1_598_054_400_000),
    )
    .unwrap();
    let built = HistoryP2p::new(JsonU64::number(APP_ID), auth, "user_lei", "10", w);
    assert_eq!(HistoryP2p::from_body(auth, p2p), built);
    let json = p2p.to_json_vec().unwrap();
    assert_eq!(
        json,
        br#"{"appId":2882303761517669588,"toAccount":"10","fromAccount":"user_lei","utcFromTime":1597968000000,"utcToTime":1598054400000}"#
    );
    assert_eq!(HistoryP2pBody::from_json(&json).unwrap(), p2p);
    assert_eq!(built.to_json_vec().unwrap(), json);

    let p2t = HistoryP2tBody::from_json(
        br#"{"utcToTime":"1598054400000","utcFromTime":"1597968000000","topicId":"30094929200414721",
            "account":"user_lei","appId":"2882303761517669588","fromAccount":"x"}"#,
    )
    .unwrap();
    let built = HistoryP2t::new(APP_ID, auth, "user_lei", TOPIC_ID, window);
    assert_eq!(HistoryP2t::from_body(auth, p2t), built);
    let json = p2t.to_json_vec().unwrap();
    assert_eq!(
        json,
        br#"{"appId":"2882303761517669588","account":"user_lei","topicId":"30094929200414721","utcFromTime":"1597968000000","utcToTime":"1598054400000"}"#
    );
    assert_eq!(HistoryP2tBody::from_json(&json).unwrap(), p2t);
    assert_eq!(built.to_json_vec().unwrap(), json);

    // A body changed by hand still meets the build rules when it becomes a request.
    let mut bad = join;
    bad.accounts = mimc_codec::Accounts::from_slice(&[]);
    let e = TopicJoin::from_body(APP_ID, TOPIC_ID, auth, bad).unwrap_err();
    assert_eq!((e.field(), e.offset()), (Some("accounts"), None));
    let mut bad = create;
    bad.accounts = mimc_codec::Accounts::from_slice(&["a,b"]);
    let e = TopicCreate::from_body(APP_ID, auth, bad).unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid value: an account contains a comma (accounts travel comma-joined) in `accounts`"
    );

    // Errors in the body alone: the same kinds, fields and offsets the requests gave.
    let e = TopicCreateBody::from_json(br#"{"accounts":"a"}"#).unwrap_err();
    assert_eq!(
        (e.kind(), e.field(), e.offset()),
        (ErrorKind::MissingField, Some("topicName"), Some(15))
    );
    let e = TopicJoinBody::from_json(br#"{"accounts":"a","accounts":"b"}"#).unwrap_err();
    assert_eq!((e.kind(), e.offset()), (ErrorKind::DuplicateKey, Some(16)));
    let e =
        HistoryP2pBody::from_json(br#"{"appId":1,"toAccount":"a","fromAccount":2}"#).unwrap_err();
    assert_eq!((e.field(), e.offset()), (Some("fromAccount"), Some(41)));

    // `from_json_with`: the depth limit reaches the unknown values skipped.
    let deep = br#"{"x":[[[1]]],"accounts":"a"}"#;
    let flat = mimc_codec::DecodeOptions::new().with_max_depth(3);
    assert_eq!(
        TopicJoinBody::from_json_with(deep, &flat)
            .unwrap_err()
            .kind(),
        ErrorKind::DepthLimitExceeded { limit: 3 }
    );
    let roomy = mimc_codec::DecodeOptions::new().with_max_depth(4);
    assert_eq!(
        TopicJoinBody::from_json_with(deep, &roomy).unwrap(),
        TopicJoinBody::from_json(deep).unwrap()
    );
}
