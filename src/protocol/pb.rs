//! A small borrowed proto2 reader and writer, and the `macro_rules!` table that declares the messages.
//!
//! Only what MIMC's client messages use: varints (wire type 0) and length-delimited fields (wire type 2)
//! are read as values; unknown fields of every wire type (fixed 32/64 bits, groups up to 32 deep) are
//! checked and skipped. Strings and bytes borrow from the input; repeated fields are read lazily.

use core::fmt;

use crate::{Error, ErrorKind, Result};

/// Wire type of varint fields.
pub(crate) const VARINT: u8 = 0;
/// Wire type of 64-bit fixed fields.
const FIXED64: u8 = 1;
/// Wire type of length-delimited fields.
pub(crate) const LEN: u8 = 2;
/// Wire type of a group's start (deprecated proto2 groups: skipped, never a value here).
const START_GROUP: u8 = 3;
/// Wire type of a group's end.
const END_GROUP: u8 = 4;
/// Wire type of 32-bit fixed fields.
const FIXED32: u8 = 5;
/// Deepest nesting of unknown groups that is skipped.
const MAX_GROUP_DEPTH: usize = 32;

const fn pb_err(why: &'static str, offset: usize) -> Error {
    Error::new(ErrorKind::Protobuf(why), offset)
}

/// Bytes a varint takes.
pub(crate) const fn varint_len(v: u64) -> usize {
    // 1 byte per started group of 7 bits, at least 1.
    let bits = 64 - (v | 1).leading_zeros() as usize;
    bits.div_ceil(7)
}

/// Bytes a field key takes.
pub(crate) const fn key_len(field: u32) -> usize {
    varint_len((field as u64) << 3)
}

/// A cursor over one protobuf message.
#[derive(Debug, Clone)]
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) const fn new(buf: &'a [u8]) -> Self {
        Reader { buf, pos: 0 }
    }

    pub(crate) const fn pos(&self) -> usize {
        self.pos
    }

    /// A varint. Tags, lengths and most values are one byte: that case is inline, the rest is
    /// [`varint_long`](Self::varint_long).
    #[inline]
    pub(crate) fn varint(&mut self) -> Result<u64> {
        if let Some(&b) = self.buf.get(self.pos) {
            if b < 0x80 {
                self.pos += 1;
                return Ok(u64::from(b));
            }
        }
        self.varint_long()
    }

    /// A varint of two bytes or more (or a truncated one).
    #[inline(never)]
    fn varint_long(&mut self) -> Result<u64> {
        let start = self.pos;
        let mut v = 0u64;
        for i in 0..10 {
            let Some(&b) = self.buf.get(self.pos) else {
                return Err(pb_err("truncated varint", start));
            };
            self.pos += 1;
            if i == 9 && b > 1 {
                return Err(pb_err("varint longer than 64 bits", start));
            }
            v |= u64::from(b & 0x7f) << (7 * i);
            if b < 0x80 {
                return Ok(v);
            }
        }
        Err(pb_err("varint longer than 10 bytes", start))
    }

    /// The next field's number and wire type, or `None` at the end of the message.
    pub(crate) fn key(&mut self) -> Result<Option<(u32, u8)>> {
        if self.pos >= self.buf.len() {
            return Ok(None);
        }
        let start = self.pos;
        let key = self.varint()?;
        let wire = (key & 7) as u8;
        let field = key >> 3;
        if field == 0 || field > (1 << 29) - 1 {
            return Err(pb_err("field number out of range", start));
        }
        if wire > FIXED32 {
            return Err(pb_err("invalid wire type", start));
        }
        // Checked above: below 2^29.
        #[allow(clippy::cast_possible_truncation)]
        Ok(Some((field as u32, wire)))
    }

    /// A length-delimited value (after its key).
    pub(crate) fn bytes(&mut self) -> Result<&'a [u8]> {
        let start = self.pos;
        let len = self.varint()?;
        let rest = self.buf.len() - self.pos;
        let Some(len) = usize::try_from(len).ok().filter(|&n| n <= rest) else {
            return Err(pb_err(
                "length-delimited field runs past the end of the message",
                start,
            ));
        };
        let v = &self.buf[self.pos..self.pos + len];
        self.pos += len;
        Ok(v)
    }

    fn fixed(&mut self, n: usize) -> Result<()> {
        if self.buf.len() - self.pos < n {
            return Err(pb_err("truncated fixed-width field", self.pos));
        }
        self.pos += n;
        Ok(())
    }

    /// Skips the value of field `field` of wire type `wire`, checking that it is well formed (a group
    /// up to its matching end).
    pub(crate) fn skip(&mut self, field: u32, wire: u8) -> Result<()> {
        match wire {
            VARINT => self.varint().map(drop),
            FIXED64 => self.fixed(8),
            LEN => self.bytes().map(drop),
            START_GROUP => self.skip_group(field),
            END_GROUP => Err(pb_err("end of a group that was not started", self.pos)),
            _ => self.fixed(4),
        }
    }

    fn skip_group(&mut self, field: u32) -> Result<()> {
        let mut open = [0u32; MAX_GROUP_DEPTH];
        open[0] = field;
        let mut depth = 1;
        while depth > 0 {
            let at = self.pos;
            let Some((f, wire)) = self.key()? else {
                return Err(pb_err("group without its end", at));
            };
            match wire {
                START_GROUP => {
                    if depth == MAX_GROUP_DEPTH {
                        return Err(pb_err("groups nested too deep", at));
                    }
                    open[depth] = f;
                    depth += 1;
                }
                END_GROUP => {
                    depth -= 1;
                    if open[depth] != f {
                        return Err(pb_err("end of a group that was not started", at));
                    }
                }
                _ => self.skip(f, wire)?,
            }
        }
        Ok(())
    }
}

