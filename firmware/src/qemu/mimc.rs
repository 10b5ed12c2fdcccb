//! mimc-codec on an emulated Cortex-M4F (QEMU `mps2-an386`, `firmware/qemu.sh`): runs the size program's
//! work (`work/mimc.rs`), then decodes the manual's envelopes, webhook callbacks with their base64
//! payload decoded into a buffer and the envelope inside decoded, the invalid fixtures, and encodes
//! replies; checks every result against the values below, reports the peak stack of each phase over
//! semihosting and exits 0 only when every check passed.
//!
//! All inputs are the fixtures' own bytes (`include_bytes!`), read through `black_box` so that nothing is
//! decided at compile time. Every buffer a phase uses is a local of that phase, so its stack figure is
//! what a device needs for it.
#![no_std]
#![no_main]

use core::hint::black_box;
use mimc_codec::json::ValueKind;

use mimc_codec::json::{DEFAULT_MAX_DEPTH, JsonStr, Sink};
use mimc_codec::{
    Body, Callback, CallbackKind, ContentKind, Envelope, Error, ErrorKind, FileKind, Kind, KindKey,
    Message, ToJson,
};

#[path = "harness.rs"]
mod harness;
#[path = "../work/inputs.rs"]
mod inputs;
#[path = "../work/mimc.rs"]
mod work;

use harness::{Checks, Stack, entry};

macro_rules! fixture {
    ($path:literal) => {
        include_bytes!(concat!("../../../tests/fixtures/", $path))
    };
}

/// One envelope fixture and what it must decode to.
struct EnvelopeCase {
    file: &'static str,
    json: &'static [u8],
    msg_id: &'static str,
    timestamp: u64,
    body: Body<'static>,
    /// What encoding the decoded envelope must give: `Some(bytes)`, or `None` for "decodes back to the
    /// same envelope" (the escaped sample: the encoder writes fewer escapes than the sample has).
    encoded: Option<&'static [u8]>,
}

