//! The benchmark cases, shared by the criterion suite (`benches/codec.rs`), the interleaved ratio runner
//! (`benches/ratios.rs`) and the instruction-count loop (`examples/decode_loop.rs`).
//!
//! A case is one input (a fixture's exact bytes) and a list of candidates: ours first, then the peers.
//! Every candidate does the same job: decode, then touch every field its output holds (lengths of the
//! strings, the numbers, each element of a list, the decoded base64 bytes), so that nothing is skipped
//! lazily by one side only. A candidate returns a `u64` digest of what it touched; the runners pass it
//! to `black_box`.
#![allow(dead_code, clippy::missing_panics_doc, clippy::struct_field_names)]

use std::borrow::Cow;
use std::hint::black_box;

use base64::Engine as _;
use mimc_codec::api::History;
use mimc_codec::json::JsonStr;
use mimc_codec::{Body, Callback, Envelope, ToJson};
use serde::{Deserialize, Serialize};

#[cfg(feature = "protocol")]
mod protocol;

/// One measured function: a name and a closure that does one message's work.
pub struct Candidate {
    pub name: &'static str,
    pub run: Box<dyn Fn() -> u64>,
}

/// One input with everything measured on it; `candidates[0]` is ours.
pub struct Case {
    pub name: &'static str,
    /// Bytes counted for throughput: the input's length (for encode: the output's).
    pub bytes: usize,
    pub candidates: Vec<Candidate>,
}

