//! The `{code, message, data}` wrapper every reply comes in, and its errors.

use core::fmt;

use crate::error::{Error, ErrorKind, Result};
use crate::json::{
    self, DecodeOptions, JsonStr, JsonU64, RawJson, Sink, ToJson, ValueKind, ValueReader,
};

/// The `code` of a successful reply.
pub const SUCCESS: u64 = 200;

/// A reply body as MIMC sends it: `{"code": <int>, "message": <string>, "data": <value>}`.
///
/// Failures come as a non-200 `code` inside an HTTP 200 body, so a decoded `Response` is not yet a success:
/// [`into_result`](Self::into_result) separates the two. `data` may be an object, an array or `null`; the
/// typed replies ([`TokenData`](super::TokenData), [`TopicData`](super::TopicData), ...) read it.
///
/// Decoding is lenient where real servers differ and strict about JSON: keys in any order, unknown keys
/// skipped, `code` as a number or a string of digits, a missing `message` read as `""` and a missing `data`
/// as `null`; a missing `code` or a known key given twice is an error.
///
/// ```
/// use mimc_codec::api::Response;
/// let reply = Response::from_json(br#"{"code":500,"message":"quit topic fail","data":null}"#)?;
/// assert_eq!(reply.code(), 500);
/// let err = reply.into_result().unwrap_err();
/// assert_eq!((err.code(), err.message()), (500, "quit topic fail"));
///
/// let ok = Response::from_json(br#"{"code":200,"message":"success\uff01","data":null}"#)?;
/// assert!(ok.into_result()?.is_null());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Response<'a> {
    pub(crate) code: u64,
    pub(crate) message: JsonStr<'a>,
    pub(crate) data: RawJson<'a>,
}

impl<'a> Response<'a> {
    /// Decodes a reply body with the default limits.
    pub fn from_json(body: &'a [u8]) -> Result<Self> {
        Self::from_json_with(body, &DecodeOptions::new())
    }

    /// Decodes a reply body with explicit limits (nesting depth of `data`).
    pub fn from_json_with(body: &'a [u8], opts: &DecodeOptions) -> Result<Self> {
        let w = read_wrapper(body, opts, |v: ValueReader<'_, 'a>| v.raw())?;
        Ok(Response {
            code: w.code,
            message: w.message,
            data: match w.data {
                Data::Read(data) | Data::Raw(data, _) => data,
            },
        })
    }

    /// `code`: 200 on success.
    pub const fn code(&self) -> u64 {
        self.code
    }

    /// `message`: `"success"` (sometimes `"success！"`) or what went wrong.
    pub const fn message(&self) -> JsonStr<'a> {
        self.message
    }

    /// `data`, unread.
    pub const fn data(&self) -> RawJson<'a> {
        self.data
    }

    /// Is `code` 200?
    pub const fn is_success(&self) -> bool {
        self.code == SUCCESS
    }

    /// `data` when `code` is 200, the [`ApiError`] otherwise.
    pub fn into_result(self) -> Result<RawJson<'a>, ApiError> {
        if self.is_success() {
            Ok(self.data)
        } else {
            Err(ApiError::from_json_str(self.code, &self.message))
        }
    }

    /// Reads `data` as `T` when `code` is 200: the two steps of [`FromData::from_json`] after decoding.
    pub fn data_as<T: FromData<'a>>(self) -> Result<T, ReplyError> {
        let raw = self.into_result()?;
        Ok(T::from_raw(raw)?)
    }
}

/// `data` is shown by kind and size only: a token reply's `data` holds secrets.
impl fmt::Debug for Response<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Data(ValueKind, usize);
        impl fmt::Debug for Data {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "<{}, {} bytes>", self.0.name(), self.1)
            }
        }
        f.debug_struct("Response")
            .field("code", &self.code)
            .field("message", &self.message)
            .field("data", &Data(self.data.kind(), self.data.as_str().len()))
            .finish()
    }
}

