//! serde support (feature `serde`): the JSON shape for human-readable formats, the compact shape otherwise.
//!
//! # How values travel
//!
//! - **Human-readable formats** (`is_human_readable() == true`: serde_json, YAML, TOML, ...) see the JSON
//!   shape of each model: the same keys, the same id representation rules and the same key order as
//!   [`ToJson`](crate::ToJson). With serde_json the bytes are identical to our own writer's.
//! - **Compact formats** (postcard, bincode, ...) see a private mirror: kinds as small enum discriminants,
//!   representation flags packed into one byte, strings unescaped, custom payloads as their JSON text.
//!   The byte layout under postcard is specified and pinned in [`crate::wire`].
//!
//! # serde_json, exactly (feature `serde_json`)
//!
//! A model is a zero-copy view of JSON text, so the best way for serde_json to hand a model over is to hand
//! over its text: with the feature on, every model (and `JsonStr`, `JsonU64`, `RawJson`) asks the
//! deserializer for a newtype named like serde_json's own `RawValue`. serde_json then answers with the
//! value's exact bytes, borrowed from the input, and the crate's own validating reader decodes them, so
//! `serde_json::from_slice::<Envelope>` and `Envelope::from_json` accept the same inputs and give equal
//! values, escaped strings included (they stay borrowed, escapes in place). Every other format answers
//! with an ordinary newtype and gets the hand-written visitors below.

pub(crate) mod api;
pub(crate) mod callback;
pub(crate) mod envelope;

use core::fmt;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, SerializeTuple, Serializer};

use crate::error::{Error, ErrorKind};
use crate::json::{ArrayIter, JsonStr, JsonU64, ObjectIter, RawJson, ValueKind};

/// The newtype name through which serde_json hands out (and takes in) raw JSON text; it is the name
/// `serde_json::value::RawValue` uses, pinned by a test against serde_json itself.
#[cfg(feature = "serde_json")]
pub(crate) const RAW_TOKEN: &str = "$serde_json::private::RawValue";

/// Shows a crate error inside a serde error. Offsets of errors found in a captured raw value count from
/// that value's first byte; serde_json adds its own line and column.
pub(crate) fn de_error<E: de::Error>(e: Error) -> E {
    E::custom(e)
}

/// A crate error without an offset (for problems found by a visitor, where only the data format knows
/// the position).
pub(crate) fn de_error_at_field<E: de::Error>(kind: ErrorKind, field: &'static str) -> E {
    struct Msg(ErrorKind, &'static str);
    impl fmt::Display for Msg {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self.0 {
                ErrorKind::WrongType(expected) => write!(f, "wrong type: expected {expected}")?,
                ErrorKind::InvalidValue(why) => write!(f, "invalid value: {why}")?,
                kind => f.write_str(kind.description())?,
            }
            write!(f, " in `{}`", self.1)
        }
    }
    E::custom(Msg(kind, field))
}

/// The message for strings a format can only lend for a moment (escaped strings in JSON, any string read
/// from a stream): a `JsonStr` borrows and has no owned form.
pub(crate) const NOT_BORROWED: &str = "a string borrowed from the input (escaped JSON strings can be borrowed only with feature `serde_json`; use `Owned` models or a `String` field for streamed input)";

// ---------------------------------------------------------------------------------------------------
// Raw capture: serde_json's raw text when it offers it, structure otherwise.

/// Something deserialized either from serde_json's raw text of the value or structurally.
#[cfg_attr(not(feature = "serde_json"), allow(dead_code))] // `raw` is reached through serde_json only
pub(crate) trait Capture<'de>: Sized {
    type Value;
    /// What the value is, for serde's error messages.
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;
    /// The value's exact JSON text, borrowed from the input (serde_json with feature `serde_json`).
    fn raw<E: de::Error>(self, text: &'de str) -> Result<Self::Value, E>;
    /// Any other self-describing format.
    fn structural<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error>;
}

/// Deserializes through `c`, asking for raw text first when feature `serde_json` is on.
pub(crate) fn capture<'de, D: Deserializer<'de>, C: Capture<'de>>(
    d: D,
    c: C,
) -> Result<C::Value, D::Error> {
    #[cfg(feature = "serde_json")]
    {
        d.deserialize_newtype_struct(RAW_TOKEN, CaptureVisitor(c))
    }
    #[cfg(not(feature = "serde_json"))]
    {
        c.structural(d)
    }
}

