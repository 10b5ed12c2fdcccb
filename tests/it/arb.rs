//! Arbitrary models for property tests (shared by the serde, wire and owned tests), and JSON rewriters
//! that change the spelling but not the value (escapes, key order).

use mimc_codec::json::{DecodeOptions, top_object};
use mimc_codec::{
    Accounts, Body, Callback, ContentKind, Envelope, FileKind, JsonU64, Kind, KindKey, PayloadKey,
    RawJson,
};
use proptest::prelude::*;
use std::fmt::Write as _;

/// Strings that stress escaping: arbitrary Unicode, plus quotes, backslashes, slashes, controls, emoji.
pub fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any::<String>(),
        1 => Just(String::new()),
        2 => proptest::collection::vec(
            prop_oneof![
                Just("\"".to_string()),
                Just("\\".to_string()),
                Just("/".to_string()),
                Just("\n\t\r\u{8}\u{c}\u{0}\u{1f}".to_string()),
                Just("中文".to_string()),
                Just("😀".to_string()),
                Just("success！".to_string()),
                "[a-zA-Z0-9_]{1,8}",
            ],
            0..8
        )
        .prop_map(|v| v.concat()),
    ]
}

/// Ids: anything up to `u64::MAX`, with the edges and the real magnitudes over-represented.
pub fn id() -> impl Strategy<Value = u64> {
    prop_oneof![
        3 => any::<u64>(),
        1 => Just(u64::MAX),
        1 => Just(0u64),
        1 => Just((1u64 << 53) + 1),
        1 => Just(2_882_303_761_517_669_588u64),
    ]
}

/// A name that `Kind::parse` leaves custom.
fn custom_kind() -> impl Strategy<Value = String> {
    "[A-Z][A-Z0-9_]{0,14}".prop_filter("custom kind", |k| {
        matches!(Kind::parse(k), Kind::_Custom(_))
    })
}

/// `X` of an open `X_FILE` / content kind.
fn open_name() -> impl Strategy<Value = String> {
    "[A-Z]{1,6}".prop_filter("not a fixed name", |x| {
        !matches!(x.as_str(), "PIC" | "AUDIO" | "BIN" | "TEXT")
    })
}

/// Owned inputs for an arbitrary envelope; [`EnvSpec::build`] borrows from them.
#[derive(Debug, Clone)]
pub struct EnvSpec {
    variant: u8,
    id: Option<String>,
    text: String,
    ts: u64,
    version: u64,
    quoted: (bool, bool),
    key: KindKey,
    content_key: bool,
    flag: bool,
    file: u8,
    content: u8,
    open: String,
    custom: String,
    payload: Option<String>,
}

/// Custom payload JSON texts: objects with odd numbers, strings, nested arrays.
fn custom_payload() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        1 => Just(None),
        3 => (text(), any::<u64>(), any::<bool>()).prop_map(|(t, n, b)| Some(
            serde_json::to_string(&serde_json::json!({"t": t, "n": [n, 2.5, -3e2], "b": b, "z": null, "e": {}}))
                .unwrap()
        )),
        1 => text().prop_map(|t| Some(serde_json::to_string(&t).unwrap())),
        1 => Just(Some(r#"{"lat":1.5e3,"x":-0,"y":4.00435E1,"big":30094929200414721}"#.to_string())),
    ]
}

pub fn env_spec() -> impl Strategy<Value = EnvSpec> {
    (
        (0u8..10, proptest::option::weighted(0.9, text()), text()),
        (id(), id(), any::<(bool, bool, bool, bool)>()),
        prop_oneof![
            Just(KindKey::MsgType),
            Just(KindKey::Type),
            Just(KindKey::Absent)
        ],
        (0u8..4, 0u8..6, open_name(), custom_kind(), custom_payload()),
    )
        .prop_map(
            |(
                (variant, id, text),
                (ts, version, (qt, qv, ck, flag)),
                key,
                (file, content, open, custom, payload),
            )| {
                // A custom kind without payload writes no payload key, so which key it would use is moot.
                let ck = ck && !(variant >= 8 && payload.is_none());
                // msgId may be absent only where the kind travels outside the JSON.
                let id = if key == KindKey::Absent {
                    id
                } else {
                    Some(id.unwrap_or_default())
                };
                EnvSpec {
                    variant,
                    id,
                    text,
                    ts,
                    version,
                    quoted: (qt, qv),
                    key,
                    content_key: ck,
                    flag,
                    file,
                    content,
                    open,
                    custom,
                    payload,
                }
            },
        )
}