/// `{"code":…,"message":…,"data":…}` in that order: `code` as a number, `message` as it came (escapes
/// written canonically), `data` verbatim, as a [`RawJson`] always is (its
/// [`write_compact`](RawJson::write_compact) drops the whitespace of a pretty-printed reply).
///
/// ```
/// use mimc_codec::ToJson;
/// use mimc_codec::api::Response;
/// let reply = Response::from_json(br#"{"data":{"ok": true},"message":"success","code":"200"}"#)?;
/// let mut buf = [0u8; 64];
/// let json = reply.to_json_slice(&mut buf)?;
/// assert_eq!(json, br#"{"code":200,"message":"success","data":{"ok": true}}"#);
/// # Ok::<(), mimc_codec::Error>(())
/// ```
impl ToJson for Response<'_> {
    fn write_json<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<()> {
        let mut o = json::ObjectWriter::begin(sink)?;
        o.u64("code", JsonU64::number(self.code))?;
        o.str("message", &self.message)?;
        o.raw("data", &self.data)?;
        o.end()
    }
}

/// Room for an error message kept inside [`ApiError`]; longer messages are cut at a character boundary.
pub const API_ERROR_MESSAGE_CAPACITY: usize = 96;

/// A failure reported by MIMC: a non-200 `code` with its `message`, e.g.
/// `{"code":500,"message":"quit topic fail","data":null}` for a group owner trying to leave.
///
/// `Copy`, `'static` and allocation-free (the message is copied, unescaped, into an inline buffer of
/// [`API_ERROR_MESSAGE_CAPACITY`] bytes), so it travels through `?` into any error type.
///
/// ```
/// use mimc_codec::api::ApiError;
/// let e = ApiError::new(500, "quit topic fail");
/// assert_eq!(e.to_string(), "MIMC API error 500: quit topic fail");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ApiError {
    code: u64,
    len: u8,
    truncated: bool,
    buf: [u8; API_ERROR_MESSAGE_CAPACITY],
}

impl ApiError {
    /// An error with `code` and `message` (cut to [`API_ERROR_MESSAGE_CAPACITY`] bytes if longer).
    pub fn new(code: u64, message: &str) -> Self {
        Self::from_json_str(code, &JsonStr::new(message))
    }

    fn from_json_str(code: u64, message: &JsonStr<'_>) -> Self {
        let mut e = ApiError {
            code,
            len: 0,
            truncated: false,
            buf: [0; API_ERROR_MESSAGE_CAPACITY],
        };
        let mut len = 0usize;
        for c in message.chars() {
            let mut tmp = [0u8; 4];
            let s = c.encode_utf8(&mut tmp).as_bytes();
            let Some(dst) = e.buf.get_mut(len..len + s.len()) else {
                e.truncated = true;
                break;
            };
            dst.copy_from_slice(s);
            len += s.len();
        }
        // `len` is at most the capacity, which fits a `u8`.
        e.len = u8::try_from(len).unwrap_or(u8::MAX);
        e
    }

    /// `code` (never 200).
    pub const fn code(&self) -> u64 {
        self.code
    }

    /// `message`, unescaped.
    pub fn message(&self) -> &str {
        let bytes = self.buf.get(..usize::from(self.len)).unwrap_or(&[]);
        core::str::from_utf8(bytes).unwrap_or("")
    }

    /// Was the message longer than [`API_ERROR_MESSAGE_CAPACITY`] bytes (and cut)?
    pub const fn is_truncated(&self) -> bool {
        self.truncated
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("code", &self.code)
            .field("message", &self.message())
            .field("truncated", &self.truncated)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MIMC API error {}: {}", self.code, self.message())?;
        if self.truncated {
            f.write_str("…")?;
        }
        Ok(())
    }
}

impl core::error::Error for ApiError {}

/// Why a reply could not be read as the typed data of a call: the body was malformed, or it was a
/// well-formed failure. What [`FromData::from_json`] and [`ApiRequest::parse_reply`](super::ApiRequest::parse_reply)
/// return; `?` converts both parts into it.
///
/// ```
/// use mimc_codec::api::{ReplyError, TopicData};
/// match TopicData::from_json(br#"{"code":500,"message":"quit topic fail","data":null}"#) {
///     Err(ReplyError::Api(e)) => assert_eq!(e.code(), 500),
///     other => panic!("{other:?}"),
/// }
/// assert!(matches!(TopicData::from_json(b"<html>"), Err(ReplyError::Decode(_))));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReplyError {
    /// The body is not a well-formed reply of this call (bad JSON, a missing or mistyped field).
    Decode(Error),
    /// MIMC answered with a non-200 `code`.
    Api(ApiError),
    /// The HTTP status was not a success and the body was not a MIMC reply (e.g. a proxy's error page).
    #[cfg(feature = "http")]
    Status(u16),
}