const fn s(text: &'static str) -> JsonStr<'static> {
    JsonStr::new(text)
}

/// The manual's envelope samples (`tests/fixtures/envelope/`), each with the values the manual gives.
const ENVELOPES: &[EnvelopeCase] = &[
    EnvelopeCase {
        file: "text.json",
        json: fixture!("envelope/text.json"),
        msg_id: "TEXT_12345",
        timestamp: 1_516_763_973_000,
        body: Body::Text(s("Welcome to the Xiaomi instant message cloud (MIMC)")),
        encoded: Some(fixture!("envelope/text.json")),
    },
    EnvelopeCase {
        file: "text_kind_last.json",
        json: fixture!("envelope/text_kind_last.json"),
        msg_id: "TEXT_12345",
        timestamp: 1_516_763_973_000,
        body: Body::Text(s("Welcome to the Xiaomi instant message cloud (MIMC)")),
        encoded: Some(fixture!("envelope/text.json")),
    },
    EnvelopeCase {
        file: "text_type_key.json",
        json: fixture!("envelope/text_type_key.json"),
        msg_id: "TEXT_12345",
        timestamp: 1_516_763_973_000,
        body: Body::Text(s("欢迎使用小米即时消息云(MIMC)")),
        encoded: Some(fixture!("envelope/text_type_key.json")),
    },
    EnvelopeCase {
        file: "text_chinese_emoji.json",
        json: fixture!("envelope/text_chinese_emoji.json"),
        msg_id: "Xk9pQ-0",
        timestamp: 1_598_006_351_955,
        body: Body::Text(s("你好，小米即时消息云😀欢迎欢迎欢迎")),
        encoded: Some(fixture!("envelope/text_chinese_emoji.json")),
    },
    EnvelopeCase {
        file: "text_escaped.json",
        json: fixture!("envelope/text_escaped.json"),
        msg_id: "TEXT/中_\"12345\"\n😀",
        timestamp: 1_516_763_973_000,
        body: Body::Text(s(
            "中文 \"MIMC\" https://mimc.chat.xiaomi.net/api/\nline 2 😀 end",
        )),
        encoded: None,
    },
    EnvelopeCase {
        file: "version_string.json",
        json: fixture!("envelope/version_string.json"),
        msg_id: "TEXT_12349",
        timestamp: 1_516_763_973_000,
        body: Body::Text(s("version 是字符串")),
        encoded: Some(fixture!("envelope/version_string.json")),
    },
    EnvelopeCase {
        file: "pic_file.json",
        json: fixture!("envelope/pic_file.json"),
        msg_id: "PIC_FILE_12345",
        timestamp: 1_516_763_973_000,
        body: Body::File {
            kind: FileKind::Pic,
            url: s(
                "https://github.com/Xiaomi-mimc/operation-manual/blob/master/img-folder/MIMC-Official-Accounts.jpg",
            ),
        },
        encoded: Some(fixture!("envelope/pic_file.json")),
    },
    EnvelopeCase {
        file: "audio_file.json",
        json: fixture!("envelope/audio_file.json"),
        msg_id: "AUDIO_FILE_12345",
        timestamp: 1_516_763_973_000,
        body: Body::File {
            kind: FileKind::Audio,
            url: s("https://cnbj1.fds.api.xiaomi.com/mimc-demo/audio/AUDIO_FILE_12345.amr"),
        },
        encoded: Some(fixture!("envelope/audio_file.json")),
    },
    EnvelopeCase {
        file: "bin_file.json",
        json: fixture!("envelope/bin_file.json"),
        msg_id: "BIN_FILE_12345",
        timestamp: 1_516_763_973_000,
        body: Body::File {
            kind: FileKind::Bin,
            url: s("https://cnbj1.fds.api.xiaomi.com/mimc-demo/bin/BIN_FILE_12345.zip"),
        },
        encoded: Some(fixture!("envelope/bin_file.json")),
    },
    EnvelopeCase {
        file: "text_recall.json",
        json: fixture!("envelope/text_recall.json"),
        msg_id: "TEXT_RECALL_12345",
        timestamp: 1_516_763_973_090,
        body: Body::Recall {
            of: ContentKind::Text,
            msg_id: s("TEXT_12345"),
        },
        encoded: Some(fixture!("envelope/text_recall.json")),
    },
    EnvelopeCase {
        file: "pic_file_recall.json",
        json: fixture!("envelope/pic_file_recall.json"),
        msg_id: "PIC_FILE_RECALL_12345",
        timestamp: 1_516_763_973_090,
        body: Body::Recall {
            of: ContentKind::File(FileKind::Pic),
            msg_id: s("PIC_FILE_12345"),
        },
        encoded: Some(fixture!("envelope/pic_file_recall.json")),
    },
    EnvelopeCase {
        file: "text_read.json",
        json: fixture!("envelope/text_read.json"),
        msg_id: "TEXT_READ_12345",
        timestamp: 1_516_763_973_134,
        body: Body::Read {
            of: ContentKind::Text,
            msg_id: s("TEXT_12345"),
        },
        encoded: Some(fixture!("envelope/text_read.json")),
    },
    EnvelopeCase {
        file: "ping.json",
        json: fixture!("envelope/ping.json"),
        msg_id: "PING_12345",
        timestamp: 1_516_763_973_000,
        body: Body::Ping(s("appAccount_A")),
        encoded: Some(fixture!("envelope/ping.json")),
    },
    EnvelopeCase {
        file: "pong.json",
        json: fixture!("envelope/pong.json"),
        msg_id: "PONG_12345",
        timestamp: 1_516_763_973_000,
        body: Body::Pong(s("appAccount_B")),
        encoded: Some(fixture!("envelope/pong.json")),
    },
    EnvelopeCase {
        file: "add_friend_request.json",
        json: fixture!("envelope/add_friend_request.json"),
        msg_id: "ADD_FRIEND_REQUEST_12345",
        timestamp: 1_516_763_973_134,
        body: Body::AddFriendRequest {
            requester: s("accountA"),
        },
        encoded: Some(fixture!("envelope/add_friend_request.json")),
    },
    EnvelopeCase {
        file: "add_friend_response.json",
        json: fixture!("envelope/add_friend_response.json"),
        msg_id: "ADD_FRIEND_RESPONSE_12345",
        timestamp: 1_516_763_973_134,
        body: Body::AddFriendResponse {
            responser: s("accountB"),
            accepted: true,
        },
        encoded: Some(fixture!("envelope/add_friend_response.json")),
    },
];

/// What a callback's payload must decode to.
enum Inner {
    Envelope {
        msg_id: &'static str,
        timestamp: u64,
        body: Body<'static>,
    },
    Raw(&'static [u8]),
}

/// One callback fixture (`tests/fixtures/callback/`) and what it must decode to.
struct CallbackCase {
    file: &'static str,
    json: &'static [u8],
    kind: CallbackKind<'static>,
    from_account: &'static str,
    timestamp: u64,
    /// For group messages: how many `toAccounts`, the first and the last.
    members: Option<(usize, &'static str, &'static str)>,
    inner: Inner,
    /// Does encoding the decoded callback give the fixture's bytes back?
    round_trips: bool,
}

const WELCOME: Inner = Inner::Envelope {
    msg_id: "TEXT_12345",
    timestamp: 1_516_763_973_000,
    body: Body::Text(s("Welcome to the Xiaomi instant message cloud (MIMC)")),
};

const CALLBACKS: &[CallbackCase] = &[
    CallbackCase {
        file: "normal_msg.json",
        json: fixture!("callback/normal_msg.json"),
        kind: CallbackKind::NormalMsg,
        from_account: "user_lei",
        timestamp: 1_598_006_351_955,
        members: None,
        inner: Inner::Envelope {
            msg_id: "Xk9pQ-0",
            timestamp: 1_598_006_351_955,
            body: Body::Text(s("你好，小米即时消息云😀欢迎欢迎欢迎")),
        },
        round_trips: true,
    },
    CallbackCase {
        file: "normal_msg_escaped_base64.json",
        json: fixture!("callback/normal_msg_escaped_base64.json"),
        kind: CallbackKind::NormalMsg,
        from_account: "user_lei",
        timestamp: 1_598_006_351_955,
        members: None,
        inner: Inner::Envelope {
            msg_id: "Xk9pQ-0",
            timestamp: 1_598_006_351_955,
            body: Body::Text(s("你好，小米即时消息云😀欢迎欢迎欢迎")),
        },
        round_trips: false,
    },
    CallbackCase {
        file: "normal_msg_kind_last.json",
        json: fixture!("callback/normal_msg_kind_last.json"),
        kind: CallbackKind::NormalMsg,
        from_account: "user_lei",
        timestamp: 1_516_763_973_000,
        members: None,
        inner: WELCOME,
        round_trips: false,
    },
    CallbackCase {
        file: "offline_msg.json",
        json: fixture!("callback/offline_msg.json"),
        kind: CallbackKind::OfflineMsg,
        from_account: "user_lei",
        timestamp: 1_516_763_973_000,
        members: None,
        inner: WELCOME,
        round_trips: true,
    },
    CallbackCase {
        file: "normal_msg_unpadded.json",
        json: fixture!("callback/normal_msg_unpadded.json"),
        kind: CallbackKind::NormalMsg,
        from_account: "10",
        timestamp: 1_516_763_973_134,
        members: None,
        inner: Inner::Envelope {
            msg_id: "TEXT_READ_12345",
            timestamp: 1_516_763_973_134,
            body: Body::Read {
                of: ContentKind::Text,
                msg_id: s("TEXT_12345"),
            },
        },
        round_trips: true,
    },
    CallbackCase {
        file: "normal_msg_raw_payload.json",
        json: fixture!("callback/normal_msg_raw_payload.json"),
        kind: CallbackKind::NormalMsg,
        from_account: "10",
        timestamp: 1_598_006_353_155,
        members: None,
        inner: Inner::Raw(b"pong"),
        round_trips: true,
    },
    CallbackCase {
        file: "normal_topic_msg.json",
        json: fixture!("callback/normal_topic_msg.json"),
        kind: CallbackKind::NormalTopicMsg,
        from_account: "user_lei",
        timestamp: 1_598_006_351_955,
        members: Some((500, "user_lei", "13800000498")),
        inner: Inner::Envelope {
            msg_id: "TEXT_12345",
            timestamp: 1_516_763_973_000,
            body: Body::Text(s("欢迎使用小米即时消息云(MIMC)")),
        },
        round_trips: true,
    },
    CallbackCase {
        file: "offline_topic_msg.json",
        json: fixture!("callback/offline_topic_msg.json"),
        kind: CallbackKind::OfflineTopicMsg,
        from_account: "user_lei",
        timestamp: 1_598_006_352_100,
        members: Some((3, "user_wen", "13800000042")),
        inner: Inner::Envelope {
            msg_id: "PIC_FILE_12345",
            timestamp: 1_516_763_973_000,
            body: Body::File {
                kind: FileKind::Pic,
                url: s(
                    "https://github.com/Xiaomi-mimc/operation-manual/blob/master/img-folder/MIMC-Official-Accounts.jpg",
                ),
            },
        },
        round_trips: true,
    },
];

/// A sink that compares what is written with `expected` instead of storing it: checks an encoding
/// without a buffer for it (the 500-member callback re-encodes to 10 KiB).
struct CompareSink<'e> {
    expected: &'e [u8],
    at: usize,
}

impl Sink for CompareSink<'_> {
    fn put(&mut self, bytes: &[u8]) -> mimc_codec::Result<()> {
        let end = self.at + bytes.len();
        match self.expected.get(self.at..end) {
            Some(want) if want == bytes => {
                self.at = end;
                Ok(())
            }
            _ => Err(Error::new(
                ErrorKind::InvalidValue("differs from the expected bytes"),
                self.at,
            )),
        }
    }
}

