//! Every request: method, path, headers and the exact body bytes of the manual's example.
#![cfg_attr(not(feature = "alloc"), allow(unused_imports, dead_code))] // the tests that need alloc are gated

use mimc_codec::api::{
    ApiRequest, Auth, Call, ContactsRequest, HistoryP2p, HistoryP2t, PushMessage, PushP2p,
    PushP2pMore, PushP2t, PushP2tMore, PushSender, TimeWindow, TokenRequest, TopicCreate,
    TopicDismiss, TopicJoin, TopicKick, TopicMine, TopicQuery, TopicQuit, TopicUpdate,
};
use mimc_codec::{JsonU64, ToJson};

use super::{APP_ID, APP_KEY, APP_SECRET, TOKEN, TOPIC_ID, app_auth, check_request, token_auth};
use crate::fixture;

const JSON: (&str, &str) = ("Content-Type", "application/json");
const TOKEN_HEADER: (&str, &str) = ("token", TOKEN);

fn app_headers(account: &str) -> [(&str, &str); 3] {
    [
        ("appKey", APP_KEY),
        ("appSecret", APP_SECRET),
        ("appAccount", account),
    ]
}

fn sender(app_id: JsonU64) -> PushSender<'static> {
    PushSender::new(app_id, APP_KEY, APP_SECRET, "user_lei", "push_server")
}

const TOPIC_PATH: &str = "/api/topic/2882303761517669588/30094929200414721";

#[test]
fn token() {
    let req = TokenRequest::new(JsonU64::number(APP_ID), APP_KEY, APP_SECRET, "user_lei");
    check_request(
        &req,
        "POST",
        "/api/account/token",
        &[JSON],
        Some("token.request.json"),
    );
    assert_eq!(TokenRequest::CALL, "token");
}

#[test]
fn push_p2p_text() {
    // The WebJS demo sends an envelope's JSON text as `msg`.
    let envelope = fixture("envelope/text_chinese_emoji.json");
    let text = std::str::from_utf8(&envelope).unwrap();
    let req = PushP2p::new(sender(APP_ID.into()), "10", PushMessage::text(text)).unwrap();
    check_request(
        &req,
        "POST",
        "/api/push/p2p/",
        &[JSON],
        Some("push-p2p.request.json"),
    );
}

#[test]
fn push_p2p_bytes_go_base64() {
    let envelope = fixture("envelope/text_chinese_emoji.json");
    let req = PushP2p::new(sender(APP_ID.into()), "10", PushMessage::bytes(&envelope)).unwrap();
    check_request(
        &req,
        "POST",
        "/api/push/p2p/",
        &[JSON],
        Some("push-p2p.base64.request.json"),
    );
}

#[test]
fn push_p2p_more() {
    let to = ["10", "user_jun", "user_bin"];
    let req = PushP2pMore::new(
        sender(JsonU64::number(APP_ID)),
        &to,
        PushMessage::text("你好，小米即时消息云"),
    )
    .unwrap();
    check_request(
        &req,
        "POST",
        "/api/push/p2p/more",
        &[JSON],
        Some("push-p2p-more.request.json"),
    );
}

#[test]
fn push_p2t() {
    let req = PushP2t::new(
        sender(APP_ID.into()),
        TOPIC_ID,
        PushMessage::text("群公告：今晚 8 点发布会😀"),
    )
    .unwrap();
    check_request(
        &req,
        "POST",
        "/api/push/p2t/",
        &[JSON],
        Some("push-p2t.request.json"),
    );
}

