//! The compact binary form: postcard bytes of the same typed values (SPEC section 5).
//!
//! For firmware and internal queues the models also travel as [postcard](https://docs.rs/postcard/1) bytes. Decoding borrows every
//! string from the bytes and allocates nothing, like the JSON decoder. Kinds are small discriminants,
//! ids varints, payloads raw bytes, and there are no keys and no escapes: envelopes and callbacks take
//! 25-60% of their compact JSON (the manual's TEXT sample: 72 bytes for 142); replies made mostly of
//! lists shrink little, since lists keep their JSON text.
//!
//! ```
//! # #[cfg(feature = "postcard")] {
//! use mimc_codec::{Envelope, wire};
//! let env = Envelope::text("TEXT_12345", 1516763973000, "Welcome to the Xiaomi instant message cloud (MIMC)");
//! let mut buf = [0u8; 128];
//! let bytes = wire::to_postcard_slice(&env, &mut buf)?;
//! assert_eq!(bytes.len(), wire::postcard_len(&env)?);
//! let back: Envelope = wire::from_postcard(bytes)?;
//! assert_eq!(back, env);
//! # }
//! # Ok::<(), mimc_codec::Error>(())
//! ```
//!
//! # Format stability
//!
//! The layout below is part of the public contract: within a major version of this crate the bytes of a
//! value never change, and bytes that decode keep decoding to the same value. Tests pin the bytes of the
//! fixtures in `tests/fixtures/wire/`. Additions (new kinds, new models) only use discriminants and flag
//! bits that earlier versions reject, so old decoders fail cleanly on new data instead of misreading it.
//!
//! # Layout
//!
//! In postcard terms (`varint` is LEB128 of an unsigned integer, `str` is `varint(len)` then UTF-8 bytes,
//! `option<T>` is `0x00` or `0x01` then `T`, an enum is `varint(discriminant)` then its fields, a tuple is
//! its fields in order):
//!
//! **Envelope** = `flags: u8`, `version: varint`, `msgId: option<str>`, `timestamp: varint`, `body: Body`.
//!
//! | `flags` bit | meaning |
//! |---|---|
//! | 0 | `version` is written as a JSON string |
//! | 1 | `timestamp` is written as a JSON string |
//! | 2-3 | kind key: 0 `msgType`, 1 `type`, 2 absent (bizType); 3 is invalid |
//! | 4 | payload key is `content` (else `payload`) |
//! | 5-7 | reserved, must be 0 |
//!
//! **Body** (discriminant: fields) = 0 `PING`: `str` · 1 `PONG`: `str` · 2 `TEXT`: `str` ·
//! 3 `<X>_FILE`: `FileKind`, url `str` · 4 `<X>_RECALL`: `ContentKind`, `recall_msgId` `str` ·
//! 5 `<X>_READ`: `ContentKind`, `read_msgId` `str` · 6 `ADD_FRIEND_REQUEST`: `add_requester` `str` ·
//! 7 `ADD_FRIEND_RESPONSE`: `add_responser` `str`, `accepted` `bool` · 8 custom: name `str`, payload
//! `option<str>` (the payload's JSON text, verbatim).
//!
//! **FileKind** = 0 `PIC` · 1 `AUDIO` · 2 `BIN` · 3 other: `X` as `str`.
//! **ContentKind** = 0 `TEXT` · 1 file: `FileKind` · 2 other: the name as `str`.
//!
//! **Callback** (discriminant: fields) = 0 `NORMAL_MSG` / 1 `OFFLINE_MSG`: `flags: u8` (bit 0 `fromAppId`,
//! 1 `toAppId`, 2 `timestamp` written as JSON strings; others reserved), `fromAppId` varint, `fromAccount`
//! `str`, `toAppId` varint, `toAccount` `str`, `payload` bytes (`varint(len)` then the **decoded** bytes,
//! not base64), `timestamp` varint · 2 `NORMAL_TOPIC_MSG` / 3 `OFFLINE_TOPIC_MSG`: `flags` (bit 0 `appId`,
//! 1 `topicId`, 2 `timestamp`), `appId`, `topicId`, `fromAccount` `str`, `toAccounts` `str` (the member
//! list's JSON text, so that it stays a lazily read, borrowed list), `payload` bytes, `timestamp` ·
//! 4 custom kind: the whole JSON object, verbatim, as `str`.
//!
//! **API replies**: [`Response`](crate::api::Response) = `code` varint, `message` `str`, `data` `str`
//! (its JSON text). Typed data, ids as varints with a leading `flags: u8` saying which were JSON strings
//! (bit `i` for the `i`-th id field), lists as their JSON text, payloads as decoded bytes:
//! `TokenData` = flags (appId, miChid, miUserId, regionBucket), appId, appPackage, appAccount, miChid,
//! miUserId, miUserSecurityKey, token, `option<regionBucket>`, `option<feDomainName>`,
//! `option<relayDomainName>`, `option<ppsMiotDomainName>` · `PacketId` = packetId · `PacketIds` = list ·
//! `TopicInfo` = flags (topicId, ownerUuid), topicId, ownerUuid, `option<ownerAccount>`, topicName,
//! bulletin · `Member` = flags (uuid), uuid, account · `TopicData` = `TopicInfo`, members list ·
//! `History` = flags (appId, topicId, row), appId, `option<topicId>`, row, messages list ·
//! `HistoryMessage` = flags (sequence, ts), sequence, payload bytes, ts, fromAccount,
//! `option<toAccount>` · `Contact` = flags (id, timestamp), userType (enum 0 `TOPIC`, 1 `USER`, 2 other
//! `str`), id, name, timestamp, `LastMessage` · `LastMessage` = flags (fromUuid, sequence), fromUuid,
//! fromAccount, payload bytes, `option<sequence>` · `TopicUpdateBody` = `option<ownerAccount>`,
//! `option<topicName>`, `option<bulletin>` · `TopicUpdateOlder` = flags (topicId, ownerUuid), topicId,
//! `option<ownerUuid>`, `option<topicName>`, `option<bulletin>` · `TokenRequest` = flags (appId),
//! appId, appKey, appSecret, appAccount · `List<T>` (`TopicList`, `Contacts`) = its JSON text.
//!
//! Strings are the unescaped text. Decoding checks what JSON decoding guarantees: UTF-8, custom payloads
//! that are valid JSON, and kinds as JSON decoding would classify them (no `FileKind` other `"PIC"`, no custom
//! kind named `TEXT` or like a modelled family, such as `X_RECALL`, `LOCATION_READ` or `VIDEO_FILE`, which
//! JSON reads as a recall, read or file message); trailing bytes are an error.
//!
//! The standalone serde forms of the pieces, for compact formats: `JsonStr` = `str`; `JsonU64` =
//! (`value` varint, `quoted` bool); `RawJson` = its text as `str`; `Kind` = enum 0 `PING`, 1 `PONG`,
//! 2 `TEXT`, 3 file(`FileKind`), 4 recall(`ContentKind`), 5 read(`ContentKind`), 6 `ADD_FRIEND_REQUEST`,
//! 7 `ADD_FRIEND_RESPONSE`, 8 custom(`str`).

