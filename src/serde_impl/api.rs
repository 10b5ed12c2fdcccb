//! serde for the HTTP API's replies: the `{code, message, data}` wrapper ([`Response`]), every typed
//! `data` and the lazily read [`List`]; and `Serialize` for every request (its JSON body).
//!
//! JSON shape (human-readable): replies serialize as the manual writes them (its key order, ids in the
//! representation they came in, optional keys only when present) and deserialize through serde_json's
//! raw text with the types' own readers (`from_raw`), so both readers agree. Requests serialize as
//! exactly the body [`ToJson`] writes. Compact shape: see [`crate::wire`]; lists travel as their JSON
//! text (they stay lazily read JSON after decoding), payloads as raw bytes.

use core::fmt;

use serde::de::{
    self, Deserialize, DeserializeSeed, Deserializer, EnumAccess, SeqAccess, VariantAccess, Visitor,
};
use serde::ser::{Serialize, SerializeSeq, SerializeStruct, SerializeTuple, Serializer};

use super::callback::BorrowedBytes;
use super::envelope::offset_in;
use super::{BorrowedStr, Capture, capture, de_error};
use crate::api::{
    Contact, FromData, History, HistoryMessage, LastMessage, List, Member, PacketId, PacketIds,
    Response, Secret, TokenData, TopicData, TopicInfo, UserType,
};
use crate::error::{Error, ErrorKind, Result};
use crate::json::{JsonStr, JsonU64, RawJson};
use crate::payload::Payload;

// ---------------------------------------------------------------------------------------------------
// Shared machinery

/// Refusal for human-readable formats other than serde_json.
const NEEDS_JSON_TEXT: &str = "API replies are read from JSON text: use serde_json (feature `serde_json`) or the compact form";

/// A reply type read from serde_json's raw text with its own `from_raw`.
struct FromRaw<T>(core::marker::PhantomData<fn() -> T>);

impl<'de, T: FromData<'de>> Capture<'de> for FromRaw<T> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a MIMC API reply value")
    }
    fn raw<E: de::Error>(self, text: &'de str) -> Result<T, E> {
        RawJson::parse(text).and_then(T::from_raw).map_err(de_error)
    }
    fn structural<D: Deserializer<'de>>(self, _: D) -> Result<T, D::Error> {
        Err(de::Error::custom(NEEDS_JSON_TEXT))
    }
}

/// A model's compact form: a tuple of `FIELDS` elements read by `read`, whose checks return the crate's
/// errors (with offsets into `input` when known) inside the data format's result.
pub(crate) trait CompactModel<'de>: Sized {
    const FIELDS: usize;
    fn read<A: SeqAccess<'de>>(
        seq: &mut A,
        input: Option<&'de [u8]>,
    ) -> core::result::Result<Result<Self>, A::Error>;
}

/// Reads a [`CompactModel`].
pub(crate) struct Compact<'i, T> {
    input: Option<&'i [u8]>,
    model: core::marker::PhantomData<fn() -> T>,
}

impl<'i, T> Compact<'i, T> {
    pub(crate) const fn new(input: Option<&'i [u8]>) -> Self {
        Compact {
            input,
            model: core::marker::PhantomData,
        }
    }
}

impl<'de, T: CompactModel<'de>> DeserializeSeed<'de> for Compact<'de, T> {
    type Value = Result<T>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> core::result::Result<Result<T>, D::Error> {
        d.deserialize_tuple(T::FIELDS, self)
    }
}

impl<'de, T: CompactModel<'de>> Visitor<'de> for Compact<'de, T> {
    type Value = Result<T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a compact tuple of {} fields", T::FIELDS)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> core::result::Result<Result<T>, A::Error> {
        T::read(&mut seq, self.input)
    }
}

/// The compact model's serde `Deserialize` (no input: offsets count from its strings' own starts).
fn compact_de<'de, T: CompactModel<'de>, D: Deserializer<'de>>(
    d: D,
) -> core::result::Result<T, D::Error> {
    Compact::<T>::new(None).deserialize(d)?.map_err(de_error)
}

/// Returns the crate error from inside a compact read.
macro_rules! check {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(e) => return Ok(Err(e)),
        }
    };
}