impl ReplyError {
    /// The API error, when MIMC reported one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            ReplyError::Api(e) => Some(e),
            _ => None,
        }
    }
}

impl From<Error> for ReplyError {
    fn from(e: Error) -> Self {
        ReplyError::Decode(e)
    }
}

impl From<ApiError> for ReplyError {
    fn from(e: ApiError) -> Self {
        ReplyError::Api(e)
    }
}

impl fmt::Display for ReplyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplyError::Decode(e) => write!(f, "malformed MIMC reply: {e}"),
            ReplyError::Api(e) => fmt::Display::fmt(e, f),
            #[cfg(feature = "http")]
            ReplyError::Status(s) => write!(f, "HTTP status {s} without a MIMC reply"),
        }
    }
}

impl core::error::Error for ReplyError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            ReplyError::Decode(e) => Some(e),
            ReplyError::Api(e) => Some(e),
            #[cfg(feature = "http")]
            ReplyError::Status(_) => None,
        }
    }
}

/// A type that the `data` of a reply decodes into. Implemented by every typed reply, by [`List`](crate::list::List) of
/// them, by `Option<T>` (`null` → `None`), by `()` (data ignored), and by [`JsonStr`] and [`JsonU64`].
///
/// The typed replies also have these two functions as inherent methods, so the trait need not be in scope.
pub trait FromData<'a>: Sized {
    /// Reads the (already validated) `data` value.
    fn from_raw(data: RawJson<'a>) -> Result<Self>;

    /// Reads the value where it stands in the document, validating as it reads (the document's one
    /// pass). The default validates the value and hands it to [`from_raw`](Self::from_raw); the typed
    /// replies and [`List`](crate::list::List) read objects and arrays member by member instead.
    fn read_value(value: ValueReader<'_, 'a>) -> Result<Self> {
        Self::from_raw(value.raw()?)
    }

    /// Decodes a whole reply body: the wrapper, then `data` when `code` is 200.
    ///
    /// One pass: when `code` comes before `data` (as MIMC writes it) and is 200, `data` is read and typed
    /// as the wrapper is; otherwise `data` is validated and read once the wrapper is known. Errors come in
    /// the order of the document.
    fn from_json(body: &'a [u8]) -> Result<Self, ReplyError> {
        read_reply(body, Self::read_value)
    }

    /// The element a list of ids ([`List::from_ids`](crate::list::List::from_ids), [`List::with_quoted`](crate::list::List::with_quoted)) yields for `id`: only
    /// [`JsonU64`] is one; for any other type (the default) `None`, which cannot be asked for, as only a
    /// `List<JsonU64>` holds ids.
    #[doc(hidden)]
    fn from_id(id: JsonU64) -> Option<Self> {
        let _ = id;
        None
    }
}

/// `data` as the wrapper's reader leaves it: read in place, or validated only (with the reader back).
enum Data<'a, T, F> {
    Read(T),
    Raw(RawJson<'a>, F),
}

/// The `{code, message, data}` wrapper, read once.
struct Wrapper<'a, T, F> {
    code: u64,
    message: JsonStr<'a>,
    data: Data<'a, T, F>,
}