/// A cursor writing into a caller's slice.
#[derive(Debug)]
pub(crate) struct Writer<'b> {
    buf: &'b mut [u8],
    pos: usize,
}

/// The error of an enum's `FromStr` for a name the enum does not have.
#[cold]
pub(crate) fn not_an_enum_name() -> Error {
    Error::without_offset(ErrorKind::InvalidValue("not a name of this protobuf enum"))
}

#[cfg(not(target_os = "none"))]
/// A `BufferTooSmall` from the writer (which knows only what it was asked to add) with the message's
/// whole length instead; other errors as they are.
#[cold]
pub(crate) fn exact_need(e: Error, needed: usize) -> Error {
    match e.kind() {
        ErrorKind::BufferTooSmall { .. } => Error::new(
            ErrorKind::BufferTooSmall { needed },
            e.offset().unwrap_or(0),
        ),
        _ => e,
    }
}

impl<'b> Writer<'b> {
    pub(crate) fn new(buf: &'b mut [u8]) -> Self {
        Writer { buf, pos: 0 }
    }

    /// The written front of the buffer.
    pub(crate) fn into_filled(self) -> &'b mut [u8] {
        // `pos` never passes the buffer's end (`put` checks), so this never falls back.
        self.buf.get_mut(..self.pos).unwrap_or_default()
    }

    pub(crate) fn put(&mut self, bytes: &[u8]) -> Result<()> {
        let end = self.pos + bytes.len();
        let Some(dst) = self.buf.get_mut(self.pos..end) else {
            return Err(Error::new(
                ErrorKind::BufferTooSmall { needed: end },
                self.pos,
            ));
        };
        dst.copy_from_slice(bytes);
        self.pos = end;
        Ok(())
    }

    pub(crate) fn varint(&mut self, mut v: u64) -> Result<()> {
        let mut tmp = [0u8; 10];
        let mut n = 0;
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                tmp[n] = b;
                n += 1;
                break;
            }
            tmp[n] = b | 0x80;
            n += 1;
        }
        self.put(&tmp[..n])
    }

    pub(crate) fn key(&mut self, field: u32, wire: u8) -> Result<()> {
        self.varint((u64::from(field) << 3) | u64::from(wire))
    }
}

/// A field value type: how it is read after its key, its length and how it is written.
///
/// Implemented for the scalar types (`int32` = `i32`, `int64` = `i64`, `uint32` = `u32`, `uint64` =
/// `u64`, `bool`), `string` (`&str`, UTF-8 checked), `bytes` (`&[u8]`), the enums and the messages.
pub trait Value<'a>: Sized + Copy {
    /// The protobuf wire type (0 varint, 2 length-delimited).
    #[doc(hidden)]
    const WIRE: u8;
    /// Reads the value after its key.
    #[doc(hidden)]
    #[allow(private_interfaces)]
    fn read(r: &mut Reader<'a>) -> Result<Self>;
    /// Reads a repeated occurrence of a singular field: scalars replace the earlier value, messages
    /// merge into it (protobuf semantics).
    #[doc(hidden)]
    #[allow(private_interfaces)]
    fn merge(_prev: Option<Self>, r: &mut Reader<'a>) -> Result<Self> {
        Self::read(r)
    }
    /// Bytes of the value after its key.
    #[doc(hidden)]
    fn value_len(&self) -> usize;
    /// The value for [`Reflect`].
    #[doc(hidden)]
    fn reflect(&self) -> FieldValue<'_>;
    /// Writes the value after its key.
    #[doc(hidden)]
    #[allow(private_interfaces)]
    fn write(&self, w: &mut Writer<'_>) -> Result<()>;
}

macro_rules! varint_value {
    ($($ty:ty => $variant:ident |$v:ident| $to:expr, |$u:ident| $from:expr;)*) => {$(
        impl Value<'_> for $ty {
            const WIRE: u8 = VARINT;
            #[allow(private_interfaces)]
            fn read(r: &mut Reader<'_>) -> Result<Self> {
                let $u = r.varint()?;
                Ok($from)
            }
            fn value_len(&self) -> usize {
                let $v = *self;
                varint_len($to)
            }
            fn reflect(&self) -> FieldValue<'_> {
                FieldValue::$variant(*self)
            }
            #[allow(private_interfaces)]
            fn write(&self, w: &mut Writer<'_>) -> Result<()> {
                let $v = *self;
                w.varint($to)
            }
        }
    )*};
}

