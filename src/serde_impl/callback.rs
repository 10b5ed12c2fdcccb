//! serde for webhook callbacks and their pieces ([`Payload`], [`Accounts`], [`CallbackKind`]).
//!
//! JSON shape: what [`ToJson`](crate::ToJson) writes (serialize) and what `Callback::from_json` reads
//! (deserialize, through serde_json's raw text; other human-readable formats are refused). Compact shape:
//! see [`crate::wire`]; payloads travel as raw bytes.

use core::fmt;

use base64::Engine as _;
use serde::de::{self, Deserialize, Deserializer, EnumAccess, SeqAccess, VariantAccess, Visitor};
use serde::ser::{Serialize, SerializeSeq, SerializeStruct, SerializeTuple, Serializer};

use super::envelope::offset_in;
use super::{BorrowedStr, NOT_BORROWED, capture, de_error};
use crate::callback::{Accounts, Callback, CallbackKind, P2pMsg, P2tMsg};
use crate::error::{Error, ErrorKind, Result};
use crate::json::{DecodeOptions, JsonStr, JsonU64, RawJson, Sink, ToJson};
use crate::payload::Payload;

// ---------------------------------------------------------------------------------------------------
// Payload

/// Standard padded base64 of some bytes, written a chunk at a time (no allocation).
struct Base64<'a>(&'a [u8]);

impl fmt::Display for Base64<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = [0u8; 256];
        for chunk in self.0.chunks(192) {
            let n = base64::engine::general_purpose::STANDARD
                .encode_slice(chunk, &mut buf)
                .map_err(|_| fmt::Error)?;
            let text = buf
                .get(..n)
                .and_then(|b| core::str::from_utf8(b).ok())
                .ok_or(fmt::Error)?;
            f.write_str(text)?;
        }
        Ok(())
    }
}

/// JSON shape: a string, as [`ToJson`](crate::ToJson) writes it (the text as read, canonically escaped;
/// bytes made in code as padded base64). Compact shape: the decoded bytes (`varint` length, then the
/// bytes); serializing a payload whose text is not base64 is an error.
impl Serialize for Payload<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::Error as _;
        if s.is_human_readable() {
            return match (self.as_bytes(), self.text()) {
                (Some(bytes), _) => s.collect_str(&Base64(bytes)),
                (None, Some(text)) => text.serialize(s),
                (None, None) => s.serialize_str(""),
            };
        }
        if let Some(bytes) = self.as_bytes() {
            return s.serialize_bytes(bytes);
        }
        // Errors say where the text stops being base64 (found again, off the hot path).
        let invalid = |e: Error| S::Error::custom(self.validate().err().unwrap_or(e));
        let len = self.decoded_len().map_err(invalid)?;
        let mut seq = s.serialize_seq(Some(len))?;
        let mut pieces = self.pieces();
        while let Some(piece) = pieces.next_piece() {
            for b in piece.map_err(invalid)? {
                seq.serialize_element(b)?;
            }
        }
        seq.end()
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Payload<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if d.is_human_readable() {
            capture(d, |text| Payload::from_json(&RawJson::parse(text)?))
        } else {
            d.deserialize_bytes(BorrowedBytes).map(Payload::from_bytes)
        }
    }
}

/// Bytes borrowed from the input.
pub(crate) struct BorrowedBytes;

impl<'de> Visitor<'de> for BorrowedBytes {
    type Value = &'de [u8];
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("bytes borrowed from the input")
    }
    fn visit_borrowed_bytes<E: de::Error>(self, v: &'de [u8]) -> Result<&'de [u8], E> {
        Ok(v)
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<&'de [u8], E> {
        Ok(v.as_bytes())
    }
    fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<&'de [u8], E> {
        Err(E::custom(NOT_BORROWED))
    }
}

// ---------------------------------------------------------------------------------------------------
// Accounts

/// Writes a [`ToJson`] value through `Display` (for `collect_str`).
struct JsonText<'r, T>(&'r T);

