//! serde for the envelope and its kinds: the JSON shape with hand-written tag dispatch, and the compact
//! mirror (layout in [`crate::wire`]).

use core::fmt;

use serde::de::{
    self, Deserialize, DeserializeSeed, Deserializer, EnumAccess, IgnoredAny, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};
use serde::ser::{Serialize, SerializeStruct, SerializeTupleVariant, Serializer};

use super::{BorrowedStr, Capture, NOT_BORROWED, capture, de_error, de_error_at_field};
use crate::envelope::{
    Body, ContentKind, CustomBody, Envelope, FileKind, Kind, KindKey, PayloadKey, body_for,
    normal_content, normal_file,
};
use crate::error::{Error, ErrorKind, Result};
use crate::json::{DecodeOptions, JsonStr, JsonU64, RawJson};

// ---------------------------------------------------------------------------------------------------
// Kind names (human-readable) and discriminants (compact)

/// JSON shape: the kind's name (`"PIC_FILE_RECALL"`). Compact shape: an enum, see [`crate::wire`].
/// A kind that decoding never gives (`Custom("X_RECALL")`, `FileKind::Other("PIC")`, an empty `Other`)
/// would read back as another value or not at all: serializing one is an error, in either shape.
fn refuse_noncanonical<E: serde::ser::Error>(k: &Kind<'_>) -> Result<(), E> {
    match k.noncanonical() {
        Some((why, _)) => Err(E::custom(Error::new(ErrorKind::InvalidValue(why), 0))),
        None => Ok(()),
    }
}

impl Serialize for Kind<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        refuse_noncanonical(self)?;
        if s.is_human_readable() {
            return s.collect_str(self);
        }
        match self {
            Kind::Ping => s.serialize_unit_variant("Kind", 0, "Ping"),
            Kind::Pong => s.serialize_unit_variant("Kind", 1, "Pong"),
            Kind::Text => s.serialize_unit_variant("Kind", 2, "Text"),
            Kind::File(f) => s.serialize_newtype_variant("Kind", 3, "File", f),
            Kind::Recall(c) => s.serialize_newtype_variant("Kind", 4, "Recall", c),
            Kind::Read(c) => s.serialize_newtype_variant("Kind", 5, "Read", c),
            Kind::AddFriendRequest => s.serialize_unit_variant("Kind", 6, "AddFriendRequest"),
            Kind::AddFriendResponse => s.serialize_unit_variant("Kind", 7, "AddFriendResponse"),
            Kind::Custom(name) => s.serialize_newtype_variant("Kind", 8, "Custom", name),
        }
    }
}

/// JSON shape: `X` of `X_FILE` (`"PIC"`, `"VIDEO"`). Compact shape: an enum, see [`crate::wire`].
impl Serialize for FileKind<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        refuse_noncanonical(&Kind::File(*self))?;
        match (self, s.is_human_readable()) {
            (FileKind::Pic, true) => s.serialize_str("PIC"),
            (FileKind::Audio, true) => s.serialize_str("AUDIO"),
            (FileKind::Bin, true) => s.serialize_str("BIN"),
            (FileKind::Other(x), true) => x.serialize(s),
            (FileKind::Pic, false) => s.serialize_unit_variant("FileKind", 0, "Pic"),
            (FileKind::Audio, false) => s.serialize_unit_variant("FileKind", 1, "Audio"),
            (FileKind::Bin, false) => s.serialize_unit_variant("FileKind", 2, "Bin"),
            (FileKind::Other(x), false) => s.serialize_newtype_variant("FileKind", 3, "Other", x),
        }
    }
}

/// JSON shape: the content kind's name (`"TEXT"`, `"PIC_FILE"`, `"LOCATION"`). Compact shape: an enum.
impl Serialize for ContentKind<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        refuse_noncanonical(&Kind::Recall(*self))?;
        if s.is_human_readable() {
            return s.collect_str(&ContentName(*self));
        }
        match self {
            ContentKind::Text => s.serialize_unit_variant("ContentKind", 0, "Text"),
            ContentKind::File(f) => s.serialize_newtype_variant("ContentKind", 1, "File", f),
            ContentKind::Other(x) => s.serialize_newtype_variant("ContentKind", 2, "Other", x),
        }
    }
}

/// `ContentKind`'s name: the kind name of a recall of it, minus `_RECALL`.
struct ContentName<'a>(ContentKind<'a>);
impl fmt::Display for ContentName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            ContentKind::Text => f.write_str("TEXT"),
            ContentKind::File(file) => fmt::Display::fmt(&Kind::File(file), f),
            ContentKind::Other(x) => fmt::Display::fmt(&x, f),
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Kind<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if d.is_human_readable() {
            let name = JsonStr::deserialize(d)?;
            return Ok(Kind::from_json_str(name));
        }
        let kind = d.deserialize_enum("Kind", KIND_VARIANTS, WireKindVisitor)?;
        check_kind(&kind, None).map_err(de_error)?;
        Ok(kind)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for FileKind<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if d.is_human_readable() {
            // As in `<X>_FILE`: classified on the unescaped text; no `X` is no file kind.
            let name = JsonStr::deserialize(d)?;
            if name.is_empty() {
                return Err(de::Error::custom("an empty file kind name"));
            }
            return Ok(normal_file(FileKind::Other(name)));
        }
        let f = d.deserialize_enum("FileKind", FILE_VARIANTS, WireFileVisitor)?;
        check_file(&f, None).map_err(de_error)?;
        Ok(f)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for ContentKind<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if d.is_human_readable() {
            // As in `<X>_RECALL`: classified on the unescaped text; no `X` is no content kind.
            let name = JsonStr::deserialize(d)?;
            if name.is_empty() {
                return Err(de::Error::custom("an empty content kind name"));
            }
            return Ok(normal_content(ContentKind::Other(name)));
        }
        let c = d.deserialize_enum("ContentKind", CONTENT_VARIANTS, WireContentVisitor)?;
        check_content(&c, None).map_err(de_error)?;
        Ok(c)
    }
}