use serde::{Deserializer, Serialize};

pub(crate) mod callback;
pub(crate) mod envelope;

use crate::error::Result;
use crate::json::DecodeOptions;

mod sealed {
    #[allow(unreachable_pub)]
    pub trait Sealed {}
}

/// A model with a compact form: [`Envelope`](crate::Envelope), [`Callback`](crate::Callback), the API's
/// [`Response`](crate::api::Response) and typed reply data. Sealed: the layout of each implementor is
/// specified in this module.
pub trait Compact<'a>: Serialize + Sized + sealed::Sealed {
    /// Reads the compact form from `d`: the outer error is the data format's, the inner one the crate's
    /// checks (with offsets into `input` when it is known), under the limits of `opts`.
    #[doc(hidden)]
    fn decode_compact<D: Deserializer<'a>>(
        d: D,
        input: Option<&'a [u8]>,
        opts: &DecodeOptions,
    ) -> core::result::Result<Result<Self>, D::Error>;

    /// Why the value cannot be encoded: serde reduces an encoder's own errors to a bare "could not be
    /// encoded", so the encoders ask here for the crate's error (kind, offset, field). Called only after
    /// encoding failed.
    #[doc(hidden)]
    fn encode_error(&self) -> Option<crate::Error> {
        None
    }
}

