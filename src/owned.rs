//! Owned copies of models that outlive the input: on the heap ([`Owned`], feature `alloc`) or in a
//! fixed-capacity buffer ([`Fixed`], feature `heapless`, no allocator).
//!
//! A model such as [`Envelope<'a>`](crate::Envelope) is a `Copy` view that borrows its strings from the
//! input. An owned copy keeps **one buffer** holding the value's canonical JSON (what
//! [`ToJson`] writes) and hands out a fresh borrowed view with [`Owned::get`]: the same
//! zero-copy decoder reads it again (a few hundred nanoseconds for a small envelope, no allocation).
//! Nothing is leaked, nothing is `unsafe`, and [`JsonStr`] stays a `Copy` borrowed string.
//!
//! ```
//! # #[cfg(feature = "alloc")] {
//! use mimc_codec::{Envelope, owned::OwnedEnvelope};
//!
//! fn receive() -> OwnedEnvelope {
//!     let input = br#"{"version":0,"msgId":"TEXT_12345","msgType":"TEXT","timestamp":"1516763973000",
//!         "payload":"Welcome to the Xiaomi instant message cloud (MIMC)"}"#.to_vec();
//!     let env = Envelope::from_json(&input).unwrap();
//!     env.into_owned().unwrap() // one allocation; `input` may go now
//! }
//! let owned = receive();
//! assert_eq!(*owned.get().msg_id().unwrap(), "TEXT_12345");
//! # }
//! ```
//!
//! The copy is the value as a JSON round trip gives it back (ids keep their representation, keys their
//! dialect, custom payloads their text); `get()` of a copy equals the original for every value that
//! decoding produced.

use core::fmt;
use core::marker::PhantomData;

use crate::api::Response;
use crate::callback::Callback;
use crate::envelope::{Envelope, Kind, KindKey};
use crate::error::{Error, ErrorKind, Result};
use crate::json::{CountSink, DecodeOptions, JsonStr, MAX_DEPTH_LIMIT, Sink, ToJson};
use crate::name::CustomName;

pub(crate) mod sealed {
    #[allow(unreachable_pub)]
    pub trait Sealed {}
}

/// Where the stored JSON starts and what it needs besides (the envelope's kind when its JSON has no kind key).
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    split: usize,
    tag: u8,
}

/// A model that can be kept as an owned copy. Implemented for each model at `'static`
/// (`Envelope<'static>`), which names the model; [`View`](Self::View) is the borrowed value. Sealed.
pub trait Ownable: sealed::Sealed + 'static {
    /// The borrowed model, e.g. `Envelope<'a>`.
    type View<'a>: fmt::Debug + PartialEq;

    /// Writes the stored form of `v`.
    #[doc(hidden)]
    fn store<S: Sink + ?Sized>(v: &Self::View<'_>, sink: &mut S) -> Result<Layout>;

    /// Reads the stored form back.
    #[doc(hidden)]
    fn load(bytes: &[u8], layout: Layout) -> Result<Self::View<'_>>;

    /// Decodes the model from JSON text with its own reader (owned copies read from streamed input): the
    /// envelope or callback itself; for a typed reply, the whole reply body (`{code, message, data}`,
    /// a non-200 `code` being its [`ApiError`](crate::api::ApiError)).
    #[doc(hidden)]
    fn from_json_text(json: &[u8]) -> core::result::Result<Self::View<'_>, crate::api::ReplyError>;

    /// A value for the (unreachable) case that stored bytes, checked when stored, fail to load.
    #[doc(hidden)]
    fn placeholder<'a>() -> Self::View<'a>;

    /// `==` across two lifetimes (the copy's and the original's).
    #[doc(hidden)]
    fn same(a: &Self::View<'_>, b: &Self::View<'_>) -> bool;
}

impl Layout {
    /// The stored form is the value's JSON, nothing else.
    pub(crate) const PLAIN: Layout = Layout { split: 0, tag: 0 };
}

