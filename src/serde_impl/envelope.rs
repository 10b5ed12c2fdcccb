//! serde for the envelope and its kinds: the JSON shape (written structurally, read from serde_json's raw
//! text by [`Envelope::from_json_with`]) and the compact mirror (layout in [`crate::wire`]).

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer};
use serde::ser::{Serialize, SerializeStruct, Serializer};

use super::{capture, de_error};
use crate::envelope::{
    Body, ContentKind, CustomBody, Envelope, FileKind, Kind, normal_content, normal_file,
};
use crate::error::{Error, ErrorKind, Result};
use crate::json::{DecodeOptions, JsonStr};
use crate::name::CustomName;
use crate::wire::envelope::{
    CONTENT_VARIANTS, FILE_VARIANTS, KIND_VARIANTS, WireContentVisitor, WireFileVisitor,
    WireKindVisitor, check_content, check_file, check_kind,
};

// ---------------------------------------------------------------------------------------------------
// Kind names (human-readable) and discriminants (compact)

/// JSON shape: the kind's name (`"PIC_FILE_RECALL"`). Compact shape: an enum, see [`crate::wire`].
/// A kind that decoding never gives (a custom `X_RECALL`, a custom file kind `PIC`, an empty custom name)
/// would read back as another value or not at all: serializing one is an error, in either shape.
fn refuse_noncanonical<E: serde::ser::Error>(k: &Kind<'_>) -> Result<(), E> {
    match k.noncanonical() {
        Some((why, _)) => Err(E::custom(Error::without_offset(ErrorKind::InvalidValue(
            why,
        )))),
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
            Kind::_Custom(CustomName(name)) => {
                s.serialize_newtype_variant("Kind", 8, "Custom", name)
            }
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
            (FileKind::_Custom(CustomName(x)), true) => x.serialize(s),
            (FileKind::Pic, false) => s.serialize_unit_variant("FileKind", 0, "Pic"),
            (FileKind::Audio, false) => s.serialize_unit_variant("FileKind", 1, "Audio"),
            (FileKind::Bin, false) => s.serialize_unit_variant("FileKind", 2, "Bin"),
            (FileKind::_Custom(CustomName(x)), false) => {
                s.serialize_newtype_variant("FileKind", 3, "Other", x)
            }
        }
    }
}

/// JSON shape: the content kind's name (`"TEXT"`, `"PIC_FILE"`, `"LOCATION"`). Compact shape: an enum.
impl Serialize for ContentKind<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        refuse_noncanonical(&Kind::Recall(*self))?;
        if s.is_human_readable() {
            return s.collect_str(self);
        }
        match self {
            ContentKind::Text => s.serialize_unit_variant("ContentKind", 0, "Text"),
            ContentKind::File(f) => s.serialize_newtype_variant("ContentKind", 1, "File", f),
            ContentKind::_Custom(CustomName(x)) => {
                s.serialize_newtype_variant("ContentKind", 2, "Other", x)
            }
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
            return Ok(normal_file(FileKind::_Custom(CustomName(name))));
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
            return Ok(normal_content(ContentKind::_Custom(CustomName(name))));
        }
        let c = d.deserialize_enum("ContentKind", CONTENT_VARIANTS, WireContentVisitor)?;
        check_content(&c, None).map_err(de_error)?;
        Ok(c)
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
            crate::wire::envelope::compact_shape(self, s)
        }
    }
}

fn json_shape<S: Serializer>(env: &Envelope<'_>, s: S) -> Result<S::Ok, S::Error> {
    let kind_key = env.kind_key().name();
    let payload_key = env.payload_key().name();
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
            capture(d, |text| {
                Envelope::from_json_with_kind_and_options(
                    text.as_bytes(),
                    self.biz_type,
                    &DecodeOptions::new(),
                )
            })
        } else {
            let wire = crate::wire::envelope::WireEnvelope::deserialize(d)?;
            wire.into_envelope(None, &DecodeOptions::new())
                .map_err(de_error)
        }
    }
}