const KIND_VARIANTS: &[&str] = &[
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
const FILE_VARIANTS: &[&str] = &["Pic", "Audio", "Bin", "Other"];
const CONTENT_VARIANTS: &[&str] = &["Text", "File", "Other"];
const BODY_VARIANTS: &[&str] = KIND_VARIANTS;

fn bad_variant<E: de::Error>(idx: u32, what: &'static str) -> E {
    E::invalid_value(de::Unexpected::Unsigned(u64::from(idx)), &what)
}

/// A compact `Kind` without the canonical-name checks (done by the caller, with offsets when it can).
struct WireKindVisitor;
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
            8 => Kind::Custom(JsonStr::new(
                v.newtype_variant_seed(BorrowedStr("a kind name"))?,
            )),
            _ => return Err(bad_variant(idx, "a Kind discriminant (0..=8)")),
        })
    }
}

struct WireFile;
impl<'de> DeserializeSeed<'de> for WireFile {
    type Value = FileKind<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<FileKind<'de>, D::Error> {
        d.deserialize_enum("FileKind", FILE_VARIANTS, WireFileVisitor)
    }
}
struct WireFileVisitor;
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
            3 => FileKind::Other(JsonStr::new(
                v.newtype_variant_seed(BorrowedStr("a file kind name"))?,
            )),
            _ => return Err(bad_variant(idx, "a FileKind discriminant (0..=3)")),
        })
    }
}

struct WireContent;
impl<'de> DeserializeSeed<'de> for WireContent {
    type Value = ContentKind<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<ContentKind<'de>, D::Error> {
        d.deserialize_enum("ContentKind", CONTENT_VARIANTS, WireContentVisitor)
    }
}
struct WireContentVisitor;
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
            2 => ContentKind::Other(JsonStr::new(
                v.newtype_variant_seed(BorrowedStr("a content kind name"))?,
            )),
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

fn check_file(f: &FileKind<'_>, input: Option<&[u8]>) -> Result<()> {
    check_kind(&Kind::File(*f), input)
}

fn check_content(c: &ContentKind<'_>, input: Option<&[u8]>) -> Result<()> {
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

// ---------------------------------------------------------------------------------------------------
// Envelope: JSON shape, serialize

/// JSON shape: exactly what [`ToJson`](crate::ToJson) writes (same keys, order and representations).
/// Compact shape: see [`crate::wire`].
impl Serialize for Envelope<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // A value that would not read back as itself is refused, as by `ToJson`.
        self.check_encodable().map_err(serde::ser::Error::custom)?;
        if s.is_human_readable() {
            json_shape(self, s)
        } else {
            compact_shape(self, s)
        }
    }
}

fn kind_key_name(k: KindKey) -> Option<&'static str> {
    match k {
        KindKey::MsgType => Some("msgType"),
        KindKey::Type => Some("type"),
        KindKey::Absent => None,
    }
}

fn payload_key_name(k: PayloadKey) -> &'static str {
    match k {
        PayloadKey::Payload => "payload",
        PayloadKey::Content => "content",
    }
}

fn json_shape<S: Serializer>(env: &Envelope<'_>, s: S) -> Result<S::Ok, S::Error> {
    let kind_key = kind_key_name(env.kind_key());
    let payload_key = payload_key_name(env.payload_key());
    let body = env.body();
    let has_payload = !matches!(body, Body::_Custom(CustomBody { payload: None, .. }));
    let len = 2
        + usize::from(env.msg_id().is_some())
        + usize::from(kind_key.is_some())
        + usize::from(has_payload);
    let mut st = s.serialize_struct("Envelope", len)?;
    st.serialize_field("version", &env.version())?;
    match env.msg_id() {
        Some(id) => st.serialize_field("msgId", id)?,
        None => st.skip_field("msgId")?,
    }
    match kind_key {
        Some(k) => st.serialize_field(k, &env.kind())?,
        None => st.skip_field("msgType")?,
    }
    st.serialize_field("timestamp", &env.timestamp())?;
    match body {
        Body::Ping(t) | Body::Pong(t) | Body::Text(t) | Body::File { url: t, .. } => {
            st.serialize_field(payload_key, t)?;
        }
        Body::Recall { msg_id, .. } => {
            st.serialize_field(payload_key, &OneMember("recall_msgId", *msg_id))?;
        }
        Body::Read { msg_id, .. } => {
            st.serialize_field(payload_key, &OneMember("read_msgId", *msg_id))?;
        }
        Body::AddFriendRequest { requester } => {
            st.serialize_field(payload_key, &OneMember("add_requester", *requester))?;
        }
        Body::AddFriendResponse {
            responser,
            accepted,
        } => st.serialize_field(payload_key, &FriendResponse(*responser, *accepted))?,
        Body::_Custom(c) => match &c.payload {
            Some(p) => st.serialize_field(payload_key, p)?,
            None => st.skip_field(payload_key)?,
        },
    }
    st.end()
}