impl sealed::Sealed for crate::Envelope<'_> {}

impl<'a> Compact<'a> for crate::Envelope<'a> {
    fn decode_compact<D: Deserializer<'a>>(
        d: D,
        input: Option<&'a [u8]>,
        opts: &DecodeOptions,
    ) -> core::result::Result<Result<Self>, D::Error> {
        let wire: self::envelope::WireEnvelope<'a> = serde::Deserialize::deserialize(d)?;
        Ok(wire.into_envelope(input, opts))
    }

    /// A value that would not read back as itself (a kind no name decodes to, no `msgId`).
    fn encode_error(&self) -> Option<crate::Error> {
        self.check_encodable().err()
    }
}

impl sealed::Sealed for crate::Callback<'_> {}

impl<'a> Compact<'a> for crate::Callback<'a> {
    fn decode_compact<D: Deserializer<'a>>(
        d: D,
        input: Option<&'a [u8]>,
        opts: &DecodeOptions,
    ) -> core::result::Result<Result<Self>, D::Error> {
        let wire: self::callback::WireCallback<'a> = serde::Deserialize::deserialize(d)?;
        Ok(wire.into_callback(input, opts))
    }

    /// A payload read as text that is not base64 (`InvalidBase64` at its first bad character).
    fn encode_error(&self) -> Option<crate::Error> {
        self.payload().and_then(|p| p.validate().err())
    }
}

/// API replies: read through their compact model.
macro_rules! compact_api {
    ($($ty:ident),+ $(,)?) => {$(
        impl sealed::Sealed for crate::api::$ty<'_> {}

        impl<'a> Compact<'a> for crate::api::$ty<'a> {
            fn decode_compact<D: Deserializer<'a>>(
                d: D,
                input: Option<&'a [u8]>,
                _: &DecodeOptions,
            ) -> core::result::Result<Result<Self>, D::Error> {
                serde::de::DeserializeSeed::deserialize(
                    ModelSeed::<Self>::new(input),
                    d,
                )
            }
        }
    )+};
}

compact_api!(
    Response,
    TokenData,
    PacketId,
    PacketIds,
    TopicInfo,
    Member,
    TopicData,
    History,
    HistoryMessage,
    Contact,
    LastMessage,
    TopicUpdateBody,
    TopicUpdateOlder,
    TokenRequest,
);

impl<T> sealed::Sealed for crate::list::List<'_, T> {}

/// Lists (`TopicList`, `Contacts`, ...): their JSON text.
impl<'a, T: crate::api::FromData<'a> + Serialize> Compact<'a> for crate::list::List<'a, T> {
    fn decode_compact<D: Deserializer<'a>>(
        d: D,
        input: Option<&'a [u8]>,
        _: &DecodeOptions,
    ) -> core::result::Result<Result<Self>, D::Error> {
        serde::de::DeserializeSeed::deserialize(ModelSeed::<Self>::new(input), d)
    }
}

// ---------------------------------------------------------------------------------------------------
// Model tuples: the compact form of every `model!` declaration (see `crate::model`), member by member.

use core::fmt;

use serde::de::{self, DeserializeSeed, SeqAccess, Visitor};
use serde::ser::SerializeTuple;

use crate::error::{Error, ErrorKind};
use crate::json::{JsonStr, JsonU64, RawJson};
use crate::payload::Payload;
use crate::serde_impl::{BorrowedStr, de_error};

/// A model's compact form: a tuple of `FIELDS` elements read by `read`, whose checks return the crate's
/// errors (with offsets into `input` when known) inside the data format's result.
pub(crate) trait CompactModel<'de>: Sized {
    const FIELDS: usize;
    fn read<A: SeqAccess<'de>>(
        seq: &mut A,
        input: Option<&'de [u8]>,
    ) -> core::result::Result<Result<Self>, A::Error>;
}

/// Reads a [`CompactModel`] (a serde seed, so that the checks see the input).
pub(crate) struct ModelSeed<'i, T> {
    input: Option<&'i [u8]>,
    model: core::marker::PhantomData<fn() -> T>,
}

