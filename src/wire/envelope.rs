//! The compact form of the envelope (layout in [`crate::wire`]): its flags byte, the body as an enum of
//! the kinds, and the checks that make decoding agree with the JSON reader.

use core::fmt;

use serde::de::{
    self, Deserialize, DeserializeSeed, Deserializer, EnumAccess, SeqAccess, VariantAccess, Visitor,
};
use serde::ser::{Serialize, SerializeTupleVariant, Serializer};

use crate::envelope::{
    Body, ContentKind, CustomBody, Envelope, FileKind, Kind, KindKey, PayloadKey,
};
use crate::error::{Error, ErrorKind, Result};
use crate::json::{DecodeOptions, JsonStr, JsonU64, RawJson};
use crate::name::CustomName;
use crate::serde_impl::BorrowedStr;

// ---------------------------------------------------------------------------------------------------
// Envelope: compact shape

const FLAG_VERSION_QUOTED: u8 = 1;
const FLAG_TIMESTAMP_QUOTED: u8 = 1 << 1;
const KIND_KEY_SHIFT: u8 = 2;
const KIND_KEY_MASK: u8 = 0b11 << KIND_KEY_SHIFT;
const FLAG_CONTENT_KEY: u8 = 1 << 4;
const FLAGS_RESERVED: u8 =
    !(FLAG_VERSION_QUOTED | FLAG_TIMESTAMP_QUOTED | KIND_KEY_MASK | FLAG_CONTENT_KEY);

fn flags(env: &Envelope<'_>) -> u8 {
    let kind_key: u8 = match env.kind_key() {
        KindKey::MsgType => 0,
        KindKey::Type => 1,
        KindKey::Absent => 2,
    };
    let mut f = kind_key << KIND_KEY_SHIFT;
    if env.version().is_quoted() {
        f |= FLAG_VERSION_QUOTED;
    }
    if env.timestamp().is_quoted() {
        f |= FLAG_TIMESTAMP_QUOTED;
    }
    if env.payload_key() == PayloadKey::Content {
        f |= FLAG_CONTENT_KEY;
    }
    f
}

pub(crate) fn compact_shape<S: Serializer>(env: &Envelope<'_>, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeTuple;
    let mut t = s.serialize_tuple(5)?;
    t.serialize_element(&flags(env))?;
    t.serialize_element(&env.version().get())?;
    t.serialize_element(&env.msg_id())?;
    t.serialize_element(&env.timestamp().get())?;
    t.serialize_element(&CompactBody(env.body()))?;
    t.end()
}

/// The compact body: the kind's discriminant carrying the payload's fields.
struct CompactBody<'r, 'a>(&'r Body<'a>);

impl Serialize for CompactBody<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        fn pair<S: Serializer, A: Serialize + ?Sized, B: Serialize + ?Sized>(
            s: S,
            idx: u32,
            name: &'static str,
            a: &A,
            b: &B,
        ) -> Result<S::Ok, S::Error> {
            let mut tv = s.serialize_tuple_variant("Body", idx, name, 2)?;
            tv.serialize_field(a)?;
            tv.serialize_field(b)?;
            tv.end()
        }
        match self.0 {
            Body::Ping(t) => s.serialize_newtype_variant("Body", 0, "Ping", t),
            Body::Pong(t) => s.serialize_newtype_variant("Body", 1, "Pong", t),
            Body::Text(t) => s.serialize_newtype_variant("Body", 2, "Text", t),
            Body::File { kind, url } => pair(s, 3, "File", kind, url),
            Body::Recall { of, msg_id } => pair(s, 4, "Recall", of, msg_id),
            Body::Read { of, msg_id } => pair(s, 5, "Read", of, msg_id),
            Body::AddFriendRequest { requester } => {
                s.serialize_newtype_variant("Body", 6, "AddFriendRequest", requester)
            }
            Body::AddFriendResponse {
                responser,
                accepted,
            } => pair(s, 7, "AddFriendResponse", responser, accepted),
            Body::_Custom(c) => pair(s, 8, "Custom", &c.kind, &c.payload),
        }
    }
}

/// The compact envelope as read, before the checks that need the crate's errors.
pub(crate) struct WireEnvelope<'a> {
    flags: u8,
    version: u64,
    msg_id: Option<&'a str>,
    timestamp: u64,
    body: WireBody<'a>,
}