fn el<'de, T: Deserialize<'de>, A: SeqAccess<'de>>(
    seq: &mut A,
    i: usize,
) -> core::result::Result<T, A::Error> {
    seq.next_element()?
        .ok_or_else(|| de::Error::invalid_length(i, &"the model's fields"))
}

fn text<'de, A: SeqAccess<'de>>(
    seq: &mut A,
    i: usize,
) -> core::result::Result<JsonStr<'de>, A::Error> {
    seq.next_element_seed(BorrowedStr("a string"))?
        .map(JsonStr::new)
        .ok_or_else(|| de::Error::invalid_length(i, &"the model's fields"))
}

fn opt_text<'de, A: SeqAccess<'de>>(
    seq: &mut A,
    i: usize,
) -> core::result::Result<Option<JsonStr<'de>>, A::Error> {
    let v: Option<&'de str> = el(seq, i)?;
    Ok(v.map(JsonStr::new))
}

fn bytes<'de, A: SeqAccess<'de>>(
    seq: &mut A,
    i: usize,
) -> core::result::Result<Payload<'de>, A::Error> {
    struct Seed;
    impl<'de> DeserializeSeed<'de> for Seed {
        type Value = &'de [u8];
        fn deserialize<D: Deserializer<'de>>(
            self,
            d: D,
        ) -> core::result::Result<&'de [u8], D::Error> {
            d.deserialize_bytes(BorrowedBytes)
        }
    }
    seq.next_element_seed(Seed)?
        .map(Payload::from_bytes)
        .ok_or_else(|| de::Error::invalid_length(i, &"the model's fields"))
}

fn nested<'de, T: CompactModel<'de>, A: SeqAccess<'de>>(
    seq: &mut A,
    i: usize,
    input: Option<&'de [u8]>,
) -> core::result::Result<Result<T>, A::Error> {
    seq.next_element_seed(Compact::<T>::new(input))?
        .ok_or_else(|| de::Error::invalid_length(i, &"the model's fields"))
}

/// A list carried as its JSON text, checked as the JSON reader checks it.
fn list<'de, T: FromData<'de>, A: SeqAccess<'de>>(
    seq: &mut A,
    i: usize,
    input: Option<&'de [u8]>,
    field: &'static str,
) -> core::result::Result<Result<List<'de, T>>, A::Error> {
    let raw = seq
        .next_element_seed(BorrowedStr("a JSON array"))?
        .ok_or_else(|| de::Error::invalid_length(i, &"the model's fields"))?;
    Ok(RawJson::parse(raw)
        .and_then(List::from_raw)
        .map_err(|e| e.shifted(offset_in(input, raw)).in_field(field)))
}

/// Bit `i` set when `ids[i]` is written as a JSON string.
fn quoted(ids: &[JsonU64]) -> u8 {
    ids.iter().enumerate().fold(
        0,
        |f, (i, id)| if id.is_quoted() { f | (1 << i) } else { f },
    )
}

fn id(v: u64, flags: u8, bit: u8) -> JsonU64 {
    JsonU64::new(v).with_quoted(flags & (1 << bit) != 0)
}

fn check_flags(flags: u8, bits: u8) -> Result<()> {
    if flags >> bits == 0 {
        Ok(())
    } else {
        Err(Error::new(ErrorKind::InvalidValue("reserved flag bits set"), 0).in_field("flags"))
    }
}

fn opt_id(v: Option<JsonU64>) -> Option<u64> {
    v.map(|v| v.get())
}

/// Serializes a tuple from a list of elements.
macro_rules! tuple {
    ($s:expr, $($e:expr),+ $(,)?) => {{
        let mut t = $s.serialize_tuple(0 $(+ { let _ = stringify!($e); 1 })+)?;
        $( t.serialize_element($e)?; )+
        t.end()
    }};
}

/// Serializes a struct from its fields in order: `"key" => req &value` or `"key" => opt &option`
/// (skipped when `None`).
macro_rules! object {
    ($s:expr, $name:literal, { $($k:literal => $kind:tt $v:expr),* $(,)? }) => {{
        let len = 0usize $(+ object!(@count $kind $v))*;
        let mut st = $s.serialize_struct($name, len)?;
        $( object!(@field st, $k, $kind, $v); )*
        st.end()
    }};
    (@count req $v:expr) => { 1usize };
    (@count opt $v:expr) => { usize::from($v.is_some()) };
    (@field $st:ident, $k:literal, req, $v:expr) => { $st.serialize_field($k, $v)? };
    (@field $st:ident, $k:literal, opt, $v:expr) => {
        match $v {
            Some(v) => $st.serialize_field($k, v)?,
            None => $st.skip_field($k)?,
        }
    };
}

