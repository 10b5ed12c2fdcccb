//! The model table: each plain model is one declaration (`model!`), from which its struct, its JSON
//! reader, its [`ToJson`](crate::ToJson) writer, its serde JSON shape and its compact form
//! ([`crate::wire`]) all come.
//!
//! A declaration lists the members in the manual's key order, each with its Rust name, its type and its
//! wire name. How one member type is read, written and shown is the [`Member`] trait (here) and, for the
//! compact form, `wire::CompactMember`; the macro only strings the members together, so the generated reader
//! is the loop a careful hand would write: one pass over the object, each known key read and typed as
//! it comes, a key given twice an error at that key, unknown keys skipped (validated by the reader),
//! a missing required member an error at the closing brace.
//!
//! Tag-dispatched models (`Envelope`, `Callback`, push targets) keep a hand-written dispatch over the same
//! member reads.

// The hot member reads are inlined into each generated reader (measured with callgrind, BENCHMARKS.md).
#![allow(clippy::inline_always)]

use crate::error::Result;
use crate::json::{JsonStr, JsonU64, ObjectWriter, Sink, ToJson, ValueReader};
use crate::payload::Payload;

/// How one member type is read from its JSON value, written back and shown to serde's JSON shape.
pub(crate) trait Member<'a>: Sized {
    /// The value of an absent member; `None` when the member is required.
    const ABSENT: Option<Self> = None;

    /// Reads the value of the member `key` where it stands, in the document's one pass, naming `key` in
    /// type errors (syntax errors name no field: they are the document's, not the member's).
    fn read(v: ValueReader<'_, 'a>, key: &'static str) -> Result<Self>;

    /// A value that stands in when there is none to give (an owned copy that cannot be read back).
    #[allow(dead_code)] // only owned copies (features `alloc`, `heapless`) ask for it
    fn placeholder() -> Self;

    /// Writes `"key":value` (nothing for an absent optional member).
    fn write<S: Sink + ?Sized>(&self, o: &mut ObjectWriter<'_, S>, key: &str) -> Result<()>;

    /// Is there a member to write (false only for an absent optional one)?
    #[cfg(feature = "serde")]
    fn present(&self) -> bool {
        true
    }

    /// Adds the member to a serde struct in the JSON shape.
    #[cfg(feature = "serde")]
    fn serialize_field<S: serde::ser::SerializeStruct>(
        &self,
        st: &mut S,
        key: &'static str,
    ) -> core::result::Result<(), S::Error>;
}

/// The `serialize_field` of a member type whose own `Serialize` is its JSON shape.
macro_rules! serialize_self {
    () => {
        #[cfg(feature = "serde")]
        fn serialize_field<S: serde::ser::SerializeStruct>(
            &self,
            st: &mut S,
            key: &'static str,
        ) -> core::result::Result<(), S::Error> {
            st.serialize_field(key, self)
        }
    };
}
pub(crate) use serialize_self;

impl<'a> Member<'a> for JsonU64 {
    #[cfg_attr(not(target_os = "none"), inline(always))]
    fn read(v: ValueReader<'_, 'a>, key: &'static str) -> Result<Self> {
        v.u64().map_err(|e| e.in_typed_field(key))
    }
    fn placeholder() -> Self {
        JsonU64::new(0)
    }
    fn write<S: Sink + ?Sized>(&self, o: &mut ObjectWriter<'_, S>, key: &str) -> Result<()> {
        o.u64(key, *self)
    }
    serialize_self!();
}

impl<'a> Member<'a> for JsonStr<'a> {
    #[cfg_attr(not(target_os = "none"), inline(always))]
    fn read(v: ValueReader<'_, 'a>, key: &'static str) -> Result<Self> {
        v.str().map_err(|e| e.in_typed_field(key))
    }
    fn placeholder() -> Self {
        JsonStr::new("")
    }
    fn write<S: Sink + ?Sized>(&self, o: &mut ObjectWriter<'_, S>, key: &str) -> Result<()> {
        o.str(key, self)
    }
    serialize_self!();
}

/// A secret is data in the JSON shape and in `ToJson` (only `Debug` hides it).
impl<'a> Member<'a> for crate::api::Secret<'a> {
    fn read(v: ValueReader<'_, 'a>, key: &'static str) -> Result<Self> {
        JsonStr::read(v, key).map(Self::from)
    }
    fn placeholder() -> Self {
        Self::new("")
    }
    fn write<S: Sink + ?Sized>(&self, o: &mut ObjectWriter<'_, S>, key: &str) -> Result<()> {
        o.str(key, &self.expose())
    }
    #[cfg(feature = "serde")]
    fn serialize_field<S: serde::ser::SerializeStruct>(
        &self,
        st: &mut S,
        key: &'static str,
    ) -> core::result::Result<(), S::Error> {
        st.serialize_field(key, &self.expose())
    }
}