impl<T: ToJson> fmt::Display for JsonText<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Fmt<'f, 'g>(&'f mut fmt::Formatter<'g>);
        impl Sink for Fmt<'_, '_> {
            fn put(&mut self, bytes: &[u8]) -> Result<()> {
                // The writer emits whole UTF-8 sequences per call.
                let s = core::str::from_utf8(bytes)
                    .map_err(|_| Error::new(ErrorKind::InvalidUtf8, 0))?;
                self.0
                    .write_str(s)
                    .map_err(|_| Error::new(ErrorKind::BufferTooSmall, 0))
            }
        }
        self.0.write_json(&mut Fmt(f)).map_err(|_| fmt::Error)
    }
}

/// JSON shape: an array of strings. Compact shape: the list's canonical JSON text as a string (lists stay
/// lazily read JSON, so decoding them borrows and allocates nothing).
impl Serialize for Accounts<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if !s.is_human_readable() {
            return s.collect_str(&JsonText(self));
        }
        let mut seq = s.serialize_seq(Some(self.len()))?;
        for account in self {
            seq.serialize_element(&account)?;
        }
        seq.end()
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Accounts<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if d.is_human_readable() {
            capture(d, |text| accounts_from_text(text, None))
        } else {
            let text = d.deserialize_str(BorrowedStr("a JSON array of strings"))?;
            accounts_from_text(text, None).map_err(de_error)
        }
    }
}

fn accounts_from_text<'a>(text: &'a str, input: Option<&'a [u8]>) -> Result<Accounts<'a>> {
    RawJson::parse(text)
        .and_then(|v| Accounts::from_json(&v))
        .map_err(|e| e.shifted(offset_in(input, text)).in_field("toAccounts"))
}

// ---------------------------------------------------------------------------------------------------
// CallbackKind

/// JSON shape: the `msgType` name. Compact shape: an enum (0 `NORMAL_MSG`, 1 `OFFLINE_MSG`,
/// 2 `NORMAL_TOPIC_MSG`, 3 `OFFLINE_TOPIC_MSG`, 4 custom: name `str`).
impl Serialize for CallbackKind<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            return match self {
                CallbackKind::Custom(name) => name.serialize(s),
                known => s.collect_str(known),
            };
        }
        match self {
            CallbackKind::NormalMsg => s.serialize_unit_variant("CallbackKind", 0, "NormalMsg"),
            CallbackKind::OfflineMsg => s.serialize_unit_variant("CallbackKind", 1, "OfflineMsg"),
            CallbackKind::NormalTopicMsg => {
                s.serialize_unit_variant("CallbackKind", 2, "NormalTopicMsg")
            }
            CallbackKind::OfflineTopicMsg => {
                s.serialize_unit_variant("CallbackKind", 3, "OfflineTopicMsg")
            }
            CallbackKind::Custom(name) => {
                s.serialize_newtype_variant("CallbackKind", 4, "Custom", name)
            }
        }
    }
}

const CALLBACK_VARIANTS: &[&str] = &[
    "NormalMsg",
    "OfflineMsg",
    "NormalTopicMsg",
    "OfflineTopicMsg",
    "Custom",
];

impl<'de: 'a, 'a> Deserialize<'de> for CallbackKind<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if d.is_human_readable() {
            return JsonStr::deserialize(d).map(CallbackKind::from_json_str);
        }
        d.deserialize_enum("CallbackKind", CALLBACK_VARIANTS, CallbackKindVisitor)
    }
}

struct CallbackKindVisitor;
impl<'de> Visitor<'de> for CallbackKindVisitor {
    type Value = CallbackKind<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a compact CallbackKind")
    }
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        let (idx, v): (u32, _) = data.variant()?;
        Ok(match idx {
            0 => v.unit_variant().map(|()| CallbackKind::NormalMsg)?,
            1 => v.unit_variant().map(|()| CallbackKind::OfflineMsg)?,
            2 => v.unit_variant().map(|()| CallbackKind::NormalTopicMsg)?,
            3 => v.unit_variant().map(|()| CallbackKind::OfflineTopicMsg)?,
            4 => {
                let name = v.newtype_variant_seed(BorrowedStr("a msgType"))?;
                match CallbackKind::parse(name) {
                    CallbackKind::Custom(c) => CallbackKind::Custom(c),
                    _ => {
                        return Err(de::Error::custom(
                            "a custom msgType that names a known kind",
                        ));
                    }
                }
            }
            _ => {
                return Err(de::Error::invalid_value(
                    de::Unexpected::Unsigned(u64::from(idx)),
                    &"a CallbackKind discriminant (0..=4)",
                ));
            }
        })
    }
}
// ---------------------------------------------------------------------------------------------------
// Callback: JSON shape

