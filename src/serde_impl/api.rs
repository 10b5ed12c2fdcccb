//! serde for the HTTP API's replies: the `{code, message, data}` wrapper ([`Response`]), every typed
//! `data` and the lazily read [`List`]; and `Serialize` for every request (its JSON body).
//!
//! JSON shape (human-readable): replies serialize as the manual writes them (its key order, ids in the
//! representation they came in, optional keys only when present) and deserialize through serde_json's
//! raw text with the types' own readers (`from_raw`), so both readers agree. Requests serialize as
//! exactly the body [`ToJson`] writes. Compact shape: see [`crate::wire`]; lists travel as their JSON
//! text (they stay lazily read JSON after decoding), payloads as raw bytes.

use core::fmt;

use serde::de::{self, Deserialize, Deserializer, EnumAccess, SeqAccess, VariantAccess, Visitor};
use serde::ser::{Serialize, SerializeSeq, SerializeStruct, SerializeTuple, Serializer};

use super::callback::JsonText;
use super::{BorrowedStr, capture, de_error};
use crate::api::{FromData, Response, UserType};
use crate::error::Result;
use crate::json::{JsonStr, RawJson, Sink, ToJson};
use crate::list::List;
use crate::name::CustomName;
use crate::wire::{self, CompactMember, CompactModel};

// ---------------------------------------------------------------------------------------------------
// Response

/// JSON shape: `{"code": <number>, "message": <string>, "data": <value verbatim>}`. Compact shape:
/// `code` varint, `message` str, `data` as its JSON text.
impl Serialize for Response<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            let mut st = s.serialize_struct("Response", 3)?;
            st.serialize_field("code", &self.code)?;
            st.serialize_field("message", &self.message)?;
            st.serialize_field("data", &self.data)?;
            st.end()
        } else {
            let mut t = s.serialize_tuple(3)?;
            t.serialize_element(&self.code)?;
            t.serialize_element(&self.message)?;
            t.serialize_element(self.data.as_str())?;
            t.end()
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Response<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> core::result::Result<Self, D::Error> {
        if d.is_human_readable() {
            capture(d, |text| Response::from_json(text.as_bytes()))
        } else {
            wire::compact_de::<Response<'de>, D>(d)
        }
    }
}

impl<'de> CompactModel<'de> for Response<'de> {
    const FIELDS: usize = 3;
    fn read<A: SeqAccess<'de>>(
        seq: &mut A,
        input: Option<&'de [u8]>,
    ) -> core::result::Result<Result<Self>, A::Error> {
        let code: u64 = wire::el(seq, 0)?;
        let message = wire::text(seq, 1)?;
        Ok(
            wire::json_text(seq, 2, input, "data")?.map(|data| Response {
                code,
                message,
                data,
            }),
        )
    }
}

// ---------------------------------------------------------------------------------------------------
// List

/// JSON shape: an array of the items. Compact shape: the list's JSON text (as it came).
impl<'a, T: FromData<'a> + Serialize> Serialize for List<'a, T> {
    fn serialize<S: Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
        if !s.is_human_readable() {
            return match self.text() {
                Some(raw) => s.serialize_str(raw.as_str()),
                // Ids given in code or given one form: the array they write.
                None => s.collect_str(&JsonText(&ListText(self))),
            };
        }
        let mut seq = s.serialize_seq(Some(self.len()))?;
        for item in self {
            seq.serialize_element(&item)?;
        }
        seq.end()
    }
}

/// A list's JSON text, written element by element when it has none as it stands.
struct ListText<'r, 'a, T>(&'r List<'a, T>);

impl<T> ToJson for ListText<'_, '_, T> {
    fn write_json<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<()> {
        self.0.write_text(sink)
    }
}

impl<'de: 'a, 'a, T: FromData<'a>> Deserialize<'de> for List<'a, T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> core::result::Result<Self, D::Error> {
        let raw = if d.is_human_readable() {
            capture(d, RawJson::parse)?
        } else {
            RawJson::parse(d.deserialize_str(BorrowedStr("a JSON array"))?).map_err(de_error)?
        };
        List::from_raw(raw).map_err(de_error)
    }
}

impl<'de, T: FromData<'de> + Serialize> CompactModel<'de> for List<'de, T> {
    const FIELDS: usize = 1;
    fn read<A: SeqAccess<'de>>(
        seq: &mut A,
        input: Option<&'de [u8]>,
    ) -> core::result::Result<Result<Self>, A::Error> {
        <Self as CompactMember<'de>>::take(seq, 0, false, input, "data")
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
            (UserType::_Custom(CustomName(x)), true) => x.serialize(s),
            (UserType::Topic, false) => s.serialize_unit_variant("UserType", 0, "Topic"),
            (UserType::User, false) => s.serialize_unit_variant("UserType", 1, "User"),
            (UserType::_Custom(CustomName(x)), false) => {
                s.serialize_newtype_variant("UserType", 2, "Other", x)
            }
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
                    UserType::_Custom(CustomName(x)) => UserType::_Custom(CustomName(x)),
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

// ---------------------------------------------------------------------------------------------------
// Requests

/// `Serialize` for a request: its JSON body as [`ToJson`] writes it, carried as a [`RawJson`] (so
/// serde_json gets exactly those bytes, compact formats its text; other human-readable formats only
/// what `RawJson` gives them); unit for a call without a body. Needs `alloc` for the body's buffer.
/// (Requests are built in code and sent; they have no `Deserialize`.)
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
    TopicCreateBody,
    TopicJoinBody,
    HistoryP2pBody,
    HistoryP2tBody,
);