// proto2 semantics: int32 is sign-extended to 64 bits on the wire and truncated on reading; uint32 too.
#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_possible_wrap
)]
mod varints {
    use super::{FieldValue, Reader, Result, VARINT, Value, Writer, varint_len};
    varint_value! {
        i32 => I32 |v| i64::from(v) as u64, |u| u as i32;
        i64 => I64 |v| v as u64, |u| u as i64;
        u32 => U32 |v| u64::from(v), |u| u as u32;
        u64 => U64 |v| v, |u| u;
        bool => Bool |v| u64::from(v), |u| u != 0;
    }
}

impl<'a> Value<'a> for &'a [u8] {
    const WIRE: u8 = LEN;
    #[allow(private_interfaces)]
    fn read(r: &mut Reader<'a>) -> Result<Self> {
        r.bytes()
    }
    fn value_len(&self) -> usize {
        varint_len(self.len() as u64) + self.len()
    }
    fn reflect(&self) -> FieldValue<'_> {
        FieldValue::Bytes(self)
    }
    #[allow(private_interfaces)]
    fn write(&self, w: &mut Writer<'_>) -> Result<()> {
        w.varint(self.len() as u64)?;
        w.put(self)
    }
}

impl<'a> Value<'a> for &'a str {
    const WIRE: u8 = LEN;
    #[allow(private_interfaces)]
    fn read(r: &mut Reader<'a>) -> Result<Self> {
        let b = r.bytes()?;
        let start = r.pos() - b.len();
        core::str::from_utf8(b)
            .map_err(|e| Error::new(ErrorKind::InvalidUtf8, start + e.valid_up_to()))
    }
    fn value_len(&self) -> usize {
        self.as_bytes().value_len()
    }
    fn reflect(&self) -> FieldValue<'_> {
        FieldValue::Str(self)
    }
    #[allow(private_interfaces)]
    fn write(&self, w: &mut Writer<'_>) -> Result<()> {
        self.as_bytes().write(w)
    }
}

/// A string field that holds a credential (the BIND token and signature): its `Debug` prints
/// `<redacted>`. [`expose`](SecretStr::expose) gives the text.
///
/// ```
/// use mimc_codec::protocol::SecretStr;
/// let token = SecretStr::new("TOKEN-abc123");
/// assert_eq!(format!("{token:?}"), "<redacted>");
/// assert_eq!(token.expose(), "TOKEN-abc123");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub struct SecretStr<'a>(&'a str);

impl<'a> SecretStr<'a> {
    /// Wraps `s`.
    pub const fn new(s: &'a str) -> Self {
        SecretStr(s)
    }
    /// The secret text.
    pub const fn expose(&self) -> &'a str {
        self.0
    }
}

impl fmt::Debug for SecretStr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<'a> Value<'a> for SecretStr<'a> {
    const WIRE: u8 = LEN;
    #[allow(private_interfaces)]
    fn read(r: &mut Reader<'a>) -> Result<Self> {
        <&str>::read(r).map(SecretStr)
    }
    fn value_len(&self) -> usize {
        self.0.value_len()
    }
    fn reflect(&self) -> FieldValue<'_> {
        FieldValue::Secret(*self)
    }
    #[allow(private_interfaces)]
    fn write(&self, w: &mut Writer<'_>) -> Result<()> {
        self.0.write(w)
    }
}

/// A repeated message field, read lazily: it borrows the bytes of the message that holds it (or a
/// slice of values built by the caller) and decodes one element per step of [`iter`](Repeated::iter).
///
/// ```
/// use mimc_codec::protocol::{UcGroup, UcPing, Repeated};
/// let groups = [UcGroup::new().with(|m| { m.app_id = Some(1); m.topic_id = Some(7); }),
///               UcGroup::new().with(|m| { m.app_id = Some(1); m.topic_id = Some(8); })];
/// let ping = UcPing::new().with(|m| { m.group = Repeated::from_slice(&groups); });
/// let mut buf = [0u8; 32];
/// let bytes = ping.encode(&mut buf)?;
/// let back = UcPing::decode(bytes)?;
/// let topics: Vec<u64> = back.group.iter().map(|g| g.map(|g| g.topic_id())).collect::<Result<_, _>>()?;
/// assert_eq!(topics, [7, 8]);
/// # Ok::<(), mimc_codec::Error>(())
/// ```
pub struct Repeated<'a, T> {
    src: Src<'a, T>,
}

enum Src<'a, T> {
    /// Field `field` of the message `msg`, which starts at byte `base` of the decoded input.
    Wire {
        msg: &'a [u8],
        base: usize,
        field: u32,
    },
    Items(&'a [T]),
}

impl<T> Clone for Repeated<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Repeated<'_, T> {}
impl<T> Clone for Src<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Src<'_, T> {}

impl<T> Default for Repeated<'_, T> {
    fn default() -> Self {
        Self::EMPTY
    }
}

impl<'a, T> Repeated<'a, T> {
    /// No elements.
    pub const EMPTY: Self = Repeated {
        src: Src::Items(&[]),
    };

    /// The elements of `items`, for encoding.
    pub const fn from_slice(items: &'a [T]) -> Self {
        Repeated {
            src: Src::Items(items),
        }
    }