/// Does `value` encode to exactly `expected`?
fn encodes_to(value: &impl ToJson, expected: &[u8]) -> bool {
    let mut sink = CompareSink { expected, at: 0 };
    value.write_json(&mut sink).is_ok() && sink.at == expected.len()
}

/// The manual's envelopes: decoded, every field checked, encoded again.
#[inline(never)]
fn envelopes(c: &mut Checks) {
    let mut out = [0u8; 256];
    for case in ENVELOPES {
        let env = match Envelope::from_json(black_box(case.json)) {
            Ok(env) => env,
            Err(e) => {
                c.fail(case.file, &e);
                continue;
            }
        };
        c.eq(case.file, &env.msg_id().copied(), &Some(s(case.msg_id)));
        c.eq(case.file, &env.timestamp().get(), &case.timestamp);
        c.eq(case.file, env.body(), &case.body);
        c.eq(case.file, &env.kind(), &case.body.kind());
        match (case.encoded, env.to_json_slice(&mut out)) {
            (Some(want), Ok(json)) => c.eq(case.file, &json[..], want),
            (None, Ok(json)) => c.eq(case.file, &Envelope::from_json(json), &Ok(env)),
            (_, Err(e)) => c.fail(case.file, &e),
        }
    }
    // The escaped sample's strings, unescaped into a buffer (the way a device gets a `&str` of them).
    if let Ok(env) = Envelope::from_json(black_box(ENVELOPES[4].json)) {
        let mut buf = [0u8; 64];
        let id = env.msg_id().map(|id| id.unescape_into(&mut buf));
        c.eq(
            "text_escaped.json msgId",
            &id,
            &Some(Ok("TEXT/中_\"12345\"\n😀")),
        );
    }
    // `type` as the kind key is kept.
    let typed = Envelope::from_json(black_box(ENVELOPES[2].json)).map(|e| e.kind_key());
    c.eq("text_type_key.json key", &typed, &Ok(KindKey::Type));
    // A custom kind with an object payload: kept verbatim, written back byte for byte.
    let custom = fixture!("envelope/custom_object.json");
    match Envelope::from_json(black_box(custom)) {
        Ok(env) => {
            c.eq(
                "custom_object.json kind",
                &env.kind(),
                &Kind::from("LOCATION"),
            );
            let raw = env.raw_payload().map(|p| p.as_str().as_bytes());
            let start = custom.len() - 1 - raw.map_or(0, <[u8]>::len);
            c.eq(
                "custom_object.json payload",
                &raw,
                &Some(&custom[start..custom.len() - 1]),
            );
            c.check(encodes_to(&env, custom), "custom_object.json encodes back");
        }
        Err(e) => c.fail("custom_object.json", &e),
    }
    // The Flutter plugin's real capture: no kind key (the kind is the bizType), no msgId.
    let flutter = Envelope::from_json_with_kind(
        black_box(fixture!("envelope/dialect_flutter__TEXT.json")),
        "TEXT",
    );
    c.eq(
        "dialect_flutter__TEXT.json",
        &flutter.map(|e| (e.msg_id().is_none(), *e.body())),
        &Ok((true, Body::Text(s("899we")))),
    );
}