/// Reads a model back from its stored JSON (what its `ToJson` wrote, checked when stored).
pub(crate) fn load_model<'b, T>(
    bytes: &'b [u8],
    read: fn(&mut crate::json::ObjectIter<'b>) -> Result<T>,
) -> Result<T> {
    read(&mut crate::json::top_object(bytes, &trusted())?)
}

/// A copy never invents a value: what the stored form reads back as must be the value given.
fn check_reads_back<T: Ownable>(value: &T::View<'_>, loaded: &T::View<'_>) -> Result<()> {
    if T::same(value, loaded) {
        Ok(())
    } else {
        Err(Error::new(
            ErrorKind::InvalidValue("value that does not read back as itself"),
            0,
        ))
    }
}

/// Counts what passes through to the inner sink.
struct Counted<'s, S: ?Sized>(&'s mut S, usize);
impl<S: Sink + ?Sized> Sink for Counted<'_, S> {
    fn put(&mut self, bytes: &[u8]) -> Result<()> {
        self.0.put(bytes)?;
        self.1 += bytes.len();
        Ok(())
    }
}

const TAG_CUSTOM: u8 = 4;

/// Limits for reading back what was checked when stored.
fn trusted() -> DecodeOptions {
    DecodeOptions::new()
        .with_max_depth(MAX_DEPTH_LIMIT)
        .with_max_payload(usize::MAX)
}

impl sealed::Sealed for Envelope<'static> {}

/// Stored as the kind's name followed by the envelope's JSON without kind key (so that an envelope whose
/// kind came from outside, possibly without `msgId`, reads back the same).
impl Ownable for Envelope<'static> {
    type View<'a> = Envelope<'a>;

    fn store<S: Sink + ?Sized>(v: &Envelope<'_>, sink: &mut S) -> Result<Layout> {
        // The JSON is written without its kind key, so check what that key asks for here.
        v.check_encodable()?;
        let kind = v.kind();
        let mut c = Counted(sink, 0);
        kind.write_name(&mut c, false)?;
        let split = c.1;
        v.with_kind_key(KindKey::Absent).write_json(c.0)?;
        let key = match v.kind_key() {
            KindKey::MsgType => 0,
            KindKey::Type => 1,
            KindKey::Absent => 2,
        };
        let custom = if matches!(kind, Kind::_Custom(CustomName(_))) {
            TAG_CUSTOM
        } else {
            0
        };
        Ok(Layout {
            split,
            tag: key | custom,
        })
    }

    fn load(bytes: &[u8], layout: Layout) -> Result<Envelope<'_>> {
        let (name, json) = bytes
            .split_at_checked(layout.split)
            .ok_or(Error::new(ErrorKind::UnexpectedEnd, bytes.len()))?;
        let name = crate::json::utf8(name)?;
        let kind = if layout.tag & TAG_CUSTOM == 0 {
            Kind::parse(name)
        } else {
            Kind::_Custom(CustomName(JsonStr::new(name)))
        };
        let key = match layout.tag & 3 {
            0 => KindKey::MsgType,
            1 => KindKey::Type,
            _ => KindKey::Absent,
        };
        let env = Envelope::from_json_outside(json, Some(kind), &trusted())
            .map_err(|e| e.shifted(layout.split))?;
        Ok(env.with_kind_key(key))
    }

    fn from_json_text(json: &[u8]) -> core::result::Result<Envelope<'_>, crate::api::ReplyError> {
        Ok(Envelope::from_json(json)?)
    }

    fn placeholder<'a>() -> Envelope<'a> {
        Envelope::text("", 0, "")
    }

    fn same(a: &Envelope<'_>, b: &Envelope<'_>) -> bool {
        a == b
    }
}

impl sealed::Sealed for Callback<'static> {}