/// `{"<key>": "<value>"}`
struct OneMember<'a>(&'static str, JsonStr<'a>);
impl Serialize for OneMember<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Payload", 1)?;
        st.serialize_field(self.0, &self.1)?;
        st.end()
    }
}

/// `{"add_responser": "<account>", "accepted": bool}`
struct FriendResponse<'a>(JsonStr<'a>, bool);
impl Serialize for FriendResponse<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Payload", 2)?;
        st.serialize_field("add_responser", &self.0)?;
        st.serialize_field("accepted", &self.1)?;
        st.end()
    }
}

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

fn compact_shape<S: Serializer>(env: &Envelope<'_>, s: S) -> Result<S::Ok, S::Error> {
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
                check_kind(&Kind::Custom(kind), input).map_err(|e| e.in_field("msgType"))?;
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
// Envelope: JSON shape, deserialize

impl<'de: 'a, 'a> Deserialize<'de> for Envelope<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        EnvelopeSeed { biz_type: None }.deserialize(d)
    }
}

/// Deserializes an [`Envelope`] whose kind may travel outside the JSON (MIMC's bizType), like
/// [`Envelope::from_json_with_kind`]. A kind key in the JSON wins; the compact form always carries its kind.
///
/// ```
/// # #[cfg(feature = "serde_json")] {
/// use serde::de::DeserializeSeed;
/// use mimc_codec::{Envelope, EnvelopeSeed, Kind};
/// let json = br#"{"version":0,"msgId":"a1B2c-0","timestamp":1516763973000,"payload":"5L2g5aW9"}"#;
/// let mut de = serde_json::Deserializer::from_slice(json);
/// let env: Envelope = EnvelopeSeed::with_kind("TEXT").deserialize(&mut de).unwrap();
/// assert_eq!(env.kind(), Kind::Text);
/// assert_eq!(env, Envelope::from_json_with_kind(json, "TEXT").unwrap());
/// # }
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct EnvelopeSeed<'k> {
    biz_type: Option<&'k str>,
}

impl<'k> EnvelopeSeed<'k> {
    /// A seed that requires the kind in the JSON (as plain `Deserialize` does).
    pub const fn new() -> Self {
        EnvelopeSeed { biz_type: None }
    }

    /// A seed that uses `biz_type` when the JSON has no kind key.
    pub const fn with_kind(biz_type: &'k str) -> Self {
        EnvelopeSeed {
            biz_type: Some(biz_type),
        }
    }
}

impl<'de: 'k, 'k> DeserializeSeed<'de> for EnvelopeSeed<'k> {
    type Value = Envelope<'k>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Envelope<'k>, D::Error> {
        if d.is_human_readable() {
            capture(d, EnvelopeCapture(self.biz_type))
        } else {
            let wire = WireEnvelope::deserialize(d)?;
            wire.into_envelope(None, &DecodeOptions::new())
                .map_err(de_error)
        }
    }
}

struct EnvelopeCapture<'k>(Option<&'k str>);

impl<'de: 'k, 'k> Capture<'de> for EnvelopeCapture<'k> {
    type Value = Envelope<'k>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a MIMC envelope")
    }
    fn raw<E: de::Error>(self, text: &'de str) -> Result<Envelope<'k>, E> {
        Envelope::from_json_with(text.as_bytes(), self.0, &DecodeOptions::new()).map_err(de_error)
    }
    fn structural<D: Deserializer<'de>>(self, d: D) -> Result<Envelope<'k>, D::Error> {
        d.deserialize_map(EnvelopeVisitor(self.0))
    }
}

/// The tag-dispatching visitor for formats other than serde_json: buffers nothing. When the kind comes
/// before the payload, the payload is read as that kind's type; when it comes after, the payload is read
/// by shape into a small fixed candidate set ([`Shape`]) and resolved once the kind is known.
pub(crate) struct EnvelopeVisitor<'k>(pub(crate) Option<&'k str>);

#[derive(Clone, Copy)]
enum EnvKey {
    Version,
    MsgId,
    MsgType,
    Type,
    Timestamp,
    Payload,
    Content,
    Other,
}

struct EnvKeySeed;
impl<'de> DeserializeSeed<'de> for EnvKeySeed {
    type Value = EnvKey;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<EnvKey, D::Error> {
        d.deserialize_identifier(self)
    }
}
impl Visitor<'_> for EnvKeySeed {
    type Value = EnvKey;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an envelope key")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<EnvKey, E> {
        Ok(match v {
            "version" => EnvKey::Version,
            "msgId" => EnvKey::MsgId,
            "msgType" => EnvKey::MsgType,
            "type" => EnvKey::Type,
            "timestamp" => EnvKey::Timestamp,
            "payload" => EnvKey::Payload,
            "content" => EnvKey::Content,
            _ => EnvKey::Other,
        })
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<EnvKey, E> {
        core::str::from_utf8(v).map_or(Ok(EnvKey::Other), |s| self.visit_str(s))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<EnvKey, E> {
        Ok(EnvKey::Other)
    }
}

fn set_once<T, E: de::Error>(slot: &mut Option<T>, v: T, field: &'static str) -> Result<(), E> {
    if slot.is_some() {
        return Err(de_error_at_field(ErrorKind::DuplicateKey, field));
    }
    *slot = Some(v);
    Ok(())
}

fn required<T, E: de::Error>(slot: Option<T>, field: &'static str) -> Result<T, E> {
    slot.ok_or_else(|| de_error_at_field(ErrorKind::MissingField, field))
}

