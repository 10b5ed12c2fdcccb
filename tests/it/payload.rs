//! Base64 payloads: property tests against the `base64` crate, fixtures, error offsets.

use std::fmt::Write as _;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_PAD_INDIFFERENT};
use mimc_codec::{DecodeOptions, ErrorKind, JsonStr, Payload, RawJson, json};
use proptest::prelude::*;

use crate::{JsonOut, decoded, fixture};

/// Writes `text` as a JSON string, spelling each `/` as `\/` where `escape` says so (cycled).
fn json_string(text: &str, escape: &[bool]) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    out.push('"');
    let mut k = 0usize;
    for ch in text.chars() {
        match ch {
            '/' => {
                let esc = escape
                    .get(k % escape.len().max(1))
                    .copied()
                    .unwrap_or(false);
                k += 1;
                out.push_str(if esc { "\\/" } else { "/" });
            }
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Reads the `payload` member of `{"payload": <value>}` the way a callback does.
fn with_payload<R>(doc: &[u8], f: impl FnOnce(Payload<'_>) -> R) -> R {
    let mut obj = json::top_object(doc, &DecodeOptions::new()).unwrap();
    let (key, value) = obj.next_member().unwrap().unwrap();
    assert_eq!(key, "payload");
    assert!(obj.next_member().unwrap().is_none());
    f(Payload::from_json(&value).unwrap())
}

const NO_LIMIT: DecodeOptions = DecodeOptions::new().with_max_payload(usize::MAX);

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// bytes → base64 in JSON (random `\/`, padded or not) → decode_into → the same bytes, exactly as the
    /// `base64` crate decodes the unescaped text.
    #[test]
    fn base64_in_json_round_trips(
        bytes in proptest::collection::vec(any::<u8>(), 0..20_000),
        escape in proptest::collection::vec(any::<bool>(), 1..64),
        padded in any::<bool>(),
    ) {
        let b64 = if padded { STANDARD.encode(&bytes) } else { base64::engine::general_purpose::STANDARD_NO_PAD.encode(&bytes) };
        let doc = format!("{{\"payload\":{}}}", json_string(&b64, &escape));
        let reference = STANDARD_PAD_INDIFFERENT.decode(&b64).unwrap();
        prop_assert_eq!(&reference, &bytes);
        with_payload(doc.as_bytes(), |p| {
            prop_assert_eq!(p.decoded_len().unwrap(), bytes.len());
            let mut buf = vec![0u8; bytes.len()];
            let got = p.decode_into_with(&mut buf, &NO_LIMIT).unwrap();
            prop_assert_eq!(got, &bytes[..]);
            prop_assert_eq!(p, Payload::from_bytes(&bytes));
            prop_assert_eq!(p, Payload::from_json_str(JsonStr::new(&b64)));
            // Encoding bytes gives the padded text back.
            let written = Payload::from_bytes(&bytes).json_string().unwrap();
            prop_assert_eq!(written, format!("\"{}\"", STANDARD.encode(&bytes)));
            Ok(())
        })?;
    }

    /// Any text over a base64-ish alphabet (junk and misplaced padding included): accepted exactly when
    /// the `base64` crate accepts the unescaped text, with the same bytes; rejected with an offset inside
    /// the string, never a panic.
    #[test]
    fn agrees_with_the_base64_crate_on_any_text(
        text in "[A-Za-z0-9+/=]{0,40}|[A-Za-z0-9+/= \\-_.\u{e9}\n]{0,600}",
        escape in proptest::collection::vec(any::<bool>(), 1..8),
    ) {
        let value = json_string(&text, &escape);
        let doc = format!("{{\"payload\":{value}}}");
        let reference = STANDARD_PAD_INDIFFERENT.decode(&text);
        with_payload(doc.as_bytes(), |p| {
            let mut buf = vec![0u8; 1000];
            let got = p.decode_into_with(&mut buf, &NO_LIMIT);
            match (&reference, got) {
                (Ok(want), Ok(got)) => {
                    prop_assert_eq!(&want[..], got);
                    prop_assert_eq!(p.decoded_len().unwrap(), want.len());
                }
                (Err(_), Err(e)) => {
                    prop_assert_eq!(e.kind(), ErrorKind::InvalidBase64);
                    prop_assert_eq!(e.field(), Some("payload"));
                    // Inside the string value (which starts at byte 11), or at its closing quote.
                    prop_assert!(e.offset().is_some_and(|o| o >= 12) && e.offset().is_some_and(|o| o < 11 + value.len()), "{} {}", e, value);
                }
                (want, got) => prop_assert!(false, "base64 crate: {want:?}, payload: {got:?}"),
            }
            Ok(())
        })?;
    }

    /// The reported offset is the same whether or not `/` was escaped, once mapped back to the text.
    #[test]
    fn error_offsets_map_back_to_the_same_character(
        text in "[A-Za-z0-9+/]{0,300}[!#$%]?[A-Za-z0-9+/]{0,300}",
        escape in proptest::collection::vec(any::<bool>(), 1..8),
    ) {
        let plain = json_string(&text, &[false]);
        let escaped = json_string(&text, &escape);
        let err = |v: &str| {
            let raw = RawJson::parse(v).unwrap();
            Payload::from_json(&raw).unwrap().decode_into_with(&mut [0u8; 600], &NO_LIMIT).err()
        };
        match (err(&plain), err(&escaped)) {
            (None, None) => {}
            (Some(a), Some(b)) => {
                // Character index of the error in the plain text = index after undoing the extra `\`s.
                let extra = escaped[..b.offset().unwrap()].matches('\\').count();
                prop_assert_eq!(a.offset().unwrap(), b.offset().unwrap() - extra);
                prop_assert_eq!(a.kind(), b.kind());
            }
            (a, b) => prop_assert!(false, "{a:?} vs {b:?}"),
        }
    }
}

#[test]
fn bench_fixtures_decode_as_the_base64_crate_does() {
    for (name, len) in [
        ("callback_b64_64.json", 64),
        ("callback_b64_1k.json", 1024),
        ("callback_b64_15k.json", 15360),
    ] {
        let doc = fixture(&format!("bench/{name}"));
        let mut obj = json::top_object(&doc, &DecodeOptions::new()).unwrap();
        let mut found = false;
        while let Some((key, value)) = obj.next_member().unwrap() {
            if key == "payload" {
                let p = Payload::from_json(&value).unwrap();
                let text = p.text().unwrap().as_str().unwrap();
                let want = STANDARD.decode(text).unwrap();
                assert_eq!(want.len(), len);
                assert_eq!(p.decoded_len().unwrap(), len);
                let mut buf = vec![0u8; len];
                assert_eq!(p.decode_into(&mut buf).unwrap(), &want[..], "{name}");
                found = true;
            }
        }
        assert!(found);
    }
}

#[test]
fn the_default_limit_is_15_kib() {
    let at_limit = vec![1u8; 15 * 1024];
    let over = vec![1u8; 15 * 1024 + 1];
    let mut buf = vec![0u8; 20_000];
    for (bytes, ok) in [(&at_limit, true), (&over, false)] {
        let json = Payload::from_bytes(bytes).json_string().unwrap();
        let raw = RawJson::parse(&json).unwrap();
        let p = Payload::from_json(&raw).unwrap();
        match p.decode_into(&mut buf) {
            Ok(got) => assert!(ok && got == &bytes[..]),
            Err(e) => {
                assert!(!ok);
                assert_eq!(
                    (e.kind(), e.offset(), e.field()),
                    (
                        ErrorKind::PayloadTooLarge { limit: 15 * 1024 },
                        Some(0),
                        Some("payload")
                    )
                );
            }
        }
        assert_eq!(decoded(&p).is_ok(), ok);
    }
}

#[test]
fn plain_text_payloads_have_a_text_view() {
    // The Flutter dialect's plain text, as a JSON string.
    let raw = RawJson::parse(r#""\u4f60\u597d world""#).unwrap();
    let p = Payload::from_json(&raw).unwrap();
    assert_eq!(p.text().unwrap(), "你好 world");
    assert_eq!(p.text().unwrap().as_str(), None);
    let raw = RawJson::parse(r#""hello""#).unwrap();
    assert_eq!(
        Payload::from_json(&raw).unwrap().text().unwrap().as_str(),
        Some("hello")
    );
    assert_eq!(Payload::from_bytes(b"x").text(), None);
}
