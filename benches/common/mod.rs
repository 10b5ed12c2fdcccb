//! The benchmark cases, shared by the criterion suite (`benches/codec.rs`), the interleaved ratio runner
//! (`benches/ratios.rs`) and the instruction-count loop (`examples/decode_loop.rs`).
//!
//! A case is one input (a fixture's exact bytes) and a list of candidates: ours first, then the peers.
//! Every candidate does the same job: decode, then touch every field its output holds (lengths of the
//! strings, the numbers, each element of a list, the decoded base64 bytes), so that nothing is skipped
//! lazily by one side only. A candidate returns a `u64` digest of what it touched; the runners pass it
//! to `black_box`.
//!
//! The digest is the same sum for every candidate that does a case's whole job (marked `full`), so
//! [`smoke`] checks that they agree, and a candidate that skipped or misread a field shows up:
//! - a string adds its unescaped length in bytes (serde's `&str`/`Cow`/`String`, our `JsonStr`);
//! - a JSON number adds its value;
//! - an id or timestamp sent as a JSON string adds its last decimal digit: ours has parsed it into a
//!   `u64` (`v % 10`), a serde peer holds the `&str` (its last byte), equally cheap on either side;
//! - a kind (`msgType`) adds the length of its name: a peer holds the `&str` (or a tagged enum's
//!   variant), ours the decoded kind;
//! - a list adds its length, then each element as above;
//! - a base64 payload decoded into a buffer adds the decoded length and the last byte;
//! - a reply's `{code, message}` wrapper adds nothing: every candidate checks `code == 200` (ours
//!   does it inside `from_json`).
//!
//! Reference rows that do less (`serde_json Value`, validation only, the UTF-8 floor, lazy or
//! payload-skipping variants, the `base64` crate alone) are not `full` and are not compared.
#![allow(dead_code, clippy::missing_panics_doc, clippy::struct_field_names)]

use std::borrow::Cow;
use std::cell::RefCell;
use std::hint::black_box;

use base64::Engine as _;
use mimc_codec::api::{
    History, HistoryMessage, Member, PushMessage, PushP2p, PushSender, TokenData, TopicData,
};
use mimc_codec::json::{JsonStr, JsonU64};
use mimc_codec::{Body, Callback, ContentKind, Envelope, Kind, ToJson};
use serde::{Deserialize, Serialize};

#[cfg(feature = "protocol")]
mod femtopb_twins;
#[cfg(feature = "protocol")]
mod protocol;

/// One measured function: a name and a closure that does one message's work.
pub struct Candidate {
    pub name: &'static str,
    pub run: Box<dyn Fn() -> u64>,
    /// Does the case's whole job: its digest must equal every other full candidate's.
    pub full: bool,
}

/// One input with everything measured on it; `candidates[0]` is ours.
pub struct Case {
    pub name: &'static str,
    /// Bytes counted for throughput: the input's length (for encode: the output's).
    pub bytes: usize,
    pub candidates: Vec<Candidate>,
}

/// A candidate that does the case's whole job (its digest is compared in [`smoke`]).
fn cand(name: &'static str, f: impl Fn() -> u64 + 'static) -> Candidate {
    Candidate {
        name,
        run: Box::new(f),
        full: true,
    }
}

/// A reference row that does less than the whole job (not compared).
fn aside(name: &'static str, f: impl Fn() -> u64 + 'static) -> Candidate {
    Candidate {
        name,
        run: Box::new(f),
        full: false,
    }
}

/// An id or timestamp sent as a JSON string, parsed by us: its last decimal digit.
#[inline]
fn id(v: JsonU64) -> u64 {
    v.get() % 10
}

/// The same id as a serde peer holds it (`&str`): its last decimal digit.
#[inline]
fn id_str(s: &str) -> u64 {
    s.as_bytes()
        .last()
        .map_or(0, |b| u64::from(b.wrapping_sub(b'0')))
}

/// A base64 payload decoded into a buffer: its length and last byte.
#[inline]
fn touch_bytes(b: &[u8]) -> u64 {
    b.len() as u64 + b.last().map_or(0, |&x| u64::from(x))
}

/// A fixture's bytes, leaked so every closure can borrow them for `'static`.
pub fn fixture(rel: &str) -> &'static [u8] {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/");
    let bytes = std::fs::read(format!("{path}{rel}")).unwrap_or_else(|e| panic!("{rel}: {e}"));
    Box::leak(bytes.into_boxed_slice())
}

// ---------------------------------------------------------------------------------------------------
// Touching: what a caller does with the decoded value.

/// Length of the unescaped text; unescapes into `buf` when the string has escapes (serde gives an
/// unescaped `String`/`Cow` there, so we pay the same).
#[inline]
fn touch_str(s: &JsonStr<'_>) -> u64 {
    match s.as_str() {
        Some(t) => t.len() as u64,
        None => unescape_len(s),
    }
}

/// The length of a kind's name, unescaped (the custom kind's name is private: read through `Display`,
/// without allocating).
#[inline(never)]
fn display_len(kind: &Kind<'_>) -> u64 {
    struct Count(u64);
    impl std::fmt::Write for Count {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            self.0 += s.len() as u64;
            Ok(())
        }
    }
    let mut count = Count(0);
    let _ = std::fmt::Write::write_fmt(&mut count, format_args!("{kind}"));
    count.0
}

#[inline(never)]
fn unescape_len(s: &JsonStr<'_>) -> u64 {
    if s.raw().len() <= 256 {
        let mut buf = [0u8; 256];
        s.unescape_into(&mut buf)
            .map_or(u64::MAX, |t| t.len() as u64)
    } else {
        let mut buf = vec![0u8; s.raw().len()];
        s.unescape_into(&mut buf)
            .map_or(u64::MAX, |t| t.len() as u64)
    }
}