/// A payload as read before (or after) its kind is known.
#[cfg_attr(not(feature = "serde_json"), allow(dead_code))] // `Raw` comes from serde_json only
enum Captured<'a> {
    /// serde_json's raw text: decoded by the crate's own reader.
    Raw(RawJson<'a>),
    /// Read as the kind (which came first) asked.
    Body(Body<'a>),
    /// Read by shape (the kind came later).
    Shape(Shape<'a>),
}

impl<'de: 'k, 'k> Visitor<'de> for EnvelopeVisitor<'k> {
    type Value = Envelope<'k>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a MIMC envelope")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Envelope<'k>, A::Error> {
        let mut version = None;
        let mut msg_id = None;
        let mut kind: Option<(JsonStr<'k>, KindKey)> = None;
        let mut timestamp = None;
        let mut payload: Option<(Captured<'k>, PayloadKey)> = None;
        while let Some(key) = map.next_key_seed(EnvKeySeed)? {
            match key {
                EnvKey::Version => set_once(&mut version, map.next_value::<JsonU64>()?, "version")?,
                EnvKey::MsgId => set_once(&mut msg_id, map.next_value::<JsonStr<'k>>()?, "msgId")?,
                EnvKey::MsgType | EnvKey::Type => {
                    let (field, k) = if matches!(key, EnvKey::Type) {
                        ("type", KindKey::Type)
                    } else {
                        ("msgType", KindKey::MsgType)
                    };
                    if kind.is_some() {
                        return Err(de_error_at_field(ErrorKind::DuplicateKey, field));
                    }
                    kind = Some((map.next_value::<JsonStr<'k>>()?, k));
                }
                EnvKey::Timestamp => {
                    set_once(&mut timestamp, map.next_value::<JsonU64>()?, "timestamp")?;
                }
                EnvKey::Payload | EnvKey::Content => {
                    let (field, k) = if matches!(key, EnvKey::Content) {
                        ("content", PayloadKey::Content)
                    } else {
                        ("payload", PayloadKey::Payload)
                    };
                    if payload.is_some() {
                        return Err(de_error_at_field(ErrorKind::DuplicateKey, field));
                    }
                    let known = kind.map(|(s, _)| Kind::from_json_str(s));
                    payload = Some((map.next_value_seed(PayloadSeed(known))?, k));
                }
                EnvKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let version = required(version, "version")?;
        let timestamp = required(timestamp, "timestamp")?;
        let (kind, kind_key) = match (kind, self.0) {
            (Some((s, k)), _) => {
                if msg_id.is_none() {
                    return Err(de_error_at_field(ErrorKind::MissingField, "msgId"));
                }
                (Kind::from_json_str(s), k)
            }
            (None, Some(b)) => (Kind::parse(b), KindKey::Absent),
            (None, None) => return Err(de_error_at_field(ErrorKind::MissingField, "msgType")),
        };
        let payload_key = payload.as_ref().map_or(PayloadKey::Payload, |(_, k)| *k);
        let body = match payload.map(|(p, _)| p) {
            None => body_for(kind, None, 0).map_err(|e| de_error_at_field(e.kind(), "payload"))?,
            Some(Captured::Raw(raw)) => body_for(kind, Some(raw), 0).map_err(de_error)?,
            Some(Captured::Body(b)) => b,
            Some(Captured::Shape(shape)) => resolve(kind, &shape)?,
        };
        Ok(Envelope::from_parts(
            version,
            msg_id,
            timestamp,
            body,
            kind_key,
            payload_key,
        ))
    }
}

/// Reads a payload: raw text from serde_json, else typed by the kind if known, else by shape.
struct PayloadSeed<'k>(Option<Kind<'k>>);

impl<'de: 'k, 'k> DeserializeSeed<'de> for PayloadSeed<'k> {
    type Value = Captured<'k>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Captured<'k>, D::Error> {
        capture(d, self)
    }
}

impl<'de: 'k, 'k> Capture<'de> for PayloadSeed<'k> {
    type Value = Captured<'k>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an envelope payload")
    }
    fn raw<E: de::Error>(self, text: &'de str) -> Result<Captured<'k>, E> {
        RawJson::parse(text)
            .map(Captured::Raw)
            .map_err(|e| de_error(e.in_field("payload")))
    }
    fn structural<D: Deserializer<'de>>(self, d: D) -> Result<Captured<'k>, D::Error> {
        match self.0 {
            Some(kind) => BodySeed(kind).deserialize(d).map(Captured::Body),
            None => d.deserialize_any(ShapeVisitor).map(Captured::Shape),
        }
    }
}

/// The payload read as `kind` asks.
struct BodySeed<'k>(Kind<'k>);

impl<'de: 'k, 'k> DeserializeSeed<'de> for BodySeed<'k> {
    type Value = Body<'k>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Body<'k>, D::Error> {
        let text = |d: D| JsonStr::deserialize(d);
        Ok(match self.0 {
            Kind::Ping => Body::Ping(text(d)?),
            Kind::Pong => Body::Pong(text(d)?),
            Kind::Text => Body::Text(text(d)?),
            Kind::File(kind) => Body::File {
                kind,
                url: text(d)?,
            },
            Kind::Recall(of) => Body::Recall {
                of,
                msg_id: d.deserialize_map(ObjectVisitor)?.string("recall_msgId")?,
            },
            Kind::Read(of) => Body::Read {
                of,
                msg_id: d.deserialize_map(ObjectVisitor)?.string("read_msgId")?,
            },
            Kind::AddFriendRequest => Body::AddFriendRequest {
                requester: d.deserialize_map(ObjectVisitor)?.string("add_requester")?,
            },
            Kind::AddFriendResponse => {
                let o = d.deserialize_map(ObjectVisitor)?;
                Body::AddFriendResponse {
                    responser: o.string("add_responser")?,
                    accepted: o.boolean("accepted")?,
                }
            }
            Kind::Custom(kind) => Body::_Custom(CustomBody {
                kind,
                payload: Some(RawJson::deserialize(d)?),
            }),
        })
    }
}

/// A payload read without knowing its kind: one of a fixed set of candidates, nothing buffered.
enum Shape<'a> {
    Str(JsonStr<'a>),
    /// A string the format could not lend.
    Transient,
    Object(PayloadObject<'a>),
    /// Any other value.
    Other,
}

/// A member of a payload object that some kind reads.
#[derive(Clone, Copy, Default)]
enum Cand<'a> {
    #[default]
    Absent,
    Str(JsonStr<'a>),
    Bool(bool),
    Transient,
    Other,
    Duplicate,
}

/// The members of a payload object that any modelled kind reads; all others are skipped.
#[derive(Default)]
struct PayloadObject<'a> {
    recall_msg_id: Cand<'a>,
    read_msg_id: Cand<'a>,
    add_requester: Cand<'a>,
    add_responser: Cand<'a>,
    accepted: Cand<'a>,
}

impl<'a> PayloadObject<'a> {
    fn slot(&mut self, key: &str) -> Option<&mut Cand<'a>> {
        Some(match key {
            "recall_msgId" => &mut self.recall_msg_id,
            "read_msgId" => &mut self.read_msg_id,
            "add_requester" => &mut self.add_requester,
            "add_responser" => &mut self.add_responser,
            "accepted" => &mut self.accepted,
            _ => return None,
        })
    }

    fn get(&self, field: &'static str) -> Cand<'a> {
        match field {
            "recall_msgId" => self.recall_msg_id,
            "read_msgId" => self.read_msg_id,
            "add_requester" => self.add_requester,
            "add_responser" => self.add_responser,
            "accepted" => self.accepted,
            _ => Cand::Absent,
        }
    }

    fn string<E: de::Error>(&self, field: &'static str) -> Result<JsonStr<'a>, E> {
        match self.get(field) {
            Cand::Str(s) => Ok(s),
            Cand::Absent => Err(de_error_at_field(ErrorKind::MissingField, field)),
            Cand::Duplicate => Err(de_error_at_field(ErrorKind::DuplicateKey, field)),
            Cand::Transient => Err(E::custom(NOT_BORROWED)),
            Cand::Bool(_) | Cand::Other => {
                Err(de_error_at_field(ErrorKind::WrongType("a string"), field))
            }
        }
    }

    fn boolean<E: de::Error>(&self, field: &'static str) -> Result<bool, E> {
        match self.get(field) {
            Cand::Bool(b) => Ok(b),
            Cand::Absent => Err(de_error_at_field(ErrorKind::MissingField, field)),
            Cand::Duplicate => Err(de_error_at_field(ErrorKind::DuplicateKey, field)),
            _ => Err(de_error_at_field(ErrorKind::WrongType("a boolean"), field)),
        }
    }
}

/// Reads a payload object's members into [`PayloadObject`].
struct ObjectVisitor;

impl<'de> Visitor<'de> for ObjectVisitor {
    type Value = PayloadObject<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PayloadObject<'de>, A::Error> {
        let mut obj = PayloadObject::default();
        while let Some(key) = map.next_key_seed(KeyText)? {
            match key.and_then(|k| obj.slot(k.as_str())) {
                Some(slot) if matches!(slot, Cand::Absent) => {
                    *slot = map.next_value_seed(CandSeed)?;
                }
                Some(slot) => {
                    *slot = Cand::Duplicate;
                    map.next_value::<IgnoredAny>()?;
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(obj)
    }
}

/// A key's text when it is short enough to be a known name (copied: formats may lend keys only briefly).
struct KeyText;

#[derive(Clone, Copy)]
struct ShortKey {
    buf: [u8; 24],
    len: usize,
}

impl ShortKey {
    fn as_str(&self) -> &str {
        self.buf
            .get(..self.len)
            .and_then(|b| core::str::from_utf8(b).ok())
            .unwrap_or("")
    }
}

impl<'de> DeserializeSeed<'de> for KeyText {
    type Value = Option<ShortKey>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<ShortKey>, D::Error> {
        d.deserialize_identifier(self)
    }
}

impl Visitor<'_> for KeyText {
    type Value = Option<ShortKey>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<ShortKey>, E> {
        let mut buf = [0u8; 24];
        let Some(dst) = buf.get_mut(..v.len()) else {
            return Ok(None);
        };
        dst.copy_from_slice(v.as_bytes());
        Ok(Some(ShortKey { buf, len: v.len() }))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Option<ShortKey>, E> {
        Ok(None)
    }
}

struct CandSeed;

impl<'de> DeserializeSeed<'de> for CandSeed {
    type Value = Cand<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Cand<'de>, D::Error> {
        capture(d, self)
    }
}

impl<'de> Capture<'de> for CandSeed {
    type Value = Cand<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a payload member")
    }
    fn raw<E: de::Error>(self, text: &'de str) -> Result<Cand<'de>, E> {
        let v = RawJson::parse(text).map_err(de_error)?;
        Ok(match v.kind() {
            crate::json::ValueKind::String => Cand::Str(v.to_json_str().map_err(de_error)?),
            crate::json::ValueKind::Bool => Cand::Bool(v.to_bool().map_err(de_error)?),
            _ => Cand::Other,
        })
    }
    fn structural<D: Deserializer<'de>>(self, d: D) -> Result<Cand<'de>, D::Error> {
        d.deserialize_any(CandVisitor)
    }
}

struct CandVisitor;

impl<'de> Visitor<'de> for CandVisitor {
    type Value = Cand<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Cand<'de>, E> {
        Ok(Cand::Str(JsonStr::new(v)))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Cand<'de>, E> {
        Ok(Cand::Transient)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Cand<'de>, E> {
        Ok(Cand::Bool(v))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Cand<'de>, E> {
        Ok(Cand::Other)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Cand<'de>, E> {
        Ok(Cand::Other)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Cand<'de>, E> {
        Ok(Cand::Other)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Cand<'de>, E> {
        Ok(Cand::Other)
    }
    fn visit_none<E: de::Error>(self) -> Result<Cand<'de>, E> {
        Ok(Cand::Other)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Cand<'de>, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Cand<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Cand::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Cand<'de>, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Cand::Other)
    }
}

struct ShapeVisitor;

impl<'de> Visitor<'de> for ShapeVisitor {
    type Value = Shape<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an envelope payload")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Shape<'de>, E> {
        Ok(Shape::Str(JsonStr::new(v)))
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<Shape<'de>, E> {
        Ok(Shape::Transient)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Shape<'de>, A::Error> {
        ObjectVisitor.visit_map(map).map(Shape::Object)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Shape<'de>, E> {
        Ok(Shape::Other)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Shape<'de>, E> {
        Ok(Shape::Other)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Shape<'de>, E> {
        Ok(Shape::Other)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Shape<'de>, E> {
        Ok(Shape::Other)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Shape<'de>, E> {
        Ok(Shape::Other)
    }
    fn visit_none<E: de::Error>(self) -> Result<Shape<'de>, E> {
        Ok(Shape::Other)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Shape<'de>, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Shape<'de>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Shape::Other)
    }
}