impl<'i, T> ModelSeed<'i, T> {
    pub(crate) const fn new(input: Option<&'i [u8]>) -> Self {
        ModelSeed {
            input,
            model: core::marker::PhantomData,
        }
    }
}

impl<'de, T: CompactModel<'de>> DeserializeSeed<'de> for ModelSeed<'de, T> {
    type Value = Result<T>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> core::result::Result<Result<T>, D::Error> {
        d.deserialize_tuple(T::FIELDS, self)
    }
}

impl<'de, T: CompactModel<'de>> Visitor<'de> for ModelSeed<'de, T> {
    type Value = Result<T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a compact tuple of {} fields", T::FIELDS)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> core::result::Result<Result<T>, A::Error> {
        T::read(&mut seq, self.input)
    }
}

/// The compact model's serde `Deserialize` (no input: offsets count from its strings' own starts).
pub(crate) fn compact_de<'de, T: CompactModel<'de>, D: Deserializer<'de>>(
    d: D,
) -> core::result::Result<T, D::Error> {
    ModelSeed::<T>::new(None).deserialize(d)?.map_err(de_error)
}

/// Element `i` of a model tuple.
pub(crate) fn el<'de, T: serde::Deserialize<'de>, A: SeqAccess<'de>>(
    seq: &mut A,
    i: usize,
) -> core::result::Result<T, A::Error> {
    seq.next_element()?
        .ok_or_else(|| de::Error::invalid_length(i, &"the model's fields"))
}

/// A string element, borrowed from the input.
pub(crate) fn text<'de, A: SeqAccess<'de>>(
    seq: &mut A,
    i: usize,
) -> core::result::Result<JsonStr<'de>, A::Error> {
    seq.next_element_seed(BorrowedStr("a string"))?
        .map(JsonStr::new)
        .ok_or_else(|| de::Error::invalid_length(i, &"the model's fields"))
}

/// A JSON text element (a list, a reply's `data`), checked as the JSON reader checks it; errors count
/// from the start of `input` when it is known.
pub(crate) fn json_text<'de, A: SeqAccess<'de>>(
    seq: &mut A,
    i: usize,
    input: Option<&'de [u8]>,
    field: &'static str,
) -> core::result::Result<Result<RawJson<'de>>, A::Error> {
    let raw = seq
        .next_element_seed(BorrowedStr("JSON text"))?
        .ok_or_else(|| de::Error::invalid_length(i, &"the model's fields"))?;
    Ok(RawJson::parse(raw).map_err(|e| {
        e.shifted(crate::wire::envelope::offset_in(input, raw))
            .in_field(field)
    }))
}

/// Flag bits at or above `bits` are reserved and must be 0.
pub(crate) fn check_flags(flags: u8, bits: u32) -> Result<()> {
    if u32::from(flags).checked_shr(bits).unwrap_or(0) == 0 {
        Ok(())
    } else {
        Err(Error::new(ErrorKind::InvalidValue("reserved flag bits set"), 0).in_field("flags"))
    }
}

/// How one member type travels inside a model tuple. Ids (`ID`) are varints and take one bit of the
/// model's leading `flags: u8` (set when the id was a JSON string), in member order.
pub(crate) trait CompactMember<'de>: Sized {
    const ID: bool = false;
    fn quoted(&self) -> bool {
        false
    }
    fn put<T: SerializeTuple>(&self, t: &mut T) -> core::result::Result<(), T::Error>;
    fn take<A: SeqAccess<'de>>(
        seq: &mut A,
        i: usize,
        quoted: bool,
        input: Option<&'de [u8]>,
        key: &'static str,
    ) -> core::result::Result<Result<Self>, A::Error>;
}

impl<'de> CompactMember<'de> for JsonU64 {
    const ID: bool = true;
    fn quoted(&self) -> bool {
        self.is_quoted()
    }
    fn put<T: SerializeTuple>(&self, t: &mut T) -> core::result::Result<(), T::Error> {
        t.serialize_element(&self.get())
    }
    fn take<A: SeqAccess<'de>>(
        seq: &mut A,
        i: usize,
        quoted: bool,
        _: Option<&'de [u8]>,
        _: &'static str,
    ) -> core::result::Result<Result<Self>, A::Error> {
        Ok(Ok(JsonU64::new(el(seq, i)?).with_quoted(quoted)))
    }
}

