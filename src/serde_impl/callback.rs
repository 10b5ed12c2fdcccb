//! serde for webhook callbacks and their pieces ([`Payload`], [`Accounts`], [`CallbackKind`]).
//!
//! JSON shape: what [`ToJson`](crate::ToJson) writes (serialize) and what `Callback::from_json` reads
//! (deserialize, through serde_json's raw text; other human-readable formats are refused). Compact shape:
//! see [`crate::wire`]; payloads travel as raw bytes.

use core::fmt;

use base64::Engine as _;
use serde::de::{self, Deserialize, Deserializer, EnumAccess, VariantAccess, Visitor};
use serde::ser::{Serialize, SerializeSeq, SerializeStruct, Serializer};

use super::{BorrowedStr, NOT_BORROWED, capture, de_error};
use crate::callback::{Callback, CallbackKind};
use crate::error::{Error, ErrorKind, Result};
use crate::json::{DecodeOptions, JsonStr, RawJson, Sink, ToJson};
use crate::list::Accounts;
use crate::name::CustomName;
use crate::payload::Payload;
use crate::wire::envelope::offset_in;

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
pub(super) struct JsonText<'r, T>(pub(super) &'r T);

impl<T: ToJson> fmt::Display for JsonText<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Fmt<'f, 'g>(&'f mut fmt::Formatter<'g>);
        impl Sink for Fmt<'_, '_> {
            fn put(&mut self, bytes: &[u8]) -> Result<()> {
                // The writer emits whole UTF-8 sequences per call.
                let s = core::str::from_utf8(bytes)
                    .map_err(|_| Error::without_offset(ErrorKind::InvalidUtf8))?;
                self.0.write_str(s).map_err(|_| {
                    Error::without_offset(ErrorKind::InvalidValue("the formatter failed"))
                })
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

pub(crate) fn accounts_from_text<'a>(
    text: &'a str,
    input: Option<&'a [u8]>,
) -> Result<Accounts<'a>> {
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
                CallbackKind::_Custom(CustomName(name)) => name.serialize(s),
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
            CallbackKind::_Custom(CustomName(name)) => {
                s.serialize_newtype_variant("CallbackKind", 4, "Custom", name)
            }
        }
    }
}

pub(crate) const CALLBACK_VARIANTS: &[&str] = &[
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
                    CallbackKind::_Custom(CustomName(c)) => CallbackKind::_Custom(CustomName(c)),
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
            crate::wire::callback::compact_shape(self, s)
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
            let wire = crate::wire::callback::WireCallback::deserialize(d)?;
            wire.into_callback(None, &DecodeOptions::new())
                .map_err(de_error)
        }
    }
}
