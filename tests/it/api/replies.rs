//! Every reply of the manual, strings and numbers, every field checked; the error reply for every call.

use mimc_codec::api::{
    ApiRequest, ContactsRequest, FromData, History, HistoryMessage, HistoryP2p, HistoryP2t, List,
    PacketId, PacketIds, PushMessage, PushP2p, PushP2pMore, PushP2t, PushP2tMore, PushSender,
    ReplyError, Response, TimeWindow, TokenData, TokenRequest, TopicCreate, TopicData,
    TopicDismiss, TopicInfo, TopicJoin, TopicKick, TopicList, TopicMine, TopicQuery, TopicQuit,
    TopicUpdate, UserType,
};
use mimc_codec::json::ValueKind;
use mimc_codec::{ErrorKind, JsonStr, JsonU64, RawJson};

use super::{APP_ID, APP_KEY, APP_SECRET, TOKEN, TOPIC_ID, api_fixture, token_auth};
use crate::fixture;

fn str_of(s: JsonStr<'_>) -> String {
    s.to_string()
}

/// An id read from JSON: its value and whether it came quoted.
fn id(v: JsonU64) -> (u64, bool) {
    (v.get(), v.is_quoted())
}

#[test]
fn token_reply_strings_and_numbers() {
    for (file, quoted) in [
        ("token.response.json", true),
        ("token.response_numbers.json", false),
    ] {
        let body = api_fixture(file);
        let d = TokenData::from_json(&body).unwrap();
        assert_eq!(id(d.app_id()), (APP_ID, quoted), "{file}");
        assert_eq!(d.app_package(), "com.xiaomi.mimcdemo");
        assert_eq!(d.app_account(), "user_lei");
        assert_eq!(id(d.mi_chid()), (9, false));
        assert_eq!(id(d.mi_user_id()), (27_331_892_437_057_537, quoted));
        assert_eq!(d.security_key().expose(), "gl8D/DIg8f3zl1iFiKtSOg==");
        assert_eq!(d.security_key_len().unwrap(), 16);
        let mut key = [0u8; 16];
        let want = [
            0x82, 0x5f, 0x03, 0xfc, 0x32, 0x20, 0xf1, 0xfd, 0xf3, 0x97, 0x58, 0x85, 0x88, 0xab,
            0x52, 0x3a,
        ];
        assert_eq!(d.security_key_into(&mut key).unwrap(), want);
        let e = d.security_key_into(&mut key[..15]).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::BufferTooSmall { needed: 16 });
        assert_eq!(d.token().expose(), TOKEN);
        assert_eq!(d.token().expose().raw().len(), 376);
        // The undocumented keys SDKs read.
        assert_eq!(d.region_bucket(), Some(JsonU64::number(153)));
        assert_eq!(d.fe_domain_name().unwrap(), "app.chat.xiaomi.net");
        assert_eq!(d.relay_domain_name().unwrap(), "relay.mimc.chat.xiaomi.net");
        assert_eq!(
            d.pps_miot_domain_name().unwrap(),
            "pps.miot.chat.xiaomi.net"
        );
        // Same through the request and through the two-step path.
        let req = TokenRequest::new(APP_ID, APP_KEY, APP_SECRET, "user_lei");
        assert_eq!(req.parse_reply(&body).unwrap(), d);
        let raw = Response::from_json(&body).unwrap().into_result().unwrap();
        assert_eq!(TokenData::from_raw(raw).unwrap(), d);
    }
}

#[test]
fn token_reply_tolerates_missing_extras_and_unknown_keys() {
    let body = br#"{"code":200,"message":"success","data":{"appId":"2882303761517669588",
        "appPackage":"p","appAccount":"a","miChid":9,"miUserId":"1","miUserSecurityKey":"AA==",
        "token":"t","newKey":{"nested":[1,2,{"x":null}]}}}"#;
    let d = TokenData::from_json(body).unwrap();
    assert_eq!(d.region_bucket(), None);
    assert_eq!(d.fe_domain_name(), None);
    assert_eq!(d.security_key_into(&mut [0u8; 4]).unwrap(), [0]);
    // A key that is not base64 is an error about that field, at the offending character.
    let bad = br#"{"code":200,"data":{"appId":"1","appPackage":"p","appAccount":"a","miChid":9,
        "miUserId":"1","miUserSecurityKey":"gl8D!DIg","token":"t"}}"#;
    let d = TokenData::from_json(bad).unwrap();
    let e = d.security_key_into(&mut [0u8; 16]).unwrap_err();
    assert_eq!(
        (e.kind(), e.field()),
        (ErrorKind::InvalidBase64, Some("miUserSecurityKey"))
    );
    assert_eq!(bad[e.offset().unwrap()], b'!');
    assert!(d.security_key_len().is_ok());
    // A missing documented key is an error naming it, at the end of `data`.
    let body = br#"{"code":200,"message":"success","data":{"appId":"1","appPackage":"p",
        "appAccount":"a","miChid":9,"miUserId":"1","token":"t"}}"#;
    let e = TokenData::from_json(body).unwrap_err();
    let ReplyError::Decode(e) = e else {
        panic!("{e:?}")
    };
    assert_eq!(e.kind(), ErrorKind::MissingField);
    assert_eq!(e.field(), Some("miUserSecurityKey"));
    assert_eq!(body[e.offset().unwrap()], b'}');
}