    pub(crate) const fn wire(msg: &'a [u8], field: u32) -> Self {
        Repeated {
            src: Src::Wire {
                msg,
                base: 0,
                field,
            },
        }
    }

    /// The encoded elements (the bytes inside each length prefix), for fields read from the wire;
    /// `None` for a slice of values.
    fn raw(&self) -> Option<RawIter<'a>> {
        match self.src {
            Src::Wire { msg, base, field } => Some(RawIter {
                r: Reader::new(msg),
                base,
                field,
            }),
            Src::Items(_) => None,
        }
    }
}

impl<'a, T: Message<'a>> Repeated<'a, T> {
    /// The elements in wire order; each is decoded when reached (an element that does not decode
    /// yields its error, with the offset in the input the message was decoded from).
    pub fn iter(&self) -> RepeatedIter<'a, T> {
        RepeatedIter {
            raw: self.raw(),
            items: match self.src {
                Src::Items(items) => items.iter(),
                Src::Wire { .. } => [].iter(),
            },
        }
    }

    /// Number of elements (counts without decoding them).
    pub fn len(&self) -> usize {
        match self.src {
            Src::Items(items) => items.len(),
            Src::Wire { .. } => self.raw().map_or(0, Iterator::count),
        }
    }

    /// `true` when there is no element.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub(crate) fn encoded_len(&self, field: u32) -> usize {
        match self.raw() {
            Some(raw) => raw
                .map(|r| r.map_or(0, |(_, b)| key_len(field) + b.value_len()))
                .sum(),
            None => self
                .iter()
                .flatten()
                .map(|v| key_len(field) + v.value_len())
                .sum(),
        }
    }

    pub(crate) fn write(&self, field: u32, w: &mut Writer<'_>) -> Result<()> {
        if let Some(raw) = self.raw() {
            // Elements read from the wire are written back as they came.
            for item in raw {
                let (_, bytes) = item?;
                w.key(field, LEN)?;
                bytes.write(w)?;
            }
            return Ok(());
        }
        for item in self {
            w.key(field, T::WIRE)?;
            item?.write(w)?;
        }
        Ok(())
    }

    pub(crate) fn shifted(mut self, by: usize) -> Self {
        if let Src::Wire { base, .. } = &mut self.src {
            *base += by;
        }
        self
    }
}

/// The raw elements of a wire-backed repeated field: `(offset of the element's bytes, bytes)`.
struct RawIter<'a> {
    r: Reader<'a>,
    base: usize,
    field: u32,
}

impl<'a> Iterator for RawIter<'a> {
    type Item = Result<(usize, &'a [u8])>;
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let (field, wire) = match self.r.key() {
                Ok(Some(k)) => k,
                Ok(None) => return None,
                Err(e) => return Some(Err(e.shifted(self.base))),
            };
            if field == self.field && wire == LEN {
                return Some(
                    self.r
                        .bytes()
                        .map(|b| (self.base + self.r.pos() - b.len(), b))
                        .map_err(|e| e.shifted(self.base)),
                );
            }
            if let Err(e) = self.r.skip(field, wire) {
                return Some(Err(e.shifted(self.base)));
            }
        }
    }
}

/// Iterator over a [`Repeated`] field.
pub struct RepeatedIter<'a, T> {
    raw: Option<RawIter<'a>>,
    items: core::slice::Iter<'a, T>,
}

impl<'a, T: Message<'a>> Iterator for RepeatedIter<'a, T> {
    type Item = Result<T>;
    fn next(&mut self) -> Option<Self::Item> {
        let Some(raw) = &mut self.raw else {
            return self.items.next().copied().map(Ok);
        };
        Some(
            raw.next()?
                .and_then(|(at, bytes)| T::decode(bytes).map_err(|e| e.shifted(at))),
        )
    }
}