/// An envelope whose `version` is a number and `timestamp` a string (every bench fixture's form).
#[inline]
fn touch_envelope(env: &Envelope<'_>) -> u64 {
    let mut d = env.version().get() + id(env.timestamp());
    if let Some(m) = env.msg_id() {
        d += touch_str(m);
    }
    d + match env.body() {
        Body::Text(t) => "TEXT".len() as u64 + touch_str(t),
        Body::Recall { of, msg_id } => {
            debug_assert_eq!(*of, ContentKind::Text);
            "TEXT_RECALL".len() as u64 + touch_str(msg_id)
        }
        _ => {
            let kind = match env.kind() {
                k @ Kind::_Custom(_) => display_len(&k),
                _ => 0,
            };
            kind + env.raw_payload().map_or(0, |p| p.as_str().len() as u64)
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// serde models: the idiomatic derive (internally tagged, owned) and the best case (flat, borrowed).

/// `{"recall_msgId": ...}`
#[derive(Deserialize)]
pub struct RecallPayload {
    #[serde(rename = "recall_msgId")]
    pub recall_msg_id: String,
}

/// The idiomatic serde model of the envelope: an internally tagged enum with owned strings.
#[derive(Deserialize)]
#[serde(tag = "msgType")]
#[allow(clippy::upper_case_acronyms)]
pub enum TaggedEnvelope {
    #[serde(rename = "PING")]
    Ping {
        version: u64,
        #[serde(rename = "msgId")]
        msg_id: String,
        timestamp: String,
        payload: String,
    },
    #[serde(rename = "TEXT")]
    Text {
        version: u64,
        #[serde(rename = "msgId")]
        msg_id: String,
        timestamp: String,
        payload: String,
    },
    #[serde(rename = "PIC_FILE")]
    PicFile {
        version: u64,
        #[serde(rename = "msgId")]
        msg_id: String,
        timestamp: String,
        payload: String,
    },
    #[serde(rename = "TEXT_RECALL")]
    TextRecall {
        version: u64,
        #[serde(rename = "msgId")]
        msg_id: String,
        timestamp: String,
        payload: RecallPayload,
    },
    /// An app-defined kind: the payload is free-form JSON (`RawValue` cannot be used inside an
    /// internally tagged enum, serde-rs/json#545, so the idiomatic choice is `Value`).
    #[serde(rename = "LOCATION_TRACK")]
    LocationTrack {
        version: u64,
        #[serde(rename = "msgId")]
        msg_id: String,
        timestamp: String,
        payload: serde_json::Value,
    },
}

impl TaggedEnvelope {
    fn touch(&self) -> u64 {
        match self {
            TaggedEnvelope::Ping {
                version,
                msg_id,
                timestamp,
                payload,
            }
            | TaggedEnvelope::Text {
                version,
                msg_id,
                timestamp,
                payload,
            }
            | TaggedEnvelope::PicFile {
                version,
                msg_id,
                timestamp,
                payload,
            } => {
                let kind = match self {
                    TaggedEnvelope::PicFile { .. } => "PIC_FILE",
                    TaggedEnvelope::Ping { .. } => "PING",
                    _ => "TEXT",
                };
                version + id_str(timestamp) + (kind.len() + msg_id.len() + payload.len()) as u64
            }
            TaggedEnvelope::TextRecall {
                version,
                msg_id,
                timestamp,
                payload,
            } => {
                version
                    + id_str(timestamp)
                    + ("TEXT_RECALL".len() + msg_id.len() + payload.recall_msg_id.len()) as u64
            }
            TaggedEnvelope::LocationTrack {
                version,
                msg_id,
                timestamp,
                payload,
            } => {
                version
                    + id_str(timestamp)
                    + ("LOCATION_TRACK".len() + msg_id.len()) as u64
                    + payload.as_object().map_or(0, |o| o.len() as u64)
            }
        }
    }
}

/// serde_json's best case: the kind is known in advance, one flat struct of borrowed strings.
#[derive(Deserialize, Serialize)]
pub struct FlatText<'a> {
    pub version: u64,
    #[serde(rename = "msgId")]
    pub msg_id: &'a str,
    #[serde(rename = "msgType")]
    pub msg_type: &'a str,
    pub timestamp: &'a str,
    pub payload: &'a str,
}

impl FlatText<'_> {
    fn touch(&self) -> u64 {
        self.version
            + id_str(self.timestamp)
            + (self.msg_id.len() + self.msg_type.len() + self.payload.len()) as u64
    }
}

/// [`FlatText`] for the final Chinese manual's dialect: the kind key is `type` (the envelope inside
/// the group callback fixture).
#[derive(Deserialize)]
pub struct FlatTextTypeKey<'a> {
    pub version: u64,
    #[serde(rename = "msgId")]
    pub msg_id: &'a str,
    #[serde(rename = "type")]
    pub msg_type: &'a str,
    pub timestamp: &'a str,
    pub payload: &'a str,
}

impl FlatTextTypeKey<'_> {
    fn touch(&self) -> u64 {
        self.version
            + id_str(self.timestamp)
            + (self.msg_id.len() + self.msg_type.len() + self.payload.len()) as u64
    }
}

/// serde's best case for a recall: flat, borrowed, the payload object as a nested flat struct.
#[derive(Deserialize)]
pub struct FlatRecall<'a> {
    pub version: u64,
    #[serde(rename = "msgId")]
    pub msg_id: &'a str,
    #[serde(rename = "msgType")]
    pub msg_type: &'a str,
    pub timestamp: &'a str,
    #[serde(borrow)]
    pub payload: FlatRecallPayload<'a>,
}

/// `{"recall_msgId": ...}`, borrowed.
#[derive(Deserialize)]
pub struct FlatRecallPayload<'a> {
    #[serde(rename = "recall_msgId")]
    pub recall_msg_id: &'a str,
}

impl FlatRecall<'_> {
    fn touch(&self) -> u64 {
        self.version
            + id_str(self.timestamp)
            + (self.msg_id.len() + self.msg_type.len() + self.payload.recall_msg_id.len()) as u64
    }
}

/// As [`FlatText`] for input with escapes: `&str` cannot borrow an escaped string, `Cow` is the
/// cheapest type that can (borrowed when clean, owned when escaped).
#[derive(Deserialize)]
pub struct FlatTextCow<'a> {
    pub version: u64,
    #[serde(rename = "msgId", borrow)]
    pub msg_id: Cow<'a, str>,
    #[serde(rename = "msgType", borrow)]
    pub msg_type: Cow<'a, str>,
    #[serde(borrow)]
    pub timestamp: Cow<'a, str>,
    #[serde(borrow)]
    pub payload: Cow<'a, str>,
}

impl FlatTextCow<'_> {
    fn touch(&self) -> u64 {
        self.version
            + id_str(&self.timestamp)
            + (self.msg_id.len() + self.msg_type.len() + self.payload.len()) as u64
    }
}

/// Flat struct for a custom kind whose payload is kept as validated raw JSON (what `RawJson` is).
#[derive(Deserialize)]
pub struct FlatCustom<'a> {
    pub version: u64,
    #[serde(rename = "msgId")]
    pub msg_id: &'a str,
    #[serde(rename = "msgType")]
    pub msg_type: &'a str,
    pub timestamp: &'a str,
    #[serde(borrow)]
    pub payload: &'a serde_json::value::RawValue,
}

/// sonic-rs's flat struct for the custom kind: `LazyValue` is its borrowed raw value.
#[derive(Deserialize)]
pub struct SonicFlatCustom<'a> {
    pub version: u64,
    #[serde(rename = "msgId")]
    pub msg_id: &'a str,
    #[serde(rename = "msgType")]
    pub msg_type: &'a str,
    pub timestamp: &'a str,
    #[serde(borrow)]
    pub payload: sonic_rs::LazyValue<'a>,
}

// ---------------------------------------------------------------------------------------------------
// Cases.