/// `Deserialize` for a reply type: raw text with `from_raw` (human-readable), the compact model otherwise.
macro_rules! reply_de {
    ($ty:ident) => {
        impl<'de: 'a, 'a> Deserialize<'de> for $ty<'a> {
            fn deserialize<D: Deserializer<'de>>(d: D) -> core::result::Result<Self, D::Error> {
                if d.is_human_readable() {
                    capture(d, FromRaw::<$ty<'de>>(core::marker::PhantomData))
                } else {
                    compact_de::<$ty<'de>, D>(d)
                }
            }
        }
    };
}

// ---------------------------------------------------------------------------------------------------
// Response

/// JSON shape: `{"code": <number>, "message": <string>, "data": <value verbatim>}`. Compact shape:
/// `code` varint, `message` str, `data` as its JSON text.
impl Serialize for Response<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            object!(s, "Response", {
                "code" => req &self.code,
                "message" => req &self.message,
                "data" => req &self.data,
            })
        } else {
            tuple!(s, &self.code, &self.message, self.data.as_str())
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Response<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> core::result::Result<Self, D::Error> {
        if d.is_human_readable() {
            capture(d, ResponseCapture)
        } else {
            compact_de::<Response<'de>, D>(d)
        }
    }
}

struct ResponseCapture;

impl<'de> Capture<'de> for ResponseCapture {
    type Value = Response<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a MIMC API reply")
    }
    fn raw<E: de::Error>(self, text: &'de str) -> core::result::Result<Response<'de>, E> {
        Response::from_json(text.as_bytes()).map_err(de_error)
    }
    fn structural<D: Deserializer<'de>>(
        self,
        _: D,
    ) -> core::result::Result<Response<'de>, D::Error> {
        Err(de::Error::custom(NEEDS_JSON_TEXT))
    }
}

impl<'de> CompactModel<'de> for Response<'de> {
    const FIELDS: usize = 3;
    fn read<A: SeqAccess<'de>>(
        seq: &mut A,
        input: Option<&'de [u8]>,
    ) -> core::result::Result<Result<Self>, A::Error> {
        let code: u64 = el(seq, 0)?;
        let message = text(seq, 1)?;
        let raw = seq
            .next_element_seed(BorrowedStr("JSON text"))?
            .ok_or_else(|| de::Error::invalid_length(2, &"3 fields"))?;
        let data = check!(
            RawJson::parse(raw).map_err(|e| e.shifted(offset_in(input, raw)).in_field("data"))
        );
        Ok(Ok(Response {
            code,
            message,
            data,
        }))
    }
}

// ---------------------------------------------------------------------------------------------------
// List

/// JSON shape: an array of the items. Compact shape: the list's JSON text (as it came).
impl<'a, T: FromData<'a> + Serialize> Serialize for List<'a, T> {
    fn serialize<S: Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        if !s.is_human_readable() {
            return s.serialize_str(self.raw().as_str());
        }
        let mut seq = s.serialize_seq(Some(self.len()))?;
        for item in self {
            seq.serialize_element(&item)?;
        }
        seq.end()
    }
}

impl<'de: 'a, 'a, T: FromData<'a>> Deserialize<'de> for List<'a, T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> core::result::Result<Self, D::Error> {
        let raw = if d.is_human_readable() {
            capture(d, super::RawCapture)?
        } else {
            RawJson::parse(d.deserialize_str(BorrowedStr("a JSON array"))?).map_err(de_error)?
        };
        List::from_raw(raw).map_err(de_error)
    }
}

impl<'de, T: FromData<'de>> CompactModel<'de> for List<'de, T> {
    const FIELDS: usize = 1;
    fn read<A: SeqAccess<'de>>(
        seq: &mut A,
        input: Option<&'de [u8]>,
    ) -> core::result::Result<Result<Self>, A::Error> {
        list(seq, 0, input, "data")
    }
}