impl<'de> CompactMember<'de> for Option<JsonU64> {
    const ID: bool = true;
    fn quoted(&self) -> bool {
        self.is_some_and(|v| v.is_quoted())
    }
    fn put<T: SerializeTuple>(&self, t: &mut T) -> core::result::Result<(), T::Error> {
        t.serialize_element(&self.map(|v| v.get()))
    }
    fn take<A: SeqAccess<'de>>(
        seq: &mut A,
        i: usize,
        quoted: bool,
        _: Option<&'de [u8]>,
        _: &'static str,
    ) -> core::result::Result<Result<Self>, A::Error> {
        let v: Option<u64> = el(seq, i)?;
        Ok(Ok(v.map(|v| JsonU64::new(v).with_quoted(quoted))))
    }
}

/// `CompactMember` for members that are one plain element: how to put it, how to take it back.
macro_rules! compact_plain {
    ($($ty:ty => |$v:ident| $put:expr, |$seq:ident, $i:ident| $take:expr;)+) => {$(
        impl<'de> CompactMember<'de> for $ty {
            fn put<T: SerializeTuple>(&self, t: &mut T) -> core::result::Result<(), T::Error> {
                let $v = self;
                t.serialize_element($put)
            }
            fn take<A: SeqAccess<'de>>(
                $seq: &mut A,
                $i: usize,
                _: bool,
                _: Option<&'de [u8]>,
                _: &'static str,
            ) -> core::result::Result<Result<Self>, A::Error> {
                $take.map(Ok)
            }
        }
    )+};
}

compact_plain! {
    JsonStr<'de> => |v| v, |seq, i| text(seq, i);
    Option<JsonStr<'de>> => |v| v, |seq, i| el::<Option<&'de str>, A>(seq, i).map(|v| v.map(JsonStr::new));
    crate::api::Secret<'de> => |v| &v.expose(), |seq, i| text(seq, i).map(Self::from);
    crate::api::UserType<'de> => |v| v, |seq, i| el(seq, i);
}

/// Payloads travel as their decoded bytes.
impl<'de> CompactMember<'de> for Payload<'de> {
    fn put<T: SerializeTuple>(&self, t: &mut T) -> core::result::Result<(), T::Error> {
        t.serialize_element(self)
    }
    fn take<A: SeqAccess<'de>>(
        seq: &mut A,
        i: usize,
        _: bool,
        _: Option<&'de [u8]>,
        _: &'static str,
    ) -> core::result::Result<Result<Self>, A::Error> {
        struct Seed;
        impl<'de> DeserializeSeed<'de> for Seed {
            type Value = &'de [u8];
            fn deserialize<D: Deserializer<'de>>(
                self,
                d: D,
            ) -> core::result::Result<&'de [u8], D::Error> {
                d.deserialize_bytes(crate::serde_impl::callback::BorrowedBytes)
            }
        }
        seq.next_element_seed(Seed)?
            .map(|b| Ok(Payload::from_bytes(b)))
            .ok_or_else(|| de::Error::invalid_length(i, &"the model's fields"))
    }
}

/// Lists travel as their JSON text (they stay lazily read JSON after decoding).
impl<'de, T: crate::api::FromData<'de> + Serialize> CompactMember<'de>
    for crate::list::List<'de, T>
{
    fn put<S: SerializeTuple>(&self, t: &mut S) -> core::result::Result<(), S::Error> {
        t.serialize_element(self)
    }
    fn take<A: SeqAccess<'de>>(
        seq: &mut A,
        i: usize,
        _: bool,
        input: Option<&'de [u8]>,
        key: &'static str,
    ) -> core::result::Result<Result<Self>, A::Error> {
        let raw = json_text(seq, i, input, key)?;
        Ok(raw.and_then(|raw| {
            let at = crate::wire::envelope::offset_in(input, raw.as_str());
            Self::from_raw(raw).map_err(|e| e.shifted(at).in_field(key))
        }))
    }
}