/// JSON shape: exactly what [`ToJson`](crate::ToJson) writes, `msgType` first; a custom kind's object
/// verbatim. Deserializing reads serde_json's raw text with [`Callback::from_json`] (default limits).
/// Compact shape: see [`crate::wire`].
impl Serialize for Callback<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            json_shape(self, s)
        } else {
            compact_shape(self, s)
        }
    }
}

fn json_shape<S: Serializer>(cb: &Callback<'_>, s: S) -> Result<S::Ok, S::Error> {
    let kind = cb.kind();
    match cb {
        Callback::NormalMsg(m) | Callback::OfflineMsg(m) => {
            let mut st = s.serialize_struct("Callback", 7)?;
            st.serialize_field("msgType", &kind)?;
            st.serialize_field("fromAppId", &m.from_app_id)?;
            st.serialize_field("fromAccount", &m.from_account)?;
            st.serialize_field("toAppId", &m.to_app_id)?;
            st.serialize_field("toAccount", &m.to_account)?;
            st.serialize_field("payload", &m.payload)?;
            st.serialize_field("timestamp", &m.timestamp)?;
            st.end()
        }
        Callback::NormalTopicMsg(m) | Callback::OfflineTopicMsg(m) => {
            let mut st = s.serialize_struct("Callback", 7)?;
            st.serialize_field("msgType", &kind)?;
            st.serialize_field("appId", &m.app_id)?;
            st.serialize_field("topicId", &m.topic_id)?;
            st.serialize_field("fromAccount", &m.from_account)?;
            st.serialize_field("toAccounts", &m.to_accounts)?;
            st.serialize_field("payload", &m.payload)?;
            st.serialize_field("timestamp", &m.timestamp)?;
            st.end()
        }
        // The whole object as it came (a custom kind's `raw_json` is always present).
        _ => match cb.raw_json() {
            Some(object) => object.serialize(s),
            None => s.serialize_unit(),
        },
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Callback<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if d.is_human_readable() {
            capture(d, |text| Callback::from_json(text.as_bytes()))
        } else {
            let wire = WireCallback::deserialize(d)?;
            wire.into_callback(None, &DecodeOptions::new())
                .map_err(de_error)
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// Callback: compact shape

const Q0: u8 = 1;
const Q1: u8 = 1 << 1;
const Q2: u8 = 1 << 2;

fn quoted_flags(a: JsonU64, b: JsonU64, c: JsonU64) -> u8 {
    let mut f = 0;
    if a.is_quoted() {
        f |= Q0;
    }
    if b.is_quoted() {
        f |= Q1;
    }
    if c.is_quoted() {
        f |= Q2;
    }
    f
}

fn with_flag(v: u64, flags: u8, bit: u8) -> JsonU64 {
    JsonU64::new(v).with_quoted(flags & bit != 0)
}

struct CompactP2p<'r, 'a>(&'r P2pMsg<'a>);
impl Serialize for CompactP2p<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let m = self.0;
        let mut t = s.serialize_tuple(7)?;
        t.serialize_element(&quoted_flags(m.from_app_id, m.to_app_id, m.timestamp))?;
        t.serialize_element(&m.from_app_id.get())?;
        t.serialize_element(&m.from_account)?;
        t.serialize_element(&m.to_app_id.get())?;
        t.serialize_element(&m.to_account)?;
        t.serialize_element(&m.payload)?;
        t.serialize_element(&m.timestamp.get())?;
        t.end()
    }
}

struct CompactP2t<'r, 'a>(&'r P2tMsg<'a>);
impl Serialize for CompactP2t<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let m = self.0;
        let mut t = s.serialize_tuple(7)?;
        t.serialize_element(&quoted_flags(m.app_id, m.topic_id, m.timestamp))?;
        t.serialize_element(&m.app_id.get())?;
        t.serialize_element(&m.topic_id.get())?;
        t.serialize_element(&m.from_account)?;
        t.serialize_element(&m.to_accounts)?;
        t.serialize_element(&m.payload)?;
        t.serialize_element(&m.timestamp.get())?;
        t.end()
    }
}