/// Webhook callbacks: decoded, the payload's base64 decoded into a buffer, the envelope inside decoded.
#[inline(never)]
fn callbacks(c: &mut Checks) {
    let mut buf = [0u8; 512];
    for case in CALLBACKS {
        let cb = match Callback::from_json(black_box(case.json)) {
            Ok(cb) => cb,
            Err(e) => {
                c.fail(case.file, &e);
                continue;
            }
        };
        c.eq(case.file, &cb.kind(), &case.kind);
        c.eq(case.file, &cb.from_account(), &Some(s(case.from_account)));
        c.eq(
            case.file,
            &cb.timestamp().map(|t| t.get()),
            &Some(case.timestamp),
        );
        match (&cb, case.members) {
            (Callback::NormalMsg(m) | Callback::OfflineMsg(m), None) => {
                c.check(m.from_app_id == 2_882_303_761_517_669_588, case.file);
                c.check(m.to_app_id == 2_882_303_761_517_669_588, case.file);
            }
            (
                Callback::NormalTopicMsg(m) | Callback::OfflineTopicMsg(m),
                Some((n, first, last)),
            ) => {
                c.eq(case.file, &m.topic_id.get(), &30_094_929_200_414_721);
                c.eq(case.file, &m.to_accounts.len(), &n);
                c.eq(case.file, &m.to_accounts.iter().next(), &Some(s(first)));
                c.eq(case.file, &m.to_accounts.iter().last(), &Some(s(last)));
                c.check(m.to_accounts.contains(last), case.file);
                c.check(!m.to_accounts.contains("13800000499"), case.file);
            }
            _ => c.check(false, case.file),
        }
        match (cb.decode_message(&mut buf), &case.inner) {
            (
                Ok(Message::Envelope(env)),
                Inner::Envelope {
                    msg_id,
                    timestamp,
                    body,
                },
            ) => {
                c.eq(case.file, &env.msg_id().copied(), &Some(s(msg_id)));
                c.eq(case.file, &env.timestamp().get(), timestamp);
                c.eq(case.file, env.body(), body);
            }
            (Ok(Message::Raw(bytes)), Inner::Raw(want)) => c.eq(case.file, bytes, want),
            (got, _) => c.eq(
                case.file,
                &got.map(|_| ()),
                &Err(Error::new(ErrorKind::UnexpectedEnd, 0)),
            ),
        }
        if case.round_trips {
            c.check(encodes_to(&cb, case.json), case.file);
        }
    }
}