enum WireBody<'a> {
    Known(Body<'a>),
    Custom(&'a str, Option<&'a str>),
}

impl<'de> Deserialize<'de> for WireEnvelope<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_tuple(5, WireEnvelopeVisitor)
    }
}

fn need<'de, T: Deserialize<'de>, A: SeqAccess<'de>>(
    seq: &mut A,
    i: usize,
    what: &'static str,
) -> Result<T, A::Error> {
    seq.next_element()?
        .ok_or_else(|| de::Error::invalid_length(i, &what))
}

struct WireEnvelopeVisitor;
impl<'de> Visitor<'de> for WireEnvelopeVisitor {
    type Value = WireEnvelope<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a compact Envelope")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<WireEnvelope<'de>, A::Error> {
        const WHAT: &str = "a compact Envelope of 5 fields";
        Ok(WireEnvelope {
            flags: need(&mut seq, 0, WHAT)?,
            version: need(&mut seq, 1, WHAT)?,
            msg_id: need(&mut seq, 2, WHAT)?,
            timestamp: need(&mut seq, 3, WHAT)?,
            body: seq
                .next_element_seed(WireBodySeed)?
                .ok_or_else(|| de::Error::invalid_length(4, &WHAT))?,
        })
    }
}

struct WireBodySeed;
impl<'de> DeserializeSeed<'de> for WireBodySeed {
    type Value = WireBody<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<WireBody<'de>, D::Error> {
        d.deserialize_enum("Body", BODY_VARIANTS, self)
    }
}

impl<'de> Visitor<'de> for WireBodySeed {
    type Value = WireBody<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a compact Body")
    }
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<WireBody<'de>, A::Error> {
        let (idx, v): (u32, _) = data.variant()?;
        let text = |v: A::Variant| -> Result<JsonStr<'de>, A::Error> {
            v.newtype_variant_seed(BorrowedStr("a string"))
                .map(JsonStr::new)
        };
        let body = match idx {
            0 => Body::Ping(text(v)?),
            1 => Body::Pong(text(v)?),
            2 => Body::Text(text(v)?),
            3 => {
                let (kind, url) = v.tuple_variant(2, PairVisitor(WireFile))?;
                Body::File { kind, url }
            }
            4 => {
                let (of, msg_id) = v.tuple_variant(2, PairVisitor(WireContent))?;
                Body::Recall { of, msg_id }
            }
            5 => {
                let (of, msg_id) = v.tuple_variant(2, PairVisitor(WireContent))?;
                Body::Read { of, msg_id }
            }
            6 => Body::AddFriendRequest {
                requester: text(v)?,
            },
            7 => {
                let (responser, accepted) = v.tuple_variant(2, ResponseVisitor)?;
                Body::AddFriendResponse {
                    responser,
                    accepted,
                }
            }
            8 => {
                let (kind, payload) = v.tuple_variant(2, CustomVisitor)?;
                return Ok(WireBody::Custom(kind, payload));
            }
            _ => return Err(bad_variant(idx, "a Body discriminant (0..=8)")),
        };
        Ok(WireBody::Known(body))
    }
}

/// `(<seed's value>, string)`
struct PairVisitor<T>(T);
impl<'de, T: DeserializeSeed<'de>> Visitor<'de> for PairVisitor<T> {
    type Value = (T::Value, JsonStr<'de>);
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a kind and a string")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let kind = seq
            .next_element_seed(self.0)?
            .ok_or_else(|| de::Error::invalid_length(0, &"2 fields"))?;
        let text = seq
            .next_element_seed(BorrowedStr("a string"))?
            .ok_or_else(|| de::Error::invalid_length(1, &"2 fields"))?;
        Ok((kind, JsonStr::new(text)))
    }
}

struct ResponseVisitor;
impl<'de> Visitor<'de> for ResponseVisitor {
    type Value = (JsonStr<'de>, bool);
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an account and a boolean")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let who = seq
            .next_element_seed(BorrowedStr("a string"))?
            .ok_or_else(|| de::Error::invalid_length(0, &"2 fields"))?;
        let accepted = need(&mut seq, 1, "2 fields")?;
        Ok((JsonStr::new(who), accepted))
    }
}