/// A TEXT envelope decode case (kind first, kind last or escaped).
pub fn text_decode(name: &'static str, rel: &str) -> Case {
    let input = fixture(rel);
    let escaped = Envelope::from_json(input)
        .ok()
        .and_then(|e| e.payload_str())
        .is_some_and(|p| p.is_escaped());
    let mut candidates = vec![
        cand("mimc-codec", move || {
            let env = Envelope::from_json(black_box(input)).expect("ours");
            touch_envelope(&env)
        }),
        cand("serde_json tagged owned", move || {
            let env: TaggedEnvelope = serde_json::from_slice(black_box(input)).expect("tagged");
            env.touch()
        }),
    ];
    if escaped {
        // What our API does by itself: escapes are found and flagged, unescaping is paid on access.
        candidates.push(aside("mimc-codec lazy (no unescape)", move || {
            let env = Envelope::from_json(black_box(input)).expect("ours");
            env.timestamp().get()
                + env.msg_id().map_or(0, |s| s.raw().len() as u64)
                + env.payload_str().map_or(0, |s| s.raw().len() as u64)
        }));
        candidates.push(cand("serde_json flat Cow", move || {
            let env: FlatTextCow<'_> = serde_json::from_slice(black_box(input)).expect("flat");
            env.touch()
        }));
        candidates.push(cand("sonic-rs flat Cow", move || {
            let env: FlatTextCow<'_> = sonic_rs::from_slice(black_box(input)).expect("sonic");
            env.touch()
        }));
    } else {
        candidates.push(cand("serde_json flat &str", move || {
            let env: FlatText<'_> = serde_json::from_slice(black_box(input)).expect("flat");
            env.touch()
        }));
        candidates.push(cand("sonic-rs flat &str", move || {
            let env: FlatText<'_> = sonic_rs::from_slice(black_box(input)).expect("sonic");
            env.touch()
        }));
    }
    candidates.push(aside("serde_json Value", move || {
        let v: serde_json::Value = serde_json::from_slice(black_box(input)).expect("value");
        v.as_object().map_or(0, |o| o.len() as u64)
    }));
    candidates.push(aside(
        "mimc-codec validate only (RawJson::parse)",
        move || {
            let text = core::str::from_utf8(black_box(input)).expect("utf8");
            mimc_codec::RawJson::parse(text)
                .expect("valid")
                .as_str()
                .len() as u64
        },
    ));
    candidates.push(utf8_floor(input));
    Case {
        name,
        bytes: input.len(),
        candidates,
    }
}

/// The custom kind with a nested 1 KiB object payload, kept verbatim.
pub fn custom_decode() -> Case {
    let input = fixture("bench/custom_1k.json");
    Case {
        name: "decode custom_1k",
        bytes: input.len(),
        candidates: vec![
            cand("mimc-codec", move || {
                let env = Envelope::from_json(black_box(input)).expect("ours");
                touch_envelope(&env)
            }),
            aside("serde_json tagged owned (Value payload)", move || {
                let env: TaggedEnvelope = serde_json::from_slice(black_box(input)).expect("tagged");
                env.touch()
            }),
            cand("serde_json flat &RawValue", move || {
                let env: FlatCustom<'_> = serde_json::from_slice(black_box(input)).expect("flat");
                env.version
                    + id_str(env.timestamp)
                    + (env.msg_id.len() + env.msg_type.len() + env.payload.get().len()) as u64
            }),
            cand("sonic-rs flat LazyValue", move || {
                let env: SonicFlatCustom<'_> =
                    sonic_rs::from_slice(black_box(input)).expect("sonic");
                env.version
                    + id_str(env.timestamp)
                    + (env.msg_id.len() + env.msg_type.len() + env.payload.as_raw_str().len())
                        as u64
            }),
            aside("serde_json Value", move || {
                let v: serde_json::Value = serde_json::from_slice(black_box(input)).expect("value");
                v.as_object().map_or(0, |o| o.len() as u64)
            }),
        ],
    }
}

/// The `TEXT_RECALL` envelope: an object payload `{"recall_msgId": ...}`, read into its typed body.
pub fn recall_decode() -> Case {
    let input = fixture("bench/text_recall.json");
    Case {
        name: "decode text_recall",
        bytes: input.len(),
        candidates: vec![
            cand("mimc-codec", move || {
                let env = Envelope::from_json(black_box(input)).expect("ours");
                touch_envelope(&env)
            }),
            cand("serde_json tagged owned", move || {
                let env: TaggedEnvelope = serde_json::from_slice(black_box(input)).expect("tagged");
                env.touch()
            }),
            cand("serde_json flat &str", move || {
                let env: FlatRecall<'_> = serde_json::from_slice(black_box(input)).expect("flat");
                env.touch()
            }),
            cand("sonic-rs flat &str", move || {
                let env: FlatRecall<'_> = sonic_rs::from_slice(black_box(input)).expect("sonic");
                env.touch()
            }),
            aside("serde_json Value", move || {
                let v: serde_json::Value = serde_json::from_slice(black_box(input)).expect("value");
                v.as_object().map_or(0, |o| o.len() as u64)
            }),
            aside("mimc-codec validate only (RawJson::parse)", move || {
                let text = core::str::from_utf8(black_box(input)).expect("utf8");
                mimc_codec::RawJson::parse(text)
                    .expect("valid")
                    .as_str()
                    .len() as u64
            }),
            utf8_floor(input),
        ],
    }
}

/// serde's model of the push-p2p body, borrowed (the `appId` as the text it is sent as).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PushP2pFlat<'a> {
    pub app_id: &'a str,
    pub app_key: &'a str,
    pub app_secret: &'a str,
    pub from_account: &'a str,
    pub from_resource: &'a str,
    pub to_account: &'a str,
    pub msg: &'a str,
    pub msg_type: &'a str,
}

/// Encode the push-p2p request body (a text `msg` holding an envelope's JSON, so every quote inside
/// is escaped) into a reused buffer; every candidate writes exactly `bench/push_p2p.json`.
pub fn push_p2p_encode() -> Case {
    const APP_ID: u64 = 2_882_303_761_517_669_588;
    let expected = fixture("bench/push_p2p.json");
    let msg: &'static str =
        core::str::from_utf8(fixture("envelope/text_chinese_emoji.json")).expect("utf8");
    let sender = PushSender::new(
        APP_ID,
        "5966086406018",
        "gTO8Jb0wbLaxIzAcRc+O3A==",
        "user_lei",
        "push_server",
    );
    let req: &'static PushP2p<'static> = Box::leak(Box::new(
        PushP2p::new(sender, "10", PushMessage::text(msg)).expect("push"),
    ));
    let flat: &'static PushP2pFlat<'static> = Box::leak(Box::new(PushP2pFlat {
        app_id: "2882303761517669588",
        app_key: "5966086406018",
        app_secret: "gTO8Jb0wbLaxIzAcRc+O3A==",
        from_account: "user_lei",
        from_resource: "push_server",
        to_account: "10",
        msg,
        msg_type: "",
    }));
    // Same bytes out of every candidate (checked here once).
    let mut ours = [0u8; 1024];
    let n = req.to_json_slice(&mut ours).expect("encode").len();
    assert_eq!(&ours[..n], expected, "our encoding is the fixture");
    assert_eq!(serde_json::to_vec(flat).expect("serde"), expected);
    assert_eq!(sonic_rs::to_vec(flat).expect("sonic"), expected);
    Case {
        name: "encode push_p2p",
        bytes: n,
        candidates: vec![
            cand("mimc-codec to_json_slice", {
                let out = RefCell::new(vec![0u8; 1024]);
                move || {
                    let mut out = out.borrow_mut();
                    let n = black_box(req).to_json_slice(&mut out).expect("ours").len();
                    black_box(&out);
                    n as u64
                }
            }),
            cand("serde_json::to_writer (reused Vec)", {
                let out = RefCell::new(Vec::with_capacity(1024));
                move || {
                    let mut out = out.borrow_mut();
                    out.clear();
                    serde_json::to_writer(&mut *out, black_box(flat)).expect("serde");
                    black_box(&out);
                    out.len() as u64
                }
            }),
            cand("sonic_rs::to_writer (reused Vec)", {
                let out = RefCell::new(Vec::with_capacity(1024));
                move || {
                    let mut out = out.borrow_mut();
                    out.clear();
                    sonic_rs::to_writer(&mut *out, black_box(flat)).expect("sonic");
                    black_box(&out);
                    out.len() as u64
                }
            }),
        ],
    }
}