fn check_packet_id(file: &str, want: &str) {
    let body = api_fixture(file);
    let p = PacketId::from_json(&body).unwrap();
    assert_eq!(p.packet_id(), want);
}

fn check_packet_ids(file: &str, want: &[&str]) {
    let body = api_fixture(file);
    let p = PacketIds::from_json(&body).unwrap();
    assert_eq!(p.packet_ids().len(), want.len());
    let got: Vec<String> = p.packet_ids().iter().map(str_of).collect();
    assert_eq!(got, want);
}

#[test]
fn push_replies() {
    check_packet_id("push-p2p.response.json", "hjdibNDDzS-2");
    check_packet_id("push-p2t.response.json", "hjdibNDDzS-6");
    check_packet_ids(
        "push-p2p-more.response.json",
        &["hjdibNDDzS-3", "hjdibNDDzS-4", "hjdibNDDzS-5"],
    );
    check_packet_ids(
        "push-p2t-more.response.json",
        &["hjdibNDDzS-7", "hjdibNDDzS-8"],
    );
    // Push replies put `data` before `message`; the wrapper does not care.
    let body = api_fixture("push-p2p.response.json");
    let r = Response::from_json(&body).unwrap();
    assert_eq!(r.code(), 200);
    assert_eq!(r.message(), "success");
    assert_eq!(r.data().kind(), ValueKind::Object);
}

const LEI: (u64, &str) = (27_331_892_437_057_537, "user_lei");
const TEN: (u64, &str) = (27_332_097_396_178_945, "10");
const JUN: (u64, &str) = (27_331_945_086_214_145, "user_jun");
const BIN: (u64, &str) = (27_332_010_573_332_481, "user_bin");
const WEN: (u64, &str) = (27_332_134_811_336_705, "user_wen");
const HUA: (u64, &str) = (27_332_158_963_744_769, "user_hua");

fn check_topic_info(
    info: &TopicInfo<'_>,
    owner: (u64, &str),
    name: &str,
    bulletin: &str,
    quoted: bool,
) {
    assert_eq!(id(info.topic_id()), (TOPIC_ID, quoted));
    assert_eq!(id(info.owner_uuid()), (owner.0, quoted));
    assert_eq!(info.owner_account().unwrap(), owner.1);
    assert_eq!(info.topic_name(), name);
    assert_eq!(info.bulletin(), bulletin);
}

fn check_members(data: &TopicData<'_>, want: &[(u64, &str)], quoted: bool) {
    let members = data.members();
    assert_eq!(members.len(), want.len());
    assert_eq!(members.iter().len(), want.len());
    let got: Vec<((u64, bool), String)> = members
        .iter()
        .map(|m| (id(m.uuid()), str_of(m.account())))
        .collect();
    let want: Vec<((u64, bool), String)> = want
        .iter()
        .map(|&(u, a)| ((u, quoted), a.to_owned()))
        .collect();
    assert_eq!(got, want);
}

const GROUP: &str = "小米即时消息云开发群";

#[test]
fn topic_create_and_query_replies() {
    for (file, quoted) in [
        ("topic-create.response.json", true),
        ("topic-query.response.json", true),
        ("topic-query.response_numbers.json", false),
    ] {
        let body = api_fixture(file);
        let data = TopicData::from_json(&body).unwrap();
        check_topic_info(&data.topic_info(), LEI, GROUP, "", quoted);
        check_members(&data, &[LEI, TEN, JUN, BIN], quoted);
        assert!(data.contains_account("user_bin"));
        assert!(!data.contains_account("user_wen"));
    }
}