/// Reads the wrapper in one pass: `data` goes through `read` in place when a `code` of 200 came before
/// it (as MIMC writes replies), and is only validated otherwise (a failed reply's `data` is no `T`).
/// Lenient where servers differ: keys in any order, unknown keys skipped, `code` a number or a string of
/// digits, `message` missing read as `""`, `data` missing as `null`; a missing `code` or a known key
/// given twice is an error.
fn read_wrapper<'a, T, F: FnOnce(ValueReader<'_, 'a>) -> Result<T>>(
    body: &'a [u8],
    opts: &DecodeOptions,
    read: F,
) -> Result<Wrapper<'a, T, F>> {
    let mut read = Some(read);
    let mut obj = json::top_object(body, opts)?;
    let mut code = None;
    let mut message = None;
    let mut raw = None;
    let mut typed = None;
    let mut scratch = None;
    while let Some((key, value)) = obj.next_entry()? {
        match key.as_key_lazy(&mut scratch) {
            Some("code") => {
                let v = value.u64().map_err(|e| e.in_typed_field("code"))?;
                json::set_once(&mut code, v.get(), &key, "code")?;
            }
            Some("message") => {
                let v = value.str().map_err(|e| e.in_typed_field("message"))?;
                json::set_once(&mut message, v, &key, "message")?;
            }
            Some("data") if raw.is_none() && typed.is_none() && code == Some(SUCCESS) => {
                if let Some(read) = read.take() {
                    typed = Some(read(value)?);
                }
            }
            Some("data") => {
                let v = value.raw()?;
                if typed.is_some() {
                    let at = key.offset().saturating_sub(1);
                    return Err(Error::new(ErrorKind::DuplicateKey, at).in_field("data"));
                }
                json::set_once(&mut raw, v, &key, "data")?;
            }
            _ => {}
        }
    }
    let end = obj.offset();
    let code = json::required(code, "code", end.saturating_sub(1))?;
    let data = match (typed, read) {
        (Some(data), _) => Data::Read(data),
        (None, Some(read)) => Data::Raw(
            raw.unwrap_or(RawJson::from_parts("null", end, ValueKind::Null)),
            read,
        ),
        // `read` is taken only to fill `typed`.
        (None, None) => return Err(Error::new(ErrorKind::MissingField, end).in_field("data")),
    };
    Ok(Wrapper {
        code,
        message: message.unwrap_or_default(),
        data,
    })
}

/// [`FromData::from_json`]: the wrapper, then `data` as `T` when `code` is 200 (read in place when it can).
pub(crate) fn read_reply<'a, T>(
    body: &'a [u8],
    read: impl FnOnce(ValueReader<'_, 'a>) -> Result<T>,
) -> Result<T, ReplyError> {
    let w = read_wrapper(body, &DecodeOptions::new(), read)?;
    if w.code != SUCCESS {
        return Err(ApiError::from_json_str(w.code, &w.message).into());
    }
    match w.data {
        Data::Read(data) => Ok(data),
        Data::Raw(data, read) => Ok(data.reader(read)?),
    }
}

impl<'a> FromData<'a> for JsonStr<'a> {
    fn from_raw(data: RawJson<'a>) -> Result<Self> {
        data.to_json_str()
    }
}

impl<'a> FromData<'a> for JsonU64 {
    fn from_raw(data: RawJson<'a>) -> Result<Self> {
        JsonU64::from_json(&data)
    }

    fn from_id(id: JsonU64) -> Option<Self> {
        Some(id)
    }
}

/// Any `data` (usually `null`) is accepted and ignored.
impl<'a> FromData<'a> for () {
    fn from_raw(_: RawJson<'a>) -> Result<Self> {
        Ok(())
    }
}

/// `null` is `None`; anything else must be a `T`.
impl<'a, T: FromData<'a>> FromData<'a> for Option<T> {
    fn from_raw(data: RawJson<'a>) -> Result<Self> {
        if data.is_null() {
            Ok(None)
        } else {
            T::from_raw(data).map(Some)
        }
    }

    fn read_value(mut value: ValueReader<'_, 'a>) -> Result<Self> {
        if value.is_null() {
            value.raw().map(|_| None)
        } else {
            T::read_value(value).map(Some)
        }
    }
}

/// Field readers shared by the typed replies.
pub(crate) fn str_field<'a>(v: &RawJson<'a>, field: &'static str) -> Result<JsonStr<'a>> {
    v.to_json_str().map_err(|e| e.in_field(field))
}

pub(crate) fn u64_field(v: &RawJson<'_>, field: &'static str) -> Result<JsonU64> {
    JsonU64::from_json(v).map_err(|e| e.in_field(field))
}

/// A missing-field error at the closing brace of `obj`.
pub(crate) fn end_of(obj: &json::ObjectIter<'_>) -> usize {
    obj.offset().saturating_sub(1)
}

/// An `InvalidValue` error about a request field (no input offset exists for values built in code).
pub(crate) const fn invalid(why: &'static str, field: &'static str) -> Error {
    Error::without_offset(ErrorKind::InvalidValue(why)).in_field(field)
}