impl<'a, T: Message<'a>> IntoIterator for &Repeated<'a, T> {
    type Item = Result<T>;
    type IntoIter = RepeatedIter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a, T: Message<'a> + fmt::Debug> fmt::Debug for Repeated<'a, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a, T: Message<'a> + PartialEq> PartialEq for Repeated<'a, T> {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

/// A protobuf message of the protocol: decoded from borrowed bytes, encoded into a caller's slice.
///
/// Every message type also has these as inherent methods; the trait is for generic code (such as
/// [`encode_frame`](super::encode_frame)'s payload).
///
/// ```
/// use mimc_codec::protocol::{Message, XmMsgKick};
/// fn roundtrip<'a, M: Message<'a> + PartialEq + core::fmt::Debug>(m: M, buf: &'a mut [u8]) {
///     let bytes = m.encode(buf).unwrap();
///     assert_eq!(M::decode(bytes).unwrap(), m);
/// }
/// roundtrip(XmMsgKick::new().with(|m| { m.reason = Some("single-resource-kick"); }), &mut [0u8; 64]);
/// ```
pub trait Message<'a>: Value<'a> {
    /// The protobuf name (`MIMCPacket`, `ClientHeader`).
    const NAME: &'static str;
    /// Decodes `buf`; unknown fields are checked and skipped, strings are checked as UTF-8.
    fn decode(buf: &'a [u8]) -> Result<Self>;
    /// Bytes [`encode`](Message::encode) writes.
    fn encoded_len(&self) -> usize;
    /// Writes the message into `out` in field-number order and returns the filled front of `out`:
    /// exactly the [`encoded_len`](Message::encoded_len) bytes written (`.len()` when only the length
    /// matters); nothing past them is touched.
    ///
    /// # Errors
    ///
    /// `BufferTooSmall { needed }` when `out` is shorter than
    /// [`encoded_len`](Message::encoded_len), `needed` being that length (on bare-metal targets: at
    /// least that many).
    fn encode<'b>(&self, out: &'b mut [u8]) -> Result<&'b mut [u8]>;
}

/// Declares open protobuf enums: `Name = "PROTO_NAME" { #[default] Variant = 1 "WIRE_NAME", … }`
/// (the default is the first listed value, as in proto2).
///
/// Generates the enum with an `Unknown(i32)` variant (an unknown value must not fail a decode),
/// `from_i32`, `to_i32`, `name` (the protobuf spelling), `Default` and the wire codec.
macro_rules! pb_enum {
    ($(
        $(#[$meta:meta])*
        $name:ident = $proto:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $value:literal $wire:literal, )*
        }
    )*) => {$(
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* #[doc = concat!("`", $wire, "` = ", stringify!($value), ".")] $variant, )*
            /// A value this crate does not know; kept so that it re-encodes unchanged.
            Unknown(i32),
        }

        impl $name {
            #[doc = concat!("The protobuf name of the enum: `", $proto, "`.")]
            pub const PROTO_NAME: &'static str = $proto;

            /// The variant of a wire value.
            pub const fn from_i32(v: i32) -> Self {
                match v {
                    $( $value => Self::$variant, )*
                    v => Self::Unknown(v),
                }
            }

            /// The wire value.
            pub const fn to_i32(self) -> i32 {
                match self {
                    $( Self::$variant => $value, )*
                    Self::Unknown(v) => v,
                }
            }

            /// The value's name as the .proto spells it (`None` for an unknown value).
            pub const fn name(self) -> Option<&'static str> {
                match Self::from_i32(self.to_i32()) {
                    $( Self::$variant => Some($wire), )*
                    _ => None,
                }
            }
        }

        impl PartialEq<i32> for $name {
            fn eq(&self, other: &i32) -> bool {
                self.to_i32() == *other
            }
        }

        impl core::str::FromStr for $name {
            type Err = $crate::Error;
            /// The variant the .proto names `s` ([`name`](Self::name)'s inverse; case-sensitive).
            /// A name the enum does not have is an `InvalidValue` error (an unknown value has no name:
            /// use [`from_i32`](Self::from_i32)).
            fn from_str(s: &str) -> $crate::Result<Self> {
                match s {
                    $( $wire => Ok(Self::$variant), )*
                    _ => Err($crate::protocol::pb::not_an_enum_name()),
                }
            }
        }

        impl $crate::protocol::pb::Value<'_> for $name {
            const WIRE: u8 = $crate::protocol::pb::VARINT;
            #[allow(private_interfaces)]
            fn read(r: &mut $crate::protocol::pb::Reader<'_>) -> $crate::Result<Self> {
                <i32 as $crate::protocol::pb::Value>::read(r).map(Self::from_i32)
            }
            fn value_len(&self) -> usize {
                $crate::protocol::pb::Value::value_len(&self.to_i32())
            }
            fn reflect(&self) -> $crate::protocol::pb::FieldValue<'_> {
                $crate::protocol::pb::FieldValue::Enum(self.to_i32(), self.name())
            }
            #[allow(private_interfaces)]
            fn write(&self, w: &mut $crate::protocol::pb::Writer<'_>) -> $crate::Result<()> {
                $crate::protocol::pb::Value::write(&self.to_i32(), w)
            }
        }
    )*};
}