/// A base64 payload, decoded only when asked; errors name `payload`, the only key payloads come under.
impl<'a> Member<'a> for Payload<'a> {
    #[cfg_attr(not(target_os = "none"), inline(always))]
    fn read(v: ValueReader<'_, 'a>, _: &'static str) -> Result<Self> {
        // The scan knows whether the text has escapes: no search for them later.
        v.str()
            .map(Payload::from_json_str)
            .map_err(|e| e.in_typed_field(crate::payload::FIELD))
    }
    fn placeholder() -> Self {
        Payload::from_bytes(&[])
    }
    fn write<S: Sink + ?Sized>(&self, o: &mut ObjectWriter<'_, S>, key: &str) -> Result<()> {
        o.with(key, |s| self.write_json(s))
    }
    serialize_self!();
}

/// `Serialize` when feature `serde` is on, nothing otherwise: the bound the list member needs.
#[cfg(feature = "serde")]
pub(crate) trait MemberSerialize: serde::Serialize {}
#[cfg(feature = "serde")]
impl<T: serde::Serialize> MemberSerialize for T {}
#[cfg(not(feature = "serde"))]
pub(crate) trait MemberSerialize {}
#[cfg(not(feature = "serde"))]
impl<T> MemberSerialize for T {}

impl<'a> Member<'a> for crate::api::UserType<'a> {
    fn read(v: ValueReader<'_, 'a>, key: &'static str) -> Result<Self> {
        JsonStr::read(v, key).map(Self::from_json_str)
    }
    fn placeholder() -> Self {
        Self::from("")
    }
    fn write<S: Sink + ?Sized>(&self, o: &mut ObjectWriter<'_, S>, key: &str) -> Result<()> {
        o.str(key, &self.as_json_str())
    }
    serialize_self!();
}

/// An optional member: absent is `None`; present, it must be a `T` (`null` is not read as absent).
impl<'a, T: Member<'a>> Member<'a> for Option<T> {
    const ABSENT: Option<Self> = Some(None);

    fn read(v: ValueReader<'_, 'a>, key: &'static str) -> Result<Self> {
        T::read(v, key).map(Some)
    }
    fn placeholder() -> Self {
        None
    }
    fn write<S: Sink + ?Sized>(&self, o: &mut ObjectWriter<'_, S>, key: &str) -> Result<()> {
        match self {
            Some(v) => v.write(o, key),
            None => Ok(()),
        }
    }
    #[cfg(feature = "serde")]
    fn present(&self) -> bool {
        self.is_some()
    }
    #[cfg(feature = "serde")]
    fn serialize_field<S: serde::ser::SerializeStruct>(
        &self,
        st: &mut S,
        key: &'static str,
    ) -> core::result::Result<(), S::Error> {
        match self {
            Some(v) => v.serialize_field(st, key),
            None => st.skip_field(key),
        }
    }
}

/// The value of `key` after the object's members were read: as read, the type's absent value, or a
/// missing-field error at `end` (the closing brace).
#[inline]
pub(crate) fn finish<'a, T: Member<'a>>(
    slot: Option<T>,
    key: &'static str,
    end: usize,
) -> Result<T> {
    match slot {
        Some(v) => Ok(v),
        None => crate::json::required(T::ABSENT, key, end),
    }
}