// ---------------------------------------------------------------------------------------------------
// Token

/// JSON shape: the manual's `data` of the token reply (secrets included: this is the data, not `Debug`).
impl Serialize for TokenData<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        let key = self.mi_user_security_key.expose();
        let token = self.token.expose();
        if s.is_human_readable() {
            return object!(s, "TokenData", {
                "appId" => req &self.app_id,
                "appPackage" => req &self.app_package,
                "appAccount" => req &self.app_account,
                "miChid" => req &self.mi_chid,
                "miUserId" => req &self.mi_user_id,
                "miUserSecurityKey" => req &key,
                "token" => req &token,
                "regionBucket" => opt &self.region_bucket,
                "feDomainName" => opt &self.fe_domain_name,
                "relayDomainName" => opt &self.relay_domain_name,
                "ppsMiotDomainName" => opt &self.pps_miot_domain_name,
            });
        }
        let flags = quoted(&[
            self.app_id,
            self.mi_chid,
            self.mi_user_id,
            self.region_bucket.unwrap_or(JsonU64::number(0)),
        ]);
        tuple!(
            s,
            &flags,
            &self.app_id.get(),
            &self.app_package,
            &self.app_account,
            &self.mi_chid.get(),
            &self.mi_user_id.get(),
            &key,
            &token,
            &opt_id(self.region_bucket),
            &self.fe_domain_name,
            &self.relay_domain_name,
            &self.pps_miot_domain_name,
        )
    }
}

reply_de!(TokenData);

impl<'de> CompactModel<'de> for TokenData<'de> {
    const FIELDS: usize = 12;
    fn read<A: SeqAccess<'de>>(
        seq: &mut A,
        _: Option<&'de [u8]>,
    ) -> core::result::Result<Result<Self>, A::Error> {
        let flags: u8 = el(seq, 0)?;
        check!(check_flags(flags, 4));
        let app_id = id(el(seq, 1)?, flags, 0);
        let app_package = text(seq, 2)?;
        let app_account = text(seq, 3)?;
        let mi_chid = id(el(seq, 4)?, flags, 1);
        let mi_user_id = id(el(seq, 5)?, flags, 2);
        let key = text(seq, 6)?;
        let token = text(seq, 7)?;
        let region: Option<u64> = el(seq, 8)?;
        Ok(Ok(TokenData {
            app_id,
            app_package,
            app_account,
            mi_chid,
            mi_user_id,
            mi_user_security_key: Secret::from(key),
            token: Secret::from(token),
            region_bucket: region.map(|r| id(r, flags, 3)),
            fe_domain_name: opt_text(seq, 9)?,
            relay_domain_name: opt_text(seq, 10)?,
            pps_miot_domain_name: opt_text(seq, 11)?,
        }))
    }
}

// ---------------------------------------------------------------------------------------------------
// Push

/// JSON shape: `{"packetId": ...}`.
impl Serialize for PacketId<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            object!(s, "PacketId", { "packetId" => req &self.packet_id })
        } else {
            tuple!(s, &self.packet_id)
        }
    }
}

reply_de!(PacketId);

impl<'de> CompactModel<'de> for PacketId<'de> {
    const FIELDS: usize = 1;
    fn read<A: SeqAccess<'de>>(
        seq: &mut A,
        _: Option<&'de [u8]>,
    ) -> core::result::Result<Result<Self>, A::Error> {
        Ok(Ok(PacketId {
            packet_id: text(seq, 0)?,
        }))
    }
}

/// JSON shape: `{"packetIds": [...]}`.
impl Serialize for PacketIds<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            object!(s, "PacketIds", { "packetIds" => req &self.packet_ids })
        } else {
            tuple!(s, &self.packet_ids)
        }
    }
}

reply_de!(PacketIds);

impl<'de> CompactModel<'de> for PacketIds<'de> {
    const FIELDS: usize = 1;
    fn read<A: SeqAccess<'de>>(
        seq: &mut A,
        input: Option<&'de [u8]>,
    ) -> core::result::Result<Result<Self>, A::Error> {
        let packet_ids = check!(list(seq, 0, input, "packetIds")?);
        Ok(Ok(PacketIds { packet_ids }))
    }
}

// ---------------------------------------------------------------------------------------------------
// Topics