/// Stored as the callback's canonical JSON.
impl Ownable for Callback<'static> {
    type View<'a> = Callback<'a>;

    fn store<S: Sink + ?Sized>(v: &Callback<'_>, sink: &mut S) -> Result<Layout> {
        v.write_json(sink)?;
        Ok(Layout { split: 0, tag: 0 })
    }

    fn load(bytes: &[u8], _: Layout) -> Result<Callback<'_>> {
        Callback::from_json_with(bytes, &trusted())
    }

    fn from_json_text(json: &[u8]) -> core::result::Result<Callback<'_>, crate::api::ReplyError> {
        Ok(Callback::from_json(json)?)
    }

    fn placeholder<'a>() -> Callback<'a> {
        Callback::normal_msg(0, "", 0, "", &[], 0)
    }

    fn same(a: &Callback<'_>, b: &Callback<'_>) -> bool {
        a == b
    }
}

/// An owned [`Callback`] on the heap.
#[cfg(feature = "alloc")]
pub type OwnedCallback = Owned<Callback<'static>>;

/// An owned [`Callback`] in at most `N` bytes, without an allocator.
#[cfg(feature = "heapless")]
pub type HeaplessCallback<const N: usize> = Fixed<Callback<'static>, N>;

impl Callback<'_> {
    /// An owned copy in one heap allocation, independent of the input (feature `alloc`).
    #[cfg(feature = "alloc")]
    pub fn into_owned(self) -> Result<OwnedCallback> {
        Owned::new(&self)
    }

    /// An owned copy in a fixed-capacity buffer of `N` bytes (feature `heapless`, no allocator).
    #[cfg(feature = "heapless")]
    pub fn to_heapless<const N: usize>(&self) -> Result<HeaplessCallback<N>> {
        Fixed::new(self)
    }
}

impl sealed::Sealed for Response<'static> {}

/// Stored as `{"code":…,"message":…,"data":…}` (`data` verbatim); typed data is read from the copy with
/// [`Response::data_as`].
impl Ownable for Response<'static> {
    type View<'a> = Response<'a>;

    fn store<S: Sink + ?Sized>(v: &Response<'_>, sink: &mut S) -> Result<Layout> {
        v.write_json(sink)?;
        Ok(Layout { split: 0, tag: 0 })
    }

    fn load(bytes: &[u8], _: Layout) -> Result<Response<'_>> {
        Response::from_json_with(bytes, &trusted())
    }

    fn from_json_text(json: &[u8]) -> core::result::Result<Response<'_>, crate::api::ReplyError> {
        Ok(Response::from_json(json)?)
    }

    fn placeholder<'a>() -> Response<'a> {
        Response {
            code: 0,
            message: JsonStr::new(""),
            data: crate::json::RawJson::from_parts("null", 0, crate::json::ValueKind::Null),
        }
    }

    fn same(a: &Response<'_>, b: &Response<'_>) -> bool {
        a == b
    }
}

/// An owned API reply on the heap: keep it, then read its typed data with `get().data_as()`.
///
/// ```
/// use mimc_codec::api::{PacketId, Response};
/// let body = br#"{"code":200,"data":{"packetId":"hjdibNDDzS-2"},"message":"success"}"#.to_vec();
/// let owned = Response::from_json(&body)?.into_owned()?;
/// drop(body);
/// let id: PacketId = owned.get().data_as().unwrap();
/// assert_eq!(id.packet_id(), "hjdibNDDzS-2");
/// # Ok::<(), mimc_codec::Error>(())
/// ```
#[cfg(feature = "alloc")]
pub type OwnedResponse = Owned<Response<'static>>;

/// An owned API reply in at most `N` bytes, without an allocator.
#[cfg(feature = "heapless")]
pub type HeaplessResponse<const N: usize> = Fixed<Response<'static>, N>;