/// Encode the TEXT envelope into a reused buffer.
pub fn text_encode() -> Case {
    let input = fixture("bench/text_150.json");
    let env: &'static Envelope<'static> =
        Box::leak(Box::new(Envelope::from_json(input).expect("decode")));
    let flat: &'static FlatText<'static> =
        Box::leak(Box::new(serde_json::from_slice(input).expect("flat")));
    // Same bytes out of every candidate (checked here once).
    let mut ours = [0u8; 512];
    let n = env.to_json_slice(&mut ours).expect("encode").len();
    assert_eq!(&ours[..n], input, "our encoding is the fixture");
    assert_eq!(serde_json::to_vec(flat).expect("serde"), input);
    assert_eq!(sonic_rs::to_vec(flat).expect("sonic"), input);
    Case {
        name: "encode text_150",
        bytes: n,
        candidates: vec![
            cand("mimc-codec to_json_slice", {
                let out = core::cell::RefCell::new(vec![0u8; 512]);
                move || {
                    let mut out = out.borrow_mut();
                    let n = black_box(env).to_json_slice(&mut out).expect("ours").len();
                    black_box(&out);
                    n as u64
                }
            }),
            cand("serde_json::to_writer (reused Vec)", {
                let out = core::cell::RefCell::new(Vec::with_capacity(512));
                move || {
                    let mut out = out.borrow_mut();
                    out.clear();
                    serde_json::to_writer(&mut *out, black_box(flat)).expect("serde");
                    black_box(&out);
                    out.len() as u64
                }
            }),
            cand("sonic_rs::to_writer (reused Vec)", {
                let out = core::cell::RefCell::new(Vec::with_capacity(512));
                move || {
                    let mut out = out.borrow_mut();
                    out.clear();
                    sonic_rs::to_writer(&mut *out, black_box(flat)).expect("sonic");
                    black_box(&out);
                    out.len() as u64
                }
            }),
        ],
    }
}

/// The base64 crate alone on the already extracted payload string, into a reused buffer.
pub fn base64_alone(payload: &'static str) -> Candidate {
    let out = core::cell::RefCell::new(vec![0u8; 16 * 1024]);
    aside("base64 decode_slice alone", move || {
        let mut out = out.borrow_mut();
        let n = base64::engine::general_purpose::STANDARD
            .decode_slice(black_box(payload), &mut out)
            .expect("b64");
        touch_bytes(&out[..n])
    })
}

/// Not a peer: the UTF-8 check every decoder of this input must do at least, as a floor.
pub fn utf8_floor(input: &'static [u8]) -> Candidate {
    aside("floor: core::str::from_utf8 alone", move || {
        core::str::from_utf8(black_box(input)).map_or(0, |s| s.len() as u64)
    })
}

// ---------------------------------------------------------------------------------------------------
// Callbacks.

/// The idiomatic serde model of a callback: internally tagged on `msgType`, owned.
#[derive(Deserialize)]
#[serde(tag = "msgType")]
pub enum TaggedCallback {
    #[serde(rename = "NORMAL_MSG")]
    NormalMsg(P2pOwned),
    #[serde(rename = "NORMAL_TOPIC_MSG")]
    NormalTopicMsg(P2tOwned),
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct P2pOwned {
    pub from_app_id: String,
    pub from_account: String,
    pub to_app_id: String,
    pub to_account: String,
    pub payload: String,
    pub timestamp: u64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct P2tOwned {
    pub app_id: String,
    pub topic_id: u64,
    pub from_account: String,
    pub to_accounts: Vec<String>,
    pub payload: String,
    pub timestamp: u64,
}

impl TaggedCallback {
    fn touch(&self) -> u64 {
        match self {
            // The payload is left out here (as in `touch_callback`): the cases add it as they use it.
            TaggedCallback::NormalMsg(m) => {
                id_str(&m.from_app_id)
                    + id_str(&m.to_app_id)
                    + ("NORMAL_MSG".len() + m.from_account.len() + m.to_account.len()) as u64
                    + m.timestamp
            }
            TaggedCallback::NormalTopicMsg(m) => {
                m.to_accounts.iter().map(|a| a.len() as u64).sum::<u64>()
                    + m.to_accounts.len() as u64
                    + id_str(&m.app_id)
                    + ("NORMAL_TOPIC_MSG".len() + m.from_account.len()) as u64
                    + m.topic_id
                    + m.timestamp
            }
        }
    }
}

/// serde's best case for a one-to-one callback: flat, borrowed, kind known.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct P2pFlat<'a> {
    pub msg_type: &'a str,
    pub from_app_id: &'a str,
    pub from_account: &'a str,
    pub to_app_id: &'a str,
    pub to_account: &'a str,
    pub payload: &'a str,
    pub timestamp: u64,
}

impl P2pFlat<'_> {
    /// Every field but the payload (the cases add it as they use it).
    fn touch(&self) -> u64 {
        id_str(self.from_app_id)
            + id_str(self.to_app_id)
            + (self.msg_type.len() + self.from_account.len() + self.to_account.len()) as u64
            + self.timestamp
    }
}

/// serde's best case for a group callback: flat, borrowed, `Vec<&str>` members.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct P2tFlat<'a> {
    pub msg_type: &'a str,
    pub app_id: &'a str,
    pub topic_id: u64,
    pub from_account: &'a str,
    #[serde(borrow)]
    pub to_accounts: Vec<&'a str>,
    pub payload: &'a str,
    pub timestamp: u64,
}

impl P2tFlat<'_> {
    /// Every field but the payload (the cases add it as they use it).
    fn touch(&self) -> u64 {
        self.to_accounts.iter().map(|a| a.len() as u64).sum::<u64>()
            + self.to_accounts.len() as u64
            + id_str(self.app_id)
            + (self.msg_type.len() + self.from_account.len()) as u64
            + self.topic_id
            + self.timestamp
    }
}