/// JSON shape: `{topicId, ownerUuid, ownerAccount?, topicName, bulletin}`.
impl Serialize for TopicInfo<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            return object!(s, "TopicInfo", {
                "topicId" => req &self.topic_id,
                "ownerUuid" => req &self.owner_uuid,
                "ownerAccount" => opt &self.owner_account,
                "topicName" => req &self.topic_name,
                "bulletin" => req &self.bulletin,
            });
        }
        tuple!(
            s,
            &quoted(&[self.topic_id, self.owner_uuid]),
            &self.topic_id.get(),
            &self.owner_uuid.get(),
            &self.owner_account,
            &self.topic_name,
            &self.bulletin,
        )
    }
}

reply_de!(TopicInfo);

impl<'de> CompactModel<'de> for TopicInfo<'de> {
    const FIELDS: usize = 6;
    fn read<A: SeqAccess<'de>>(
        seq: &mut A,
        _: Option<&'de [u8]>,
    ) -> core::result::Result<Result<Self>, A::Error> {
        let flags: u8 = el(seq, 0)?;
        check!(check_flags(flags, 2));
        Ok(Ok(TopicInfo {
            topic_id: id(el(seq, 1)?, flags, 0),
            owner_uuid: id(el(seq, 2)?, flags, 1),
            owner_account: opt_text(seq, 3)?,
            topic_name: text(seq, 4)?,
            bulletin: text(seq, 5)?,
        }))
    }
}

/// JSON shape: `{uuid, account}`.
impl Serialize for Member<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            object!(s, "Member", {
                "uuid" => req &self.uuid,
                "account" => req &self.account,
            })
        } else {
            tuple!(s, &quoted(&[self.uuid]), &self.uuid.get(), &self.account)
        }
    }
}

reply_de!(Member);

impl<'de> CompactModel<'de> for Member<'de> {
    const FIELDS: usize = 3;
    fn read<A: SeqAccess<'de>>(
        seq: &mut A,
        _: Option<&'de [u8]>,
    ) -> core::result::Result<Result<Self>, A::Error> {
        let flags: u8 = el(seq, 0)?;
        check!(check_flags(flags, 1));
        Ok(Ok(Member {
            uuid: id(el(seq, 1)?, flags, 0),
            account: text(seq, 2)?,
        }))
    }
}

/// JSON shape: `{topicInfo, members}`.
impl Serialize for TopicData<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            object!(s, "TopicData", {
                "topicInfo" => req &self.topic_info,
                "members" => req &self.members,
            })
        } else {
            tuple!(s, &self.topic_info, &self.members)
        }
    }
}

reply_de!(TopicData);

impl<'de> CompactModel<'de> for TopicData<'de> {
    const FIELDS: usize = 2;
    fn read<A: SeqAccess<'de>>(
        seq: &mut A,
        input: Option<&'de [u8]>,
    ) -> core::result::Result<Result<Self>, A::Error> {
        let topic_info = check!(nested(seq, 0, input)?);
        let members = check!(list(seq, 1, input, "members")?);
        Ok(Ok(TopicData {
            topic_info,
            members,
        }))
    }
}

// ---------------------------------------------------------------------------------------------------
// History

/// JSON shape: `{appId, topicId?, row, messages}`.
impl Serialize for History<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            return object!(s, "History", {
                "appId" => req &self.app_id,
                "topicId" => opt &self.topic_id,
                "row" => req &self.row,
                "messages" => req &self.messages,
            });
        }
        let topic = self.topic_id.unwrap_or(JsonU64::number(0));
        tuple!(
            s,
            &quoted(&[self.app_id, topic, self.row]),
            &self.app_id.get(),
            &opt_id(self.topic_id),
            &self.row.get(),
            &self.messages,
        )
    }
}

reply_de!(History);

impl<'de> CompactModel<'de> for History<'de> {
    const FIELDS: usize = 5;
    fn read<A: SeqAccess<'de>>(
        seq: &mut A,
        input: Option<&'de [u8]>,
    ) -> core::result::Result<Result<Self>, A::Error> {
        let flags: u8 = el(seq, 0)?;
        check!(check_flags(flags, 3));
        let app_id = id(el(seq, 1)?, flags, 0);
        let topic: Option<u64> = el(seq, 2)?;
        let row = id(el(seq, 3)?, flags, 2);
        let messages = check!(list(seq, 4, input, "messages")?);
        Ok(Ok(History {
            app_id,
            topic_id: topic.map(|t| id(t, flags, 1)),
            row,
            messages,
        }))
    }
}