impl EnvSpec {
    fn file_kind(&self, which: u8) -> FileKind<'_> {
        match which {
            0 => FileKind::Pic,
            1 => FileKind::Audio,
            2 => FileKind::Bin,
            _ => FileKind::from(self.open.as_str()),
        }
    }

    fn content_kind(&self) -> ContentKind<'_> {
        match self.content {
            0 => ContentKind::Text,
            1 => ContentKind::from(self.open.as_str()),
            n => ContentKind::File(self.file_kind(n - 2)),
        }
    }

    /// The envelope these inputs describe.
    pub fn build(&self) -> Envelope<'_> {
        let id = self.id.as_deref().unwrap_or("");
        let t = self.text.as_str();
        let env = match self.variant {
            0 => Envelope::text(id, self.ts, t),
            1 => Envelope::ping(id, self.ts, t),
            2 => Envelope::pong(id, self.ts, t),
            3 => Envelope::file(id, self.ts, self.file_kind(self.file), t),
            4 => Envelope::recall(id, self.ts, self.content_kind(), t),
            5 => Envelope::read(id, self.ts, self.content_kind(), t),
            6 => Envelope::add_friend_request(id, self.ts, t),
            7 => Envelope::add_friend_response(id, self.ts, t, self.flag),
            _ => {
                let payload = self.payload.as_deref().map(|p| RawJson::parse(p).unwrap());
                Envelope::custom(&self.custom, id, self.ts, payload).unwrap()
            }
        };
        env.with_msg_id(self.id.as_deref())
            .with_timestamp(JsonU64::new(self.ts).with_quoted(self.quoted.0))
            .with_version(JsonU64::new(self.version).with_quoted(self.quoted.1))
            .with_kind_key(self.key)
            .with_payload_key(if self.content_key {
                PayloadKey::Content
            } else {
                PayloadKey::Payload
            })
    }
}

/// The bizType to decode `env`'s JSON with: its kind's name when the JSON carries no kind key.
pub fn biz_of(env: &Envelope<'_>) -> Option<String> {
    (env.kind_key() == KindKey::Absent).then(|| env.kind().to_string())
}

/// Decodes envelope JSON the way `env` needs (with its kind from outside when its JSON has none).
pub fn decode_like<'a>(json: &'a [u8], biz: Option<&'a str>) -> mimc_codec::Result<Envelope<'a>> {
    Envelope::from_json_with_kind_and_options(json, biz, &DecodeOptions::new())
}

/// The same JSON with characters inside strings rewritten as `\uXXXX` escapes (surrogate pairs beyond the
/// BMP) and `/` as `\/`, chosen by `seed`. Existing escapes are kept.
pub fn reescape(json: &str, seed: u64) -> String {
    let mut state = seed | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut out = String::with_capacity(json.len() * 2);
    let mut in_string = false;
    let mut chars = json.chars();
    while let Some(c) = chars.next() {
        match (in_string, c) {
            (false, '"') => {
                in_string = true;
                out.push(c);
            }
            (true, '"') => {
                in_string = false;
                out.push(c);
            }
            (true, '\\') => {
                out.push(c);
                let e = chars.next().unwrap();
                out.push(e);
                if e == 'u' {
                    for _ in 0..4 {
                        out.push(chars.next().unwrap());
                    }
                }
            }
            (true, '/') if next() % 2 == 0 => out.push_str("\\/"),
            // Digits stay: a quoted id's digits must not be escaped (the reader refuses that).
            (true, c) if !c.is_ascii_digit() && next() % 3 == 0 => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    write!(out, "\\u{u:04x}").unwrap();
                }
            }
            _ => out.push(c),
        }
    }
    out
}