/// Replies a device sends: a read receipt and a PONG, into a buffer; a reply that does not fit.
#[inline(never)]
fn replies(c: &mut Checks) {
    let mut out = [0u8; 256];
    // The receipt for the message of `normal_msg.json`, read one second later.
    let receipt = Envelope::read(
        "TEXT_READ_Xk9pQ-0",
        1_598_006_352_955,
        ContentKind::Text,
        "Xk9pQ-0",
    );
    let want: &[u8] = br#"{"version":0,"msgId":"TEXT_READ_Xk9pQ-0","msgType":"TEXT_READ","timestamp":"1598006352955","payload":{"read_msgId":"Xk9pQ-0"}}"#;
    c.eq(
        "read receipt",
        &receipt.to_json_slice(&mut out).map(|json| &*json),
        &Ok(want),
    );
    c.eq("read receipt length", &receipt.json_len(), &want.len());
    // The manual's PONG is the answer to its PING.
    let pong = Envelope::pong("PONG_12345", 1_516_763_973_000, "appAccount_B");
    c.check(
        encodes_to(&pong, fixture!("envelope/pong.json")),
        "PONG answer",
    );
    // Too small a buffer is an error, not a panic and not a cut reply.
    let mut small = [0u8; 32];
    // On bare metal `needed` is what was written plus what did not fit: more than the buffer, at most
    // the whole reply (the library does not encode twice to measure it).
    let err = receipt.to_json_slice(&mut small).map_err(|e| e.kind());
    c.check(
        matches!(err, Err(ErrorKind::BufferTooSmall { needed })
            if needed > 32 && needed <= receipt.json_len()),
        "reply into 32 bytes",
    );
}