/// Turns a payload read by shape into the body `kind` calls for.
fn resolve<'a, E: de::Error>(kind: Kind<'a>, shape: &Shape<'a>) -> Result<Body<'a>, E> {
    let text = || match shape {
        Shape::Str(s) => Ok(*s),
        Shape::Transient => Err(E::custom(NOT_BORROWED)),
        Shape::Object(_) | Shape::Other => Err(de_error_at_field(
            ErrorKind::WrongType("a string"),
            "payload",
        )),
    };
    let object = || match shape {
        Shape::Object(o) => Ok(o),
        _ => Err(de_error_at_field(
            ErrorKind::WrongType("an object"),
            "payload",
        )),
    };
    Ok(match kind {
        Kind::Ping => Body::Ping(text()?),
        Kind::Pong => Body::Pong(text()?),
        Kind::Text => Body::Text(text()?),
        Kind::File(kind) => Body::File { kind, url: text()? },
        Kind::Recall(of) => Body::Recall {
            of,
            msg_id: object()?.string("recall_msgId")?,
        },
        Kind::Read(of) => Body::Read {
            of,
            msg_id: object()?.string("read_msgId")?,
        },
        Kind::AddFriendRequest => Body::AddFriendRequest {
            requester: object()?.string("add_requester")?,
        },
        Kind::AddFriendResponse => Body::AddFriendResponse {
            responser: object()?.string("add_responser")?,
            accepted: object()?.boolean("accepted")?,
        },
        Kind::Custom(_) => {
            return Err(E::custom(
                "a custom kind's payload is kept as JSON text, which only serde_json (feature `serde_json`) or the compact form provide",
            ));
        }
    })
}

