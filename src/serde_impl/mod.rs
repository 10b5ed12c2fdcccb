//! serde support (feature `serde`): the JSON shape for serde_json, the compact shape for compact formats.
//!
//! # Which formats
//!
//! | | serde_json (feature `serde_json`) | compact formats (postcard, ...) | other human-readable formats |
//! |---|---|---|---|
//! | `Deserialize` | every type, from the value's raw text | every type, layout in [`crate::wire`] | refused: an error naming serde_json and the compact form |
//! | `Serialize` | every type, the bytes [`ToJson`](crate::ToJson) writes | every type | the JSON shape as serde structure; `RawJson` (custom payloads and callbacks, reply `data`, request bodies) only with feature `serde_json` |
//!
//! The types: [`Envelope`](crate::Envelope) (and [`EnvelopeSeed`](crate::EnvelopeSeed) for a kind
//! given outside the JSON), [`Callback`](crate::Callback), the API replies ([`Response`](crate::api::Response)
//! and every typed `data`), their pieces (`Kind`, `FileKind`, `ContentKind`, `CallbackKind`, `UserType`,
//! `Payload`, `Accounts`, `List`) and the engine's `JsonStr`, `JsonU64`, `RawJson`; API requests are
//! `Serialize` only (their body). Without feature `serde_json`, every human-readable `Deserialize` is
//! refused.
//!
//! # serde_json, exactly
//!
//! A model is a zero-copy view of JSON text, so serde_json hands a model over as its text: every
//! `Deserialize` above asks for serde_json's raw value (`serde_json::value::RawValue`'s newtype, pinned by
//! a test against serde_json itself), gets the value's exact bytes borrowed from the input, and decodes
//! them with the crate's own validating reader. So `serde_json::from_slice::<Envelope>` and
//! `Envelope::from_json` accept the same inputs and give equal values, escaped strings included (they stay
//! borrowed, escapes in place). serde_json lends nothing when it reads a stream (`from_reader`) or a
//! `serde_json::Value`: there a borrowed model is refused and the [`Owned`](crate::owned::Owned) models
//! (feature `alloc`) take a copy. A format that does not speak the raw-value protocol (YAML, TOML,
//! serde's own value deserializers, serde-json-core, ...) is refused with an error naming what to use.
//!
//! Serializing writes the JSON shape structurally (same keys, order and id representations as
//! [`ToJson`](crate::ToJson)) and verbatim JSON as serde_json's raw value, so serde_json writes exactly
//! our writer's bytes (tested on every fixture).
//!
//! # The compact form
//!
//! Compact formats (`is_human_readable() == false`) see a private mirror: kinds as small enum
//! discriminants, representation flags packed into one byte, strings unescaped, custom payloads and lists
//! as their JSON text. The byte layout under postcard is specified in [`crate::wire`] and pinned by
//! `tests/fixtures/wire/*.hex`.

pub(crate) mod api;
pub(crate) mod callback;
pub(crate) mod envelope;

use core::fmt;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, Visitor};
use serde::ser::{Serialize, SerializeTuple, Serializer};

use crate::error::Error;
use crate::json::{JsonStr, JsonU64, RawJson};

/// The newtype name through which serde_json hands out (and takes in) raw JSON text; it is the name
/// `serde_json::value::RawValue` uses, pinned by a test against serde_json itself.
#[cfg(feature = "serde_json")]
pub(crate) const RAW_TOKEN: &str = "$serde_json::private::RawValue";

/// Shows a crate error inside a serde error. Offsets of errors found in a captured raw value count from
/// that value's first byte; serde_json adds its own line and column.
pub(crate) fn de_error<E: de::Error>(e: Error) -> E {
    E::custom(e)
}

/// The message for strings a format can only lend for a moment (escaped strings in JSON, any string read
/// from a stream): a `JsonStr` borrows and has no owned form.
pub(crate) const NOT_BORROWED: &str = "a string borrowed from the input (serde_json lends nothing when it reads a stream or a `Value`: use the `Owned` models there)";

// ---------------------------------------------------------------------------------------------------
// JSON text: serde_json's raw text of a value, read by the crate's own reader

/// Refusal for human-readable formats other than serde_json (and for serde_json without the feature).
pub(crate) const NEEDS_JSON_TEXT: &str = "this value is read from JSON text: use serde_json (feature `serde_json`) or the compact form (postcard); other human-readable formats are not supported";