#[cfg(feature = "alloc")]
#[test]
fn push_p2t_more() {
    let topics = [21_351_198_708_203_520, 21_351_235_479_666_688];
    let req = PushP2tMore::new(
        sender(APP_ID.into()),
        &topics,
        PushMessage::text("系统维护通知：今晚 23:00-23:30"),
    )
    .unwrap()
    .with_numeric_ids(true);
    check_request(
        &req,
        "POST",
        "/api/push/p2t/more",
        &[JSON],
        Some("push-p2t-more.request.json"),
    );
    // Ids are strings unless asked otherwise.
    let quoted = req.with_numeric_ids(false).to_json_string().unwrap();
    assert!(quoted.contains(r#""topicIds":["21351198708203520","21351235479666688"]"#));
}

#[test]
fn topic_create_with_either_auth() {
    let accounts = ["10", "user_jun", "user_bin"];
    let path = "/api/topic/2882303761517669588";
    let req = TopicCreate::new(APP_ID, token_auth(), "小米即时消息云开发群", &accounts).unwrap();
    check_request(
        &req,
        "POST",
        path,
        &[JSON, TOKEN_HEADER],
        Some("topic-create.request.json"),
    );
    let req = TopicCreate::new(
        APP_ID,
        app_auth("user_lei"),
        "小米即时消息云开发群",
        &accounts,
    )
    .unwrap();
    let mut headers = vec![JSON];
    headers.extend(app_headers("user_lei"));
    check_request(
        &req,
        "POST",
        path,
        &headers,
        Some("topic-create.request.json"),
    );
}

#[test]
fn token_wins_when_both_are_given() {
    let auth = Auth::token_or(Some(TOKEN.into()), app_auth("user_lei")).unwrap();
    let req = TopicQuery::new(APP_ID, TOPIC_ID, auth);
    check_request(&req, "GET", TOPIC_PATH, &[TOKEN_HEADER], None);
    let auth = Auth::token_or(None, app_auth("user_lei")).unwrap();
    let req = TopicQuery::new(APP_ID, TOPIC_ID, auth);
    check_request(&req, "GET", TOPIC_PATH, &app_headers("user_lei"), None);
}

#[test]
fn topic_query() {
    let req = TopicQuery::new(APP_ID, TOPIC_ID, token_auth());
    check_request(&req, "GET", TOPIC_PATH, &[TOKEN_HEADER], None);
}

#[test]
fn topic_mine() {
    let req = TopicMine::new(APP_ID, app_auth("user_lei"));
    check_request(
        &req,
        "GET",
        "/api/topic/2882303761517669588/account",
        &app_headers("user_lei"),
        None,
    );
}

#[test]
fn topic_join() {
    let accounts = ["user_wen", "user_hua"];
    let req = TopicJoin::new(APP_ID, TOPIC_ID, token_auth(), &accounts).unwrap();
    check_request(
        &req,
        "POST",
        &format!("{TOPIC_PATH}/accounts"),
        &[JSON, TOKEN_HEADER],
        Some("topic-join.request.json"),
    );
}

#[test]
fn topic_quit() {
    let req = TopicQuit::new(APP_ID, TOPIC_ID, app_auth("user_jun"));
    check_request(
        &req,
        "DELETE",
        &format!("{TOPIC_PATH}/account"),
        &app_headers("user_jun"),
        None,
    );
}

#[cfg(feature = "alloc")]
#[test]
fn topic_kick_puts_accounts_in_the_query() {
    // Join left six members, kick leaves three: `10`, `user_wen` and `user_hua` were removed.
    let accounts = ["10", "user_wen", "user_hua"];
    let req = TopicKick::new(APP_ID, TOPIC_ID, token_auth(), &accounts).unwrap();
    check_request(
        &req,
        "DELETE",
        &format!("{TOPIC_PATH}/accounts?accounts=10,user_wen,user_hua"),
        &[TOKEN_HEADER],
        None,
    );
    // Characters outside the unreserved set are percent-encoded, so the URI stays valid.
    let odd = ["a b", "x&y=z", "李", "ok-._~"];
    let req = TopicKick::new(APP_ID, TOPIC_ID, token_auth(), &odd).unwrap();
    assert_eq!(
        req.path().unwrap(),
        format!("{TOPIC_PATH}/accounts?accounts=a%20b,x%26y%3Dz,%E6%9D%8E,ok-._~")
    );
}

#[cfg(feature = "alloc")]
#[test]
fn topic_update() {
    let req = TopicUpdate::new(APP_ID, TOPIC_ID, app_auth("user_lei"))
        .with_owner_account("user_jun")
        .with_topic_name("MIMC 开发者（北京）")
        .with_bulletin("新公告：本群只讨论 MIMC 接入问题，请勿刷屏！😀");
    let mut headers = vec![JSON];
    headers.extend(app_headers("user_lei"));
    check_request(
        &req,
        "PUT",
        TOPIC_PATH,
        &headers,
        Some("topic-update.request.json"),
    );
    // Every field is optional: only those set are sent.
    let name_only = TopicUpdate::new(APP_ID, TOPIC_ID, token_auth()).with_topic_name("MIMC");
    assert_eq!(
        name_only.to_json_string().unwrap(),
        r#"{"topicName":"MIMC"}"#
    );
    let nothing = TopicUpdate::new(APP_ID, TOPIC_ID, token_auth());
    assert_eq!(nothing.to_json_string().unwrap(), "{}");
}

#[test]
fn topic_dismiss() {
    let req = TopicDismiss::new(APP_ID, TOPIC_ID, token_auth());
    check_request(&req, "DELETE", TOPIC_PATH, &[TOKEN_HEADER], None);
}

#[test]
fn history_p2p() {
    let window = TimeWindow::new(1_597_968_000_000u64, 1_598_054_400_000u64).unwrap();
    let req = HistoryP2p::new(APP_ID, token_auth(), "user_lei", "10", window);
    check_request(
        &req,
        "POST",
        "/api/msg/p2p/query/",
        &[JSON, TOKEN_HEADER],
        Some("history-p2p.request.json"),
    );
}

#[test]
fn history_p2t_with_numbers() {
    let window = TimeWindow::new(
        JsonU64::number(1_597_968_000_000),
        JsonU64::number(1_598_054_400_000),
    )
    .unwrap();
    let req = HistoryP2t::new(
        JsonU64::number(APP_ID),
        token_auth(),
        "user_lei",
        JsonU64::number(TOPIC_ID),
        window,
    );
    check_request(
        &req,
        "POST",
        "/api/msg/p2t/query/",
        &[JSON, TOKEN_HEADER],
        Some("history-p2t.request.json"),
    );
    let day = TimeWindow::day_until(JsonU64::number(1_598_054_400_000)).unwrap();
    assert_eq!(day, window);
}

#[test]
fn contacts_with_either_auth() {
    let req = ContactsRequest::new(APP_ID, app_auth("user_lei"));
    check_request(
        &req,
        "GET",
        "/api/contact/",
        &[
            ("appId", "2882303761517669588"),
            ("appKey", APP_KEY),
            ("appSecret", APP_SECRET),
            ("appAccount", "user_lei"),
        ],
        None,
    );
    let req = ContactsRequest::new(APP_ID, token_auth());
    check_request(&req, "GET", "/api/contact/", &[TOKEN_HEADER], None);
    assert_eq!(req.headers().get("TOKEN").unwrap(), TOKEN);
    assert!(req.headers().get("appId").is_none());
}

#[cfg(feature = "alloc")]
/// `call` describes `req`: the same name as the request type's `CALL`, the same method, and the route
/// with the request's ids (and topic-kick's accounts) in place is its path.
fn check_call<R: ApiRequest>(call: Call, req: &R, accounts: &str) {
    assert_eq!(call.name(), R::CALL);
    assert_eq!(Call::from_name(R::CALL), Some(call));
    assert_eq!(call.method(), req.method(), "{call}");
    assert_eq!(call.has_body(), req.has_body(), "{call}");
    let path = call
        .route()
        .replace("{appId}", &APP_ID.to_string())
        .replace("{topicId}", &TOPIC_ID.to_string())
        .replace("{accounts}", accounts);
    assert_eq!(req.path().unwrap(), path, "{call}");
}

#[cfg(feature = "alloc")]
#[test]
fn the_call_list_names_every_request_type() {
    let text = || PushMessage::text("hi");
    let window = TimeWindow::new(1_597_968_000_000u64, 1_598_054_400_000u64).unwrap();
    let mut seen = Vec::new();
    for call in Call::ALL {
        match call {
            Call::Token => check_call(
                call,
                &TokenRequest::new(JsonU64::number(APP_ID), APP_KEY, APP_SECRET, "user_lei"),
                "",
            ),
            Call::PushP2p => check_call(
                call,
                &PushP2p::new(sender(APP_ID.into()), "10", text()).unwrap(),
                "",
            ),
            Call::PushP2pMore => check_call(
                call,
                &PushP2pMore::new(sender(APP_ID.into()), &["10"], text()).unwrap(),
                "",
            ),
            Call::PushP2t => check_call(
                call,
                &PushP2t::new(sender(APP_ID.into()), TOPIC_ID, text()).unwrap(),
                "",
            ),
            Call::PushP2tMore => check_call(
                call,
                &PushP2tMore::new(sender(APP_ID.into()), &[TOPIC_ID], text()).unwrap(),
                "",
            ),
            Call::TopicCreate => check_call(
                call,
                &TopicCreate::new(APP_ID, token_auth(), "g", &["10"]).unwrap(),
                "",
            ),
            Call::TopicQuery => {
                check_call(call, &TopicQuery::new(APP_ID, TOPIC_ID, token_auth()), "");
            }
            Call::TopicMine => check_call(call, &TopicMine::new(APP_ID, token_auth()), ""),
            Call::TopicJoin => check_call(
                call,
                &TopicJoin::new(APP_ID, TOPIC_ID, token_auth(), &["10"]).unwrap(),
                "",
            ),
            Call::TopicQuit => {
                check_call(call, &TopicQuit::new(APP_ID, TOPIC_ID, token_auth()), "");
            }
            Call::TopicKick => check_call(
                call,
                &TopicKick::new(APP_ID, TOPIC_ID, token_auth(), &["d", "e"]).unwrap(),
                "d,e",
            ),
            Call::TopicUpdate => {
                check_call(call, &TopicUpdate::new(APP_ID, TOPIC_ID, token_auth()), "");
            }
            Call::TopicDismiss => {
                check_call(call, &TopicDismiss::new(APP_ID, TOPIC_ID, token_auth()), "");
            }
            Call::HistoryP2p => check_call(
                call,
                &HistoryP2p::new(APP_ID, token_auth(), "user_lei", "10", window),
                "",
            ),
            Call::HistoryP2t => check_call(
                call,
                &HistoryP2t::new(APP_ID, token_auth(), "user_lei", TOPIC_ID, window),
                "",
            ),
            Call::Contacts => check_call(call, &ContactsRequest::new(APP_ID, token_auth()), ""),
            other => panic!("{other}: a call this test does not know"),
        }
        seen.push(call.name());
    }
    // The fixtures are named after the calls.
    assert_eq!(
        seen,
        [
            "token",
            "push-p2p",
            "push-p2p-more",
            "push-p2t",
            "push-p2t-more",
            "topic-create",
            "topic-query",
            "topic-mine",
            "topic-join",
            "topic-quit",
            "topic-kick",
            "topic-update",
            "topic-dismiss",
            "history-p2p",
            "history-p2t",
            "contacts",
        ]
    );
    for name in seen {
        assert!(
            std::fs::read_dir(crate::fixture_path("api"))
                .unwrap()
                .any(|e| e.unwrap().file_name().to_string_lossy().starts_with(name)),
            "no fixture for {name}"
        );
    }
}

#[cfg(feature = "alloc")]
#[test]
fn bodies_escape_like_serde_json() {
    let name = "quote \" backslash \\ newline \n tab \t ctl \u{1} slash / 中😀";
    let accounts = ["a\"b", "c\\d"];
    let req = TopicCreate::new(APP_ID, token_auth(), name, &accounts).unwrap();
    let body = req.to_json_string().unwrap();
    let want = serde_json::to_string(&serde_json::json!({"topicName": name})).unwrap();
    assert!(body.starts_with(&want[..want.len() - 1]), "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["topicName"], name);
    assert_eq!(v["accounts"], "a\"b,c\\d");
}

#[cfg(feature = "alloc")]
#[test]
fn message_bytes_of_every_length_encode_as_standard_base64() {
    use base64::Engine as _;
    let data: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
    for len in [1, 2, 3, 47, 48, 49, 95, 96, 97, 1000] {
        let req = PushP2p::new(
            sender(APP_ID.into()),
            "10",
            PushMessage::bytes(&data[..len]),
        )
        .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&req.to_json_vec().unwrap()).unwrap();
        let want = base64::engine::general_purpose::STANDARD.encode(&data[..len]);
        assert_eq!(v["msg"], want.as_str(), "{len}");
        assert_eq!(v["msgType"], "base64");
    }
}

#[test]
fn too_small_buffers_fail_cleanly() {
    let req = TopicCreate::new(APP_ID, token_auth(), "g", &["a", "b"]).unwrap();
    let n = req.json_len();
    let mut buf = vec![0u8; n];
    for short in 0..n {
        let e = req.to_json_slice(&mut buf[..short]).unwrap_err();
        assert_eq!(
            e.kind(),
            mimc_codec::ErrorKind::BufferTooSmall { needed: 34 }
        );
    }
}

#[cfg(feature = "http")]
mod http {
    use mimc_codec::api::{ApiRequest, Auth, BASE_URL, TopicCreate, TopicData, TopicQuery};

    use super::super::{APP_ID, TOPIC_ID, api_fixture, token_auth};

    #[test]
    fn an_escaped_token_from_a_reply_is_sent_unescaped() {
        let reply = br#"{"code":200,"message":"success","data":{"appId":"2882303761517669588",
            "appPackage":"p","appAccount":"user_lei","miChid":9,"miUserId":"1",
            "miUserSecurityKey":"gl8D\/DIg8f3zl1iFiKtSOg==","token":"ab\/cd+ef"}}"#;
        let data = mimc_codec::api::TokenData::from_json(reply).unwrap();
        let req = TopicQuery::new(APP_ID, TOPIC_ID, data.auth().unwrap());
        let http_req = req.to_http_request(BASE_URL).unwrap();
        assert_eq!(http_req.headers()["token"], "ab/cd+ef");
    }

    /// `Debug` of an `http::Request` must not show credentials: a `tracing::debug!(?req)` would log them.
    #[test]
    fn secret_headers_are_sensitive_and_never_in_debug_of_the_http_request() {
        use super::super::{APP_KEY, APP_SECRET, TOKEN, app_auth};
        use mimc_codec::api::{
            ContactsRequest, PushMessage, PushP2p, PushSender, TokenRequest, TopicKick,
        };
        fn shown<R: ApiRequest>(req: &R) -> (String, http::Request<Vec<u8>>) {
            let r = req.to_http_request(BASE_URL).unwrap();
            (format!("{r:?} {r:#?} {:?}", r.headers()), r)
        }
        let secrets = [TOKEN, &TOKEN[..16], APP_KEY, APP_SECRET];
        let token = TopicQuery::new(APP_ID, TOPIC_ID, token_auth());
        let app = ContactsRequest::new(APP_ID, app_auth("user_lei"));
        let create = TopicCreate::new(APP_ID, app_auth("user_lei"), "g", &["10"]).unwrap();
        let kick = TopicKick::new(APP_ID, TOPIC_ID, token_auth(), &["10"]).unwrap();
        for (text, r) in [shown(&token), shown(&app), shown(&create), shown(&kick)] {
            for s in secrets {
                assert!(!text.contains(s), "secret {s:?} in {text}");
            }
            assert!(text.contains("Sensitive"), "{text}");
            for (name, value) in r.headers() {
                let secret = ["token", "appkey", "appsecret"].contains(&name.as_str());
                assert_eq!(value.is_sensitive(), secret, "{name}");
            }
        }
        // What is not secret still shows.
        let (text, _) = shown(&app);
        assert!(
            text.contains("user_lei") && text.contains("2882303761517669588"),
            "{text}"
        );

        // The token request and the pushes carry appKey/appSecret in the body, as the API wants: no
        // header to protect, and the body bytes hold them (documented on `to_http_request`).
        let sender = PushSender::new(APP_ID, APP_KEY, APP_SECRET, "user_lei", "push_server");
        let push = PushP2p::new(sender, "10", PushMessage::text("hi")).unwrap();
        let token_req = TokenRequest::new(APP_ID, APP_KEY, APP_SECRET, "user_lei");
        for (text, r) in [shown(&push), shown(&token_req)] {
            assert!(
                !text.contains(APP_KEY) && !text.contains(APP_SECRET),
                "{text}"
            );
            assert_eq!(r.headers().len(), 1);
            let body = String::from_utf8(r.body().clone()).unwrap();
            assert!(body.contains(APP_SECRET), "{body}");
        }
    }

    #[test]
    fn header_values_that_http_forbids_are_errors_naming_the_header() {
        // A line break cannot even enter an `Auth` (tests/it/hostile.rs has every builder).
        let e = Auth::app("k", "s", "bad\naccount").unwrap_err();
        assert_eq!(e.field(), Some("appAccount"));
        let req = TopicQuery::new(APP_ID, TOPIC_ID, Auth::app("k", "s", "good").unwrap());
        let e = req.to_http_request("not a uri").unwrap_err();
        assert_eq!(e.field(), Some("uri"));
        // Non-ASCII accounts (UTF-8 bytes) are allowed as opaque header bytes.
        let req = TopicQuery::new(APP_ID, TOPIC_ID, Auth::app("k", "s", "李雷").unwrap());
        let r = req.to_http_request(BASE_URL).unwrap();
        assert_eq!(r.headers()["appaccount"].as_bytes(), "李雷".as_bytes());
    }

    #[test]
    fn replies_from_http_responses() {
        let req = TopicCreate::new(APP_ID, token_auth(), "g", &["10"]).unwrap();
        let ok = http::Response::builder()
            .status(200)
            .body(api_fixture("topic-create.response.json"))
            .unwrap();
        let data: TopicData<'_> = req.parse_http_response(&ok).unwrap();
        assert_eq!(data.members().len(), 4);

        let failed = http::Response::builder()
            .status(200)
            .body(api_fixture("error.response.json"))
            .unwrap();
        let e = req.parse_http_response(&failed).unwrap_err();
        assert_eq!(e.api_error().unwrap().code(), 500);

        let proxy = http::Response::builder()
            .status(502)
            .body(b"<html>Bad Gateway</html>".to_vec())
            .unwrap();
        assert!(matches!(
            req.parse_http_response(&proxy),
            Err(mimc_codec::api::ReplyError::Status(502))
        ));
        let garbage = http::Response::builder()
            .status(200)
            .body(b"<html>".to_vec())
            .unwrap();
        assert!(matches!(
            req.parse_http_response(&garbage),
            Err(mimc_codec::api::ReplyError::Decode(_))
        ));
        // A MIMC body wins over the status.
        let odd = http::Response::builder()
            .status(500)
            .body(api_fixture("error.response.json"))
            .unwrap();
        assert!(
            req.parse_http_response(&odd)
                .unwrap_err()
                .api_error()
                .is_some()
        );
    }
}