#[cfg(all(test, feature = "serde_json"))]
mod tests {
    use super::*;

    /// Runs the hand-written visitor (not the raw-text path) over serde_json.
    fn structural<'a>(
        json: &'a [u8],
        biz: Option<&'a str>,
    ) -> core::result::Result<Envelope<'a>, ()> {
        let mut de = serde_json::Deserializer::from_slice(json);
        de::Deserializer::deserialize_map(&mut de, EnvelopeVisitor(biz)).map_err(|_| ())
    }

    #[test]
    fn hand_visitor_agrees_with_from_json_in_any_key_order() {
        let cases: &[&[u8]] = &[
            br#"{"version":0,"msgId":"TEXT_12345","msgType":"TEXT","timestamp":"1516763973000","payload":"hi \u4e2d"}"#,
            br#"{"payload":"hi","timestamp":"1516763973000","msgId":"TEXT_12345","version":0,"msgType":"TEXT"}"#,
            br#"{"version":0,"msgId":"R","timestamp":"1","payload":{"x":[1,{"y":2}],"recall_msgId":"TEXT_12345"},"msgType":"TEXT_RECALL"}"#,
            br#"{"version":0,"msgId":"R","msgType":"PIC_FILE_READ","timestamp":1,"content":{"read_msgId":"P"}}"#,
            br#"{"payload":{"accepted":false,"add_responser":"b"},"version":"0","msgId":"A","timestamp":2,"type":"ADD_FRIEND_RESPONSE"}"#,
            br#"{"version":0,"msgId":"L","msgType":"LOCATION","timestamp":"1","payload":{"lat":1.5e3,"n":[-0]}}"#,
            br#"{"payload":{"lat":1.5e3},"version":0,"msgId":"L","msgType":"LOCATION","timestamp":"1"}"#,
        ];
        for json in cases {
            let ours = Envelope::from_json(json).unwrap();
            assert_eq!(
                structural(json, None),
                Ok(ours),
                "{}",
                std::string::String::from_utf8_lossy(json)
            );
        }
    }

    #[test]
    fn hand_visitor_rejects_what_from_json_rejects() {
        let cases: &[&[u8]] = &[
            br#"{"version":0,"msgId":"R","timestamp":"1","payload":{"recall_msgId":"a","recall_msgId":"b"},"msgType":"TEXT_RECALL"}"#,
            br#"{"version":0,"msgId":"R","timestamp":"1","payload":{"recall_msgId":5},"msgType":"TEXT_RECALL"}"#,
            br#"{"version":0,"msgId":"R","timestamp":"1","payload":"x","msgType":"TEXT_RECALL"}"#,
            br#"{"version":0,"msgId":"R","timestamp":"1","payload":{},"msgType":"TEXT"}"#,
            br#"{"version":0,"msgId":"R","msgId":"S","timestamp":"1","payload":"x","msgType":"TEXT"}"#,
            br#"{"version":0,"timestamp":"1","payload":"x","msgType":"TEXT"}"#,
            br#"{"version":-1,"msgId":"R","timestamp":"1","payload":"x","msgType":"TEXT"}"#,
            br#"{"version":0,"msgId":"R","timestamp":"1","payload":"x"}"#,
        ];
        for json in cases {
            assert!(Envelope::from_json(json).is_err());
            assert_eq!(
                structural(json, None),
                Err(()),
                "{}",
                std::string::String::from_utf8_lossy(json)
            );
        }
        // The bizType dialect: kind from outside.
        let json = br#"{"version":0,"timestamp":1516763973000,"payload":"5L2g5aW9"}"#;
        assert_eq!(
            structural(json, Some("TEXT")),
            Ok(Envelope::from_json_with_kind(json, "TEXT").unwrap())
        );
    }
}