/// What the raw-text visitor expects, for serde's "invalid type" errors.
#[cfg(feature = "serde_json")]
const EXPECTING: &str =
    "JSON text from serde_json (feature `serde_json`) or the compact form (postcard)";

/// Deserializes a value from serde_json's exact raw text of it, borrowed from the input and read by
/// `read` (feature `serde_json`); every other human-readable format gets [`NEEDS_JSON_TEXT`].
pub(crate) fn capture<'de, D: Deserializer<'de>, T>(
    d: D,
    read: impl FnOnce(&'de str) -> crate::Result<T>,
) -> Result<T, D::Error> {
    #[cfg(feature = "serde_json")]
    {
        d.deserialize_newtype_struct(RAW_TOKEN, RawText(read))
    }
    #[cfg(not(feature = "serde_json"))]
    {
        let _ = (d, read);
        Err(de::Error::custom(NEEDS_JSON_TEXT))
    }
}

/// [`capture`] for the one-pass member readers of [`crate::model`]: the raw text is opened as a document
/// and read once (no validation pass before the typed read).
pub(crate) fn from_json_text<'de, D: Deserializer<'de>, T>(
    d: D,
    read: fn(&mut crate::json::ObjectIter<'de>) -> crate::Result<T>,
) -> Result<T, D::Error> {
    capture(d, |text| {
        crate::json::top_object(text.as_bytes(), &crate::DecodeOptions::new())
            .and_then(|mut obj| read(&mut obj))
    })
}

/// serde_json's raw-value protocol: a map of one entry, the token as key and the text as value. A format
/// that answers otherwise is not serde_json: its answer is refused (`expecting` names what to use).
#[cfg(feature = "serde_json")]
struct RawText<F>(F);

#[cfg(feature = "serde_json")]
impl<'de, T, F: FnOnce(&'de str) -> crate::Result<T>> Visitor<'de> for RawText<F> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(EXPECTING)
    }
    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        if map.next_key_seed(TokenKey)? != Some(true) {
            return Err(de::Error::custom(NEEDS_JSON_TEXT));
        }
        let text = map.next_value_seed(BorrowedStr("raw JSON text borrowed from the input"))?;
        (self.0)(text).map_err(de_error)
    }
}

/// Whether a key is serde_json's raw-value token.
#[cfg(feature = "serde_json")]
struct TokenKey;

#[cfg(feature = "serde_json")]
impl<'de> DeserializeSeed<'de> for TokenKey {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_identifier(self)
    }
}

#[cfg(feature = "serde_json")]
impl Visitor<'_> for TokenKey {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(EXPECTING)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
        Ok(v == RAW_TOKEN)
    }
}

/// A `&'de str` that must be borrowed from the input.
pub(crate) struct BorrowedStr(pub(crate) &'static str);

impl<'de> DeserializeSeed<'de> for BorrowedStr {
    type Value = &'de str;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<&'de str, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for BorrowedStr {
    type Value = &'de str;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<&'de str, E> {
        Ok(v)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<&'de str, E> {
        Err(E::custom(NOT_BORROWED))
    }
}

// ---------------------------------------------------------------------------------------------------
// JsonStr

/// JSON shape: a string (the unescaped text, escaped again by the format). Compact shape: the same
/// string. Deserializing borrows: from serde_json even escaped strings (escapes in place), from a compact
/// format the string it lends; a `JsonStr` has no owned form (see [`Owned`](crate::owned::Owned)).
impl Serialize for JsonStr<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.as_str() {
            Some(text) => s.serialize_str(text),
            None => s.collect_str(self),
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for JsonStr<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if d.is_human_readable() {
            capture(d, |text| RawJson::parse(text)?.to_json_str())
        } else {
            d.deserialize_str(BorrowedStr("a string")).map(JsonStr::new)
        }
    }
}

// ---------------------------------------------------------------------------------------------------
// JsonU64

/// JSON shape: a number or a string of digits, as the value's representation says; both are read
/// (exactly, never through `f64`). Compact shape: the tuple `(value, quoted)`.
impl Serialize for JsonU64 {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            if self.is_quoted() {
                let mut buf = [0u8; 20];
                s.serialize_str(self.digits(&mut buf))
            } else {
                s.serialize_u64(self.get())
            }
        } else {
            let mut t = s.serialize_tuple(2)?;
            t.serialize_element(&self.get())?;
            t.serialize_element(&self.is_quoted())?;
            t.end()
        }
    }
}