/// The same object with its top-level members in another order (chosen by `seed`).
pub fn shuffle_members(json: &[u8], seed: u64) -> String {
    let mut obj = top_object(json, &DecodeOptions::new()).unwrap();
    let mut members = Vec::new();
    while let Some((k, v)) = obj.next_member().unwrap() {
        members.push(format!("\"{}\":{}", k.raw(), v.as_str()));
    }
    let n = members.len();
    let mut state = seed;
    for i in (1..n).rev() {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let j = usize::try_from(state >> 33).unwrap() % (i + 1);
        members.swap(i, j);
    }
    format!("{{{}}}", members.join(","))
}

/// Owned inputs for an arbitrary callback.
#[derive(Debug, Clone)]
pub struct CbSpec {
    variant: u8,
    ids: (u64, u64, u64),
    quoted: (bool, bool, bool),
    from: String,
    to: String,
    accounts: Vec<String>,
    payload: Vec<u8>,
}

pub fn cb_spec() -> impl Strategy<Value = CbSpec> {
    (
        0u8..4,
        (id(), id(), id()),
        any::<(bool, bool, bool)>(),
        (text(), text()),
        proptest::collection::vec(text(), 0..12),
        proptest::collection::vec(any::<u8>(), 0..300),
    )
        .prop_map(
            |(variant, ids, quoted, (from, to), accounts, payload)| CbSpec {
                variant,
                ids,
                quoted,
                from,
                to,
                accounts,
                payload,
            },
        )
}

impl CbSpec {
    /// The account list as `&str`s (to be kept alive by the caller while the callback lives).
    pub fn account_strs(&self) -> Vec<&str> {
        self.accounts.iter().map(String::as_str).collect()
    }

    /// The callback these inputs describe, its list borrowed from `accounts` (see [`CbSpec::account_strs`]).
    pub fn build<'a>(&'a self, accounts: &'a [&'a str]) -> Callback<'a> {
        let q = |v: u64, q: bool| JsonU64::new(v).with_quoted(q);
        let (a, b, ts) = self.ids;
        let mut cb = match self.variant {
            0 => Callback::normal_msg(a, &self.from, b, &self.to, &self.payload, ts),
            1 => Callback::offline_msg(a, &self.from, b, &self.to, &self.payload, ts),
            2 => Callback::normal_topic_msg(
                a,
                b,
                &self.from,
                Accounts::from_slice(accounts),
                &self.payload,
                ts,
            ),
            _ => Callback::offline_topic_msg(
                a,
                b,
                &self.from,
                Accounts::from_slice(accounts),
                &self.payload,
                ts,
            ),
        };
        match &mut cb {
            Callback::NormalMsg(m) | Callback::OfflineMsg(m) => {
                m.from_app_id = q(a, self.quoted.0);
                m.to_app_id = q(b, self.quoted.1);
                m.timestamp = q(ts, self.quoted.2);
            }
            Callback::NormalTopicMsg(m) | Callback::OfflineTopicMsg(m) => {
                m.app_id = q(a, self.quoted.0);
                m.topic_id = q(b, self.quoted.1);
                m.timestamp = q(ts, self.quoted.2);
            }
            _ => unreachable!(),
        }
        cb
    }
}

/// Every modelled body kind appears among generated envelopes (a sanity check of the generator).
pub fn covers_every_body(b: &Body<'_>) -> usize {
    match b {
        Body::Ping(_) => 0,
        Body::Pong(_) => 1,
        Body::Text(_) => 2,
        Body::File { .. } => 3,
        Body::Recall { .. } => 4,
        Body::Read { .. } => 5,
        Body::AddFriendRequest { .. } => 6,
        Body::AddFriendResponse { .. } => 7,
        _ => 8,
    }
}