fn compact_shape<S: Serializer>(cb: &Callback<'_>, s: S) -> Result<S::Ok, S::Error> {
    match cb {
        Callback::NormalMsg(m) => {
            s.serialize_newtype_variant("Callback", 0, "NormalMsg", &CompactP2p(m))
        }
        Callback::OfflineMsg(m) => {
            s.serialize_newtype_variant("Callback", 1, "OfflineMsg", &CompactP2p(m))
        }
        Callback::NormalTopicMsg(m) => {
            s.serialize_newtype_variant("Callback", 2, "NormalTopicMsg", &CompactP2t(m))
        }
        Callback::OfflineTopicMsg(m) => {
            s.serialize_newtype_variant("Callback", 3, "OfflineTopicMsg", &CompactP2t(m))
        }
        _ => {
            let object = cb.raw_json().map_or("{}", |o| o.as_str());
            s.serialize_newtype_variant("Callback", 4, "Custom", object)
        }
    }
}

/// A compact callback as read, before the checks that need the crate's errors.
pub(crate) struct WireCallback<'a> {
    idx: u32,
    body: WireCallbackBody<'a>,
}

enum WireCallbackBody<'a> {
    P2p(u8, P2pMsg<'a>),
    P2t(u8, P2tParts<'a>),
    Custom(&'a str),
}

struct P2tParts<'a> {
    app_id: u64,
    topic_id: u64,
    from_account: &'a str,
    to_accounts: &'a str,
    payload: &'a [u8],
    timestamp: u64,
}

fn field<'de, T: Deserialize<'de>, A: SeqAccess<'de>>(
    seq: &mut A,
    i: usize,
) -> Result<T, A::Error> {
    seq.next_element()?
        .ok_or_else(|| de::Error::invalid_length(i, &"7 fields"))
}

fn borrowed_str<'de, A: SeqAccess<'de>>(seq: &mut A, i: usize) -> Result<&'de str, A::Error> {
    seq.next_element_seed(BorrowedStr("a string"))?
        .ok_or_else(|| de::Error::invalid_length(i, &"7 fields"))
}

fn borrowed_bytes<'de, A: SeqAccess<'de>>(seq: &mut A, i: usize) -> Result<&'de [u8], A::Error> {
    struct Seed;
    impl<'de> de::DeserializeSeed<'de> for Seed {
        type Value = &'de [u8];
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<&'de [u8], D::Error> {
            d.deserialize_bytes(BorrowedBytes)
        }
    }
    seq.next_element_seed(Seed)?
        .ok_or_else(|| de::Error::invalid_length(i, &"7 fields"))
}

struct P2pVisitor;
impl<'de> Visitor<'de> for P2pVisitor {
    type Value = (u8, P2pMsg<'de>);
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a compact one-to-one callback")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let flags: u8 = field(&mut seq, 0)?;
        let from_app_id: u64 = field(&mut seq, 1)?;
        let from_account = borrowed_str(&mut seq, 2)?;
        let to_app_id: u64 = field(&mut seq, 3)?;
        let to_account = borrowed_str(&mut seq, 4)?;
        let payload = borrowed_bytes(&mut seq, 5)?;
        let timestamp: u64 = field(&mut seq, 6)?;
        Ok((
            flags,
            P2pMsg {
                from_app_id: with_flag(from_app_id, flags, Q0),
                from_account: JsonStr::new(from_account),
                to_app_id: with_flag(to_app_id, flags, Q1),
                to_account: JsonStr::new(to_account),
                payload: Payload::from_bytes(payload),
                timestamp: with_flag(timestamp, flags, Q2),
            },
        ))
    }
}