/// Every field of a callback but the payload (the cases add it as they use it). The fixtures send the
/// app ids as strings, `topicId` and `timestamp` as numbers.
fn touch_callback(cb: &Callback<'_>) -> u64 {
    let kind = cb.kind().as_str().map_or(0, |k| k.len() as u64);
    kind + match cb {
        Callback::NormalMsg(m) | Callback::OfflineMsg(m) => {
            id(m.from_app_id)
                + id(m.to_app_id)
                + m.timestamp.get()
                + touch_str(&m.from_account)
                + touch_str(&m.to_account)
        }
        Callback::NormalTopicMsg(m) | Callback::OfflineTopicMsg(m) => {
            let mut d = id(m.app_id) + m.topic_id.get() + m.timestamp.get();
            d += touch_str(&m.from_account);
            d += m.to_accounts.len() as u64;
            for a in &m.to_accounts {
                d += touch_str(&a);
            }
            d
        }
        _ => 0,
    }
}

/// The payload as text, not decoded (base64 has no escapes: its length).
fn payload_text_len(cb: &Callback<'_>) -> u64 {
    cb.payload()
        .and_then(|p| p.text())
        .map_or(0, |t| t.raw().len() as u64)
}

/// The group callback with 500 `toAccounts`.
pub fn topic_500() -> Case {
    let input = fixture("bench/topic_500.json");
    Case {
        name: "decode topic_500 (callback)",
        bytes: input.len(),
        candidates: vec![
            cand("mimc-codec", move || {
                let cb = Callback::from_json(black_box(input)).expect("ours");
                touch_callback(&cb) + payload_text_len(&cb)
            }),
            cand("serde_json tagged owned", move || {
                let cb: TaggedCallback = serde_json::from_slice(black_box(input)).expect("tagged");
                let TaggedCallback::NormalTopicMsg(m) = &cb else {
                    unreachable!()
                };
                cb.touch() + m.payload.len() as u64
            }),
            cand("serde_json flat Vec<&str>", move || {
                let cb: P2tFlat<'_> = serde_json::from_slice(black_box(input)).expect("flat");
                cb.touch() + cb.payload.len() as u64
            }),
            cand("sonic-rs flat Vec<&str>", move || {
                let cb: P2tFlat<'_> = sonic_rs::from_slice(black_box(input)).expect("sonic");
                cb.touch() + cb.payload.len() as u64
            }),
            aside("serde_json Value", move || {
                let v: serde_json::Value = serde_json::from_slice(black_box(input)).expect("value");
                v.as_object().map_or(0, |o| o.len() as u64)
            }),
            utf8_floor(input),
        ],
    }
}

/// The group callback end to end: the callback, its base64 payload decoded into a reused buffer, and
/// the envelope inside read from it (the final Chinese manual's dialect: kind key `type`).
pub fn topic_500_end_to_end() -> Case {
    let input = fixture("bench/topic_500.json");
    let b64 = &base64::engine::general_purpose::STANDARD;
    Case {
        name: "decode topic_500 end to end (payload + inner envelope)",
        bytes: input.len(),
        candidates: vec![
            cand("mimc-codec (decode_message)", {
                let out = payload_buf();
                move || {
                    let mut out = out.borrow_mut();
                    let cb = Callback::from_json(black_box(input)).expect("ours");
                    let d = touch_callback(&cb);
                    let msg = cb.decode_message(&mut out).expect("payload");
                    d + touch_envelope(msg.envelope().expect("envelope"))
                }
            }),
            cand("mimc-codec (decode_into + Envelope::from_json)", {
                let out = payload_buf();
                move || {
                    let mut out = out.borrow_mut();
                    let cb = Callback::from_json(black_box(input)).expect("ours");
                    let d = touch_callback(&cb);
                    let bytes = cb
                        .payload()
                        .expect("payload")
                        .decode_into(&mut out)
                        .expect("b64");
                    d + touch_envelope(&Envelope::from_json(bytes).expect("envelope"))
                }
            }),
            cand("serde_json flat + base64 decode_slice + serde_json flat", {
                let out = payload_buf();
                move || {
                    let mut out = out.borrow_mut();
                    let cb: P2tFlat<'_> = serde_json::from_slice(black_box(input)).expect("flat");
                    let n = b64.decode_slice(cb.payload, &mut out).expect("b64");
                    let env: FlatTextTypeKey<'_> = serde_json::from_slice(&out[..n]).expect("env");
                    cb.touch() + env.touch()
                }
            }),
            cand("sonic-rs flat + base64 decode_slice + sonic-rs flat", {
                let out = payload_buf();
                move || {
                    let mut out = out.borrow_mut();
                    let cb: P2tFlat<'_> = sonic_rs::from_slice(black_box(input)).expect("sonic");
                    let n = b64.decode_slice(cb.payload, &mut out).expect("b64");
                    let env: FlatTextTypeKey<'_> = sonic_rs::from_slice(&out[..n]).expect("env");
                    cb.touch() + env.touch()
                }
            }),
            utf8_floor(input),
        ],
    }
}

/// A one-to-one callback whose base64 payload decodes into a reused buffer.
pub fn callback_b64(name: &'static str, rel: &str) -> Case {
    let input = fixture(rel);
    let flat: P2pFlat<'static> = serde_json::from_slice(input).expect("flat");
    let extracted: &'static str = flat.payload;
    let out = || core::cell::RefCell::new(vec![0u8; 16 * 1024]);
    let b64 = &base64::engine::general_purpose::STANDARD;
    Case {
        name,
        bytes: input.len(),
        candidates: vec![
            cand("mimc-codec decode + payload into buffer", {
                let out = out();
                move || {
                    let mut out = out.borrow_mut();
                    let cb = Callback::from_json(black_box(input)).expect("ours");
                    let bytes = cb
                        .payload()
                        .expect("payload")
                        .decode_into(&mut out)
                        .expect("b64");
                    touch_callback(&cb) + touch_bytes(bytes)
                }
            }),
            cand("serde_json flat &str + base64 decode_slice", {
                let out = out();
                move || {
                    let mut out = out.borrow_mut();
                    let cb: P2pFlat<'_> = serde_json::from_slice(black_box(input)).expect("flat");
                    let n = b64.decode_slice(cb.payload, &mut out).expect("b64");
                    cb.touch() + touch_bytes(&out[..n])
                }
            }),
            cand("sonic-rs flat &str + base64 decode_slice", {
                let out = out();
                move || {
                    let mut out = out.borrow_mut();
                    let cb: P2pFlat<'_> = sonic_rs::from_slice(black_box(input)).expect("sonic");
                    let n = b64.decode_slice(cb.payload, &mut out).expect("b64");
                    cb.touch() + touch_bytes(&out[..n])
                }
            }),
            cand("serde_json tagged owned + base64 decode_slice", {
                let out = out();
                move || {
                    let mut out = out.borrow_mut();
                    let cb: TaggedCallback =
                        serde_json::from_slice(black_box(input)).expect("tagged");
                    let TaggedCallback::NormalMsg(m) = &cb else {
                        unreachable!()
                    };
                    let n = b64.decode_slice(&m.payload, &mut out).expect("b64");
                    cb.touch() + touch_bytes(&out[..n])
                }
            }),
            base64_alone(extracted),
            aside(
                "mimc-codec decode only (string scan, payload kept)",
                move || {
                    let cb = Callback::from_json(black_box(input)).expect("ours");
                    touch_callback(&cb)
                },
            ),
            aside("serde_json flat &str only (no base64)", move || {
                let cb: P2pFlat<'_> = serde_json::from_slice(black_box(input)).expect("flat");
                cb.touch() + cb.payload.len() as u64
            }),
            aside("sonic-rs flat &str only (no base64)", move || {
                let cb: P2pFlat<'_> = sonic_rs::from_slice(black_box(input)).expect("sonic");
                cb.touch() + cb.payload.len() as u64
            }),
            utf8_floor(input),
        ],
    }
}

