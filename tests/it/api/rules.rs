//! Domain rules checked before sending, secrets kept out of `Debug`, and allocation-free decoding.

use mimc_codec::api::{
    ApiRequest as _, Auth, Contacts, ContactsRequest, History, PushMessage, PushP2p, PushP2pMore,
    PushP2t, PushP2tMore, PushSender, Response, Secret, TimeWindow, TokenData, TokenRequest,
    TopicCreate, TopicJoin, TopicKick, TopicQuery,
};
use mimc_codec::{Error, ErrorKind, JsonU64};

use super::{APP_ID, APP_KEY, APP_SECRET, TOKEN, TOPIC_ID, api_fixture, app_auth, token_auth};
use crate::alloc_count;

fn invalid(e: Error, field: &str, why_contains: &str) {
    let ErrorKind::InvalidValue(why) = e.kind() else {
        panic!("{e:?}")
    };
    assert!(why.contains(why_contains), "{why}");
    assert_eq!(e.field(), Some(field));
}

#[test]
fn accounts_with_commas_are_refused_everywhere_they_travel_joined() {
    let bad = ["user_lei", "a,b"];
    let auth = token_auth();
    invalid(
        TopicCreate::new(APP_ID, auth, "g", &bad).unwrap_err(),
        "accounts",
        "comma",
    );
    invalid(
        TopicJoin::new(APP_ID, TOPIC_ID, auth, &bad).unwrap_err(),
        "accounts",
        "comma",
    );
    invalid(
        TopicKick::new(APP_ID, TOPIC_ID, auth, &bad).unwrap_err(),
        "accounts",
        "comma",
    );
    // An empty account would read as a missing one between two commas.
    invalid(
        TopicJoin::new(APP_ID, TOPIC_ID, auth, &["a", ""]).unwrap_err(),
        "accounts",
        "empty",
    );
    // Invite and kick need someone; create may name only the owner.
    invalid(
        TopicJoin::new(APP_ID, TOPIC_ID, auth, &[]).unwrap_err(),
        "accounts",
        "no accounts",
    );
    invalid(
        TopicKick::new(APP_ID, TOPIC_ID, auth, &[]).unwrap_err(),
        "accounts",
        "no accounts",
    );
    assert!(TopicCreate::new(APP_ID, auth, "g", &[]).is_ok());
    // A comma is fine where accounts travel as a JSON array.
    let sender = PushSender::new(APP_ID, APP_KEY, APP_SECRET, "user_lei", "push_server");
    assert!(PushP2pMore::new(sender, &bad, PushMessage::text("x")).is_ok());
}