struct CustomVisitor;
impl<'de> Visitor<'de> for CustomVisitor {
    type Value = (&'de str, Option<&'de str>);
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a kind name and optional JSON text")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let kind = seq
            .next_element_seed(BorrowedStr("a kind name"))?
            .ok_or_else(|| de::Error::invalid_length(0, &"2 fields"))?;
        let payload = need(&mut seq, 1, "2 fields")?;
        Ok((kind, payload))
    }
}

impl<'a> WireEnvelope<'a> {
    /// The checks compact bytes must pass: known flag bits, kinds as decoding would classify them, custom
    /// payloads that are valid JSON. `input` (when known) gives offsets to errors found in strings.
    pub(crate) fn into_envelope(
        self,
        input: Option<&'a [u8]>,
        opts: &DecodeOptions,
    ) -> Result<Envelope<'a>> {
        if self.flags & FLAGS_RESERVED != 0 {
            return Err(
                Error::new(ErrorKind::InvalidValue("reserved flag bits set"), 0).in_field("flags"),
            );
        }
        let kind_key = match (self.flags & KIND_KEY_MASK) >> KIND_KEY_SHIFT {
            0 => KindKey::MsgType,
            1 => KindKey::Type,
            2 => KindKey::Absent,
            _ => {
                return Err(
                    Error::new(ErrorKind::InvalidValue("unknown kind key"), 0).in_field("flags")
                );
            }
        };
        let payload_key = if self.flags & FLAG_CONTENT_KEY == 0 {
            PayloadKey::Payload
        } else {
            PayloadKey::Content
        };
        let body = match self.body {
            WireBody::Known(b) => {
                check_kind(&b.kind(), input).map_err(|e| e.in_field("msgType"))?;
                b
            }
            WireBody::Custom(kind, payload) => {
                let kind = JsonStr::new(kind);
                check_kind(&Kind::_Custom(CustomName(kind)), input)
                    .map_err(|e| e.in_field("msgType"))?;
                let payload = match payload {
                    Some(text) => Some(
                        RawJson::parse_with(text, opts)
                            .map_err(|e| e.shifted(offset_in(input, text)).in_field("payload"))?,
                    ),
                    None => None,
                };
                Body::_Custom(CustomBody { kind, payload })
            }
        };
        if kind_key != KindKey::Absent && self.msg_id.is_none() {
            // As in JSON: the manual's dialects (kind key in the object) always carry msgId, so a value
            // without one could not travel on as JSON.
            return Err(Error::new(ErrorKind::MissingField, 0).in_field("msgId"));
        }
        Ok(Envelope::from_parts(
            JsonU64::new(self.version).with_quoted(self.flags & FLAG_VERSION_QUOTED != 0),
            self.msg_id.map(JsonStr::new),
            JsonU64::new(self.timestamp).with_quoted(self.flags & FLAG_TIMESTAMP_QUOTED != 0),
            body,
            kind_key,
            payload_key,
        ))
    }
}

// ---------------------------------------------------------------------------------------------------
// Kind discriminants and the checks that compact kinds are canonical

pub(crate) const KIND_VARIANTS: &[&str] = &[
    "Ping",
    "Pong",
    "Text",
    "File",
    "Recall",
    "Read",
    "AddFriendRequest",
    "AddFriendResponse",
    "Custom",
];
pub(crate) const FILE_VARIANTS: &[&str] = &["Pic", "Audio", "Bin", "Other"];
pub(crate) const CONTENT_VARIANTS: &[&str] = &["Text", "File", "Other"];
pub(crate) const BODY_VARIANTS: &[&str] = KIND_VARIANTS;

pub(crate) fn bad_variant<E: de::Error>(idx: u32, what: &'static str) -> E {
    E::invalid_value(de::Unexpected::Unsigned(u64::from(idx)), &what)
}