/// The compact `Serialize` of a model: `flags` (when it has ids), then each member.
macro_rules! model_serialize {
    ($self:ident, $s:ident, $($field:ident: $ty:ty),+) => {{
        use serde::ser::SerializeTuple as _;
        let ids = 0u32 $( + u32::from(<$ty as $crate::wire::CompactMember>::ID) )+;
        let mut flags = 0u8;
        let mut bit = 0u32;
        $(
            if <$ty as $crate::wire::CompactMember>::ID {
                if $crate::wire::CompactMember::quoted(&$self.$field) {
                    flags |= 1 << bit;
                }
                bit += 1;
            }
        )+
        let _ = bit;
        let len = usize::from(ids > 0) $( + { let _ = stringify!($field); 1 } )+;
        let mut t = $s.serialize_tuple(len)?;
        if ids > 0 {
            t.serialize_element(&flags)?;
        }
        $( $crate::wire::CompactMember::put(&$self.$field, &mut t)?; )+
        t.end()
    }};
}
pub(crate) use model_serialize;

/// The number of elements of a model's tuple.
macro_rules! model_fields {
    ($($ty:ty),+) => {
        (false $( || <$ty as $crate::wire::CompactMember>::ID )+) as usize $( + { let _ = stringify!($ty); 1 } )+
    };
}
pub(crate) use model_fields;

/// The compact read of a model: `flags` (reserved bits must be 0), then each member in order.
macro_rules! model_deserialize {
    ($seq:ident, $input:ident, $name:ident, $($field:ident: $ty:ty = $key:literal),+) => {{
        let ids = 0u32 $( + u32::from(<$ty as $crate::wire::CompactMember>::ID) )+;
        let flags: u8 = if ids > 0 { $crate::wire::el($seq, 0)? } else { 0 };
        if let Err(e) = $crate::wire::check_flags(flags, ids) {
            return Ok(Err(e));
        }
        let mut i = usize::from(ids > 0);
        let mut bit = 0u32;
        $(
            let quoted = <$ty as $crate::wire::CompactMember>::ID && {
                let q = flags & (1 << bit) != 0;
                bit += 1;
                q
            };
            let $field = match <$ty as $crate::wire::CompactMember>::take($seq, i, quoted, $input, $key)? {
                Ok(v) => v,
                Err(e) => return Ok(Err(e)),
            };
            i += 1;
        )+
        let _ = (i, bit);
        Ok(Ok($name { $($field),+ }))
    }};
}
pub(crate) use model_deserialize;

#[cfg(feature = "postcard")]
pub use self::postcard_io::*;

#[cfg(feature = "postcard")]
mod postcard_io {
    use super::{Compact, DecodeOptions, Result};
    use crate::error::{Error, ErrorKind};