#[cfg(feature = "serde_json")]
struct CaptureVisitor<C>(C);

#[cfg(feature = "serde_json")]
impl<'de, C: Capture<'de>> Visitor<'de> for CaptureVisitor<C> {
    type Value = C::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<C::Value, D::Error> {
        self.0.structural(d)
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<C::Value, A::Error> {
        // serde_json's raw protocol: one entry, the token as key and the raw text as value. Any other map
        // comes from a format that answers a newtype with its content: replay it with its first key.
        match map.next_key_seed(FirstKey)? {
            Some(Peeked::Token) => {
                let text =
                    map.next_value_seed(BorrowedStr("raw JSON text borrowed from the input"))?;
                self.0.raw(text)
            }
            first => self
                .0
                .structural(de::value::MapAccessDeserializer::new(Replayed {
                    first,
                    map,
                })),
        }
    }

    // Formats that answer a newtype with its content (serde's own value deserializers do): hand the
    // content on to the structural path.
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<C::Value, E> {
        self.0
            .structural(de::value::BorrowedStrDeserializer::new(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<C::Value, E> {
        self.0.structural(de::value::StrDeserializer::new(v))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<C::Value, E> {
        self.0.structural(de::value::BoolDeserializer::new(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<C::Value, E> {
        self.0.structural(de::value::U64Deserializer::new(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<C::Value, E> {
        self.0.structural(de::value::I64Deserializer::new(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<C::Value, E> {
        self.0.structural(de::value::F64Deserializer::new(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<C::Value, E> {
        self.0.structural(de::value::UnitDeserializer::new())
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<C::Value, A::Error> {
        self.0
            .structural(de::value::SeqAccessDeserializer::new(seq))
    }
}

/// The first key of a map met where a raw value was asked for.
#[cfg(feature = "serde_json")]
pub(crate) enum Peeked {
    /// serde_json's raw-value token.
    Token,
    /// A key short enough to matter to the models (all their keys are), copied.
    Short([u8; 24], usize),
    /// A longer key: no model knows it, so it is replayed as a key no model knows.
    Long,
}

#[cfg(feature = "serde_json")]
pub(crate) struct FirstKey;

#[cfg(feature = "serde_json")]
impl<'de> DeserializeSeed<'de> for FirstKey {
    type Value = Peeked;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Peeked, D::Error> {
        d.deserialize_identifier(self)
    }
}

#[cfg(feature = "serde_json")]
impl Visitor<'_> for FirstKey {
    type Value = Peeked;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Peeked, E> {
        if v == RAW_TOKEN {
            return Ok(Peeked::Token);
        }
        let mut buf = [0u8; 24];
        match buf.get_mut(..v.len()) {
            Some(dst) => {
                dst.copy_from_slice(v.as_bytes());
                Ok(Peeked::Short(buf, v.len()))
            }
            None => Ok(Peeked::Long),
        }
    }
}

/// A map whose first key was read already: gives that key back, then the rest.
#[cfg(feature = "serde_json")]
struct Replayed<A> {
    first: Option<Peeked>,
    map: A,
}

#[cfg(feature = "serde_json")]
impl<'de, A: de::MapAccess<'de>> de::MapAccess<'de> for Replayed<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        match self.first.take() {
            Some(Peeked::Short(buf, len)) => {
                let key = buf
                    .get(..len)
                    .and_then(|b| core::str::from_utf8(b).ok())
                    .unwrap_or("");
                seed.deserialize(de::value::StrDeserializer::new(key))
                    .map(Some)
            }
            Some(Peeked::Long | Peeked::Token) => seed
                .deserialize(de::value::StrDeserializer::new("\u{0}(long key)"))
                .map(Some),
            None => self.map.next_key_seed(seed),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.map.next_value_seed(seed)
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
/// string. Deserializing borrows: from serde_json (feature `serde_json`) even escaped strings, escapes in
/// place; from other formats whatever they lend (`visit_borrowed_str`); a string they cannot lend is an
/// error, since a `JsonStr` has no owned form (see [`Owned`](crate::owned::Owned) for owned models).
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
            capture(d, StrCapture)
        } else {
            d.deserialize_str(BorrowedStr("a string")).map(JsonStr::new)
        }
    }
}

struct StrCapture;

impl<'de> Capture<'de> for StrCapture {
    type Value = JsonStr<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn raw<E: de::Error>(self, text: &'de str) -> Result<JsonStr<'de>, E> {
        RawJson::parse(text)
            .and_then(|v| v.to_json_str())
            .map_err(de_error)
    }
    fn structural<D: Deserializer<'de>>(self, d: D) -> Result<JsonStr<'de>, D::Error> {
        d.deserialize_str(BorrowedStr("a string")).map(JsonStr::new)
    }
}

// ---------------------------------------------------------------------------------------------------
// JsonU64

/// JSON shape: a number or a string of digits, as the value's representation says; both are accepted
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
            capture(d, U64Capture)
        } else {
            d.deserialize_tuple(2, CompactU64)
        }
    }
}

struct U64Capture;

impl<'de> Capture<'de> for U64Capture {
    type Value = JsonU64;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a non-negative integer or a string of decimal digits")
    }
    fn raw<E: de::Error>(self, text: &'de str) -> Result<JsonU64, E> {
        RawJson::parse(text)
            .and_then(|v| JsonU64::from_json(&v))
            .map_err(de_error)
    }
    fn structural<D: Deserializer<'de>>(self, d: D) -> Result<JsonU64, D::Error> {
        d.deserialize_any(U64Visitor)
    }
}

struct U64Visitor;

impl Visitor<'_> for U64Visitor {
    type Value = JsonU64;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a non-negative integer or a string of decimal digits")
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<JsonU64, E> {
        Ok(JsonU64::number(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<JsonU64, E> {
        u64::try_from(v)
            .map(JsonU64::number)
            .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<JsonU64, E> {
        u64::try_from(v)
            .map(JsonU64::number)
            .map_err(|_| de_error(Error::new(ErrorKind::IntegerOverflow, 0)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<JsonU64, E> {
        crate::json::parse_u64(v.as_bytes(), 0)
            .map(JsonU64::new)
            .map_err(de_error)
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

/// JSON shape: the value itself. With feature `serde_json` it is written and read as serde_json raw
/// text, byte for byte (zero-copy when reading). Without it, serializing replays the value structurally
/// ([`RawJson::structured`]) and deserializing from a human-readable format is an error (a borrowed text
/// cannot be rebuilt from structure). Compact shape: the JSON text as a string, validated when read.
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
            self.structured().serialize(s)
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for RawJson<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if d.is_human_readable() {
            capture(d, RawCapture)
        } else {
            let text = d.deserialize_str(BorrowedStr("JSON text"))?;
            RawJson::parse(text).map_err(de_error)
        }
    }
}

/// Refusal for human-readable formats other than serde_json, for the models read only from JSON text.
pub(crate) const NEEDS_JSON_TEXT: &str =
    "this model is read from JSON text: use serde_json (feature `serde_json`) or the compact form";

/// Deserializes a model from serde_json's raw text with `read` (feature `serde_json`); other
/// human-readable formats get [`NEEDS_JSON_TEXT`].
pub(crate) fn from_json_text<'de, D: Deserializer<'de>, T>(
    d: D,
    read: fn(RawJson<'de>) -> crate::Result<T>,
) -> Result<T, D::Error> {
    capture(d, ReadText(read))
}

struct ReadText<'de, T>(fn(RawJson<'de>) -> crate::Result<T>);

impl<'de, T> Capture<'de> for ReadText<'de, T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a MIMC JSON object")
    }
    fn raw<E: de::Error>(self, text: &'de str) -> Result<T, E> {
        RawJson::parse(text).and_then(self.0).map_err(de_error)
    }
    fn structural<D: Deserializer<'de>>(self, _: D) -> Result<T, D::Error> {
        Err(de::Error::custom(NEEDS_JSON_TEXT))
    }
}

pub(crate) struct RawCapture;

impl<'de> Capture<'de> for RawCapture {
    type Value = RawJson<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn raw<E: de::Error>(self, text: &'de str) -> Result<RawJson<'de>, E> {
        RawJson::parse(text).map_err(de_error)
    }
    fn structural<D: Deserializer<'de>>(self, _: D) -> Result<RawJson<'de>, D::Error> {
        Err(de::Error::custom(
            "a verbatim JSON value can be read only from JSON text (serde_json with feature `serde_json`) or from a compact format",
        ))
    }
}

/// A [`RawJson`] serialized by structure instead of as text: see [`RawJson::structured`].
#[derive(Debug, Clone, Copy)]
pub struct Structured<'r, 'a>(&'r RawJson<'a>);

impl<'a> RawJson<'a> {
    /// The value as serde structure (maps, sequences, strings, numbers, booleans, unit for `null`), for
    /// data formats that are not JSON. Integers become `u64`/`i64` when they fit, other numbers `f64`, so
    /// the spelling of numbers (`1.5e3`, `-0`) is not kept.
    ///
    /// Stack: serde's `Serialize` is recursive by design (a container's elements are serialized inside
    /// the container's call), so serializing takes one stack frame per nesting level, which decoding
    /// bounded (128 levels by default, [`MAX_DEPTH_LIMIT`](crate::json::MAX_DEPTH_LIMIT) at most). A
    /// level holds only a cursor: in an optimized x86-64 build with serde_json, about 170 bytes per
    /// array level and 210 per object level, serde_json's own frames included, so a value at the
    /// default limit fits a 64 KiB thread stack with room to spare (tested), and one at 1024 levels
    /// needs about 210 KiB. Other formats add their own frames; unoptimized builds need about 5 times
    /// as much.
    ///
    /// ```
    /// # #[cfg(feature = "serde_json")] {
    /// let raw = mimc_codec::RawJson::parse(r#"{"lat":39.9,"tags":["a"],"n":null}"#)?;
    /// let v = serde_json::to_value(raw.structured()).unwrap();
    /// assert_eq!(v["lat"], 39.9);
    /// assert_eq!(v["tags"][0], "a");
    /// # }
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    pub fn structured(&self) -> Structured<'_, 'a> {
        Structured(self)
    }
}

impl Serialize for Structured<'_, '_> {
    /// One level of nesting costs one frame of `serialize_array` or `serialize_object` plus the
    /// serializer's own `serialize_element`/`serialize_value`. Those frames hold only a cursor; every
    /// piece of work that needs room (numbers, strings, keys, stepping the iterators, errors) is a call
    /// that is never inlined, so its locals are gone again before the next level starts.
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.kind() {
            ValueKind::Array => serialize_array(self.0, s),
            ValueKind::Object => serialize_object(self.0, s),
            _ => serialize_scalar(self.0, s),
        }
    }
}

#[inline(never)]
fn serialize_array<S: Serializer>(v: &RawJson<'_>, s: S) -> Result<S::Ok, S::Error> {
    let mut cursor = Elements {
        items: None,
        current: *v,
    };
    let len = cursor.open::<S::Error>(v)?;
    let mut seq = s.serialize_seq(Some(len))?;
    while cursor.advance::<S::Error>()? {
        seq.serialize_element(&Structured(&cursor.current))?;
    }
    seq.end()
}

/// The key is written by a call that returns before the value goes deeper, through `serialize_value`
/// (not `serialize_entry`, which would add a frame of its own to every level).
#[inline(never)]
fn serialize_object<S: Serializer>(v: &RawJson<'_>, s: S) -> Result<S::Ok, S::Error> {
    let mut cursor = Members {
        items: None,
        key: JsonStr::new(""),
        value: *v,
    };
    let len = cursor.open::<S::Error>(v)?;
    let mut map = s.serialize_map(Some(len))?;
    while cursor.advance::<S::Error>()? {
        serialize_key(&mut map, &cursor.key)?;
        map.serialize_value(&Structured(&cursor.value))?;
    }
    map.end()
}

#[inline(never)]
fn serialize_key<M: SerializeMap>(map: &mut M, key: &JsonStr<'_>) -> Result<(), M::Error> {
    map.serialize_key(key)
}

/// `null`, booleans, strings and numbers: never recursive, so their locals stay out of the levels.
#[inline(never)]
fn serialize_scalar<S: Serializer>(v: &RawJson<'_>, s: S) -> Result<S::Ok, S::Error> {
    match v.kind() {
        ValueKind::Null => s.serialize_unit(),
        ValueKind::Bool => s.serialize_bool(v.as_str() == "true"),
        ValueKind::String => v.to_json_str().map_err(ser_error::<S::Error>)?.serialize(s),
        ValueKind::Number => {
            let text = v.as_str();
            let integral = !text.contains(['.', 'e', 'E']) && text != "-0";
            if let (true, Ok(u)) = (integral, text.parse::<u64>()) {
                s.serialize_u64(u)
            } else if let (true, Ok(i)) = (integral, text.parse::<i64>()) {
                s.serialize_i64(i)
            } else {
                let f = text
                    .parse::<f64>()
                    .map_err(|_| ser_error::<S::Error>(v.wrong_type("a number")))?;
                s.serialize_f64(f)
            }
        }
        ValueKind::Array | ValueKind::Object => Err(ser_error::<S::Error>(
            v.wrong_type("null, a boolean, a string or a number"),
        )),
    }
}

/// The elements of an array being serialized, one at a time in `current`. Filled in place by calls
/// that are never inlined (a cursor returned by value would be one more copy in every level's frame).
struct Elements<'a> {
    items: Option<ArrayIter<'a>>,
    current: RawJson<'a>,
}

impl<'a> Elements<'a> {
    /// Starts before the first element of `v`; returns their number.
    #[inline(never)]
    fn open<E: serde::ser::Error>(&mut self, v: &RawJson<'a>) -> Result<usize, E> {
        let items = v.array().map_err(ser_error::<E>)?;
        let mut count = items.clone();
        let mut len = 0usize;
        while count.next_element().map_err(ser_error::<E>)?.is_some() {
            len += 1;
        }
        self.items = Some(items);
        Ok(len)
    }

    /// Moves to the next element: `false` after the last.
    #[inline(never)]
    fn advance<E: serde::ser::Error>(&mut self) -> Result<bool, E> {
        let Some(items) = self.items.as_mut() else {
            return Ok(false);
        };
        match items.next_element() {
            Ok(Some(el)) => {
                self.current = el;
                Ok(true)
            }
            Ok(None) => Ok(false),
            Err(e) => Err(ser_error(e)),
        }
    }
}

/// The members of an object being serialized, one at a time in `key` and `value` (as [`Elements`]).
struct Members<'a> {
    items: Option<ObjectIter<'a>>,
    key: JsonStr<'a>,
    value: RawJson<'a>,
}

impl<'a> Members<'a> {
    /// Starts before the first member of `v`; returns their number.
    #[inline(never)]
    fn open<E: serde::ser::Error>(&mut self, v: &RawJson<'a>) -> Result<usize, E> {
        let members = v.object().map_err(ser_error::<E>)?;
        let mut count = members.clone();
        let mut len = 0usize;
        while count.next_member().map_err(ser_error::<E>)?.is_some() {
            len += 1;
        }
        self.items = Some(members);
        Ok(len)
    }

    /// Moves to the next member: `false` after the last.
    #[inline(never)]
    fn advance<E: serde::ser::Error>(&mut self) -> Result<bool, E> {
        let Some(items) = self.items.as_mut() else {
            return Ok(false);
        };
        match items.next_member() {
            Ok(Some((k, v))) => {
                self.key = k;
                self.value = v;
                Ok(true)
            }
            Ok(None) => Ok(false),
            Err(e) => Err(ser_error(e)),
        }
    }
}

/// A crate error as a serializer's error (out of line: building it takes room).
#[cold]
#[inline(never)]
fn ser_error<E: serde::ser::Error>(e: Error) -> E {
    E::custom(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "serde_json")]
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

    #[test]
    fn json_u64_visitor_is_exact() {
        assert_eq!(
            U64Visitor.visit_str::<de::value::Error>("18446744073709551615"),
            Ok(JsonU64::new(u64::MAX))
        );
        assert!(U64Visitor.visit_str::<de::value::Error>("+1").is_err());
        assert!(U64Visitor.visit_i64::<de::value::Error>(-1).is_err());
        assert_eq!(
            U64Visitor.visit_i64::<de::value::Error>(7),
            Ok(JsonU64::number(7))
        );
    }
}