/// A compact `Kind` without the canonical-name checks (done by the caller, with offsets when it can).
pub(crate) struct WireKindVisitor;
impl<'de> Visitor<'de> for WireKindVisitor {
    type Value = Kind<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a compact Kind")
    }
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Kind<'de>, A::Error> {
        let (idx, v): (u32, _) = data.variant()?;
        Ok(match idx {
            0 => v.unit_variant().map(|()| Kind::Ping)?,
            1 => v.unit_variant().map(|()| Kind::Pong)?,
            2 => v.unit_variant().map(|()| Kind::Text)?,
            3 => Kind::File(v.newtype_variant_seed(WireFile)?),
            4 => Kind::Recall(v.newtype_variant_seed(WireContent)?),
            5 => Kind::Read(v.newtype_variant_seed(WireContent)?),
            6 => v.unit_variant().map(|()| Kind::AddFriendRequest)?,
            7 => v.unit_variant().map(|()| Kind::AddFriendResponse)?,
            8 => Kind::_Custom(CustomName(JsonStr::new(
                v.newtype_variant_seed(BorrowedStr("a kind name"))?,
            ))),
            _ => return Err(bad_variant(idx, "a Kind discriminant (0..=8)")),
        })
    }
}

pub(crate) struct WireFile;
impl<'de> DeserializeSeed<'de> for WireFile {
    type Value = FileKind<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<FileKind<'de>, D::Error> {
        d.deserialize_enum("FileKind", FILE_VARIANTS, WireFileVisitor)
    }
}
pub(crate) struct WireFileVisitor;
impl<'de> Visitor<'de> for WireFileVisitor {
    type Value = FileKind<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a compact FileKind")
    }
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<FileKind<'de>, A::Error> {
        let (idx, v): (u32, _) = data.variant()?;
        Ok(match idx {
            0 => v.unit_variant().map(|()| FileKind::Pic)?,
            1 => v.unit_variant().map(|()| FileKind::Audio)?,
            2 => v.unit_variant().map(|()| FileKind::Bin)?,
            3 => FileKind::_Custom(CustomName(JsonStr::new(
                v.newtype_variant_seed(BorrowedStr("a file kind name"))?,
            ))),
            _ => return Err(bad_variant(idx, "a FileKind discriminant (0..=3)")),
        })
    }
}

pub(crate) struct WireContent;
impl<'de> DeserializeSeed<'de> for WireContent {
    type Value = ContentKind<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<ContentKind<'de>, D::Error> {
        d.deserialize_enum("ContentKind", CONTENT_VARIANTS, WireContentVisitor)
    }
}
pub(crate) struct WireContentVisitor;
impl<'de> Visitor<'de> for WireContentVisitor {
    type Value = ContentKind<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a compact ContentKind")
    }
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<ContentKind<'de>, A::Error> {
        let (idx, v): (u32, _) = data.variant()?;
        Ok(match idx {
            0 => v.unit_variant().map(|()| ContentKind::Text)?,
            1 => ContentKind::File(v.newtype_variant_seed(WireFile)?),
            2 => ContentKind::_Custom(CustomName(JsonStr::new(
                v.newtype_variant_seed(BorrowedStr("a content kind name"))?,
            ))),
            _ => return Err(bad_variant(idx, "a ContentKind discriminant (0..=2)")),
        })
    }
}

/// Offset of `s` in `input` when it was borrowed from there (compact decoding), else 0.
pub(crate) fn offset_in(input: Option<&[u8]>, s: &str) -> usize {
    let Some(input) = input else { return 0 };
    let start = input.as_ptr() as usize;
    let at = s.as_ptr() as usize;
    match at.checked_sub(start) {
        Some(off) if off <= input.len() => off,
        _ => 0,
    }
}

pub(crate) fn check_file(f: &FileKind<'_>, input: Option<&[u8]>) -> Result<()> {
    check_kind(&Kind::File(*f), input)
}

pub(crate) fn check_content(c: &ContentKind<'_>, input: Option<&[u8]>) -> Result<()> {
    check_kind(&Kind::Recall(*c), input)
}

/// Compact values hold only kinds that decoding JSON can produce: no `Other("PIC")`, no custom kind named
/// `TEXT` or like a modelled family (`X_RECALL`, `LOCATION_READ`, `VIDEO_FILE`): the compact reader
/// classifies names exactly as the JSON reader does, so both always agree. Errors are at the name.
pub(crate) fn check_kind(k: &Kind<'_>, input: Option<&[u8]>) -> Result<()> {
    match k.noncanonical() {
        Some((why, x)) => Err(Error::new(
            ErrorKind::InvalidValue(why),
            offset_in(input, x.raw()),
        )),
        None => Ok(()),
    }
}