/// Declares protobuf messages, one table per message:
///
/// ```text
/// Name = "ProtoName" {
///     number presence rust_name "jsonName": Type = default;   // presence: opt | req | rep
/// }
/// ```
///
/// `opt` and `req` fields are `Option<Type>` with a getter of the same name returning the default when
/// absent (a `req` field is written with its default when unset, and accepted absent on decode); `rep`
/// fields are [`Repeated`]. Generates the borrowed struct (`#[non_exhaustive]`, `new`, `Default`),
/// `decode`, `encoded_len`, `encode` and the [`Message`] impl. Fields must be listed in number order:
/// that is the order they are written in.
macro_rules! pb_messages {
    ($(
        $(#[$meta:meta])*
        $name:ident = $proto:literal {
            $( $(#[$fmeta:meta])* $num:literal $kind:ident $field:ident $json:literal : $ty:ty $(= $default:expr)?; )*
        }
    )*) => {$(
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Default)]
        #[non_exhaustive]
        pub struct $name<'a> {
            $( $(#[$fmeta])* #[doc = concat!("\n\nField ", stringify!($num), " `", $json, "`.")]
               pub $field: $crate::protocol::pb::pb_storage!($kind 'a $ty), )*
            _lt: core::marker::PhantomData<&'a ()>,
        }

        impl<'a> $name<'a> {
            /// The field numbers and JSON (lowerCamelCase) names, in number order.
            pub const FIELDS: &'static [(u32, &'static str)] = &[$( ($num, $json), )*];

            /// The message after `f` set its fields: the way to build one outside this crate, where the
            /// `#[non_exhaustive]` struct has no literal.
            #[must_use]
            pub fn with(mut self, f: impl FnOnce(&mut Self)) -> Self {
                f(&mut self);
                self
            }

            /// A message with no field set.
            pub const fn new() -> Self {
                $name { $( $field: $crate::protocol::pb::pb_empty!($kind), )* _lt: core::marker::PhantomData }
            }

            $( $crate::protocol::pb::pb_getter!($kind $field $json $ty $(, $default)?); )*

            /// Decodes `buf`. Unknown fields (and known numbers with an unexpected wire type) are
            /// checked and skipped; a field given twice keeps its last value; repeated fields are read
            /// lazily. Never allocates.
            pub fn decode(buf: &'a [u8]) -> $crate::Result<Self> {
                Self::decode_onto(Self::new(), buf)
            }

            /// Decodes `buf` onto `m` (protobuf merging: set fields replace, nested messages merge).
            fn decode_onto(mut m: Self, buf: &'a [u8]) -> $crate::Result<Self> {
                #[allow(unused_imports)]
                use $crate::protocol::pb::{Reader, Value};
                $( $crate::protocol::pb::pb_init!($kind m.$field, buf, $num); )*
                let mut r = Reader::new(buf);
                while let Some((field, wire)) = r.key()? {
                    match field {
                        $( $num if wire == $crate::protocol::pb::pb_wire!($kind $ty) => {
                            $crate::protocol::pb::pb_read!($kind m.$field, r, $ty, $json);
                        } )*
                        _ => r.skip(field, wire)?,
                    }
                }
                Ok(m)
            }

            /// Bytes [`encode`](Self::encode) writes.
            pub fn encoded_len(&self) -> usize {
                #[allow(unused_imports)]
                use $crate::protocol::pb::{key_len, Value};
                0 $( + $crate::protocol::pb::pb_len!($kind self.$field, $num, $ty $(, $default)?) )*
            }

            /// Writes the message into `out` (fields in number order) and returns the filled front of
            /// `out`: exactly the [`encoded_len`](Self::encoded_len) bytes written (the crate's
            /// convention for writing into a caller's slice; `.len()` when only the length matters).
            ///
            /// # Errors
            ///
            /// `BufferTooSmall { needed }` with the exact length needed
            /// ([`encoded_len`](Self::encoded_len)) when `out` is shorter (on bare-metal targets,
            /// which put code size first: at least that many).
            pub fn encode<'b>(&self, out: &'b mut [u8]) -> $crate::Result<&'b mut [u8]> {
                let mut w = $crate::protocol::pb::Writer::new(out);
                match self.write_fields(&mut w) {
                    Ok(()) => Ok(w.into_filled()),
                    // Bare metal (size first): the writer's own count, at least what is needed.
                    #[cfg(target_os = "none")]
                    Err(e) => Err(e),
                    #[cfg(not(target_os = "none"))]
                    Err(e) => Err($crate::protocol::pb::exact_need(e, self.encoded_len())),
                }
            }

            #[allow(unused_imports)]
            fn write_fields(&self, w: &mut $crate::protocol::pb::Writer<'_>) -> $crate::Result<()> {
                use $crate::protocol::pb::Value;
                $( $crate::protocol::pb::pb_write!($kind self.$field, w, $num, $ty $(, $default)?); )*
                Ok(())
            }

            #[allow(unused_mut)]
            fn shifted(mut self, _by: usize) -> Self {
                $( $crate::protocol::pb::pb_shift!($kind self.$field, _by); )*
                self
            }
        }

        impl core::fmt::Debug for $name<'_> {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                let mut d = f.debug_struct($proto);
                $( $crate::protocol::pb::pb_debug!($kind d, $json, self.$field); )*
                d.finish()
            }
        }

        impl<'a> $crate::protocol::pb::Value<'a> for $name<'a> {
            const WIRE: u8 = $crate::protocol::pb::LEN;
            #[allow(private_interfaces)]
            fn read(r: &mut $crate::protocol::pb::Reader<'a>) -> $crate::Result<Self> {
                let b = r.bytes()?;
                let at = r.pos() - b.len();
                Self::decode(b).map(|m| m.shifted(at)).map_err(|e| e.shifted(at))
            }
            #[allow(private_interfaces)]
            fn merge(prev: Option<Self>, r: &mut $crate::protocol::pb::Reader<'a>) -> $crate::Result<Self> {
                let b = r.bytes()?;
                let at = r.pos() - b.len();
                Self::decode_onto(prev.unwrap_or(Self::new()), b)
                    .map(|m| m.shifted(at))
                    .map_err(|e| e.shifted(at))
            }
            fn value_len(&self) -> usize {
                let n = self.encoded_len();
                $crate::protocol::pb::varint_len(n as u64) + n
            }
            fn reflect(&self) -> $crate::protocol::pb::FieldValue<'_> {
                $crate::protocol::pb::FieldValue::Message(self)
            }
            #[allow(private_interfaces)]
            fn write(&self, w: &mut $crate::protocol::pb::Writer<'_>) -> $crate::Result<()> {
                w.varint(self.encoded_len() as u64)?;
                self.write_fields(w)
            }
        }

        impl $crate::protocol::pb::Reflect for $name<'_> {
            fn proto_name(&self) -> &'static str {
                $proto
            }
            fn visit<'s>(&'s self, f: &mut dyn FnMut(&'static str, $crate::protocol::pb::FieldValue<'s>)) {
                #[allow(unused_imports)]
                use $crate::protocol::pb::Value;
                $( $crate::protocol::pb::pb_visit!($kind f, $json, self.$field); )*
            }
        }

        impl<'a> TryFrom<&'a [u8]> for $name<'a> {
            type Error = $crate::Error;
            /// [`decode`](Self::decode): the message these bytes encode.
            fn try_from(buf: &'a [u8]) -> $crate::Result<Self> {
                Self::decode(buf)
            }
        }

        impl<'a> $crate::protocol::pb::Message<'a> for $name<'a> {
            const NAME: &'static str = $proto;
            fn decode(buf: &'a [u8]) -> $crate::Result<Self> {
                Self::decode(buf)
            }
            fn encoded_len(&self) -> usize {
                Self::encoded_len(self)
            }
            fn encode<'b>(&self, out: &'b mut [u8]) -> $crate::Result<&'b mut [u8]> {
                Self::encode(self, out)
            }
        }
    )*};
}