/// Declares a plain model: the struct (pub fields, `#[non_exhaustive]`), an accessor per member, the
/// JSON reader `read` (the object itself; `$ctx` names it in type errors), [`ToJson`], a [`Member`] impl
/// (so models nest), serde's JSON shape and the compact form of [`crate::wire`].
///
/// ```text
/// model! {
///     /// docs
///     pub struct Member<'a> in "members" {
///         /// `uuid`: the member's user id.
///         uuid: JsonU64 = "uuid",
///         /// `account`.
///         account: JsonStr<'a> = "account",
///     }
/// }
/// ```
macro_rules! model {
    (
        $(#[$meta:meta])*
        pub struct $name:ident<'a> in $ctx:literal, fill $lf:ident: $elem:ty = $lkey:literal {
            $($body:tt)+
        }
    ) => {
        $crate::model::model! {
            $(#[$meta])*
            pub struct $name<'a> in $ctx { $($body)+ }
        }
        $crate::model::model_fill!($name, $ctx, $lf, $elem, $lkey, $($body)+);
    };
    (
        $(#[$meta:meta])*
        pub struct $name:ident<'a> in $ctx:literal {
            $(
                $(#[$fmeta:meta])*
                $field:ident: $ty:ty = $key:literal,
            )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[non_exhaustive]
        pub struct $name<'a> {
            $( $(#[$fmeta])* pub $field: $ty, )+
        }

        impl<'a> $name<'a> {
            $(
                $(#[$fmeta])*
                pub const fn $field(&self) -> $ty {
                    self.$field
                }
            )+

            /// Reads the model from its JSON object value.
            #[allow(dead_code)] // not every model is read from a value (request bodies are documents)
            fn read(data: $crate::json::RawJson<'a>) -> $crate::error::Result<Self> {
                Self::read_members(&mut data.object().map_err(|e| e.in_field($ctx))?)
            }

            /// Reads the model where its object stands in a document, in the document's one pass.
            #[allow(dead_code)] // not every model is read from a value (request bodies are documents)
            fn read_value(v: $crate::json::ValueReader<'_, 'a>) -> $crate::error::Result<Self> {
                v.object($ctx, |obj| Self::read_members(obj))
            }

            /// Reads the model from the members of its object, in one pass (see `model.rs`).
            fn read_members(obj: &mut $crate::json::ObjectIter<'a>) -> $crate::error::Result<Self> {
                $crate::model::model_members!(obj, k, v, $name, {}, $($field: $ty = $key),+)
            }
        }


        /// The JSON object, members in the manual's order, optional members only when present, ids in
        /// the representation they came in.
        impl<'a> $crate::json::ToJson for $name<'a> {
            fn write_json<S: $crate::json::Sink + ?Sized>(
                &self,
                sink: &mut S,
            ) -> $crate::error::Result<()> {
                let mut o = $crate::json::ObjectWriter::begin(sink)?;
                $( $crate::model::Member::write(&self.$field, &mut o, $key)?; )+
                o.end()
            }
        }

        impl<'a> $crate::model::Member<'a> for $name<'a> {
            fn read(v: $crate::json::ValueReader<'_, 'a>, key: &'static str) -> $crate::error::Result<Self> {
                Self::read_value(v).map_err(|e| e.in_typed_field(key))
            }
            fn placeholder() -> Self {
                $name {
                    $( $field: <$ty as $crate::model::Member<'a>>::placeholder(), )+
                }
            }
            fn write<S: $crate::json::Sink + ?Sized>(
                &self,
                o: &mut $crate::json::ObjectWriter<'_, S>,
                key: &str,
            ) -> $crate::error::Result<()> {
                o.with(key, |s| $crate::json::ToJson::write_json(self, s))
            }
            $crate::model::serialize_self!();
        }

        /// JSON shape (human-readable formats): the object [`ToJson`](crate::ToJson) writes, member by
        /// member. Compact formats: the tuple of [`crate::wire`].
        #[cfg(feature = "serde")]
        impl<'a> serde::Serialize for $name<'a> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> core::result::Result<S::Ok, S::Error> {
                use serde::ser::SerializeStruct as _;
                if !s.is_human_readable() {
                    return $crate::wire::model_serialize!(self, s, $($field: $ty),+);
                }
                let len = 0usize $( + usize::from($crate::model::Member::present(&self.$field)) )+;
                let mut st = s.serialize_struct(stringify!($name), len)?;
                $( $crate::model::Member::serialize_field(&self.$field, &mut st, $key)?; )+
                st.end()
            }
        }

        /// From serde_json's raw text through the model's own reader (feature `serde_json`), from the
        /// compact tuple of [`crate::wire`] otherwise; other human-readable formats are refused.
        #[cfg(feature = "serde")]
        impl<'de: 'a, 'a> serde::Deserialize<'de> for $name<'a> {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> core::result::Result<Self, D::Error> {
                if d.is_human_readable() {
                    $crate::serde_impl::from_json_text(d, $name::read_members)
                } else {
                    $crate::wire::compact_de::<$name<'de>, D>(d)
                }
            }
        }

        #[cfg(feature = "serde")]
        impl<'a> $crate::wire::CompactModel<'a> for $name<'a> {
            const FIELDS: usize = $crate::wire::model_fields!($($ty),+);
            fn read<A: serde::de::SeqAccess<'a>>(
                seq: &mut A,
                input: Option<&'a [u8]>,
            ) -> core::result::Result<$crate::error::Result<Self>, A::Error> {
                $crate::wire::model_deserialize!(seq, input, $name, $($field: $ty = $key),+)
            }
        }

        /// A nested model travels as its own tuple.
        #[cfg(feature = "serde")]
        impl<'a> $crate::wire::CompactMember<'a> for $name<'a> {
            fn put<T: serde::ser::SerializeTuple>(
                &self,
                t: &mut T,
            ) -> core::result::Result<(), T::Error> {
                t.serialize_element(self)
            }
            fn take<A: serde::de::SeqAccess<'a>>(
                seq: &mut A,
                i: usize,
                _: bool,
                input: Option<&'a [u8]>,
                _: &'static str,
            ) -> core::result::Result<$crate::error::Result<Self>, A::Error> {
                seq.next_element_seed($crate::wire::ModelSeed::<Self>::new(input))?
                    .ok_or_else(|| serde::de::Error::invalid_length(i, &"the model's fields"))
            }
        }
    };
}
pub(crate) use model;