/// JSON shape: `{sequence, payload, ts, fromAccount, toAccount?}`. Compact: the payload as raw bytes.
impl Serialize for HistoryMessage<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            return object!(s, "HistoryMessage", {
                "sequence" => req &self.sequence,
                "payload" => req &self.payload,
                "ts" => req &self.ts,
                "fromAccount" => req &self.from_account,
                "toAccount" => opt &self.to_account,
            });
        }
        tuple!(
            s,
            &quoted(&[self.sequence, self.ts]),
            &self.sequence.get(),
            &self.payload,
            &self.ts.get(),
            &self.from_account,
            &self.to_account,
        )
    }
}

reply_de!(HistoryMessage);

impl<'de> CompactModel<'de> for HistoryMessage<'de> {
    const FIELDS: usize = 6;
    fn read<A: SeqAccess<'de>>(
        seq: &mut A,
        _: Option<&'de [u8]>,
    ) -> core::result::Result<Result<Self>, A::Error> {
        let flags: u8 = el(seq, 0)?;
        check!(check_flags(flags, 2));
        Ok(Ok(HistoryMessage {
            sequence: id(el(seq, 1)?, flags, 0),
            payload: bytes(seq, 2)?,
            ts: id(el(seq, 3)?, flags, 1),
            from_account: text(seq, 4)?,
            to_account: opt_text(seq, 5)?,
        }))
    }
}

// ---------------------------------------------------------------------------------------------------
// Contacts

/// JSON shape: the value (`"TOPIC"`, `"USER"`, or as sent). Compact shape: an enum (0 `TOPIC`, 1 `USER`,
/// 2 other: `str`).
impl Serialize for UserType<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        match (self, s.is_human_readable()) {
            (UserType::Topic, true) => s.serialize_str("TOPIC"),
            (UserType::User, true) => s.serialize_str("USER"),
            (UserType::Other(x), true) => x.serialize(s),
            (UserType::Topic, false) => s.serialize_unit_variant("UserType", 0, "Topic"),
            (UserType::User, false) => s.serialize_unit_variant("UserType", 1, "User"),
            (UserType::Other(x), false) => s.serialize_newtype_variant("UserType", 2, "Other", x),
        }
    }
}

const USER_TYPE_VARIANTS: &[&str] = &["Topic", "User", "Other"];

impl<'de: 'a, 'a> Deserialize<'de> for UserType<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> core::result::Result<Self, D::Error> {
        if d.is_human_readable() {
            JsonStr::deserialize(d).map(UserType::from_json_str)
        } else {
            d.deserialize_enum("UserType", USER_TYPE_VARIANTS, UserTypeVisitor)
        }
    }
}

struct UserTypeVisitor;

impl<'de> Visitor<'de> for UserTypeVisitor {
    type Value = UserType<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a compact UserType")
    }
    fn visit_enum<A: EnumAccess<'de>>(
        self,
        data: A,
    ) -> core::result::Result<Self::Value, A::Error> {
        let (idx, v): (u32, _) = data.variant()?;
        Ok(match idx {
            0 => v.unit_variant().map(|()| UserType::Topic)?,
            1 => v.unit_variant().map(|()| UserType::User)?,
            2 => {
                let x = JsonStr::new(v.newtype_variant_seed(BorrowedStr("a user type"))?);
                match UserType::from_json_str(x) {
                    UserType::Other(x) => UserType::Other(x),
                    _ => {
                        return Err(de::Error::custom(
                            "a user type `Other` that names a known one",
                        ));
                    }
                }
            }
            _ => {
                return Err(de::Error::invalid_value(
                    de::Unexpected::Unsigned(u64::from(idx)),
                    &"a UserType discriminant (0..=2)",
                ));
            }
        })
    }
}