impl Response<'_> {
    /// An owned copy in one heap allocation, independent of the body (feature `alloc`).
    #[cfg(feature = "alloc")]
    pub fn into_owned(self) -> Result<OwnedResponse> {
        Owned::new(&self)
    }

    /// An owned copy in a fixed-capacity buffer of `N` bytes (feature `heapless`, no allocator).
    #[cfg(feature = "heapless")]
    pub fn to_heapless<const N: usize>(&self) -> Result<HeaplessResponse<N>> {
        Fixed::new(self)
    }
}

/// An owned [`Envelope`] on the heap.
#[cfg(feature = "alloc")]
pub type OwnedEnvelope = Owned<Envelope<'static>>;

/// An owned [`Envelope`] in at most `N` bytes, without an allocator.
#[cfg(feature = "heapless")]
pub type HeaplessEnvelope<const N: usize> = Fixed<Envelope<'static>, N>;

impl Envelope<'_> {
    /// An owned copy in one heap allocation, independent of the input (feature `alloc`).
    ///
    /// Fails only for a value that its own JSON does not decode back (a custom payload nested deeper than
    /// [`MAX_DEPTH_LIMIT`] inside the envelope).
    #[cfg(feature = "alloc")]
    pub fn into_owned(self) -> Result<OwnedEnvelope> {
        Owned::new(&self)
    }

    /// An owned copy in a fixed-capacity buffer of `N` bytes (feature `heapless`, no allocator).
    /// `CapacityExceeded` says how many bytes it needs when it does not fit.
    ///
    /// ```
    /// use mimc_codec::{Envelope, ErrorKind};
    /// let env = Envelope::text("TEXT_12345", 1516763973000, "hi");
    /// let copy = env.to_heapless::<128>()?;
    /// assert_eq!(copy.get(), env);
    /// let err = env.to_heapless::<16>().unwrap_err();
    /// assert!(matches!(err.kind(), ErrorKind::CapacityExceeded { capacity: 16, .. }));
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    #[cfg(feature = "heapless")]
    pub fn to_heapless<const N: usize>(&self) -> Result<HeaplessEnvelope<N>> {
        Fixed::new(self)
    }
}

/// An owned copy of a model in one heap allocation (feature `alloc`); [`get`](Self::get) gives the view.
#[cfg(feature = "alloc")]
pub struct Owned<T: Ownable> {
    bytes: alloc::boxed::Box<[u8]>,
    layout: Layout,
    model: PhantomData<fn() -> T>,
}

#[cfg(feature = "alloc")]
impl<T: Ownable> Owned<T> {
    /// Copies `value` (its canonical JSON, in one exactly sized allocation) and checks it reads back as
    /// `value` (`InvalidValue` otherwise: a copy never gives back another value).
    pub fn new(value: &T::View<'_>) -> Result<Self> {
        let mut count = CountSink(0);
        T::store(value, &mut count)?;
        let mut v = alloc::vec::Vec::with_capacity(count.0);
        let layout = T::store(value, &mut v)?;
        let bytes = v.into_boxed_slice();
        check_reads_back::<T>(value, &T::load(&bytes, layout)?)?;
        Ok(Owned {
            bytes,
            layout,
            model: PhantomData,
        })
    }

    /// The value, borrowed from this copy.
    pub fn get(&self) -> T::View<'_> {
        T::load(&self.bytes, self.layout).unwrap_or_else(|_| T::placeholder())
    }

    /// The canonical JSON held (for an envelope: without its kind key; the kind is kept beside it).
    pub fn as_json(&self) -> &[u8] {
        self.bytes.get(self.layout.split..).unwrap_or(&[])
    }
}

#[cfg(feature = "alloc")]
impl<T: Ownable> Clone for Owned<T> {
    fn clone(&self) -> Self {
        Owned {
            bytes: self.bytes.clone(),
            layout: self.layout,
            model: PhantomData,
        }
    }
}

#[cfg(feature = "alloc")]
impl<T: Ownable> fmt::Debug for Owned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Owned").field(&self.get()).finish()
    }
}