#[test]
fn topic_join_kick_update_replies() {
    let join = api_fixture("topic-join.response.json");
    let data = TopicJoin::new(APP_ID, TOPIC_ID, token_auth(), &["user_wen", "user_hua"])
        .unwrap()
        .parse_reply(&join)
        .unwrap();
    check_topic_info(&data.topic_info(), LEI, GROUP, "", true);
    check_members(&data, &[LEI, TEN, JUN, BIN, WEN, HUA], true);

    let kick = api_fixture("topic-kick.response.json");
    let data = TopicKick::new(APP_ID, TOPIC_ID, token_auth(), &["10"])
        .unwrap()
        .parse_reply(&kick)
        .unwrap();
    check_topic_info(&data.topic_info(), LEI, GROUP, "", true);
    check_members(&data, &[LEI, JUN, BIN], true);

    let update = api_fixture("topic-update.response.json");
    let data = TopicUpdate::new(APP_ID, TOPIC_ID, token_auth())
        .parse_reply(&update)
        .unwrap();
    check_topic_info(
        &data.topic_info(),
        JUN,
        "MIMC 开发者（北京）",
        "新公告：本群只讨论 MIMC 接入问题，请勿刷屏！😀",
        true,
    );
    check_members(&data, &[LEI, JUN, BIN], true);
}

#[test]
fn topic_mine_reply_is_a_list_of_topics() {
    let body = api_fixture("topic-mine.response.json");
    let topics: TopicList<'_> = TopicMine::new(APP_ID, token_auth())
        .parse_reply(&body)
        .unwrap();
    assert_eq!(topics.len(), 2);
    assert!(!topics.is_empty());
    let first = topics.first().unwrap();
    check_topic_info(&first, LEI, GROUP, "欢迎加入！请遵守群规😀", true);
    let second = topics.get(1).unwrap();
    assert_eq!(id(second.topic_id()), (21_351_198_708_203_520, true));
    assert_eq!(id(second.owner_uuid()), (LEI.0, true));
    assert_eq!(second.owner_account().unwrap(), "user_lei");
    assert_eq!(second.topic_name(), "MIMC 技术交流群");
    assert_eq!(second.bulletin(), "");
    assert!(topics.get(2).is_none());
    assert_eq!(TopicList::from_json(&body).unwrap(), topics);
    assert_eq!((&topics).into_iter().count(), 2);
}

#[test]
fn topic_quit_and_dismiss_replies_are_null() {
    let quit = api_fixture("topic-quit.response.json");
    let req = TopicQuit::new(APP_ID, TOPIC_ID, token_auth());
    assert_eq!(req.parse_reply(&quit).unwrap(), None);
    // The older manual answers a quit with the group.
    let older = api_fixture("topic-query.response.json");
    let data = req.parse_reply(&older).unwrap().unwrap();
    assert_eq!(data.members().len(), 4);

    let dismiss = api_fixture("topic-dismiss.response.json");
    let r = Response::from_json(&dismiss).unwrap();
    assert_eq!(r.message(), "success！");
    assert!(r.is_success());
    TopicDismiss::new(APP_ID, TOPIC_ID, token_auth())
        .parse_reply(&dismiss)
        .unwrap();
}

fn check_history_message(
    m: &HistoryMessage<'_>,
    sequence: (u64, bool),
    ts: (u64, bool),
    from: &str,
    to: Option<&str>,
    envelope: &str,
) {
    assert_eq!(id(m.sequence()), sequence);
    assert_eq!(id(m.ts()), ts);
    assert_eq!(m.from_account(), from);
    assert_eq!(m.to_account().map(str_of).as_deref(), to);
    let want = fixture(&format!("envelope/{envelope}"));
    assert_eq!(m.payload(), want[..]);
    assert_eq!(m.payload_len().unwrap(), want.len());
    let mut buf = [0u8; 512];
    assert_eq!(m.payload_into(&mut buf).unwrap(), want, "{envelope}");
}

#[test]
fn history_p2p_reply_strings_and_numbers() {
    for (file, quoted) in [
        ("history-p2p.response.json", true),
        ("history-p2p.response_numbers.json", false),
    ] {
        let body = api_fixture(file);
        let h = History::from_json(&body).unwrap();
        assert_eq!(id(h.app_id()), (APP_ID, quoted));
        assert_eq!(h.topic_id(), None);
        assert_eq!(id(h.row()), (3, false));
        let msgs: Vec<HistoryMessage<'_>> = h.messages().iter().collect();
        assert_eq!(msgs.len(), 3);
        check_history_message(
            &msgs[0],
            (15_980_063_519_550_001, quoted),
            (1_598_006_351_955, quoted),
            "user_lei",
            Some("10"),
            "text.json",
        );
        check_history_message(
            &msgs[1],
            (15_980_063_522_170_001, quoted),
            (1_598_006_352_217, quoted),
            "10",
            Some("user_lei"),
            "text_read.json",
        );
        check_history_message(
            &msgs[2],
            (15_980_063_609_830_003, quoted),
            (1_598_006_360_983, quoted),
            "user_lei",
            Some("10"),
            "text_chinese_emoji.json",
        );
    }
}

