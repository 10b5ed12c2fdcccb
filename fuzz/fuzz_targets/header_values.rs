//! Arbitrary bytes → credentials as HTTP header values (the sans-IO API's `Auth` and what it hands out).
//! The input is split in three at the two positions its first two bytes name; each part is tried as
//! text made in code (`Auth::token`, `Auth::app`, `Auth::token_or`) and as the JSON string content of a
//! token reply (`TokenData::auth`, escapes and all). Must hold: a refusal is `InvalidValue` naming the
//! field at an offset inside that field's text (or, for a reply, at a character of its token); the
//! check agrees with the `http` crate's `HeaderValue` on the unescaped text, less only a space or tab at
//! either end (which HTTP strips); every `Auth` made yields header values free of CR, LF, NUL and other
//! controls but tab, and `to_http_request` succeeds with exactly those bytes, secrets marked sensitive.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mimc_codec::api::{
    ApiRequest, Auth, BASE_URL, ContactsRequest, Secret, TokenData, TopicCreate, TopicQuery,
    check_header_value,
};
use mimc_codec::json::JsonStr;
use mimc_codec::{Error, ErrorKind};

/// What `check_header_value` must decide: `http::HeaderValue` on the bytes, and no space or tab at the
/// ends.
fn reference(unescaped: &str) -> bool {
    http::HeaderValue::from_bytes(unescaped.as_bytes()).is_ok()
        && !unescaped.starts_with([' ', '\t'])
        && !unescaped.ends_with([' ', '\t'])
}

/// A refusal: `InvalidValue` naming `field`, at an offset in `start..end`.
fn check_refusal(e: &Error, field: &str, start: usize, end: usize) {
    assert!(matches!(e.kind(), ErrorKind::InvalidValue(_)), "{e}");
    assert_eq!(e.field(), Some(field), "{e}");
    assert!(
        (start..end).contains(&e.offset().unwrap()),
        "{e} not in {start}..{end}"
    );
    let _ = e.to_string();
}

/// Everything an accepted `Auth` hands out is a clean header value, and converts exactly.
fn check_auth(auth: Auth<'_>, expect: &[(&str, String)]) {
    let query = TopicQuery::new(1u64, 2u64, auth);
    let contacts = ContactsRequest::new(1u64, auth);
    let create = TopicCreate::new(1u64, auth, "g", &["a"]).expect("a valid group");
    check_request(&query, expect);
    check_request(&contacts, expect);
    check_request(&create, expect);
    let _ = format!("{auth:?}");
}

fn check_request<R: ApiRequest>(req: &R, expect: &[(&str, String)]) {
    for (name, value) in req.headers() {
        let text = value.to_string();
        assert!(
            !text.bytes().any(|b| (b < 0x20 && b != b'\t') || b == 0x7f),
            "{name}: {text:?}"
        );
        assert!(!text.starts_with([' ', '\t']) && !text.ends_with([' ', '\t']));
        if let Some((_, want)) = expect.iter().find(|(n, _)| *n == name) {
            assert_eq!(&text, want, "{name}");
        }
    }
    let r = req
        .to_http_request(BASE_URL)
        .unwrap_or_else(|e| panic!("{}: an accepted Auth did not convert: {e}", R::CALL));
    for (name, value) in r.headers() {
        let secret = ["token", "appkey", "appsecret"].contains(&name.as_str());
        assert_eq!(value.is_sensitive(), secret, "{name}");
        if let Some((_, want)) = expect
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name.as_str()))
        {
            assert_eq!(value.as_bytes(), want.as_bytes(), "{name}");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let (a, b) = match data {
        [a, b, ..] => (usize::from(*a), usize::from(*b)),
        _ => return,
    };
    let rest = &data[2..];
    let i = a.min(rest.len());
    let j = (i + b).min(rest.len());
    let parts = [&rest[..i], &rest[i..j], &rest[j..]];

    // Text made in code.
    let texts: Vec<Option<&str>> = parts.iter().map(|p| std::str::from_utf8(p).ok()).collect();
    if let [Some(key), Some(secret), Some(account)] = texts[..] {
        for (text, field) in [(key, "token"), (secret, "token"), (account, "token")] {
            let r = Auth::token(text);
            assert_eq!(r.is_ok(), reference(text), "{text:?}: {r:?}");
            match r {
                Ok(auth) => check_auth(auth, &[("token", text.to_owned())]),
                Err(e) => check_refusal(&e, field, 0, text.len()),
            }
            let app = Auth::app("k", "s", "a").expect("valid");
            assert_eq!(
                Auth::token_or(Some(Secret::from(text)), app).is_ok(),
                reference(text)
            );
        }
        let ok = [key, secret, account].iter().all(|t| reference(t));
        match Auth::app(key, secret, account) {
            Ok(auth) => {
                assert!(ok);
                check_auth(
                    auth,
                    &[
                        ("appKey", key.to_owned()),
                        ("appSecret", secret.to_owned()),
                        ("appAccount", account.to_owned()),
                    ],
                );
            }
            Err(e) => {
                assert!(!ok);
                // The first field that is not a header value is the one named.
                let (field, text) = [
                    ("appKey", key),
                    ("appSecret", secret),
                    ("appAccount", account),
                ]
                .into_iter()
                .find(|(_, t)| !reference(t))
                .expect("one of them is refused");
                check_refusal(&e, field, 0, text.len());
            }
        }
        // `check_header_value` itself on a string made in code.
        assert_eq!(
            check_header_value(JsonStr::new(account), "x").is_ok(),
            reference(account)
        );
    }

    // JSON string content of a token reply: escapes are checked on what they decode to.
    let head = br#"{"code":200,"message":"success","data":{"appId":"1","appPackage":"p","appAccount":"a","miChid":9,"miUserId":"1","miUserSecurityKey":"","token":""#;
    let mut body = head.to_vec();
    body.extend_from_slice(rest);
    body.extend_from_slice(b"\"}}");
    if let Ok(data) = TokenData::from_json(&body) {
        let token = data.token().expose();
        let unescaped = token.to_string();
        match data.auth() {
            Ok(auth) => {
                assert!(reference(&unescaped), "{unescaped:?}");
                check_auth(auth, &[("token", unescaped)]);
            }
            Err(e) => {
                assert!(!reference(&unescaped), "{unescaped:?}: {e}");
                check_refusal(
                    &e,
                    "token",
                    token.offset(),
                    token.offset() + token.raw().len(),
                );
            }
        }
    }
});