fn cand(name: &'static str, f: impl Fn() -> u64 + 'static) -> Candidate {
    Candidate {
        name,
        run: Box::new(f),
    }
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

#[inline]
fn touch_envelope(env: &Envelope<'_>) -> u64 {
    let mut d = env.version().get() ^ env.timestamp().get();
    if let Some(id) = env.msg_id() {
        d += touch_str(id);
    }
    match env.body() {
        Body::Text(t) => d += touch_str(t) + 1,
        _ => d += env.raw_payload().map_or(0, |p| p.as_str().len() as u64),
    }
    d
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
            } => version + (msg_id.len() + timestamp.len() + payload.len()) as u64,
            TaggedEnvelope::TextRecall {
                version,
                msg_id,
                timestamp,
                payload,
            } => version + (msg_id.len() + timestamp.len() + payload.recall_msg_id.len()) as u64,
            TaggedEnvelope::LocationTrack {
                version,
                msg_id,
                timestamp,
                payload,
            } => {
                version
                    + (msg_id.len() + timestamp.len()) as u64
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
            + (self.msg_id.len() + self.msg_type.len() + self.timestamp.len() + self.payload.len())
                as u64
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
            + (self.msg_id.len() + self.msg_type.len() + self.timestamp.len() + self.payload.len())
                as u64
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
        candidates.push(cand("mimc-codec lazy (no unescape)", move || {
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
    candidates.push(cand("serde_json Value", move || {
        let v: serde_json::Value = serde_json::from_slice(black_box(input)).expect("value");
        v.as_object().map_or(0, |o| o.len() as u64)
    }));
    candidates.push(cand(
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
            cand("serde_json tagged owned (Value payload)", move || {
                let env: TaggedEnvelope = serde_json::from_slice(black_box(input)).expect("tagged");
                env.touch()
            }),
            cand("serde_json flat &RawValue", move || {
                let env: FlatCustom<'_> = serde_json::from_slice(black_box(input)).expect("flat");
                env.version
                    + (env.msg_id.len()
                        + env.msg_type.len()
                        + env.timestamp.len()
                        + env.payload.get().len()) as u64
            }),
            cand("sonic-rs flat LazyValue", move || {
                let env: SonicFlatCustom<'_> =
                    sonic_rs::from_slice(black_box(input)).expect("sonic");
                env.version
                    + (env.msg_id.len()
                        + env.msg_type.len()
                        + env.timestamp.len()
                        + env.payload.as_raw_str().len()) as u64
            }),
            cand("serde_json Value", move || {
                let v: serde_json::Value = serde_json::from_slice(black_box(input)).expect("value");
                v.as_object().map_or(0, |o| o.len() as u64)
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
    let n = env.to_json_slice(&mut ours).expect("encode");
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
                    let n = black_box(env).to_json_slice(&mut out).expect("ours");
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
    cand("base64 decode_slice alone", move || {
        let mut out = out.borrow_mut();
        let n = base64::engine::general_purpose::STANDARD
            .decode_slice(black_box(payload), &mut out)
            .expect("b64");
        u64::from(out[n - 1]) + n as u64
    })
}

/// Not a peer: the UTF-8 check every decoder of this input must do at least, as a floor.
pub fn utf8_floor(input: &'static [u8]) -> Candidate {
    cand("floor: core::str::from_utf8 alone", move || {
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
            TaggedCallback::NormalMsg(m) => {
                (m.from_app_id.len() + m.from_account.len() + m.to_app_id.len()) as u64
                    + (m.to_account.len() + m.payload.len()) as u64
                    + m.timestamp
            }
            TaggedCallback::NormalTopicMsg(m) => {
                m.to_accounts.iter().map(|a| a.len() as u64).sum::<u64>()
                    + m.to_accounts.len() as u64
                    + (m.app_id.len() + m.from_account.len() + m.payload.len()) as u64
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
    fn touch(&self) -> u64 {
        (self.msg_type.len() + self.from_app_id.len() + self.from_account.len()) as u64
            + (self.to_app_id.len() + self.to_account.len()) as u64
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
    fn touch(&self) -> u64 {
        self.to_accounts.iter().map(|a| a.len() as u64).sum::<u64>()
            + self.to_accounts.len() as u64
            + (self.msg_type.len() + self.app_id.len() + self.from_account.len()) as u64
            + self.payload.len() as u64
            + self.topic_id
            + self.timestamp
    }
}

fn touch_callback(cb: &Callback<'_>) -> u64 {
    match cb {
        Callback::NormalMsg(m) | Callback::OfflineMsg(m) => {
            m.from_app_id.get()
                + m.to_app_id.get()
                + m.timestamp.get()
                + touch_str(&m.from_account)
                + touch_str(&m.to_account)
        }
        Callback::NormalTopicMsg(m) | Callback::OfflineTopicMsg(m) => {
            let mut d = m.app_id.get() + m.topic_id.get() + m.timestamp.get();
            d += touch_str(&m.from_account);
            d += m.to_accounts.len() as u64;
            for a in &m.to_accounts {
                d += touch_str(&a);
            }
            d + m.payload.text().map_or(0, |t| t.raw().len() as u64)
        }
        _ => 0,
    }
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
                touch_callback(&cb)
            }),
            cand("serde_json tagged owned", move || {
                let cb: TaggedCallback = serde_json::from_slice(black_box(input)).expect("tagged");
                cb.touch()
            }),
            cand("serde_json flat Vec<&str>", move || {
                let cb: P2tFlat<'_> = serde_json::from_slice(black_box(input)).expect("flat");
                cb.touch()
            }),
            cand("sonic-rs flat Vec<&str>", move || {
                let cb: P2tFlat<'_> = sonic_rs::from_slice(black_box(input)).expect("sonic");
                cb.touch()
            }),
            cand("serde_json Value", move || {
                let v: serde_json::Value = serde_json::from_slice(black_box(input)).expect("value");
                v.as_object().map_or(0, |o| o.len() as u64)
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
                    touch_callback(&cb) + bytes.len() as u64 + u64::from(bytes[bytes.len() - 1])
                }
            }),
            cand("serde_json flat &str + base64 decode_slice", {
                let out = out();
                move || {
                    let mut out = out.borrow_mut();
                    let cb: P2pFlat<'_> = serde_json::from_slice(black_box(input)).expect("flat");
                    let n = b64.decode_slice(cb.payload, &mut out).expect("b64");
                    cb.touch() + n as u64 + u64::from(out[n - 1])
                }
            }),
            cand("sonic-rs flat &str + base64 decode_slice", {
                let out = out();
                move || {
                    let mut out = out.borrow_mut();
                    let cb: P2pFlat<'_> = sonic_rs::from_slice(black_box(input)).expect("sonic");
                    let n = b64.decode_slice(cb.payload, &mut out).expect("b64");
                    cb.touch() + n as u64 + u64::from(out[n - 1])
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
                    cb.touch() + n as u64 + u64::from(out[n - 1])
                }
            }),
            base64_alone(extracted),
            cand(
                "mimc-codec decode only (string scan, payload kept)",
                move || {
                    let cb = Callback::from_json(black_box(input)).expect("ours");
                    touch_callback(&cb)
                },
            ),
            cand("serde_json flat &str only (no base64)", move || {
                let cb: P2pFlat<'_> = serde_json::from_slice(black_box(input)).expect("flat");
                cb.touch() + cb.payload.len() as u64
            }),
            cand("sonic-rs flat &str only (no base64)", move || {
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

impl HistoryReplyFlat<'_> {
    fn touch(&self) -> u64 {
        let mut d =
            self.code + self.data.row + (self.message.len() + self.data.app_id.len()) as u64;
        for m in &self.data.messages {
            d += (m.sequence.len() + m.payload.len() + m.ts.len()) as u64;
            d += (m.from_account.len() + m.to_account.len()) as u64;
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
    fn touch(&self) -> u64 {
        let mut d =
            self.code + self.data.row + (self.message.len() + self.data.app_id.len()) as u64;
        for m in &self.data.messages {
            d += (m.sequence.len() + m.payload.len() + m.ts.len()) as u64;
            d += (m.from_account.len() + m.to_account.len()) as u64;
        }
        d
    }
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
                let mut d = h.app_id().get() + h.row().get();
                for m in &h.messages() {
                    d += m.sequence().get() + m.ts().get();
                    d += touch_str(&m.from_account());
                    d += m.to_account().map_or(0, |t| touch_str(&t));
                    d += m.payload().text().map_or(0, |t| t.raw().len() as u64);
                }
                d
            }),
            cand(
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
                r.touch()
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
            cand("serde_json Value", move || {
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
                cand("mimc-codec from_json + payload decode (1.5 KiB JSON)", {
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
            cand("mimc-codec to_json_slice (same value)", {
                let out = core::cell::RefCell::new(vec![0u8; 512]);
                move || {
                    let mut out = out.borrow_mut();
                    black_box(env).to_json_slice(&mut out).expect("ours") as u64
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
        custom_decode(),
        text_encode(),
        topic_500(),
        callback_b64("decode callback_b64_64", "bench/callback_b64_64.json"),
        callback_b64("decode callback_b64_1k", "bench/callback_b64_1k.json"),
        callback_b64("decode callback_b64_15k", "bench/callback_b64_15k.json"),
        history_100(),
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

/// Runs every candidate once and checks it does not panic (the runners call this first).
pub fn smoke(cases: &[Case]) {
    for c in cases {
        for cand in &c.candidates {
            black_box((cand.run)());
        }
    }
}