    /// Encodes `value` into `buf`, returning the used front of `buf`. `BufferTooSmall` when it does not fit
    /// ([`postcard_len`] gives the exact size).
    pub fn to_postcard_slice<'b, 'a, T: Compact<'a>>(
        value: &T,
        buf: &'b mut [u8],
    ) -> Result<&'b mut [u8]> {
        let cap = buf.len();
        postcard::to_slice(value, buf).map_err(|e| match e {
            // A string written through `collect_str` (escaped text) reports a full buffer this way.
            postcard::Error::CollectStrError if postcard_len(value).is_ok_and(|n| n > cap) => {
                Error::new(
                    ErrorKind::BufferTooSmall {
                        needed: postcard_len(value).unwrap_or(cap),
                    },
                    cap,
                )
            }
            postcard::Error::SerializeBufferFull => Error::new(
                ErrorKind::BufferTooSmall {
                    needed: postcard_len(value).unwrap_or(cap),
                },
                cap,
            ),
            e => encode_failure(value, e, cap),
        })
    }

    /// Encodes `value` into a new `Vec`.
    #[cfg(feature = "alloc")]
    pub fn to_postcard_vec<'a, T: Compact<'a>>(value: &T) -> Result<alloc::vec::Vec<u8>> {
        postcard::to_allocvec(value).map_err(|e| encode_failure(value, e, 0))
    }

    /// Encodes `value` into a fixed-capacity `heapless::Vec` (no allocator). `CapacityExceeded` when it
    /// does not fit. The heapless type is in the signature on purpose, only with the `heapless` feature
    /// (heapless 0.9); [`to_postcard_slice`] does the same with no dependency in its signature.
    #[cfg(feature = "heapless")]
    pub fn to_postcard_heapless<'a, T: Compact<'a>, const N: usize>(
        value: &T,
    ) -> Result<heapless::Vec<u8, N>> {
        struct Fill<const N: usize>(heapless::Vec<u8, N>);
        impl<const N: usize> postcard::ser_flavors::Flavor for Fill<N> {
            type Output = heapless::Vec<u8, N>;
            fn try_push(&mut self, b: u8) -> postcard::Result<()> {
                self.0
                    .push(b)
                    .map_err(|_| postcard::Error::SerializeBufferFull)
            }
            fn try_extend(&mut self, data: &[u8]) -> postcard::Result<()> {
                self.0
                    .extend_from_slice(data)
                    .map_err(|_| postcard::Error::SerializeBufferFull)
            }
            fn finalize(self) -> postcard::Result<Self::Output> {
                Ok(self.0)
            }
        }
        postcard::serialize_with_flavor(value, Fill(heapless::Vec::new())).map_err(|e| {
            match (e, postcard_len(value)) {
                // `collect_str` (escaped text) reports a full buffer as `CollectStrError`.
                (
                    postcard::Error::SerializeBufferFull | postcard::Error::CollectStrError,
                    Ok(needed),
                ) if needed > N => Error::new(
                    ErrorKind::CapacityExceeded {
                        needed,
                        capacity: N,
                    },
                    N,
                ),
                (e, _) => encode_failure(value, e, N),
            }
        })
    }

    /// The exact number of bytes the compact form of `value` takes.
    pub fn postcard_len<'a, T: Compact<'a>>(value: &T) -> Result<usize> {
        postcard::serialize_with_flavor(value, postcard::ser_flavors::Size::default())
            .map_err(|e| encode_failure(value, e, 0))
    }

    /// An encoding error: the value's own reason when it has one (an invalid base64 payload, ...), else
    /// postcard's.
    #[cold]
    fn encode_failure<'a, T: Compact<'a>>(value: &T, e: postcard::Error, at: usize) -> Error {
        match e {
            postcard::Error::SerdeSerCustom | postcard::Error::CollectStrError => value
                .encode_error()
                .unwrap_or_else(|| postcard_error(e, at)),
            e => postcard_error(e, at),
        }
    }

    /// Decodes a model from its compact form, borrowing every string from `bytes`, with the default
    /// limits ([`DecodeOptions::new`]: the limits JSON decoding has by default). The whole of `bytes` must
    /// be one value.
    ///
    /// Errors carry the offset where decoding stopped: for malformed bytes, just past the bad field; for
    /// a string that breaks a rule (a custom payload that is not JSON, a non-canonical kind name), the
    /// offset of that string.
    ///
    /// Encoding checks no limit: a value built in code may be larger than decoding accepts by default
    /// (a callback with a payload over 15 KiB), exactly as its JSON is. Read such bytes with
    /// [`from_postcard_with`] and the limits you chose for JSON.
    pub fn from_postcard<'a, T: Compact<'a>>(bytes: &'a [u8]) -> Result<T> {
        from_postcard_with(bytes, &DecodeOptions::new())
    }

    /// As [`from_postcard`], with the limits of `opts`, which mean what they mean for JSON decoding: a
    /// callback payload of more than [`DecodeOptions::max_payload`] decoded bytes is `PayloadTooLarge`
    /// (at the payload's bytes); a custom envelope payload or custom callback nested deeper than
    /// [`DecodeOptions::max_depth`] is `DepthLimitExceeded`. API replies (whose lists travel as JSON
    /// text) are read with the default limits whatever `opts` says.
    ///
    /// ```
    /// use mimc_codec::{Callback, DecodeOptions, ErrorKind, wire};
    /// let payload = vec![7u8; 20 * 1024];
    /// let cb = Callback::normal_msg(1, "a", 2, "b", &payload, 3);
    /// let mut buf = vec![0u8; 21 * 1024];
    /// let bytes = wire::to_postcard_slice(&cb, &mut buf)?;
    /// let err = wire::from_postcard::<Callback>(bytes).unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::PayloadTooLarge { limit: 15 * 1024 });
    /// let opts = DecodeOptions::new().with_max_payload(32 * 1024);
    /// assert_eq!(wire::from_postcard_with::<Callback>(bytes, &opts)?, cb);
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    pub fn from_postcard_with<'a, T: Compact<'a>>(
        bytes: &'a [u8],
        opts: &DecodeOptions,
    ) -> Result<T> {
        let mut de = postcard::Deserializer::from_flavor(Counting {
            input: bytes,
            pos: 0,
        });
        let r = T::decode_compact(&mut de, Some(bytes), opts);
        let rest = de.finalize().unwrap_or(&[]);
        let pos = bytes.len().saturating_sub(rest.len());
        match r {
            Err(e) => Err(postcard_error(e, pos)),
            Ok(Err(e)) => Err(e),
            Ok(Ok(_)) if !rest.is_empty() => Err(Error::new(ErrorKind::TrailingCharacters, pos)),
            Ok(Ok(v)) => Ok(v),
        }
    }

    /// A slice reader that remembers how far it got, for error offsets.
    struct Counting<'de> {
        input: &'de [u8],
        pos: usize,
    }

    impl<'de> postcard::de_flavors::Flavor<'de> for Counting<'de> {
        type Remainder = &'de [u8];
        type Source = &'de [u8];

        fn pop(&mut self) -> postcard::Result<u8> {
            let b = *self
                .input
                .get(self.pos)
                .ok_or(postcard::Error::DeserializeUnexpectedEnd)?;
            self.pos += 1;
            Ok(b)
        }

        fn size_hint(&self) -> Option<usize> {
            Some(self.input.len().saturating_sub(self.pos))
        }

        fn try_take_n(&mut self, ct: usize) -> postcard::Result<&'de [u8]> {
            let end = self
                .pos
                .checked_add(ct)
                .ok_or(postcard::Error::DeserializeUnexpectedEnd)?;
            let s = self
                .input
                .get(self.pos..end)
                .ok_or(postcard::Error::DeserializeUnexpectedEnd)?;
            self.pos = end;
            Ok(s)
        }

        fn finalize(self) -> postcard::Result<&'de [u8]> {
            Ok(self.input.get(self.pos..).unwrap_or(&[]))
        }
    }

    /// Maps postcard's error to the crate's, at byte `at`.
    #[allow(clippy::needless_pass_by_value)] // postcard's error is not `Copy`; taking it matches `map_err`
    fn postcard_error(e: postcard::Error, at: usize) -> Error {
        use postcard::Error as P;
        let kind = match e {
            // (`to_postcard_slice` reports a full buffer itself, with the length needed.)
            P::SerializeBufferFull => ErrorKind::BufferTooSmall { needed: at },
            P::DeserializeUnexpectedEnd => ErrorKind::UnexpectedEnd,
            P::DeserializeBadUtf8 => ErrorKind::InvalidUtf8,
            P::DeserializeBadVarint => ErrorKind::Postcard("varint too long or out of range"),
            P::DeserializeBadBool => ErrorKind::Postcard("boolean byte that is not 0 or 1"),
            P::DeserializeBadOption => ErrorKind::Postcard("option tag that is not 0 or 1"),
            P::DeserializeBadEnum => ErrorKind::Postcard("enum discriminant out of range"),
            P::DeserializeBadChar => ErrorKind::Postcard("invalid char"),
            P::DeserializeBadEncoding | P::DeserializeBadCrc => ErrorKind::Postcard("bad encoding"),
            P::SerdeDeCustom => {
                ErrorKind::Postcard("unknown discriminant or a value that does not fit the model")
            }
            P::SerdeSerCustom | P::CollectStrError => {
                ErrorKind::Postcard("value could not be encoded")
            }
            _ => ErrorKind::Postcard("unsupported by the compact form"),
        };
        Error::new(kind, at)
    }
}