// ---------------------------------------------------------------------------------------------------
// HTTP API replies.

/// serde's model of the history reply: `{code, message, data: {appId, messages: [...], row}}`, borrowed.
#[derive(Deserialize)]
pub struct HistoryReplyFlat<'a> {
    pub code: u64,
    pub message: &'a str,
    #[serde(borrow)]
    pub data: HistoryDataFlat<'a>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryDataFlat<'a> {
    pub app_id: &'a str,
    #[serde(borrow)]
    pub messages: Vec<HistoryMsgFlat<'a>>,
    pub row: u64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryMsgFlat<'a> {
    pub sequence: &'a str,
    pub payload: &'a str,
    pub ts: &'a str,
    pub from_account: &'a str,
    pub to_account: &'a str,
}

impl HistoryMsgFlat<'_> {
    /// Every field but the payload.
    fn touch(&self) -> u64 {
        id_str(self.sequence)
            + id_str(self.ts)
            + (self.from_account.len() + self.to_account.len()) as u64
    }
}

impl HistoryReplyFlat<'_> {
    /// Every field but the messages' payloads.
    fn touch_head(&self) -> u64 {
        assert!(self.code == 200, "code");
        id_str(self.data.app_id) + self.data.row + self.data.messages.len() as u64
    }

    /// Payloads kept as base64 text.
    fn touch(&self) -> u64 {
        let mut d = self.touch_head();
        for m in &self.data.messages {
            d += m.touch() + m.payload.len() as u64;
        }
        d
    }

    /// Payloads decoded into `out`.
    fn touch_decoded(&self, out: &mut [u8]) -> u64 {
        let b64 = &base64::engine::general_purpose::STANDARD;
        let mut d = self.touch_head();
        for m in &self.data.messages {
            let n = b64.decode_slice(m.payload, out).expect("b64");
            d += m.touch() + touch_bytes(&out[..n]);
        }
        d
    }
}

/// The same reply, owned (the idiomatic derive).
#[derive(Deserialize)]
pub struct HistoryReplyOwned {
    pub code: u64,
    pub message: String,
    pub data: HistoryDataOwned,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryDataOwned {
    pub app_id: String,
    pub messages: Vec<HistoryMsgOwned>,
    pub row: u64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryMsgOwned {
    pub sequence: String,
    pub payload: String,
    pub ts: String,
    pub from_account: String,
    pub to_account: String,
}

impl HistoryReplyOwned {
    fn touch_with(&self, mut payload: impl FnMut(&str) -> u64) -> u64 {
        assert!(self.code == 200, "code");
        let mut d = id_str(&self.data.app_id) + self.data.row + self.data.messages.len() as u64;
        for m in &self.data.messages {
            d += id_str(&m.sequence) + id_str(&m.ts);
            d += (m.from_account.len() + m.to_account.len()) as u64;
            d += payload(&m.payload);
        }
        d
    }
}

/// A history message as we read it: every field but the payload.
#[inline]
fn touch_history_msg(m: &HistoryMessage<'_>) -> u64 {
    id(m.sequence())
        + id(m.ts())
        + touch_str(&m.from_account())
        + m.to_account().map_or(0, |t| touch_str(&t))
}

/// The history reply's head: every field but the messages.
#[inline]
fn touch_history_head(h: &History<'_>) -> u64 {
    id(h.app_id()) + h.row().get() + h.messages().len() as u64
}

/// The one-to-one history reply with 100 messages (payloads left base64, as serde leaves them `&str`).
pub fn history_100() -> Case {
    let input = fixture("api/history-p2p-100.response.json");
    Case {
        name: "decode history-p2p-100 (API reply)",
        bytes: input.len(),
        candidates: vec![
            cand("mimc-codec", move || {
                let h = History::from_json(black_box(input)).expect("ours");
                let mut d = touch_history_head(&h);
                for m in &h.messages() {
                    d += touch_history_msg(&m);
                    d += m.payload().text().map_or(0, |t| t.raw().len() as u64);
                }
                d
            }),
            aside(
                "mimc-codec validate only (RawJson::parse, one pass)",
                move || {
                    let text = core::str::from_utf8(black_box(input)).expect("utf8");
                    mimc_codec::RawJson::parse(text)
                        .expect("valid")
                        .as_str()
                        .len() as u64
                },
            ),
            cand("serde_json derive owned", move || {
                let r: HistoryReplyOwned = serde_json::from_slice(black_box(input)).expect("owned");
                r.touch_with(|p| p.len() as u64)
            }),
            cand("serde_json flat &str", move || {
                let r: HistoryReplyFlat<'_> =
                    serde_json::from_slice(black_box(input)).expect("flat");
                r.touch()
            }),
            cand("sonic-rs flat &str", move || {
                let r: HistoryReplyFlat<'_> =
                    sonic_rs::from_slice(black_box(input)).expect("sonic");
                r.touch()
            }),
            aside("serde_json Value", move || {
                let v: serde_json::Value = serde_json::from_slice(black_box(input)).expect("value");
                v.as_object().map_or(0, |o| o.len() as u64)
            }),
            utf8_floor(input),
        ],
    }
}

/// A reused output buffer for decoded payloads (each at most 15 KiB, the API's limit).
fn payload_buf() -> RefCell<Vec<u8>> {
    RefCell::new(vec![0u8; 16 * 1024])
}

/// Reused caller storage for `List::fill` (the httparse shape).
fn slots<T>(n: usize) -> RefCell<Vec<Option<T>>> {
    RefCell::new(std::iter::repeat_with(|| None).take(n).collect())
}

/// The same history reply with every message's payload decoded (base64 into a reused buffer), as a
/// client reading its history does.
pub fn history_100_payloads() -> Case {
    let input = fixture("api/history-p2p-100.response.json");
    Case {
        name: "decode history-p2p-100 + payloads (API reply)",
        bytes: input.len(),
        candidates: vec![
            cand(
                "mimc-codec (from_json_fill: one pass into a caller slice)",
                {
                    let out = payload_buf();
                    let slots = slots::<HistoryMessage<'static>>(128);
                    move || {
                        let mut out = out.borrow_mut();
                        let mut slots = slots.borrow_mut();
                        let (h, n) =
                            History::from_json_fill(black_box(input), &mut slots).expect("ours");
                        assert_eq!(n, h.messages().len(), "fits");
                        let mut d = touch_history_head(&h);
                        for m in slots[..n].iter().flatten() {
                            d += touch_history_msg(m)
                                + touch_bytes(m.payload_into(&mut out).expect("b64"));
                        }
                        d
                    }
                },
            ),
            cand("mimc-codec (iterate)", {
                let out = payload_buf();
                move || {
                    let mut out = out.borrow_mut();
                    let h = History::from_json(black_box(input)).expect("ours");
                    let mut d = touch_history_head(&h);
                    for m in &h.messages() {
                        d += touch_history_msg(&m)
                            + touch_bytes(m.payload_into(&mut out).expect("b64"));
                    }
                    d
                }
            }),
            cand("serde_json derive owned + base64 decode_slice", {
                let out = payload_buf();
                move || {
                    let mut out = out.borrow_mut();
                    let r: HistoryReplyOwned =
                        serde_json::from_slice(black_box(input)).expect("owned");
                    let b64 = &base64::engine::general_purpose::STANDARD;
                    r.touch_with(|p| {
                        let n = b64.decode_slice(p, &mut out).expect("b64");
                        touch_bytes(&out[..n])
                    })
                }
            }),
            cand("serde_json flat &str + base64 decode_slice", {
                let out = payload_buf();
                move || {
                    let r: HistoryReplyFlat<'_> =
                        serde_json::from_slice(black_box(input)).expect("flat");
                    r.touch_decoded(&mut out.borrow_mut())
                }
            }),
            cand("sonic-rs flat &str + base64 decode_slice", {
                let out = payload_buf();
                move || {
                    let r: HistoryReplyFlat<'_> =
                        sonic_rs::from_slice(black_box(input)).expect("sonic");
                    r.touch_decoded(&mut out.borrow_mut())
                }
            }),
            utf8_floor(input),
        ],
    }
}

/// serde's model of a reply: `{code, message, data}`, borrowed.
#[derive(Deserialize)]
pub struct ReplyFlat<'a, T> {
    pub code: u64,
    pub message: &'a str,
    pub data: T,
}

/// The topic-query reply's `data`, flat and borrowed.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TopicDataFlat<'a> {
    #[serde(borrow)]
    pub topic_info: TopicInfoFlat<'a>,
    #[serde(borrow)]
    pub members: Vec<MemberFlat<'a>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TopicInfoFlat<'a> {
    pub topic_id: &'a str,
    pub owner_uuid: &'a str,
    pub owner_account: Option<&'a str>,
    pub topic_name: &'a str,
    pub bulletin: &'a str,
}

#[derive(Deserialize)]
pub struct MemberFlat<'a> {
    pub uuid: &'a str,
    pub account: &'a str,
}