impl<'de> Deserialize<'de> for JsonU64 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if d.is_human_readable() {
            capture(d, |text| JsonU64::from_json(&RawJson::parse(text)?))
        } else {
            d.deserialize_tuple(2, CompactU64)
        }
    }
}

struct CompactU64;

impl<'de> Visitor<'de> for CompactU64 {
    type Value = JsonU64;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a (u64, bool) pair")
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<JsonU64, A::Error> {
        let value: u64 = seq
            .next_element()?
            .ok_or_else(|| de::Error::invalid_length(0, &self))?;
        let quoted: bool = seq
            .next_element()?
            .ok_or_else(|| de::Error::invalid_length(1, &self))?;
        Ok(JsonU64::new(value).with_quoted(quoted))
    }
}

// ---------------------------------------------------------------------------------------------------
// RawJson

/// JSON shape (feature `serde_json`): the value itself, written and read as serde_json's raw value,
/// byte for byte (zero-copy when reading). Other human-readable serializers see what they see of a
/// `serde_json::value::RawValue` (a one-field struct); without the feature, serializing in a
/// human-readable format is an error. Compact shape: the JSON text as a string, validated when read.
impl Serialize for RawJson<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if !s.is_human_readable() {
            return s.serialize_str(self.as_str());
        }
        #[cfg(feature = "serde_json")]
        {
            use serde::ser::SerializeStruct;
            let mut st = s.serialize_struct(RAW_TOKEN, 1)?;
            st.serialize_field(RAW_TOKEN, self.as_str())?;
            st.end()
        }
        #[cfg(not(feature = "serde_json"))]
        {
            let _ = s;
            Err(serde::ser::Error::custom(
                "a verbatim JSON value is written only to serde_json (feature `serde_json`) or the compact form",
            ))
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for RawJson<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if d.is_human_readable() {
            capture(d, RawJson::parse)
        } else {
            let text = d.deserialize_str(BorrowedStr("JSON text"))?;
            RawJson::parse(text).map_err(de_error)
        }
    }
}

#[cfg(all(test, feature = "serde_json"))]
mod tests {
    use super::*;

    #[test]
    fn raw_token_is_serde_jsons() {
        // Ask serde_json's own RawValue which newtype name it requests.
        struct Recorder;
        #[derive(Debug)]
        struct Name(&'static str);
        impl fmt::Display for Name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.0)
            }
        }
        impl core::error::Error for Name {}
        impl de::Error for Name {
            fn custom<T: fmt::Display>(_: T) -> Self {
                Name("custom")
            }
        }
        impl<'de> Deserializer<'de> for Recorder {
            type Error = Name;
            fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Name> {
                Err(Name("any"))
            }
            fn deserialize_newtype_struct<V: Visitor<'de>>(
                self,
                name: &'static str,
                _: V,
            ) -> Result<V::Value, Name> {
                Err(Name(name))
            }
            serde::forward_to_deserialize_any! {
                bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
                option unit unit_struct seq tuple tuple_struct map struct enum identifier ignored_any
            }
        }
        let err = <&serde_json::value::RawValue>::deserialize(Recorder).unwrap_err();
        assert_eq!(err.0, RAW_TOKEN);
    }
}

/// Without feature `serde_json`, reading from a human-readable format (serde_json itself included) is
/// refused by name; the JSON shape still serializes, verbatim JSON does not.
#[cfg(all(test, feature = "alloc", not(feature = "serde_json")))]
mod without_serde_json {
    use crate::{Envelope, JsonU64, RawJson, ToJson};
    use alloc::string::ToString;

    #[test]
    fn human_readable_reading_needs_the_feature() {
        let json = br#"{"version":0,"msgId":"a","msgType":"TEXT","timestamp":"1","payload":"x"}"#;
        let err = serde_json::from_slice::<Envelope<'_>>(json).unwrap_err();
        assert!(err.to_string().contains("feature `serde_json`"), "{err}");
        let err = serde_json::from_str::<JsonU64>("7").unwrap_err();
        assert!(err.to_string().contains("feature `serde_json`"), "{err}");
        let env = Envelope::from_json(json).unwrap();
        assert_eq!(
            serde_json::to_vec(&env).unwrap(),
            env.to_json_vec().unwrap()
        );
        let raw = RawJson::parse("[1]").unwrap();
        let err = serde_json::to_string(&raw).unwrap_err();
        assert!(err.to_string().contains("feature `serde_json`"), "{err}");
    }
}
