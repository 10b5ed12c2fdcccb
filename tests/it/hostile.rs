//! Hostile input: deep, huge, repetitive, truncated and corrupted documents. Each gives a value or an error
//! whose offset lies inside the input, in one linear pass, without allocating (so in memory that does not
//! grow with nesting or size), and never panics. Also the regression cases of fuzz findings.

use crate::biz_type;
use mimc_codec::json::ValueKind;
use std::fmt::Write as _;
use std::path::Path;

use mimc_codec::api::{
    Auth, Contacts, FromData, History, HistoryP2p, HistoryP2pBody, HistoryP2t, HistoryP2tBody,
    PacketId, PacketIds, PushP2p, PushP2pMore, PushP2t, PushP2tMore, ReplyError, Response,
    TokenData, TokenRequest, TopicCreate, TopicCreateBody, TopicData, TopicJoin, TopicJoinBody,
    TopicList, TopicUpdate, TopicUpdateBody,
};
use mimc_codec::json::{self, RawJson};
use mimc_codec::{
    Body, Callback, ContentKind, DecodeOptions, Envelope, Error, ErrorKind, FileKind, Kind,
};

use crate::{JsonOut, alloc_count, fixture, fixture_path};

/// Runs `f`, asserting it allocates nothing. (No timed assertion: machines are noisy; a hang would stop
/// the test run, and the inputs are sized so that a super-linear path would be obvious there.)
fn no_alloc<R>(what: &str, f: impl FnOnce() -> R) -> R {
    let (allocs, r) = alloc_count::count(f);
    assert_eq!(allocs, 0, "{what}: decoding allocated");
    r
}

const PREFIX: &str =
    r#"{"version":0,"msgId":"NESTED_1","msgType":"NESTED","timestamp":"1516763973000","payload":"#;

/// A custom-kind envelope with `payload` verbatim.
fn custom_with(payload: &str) -> Vec<u8> {
    let mut doc = String::with_capacity(PREFIX.len() + payload.len() + 1);
    doc.push_str(PREFIX);
    doc.push_str(payload);
    doc.push('}');
    doc.into_bytes()
}

fn expect_err(what: &str, r: Result<impl std::fmt::Debug, Error>, kind: ErrorKind, offset: usize) {
    let e = r.expect_err(what);
    assert_eq!((e.kind(), e.offset()), (kind, Some(offset)), "{what}: {e}");
}

// ---------------------------------------------------------------------------------------------------
// Nesting