/// Where `needle` first stands in `hay` (the expected offsets are found in the inputs, not typed in).
fn find(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len())
        .position(|w| w == needle)
        .unwrap_or(usize::MAX)
}

/// The invalid fixtures: each fails with its kind at the byte that is wrong; nothing panics.
#[inline(never)]
fn errors(c: &mut Checks) {
    /// A fixture, the error it must give, and where in the input that error must point.
    type Case = (&'static str, &'static [u8], ErrorKind, fn(&[u8]) -> usize);
    let cases: [Case; 9] = [
        (
            "truncated.json",
            fixture!("envelope/invalid/truncated.json"),
            ErrorKind::UnexpectedEnd,
            |b| b.len(),
        ),
        (
            "bad_escape.json",
            fixture!("envelope/invalid/bad_escape.json"),
            ErrorKind::InvalidEscape,
            |b| find(b, br"\x"),
        ),
        (
            "lone_surrogate.json",
            fixture!("envelope/invalid/lone_surrogate.json"),
            ErrorKind::LoneSurrogate,
            |b| find(b, br"\ud800"),
        ),
        (
            "id_overflow.json",
            fixture!("envelope/invalid/id_overflow.json"),
            ErrorKind::IntegerOverflow,
            |b| find(b, b"18446744073709551616"),
        ),
        (
            "missing_msgid.json",
            fixture!("envelope/invalid/missing_msgid.json"),
            ErrorKind::MissingField,
            |b| b.len() - 1,
        ),
        (
            "wrong_type_msgid.json",
            fixture!("envelope/invalid/wrong_type_msgid.json"),
            ErrorKind::WrongType {
                expected: ValueKind::String,
                found: ValueKind::Number,
            },
            |b| find(b, b"12345,"),
        ),
        (
            "trailing_comma.json",
            fixture!("envelope/invalid/trailing_comma.json"),
            ErrorKind::ExpectedKey,
            |b| b.len() - 1,
        ),
        (
            "invalid_utf8.json",
            fixture!("envelope/invalid/invalid_utf8.json"),
            ErrorKind::InvalidUtf8,
            |b| {
                core::str::from_utf8(b)
                    .err()
                    .map_or(usize::MAX, |e| e.valid_up_to())
            },
        ),
        // The top-level object is level 1: the first `[` is level 2, the one past the limit errs.
        (
            "deep_nesting.json",
            fixture!("envelope/invalid/deep_nesting.json"),
            ErrorKind::DepthLimitExceeded {
                limit: DEFAULT_MAX_DEPTH,
            },
            |b| find(b, b"[") + DEFAULT_MAX_DEPTH - 1,
        ),
    ];
    for (file, json, kind, at) in cases {
        let got = Envelope::from_json(black_box(json))
            .map(|_| ())
            .map_err(|e| (e.kind(), e.offset()));
        c.eq(file, &got, &Err((kind, Some(at(json)))));
    }
}

/// The size program's work (`work::run`, as `mimc-codec-envelope` runs it): is the reply the expected
/// one, and was the recall seen?
#[inline(never)]
fn size_program() -> Result<bool, Error> {
    let mut out = [0u8; 256];
    let o = work::run(black_box(inputs::TEXT), black_box(inputs::RECALL), &mut out)?;
    Ok(out[..o.len] == *inputs::EXPECTED_REPLY && o.recalled)
}

/// Decodes the manual's TEXT.
#[inline(never)]
fn decode_text() -> bool {
    Envelope::from_json(black_box(inputs::TEXT))
        .is_ok_and(|e| e.kind() == Kind::Text && e.timestamp() == 1_516_763_973_000)
}

/// Encodes the manual's TEXT into a 256-byte buffer.
#[inline(never)]
fn encode_text() -> bool {
    let mut out = [0u8; 256];
    let env = Envelope::text(
        black_box("TEXT_12345"),
        black_box(1_516_763_973_000),
        black_box("Welcome to the Xiaomi instant message cloud (MIMC)"),
    );
    env.to_json_slice(&mut out)
        .is_ok_and(|json| *json == *inputs::TEXT)
}