/// The key after `key` in `keys` (the first for `""`; `""` after the last or for a key not there),
/// evaluated at compile time by the member loop.
pub(crate) const fn key_after(keys: &[&'static str], key: &str) -> &'static str {
    if key.is_empty() {
        return match keys.first() {
            Some(k) => k,
            None => "",
        };
    }
    let mut i = 0;
    while i < keys.len() {
        if bytes_eq(keys[i].as_bytes(), key.as_bytes()) {
            return if i + 1 < keys.len() { keys[i + 1] } else { "" };
        }
        i += 1;
    }
    ""
}

/// `a == b` in a `const fn`.
const fn bytes_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The member loop of a model's reader: one pass over the object, each known key read and typed as it
/// comes (`$extra` arms first: they take a key over from the plain arm), unknown keys skipped by the
/// reader, then the missing-field checks at the closing brace. `$k` and `$v` name the key and value for
/// the `$extra` arms.
macro_rules! model_members {
    ($obj:ident, $k:ident, $v:ident, $name:ident, { $($extra:tt)* }, $($field:ident: $ty:ty = $key:literal),+) => {{
        const KEYS: &[&str] = &[$($key),+];
        $( let mut $field: Option<$ty> = None; )+
        // The key the declaration's order says comes next: checked first, without a scan.
        let mut expected = $crate::model::key_after(KEYS, "");
        let mut scratch = None;
        while let Some(($k, $v)) = $obj.next_entry_expecting(expected)? {
            #[allow(unreachable_patterns)]
            match $k.as_key_lazy(&mut scratch) {
                $($extra)*
                $(
                    Some($key) => {
                        let value = <$ty as $crate::model::Member<'_>>::read($v, $key)?;
                        $crate::json::set_once(&mut $field, value, &$k, $key)?;
                        expected = const { $crate::model::key_after(KEYS, $key) };
                    }
                )+
                _ => {}
            }
        }
        let end = $obj.offset().saturating_sub(1);
        Ok($name {
            $( $field: $crate::model::finish($field, $key, end)?, )+
        })
    }};
}
pub(crate) use model_members;

/// The one-pass `from_json_fill` of a model with a list member (`model! { ... in "data", fill ... }`).
macro_rules! model_fill {
    (
        $name:ident, $ctx:literal, $lf:ident, $elem:ty, $lkey:literal,
        $( $(#[$fmeta:meta])* $field:ident: $ty:ty = $key:literal, )+
    ) => {
        impl<'a> $name<'a> {
            #[doc = concat!("Decodes a whole reply body in one pass, storing the first elements of `", $lkey, "`")]
            /// in `out` as they are read (the httparse shape: storage from the caller) and returning how
            /// many it stored. The list in the result still has every element and its `len()`: more than
            /// the count means `out` was too small for the rest, which were read and checked all the same.
            /// A non-200 `code` is [`ReplyError::Api`](crate::api::ReplyError::Api).
            pub fn from_json_fill(
                body: &'a [u8],
                out: &mut [Option<$elem>],
            ) -> core::result::Result<(Self, usize), crate::api::ReplyError> {
                let mut filled = 0;
                let value = crate::api::reply::read_reply(body, |v| {
                    v.object($ctx, |obj| {
                        $crate::model::model_members!(obj, k, v, $name, {
                            Some($lkey) => {
                                let value = $crate::list::List::read_filling(v, $lkey, out, &mut filled)?;
                                $crate::json::set_once(&mut $lf, value, &k, $lkey)?;
                            }
                        }, $($field: $ty = $key),+)
                    })
                })?;
                Ok((value, filled))
            }
        }
    };
}
pub(crate) use model_fill;