#[cfg(feature = "alloc")]
impl<T: Ownable> PartialEq for Owned<T> {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

/// An owned copy of a model in a fixed-capacity buffer of `N` bytes (feature `heapless`, no allocator).
#[cfg(feature = "heapless")]
pub struct Fixed<T: Ownable, const N: usize> {
    bytes: heapless::Vec<u8, N>,
    layout: Layout,
    model: PhantomData<fn() -> T>,
}

#[cfg(feature = "heapless")]
impl<T: Ownable, const N: usize> Fixed<T, N> {
    /// Copies `value` into the buffer and checks it reads back as `value` (`InvalidValue` otherwise).
    /// `CapacityExceeded` (with the bytes needed) when it does not fit.
    pub fn new(value: &T::View<'_>) -> Result<Self> {
        let mut count = CountSink(0);
        T::store(value, &mut count)?;
        if count.0 > N {
            return Err(Error::new(
                ErrorKind::CapacityExceeded {
                    needed: count.0,
                    capacity: N,
                },
                N,
            ));
        }
        let mut bytes = heapless::Vec::new();
        let layout = T::store(value, &mut bytes)?;
        check_reads_back::<T>(value, &T::load(&bytes, layout)?)?;
        Ok(Fixed {
            bytes,
            layout,
            model: PhantomData,
        })
    }

    /// The value, borrowed from this copy.
    pub fn get(&self) -> T::View<'_> {
        T::load(&self.bytes, self.layout).unwrap_or_else(|_| T::placeholder())
    }

    /// The canonical JSON held (for an envelope: without its kind key; the kind is kept beside it).
    pub fn as_json(&self) -> &[u8] {
        self.bytes.get(self.layout.split..).unwrap_or(&[])
    }

    /// Bytes used of the `N` available.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Never true for a stored model (kept for clippy's `len_without_is_empty`).
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

#[cfg(feature = "heapless")]
impl<T: Ownable, const N: usize> Clone for Fixed<T, N> {
    fn clone(&self) -> Self {
        Fixed {
            bytes: self.bytes.clone(),
            layout: self.layout,
            model: PhantomData,
        }
    }
}

#[cfg(feature = "heapless")]
impl<T: Ownable, const N: usize> fmt::Debug for Fixed<T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Fixed").field(&self.get()).finish()
    }
}

#[cfg(feature = "heapless")]
impl<T: Ownable, const N: usize> PartialEq for Fixed<T, N> {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

#[cfg(all(feature = "serde", feature = "alloc"))]
mod serde_owned {
    use super::{Ownable, Owned};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// Serializes the value (see the model's own impl).
    impl<T: Ownable> Serialize for Owned<T>
    where
        for<'a> T::View<'a>: Serialize,
    {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            self.get().serialize(s)
        }
    }

    /// Deserializes the borrowed model, then copies it: usable as `DeserializeOwned`. With feature
    /// `serde_json`, a human-readable format must be serde_json: the value's text is taken as a
    /// `serde_json::value::RawValue` (so also from `from_reader` and from a `serde_json::Value`, where
    /// nothing can be borrowed) and read with the model's own reader. Compact formats read the borrowed
    /// model's compact form; other human-readable formats are refused.
    impl<'de, T: Ownable> Deserialize<'de> for Owned<T>
    where
        T::View<'de>: Deserialize<'de>,
    {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            use serde::de::Error as _;
            #[cfg(feature = "serde_json")]
            if d.is_human_readable() {
                let raw = alloc::boxed::Box::<serde_json::value::RawValue>::deserialize(d)?;
                let v = T::from_json_text(raw.get().as_bytes()).map_err(D::Error::custom)?;
                return Owned::new(&v).map_err(D::Error::custom);
            }
            let v = <T::View<'de> as Deserialize<'de>>::deserialize(d)?;
            Owned::new(&v).map_err(D::Error::custom)
        }
    }
}