/// A webhook callback: decoded, its payload decoded into a 512-byte buffer, the envelope inside decoded.
#[inline(never)]
fn callback(json: &[u8], members: usize) -> bool {
    let Ok(cb) = Callback::from_json(black_box(json)) else {
        return false;
    };
    let counted = match &cb {
        Callback::NormalTopicMsg(m) | Callback::OfflineTopicMsg(m) => m.to_accounts.iter().count(),
        _ => 0,
    };
    let mut buf = [0u8; 512];
    counted == members
        && matches!(cb.decode_message(&mut buf), Ok(Message::Envelope(e)) if e.kind() == Kind::Text)
}

/// Decodes an envelope (to see what nesting costs).
#[inline(never)]
fn decode(json: &[u8]) -> bool {
    Envelope::from_json(black_box(json)).is_ok()
}

/// A 1 KiB local buffer: the meter must see it.
#[inline(never)]
fn kibibyte() {
    let mut buf = [0u8; 1024];
    black_box(&mut buf);
}

#[entry]
fn main() -> ! {
    let mut c = Checks::new("mimc-codec");
    let mut stack = Stack::new();

    let ((), meter) = stack.measure(kibibyte);
    c.check(
        (1024..=1024 + 64).contains(&meter),
        "the stack meter sees a 1 KiB buffer",
    );

    // What a device needs, operation by operation (results checked, so the work is the real one).
    let (ok, pair) = stack.measure(size_program);
    c.eq("size program", &ok, &Ok(true));
    let (ok, dec) = stack.measure(decode_text);
    c.check(ok, "decode TEXT");
    let (ok, enc) = stack.measure(encode_text);
    c.check(ok, "encode TEXT");
    let normal = fixture!("callback/normal_msg.json");
    let (ok, cb) = stack.measure(|| callback(normal, 0));
    c.check(ok, "callback normal_msg.json");
    let topic = fixture!("callback/normal_topic_msg.json");
    let (ok, group) = stack.measure(|| callback(topic, 500));
    c.check(ok, "callback normal_topic_msg.json");
    // Nesting costs no stack: the engine walks containers with a counter, not by recursion. A payload
    // nested past the limit (the invalid fixture: 127 levels walked, then the error) against a custom
    // payload three levels deep.
    let (err, deep) = stack.measure(|| decode(fixture!("envelope/invalid/deep_nesting.json")));
    let (ok, flat) = stack.measure(|| decode(fixture!("envelope/custom_object.json")));
    c.check(!err && ok, "deep and custom payloads decode as expected");
    c.check(
        deep <= flat + 64,
        "nesting 127 deep needs no more stack than 3 deep (+64 B)",
    );

    // The test proper: every fixture, every field.
    let ((), env) = stack.measure(|| envelopes(&mut c));
    let ((), cbs) = stack.measure(|| callbacks(&mut c));
    let ((), rep) = stack.measure(|| replies(&mut c));
    let ((), errs) = stack.measure(|| errors(&mut c));
    c.check(!stack.overflowed(), "the stack stayed above the statics");

    harness::banner("mimc-codec");
    harness::report(
        "meter self-check: a function with a 1 KiB local buffer",
        meter,
    );
    harness::report(harness::SIZE_PROGRAM, pair);
    harness::report("decode the manual's TEXT", dec);
    harness::report("encode a TEXT into 256 B", enc);
    harness::report("callback + payload into 512 B + envelope inside", cb);
    harness::report(
        "the same, 500-member group callback, members counted",
        group,
    );
    harness::report("custom envelope, object payload 3 deep", flat);
    harness::report("payload nested 127 deep (past the limit: error)", deep);
    harness::report("test: 16 manual envelopes decoded, checked, encoded", env);
    harness::report("test: 8 callbacks decoded and checked", cbs);
    harness::report("test: replies encoded and checked", rep);
    harness::report("test: 9 invalid inputs, kinds and offsets checked", errs);
    harness::report("peak since reset (report printing excluded)", stack.peak());
    c.finish()
}