impl ReplyFlat<'_, TopicDataFlat<'_>> {
    fn touch_head(&self) -> u64 {
        assert!(self.code == 200, "code");
        let t = &self.data.topic_info;
        id_str(t.topic_id)
            + id_str(t.owner_uuid)
            + t.owner_account.map_or(0, |a| a.len() as u64)
            + (t.topic_name.len() + t.bulletin.len()) as u64
            + self.data.members.len() as u64
    }

    fn touch(&self) -> u64 {
        let mut d = self.touch_head();
        for m in &self.data.members {
            d += id_str(m.uuid) + m.account.len() as u64;
        }
        d
    }
}

#[inline]
fn touch_topic_head(t: &TopicData<'_>) -> u64 {
    let i = t.topic_info();
    id(i.topic_id())
        + id(i.owner_uuid())
        + i.owner_account().map_or(0, |a| touch_str(&a))
        + touch_str(&i.topic_name())
        + touch_str(&i.bulletin())
        + t.members().len() as u64
}

#[inline]
fn touch_member(m: &Member<'_>) -> u64 {
    id(m.uuid()) + touch_str(&m.account())
}

/// The topic-query reply of a full group: `topicInfo` and 500 members (`{uuid, account}`).
pub fn topic_query_500() -> Case {
    let input = fixture("bench/topic_query_500.json");
    Case {
        name: "decode topic_query_500 (API reply)",
        bytes: input.len(),
        candidates: vec![
            cand(
                "mimc-codec (from_json_fill: one pass into a caller slice)",
                {
                    let slots = slots::<Member<'static>>(512);
                    move || {
                        let mut slots = slots.borrow_mut();
                        let (t, n) =
                            TopicData::from_json_fill(black_box(input), &mut slots).expect("ours");
                        assert_eq!(n, t.members().len(), "fits");
                        let mut d = touch_topic_head(&t);
                        for m in slots[..n].iter().flatten() {
                            d += touch_member(m);
                        }
                        d
                    }
                },
            ),
            cand("mimc-codec (iterate)", move || {
                let t = TopicData::from_json(black_box(input)).expect("ours");
                let mut d = touch_topic_head(&t);
                for m in &t.members() {
                    d += touch_member(&m);
                }
                d
            }),
            cand("serde_json flat &str", move || {
                let r: ReplyFlat<'_, TopicDataFlat<'_>> =
                    serde_json::from_slice(black_box(input)).expect("flat");
                r.touch()
            }),
            cand("sonic-rs flat &str", move || {
                let r: ReplyFlat<'_, TopicDataFlat<'_>> =
                    sonic_rs::from_slice(black_box(input)).expect("sonic");
                r.touch()
            }),
            aside("serde_json Value", move || {
                let v: serde_json::Value = serde_json::from_slice(black_box(input)).expect("value");
                v.as_object().map_or(0, |o| o.len() as u64)
            }),
            utf8_floor(input),
        ],
    }
}

/// The token reply's `data`, flat and borrowed: the keys `TokenData` knows; serde skips the others
/// (its default, as ours).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenDataFlat<'a> {
    pub app_id: &'a str,
    pub app_package: &'a str,
    pub app_account: &'a str,
    pub mi_chid: u64,
    pub mi_user_id: &'a str,
    pub mi_user_security_key: &'a str,
    pub token: &'a str,
    pub region_bucket: Option<u64>,
    pub fe_domain_name: Option<&'a str>,
    pub relay_domain_name: Option<&'a str>,
    pub pps_miot_domain_name: Option<&'a str>,
}

impl ReplyFlat<'_, TokenDataFlat<'_>> {
    fn touch(&self) -> u64 {
        assert!(self.code == 200, "code");
        let t = &self.data;
        let opt = |s: Option<&str>| s.map_or(0, |s| s.len() as u64);
        id_str(t.app_id)
            + id_str(t.mi_user_id)
            + t.mi_chid
            + t.region_bucket.unwrap_or(0)
            + (t.app_package.len() + t.app_account.len()) as u64
            + (t.mi_user_security_key.len() + t.token.len()) as u64
            + opt(t.fe_domain_name)
            + opt(t.relay_domain_name)
            + opt(t.pps_miot_domain_name)
    }
}