macro_rules! pb_storage {
    (rep $lt:lifetime $ty:ty) => { $crate::protocol::pb::Repeated<$lt, $ty> };
    ($kind:ident $lt:lifetime $ty:ty) => { Option<$ty> };
}

macro_rules! pb_empty {
    (rep) => {
        $crate::protocol::pb::Repeated::EMPTY
    };
    ($kind:ident) => {
        None
    };
}

macro_rules! pb_getter {
    (rep $field:ident $json:literal $ty:ty) => {};
    ($kind:ident $field:ident $json:literal $ty:ty, $default:expr) => {
        #[doc = concat!("`", $json, "`, or its default `", stringify!($default), "` when absent.")]
        pub fn $field(&self) -> $ty {
            match self.$field {
                Some(v) => v,
                None => $default,
            }
        }
    };
}

macro_rules! pb_init {
    (rep $place:expr, $buf:expr, $num:literal) => {
        $place = $crate::protocol::pb::Repeated::wire($buf, $num)
    };
    ($kind:ident $place:expr, $buf:expr, $num:literal) => {};
}

macro_rules! pb_wire {
    (rep $ty:ty) => {
        $crate::protocol::pb::LEN
    };
    ($kind:ident $ty:ty) => {
        <$ty as $crate::protocol::pb::Value>::WIRE
    };
}

macro_rules! pb_read {
    (rep $place:expr, $r:ident, $ty:ty, $json:literal) => {
        $r.skip(0, $crate::protocol::pb::LEN)
            .map_err(|e| e.in_field($json))?
    };
    ($kind:ident $place:expr, $r:ident, $ty:ty, $json:literal) => {
        $place = Some(
            <$ty as $crate::protocol::pb::Value>::merge($place, &mut $r)
                .map_err(|e| e.in_field($json))?,
        )
    };
}

macro_rules! pb_len {
    (rep $place:expr, $num:literal, $ty:ty) => {
        $place.encoded_len($num)
    };
    (opt $place:expr, $num:literal, $ty:ty, $default:expr) => {
        match &$place {
            Some(v) => key_len($num) + v.value_len(),
            None => 0,
        }
    };
    (req $place:expr, $num:literal, $ty:ty, $default:expr) => {{
        let v: $ty = match $place {
            Some(v) => v,
            None => $default,
        };
        key_len($num) + v.value_len()
    }};
}

macro_rules! pb_write {
    (rep $place:expr, $w:ident, $num:literal, $ty:ty) => {
        $place.write($num, $w)?
    };
    (opt $place:expr, $w:ident, $num:literal, $ty:ty, $default:expr) => {
        if let Some(v) = &$place {
            $w.key($num, <$ty as Value>::WIRE)?;
            v.write($w)?;
        }
    };
    (req $place:expr, $w:ident, $num:literal, $ty:ty, $default:expr) => {{
        let v: $ty = match $place {
            Some(v) => v,
            None => $default,
        };
        $w.key($num, <$ty as Value>::WIRE)?;
        v.write($w)?;
    }};
}

macro_rules! pb_shift {
    (rep $place:expr, $by:ident) => {
        $place = $place.shifted($by)
    };
    ($kind:ident $place:expr, $by:ident) => {};
}