/// JSON shape: `{userType, id, name, timestamp, lastMessage}`.
impl Serialize for Contact<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            return object!(s, "Contact", {
                "userType" => req &self.user_type,
                "id" => req &self.id,
                "name" => req &self.name,
                "timestamp" => req &self.timestamp,
                "lastMessage" => req &self.last_message,
            });
        }
        tuple!(
            s,
            &quoted(&[self.id, self.timestamp]),
            &self.user_type,
            &self.id.get(),
            &self.name,
            &self.timestamp.get(),
            &self.last_message,
        )
    }
}

reply_de!(Contact);

impl<'de> CompactModel<'de> for Contact<'de> {
    const FIELDS: usize = 6;
    fn read<A: SeqAccess<'de>>(
        seq: &mut A,
        input: Option<&'de [u8]>,
    ) -> core::result::Result<Result<Self>, A::Error> {
        let flags: u8 = el(seq, 0)?;
        check!(check_flags(flags, 2));
        let user_type = el(seq, 1)?;
        let id_ = id(el(seq, 2)?, flags, 0);
        let name = text(seq, 3)?;
        let timestamp = id(el(seq, 4)?, flags, 1);
        let last_message = check!(nested(seq, 5, input)?);
        Ok(Ok(Contact {
            user_type,
            id: id_,
            name,
            timestamp,
            last_message,
        }))
    }
}

/// JSON shape: `{fromUuid, fromAccount, payload, sequence?}`. Compact: the payload as raw bytes.
impl Serialize for LastMessage<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            return object!(s, "LastMessage", {
                "fromUuid" => req &self.from_uuid,
                "fromAccount" => req &self.from_account,
                "payload" => req &self.payload,
                "sequence" => opt &self.sequence,
            });
        }
        let seq = self.sequence.unwrap_or(JsonU64::number(0));
        tuple!(
            s,
            &quoted(&[self.from_uuid, seq]),
            &self.from_uuid.get(),
            &self.from_account,
            &self.payload,
            &opt_id(self.sequence),
        )
    }
}

reply_de!(LastMessage);

impl<'de> CompactModel<'de> for LastMessage<'de> {
    const FIELDS: usize = 5;
    fn read<A: SeqAccess<'de>>(
        seq: &mut A,
        _: Option<&'de [u8]>,
    ) -> core::result::Result<Result<Self>, A::Error> {
        let flags: u8 = el(seq, 0)?;
        check!(check_flags(flags, 2));
        let from_uuid = id(el(seq, 1)?, flags, 0);
        let from_account = text(seq, 2)?;
        let payload = bytes(seq, 3)?;
        let sequence: Option<u64> = el(seq, 4)?;
        Ok(Ok(LastMessage {
            from_uuid,
            from_account,
            payload,
            sequence: sequence.map(|v| id(v, flags, 1)),
        }))
    }
}

// ---------------------------------------------------------------------------------------------------
// Requests

/// `Serialize` for a request: its JSON body as [`ToJson`] writes it, carried as a [`RawJson`] (so
/// serde_json gets exactly those bytes, other human-readable formats its structure, compact formats its
/// text); unit for a call without a body. Needs `alloc` for the body's buffer. (Requests are built in
/// code and sent; there is no `Deserialize` for them, as there is no reader for request bodies.)
macro_rules! request_ser {
    ($($ty:ident),+ $(,)?) => {$(
        impl Serialize for crate::api::$ty<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
                use serde::ser::Error as _;
                #[cfg(feature = "alloc")]
                {
                    let body = crate::ToJson::to_json_string(self).map_err(S::Error::custom)?;
                    if body.is_empty() {
                        // A call without a body (GET, DELETE).
                        return s.serialize_unit();
                    }
                    let raw = RawJson::parse(&body).map_err(S::Error::custom)?;
                    raw.serialize(s)
                }
                #[cfg(not(feature = "alloc"))]
                {
                    let _ = s;
                    Err(S::Error::custom("serializing an API request needs feature `alloc`"))
                }
            }
        }
    )+};
}

request_ser!(
    TokenRequest,
    PushP2p,
    PushP2pMore,
    PushP2t,
    PushP2tMore,
    TopicCreate,
    TopicQuery,
    TopicMine,
    TopicJoin,
    TopicQuit,
    TopicKick,
    TopicUpdate,
    TopicDismiss,
    HistoryP2p,
    HistoryP2t,
    ContactsRequest,
);