#[test]
fn hundred_thousand_nested_arrays_in_a_custom_payload() {
    const N: usize = 100_000;
    let closed = custom_with(&("[".repeat(N) + &"]".repeat(N)));
    let open = custom_with(&"[".repeat(N));
    let objects = custom_with(&r#"{"a":"#.repeat(N));
    for (what, doc, stride) in [
        ("closed", &closed, 1),
        ("unclosed", &open, 1),
        ("objects", &objects, 5),
    ] {
        // The top-level object is level 1, so the payload may open 127 containers; the 128th fails.
        let r = no_alloc(what, || Envelope::from_json(doc).map(|_| ()));
        expect_err(
            what,
            r,
            ErrorKind::DepthLimitExceeded { limit: 128 },
            PREFIX.len() + 127 * stride,
        );
        // At the hard limit too, still without recursion or allocation.
        let opts = DecodeOptions::new().with_max_depth(usize::MAX);
        let r = no_alloc(what, || Envelope::from_json_with(doc, &opts).map(|_| ()));
        expect_err(
            what,
            r,
            ErrorKind::DepthLimitExceeded {
                limit: mimc_codec::json::MAX_DEPTH_LIMIT,
            },
            PREFIX.len() + 1023 * stride,
        );
    }
    // The bare reader the same way.
    let text = "[".repeat(N) + &"]".repeat(N);
    let r = no_alloc("bare", || RawJson::parse(&text).map(|_| ()));
    expect_err("bare", r, ErrorKind::DepthLimitExceeded { limit: 128 }, 128);
    // Within the limit, deep nesting is accepted and kept verbatim.
    let ok = custom_with(&("[".repeat(127) + &"]".repeat(127)));
    let env = no_alloc("127 deep", || Envelope::from_json(&ok)).unwrap();
    assert_eq!(env.raw_payload().unwrap().as_str().len(), 254);
}

#[test]
fn deep_nesting_in_skipped_unknown_values_is_capped_too() {
    const N: usize = 100_000;
    let doc = format!(r#"{{"ext":{}, "version":0}}"#, "[".repeat(N));
    let r = no_alloc("unknown", || {
        Envelope::from_json(doc.as_bytes()).map(|_| ())
    });
    expect_err(
        "unknown",
        r,
        ErrorKind::DepthLimitExceeded { limit: 128 },
        7 + 127,
    );
}

// ---------------------------------------------------------------------------------------------------
// Size

#[test]
fn ten_megabyte_strings() {
    const MB10: usize = 10 * 1024 * 1024;
    // Plain text mixing ASCII and 3-byte characters: borrowed as is.
    let unit = "MIMC 小米即时消息云 ";
    let text = unit.repeat(MB10 / unit.len());
    let doc = format!(
        r#"{{"version":0,"msgId":"TEXT_1","msgType":"TEXT","timestamp":"1516763973000","payload":"{text}"}}"#
    );
    let env = no_alloc("10 MB text", || Envelope::from_json(doc.as_bytes())).unwrap();
    let Body::Text(t) = env.body() else {
        panic!("{:?}", env.kind())
    };
    assert_eq!(t.as_str(), Some(text.as_str()));
    assert_eq!(env.json_vec().unwrap(), doc.as_bytes());

    // Every other character escaped: unescaped lazily, in linear time, into a caller's buffer.
    let escaped = r"a\n\u4e2d\/".repeat(MB10 / 11);
    let doc = format!(
        r#"{{"version":0,"msgId":"TEXT_2","msgType":"TEXT","timestamp":"1516763973000","payload":"{escaped}"}}"#
    );
    let env = no_alloc("10 MB escaped", || Envelope::from_json(doc.as_bytes())).unwrap();
    let payload = env.payload_str().unwrap();
    let want_len = (1 + 1 + 3 + 1) * (MB10 / 11);
    let len = no_alloc("unescaped_len", || payload.unescaped_len());
    assert_eq!(len, want_len);
    let mut buf = vec![0u8; len];
    let s = no_alloc("unescape_into", || {
        payload.unescape_into(&mut buf).map(str::len)
    });
    assert_eq!(s.unwrap(), want_len);
    assert!(buf.starts_with("a\n中/a\n中/".as_bytes()));

    // A 10 MB escaped kind name: classified on its unescaped text in linear time, the open part
    // borrowed from the input.
    let doc = format!(
        r#"{{"version":0,"msgId":"F","msgType":"{escaped}\u005fFILE","timestamp":"1","payload":"u"}}"#
    );
    let env = no_alloc("10 MB kind", || Envelope::from_json(doc.as_bytes())).unwrap();
    let Body::File { kind, .. } = env.body() else {
        panic!("{:?}", env.body())
    };
    assert!(matches!(kind, FileKind::_Custom(_)), "{kind:?}");
    let x = kind.as_json_str();
    assert_eq!(x.raw(), escaped);
    assert_eq!(x.unescaped_len(), want_len);

    // Unterminated: the error is at the end, found in one pass.
    let doc = format!(r#"{{"payload":"{text}"#);
    let r = no_alloc("unterminated", || {
        Envelope::from_json(doc.as_bytes()).map(|_| ())
    });
    expect_err("unterminated", r, ErrorKind::UnexpectedEnd, doc.len());
}

#[test]
fn a_key_repeated_100_000_times() {
    const N: usize = 100_000;
    let head = r#"{"version":0,"msgId":"TEXT_1","msgType":"TEXT","timestamp":"1","payload":"x""#;
    // An unknown key: skipped (validated) every time; not tracked, so no memory per key.
    let doc = format!("{head}{}}}", r#","ext":[1,{"a":null}]"#.repeat(N));
    let env = no_alloc("unknown key", || Envelope::from_json(doc.as_bytes())).unwrap();
    assert_eq!(env.payload_str().unwrap(), "x");
    // A known key: the second occurrence is the error, at its opening quote.
    let doc = format!("{head}{}}}", r#","msgId":"again""#.repeat(N));
    let r = no_alloc("known key", || {
        Envelope::from_json(doc.as_bytes()).map(|_| ())
    });
    expect_err("known key", r, ErrorKind::DuplicateKey, head.len() + 1);
    // Inside a custom payload any key may repeat: it is free-form JSON, kept verbatim.
    let payload = format!("{{{}\"a\":0}}", r#""a":0,"#.repeat(N));
    let doc = custom_with(&payload);
    let env = no_alloc("payload key", || Envelope::from_json(&doc)).unwrap();
    assert_eq!(env.raw_payload().unwrap().as_str(), payload);
}

#[test]
fn numbers_with_10_000_digits() {
    let digits = "9".repeat(10_000);
    // Free-form: accepted and kept verbatim, never converted.
    for number in [
        digits.clone(),
        format!("-{digits}"),
        format!("0.{digits}"),
        format!("1e{digits}"),
        format!("-{digits}.{digits}E-{digits}"),
    ] {
        let doc = custom_with(&number);
        let env = no_alloc("payload number", || Envelope::from_json(&doc)).unwrap();
        assert_eq!(env.raw_payload().unwrap().as_str(), number);
    }
    // As an id: an overflow error at the value, whether number or string.
    let at = r#"{"version":0,"msgId":"T","msgType":"TEXT","payload":"x","timestamp":"#.len();
    for (ts, offset) in [(digits.clone(), at), (format!("\"{digits}\""), at + 1)] {
        let doc = format!(
            r#"{{"version":0,"msgId":"T","msgType":"TEXT","payload":"x","timestamp":{ts}}}"#
        );
        let r = no_alloc("timestamp", || {
            Envelope::from_json(doc.as_bytes()).map(|_| ())
        });
        let e = r.unwrap_err();
        assert_eq!(
            (e.kind(), e.offset(), e.field()),
            (ErrorKind::IntegerOverflow, Some(offset), Some("timestamp"))
        );
    }
    // Malformed after 10 000 digits: found at the right byte.
    let bad = custom_with(&format!("{digits}.e"));
    let r = no_alloc("bad number", || Envelope::from_json(&bad).map(|_| ()));
    expect_err(
        "bad number",
        r,
        ErrorKind::InvalidNumber,
        PREFIX.len() + 10_001,
    );
}

#[test]
fn to_accounts_with_a_million_entries() {
    const N: usize = 1_000_000;
    let mut doc = String::from(
        r#"{"msgType":"NORMAL_TOPIC_MSG","appId":"2882303761517669588","topicId":"30094929200414721","fromAccount":"13800000000","toAccounts":["#,
    );
    for i in 0..N {
        if i > 0 {
            doc.push(',');
        }
        write!(doc, "\"{}\"", 13_800_000_000u64 + i as u64).unwrap();
    }
    doc.push_str(r#"],"payload":"cG9uZw==","timestamp":"1598006351955"}"#);
    let cb = no_alloc("a million members", || Callback::from_json(doc.as_bytes())).unwrap();
    let Callback::NormalTopicMsg(m) = cb else {
        panic!("{:?}", cb.kind())
    };
    assert_eq!(m.to_accounts.len(), N);
    let (count, last) = no_alloc("iterate", || {
        let mut it = m.to_accounts.iter();
        let count = it.len();
        (count, it.by_ref().last())
    });
    assert_eq!(count, N);
    assert_eq!(last.unwrap(), "13800999999");
    assert!(no_alloc("contains", || m
        .to_accounts
        .contains("13800999999")));
    assert!(!m.to_accounts.contains("13801000000"));
    assert_eq!(cb.json_vec().unwrap(), doc.as_bytes());
    // One bad element at the very end: found, at its offset, after a million good ones.
    let bad = doc.replacen(r#""13800999999"]"#, "13800999999]", 1);
    let at = bad.find("13800999999]").unwrap();
    let r = no_alloc("bad member", || {
        Callback::from_json(bad.as_bytes()).map(|_| ())
    });
    let e = r.unwrap_err();
    assert_eq!(
        (e.kind(), e.offset(), e.field()),
        (
            ErrorKind::WrongType {
                expected: ValueKind::String,
                found: ValueKind::Number
            },
            Some(at),
            Some("toAccounts")
        )
    );
}

// ---------------------------------------------------------------------------------------------------
// Every fixture, corrupted and truncated

/// Every fixture file (JSON, invalid JSON and JSONC samples), as `(path relative to tests/fixtures, bytes)`.
fn all_fixture_files() -> Vec<(String, Vec<u8>)> {
    fn walk(dir: &Path, rel: &str, out: &mut Vec<(String, Vec<u8>)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let rel = if rel.is_empty() {
                name
            } else {
                format!("{rel}/{name}")
            };
            if path.is_dir() {
                walk(&path, &rel, out);
            } else if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("json" | "jsonc")
            ) {
                out.push((rel, std::fs::read(&path).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(&fixture_path(""), "", &mut out);
    out.sort();
    assert!(out.len() >= 80, "fixtures missing: {}", out.len());
    out
}

/// Reads a whole document with the generic reader: every member of the top-level object validated.
fn read_document(bytes: &[u8]) -> Result<(), Error> {
    let mut obj = json::top_object(bytes, &DecodeOptions::new())?;
    while obj.next_member()?.is_some() {}
    Ok(())
}

fn is_envelope(rel: &str) -> bool {
    rel.starts_with("envelope/") || rel.starts_with("bench/text_") || rel == "bench/custom_1k.json"
}

/// Every decoder that applies to the fixture at `rel`, run on `bytes`; the generic document reader where no
/// model applies (a model's decoder reads the whole document with the same engine).
fn decode_all(rel: &str, bytes: &[u8]) -> Vec<(&'static str, Result<(), Error>)> {
    let mut out = Vec::new();
    if let Some(r) = decode_reply(rel, bytes) {
        out.push(("reply", r));
    } else if let Some(r) = decode_request(rel, bytes) {
        out.push(("request", r));
    } else if !is_envelope(rel) && !is_callback(rel) {
        out.push(("document", read_document(bytes)));
    }
    if is_envelope(rel) {
        let r =
            Envelope::from_json_with_kind_and_options(bytes, biz_type(rel), &DecodeOptions::new());
        out.push(("envelope", r.map(|_| ())));
    }
    if is_callback(rel) {
        let r = Callback::from_json(bytes).and_then(|cb| {
            // The chain to the message inside is part of reading a callback.
            let mut buf = vec![0u8; 16 * 1024];
            cb.decode_message(&mut buf).map(|_| ())
        });
        out.push(("callback", r));
    }
    out
}

/// An API reply fixture decoded as its call's typed reply (a non-200 `code` counts as decoded).
fn decode_reply(rel: &str, bytes: &[u8]) -> Option<Result<(), Error>> {
    fn typed<'a, T: FromData<'a>>(bytes: &'a [u8]) -> Result<(), Error> {
        match T::from_json(bytes) {
            Ok(_) | Err(ReplyError::Api(_)) => Ok(()),
            Err(ReplyError::Decode(e)) => Err(e),
            Err(other) => panic!("{other:?}"),
        }
    }
    let name = rel.strip_prefix("api/")?;
    let call = name.split_once(".response")?.0;
    Some(match call {
        "token" => typed::<TokenData>(bytes),
        "push-p2p" | "push-p2t" => typed::<PacketId>(bytes),
        "push-p2p-more" | "push-p2t-more" => typed::<PacketIds>(bytes),
        "topic-create" | "topic-query" | "topic-join" | "topic-kick" | "topic-update" => {
            typed::<TopicData>(bytes)
        }
        "topic-mine" => typed::<TopicList>(bytes),
        "topic-quit" => typed::<Option<TopicData>>(bytes),
        "topic-dismiss" => typed::<()>(bytes),
        "history-p2p" | "history-p2p-100" | "history-p2t" => typed::<History>(bytes),
        "contacts" => typed::<Contacts>(bytes),
        _ => Response::from_json(bytes).map(|_| ()),
    })
}

/// An API request fixture decoded as its call's request.
fn decode_request(rel: &str, bytes: &[u8]) -> Option<Result<(), Error>> {
    const APP_ID: u64 = 2_882_303_761_517_669_588;
    const TOPIC_ID: u64 = 30_094_929_200_414_721;
    let auth = || Auth::token("cUyhSzbq").unwrap();
    let name = rel.strip_prefix("api/")?;
    let call = name.split_once(".request")?.0.trim_end_matches(".base64");
    Some(match call {
        "token" => TokenRequest::from_json(bytes).map(|_| ()),
        "push-p2p" => PushP2p::from_json(bytes).map(|_| ()),
        "push-p2p-more" => PushP2pMore::from_json(bytes).map(|_| ()),
        "push-p2t" => PushP2t::from_json(bytes).map(|_| ()),
        "push-p2t-more" => PushP2tMore::from_json(bytes).map(|_| ()),
        "topic-create" => TopicCreateBody::from_json(bytes)
            .and_then(|b| TopicCreate::from_body(APP_ID, auth(), b))
            .map(|_| ()),
        "topic-join" => TopicJoinBody::from_json(bytes)
            .and_then(|b| TopicJoin::from_body(APP_ID, TOPIC_ID, auth(), b))
            .map(|_| ()),
        "topic-update" => TopicUpdateBody::from_json(bytes)
            .map(|b| TopicUpdate::from_body(APP_ID, TOPIC_ID, auth(), b))
            .map(|_| ()),
        "history-p2p" => HistoryP2pBody::from_json(bytes)
            .map(|b| HistoryP2p::from_body(auth(), b))
            .map(|_| ()),
        "history-p2t" => HistoryP2tBody::from_json(bytes)
            .map(|b| HistoryP2t::from_body(auth(), b))
            .map(|_| ()),
        _ => return None,
    })
}

fn is_callback(rel: &str) -> bool {
    rel.starts_with("callback/")
        || rel.starts_with("bench/callback_")
        || rel == "bench/topic_500.json"
}

/// Is `rel` a fixture every decoder accepts whole?
fn valid_whole(rel: &str) -> bool {
    !rel.starts_with("envelope/invalid/") && !rel.starts_with("literal/")
}

#[test]
fn every_fixture_decodes_whole() {
    for (rel, bytes) in all_fixture_files() {
        for (decoder, r) in decode_all(&rel, &bytes) {
            match r {
                Ok(()) => assert!(
                    valid_whole(&rel) || decoder == "document",
                    "{rel}: {decoder} accepted an invalid file"
                ),
                // Some invalid envelopes are well-formed JSON: only the envelope decoder must refuse them.
                Err(e) => {
                    assert!(!valid_whole(&rel), "{rel}: {decoder}: {e}");
                    assert!(
                        e.offset().is_some_and(|o| o <= bytes.len()),
                        "{rel}: {decoder}: {e}"
                    );
                }
            }
        }
    }
}

/// Checks every truncation `bytes[..len]` for `len` in `lens`; returns how many decodes were checked.
fn check_truncations(rel: &str, bytes: &[u8], lens: std::ops::Range<usize>) -> usize {
    let whole = std::str::from_utf8(bytes).ok();
    let mut checked = 0;
    for len in lens {
        for (decoder, r) in decode_all(rel, &bytes[..len]) {
            let Err(e) = r else {
                panic!("{rel} cut at {len}: {decoder} accepted it");
            };
            assert!(
                e.offset().is_some_and(|o| o <= len),
                "{rel} cut at {len}: {decoder}: {e}"
            );
            if let (true, Some(whole)) = (valid_whole(rel), whole) {
                // A valid document cut short runs out of input, or out of a UTF-8 character (then the
                // error is where that character starts).
                let char_start = (0..=len).rev().find(|&s| whole.is_char_boundary(s));
                match e.kind() {
                    ErrorKind::UnexpectedEnd => {}
                    ErrorKind::InvalidUtf8 if Some(len) != char_start => {
                        assert_eq!(e.offset(), char_start, "{rel} cut at {len}: {e}");
                    }
                    _ => panic!("{rel} cut at {len}: {decoder}: {e}"),
                }
            }
            checked += 1;
        }
    }
    checked
}

/// Cutting a document anywhere leaves an invalid one: O(n^2) work per file (about 10^9 bytes read in all),
/// shared out over the machine's cores in blocks of truncation lengths.
#[test]
fn every_truncation_of_every_fixture_is_an_error_inside_the_input() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    const BLOCK: usize = 1024;
    let files = all_fixture_files();
    let mut work = Vec::new();
    for (i, (_, bytes)) in files.iter().enumerate() {
        // Truncations that only drop trailing whitespace would leave the document whole.
        let end = bytes
            .iter()
            .rposition(|b| !b.is_ascii_whitespace())
            .unwrap_or(0);
        for start in (0..=end).step_by(BLOCK) {
            work.push((i, start..(start + BLOCK).min(end + 1)));
        }
    }
    let next = AtomicUsize::new(0);
    let checked = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                while let Some((i, lens)) = work.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let (rel, bytes) = &files[*i];
                    let n = check_truncations(rel, bytes, lens.clone());
                    checked.fetch_add(n, Ordering::Relaxed);
                }
            });
        }
    });
    let checked = checked.into_inner();
    assert!(checked > 90_000, "{checked}");
}

/// Byte sequences that are invalid UTF-8 wherever they are inserted between characters.
const BAD_UTF8: [&[u8]; 6] = [
    b"\xFF",
    b"\x80",             // a lone continuation byte
    b"\xC0\xAF",         // overlong `/`
    b"\xED\xA0\x80",     // an encoded surrogate
    b"\xF4\x90\x80\x80", // above U+10FFFF
    b"\xE4\xB8",         // a character cut short
];

#[test]
fn invalid_utf8_at_every_position_of_valid_messages() {
    let mut checked = 0usize;
    for (rel, bytes) in all_fixture_files() {
        if !valid_whole(&rel) || bytes.len() > 8 * 1024 {
            continue;
        }
        let text = std::str::from_utf8(&bytes).unwrap();
        for i in 0..=bytes.len() {
            let mut cases: Vec<(Vec<u8>, usize)> = Vec::new();
            if text.is_char_boundary(i) {
                for bad in BAD_UTF8 {
                    cases.push(([&bytes[..i], bad, &bytes[i..]].concat(), i));
                }
            }
            if i < bytes.len() {
                // Overwriting any byte with 0xFF breaks the character that byte belongs to.
                let start = (0..=i).rev().find(|&s| text.is_char_boundary(s)).unwrap();
                let mut v = bytes.clone();
                v[i] = 0xFF;
                cases.push((v, start));
            }
            for (input, at) in &cases {
                for (decoder, r) in decode_all(&rel, input) {
                    let Err(e) = r else {
                        panic!("{rel} bad at {i}: {decoder} accepted it");
                    };
                    assert_eq!(
                        (e.kind(), e.offset()),
                        (ErrorKind::InvalidUtf8, Some(*at)),
                        "{rel} bad at {i}: {decoder}: {e}"
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 50_000, "{checked}");
}

// ---------------------------------------------------------------------------------------------------
// Credentials as header values, base URLs, long URIs (issue 12)

/// Values that would break or change a header line, and where (byte index) the first problem is.
const BAD_HEADER_VALUES: [(&str, usize); 14] = [
    ("\r", 0),
    ("\n", 0),
    ("cUyhSzbq\r\nX-Evil: 1", 8),
    ("cUyhSzbq\nX-Evil: 1", 8),
    ("cUyhSzbq\rX-Evil: 1", 8),
    ("ab\0cd", 2),
    ("ab\x01", 2),
    ("\x1b[2J", 0),
    ("ab\x7f", 2),
    ("ab\x1f", 2),
    (" leading", 0),
    ("\tleading", 0),
    ("trailing ", 8),
    ("trailing\t", 8),
];

/// Odd but valid header values: visible ASCII (`:` included), inner spaces and tabs, UTF-8 (bytes
/// 0x80-0xFF, `obs-text`), C1 controls and line separators beyond ASCII, which no HTTP parser breaks on.
const ODD_HEADER_VALUES: [&str; 8] = [
    "X-Evil: 1",
    "a b\tc",
    "李雷",
    "a\u{85}b",
    "a\u{2028}b",
    "~!@#$%^&*()_+{}|:\"<>?`-=[]\\;',./",
    "",
    "é",
];

fn expect_invalid(r: Result<Auth<'_>, Error>, field: &str, offset: usize, what: &str) {
    let e = r.expect_err(what);
    assert!(
        matches!(e.kind(), ErrorKind::InvalidValue(why) if why.contains("HTTP header")),
        "{what}: {e}"
    );
    assert_eq!(
        (e.field(), e.offset()),
        (Some(field), Some(offset)),
        "{what}: {e}"
    );
}

#[test]
fn header_values_with_control_bytes_cannot_enter_an_auth() {
    for (bad, at) in BAD_HEADER_VALUES {
        let what = format!("{bad:?}");
        expect_invalid(Auth::token(bad), "token", at, &what);
        expect_invalid(Auth::app(bad, "s", "a"), "appKey", at, &what);
        expect_invalid(Auth::app("k", bad, "a"), "appSecret", at, &what);
        expect_invalid(Auth::app("k", "s", bad), "appAccount", at, &what);
        let app = Auth::app("k", "s", "a").unwrap();
        expect_invalid(Auth::token_or(Some(bad.into()), app), "token", at, &what);
    }
}

/// A token reply whose `token` is `json` (JSON string content, escapes allowed), and where it starts.
fn token_reply(json: &str) -> (Vec<u8>, usize) {
    let head = r#"{"code":200,"message":"success","data":{"appId":"2882303761517669588","appPackage":"p","appAccount":"user_lei","miChid":9,"miUserId":"1","miUserSecurityKey":"gl8D/DIg8f3zl1iFiKtSOg==","token":""#;
    (format!("{head}{json}\"}}}}").into_bytes(), head.len())
}

#[test]
fn escaped_control_characters_in_a_token_reply_are_refused_at_their_escape() {
    use mimc_codec::api::ApiRequest as _;
    // JSON escapes of what `BAD_HEADER_VALUES` holds raw: checked on the text they decode to, the
    // error at the escape's backslash in the reply body.
    for (json, at) in [
        (r"cUyhSzbq\r\nX-Evil: 1", 8),
        (r"cUyhSzbq\u000d\u000aX-Evil: 1", 8),
        (r"cUyhSzbq\nX-Evil: 1", 8),
        (r"ab\u0000cd", 2),
        (r"ab\/cd\u0000", 6),
        (r"\u00e9\ud83d\ude00\u007f", 18),
        (r"ab\b", 2),
        (r"ab\f", 2),
        (r"\u0020leading", 0),
        (r"trailing\t", 8),
        (r#"a\"b\\c\u0009"#, 7),
    ] {
        let (body, start) = token_reply(json);
        let data = TokenData::from_json(&body).unwrap();
        expect_invalid(data.auth(), "token", start + at, json);
        expect_invalid(Auth::token(data.token()), "token", start + at, json);
    }
    // Escapes of harmless characters are fine, and reach the header unescaped.
    let (body, _) = token_reply(r"ab\/cd\u00e9\tx\u0041");
    let auth = TokenData::from_json(&body).unwrap().auth().unwrap();
    let req = mimc_codec::api::TopicMine::new(1u64, auth);
    let headers: Vec<_> = req.headers().map(|(n, v)| (n, v.to_string())).collect();
    assert_eq!(headers, [("token", "ab/cdé\txA".to_owned())]);
}

/// The headers of every request that takes an `Auth`, values unescaped as they go on the wire.
fn headers_of_every_auth_builder(
    auth: Auth<'_>,
) -> Vec<(&'static str, Vec<(&'static str, String)>)> {
    use mimc_codec::api::{
        ApiRequest, ContactsRequest, TimeWindow, TopicDismiss, TopicKick, TopicMine, TopicQuery,
        TopicQuit,
    };
    fn h<R: ApiRequest>(r: &R) -> (&'static str, Vec<(&'static str, String)>) {
        (
            R::CALL,
            r.headers().map(|(n, v)| (n, v.to_string())).collect(),
        )
    }
    let window = TimeWindow::new(1u64, 2u64).unwrap();
    vec![
        h(&TopicCreate::new(1u64, auth, "g", &["a"]).unwrap()),
        h(&TopicQuery::new(1u64, 2u64, auth)),
        h(&TopicMine::new(1u64, auth)),
        h(&TopicJoin::new(1u64, 2u64, auth, &["a"]).unwrap()),
        h(&TopicQuit::new(1u64, 2u64, auth)),
        h(&TopicKick::new(1u64, 2u64, auth, &["a"]).unwrap()),
        h(&TopicUpdate::new(1u64, 2u64, auth).with_bulletin("b")),
        h(&TopicDismiss::new(1u64, 2u64, auth)),
        h(&HistoryP2p::new(1u64, auth, "b", "a", window)),
        h(&mimc_codec::api::HistoryP2t::new(
            1u64, auth, "a", 2u64, window,
        )),
        h(&ContactsRequest::new(1u64, auth)),
        h(&TopicCreate::from_body(
            1u64,
            auth,
            TopicCreateBody::from_json(br#"{"topicName":"g","accounts":"a"}"#).unwrap(),
        )
        .unwrap()),
        h(&TopicJoin::from_body(
            1u64,
            2u64,
            auth,
            TopicJoinBody::from_json(br#"{"accounts":"a"}"#).unwrap(),
        )
        .unwrap()),
        h(&TopicUpdate::from_body(
            1u64,
            2u64,
            auth,
            TopicUpdateBody::from_json(br#"{"bulletin":"b"}"#).unwrap(),
        )),
    ]
}

/// A value free of what can break a header line: no control byte but tab, no space or tab at the ends.
fn is_clean_header_value(v: &str) -> bool {
    !v.bytes().any(|b| (b < 0x20 && b != b'\t') || b == 0x7f)
        && !v.starts_with([' ', '\t'])
        && !v.ends_with([' ', '\t'])
}

#[test]
fn every_builder_that_takes_auth_hands_out_clean_header_values_only() {
    for odd in ODD_HEADER_VALUES {
        for auth in [Auth::token(odd).unwrap(), Auth::app(odd, odd, odd).unwrap()] {
            let all = headers_of_every_auth_builder(auth);
            assert_eq!(all.len(), 14);
            for (call, headers) in all {
                assert!(!headers.is_empty(), "{call}");
                for (name, value) in headers {
                    assert!(is_clean_header_value(&value), "{call}: {name}: {value:?}");
                    if name != "Content-Type" && name != "appId" {
                        assert_eq!(value, odd, "{call}: {name}");
                    }
                }
            }
        }
    }
}

#[cfg(feature = "http")]
#[test]
fn http_requests_carry_the_accepted_values_exactly_and_secrets_as_sensitive() {
    use mimc_codec::api::{ApiRequest, BASE_URL, ContactsRequest, TopicQuery};
    for odd in ODD_HEADER_VALUES {
        for auth in [Auth::token(odd).unwrap(), Auth::app(odd, odd, odd).unwrap()] {
            // `to_http_request` never fails on a value the constructors accepted.
            for r in [
                TopicQuery::new(1u64, 2u64, auth).to_http_request(BASE_URL),
                ContactsRequest::new(1u64, auth).to_http_request(BASE_URL),
                TopicCreate::new(1u64, auth, "g", &["a"])
                    .unwrap()
                    .to_http_request(BASE_URL),
            ] {
                let r = r.unwrap_or_else(|e| panic!("{odd:?}: {e}"));
                for (name, value) in r.headers() {
                    let secret = ["token", "appkey", "appsecret"].contains(&name.as_str());
                    assert_eq!(value.is_sensitive(), secret, "{name}");
                    if secret || name == "appaccount" {
                        assert_eq!(value.as_bytes(), odd.as_bytes(), "{name}");
                    }
                }
            }
        }
    }
}

#[test]
fn kick_accounts_cannot_break_the_request_line() {
    use mimc_codec::api::{ApiRequest, TopicKick};
    let accounts = [
        "a\r\nX-Evil: 1",
        "b\0",
        "c d",
        "e#f",
        "g?h=i&j",
        "%41",
        "k/../l",
        "李雷",
        "\u{1b}[2J",
    ];
    let auth = Auth::token("t").unwrap();
    let kick = TopicKick::new(1u64, 2u64, auth, &accounts).unwrap();
    let mut buf = vec![0u8; kick.path_len()];
    let path = kick.path_into(&mut buf).unwrap();
    let (route, query) = path.split_once('?').unwrap();
    assert_eq!(route, "/api/topic/1/2/accounts");
    let value = query.strip_prefix("accounts=").unwrap();
    // Only unreserved characters, `%XX` escapes and the separating commas.
    assert!(
        value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~%,".contains(&b)),
        "{value}"
    );
    // Decoding the query gives the accounts back, exactly.
    let decoded: Vec<String> = value
        .split(',')
        .map(|a| {
            let mut out = Vec::new();
            let b = a.as_bytes();
            let mut i = 0;
            while i < b.len() {
                if b[i] == b'%' {
                    out.push(
                        u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap(), 16)
                            .unwrap(),
                    );
                    i += 3;
                } else {
                    out.push(b[i]);
                    i += 1;
                }
            }
            String::from_utf8(out).unwrap()
        })
        .collect();
    assert_eq!(decoded, accounts);
    #[cfg(feature = "http")]
    {
        let r = kick.to_http_request(mimc_codec::api::BASE_URL).unwrap();
        assert_eq!(r.uri().path(), route);
        assert_eq!(r.uri().query(), Some(query));
    }
}

#[cfg(feature = "http")]
#[test]
fn base_urls_with_a_query_or_fragment_are_refused() {
    use mimc_codec::api::{ApiRequest, TopicQuery};
    let req = TopicQuery::new(1u64, 2u64, Auth::token("t").unwrap());
    for (base, at) in [
        ("https://mimc.chat.xiaomi.net?", 28),
        ("https://mimc.chat.xiaomi.net/?x=1", 29),
        ("https://mimc.chat.xiaomi.net#", 28),
        ("https://mimc.chat.xiaomi.net/#frag/", 29),
        ("https://proxy.example/mimc?via=1&to=", 26),
        ("https://proxy.example/mimc#?", 26),
    ] {
        let e = req.to_http_request(base).unwrap_err();
        assert!(
            matches!(e.kind(), ErrorKind::InvalidValue(why) if why.contains("query (`?`) or fragment (`#`)")),
            "{base}: {e}"
        );
        assert_eq!((e.field(), e.offset()), (Some("uri"), Some(at)), "{base}");
    }
    // A base with a path prefix keeps it, the API path after it.
    let r = req.to_http_request("https://proxy.example/mimc/").unwrap();
    assert_eq!(r.uri().path(), "/mimc/api/topic/1/2");
    assert_eq!(r.uri().query(), None);
}

#[cfg(feature = "http")]
#[test]
fn a_kick_too_long_for_an_http_uri_says_which_limit_and_how_to_split() {
    use mimc_codec::api::{ApiRequest, BASE_URL, MAX_HTTP_URI_LEN, TopicKick};
    const APP_ID: u64 = 2_882_303_761_517_669_588;
    const TOPIC_ID: u64 = 30_094_929_200_414_721;
    let auth = Auth::token("t").unwrap();
    // 500 members (the domain limit) of 129 ASCII characters fit the `http` crate's URI; of 130, not.
    let fits: Vec<String> = (0..500).map(|i| format!("{i:0>129}")).collect();
    let fits: Vec<&str> = fits.iter().map(String::as_str).collect();
    let kick = TopicKick::new(APP_ID, TOPIC_ID, auth, &fits).unwrap();
    let r = kick.to_http_request(BASE_URL).unwrap();
    assert!(r.uri().to_string().len() <= MAX_HTTP_URI_LEN);

    let long: Vec<String> = (0..500).map(|i| format!("{i:0>130}")).collect();
    let long: Vec<&str> = long.iter().map(String::as_str).collect();
    let kick = TopicKick::new(APP_ID, TOPIC_ID, auth, &long).unwrap();
    assert!(BASE_URL.len() + kick.path_len() > MAX_HTTP_URI_LEN);
    let e = kick.to_http_request(BASE_URL).unwrap_err();
    assert_eq!(e.field(), Some("accounts"));
    let shown = e.to_string();
    assert!(
        shown.contains("65 534") && shown.contains("several calls"),
        "{shown}"
    );
    // Half of them per call fit.
    for half in long.chunks(250) {
        let kick = TopicKick::new(APP_ID, TOPIC_ID, auth, half).unwrap();
        kick.to_http_request(BASE_URL).unwrap();
    }
    // Another call only reaches the limit through a huge base: the same limit, naming the URI.
    let base = format!("https://h/{}", "p".repeat(MAX_HTTP_URI_LEN));
    let e = mimc_codec::api::TopicQuery::new(1u64, 2u64, auth)
        .to_http_request(&base)
        .unwrap_err();
    assert_eq!(e.field(), Some("uri"));
    assert!(e.to_string().contains("65 534"), "{e}");
}

// ---------------------------------------------------------------------------------------------------
// Fuzz findings, kept as regression cases

/// decode_envelope: an escaped kind name longer than 64 bytes stayed `Custom` while its clean spelling is
/// a `*_FILE` kind, so the re-encoded envelope decoded to a different kind.
#[test]
fn fuzz_escaped_long_kind_name_keeps_its_kind_through_a_round_trip() {
    let input = concat!(
        r#"{"version":0,"msgId":"AUD\r_FILE_12345","msgType":"AUDIFFFFFFFFFF\ud83d\ude00"#,
        r#"FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFO_FILE","timestamp":"1516763973000","#,
        r#""payload":"https/mimc-demo/audio/AUDIO_FILE_12345.amr"}"#
    );
    let env = Envelope::from_json(input.as_bytes()).unwrap();
    let Body::File { kind, url } = env.body() else {
        panic!("{env:?}")
    };
    assert!(matches!(kind, FileKind::_Custom(_)), "{kind:?}");
    assert_eq!(
        *kind,
        "AUDIFFFFFFFFFF😀FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFO"
    );
    assert_eq!(*url, "https/mimc-demo/audio/AUDIO_FILE_12345.amr");
    let out = env.json_vec().unwrap();
    assert_eq!(Envelope::from_json(&out).unwrap(), env);
}

/// writer_small_buffers / roundtrip_json: an escaped `X_RECALL` name whose `X` is not a known kind stayed
/// `Custom` with its object payload kept verbatim, so the same value built in code encoded differently.
#[test]
fn fuzz_escaped_recall_of_an_unknown_kind_is_a_recall() {
    let input = r#"{"version":0,"msgId":"_","msgType":"\u00eb\u00eb\u00eb\\\u005fRECALL","timestamp":"1","payload":{ "\u0072ecall_msgId" : "" , "\u002F" : 7226420822546541676 }}"#;
    let env = Envelope::from_json(input.as_bytes()).unwrap();
    let Body::Recall { of, msg_id } = env.body() else {
        panic!("{env:?}")
    };
    assert!(matches!(of, ContentKind::_Custom(_)), "{of:?}");
    assert_eq!(*of, "ëëë\\");
    assert_eq!(*msg_id, "");
    let built = Envelope::recall("_", 1, ContentKind::from("ëëë\\"), "");
    assert_eq!(env, built);
    assert_eq!(env.json_vec().unwrap(), built.json_vec().unwrap());
    assert_eq!(Kind::parse("ëëë\\_RECALL"), env.kind());
}

#[test]
fn fixtures_are_where_the_tests_expect_them() {
    // Guards the walk above against silently finding nothing.
    assert!(!fixture("envelope/text.json").is_empty());
}

/// roundtrip_postcard: encoding a value whose strings are escaped (written through `collect_str`) into a
/// buffer that is too small failed with "value could not be encoded" instead of `BufferTooSmall`.
#[cfg(feature = "postcard")]
#[test]
fn fuzz_compact_form_of_escaped_text_into_small_buffers_is_buffer_too_small() {
    use mimc_codec::wire;
    let bytes = fixture("envelope/text_escaped.json");
    let env = Envelope::from_json(&bytes).unwrap();
    let n = wire::postcard_len(&env).unwrap();
    let mut buf = vec![0u8; n];
    for len in 0..n {
        let e = wire::to_postcard_slice(&env, &mut buf[..len]).unwrap_err();
        assert_eq!(
            (e.kind(), e.offset()),
            (ErrorKind::BufferTooSmall { needed: 96 }, Some(len)),
            "{len}"
        );
    }
    let out = wire::to_postcard_slice(&env, &mut buf).unwrap().to_vec();
    assert_eq!(wire::from_postcard::<Envelope>(&out).unwrap(), env);
    #[cfg(feature = "heapless")]
    {
        let e = wire::to_postcard_heapless::<_, 40>(&env).unwrap_err();
        assert_eq!(
            e.kind(),
            ErrorKind::CapacityExceeded {
                needed: n,
                capacity: 40
            }
        );
    }
}

/// Issue 12 item 4: a kind name shaped like a family means the same to the JSON and the compact readers,
/// however it is spelt (escaped or not): JSON classifies it, the compact form keeps that, and the same
/// name forged into compact bytes as a custom kind is refused at the name.
#[cfg(all(feature = "postcard", feature = "alloc"))]
#[test]
fn custom_kinds_named_like_families_mean_the_same_in_json_and_compact_form() {
    use mimc_codec::wire::{from_postcard, to_postcard_vec};
    let names = [
        "X_RECALL",
        r"X\u005fRECALL",
        "LOCATION_READ",
        r"LOC\u0041TION_READ",
        "X_FILE",
        r"\u0058_FILE",
        "VIDEO_FILE_READ",
        "_FILE_RECALL",
        "A_FILE_FILE",
        "X_RECALL_READ",
        "ééé_FILE",
        r"TEXT\u005fREAD",
        r"\u00e9_FILE_RECALL",
    ];
    let payloads = [
        r#"{"recall_msgId":"m","read_msgId":"m"}"#,
        r#""https://x/y""#,
    ];
    let mut checked = 0;
    for name in names {
        for payload in payloads {
            let doc = format!(
                r#"{{"version":0,"msgId":"m","msgType":"{name}","timestamp":7,"payload":{payload}}}"#
            );
            let env = match Envelope::from_json(doc.as_bytes()) {
                Ok(env) => env,
                Err(e) => {
                    // The payload is not the one this kind carries.
                    assert!(e.offset().is_some_and(|o| o <= doc.len()), "{doc}: {e}");
                    continue;
                }
            };
            assert!(!matches!(env.kind(), Kind::_Custom(_)), "{doc}");
            let bytes = to_postcard_vec(&env).unwrap();
            let back: Envelope<'_> = from_postcard(&bytes).unwrap();
            assert_eq!(back, env, "{doc}");
            // The unescaped name forged as a custom kind.
            let text = env.kind().to_string();
            let mut forged = vec![0, 0, 1, 1, b'm', 7, 8, u8::try_from(text.len()).unwrap()];
            forged.extend_from_slice(text.as_bytes());
            forged.push(1);
            forged.push(u8::try_from(payload.len()).unwrap());
            forged.extend_from_slice(payload.as_bytes());
            let e = from_postcard::<Envelope<'_>>(&forged).unwrap_err();
            assert_eq!(
                (e.kind(), e.offset(), e.field()),
                (
                    ErrorKind::InvalidValue("custom kind that names a modelled kind"),
                    Some(8),
                    Some("msgType")
                ),
                "{text}"
            );
            checked += 1;
        }
    }
    assert!(checked >= names.len(), "only {checked} names decoded");
}