#[test]
fn history_p2t_reply() {
    let body = api_fixture("history-p2t.response.json");
    let window = TimeWindow::new(1_597_968_000_000u64, 1_598_054_400_000u64).unwrap();
    let h = HistoryP2t::new(APP_ID, token_auth(), "user_lei", TOPIC_ID, window)
        .parse_reply(&body)
        .unwrap();
    assert_eq!(id(h.app_id()), (APP_ID, true));
    assert_eq!(h.topic_id().map(id), Some((TOPIC_ID, true)));
    assert_eq!(id(h.row()), (3, false));
    let m = h.messages();
    assert_eq!(m.len(), 3);
    // `sequence` quoted, `ts` a number (the Android demo reads them with getString/getLong).
    check_history_message(
        &m.get(0).unwrap(),
        (15_980_063_519_550_011, true),
        (1_598_006_351_955, false),
        "user_lei",
        None,
        "text_type_key.json",
    );
    check_history_message(
        &m.get(1).unwrap(),
        (15_980_063_575_410_013, true),
        (1_598_006_357_541, false),
        "user_jun",
        None,
        "pic_file.json",
    );
    check_history_message(
        &m.get(2).unwrap(),
        (15_980_063_613_370_017, true),
        (1_598_006_361_337, false),
        "10",
        None,
        "dialect_android__TEXT.json",
    );
}

#[test]
fn history_of_100_messages() {
    let body = api_fixture("history-p2p-100.response.json");
    let window = TimeWindow::new(1_597_968_000_000u64, 1_598_054_400_000u64).unwrap();
    let h = HistoryP2p::new(APP_ID, token_auth(), "user_lei", "10", window)
        .parse_reply(&body)
        .unwrap();
    assert_eq!(h.messages().len(), 100);
    assert_eq!(h.row().get(), 100);
    let mut last = (0, 0);
    for m in h.messages() {
        assert!(m.sequence().get() > last.0 && m.ts().get() > last.1);
        assert!((window.from().get()..window.to().get()).contains(&m.ts().get()));
        last = (m.sequence().get(), m.ts().get());
        let mut buf = [0u8; 1024];
        let bytes = m.payload_into(&mut buf).unwrap();
        let env = mimc_codec::Envelope::from_json(bytes).unwrap();
        assert_eq!(env.kind(), mimc_codec::Kind::Text);
    }
}

#[test]
fn contacts_reply() {
    let body = api_fixture("contacts.response.json");
    let contacts = ContactsRequest::new(APP_ID, token_auth())
        .parse_reply(&body)
        .unwrap();
    assert_eq!(contacts.len(), 3);
    let c: Vec<_> = contacts.iter().collect();

    assert_eq!(c[0].user_type(), UserType::Topic);
    assert_eq!(id(c[0].id()), (TOPIC_ID, true));
    assert_eq!(c[0].name(), GROUP);
    assert_eq!(id(c[0].timestamp()), (1_598_006_361_337, true));
    let m = c[0].last_message();
    assert_eq!(id(m.from_uuid()), (TEN.0, true));
    assert_eq!(m.from_account(), "10");
    assert_eq!(m.sequence().map(id), Some((15_980_063_613_370_017, true)));
    let mut buf = [0u8; 512];
    let want = fixture("envelope/dialect_android__TEXT.json");
    assert_eq!(m.payload_len().unwrap(), want.len());
    assert_eq!(m.payload_into(&mut buf).unwrap(), want);

    assert_eq!(c[1].user_type(), UserType::Topic);
    assert_eq!(id(c[1].id()), (21_351_198_708_203_520, true));
    assert_eq!(c[1].name(), "MIMC 技术交流群");
    assert_eq!(id(c[1].timestamp()), (1_598_006_360_001, true));
    let m = c[1].last_message();
    assert_eq!(id(m.from_uuid()), (JUN.0, true));
    assert_eq!(m.from_account(), "user_jun");
    assert_eq!(m.sequence().map(id), Some((15_980_063_600_010_021, true)));
    let want = fixture("envelope/custom_string.json");
    assert_eq!(m.payload_into(&mut buf).unwrap(), want);

    assert_eq!(c[2].user_type(), UserType::User);
    assert_eq!(c[2].user_type().to_string(), "USER");
    assert_eq!(id(c[2].id()), (TEN.0, true));
    assert_eq!(c[2].name(), "10");
    assert_eq!(id(c[2].timestamp()), (1_598_006_360_983, true));
    let m = c[2].last_message();
    assert_eq!(id(m.from_uuid()), (LEI.0, true));
    assert_eq!(m.from_account(), "user_lei");
    assert_eq!(m.sequence(), None);
    let want = fixture("envelope/text_chinese_emoji.json");
    assert_eq!(m.payload_into(&mut buf).unwrap(), want);
}