/// The hand-written visitors over a format other than serde_json: a value tree that lends its strings,
/// answering newtypes either with `visit_newtype_struct` (`NT`) or with the content (as serde's own
/// value deserializers do).
#[cfg(test)]
mod structural_tests {
    use super::*;
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error as VError, MapDeserializer, SeqDeserializer};
    use std::vec::Vec;

    #[derive(Debug, Clone)]
    enum V<'a, const NT: bool> {
        S(&'a str),
        B(bool),
        U(u64),
        I(i64),
        F(f64),
        N,
        A(Vec<V<'a, NT>>),
        M(Vec<(&'a str, V<'a, NT>)>),
    }

    /// The tree of a JSON text, keys in their order, strings unescaped (escaped ones leaked: a test).
    fn tree<const NT: bool>(v: RawJson<'static>) -> V<'static, NT> {
        use crate::json::ValueKind as K;
        match v.kind() {
            K::Null => V::N,
            K::Bool => V::B(v.to_bool().unwrap()),
            K::Number => {
                let t = v.as_str();
                t.parse()
                    .map(V::U)
                    .or_else(|_| t.parse().map(V::I))
                    .unwrap_or_else(|_| V::F(t.parse().unwrap()))
            }
            K::String => V::S(text(v.to_json_str().unwrap())),
            K::Array => V::A(v.array().unwrap().map(|e| tree(e.unwrap())).collect()),
            K::Object => V::M(
                v.object()
                    .unwrap()
                    .map(|m| {
                        let (k, x) = m.unwrap();
                        (text(k), tree(x))
                    })
                    .collect(),
            ),
        }
    }

    fn text(s: JsonStr<'static>) -> &'static str {
        s.as_str()
            .unwrap_or_else(|| std::boxed::Box::leak(s.to_unescaped_string().into_boxed_str()))
    }

    impl<'de, const NT: bool> IntoDeserializer<'de, VError> for V<'de, NT> {
        type Deserializer = Self;
        fn into_deserializer(self) -> Self {
            self
        }
    }

    impl<'de, const NT: bool> Deserializer<'de> for V<'de, NT> {
        type Error = VError;
        fn deserialize_any<W: Visitor<'de>>(self, w: W) -> Result<W::Value, VError> {
            match self {
                V::S(s) => w.visit_borrowed_str(s),
                V::B(b) => w.visit_bool(b),
                V::U(u) => w.visit_u64(u),
                V::I(i) => w.visit_i64(i),
                V::F(f) => w.visit_f64(f),
                V::N => w.visit_unit(),
                V::A(a) => w.visit_seq(SeqDeserializer::new(a.into_iter())),
                V::M(m) => w.visit_map(MapDeserializer::new(m.into_iter())),
            }
        }
        fn deserialize_newtype_struct<W: Visitor<'de>>(
            self,
            _: &'static str,
            w: W,
        ) -> Result<W::Value, VError> {
            if NT {
                w.visit_newtype_struct(self)
            } else {
                self.deserialize_any(w)
            }
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
            option unit unit_struct seq tuple tuple_struct map struct enum identifier ignored_any
        }
    }

    fn both(json: &str) -> [Result<Envelope<'static>, std::string::String>; 2] {
        let json: &'static str = std::boxed::Box::leak(json.into());
        let value = RawJson::parse(json).unwrap();
        let run = |r: Result<Envelope<'static>, VError>| r.map_err(|e| std::format!("{e}"));
        [
            run(Envelope::deserialize(tree::<true>(value))),
            run(Envelope::deserialize(tree::<false>(value))),
        ]
    }

    #[test]
    fn kind_first_and_kind_last_agree_with_from_json() {
        for json in [
            r#"{"version":0,"msgId":"TEXT_12345","msgType":"TEXT","timestamp":"1516763973000","payload":"hi \u4e2d"}"#,
            r#"{"payload":"hi","timestamp":"1516763973000","msgId":"TEXT_12345","version":0,"msgType":"TEXT"}"#,
            r#"{"version":0,"msgId":"R","timestamp":"1","payload":{"x":[1,{"y":2}],"recall_msgId":"T"},"msgType":"TEXT_RECALL"}"#,
            r#"{"version":0,"msgId":"R","msgType":"TEXT_RECALL","timestamp":"1","payload":{"x":[1.5,null],"recall_msgId":"T"}}"#,
            r#"{"version":0,"msgId":"R","msgType":"PIC_FILE_READ","timestamp":1,"content":{"read_msgId":"P"}}"#,
            r#"{"payload":{"accepted":false,"add_responser":"b"},"version":"0","msgId":"A","timestamp":2,"type":"ADD_FRIEND_RESPONSE"}"#,
            r#"{"version":0,"msgId":"A","type":"ADD_FRIEND_RESPONSE","timestamp":2,"payload":{"add_responser":"b","accepted":true}}"#,
            r#"{"version":0,"msgId":"Q","timestamp":2,"payload":{"add_requester":"a"},"msgType":"ADD_FRIEND_REQUEST","x":{"a":[]}}"#,
            r#"{"version":0,"msgId":"V","msgType":"VIDEO_FILE","timestamp":"18446744073709551615","payload":"https://x/y"}"#,
            r#"{"version":0,"msgId":"N","msgType":"LOCATION","timestamp":"1"}"#,
        ] {
            let want = Envelope::from_json(json.as_bytes()).unwrap();
            for got in both(json) {
                assert_eq!(got.as_ref(), Ok(&want), "{json}");
            }
        }
    }

    #[test]
    fn errors_agree_with_from_json() {
        for (json, needle) in [
            (
                r#"{"version":0,"msgId":"R","timestamp":"1","payload":{"recall_msgId":5},"msgType":"TEXT_RECALL"}"#,
                "expected a string in `recall_msgId`",
            ),
            (
                r#"{"version":0,"msgId":"R","msgType":"TEXT_RECALL","timestamp":"1","payload":{"recall_msgId":5}}"#,
                "expected a string",
            ),
            (
                r#"{"version":0,"msgId":"R","timestamp":"1","payload":"x","msgType":"TEXT_RECALL"}"#,
                "expected an object",
            ),
            (
                r#"{"version":0,"msgId":"R","timestamp":"1","payload":{},"msgType":"TEXT"}"#,
                "expected a string",
            ),
            (
                r#"{"version":0,"msgId":"R","timestamp":"1","payload":{},"msgType":"TEXT_READ"}"#,
                "missing field in `read_msgId`",
            ),
            (
                r#"{"version":0,"timestamp":"1","payload":"x","msgType":"TEXT"}"#,
                "missing field in `msgId`",
            ),
            (
                r#"{"version":-1,"msgId":"R","timestamp":"1","payload":"x","msgType":"TEXT"}"#,
                "integer",
            ),
            (
                r#"{"version":0,"msgId":"R","timestamp":"1.5","payload":"x","msgType":"TEXT"}"#,
                "decimal digits",
            ),
            (
                r#"{"version":0,"msgId":"R","timestamp":"1","payload":"x"}"#,
                "missing field in `msgType`",
            ),
            (
                r#"{"version":0,"msgId":"A","type":"ADD_FRIEND_RESPONSE","timestamp":2,"payload":{"add_responser":"b","accepted":"yes"}}"#,
                "expected a boolean in `accepted`",
            ),
        ] {
            assert!(Envelope::from_json(json.as_bytes()).is_err(), "{json}");
            for got in both(json) {
                let err = got.unwrap_err();
                assert!(err.contains(needle), "{json}: {err}");
            }
        }
    }

    #[test]
    fn custom_payloads_need_json_text() {
        // Valid, but a verbatim payload cannot be rebuilt from structure.
        let json =
            r#"{"version":0,"msgId":"L","msgType":"LOCATION","timestamp":"1","payload":{"a":1}}"#;
        assert!(Envelope::from_json(json.as_bytes()).is_ok());
        for got in both(json) {
            assert!(got.unwrap_err().contains("JSON text"));
        }
    }

    #[test]
    fn primitives_over_a_lending_format() {
        let v: V<'_, false> = V::S("30094929200414721");
        assert_eq!(
            JsonU64::deserialize(v),
            Ok(JsonU64::new(30_094_929_200_414_721))
        );
        let v: V<'_, true> = V::U(7);
        assert_eq!(JsonU64::deserialize(v), Ok(JsonU64::number(7)));
        let v: V<'_, true> = V::S("中");
        assert_eq!(JsonStr::deserialize(v).unwrap(), "中");
        let v: V<'_, true> = V::A(std::vec![]);
        assert!(RawJson::deserialize(v).is_err());
        let v: V<'_, false> = V::S("PIC_FILE_RECALL");
        assert_eq!(
            Kind::deserialize(v),
            Ok(Kind::Recall(ContentKind::File(FileKind::Pic)))
        );
    }
}