/// The token reply with undocumented keys of every JSON type between the known ones.
pub fn token_unknown_keys() -> Case {
    let input = fixture("bench/token_unknown_keys.json");
    Case {
        name: "decode token_unknown_keys (API reply)",
        bytes: input.len(),
        candidates: vec![
            cand("mimc-codec", move || {
                let t = TokenData::from_json(black_box(input)).expect("ours");
                let opt = |s: Option<JsonStr<'_>>| s.map_or(0, |s| touch_str(&s));
                id(t.app_id())
                    + id(t.mi_user_id())
                    + t.mi_chid().get()
                    + t.region_bucket().map_or(0, |r| r.get())
                    + touch_str(&t.app_package())
                    + touch_str(&t.app_account())
                    + touch_str(&t.mi_user_security_key().expose())
                    + touch_str(&t.token().expose())
                    + opt(t.fe_domain_name())
                    + opt(t.relay_domain_name())
                    + opt(t.pps_miot_domain_name())
            }),
            cand("serde_json flat &str", move || {
                let r: ReplyFlat<'_, TokenDataFlat<'_>> =
                    serde_json::from_slice(black_box(input)).expect("flat");
                r.touch()
            }),
            cand("sonic-rs flat &str", move || {
                let r: ReplyFlat<'_, TokenDataFlat<'_>> =
                    sonic_rs::from_slice(black_box(input)).expect("sonic");
                r.touch()
            }),
            aside("serde_json Value", move || {
                let v: serde_json::Value = serde_json::from_slice(black_box(input)).expect("value");
                v.as_object().map_or(0, |o| o.len() as u64)
            }),
            utf8_floor(input),
        ],
    }
}

// ---------------------------------------------------------------------------------------------------
// The compact binary form (postcard), with `--features postcard`.

/// Postcard decode of the TEXT envelope and of the 1 KiB callback, against our JSON decode of the same
/// value (throughput counted on the postcard bytes).
#[cfg(feature = "postcard")]
pub fn postcard_decode() -> Vec<Case> {
    use mimc_codec::wire;
    let mut cases = Vec::new();
    {
        let json = fixture("bench/text_150.json");
        let env = Envelope::from_json(json).expect("decode");
        let bytes: &'static [u8] = wire::to_postcard_vec(&env).expect("postcard").leak();
        cases.push(Case {
            name: "postcard decode text_150",
            bytes: bytes.len(),
            candidates: vec![
                cand("mimc-codec from_postcard", move || {
                    let env: Envelope<'_> = wire::from_postcard(black_box(bytes)).expect("ours");
                    touch_envelope(&env)
                }),
                cand("mimc-codec from_json (same value, 150 B JSON)", move || {
                    let env = Envelope::from_json(black_box(json)).expect("ours");
                    touch_envelope(&env)
                }),
                cand("serde_json flat &str (same value, 150 B JSON)", move || {
                    let env: FlatText<'_> = serde_json::from_slice(black_box(json)).expect("flat");
                    env.touch()
                }),
            ],
        });
    }
    {
        let json = fixture("bench/callback_b64_1k.json");
        let cb = Callback::from_json(json).expect("decode");
        let bytes: &'static [u8] = wire::to_postcard_vec(&cb).expect("postcard").leak();
        cases.push(Case {
            name: "postcard decode callback_b64_1k",
            bytes: bytes.len(),
            candidates: vec![
                cand(
                    "mimc-codec from_postcard (payload as raw bytes)",
                    move || {
                        let cb: Callback<'_> = wire::from_postcard(black_box(bytes)).expect("ours");
                        touch_callback(&cb)
                    },
                ),
                aside("mimc-codec from_json + payload decode (1.5 KiB JSON)", {
                    let out = core::cell::RefCell::new(vec![0u8; 16 * 1024]);
                    move || {
                        let mut out = out.borrow_mut();
                        let cb = Callback::from_json(black_box(json)).expect("ours");
                        let p = cb
                            .payload()
                            .expect("payload")
                            .decode_into(&mut out)
                            .expect("b64");
                        touch_callback(&cb) + p.len() as u64
                    }
                }),
            ],
        });
    }
    cases
}

/// Postcard encode of the TEXT envelope into a reused buffer, against our JSON encode.
#[cfg(feature = "postcard")]
pub fn postcard_encode() -> Case {
    use mimc_codec::wire;
    let json = fixture("bench/text_150.json");
    let env: &'static Envelope<'static> =
        Box::leak(Box::new(Envelope::from_json(json).expect("decode")));
    let n = wire::postcard_len(env).expect("len");
    Case {
        name: "postcard encode text_150",
        bytes: n,
        candidates: vec![
            cand("mimc-codec to_postcard_slice", {
                let out = core::cell::RefCell::new(vec![0u8; 512]);
                move || {
                    let mut out = out.borrow_mut();
                    wire::to_postcard_slice(black_box(env), &mut out)
                        .expect("ours")
                        .len() as u64
                }
            }),
            aside("mimc-codec to_json_slice (same value)", {
                let out = core::cell::RefCell::new(vec![0u8; 512]);
                move || {
                    let mut out = out.borrow_mut();
                    black_box(env).to_json_slice(&mut out).expect("ours").len() as u64
                }
            }),
        ],
    }
}

/// Every case the suite knows, in table order.
pub fn all_cases() -> Vec<Case> {
    #[allow(unused_mut)]
    let mut cases = vec![
        text_decode("decode text_150 (kind first)", "bench/text_150.json"),
        text_decode("decode text_150_kind_last", "bench/text_150_kind_last.json"),
        text_decode("decode text_150_escaped", "bench/text_150_escaped.json"),
        text_decode(
            "decode text_cjk_60_kind_last",
            "bench/text_cjk_60_kind_last.json",
        ),
        recall_decode(),
        custom_decode(),
        text_encode(),
        push_p2p_encode(),
        topic_500(),
        topic_500_end_to_end(),
        callback_b64("decode callback_b64_64", "bench/callback_b64_64.json"),
        callback_b64("decode callback_b64_1k", "bench/callback_b64_1k.json"),
        callback_b64("decode callback_b64_15k", "bench/callback_b64_15k.json"),
        history_100(),
        history_100_payloads(),
        topic_query_500(),
        token_unknown_keys(),
    ];
    #[cfg(feature = "postcard")]
    {
        cases.extend(postcard_decode());
        cases.push(postcard_encode());
    }
    #[cfg(feature = "protocol")]
    cases.extend(protocol::cases());
    cases
}

/// Runs every candidate once (the runners call this first): none may panic, and every `full`
/// candidate of a case must return the same digest (the same fields read with the same values), so a
/// candidate that skips or misreads part of the job fails here instead of looking fast.
/// `MIMC_BENCH_DIGESTS=1` prints every digest to stderr.
pub fn smoke(cases: &[Case]) {
    for c in cases {
        let digests: Vec<(&str, bool, u64)> = c
            .candidates
            .iter()
            .map(|k| (k.name, k.full, black_box((k.run)())))
            .collect();
        if std::env::var_os("MIMC_BENCH_DIGESTS").is_some() {
            for (name, full, d) in &digests {
                let mark = if *full { "full" } else { "aside" };
                eprintln!("{}\t{name}\t{mark}\t{d}", c.name);
            }
        }
        let mut full = digests.iter().filter(|d| d.1);
        let Some(&(first, _, want)) = full.next() else {
            panic!("{}: no full candidate", c.name);
        };
        for &(name, _, got) in full {
            assert_eq!(
                got, want,
                "{}: `{name}` digest {got} differs from `{first}` ({want})",
                c.name
            );
        }
    }
}