#[test]
fn unknown_user_types_are_kept() {
    let body = br#"{"code":200,"message":"success","data":[{"userType":"UC_TOPIC","id":1,
        "name":"n","timestamp":2,"lastMessage":{"fromUuid":3,"fromAccount":"a","payload":""}}]}"#;
    let contacts = mimc_codec::api::Contacts::from_json(body).unwrap();
    let c = contacts.first().unwrap();
    assert!(matches!(c.user_type(), UserType::_Custom(_)));
    assert_eq!(c.user_type(), "UC_TOPIC");
    assert_eq!(c.user_type().as_str(), Some("UC_TOPIC"));
    assert_eq!(c.user_type().to_string(), "UC_TOPIC");
    assert_eq!(id(c.id()), (1, false));
    assert_eq!(c.last_message().payload_len().unwrap(), 0);
}

/// The manual's failure reply, given to every call, is an `ApiError` and nothing else.
fn assert_api_error<R: ApiRequest>(req: &R) {
    let body = api_fixture("error.response.json");
    match req.parse_reply(&body) {
        Err(ReplyError::Api(e)) => {
            assert_eq!(e.code(), 500, "{}", R::CALL);
            assert_eq!(e.message(), "quit topic fail");
            assert!(!e.is_truncated());
            assert_eq!(e.to_string(), "MIMC API error 500: quit topic fail");
        }
        Err(other) => panic!("{}: {other:?}", R::CALL),
        Ok(_) => panic!("{}: decoded as a success", R::CALL),
    }
}

#[test]
fn the_error_reply_is_an_api_error_for_every_call() {
    let sender = PushSender::new(APP_ID, APP_KEY, APP_SECRET, "user_lei", "push_server");
    let msg = PushMessage::text("hi");
    let window = TimeWindow::new(1u64, 2u64).unwrap();
    let auth = token_auth();
    assert_api_error(&TokenRequest::new(APP_ID, APP_KEY, APP_SECRET, "user_lei"));
    assert_api_error(&PushP2p::new(sender, "10", msg).unwrap());
    assert_api_error(&PushP2pMore::new(sender, &["10"], msg).unwrap());
    assert_api_error(&PushP2t::new(sender, TOPIC_ID, msg).unwrap());
    assert_api_error(&PushP2tMore::new(sender, &[TOPIC_ID], msg).unwrap());
    assert_api_error(&TopicCreate::new(APP_ID, auth, "g", &["10"]).unwrap());
    assert_api_error(&TopicQuery::new(APP_ID, TOPIC_ID, auth));
    assert_api_error(&TopicMine::new(APP_ID, auth));
    assert_api_error(&TopicJoin::new(APP_ID, TOPIC_ID, auth, &["10"]).unwrap());
    assert_api_error(&TopicQuit::new(APP_ID, TOPIC_ID, auth));
    assert_api_error(&TopicKick::new(APP_ID, TOPIC_ID, auth, &["10"]).unwrap());
    assert_api_error(&TopicUpdate::new(APP_ID, TOPIC_ID, auth));
    assert_api_error(&TopicDismiss::new(APP_ID, TOPIC_ID, auth));
    assert_api_error(&HistoryP2p::new(APP_ID, auth, "user_lei", "10", window));
    assert_api_error(&HistoryP2t::new(APP_ID, auth, "user_lei", TOPIC_ID, window));
    assert_api_error(&ContactsRequest::new(APP_ID, auth));

    // The two-step path gives the same error, and the raw wrapper keeps what came.
    let body = api_fixture("error.response.json");
    let r = Response::from_json(&body).unwrap();
    assert_eq!((r.code(), r.is_success()), (500, false));
    assert!(r.data().is_null());
    let e = r.into_result().unwrap_err();
    assert_eq!((e.code(), e.message()), (500, "quit topic fail"));
    // `?` turns it into a boxed error.
    let boxed: Box<dyn std::error::Error + Send + Sync> = Box::new(ReplyError::from(e));
    assert_eq!(boxed.to_string(), "MIMC API error 500: quit topic fail");
    assert!(boxed.source().is_some());
}