macro_rules! pb_visit {
    (rep $f:ident, $json:literal, $place:expr) => {
        if !$place.is_empty() {
            $f($json, $crate::protocol::pb::FieldValue::List(&$place));
        }
    };
    ($kind:ident $f:ident, $json:literal, $place:expr) => {
        if let Some(v) = &$place {
            $f($json, v.reflect());
        }
    };
}

macro_rules! pb_debug {
    (rep $d:ident, $json:literal, $place:expr) => {
        if !$place.is_empty() {
            $d.field($json, &$place);
        }
    };
    ($kind:ident $d:ident, $json:literal, $place:expr) => {
        if let Some(v) = &$place {
            $d.field($json, v);
        }
    };
}

pub(crate) use {
    pb_debug, pb_empty, pb_enum, pb_getter, pb_init, pb_len, pb_messages, pb_read, pb_shift,
    pb_storage, pb_visit, pb_wire, pb_write,
};

/// Something [`encode_frame`](super::encode_frame) can write as a payload: any [`Message`], or raw
/// bytes (`&[u8]`, e.g. [`NO_PAYLOAD`](super::NO_PAYLOAD) for a header-only frame).
///
/// ```
/// use mimc_codec::protocol::{Encode, XmMsgPing};
/// let raw: &[u8] = b"\x0a\x00";
/// assert_eq!(Encode::encoded_len(&raw), 2);
/// assert_eq!(Encode::encoded_len(&XmMsgPing::new()), 0);
/// let mut out = [0u8; 8];
/// assert_eq!(Encode::encode(&raw, &mut out)?, b"\x0a\x00"); // the filled front of `out`
/// # Ok::<(), mimc_codec::Error>(())
/// ```
pub trait Encode {
    /// Bytes [`encode`](Encode::encode) writes.
    fn encoded_len(&self) -> usize;
    /// Writes into `out` and returns the filled front of `out`: exactly the
    /// [`encoded_len`](Encode::encoded_len) bytes written.
    ///
    /// # Errors
    ///
    /// `BufferTooSmall { needed }` when `out` is shorter than [`encoded_len`](Encode::encoded_len)
    /// (`needed`; for a message on bare-metal targets: at least that many).
    fn encode<'b>(&self, out: &'b mut [u8]) -> Result<&'b mut [u8]>;
}

impl<'a, M: Message<'a>> Encode for M {
    fn encoded_len(&self) -> usize {
        Message::encoded_len(self)
    }
    fn encode<'b>(&self, out: &'b mut [u8]) -> Result<&'b mut [u8]> {
        Message::encode(self, out)
    }
}

impl Encode for &[u8] {
    fn encoded_len(&self) -> usize {
        self.len()
    }
    fn encode<'b>(&self, out: &'b mut [u8]) -> Result<&'b mut [u8]> {
        let mut w = Writer::new(out);
        w.put(self)?;
        Ok(w.into_filled())
    }
}

/// A field's value as [`Reflect::visit`] shows it, with its protobuf type.
#[derive(Clone, Copy)]
#[non_exhaustive]
pub enum FieldValue<'v> {
    /// `int32`.
    I32(i32),
    /// `int64`.
    I64(i64),
    /// `uint32`.
    U32(u32),
    /// `uint64`.
    U64(u64),
    /// `bool`.
    Bool(bool),
    /// `string`.
    Str(&'v str),
    /// A credential `string` (shown as `<redacted>` by careful tools).
    Secret(SecretStr<'v>),
    /// `bytes`.
    Bytes(&'v [u8]),
    /// An enum: the value and its name when known.
    Enum(i32, Option<&'static str>),
    /// A nested message.
    Message(&'v dyn Reflect),
    /// A repeated message field (non-empty).
    List(&'v dyn ReflectList),
}

/// Generic access to a message's fields, for tools that show any message (such as a JSON dump).
///
/// ```
/// use mimc_codec::protocol::{FieldValue, Reflect, XmMsgKick};
/// let kick = XmMsgKick::decode(b"\x12\x04gone")?;
/// let mut seen = vec![];
/// kick.visit(&mut |name, v| if let FieldValue::Str(s) = v { seen.push((name, s.to_owned())) });
/// assert_eq!(seen, [("reason", "gone".to_owned())]);
/// assert_eq!(kick.proto_name(), "XMMsgKick");
/// # Ok::<(), mimc_codec::Error>(())
/// ```
pub trait Reflect {
    /// The protobuf message name.
    fn proto_name(&self) -> &'static str;
    /// Calls `f` with the JSON (lowerCamelCase) name and the value of every field present, in number
    /// order.
    fn visit<'s>(&'s self, f: &mut dyn FnMut(&'static str, FieldValue<'s>));
}

/// The elements of a repeated message field, for [`Reflect`].
pub trait ReflectList {
    /// Calls `f` with each element in wire order (or its decoding error).
    fn visit_items(&self, f: &mut dyn FnMut(Result<&dyn Reflect>));
}

impl<'a, T: Message<'a> + Reflect> ReflectList for Repeated<'a, T> {
    fn visit_items(&self, f: &mut dyn FnMut(Result<&dyn Reflect>)) {
        for item in self {
            match item {
                Ok(m) => f(Ok(&m)),
                Err(e) => f(Err(e)),
            }
        }
    }
}