#[test]
fn at_most_500_members_per_create_or_invite() {
    let names: Vec<String> = (0..501).map(|i| format!("1380000{i:04}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let auth = token_auth();
    assert!(TopicCreate::new(APP_ID, auth, "g", &refs[..500]).is_ok());
    assert!(TopicJoin::new(APP_ID, TOPIC_ID, auth, &refs[..500]).is_ok());
    invalid(
        TopicCreate::new(APP_ID, auth, "g", &refs).unwrap_err(),
        "accounts",
        "500",
    );
    invalid(
        TopicJoin::new(APP_ID, TOPIC_ID, auth, &refs).unwrap_err(),
        "accounts",
        "500",
    );
}

#[test]
fn history_windows_increase_and_last_at_most_24_hours() {
    let day = 86_400_000u64;
    let from = 1_597_968_000_000u64;
    assert_eq!(TimeWindow::new(from, from + day).unwrap().len_ms(), day);
    assert_eq!(TimeWindow::new(from, from + 1).unwrap().len_ms(), 1);
    invalid(
        TimeWindow::new(from, from + day + 1).unwrap_err(),
        "utcToTime",
        "24 hours",
    );
    invalid(
        TimeWindow::new(from, from).unwrap_err(),
        "utcToTime",
        "increase",
    );
    invalid(
        TimeWindow::new(from + 1, from).unwrap_err(),
        "utcToTime",
        "increase",
    );
    invalid(
        TimeWindow::day_until(day - 1).unwrap_err(),
        "utcFromTime",
        "epoch",
    );
    let w = TimeWindow::day_until(from + day).unwrap();
    assert_eq!((w.from().get(), w.to().get()), (from, from + day));
    assert!(w.from().is_quoted() && w.to().is_quoted());
}

#[test]
fn empty_messages_and_empty_target_lists_are_refused() {
    let sender = PushSender::new(APP_ID, APP_KEY, APP_SECRET, "user_lei", "push_server");
    for msg in [PushMessage::text(""), PushMessage::bytes(b"")] {
        assert!(msg.is_empty());
        invalid(PushP2p::new(sender, "10", msg).unwrap_err(), "msg", "empty");
        invalid(
            PushP2pMore::new(sender, &["10"], msg).unwrap_err(),
            "msg",
            "empty",
        );
        invalid(
            PushP2t::new(sender, TOPIC_ID, msg).unwrap_err(),
            "msg",
            "empty",
        );
        invalid(
            PushP2tMore::new(sender, &[TOPIC_ID], msg).unwrap_err(),
            "msg",
            "empty",
        );
    }
    let hi = PushMessage::text("hi");
    invalid(
        PushP2pMore::new(sender, &[], hi).unwrap_err(),
        "toAccounts",
        "no accounts",
    );
    invalid(
        PushP2tMore::new(sender, &[], hi).unwrap_err(),
        "topicIds",
        "no groups",
    );
}

/// `{:?}` of `value` shows the redaction and none of the secrets.
fn redacted(value: &dyn std::fmt::Debug, secrets: &[&str]) {
    for text in [format!("{value:?}"), format!("{value:#?}")] {
        assert!(text.contains("<redacted>"), "{text}");
        for s in secrets {
            assert!(!text.contains(s), "secret {s:?} in {text}");
        }
    }
}

#[test]
fn secrets_never_appear_in_debug_output() {
    let app = [APP_KEY, APP_SECRET];
    redacted(&Secret::from(APP_SECRET), &app);
    redacted(&app_auth("user_lei"), &app);
    redacted(&token_auth(), &[TOKEN, &TOKEN[..16]]);
    redacted(
        &TokenRequest::new(APP_ID, APP_KEY, APP_SECRET, "user_lei"),
        &app,
    );
    let sender = PushSender::new(APP_ID, APP_KEY, APP_SECRET, "user_lei", "push_server");
    redacted(&sender, &app);
    redacted(
        &PushP2p::new(sender, "10", PushMessage::text("hi")).unwrap(),
        &app,
    );
    redacted(
        &PushP2tMore::new(sender, &[TOPIC_ID], PushMessage::text("hi")).unwrap(),
        &app,
    );
    redacted(
        &TopicCreate::new(APP_ID, app_auth("user_lei"), "g", &["10"]).unwrap(),
        &app,
    );
    let contacts = ContactsRequest::new(APP_ID, app_auth("user_lei"));
    redacted(&contacts, &app);
    // Headers show names and harmless values only.
    let headers = contacts.headers();
    redacted(&headers, &app);
    let shown = format!("{headers:?}");
    assert!(shown.contains("user_lei") && shown.contains("2882303761517669588"));
    redacted(
        &TopicQuery::new(APP_ID, TOPIC_ID, token_auth()).headers(),
        &[TOKEN],
    );

    // The token reply: the typed data, and the raw wrapper (whose `data` holds both secrets).
    let body = api_fixture("token.response.json");
    let key = "gl8D/DIg8f3zl1iFiKtSOg==";
    let data = TokenData::from_json(&body).unwrap();
    redacted(&data, &[TOKEN, &TOKEN[..16], key]);
    redacted(&data.auth().unwrap(), &[TOKEN]);
    let response = Response::from_json(&body).unwrap();
    let shown = format!("{response:?}");
    assert!(
        !shown.contains(&TOKEN[..16]) && !shown.contains(key),
        "{shown}"
    );
    assert!(shown.contains("an object"), "{shown}");
    // Debug still shows what is not secret.
    assert!(format!("{data:?}").contains("com.xiaomi.mimcdemo"));
    assert!(
        format!("{:?}", Auth::token_or(None, app_auth("user_jun")).unwrap()).contains("user_jun")
    );
}

#[test]
fn decoding_100_history_messages_allocates_nothing() {
    let body = api_fixture("history-p2p-100.response.json");
    let (allocs, (count, bytes, seq_sum)) = alloc_count::count(|| {
        let h = History::from_json(&body).unwrap();
        let mut buf = [0u8; 1024];
        let (mut count, mut bytes, mut seq_sum) = (0usize, 0usize, 0u64);
        for m in h.messages() {
            count += 1;
            bytes += m.payload_into(&mut buf).unwrap().len();
            seq_sum = seq_sum.wrapping_add(m.sequence().get());
            assert!(m.from_account() == "10" || m.from_account() == "user_lei");
        }
        (count, bytes, seq_sum)
    });
    assert_eq!(allocs, 0);
    assert_eq!(count, 100);
    assert!(bytes > 100 * 50);
    assert!(seq_sum > 0);
}

#[test]
fn decoding_contacts_allocates_nothing() {
    let body = api_fixture("contacts.response.json");
    let (allocs, (topics, bytes)) = alloc_count::count(|| {
        let contacts = Contacts::from_json(&body).unwrap();
        let mut buf = [0u8; 512];
        let mut topics = 0;
        let mut bytes = 0;
        for c in &contacts {
            if c.user_type() == mimc_codec::api::UserType::Topic {
                topics += 1;
            }
            bytes += c.last_message().payload_into(&mut buf).unwrap().len();
            assert!(c.name().as_str().is_some());
        }
        (topics, bytes)
    });
    assert_eq!(allocs, 0);
    assert_eq!(topics, 2);
    assert!(bytes > 0);
}

#[test]
fn building_requests_into_slices_allocates_nothing() {
    let accounts = ["10", "user_jun", "user_bin"];
    let (allocs, n) = alloc_count::count(|| {
        use mimc_codec::ToJson as _;
        let req = TopicCreate::new(
            JsonU64::number(APP_ID),
            app_auth("user_lei"),
            "小米即时消息云开发群",
            &accounts,
        )
        .unwrap();
        let mut body = [0u8; 256];
        let mut path = [0u8; 64];
        let n = req.to_json_slice(&mut body).unwrap().len();
        let p = req.path_into(&mut path).unwrap().len();
        let h = req.headers().count();
        n + p + h
    });
    assert_eq!(allocs, 0);
    assert!(n > 0);
}