#[test]
fn api_error_messages_are_unescaped_and_bounded() {
    let r = Response::from_json(br#"{"code":"400","message":"bad \"req\" \u4e2d"}"#).unwrap();
    let e = r.into_result().unwrap_err();
    assert_eq!((e.code(), e.message()), (400, "bad \"req\" 中"));
    let long = "错".repeat(100);
    let e = mimc_codec::api::ApiError::new(500, &long);
    assert!(e.is_truncated());
    assert_eq!(e.message(), "错".repeat(32));
    assert!(e.to_string().ends_with('…'));
}

#[test]
fn the_wrapper_is_lenient_about_what_real_servers_vary() {
    // No message, no data; keys in any order; unknown keys skipped.
    let r = Response::from_json(br#"{"extra":[1,{"a":2}],"code":200}"#).unwrap();
    assert_eq!(r.message(), "");
    assert!(r.into_result().unwrap().is_null());
    // data as an array.
    let r = Response::from_json(br#" {"data":[],"code":200,"message":"success"} "#).unwrap();
    assert_eq!(r.data().kind(), ValueKind::Array);
}

#[test]
fn malformed_replies_are_decode_errors_with_offsets() {
    let cases: &[(&[u8], ErrorKind, usize, Option<&str>)] = &[
        (
            br#"{"message":"x"}"#,
            ErrorKind::MissingField,
            14,
            Some("code"),
        ),
        (
            br#"{"code":200,"code":200}"#,
            ErrorKind::DuplicateKey,
            12,
            Some("code"),
        ),
        (
            br#"{"code":-1}"#,
            ErrorKind::InvalidInteger,
            8,
            Some("code"),
        ),
        (
            br#"{"code":200,"message":1}"#,
            ErrorKind::WrongType {
                expected: ValueKind::String,
                found: ValueKind::Number,
            },
            22,
            Some("message"),
        ),
        (
            br#"{"code":200} x"#,
            ErrorKind::TrailingCharacters,
            13,
            None,
        ),
        (
            b"[1]",
            ErrorKind::WrongType {
                expected: ValueKind::Object,
                found: ValueKind::Array,
            },
            0,
            None,
        ),
    ];
    for &(body, kind, offset, field) in cases {
        let e = Response::from_json(body).unwrap_err();
        assert_eq!(
            (e.kind(), e.offset(), e.field()),
            (kind, Some(offset), field),
            "{body:?}"
        );
    }
    // Typed data of the wrong shape names the field.
    let e = TopicData::from_json(br#"{"code":200,"data":[]}"#).unwrap_err();
    let ReplyError::Decode(e) = e else { panic!() };
    assert_eq!(
        (e.kind(), e.offset()),
        (
            ErrorKind::WrongType {
                expected: ValueKind::Object,
                found: ValueKind::Array
            },
            Some(19)
        )
    );
    let body = br#"{"code":200,"data":{"topicInfo":{"topicId":"x","ownerUuid":1,"topicName":"n","bulletin":""},"members":[]}}"#;
    let ReplyError::Decode(e) = TopicData::from_json(body).unwrap_err() else {
        panic!()
    };
    assert_eq!(e.kind(), ErrorKind::InvalidInteger);
    assert_eq!(e.field(), Some("topicId"));
    assert_eq!(body[e.offset().unwrap()], b'x');
    // A bad element anywhere in a list fails the whole reply, at that element.
    let body = br#"{"code":200,"data":{"packetIds":["a","b",3]}}"#;
    let ReplyError::Decode(e) = PacketIds::from_json(body).unwrap_err() else {
        panic!()
    };
    assert_eq!(
        e.kind(),
        ErrorKind::WrongType {
            expected: ValueKind::String,
            found: ValueKind::Number
        }
    );
    assert_eq!(body[e.offset().unwrap()], b'3');
    // Duplicate known keys inside data.
    let body = br#"{"code":200,"data":{"packetId":"a","packetId":"b"}}"#;
    let ReplyError::Decode(e) = PacketId::from_json(body).unwrap_err() else {
        panic!()
    };
    assert_eq!(e.kind(), ErrorKind::DuplicateKey);
}

#[test]
fn lists_are_lazy_exact_and_comparable() {
    let raw = RawJson::parse(r#"["a", "b\/c", "d"]"#).unwrap();
    let list = List::<JsonStr<'_>>::from_raw(raw).unwrap();
    assert_eq!(list.len(), 3);
    let mut it = list.iter();
    assert_eq!(it.len(), 3);
    assert_eq!(it.next().unwrap(), "a");
    assert_eq!(it.size_hint(), (2, Some(2)));
    assert_eq!(it.next().unwrap(), "b/c");
    assert_eq!(it.next().unwrap(), "d");
    assert!(it.next().is_none());
    assert!(it.next().is_none());
    assert_eq!(list.raw(), Some(raw));
    assert_eq!(format!("{list:?}"), r#"["a", "b/c", "d"]"#);
    let same = List::<JsonStr<'_>>::from_raw(RawJson::parse(r#"["a","b/c","d"]"#).unwrap());
    assert_eq!(same.unwrap(), list);
    let empty = List::<JsonU64>::from_raw(RawJson::parse("[]").unwrap()).unwrap();
    assert!(empty.is_empty());
    assert!(empty.first().is_none());
    let ids = <List<'_, JsonU64> as FromData>::from_raw(RawJson::parse(r#"[1,"2"]"#).unwrap());
    assert_eq!(ids.unwrap().iter().map(|v| v.get()).sum::<u64>(), 3);
    assert!(List::<JsonU64>::from_raw(RawJson::parse("{}").unwrap()).is_err());
}

#[cfg(feature = "alloc")]
/// `ToJson` for the wrapper: `{code, message, data}` in that order, `data` verbatim; a reply written in
/// that order with a numeric code compacts to exactly the compacted fixture, and every reply reads back.
#[test]
fn every_reply_fixture_re_encodes_with_to_json() {
    use mimc_codec::ToJson;
    let mut exact = 0;
    for (name, body) in crate::fixtures_in("api") {
        if !name.contains(".response") {
            continue;
        }
        let reply = Response::from_json(&body).unwrap();
        let out = reply.to_json_vec().unwrap();
        assert_eq!(out.len(), reply.json_len(), "{name}");
        assert_eq!(Response::from_json(&out).unwrap(), reply, "{name}");
        assert!(out.starts_with(br#"{"code":"#), "{name}");
        let text = std::str::from_utf8(&body).unwrap();
        let canonical_order = matches!(
            (text.find("\"code\""), text.find("\"message\""), text.find("\"data\"")),
            (Some(c), Some(m), Some(d)) if c < m && m < d
        );
        if canonical_order && !text.contains("\"code\": \"") && !text.contains("\"code\":\"") {
            let mut ours = Vec::new();
            RawJson::parse(std::str::from_utf8(&out).unwrap())
                .unwrap()
                .write_compact(&mut ours)
                .unwrap();
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                String::from_utf8(super::minify(&body)).unwrap(),
                "{name}"
            );
            exact += 1;
        }
    }
    assert!(exact >= 10, "{exact}");
}

/// `get(i)` skips by boundaries and agrees with iteration at every index; `fill` decodes into the
/// caller's slots and refuses a slice that is too short, writing nothing.
#[test]
fn list_indexing_and_fill_agree_with_iteration() {
    let body = api_fixture("topic-mine.response.json");
    let topics = TopicList::from_json(&body).unwrap();
    assert!(topics.len() >= 2);
    let all: Vec<_> = topics.iter().collect();
    for (i, t) in all.iter().enumerate() {
        assert_eq!(topics.get(i).as_ref(), Some(t), "{i}");
        assert_eq!(topics.iter().nth(i).as_ref(), Some(t), "{i}");
    }
    assert_eq!(topics.get(all.len()), None);
    let mut it = topics.iter();
    assert_eq!(it.nth(1).as_ref(), all.get(1));
    assert_eq!(it.len(), all.len() - 2);
    let mut slots = vec![None; all.len() + 1];
    assert_eq!(topics.fill(&mut slots).unwrap(), all.len());
    assert!(
        slots[..all.len()]
            .iter()
            .zip(&all)
            .all(|(s, t)| s.as_ref() == Some(t))
    );
    assert_eq!(slots[all.len()], None);
    let mut short = vec![None; all.len() - 1];
    let e = topics.fill(&mut short).unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::InvalidValue(_)));
    assert!(short.iter().all(Option::is_none));
}

/// `from_json_fill` stores the elements in the document's one pass: the same elements, in order, as
/// iterating the list of `from_json`; a short slice takes the first ones and the list still counts all
/// (the rest were read and checked: an error in one of them fails the decode).
#[test]
fn one_pass_fill_agrees_with_the_lazy_list() {
    let body = api_fixture("history-p2p-100.response.json");
    let lazy = History::from_json(&body).unwrap();
    let all: Vec<_> = lazy.messages().iter().collect();
    assert_eq!(all.len(), 100);
    let mut out = vec![None; 128];
    let (h, n) = History::from_json_fill(&body, &mut out).unwrap();
    assert_eq!((n, h.messages().len()), (100, 100));
    assert_eq!(h, lazy);
    assert!(
        out[..n]
            .iter()
            .zip(&all)
            .all(|(s, m)| s.as_ref() == Some(m))
    );
    assert!(out[n..].iter().all(Option::is_none));

    let mut short = vec![None; 7];
    let (h, n) = History::from_json_fill(&body, &mut short).unwrap();
    assert_eq!((n, h.messages().len()), (7, 100));
    assert!(short.iter().zip(&all).all(|(s, m)| s.as_ref() == Some(m)));

    // A bad element after the slice is full still fails, at its offset.
    let text = String::from_utf8(body.clone()).unwrap();
    let at = text.rfind("\"ts\":\"").unwrap() + 5;
    let len = text[at + 1..].find('"').unwrap() + 2;
    let mut bad = text.clone();
    bad.replace_range(at..at + len, "true");
    let ReplyError::Decode(e) = History::from_json_fill(bad.as_bytes(), &mut short).unwrap_err()
    else {
        panic!("not a decode error")
    };
    let ReplyError::Decode(lazy_e) = History::from_json(bad.as_bytes()).unwrap_err() else {
        panic!("not a decode error")
    };
    assert_eq!(e, lazy_e);
    assert_eq!(e.offset(), Some(at));
    assert_eq!(e.field(), Some("ts"));

    let body = api_fixture("topic-query.response.json");
    let lazy = TopicData::from_json(&body).unwrap();
    let mut out = vec![None; 4];
    let (t, n) = TopicData::from_json_fill(&body, &mut out).unwrap();
    assert_eq!(t, lazy);
    assert_eq!(n, lazy.members().len().min(4));
    assert!(
        out[..n]
            .iter()
            .zip(lazy.members().iter())
            .all(|(s, m)| s.as_ref() == Some(&m))
    );
    // A failed reply is the API's error, whatever `out` is.
    let err = api_fixture("error.response.json");
    assert!(matches!(
        TopicData::from_json_fill(&err, &mut out),
        Err(ReplyError::Api(_))
    ));
}

/// `TryFrom<&[u8]>` / `TryFrom<&str>` are `from_json`, errors included.
#[test]
fn try_from_is_from_json() {
    let body = api_fixture("token.response.json");
    assert_eq!(
        TokenData::try_from(body.as_slice()).unwrap(),
        TokenData::from_json(&body).unwrap()
    );
    let text = std::str::from_utf8(&body).unwrap();
    let t: TokenData<'_> = text.try_into().unwrap();
    assert_eq!(t, TokenData::from_json(&body).unwrap());
    let err = api_fixture("error.response.json");
    assert!(matches!(
        TokenData::try_from(err.as_slice()),
        Err(ReplyError::Api(_))
    ));
    let r = Response::try_from(err.as_slice()).unwrap();
    assert_eq!(r, Response::from_json(&err).unwrap());
    assert_eq!(
        mimc_codec::Callback::try_from("{").unwrap_err(),
        mimc_codec::Callback::from_json(b"{").unwrap_err()
    );
}

/// One pass: errors come in the order of the document. A type error inside `data` is found before a
/// syntax error after it (the wrapper alone, which reads `data` raw, reports the syntax error).
#[test]
fn errors_come_in_document_order() {
    let body = br#"{"code":200,"message":"success","data":{"appId":true,"x":tru}}"#;
    let ReplyError::Decode(typed) = TokenData::from_json(body).unwrap_err() else {
        panic!("not a decode error")
    };
    assert_eq!(typed.field(), Some("appId"));
    assert!(!typed.kind().is_syntax());
    let wrapper = Response::from_json(body).unwrap_err();
    assert_eq!(wrapper.kind(), ErrorKind::InvalidLiteral);
    assert!(typed.offset() < wrapper.offset());
    // `data` before `code`: read after the wrapper, so the syntax error comes first.
    let late = br#"{"data":{"appId":true,"x":tru},"code":200}"#;
    let ReplyError::Decode(e) = TokenData::from_json(late).unwrap_err() else {
        panic!("not a decode error")
    };
    assert_eq!(e.kind(), ErrorKind::InvalidLiteral);
}

/// A list reply whose `data` is not an array fails as the two-step path does (fuzz finding: the
/// in-place read named the field `data`, `from_raw` of the wrapper's `data` names none).
#[test]
fn a_list_reply_of_the_wrong_type_fails_as_the_two_step_path() {
    let body = br#"{"code":200,"message":"success","data":null}"#;
    let ReplyError::Decode(one_pass) = TopicList::from_json(body).unwrap_err() else {
        panic!("not a decode error")
    };
    let data = Response::from_json(body).unwrap().data();
    assert_eq!(one_pass, TopicList::from_raw(data).unwrap_err());
    assert_eq!(
        one_pass.kind(),
        ErrorKind::WrongType {
            expected: ValueKind::Array,
            found: ValueKind::Null
        }
    );
}
