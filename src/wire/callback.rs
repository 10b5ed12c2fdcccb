//! The compact form of webhook callbacks (layout in [`crate::wire`]): flags for the ids' representation,
//! payloads as their decoded bytes, member lists as their JSON text.

use core::fmt;

use serde::de::{self, Deserialize, Deserializer, EnumAccess, SeqAccess, VariantAccess, Visitor};
use serde::ser::{Serialize, SerializeTuple, Serializer};

use crate::callback::{Callback, P2pMsg, P2tMsg};
use crate::error::{Error, ErrorKind, Result};
use crate::json::{DecodeOptions, JsonStr, JsonU64};
use crate::payload::Payload;
use crate::serde_impl::BorrowedStr;
use crate::serde_impl::callback::{BorrowedBytes, CALLBACK_VARIANTS, accounts_from_text};
use crate::wire::envelope::offset_in;

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

pub(crate) fn compact_shape<S: Serializer>(cb: &Callback<'_>, s: S) -> Result<S::Ok, S::Error> {
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
        let limit = opts.max_payload();
        return Err(Error::new(ErrorKind::PayloadTooLarge { limit }, at).in_field("payload"));
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