struct P2tVisitor;
impl<'de> Visitor<'de> for P2tVisitor {
    type Value = (u8, P2tParts<'de>);
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a compact group callback")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let flags: u8 = field(&mut seq, 0)?;
        Ok((
            flags,
            P2tParts {
                app_id: field(&mut seq, 1)?,
                topic_id: field(&mut seq, 2)?,
                from_account: borrowed_str(&mut seq, 3)?,
                to_accounts: borrowed_str(&mut seq, 4)?,
                payload: borrowed_bytes(&mut seq, 5)?,
                timestamp: field(&mut seq, 6)?,
            },
        ))
    }
}

impl<'de> Deserialize<'de> for WireCallback<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = WireCallback<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a compact Callback")
            }
            fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
                let (idx, v): (u32, _) = data.variant()?;
                let body = match idx {
                    0 | 1 => {
                        let (flags, m) = v.tuple_variant(7, P2pVisitor)?;
                        WireCallbackBody::P2p(flags, m)
                    }
                    2 | 3 => {
                        let (flags, m) = v.tuple_variant(7, P2tVisitor)?;
                        WireCallbackBody::P2t(flags, m)
                    }
                    4 => WireCallbackBody::Custom(
                        v.newtype_variant_seed(BorrowedStr("a JSON object"))?,
                    ),
                    _ => {
                        return Err(de::Error::invalid_value(
                            de::Unexpected::Unsigned(u64::from(idx)),
                            &"a Callback discriminant (0..=4)",
                        ));
                    }
                };
                Ok(WireCallback { idx, body })
            }
        }
        d.deserialize_enum("Callback", CALLBACK_VARIANTS, V)
    }
}

fn check_flags(flags: u8) -> Result<()> {
    if flags & !(Q0 | Q1 | Q2) == 0 {
        Ok(())
    } else {
        Err(Error::new(ErrorKind::InvalidValue("reserved flag bits set"), 0).in_field("flags"))
    }
}

fn check_payload(p: &[u8], input: Option<&[u8]>, opts: &DecodeOptions) -> Result<()> {
    if p.len() > opts.max_payload() {
        let at = input.map_or(0, |i| {
            let start = i.as_ptr() as usize;
            (p.as_ptr() as usize).saturating_sub(start)
        });
        return Err(Error::new(ErrorKind::PayloadTooLarge, at).in_field("payload"));
    }
    Ok(())
}

impl<'a> WireCallback<'a> {
    /// Checks flags, the member list (valid JSON array of strings), the payload size (the limit of
    /// `opts`, as JSON decoding does) and that a custom object is a custom kind (read with `opts`).
    pub(crate) fn into_callback(
        self,
        input: Option<&'a [u8]>,
        opts: &DecodeOptions,
    ) -> Result<Callback<'a>> {
        match self.body {
            WireCallbackBody::P2p(flags, m) => {
                check_flags(flags)?;
                if let Some(p) = m.payload.as_bytes() {
                    check_payload(p, input, opts)?;
                }
                Ok(if self.idx == 0 {
                    Callback::NormalMsg(m)
                } else {
                    Callback::OfflineMsg(m)
                })
            }
            WireCallbackBody::P2t(flags, p) => {
                check_flags(flags)?;
                check_payload(p.payload, input, opts)?;
                let m = P2tMsg {
                    app_id: with_flag(p.app_id, flags, Q0),
                    topic_id: with_flag(p.topic_id, flags, Q1),
                    from_account: JsonStr::new(p.from_account),
                    to_accounts: accounts_from_text(p.to_accounts, input)?,
                    payload: Payload::from_bytes(p.payload),
                    timestamp: with_flag(p.timestamp, flags, Q2),
                };
                Ok(if self.idx == 2 {
                    Callback::NormalTopicMsg(m)
                } else {
                    Callback::OfflineTopicMsg(m)
                })
            }
            WireCallbackBody::Custom(object) => {
                let at = offset_in(input, object);
                let cb =
                    Callback::from_json_with(object.as_bytes(), opts).map_err(|e| e.shifted(at))?;
                if cb.raw_json().is_none() {
                    return Err(Error::new(
                        ErrorKind::InvalidValue("custom callback that names a known kind"),
                        at,
                    )
                    .in_field("msgType"));
                }
                Ok(cb)
            }
        }
    }
}
