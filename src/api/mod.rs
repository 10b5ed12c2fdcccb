//! MIMC's HTTP API (SPEC section 3), sans-IO: every request and reply of the manual, without a client.
//!
//! A request value knows its [method](ApiRequest::method), its [path](ApiRequest::write_path) (ids
//! filled in), its [headers](ApiRequest::headers) (`Content-Type` and authentication) and its JSON body
//! ([`ToJson`]); send those with any HTTP client (or, with the `http` feature, turn the request into an
//! `http::Request` in one call). Its [`Reply`](ApiRequest::Reply) type decodes the body that comes back.
//!
//! | call | request | method and path | `data` of the reply |
//! |---|---|---|---|
//! | token | [`TokenRequest`] | POST `/api/account/token` | [`TokenData`] |
//! | push-p2p | [`PushP2p`] | POST `/api/push/p2p/` | [`PacketId`] |
//! | push-p2p-more | [`PushP2pMore`] | POST `/api/push/p2p/more` | [`PacketIds`] |
//! | push-p2t | [`PushP2t`] | POST `/api/push/p2t/` | [`PacketId`] |
//! | push-p2t-more | [`PushP2tMore`] | POST `/api/push/p2t/more` | [`PacketIds`] |
//! | topic-create | [`TopicCreate`] | POST `/api/topic/{appId}` | [`TopicData`] |
//! | topic-query | [`TopicQuery`] | GET `/api/topic/{appId}/{topicId}` | [`TopicData`] |
//! | topic-mine | [`TopicMine`] | GET `/api/topic/{appId}/account` | [`TopicList`] |
//! | topic-join | [`TopicJoin`] | POST `/api/topic/{appId}/{topicId}/accounts` | [`TopicData`] |
//! | topic-quit | [`TopicQuit`] | DELETE `/api/topic/{appId}/{topicId}/account` | `Option<TopicData>` (`null`) |
//! | topic-kick | [`TopicKick`] | DELETE `/api/topic/{appId}/{topicId}/accounts?accounts=d,e` | [`TopicData`] |
//! | topic-update | [`TopicUpdate`] | PUT `/api/topic/{appId}/{topicId}` | [`TopicData`] |
//! | topic-dismiss | [`TopicDismiss`] | DELETE `/api/topic/{appId}/{topicId}` | `()` (`null`) |
//! | history-p2p | [`HistoryP2p`] | POST `/api/msg/p2p/query/` | [`History`] |
//! | history-p2t | [`HistoryP2t`] | POST `/api/msg/p2t/query/` | [`History`] |
//! | contacts | [`ContactsRequest`] | GET `/api/contact/` | [`Contacts`] |
//!
//! [`Call`] lists the sixteen calls with their names, methods and routes, for code that picks one by
//! name.
//!
//! ## Sending
//!
//! ```
//! use mimc_codec::api::{ApiRequest, Auth, Method, TopicCreate};
//! use mimc_codec::ToJson;
//!
//! let auth = Auth::app("5966086406018", "gTO8Jb0wbLaxIzAcRc+O3A==", "user_lei")?;
//! let accounts = ["10", "user_jun", "user_bin"];
//! let req = TopicCreate::new(2882303761517669588, auth, "小米即时消息云开发群", &accounts)?;
//! assert_eq!(req.method(), Method::Post);
//! let mut path = [0u8; 64];
//! assert_eq!(req.path_into(&mut path)?, "/api/topic/2882303761517669588");
//! let names: Vec<_> = req.headers().map(|(name, _)| name).collect();
//! assert_eq!(names, ["Content-Type", "appKey", "appSecret", "appAccount"]);
//! let mut body = [0u8; 128];
//! let json = req.to_json_slice(&mut body)?;
//! assert_eq!(json, r#"{"topicName":"小米即时消息云开发群","accounts":"10,user_jun,user_bin"}"#.as_bytes());
//! # Ok::<(), mimc_codec::Error>(())
//! ```
//!
//! Domain rules are checked when a request is built, before anything is sent: an account containing a
//! comma (accounts travel comma-joined), more than [`MAX_TOPIC_MEMBERS`] accounts in one create or invite,
//! a history window that is not increasing or longer than [`MAX_HISTORY_WINDOW_MS`], an empty message.
//! Each is an [`ErrorKind::InvalidValue`](crate::ErrorKind::InvalidValue) naming the field.
//!
//! ## Receiving
//!
//! Three levels, pick the one that fits:
//!
//! - `Reply::from_json(body)` (or `request.parse_reply(body)`) gives the typed data or a [`ReplyError`]:
//!   [`ReplyError::Decode`] for a malformed body, [`ReplyError::Api`] for a non-200 `code`. One `?`.
//! - [`Response::from_json`] decodes the `{code, message, data}` wrapper only; `into_result()` splits it into
//!   `Ok(data)` or `Err(ApiError)`; then `Reply::from_raw(data)`.
//! - `data` is a [`RawJson`](crate::RawJson): read it with the [`json`](crate::json) engine for anything
//!   not modelled here.
//!
//! ```
//! use mimc_codec::api::{ApiRequest, Auth, ReplyError, TopicQuit};
//! let quit = TopicQuit::new(2882303761517669588, 30094929200414721, Auth::token("cUyhSzbq")?);
//! assert_eq!(quit.parse_reply(br#"{"code":200,"message":"success","data":null}"#)?, None);
//! let err = quit.parse_reply(br#"{"code":500,"message":"quit topic fail","data":null}"#).unwrap_err();
//! assert!(matches!(err, ReplyError::Api(e) if e.code() == 500 && e.message() == "quit topic fail"));
//! # Ok::<(), ReplyError>(())
//! ```
//!
//! Decoding allocates nothing: strings are borrowed from the body, lists ([`List`]) are checked once
//! and then read lazily, base64 payloads decode into caller buffers.
//!
//! ## Secrets
//!
//! `appKey`, `appSecret`, `token` and `miUserSecurityKey` are held as [`Secret`], whose `Debug` prints
//! `<redacted>`; every type holding one therefore never shows it in `Debug` output.
//! `ApiRequest::to_http_request` (feature `http`) marks the `token`, `appKey` and `appSecret` headers
//! sensitive. The JSON bodies of [`TokenRequest`] and the four pushes carry `appKey` and `appSecret` in
//! clear (the API wants them there): the encoded bytes are not redacted, so do not log them.
//!
//! Header values are checked when they enter ([`Auth::token`], [`Auth::app`], [`TokenData::auth`]):
//! see [`check_header_value`]. Paths hold only decimal ids and fixed text, and the accounts of a
//! topic-kick query are percent-encoded (every byte but `A-Z a-z 0-9 - . _ ~`), so no value can break
//! a request line either.

mod auth;
mod call;
mod contact;
mod history;
mod push;
mod reply;
mod token;
mod topic;

use core::fmt;

/// The lazily read list of the replies, also at [`crate::list::List`] (its canonical path).
pub use crate::list::{List, ListIter};
pub use auth::{Auth, Headers, Secret, check_header_value};
pub use call::Call;
pub use contact::{Contact, Contacts, ContactsRequest, LastMessage, UserType};
pub use history::{
    History, HistoryMessage, HistoryP2p, HistoryP2pBody, HistoryP2t, HistoryP2tBody, TimeWindow,
};
pub use push::{
    PacketId, PacketIds, PushMessage, PushP2p, PushP2pMore, PushP2t, PushP2tMore, PushSender,
};
pub use reply::{API_ERROR_MESSAGE_CAPACITY, ApiError, FromData, ReplyError, Response, SUCCESS};
pub use token::{TokenData, TokenRequest};
pub use topic::{
    Member, TopicCreate, TopicCreateBody, TopicData, TopicDismiss, TopicInfo, TopicJoin,
    TopicJoinBody, TopicKick, TopicList, TopicMine, TopicQuery, TopicQuit, TopicUpdate,
    TopicUpdateBody, TopicUpdateOlder,
};

use crate::error::Result;
use crate::json::{JsonU64, Sink, SliceSink, ToJson, write_escaped};
use crate::list::Accounts;

/// The API's base URL.
pub const BASE_URL: &str = "https://mimc.chat.xiaomi.net";

/// The `Content-Type` of every request body.
pub const CONTENT_TYPE: &str = "application/json";

/// The most members of a normal group, and so the most accounts one create or invite may add.
pub const MAX_TOPIC_MEMBERS: usize = 500;

/// The longest history query window: 24 hours, in milliseconds (the window is half-open).
pub const MAX_HISTORY_WINDOW_MS: u64 = 24 * 60 * 60 * 1000;

/// The longest URI (base URL, path and query) [`ApiRequest::to_http_request`] can build: the `http`
/// crate's limit. Only a topic-kick of many long accounts comes near it (500 accounts of 130 ASCII
/// characters do not fit; a CJK character takes 9 bytes percent-encoded); split such a kick into
/// several calls. Many servers accept far shorter request lines (8 KiB is a common default).
#[cfg(feature = "http")]
pub const MAX_HTTP_URI_LEN: usize = 65_534;

/// The HTTP methods the API uses.
///
/// Non-exhaustive: a later API version may use another method. `FromStr` reads the name exactly as
/// [`as_str`](Self::as_str) writes it (HTTP methods are case-sensitive).
///
/// ```
/// use mimc_codec::api::Method;
/// assert_eq!(Method::Delete.as_str(), "DELETE");
/// assert_eq!("PUT".parse::<Method>()?, Method::Put);
/// assert!("put".parse::<Method>().is_err());
/// # Ok::<(), mimc_codec::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `DELETE`
    Delete,
}

impl Method {
    /// The method's name, upper case.
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }
}

impl core::str::FromStr for Method {
    type Err = crate::Error;
    /// The method named `s`; any other text is
    /// [`ErrorKind::InvalidValue`](crate::ErrorKind::InvalidValue) at byte 0.
    fn from_str(s: &str) -> Result<Self> {
        let kind = crate::ErrorKind::InvalidValue("not an HTTP method of the API");
        [Method::Get, Method::Post, Method::Put, Method::Delete]
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or(crate::Error::new(kind, 0))
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(feature = "http")]
impl From<Method> for http::Method {
    fn from(m: Method) -> Self {
        match m {
            Method::Get => http::Method::GET,
            Method::Post => http::Method::POST,
            Method::Put => http::Method::PUT,
            Method::Delete => http::Method::DELETE,
        }
    }
}

/// One call of the API: everything needed to send it, and the type of its reply.
///
/// The body is the request's [`ToJson`] encoding; calls without a body ([`has_body`](Self::has_body) is
/// `false`: GET and DELETE) encode to zero bytes.
pub trait ApiRequest: ToJson {
    /// The typed `data` of this call's reply.
    type Reply<'r>: FromData<'r>;

    /// The call's name, as in SPEC section 3 and the fixtures (`"topic-create"`).
    const CALL: &'static str;

    /// The HTTP method.
    fn method(&self) -> Method;

    /// Writes the path (and query string, for topic-kick) into `sink`.
    fn write_path<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<()>;

    /// The headers to send: `Content-Type` when there is a body, then authentication.
    fn headers(&self) -> Headers<'_>;

    /// Does the call send a JSON body?
    fn has_body(&self) -> bool {
        matches!(self.method(), Method::Post | Method::Put)
    }

    /// The exact length of the path.
    fn path_len(&self) -> usize {
        let mut c = crate::json::CountSink(0);
        let _ = self.write_path(&mut c);
        c.0
    }

    /// Writes the path into `buf` and returns it.
    fn path_into<'b>(&self, buf: &'b mut [u8]) -> Result<&'b str> {
        let mut sink = SliceSink::new(buf);
        self.write_path(&mut sink)?;
        let n = sink.len();
        let written = buf.get(..n).unwrap_or(&[]);
        crate::json::utf8(written)
    }

    /// The path in a new `String`.
    #[cfg(feature = "alloc")]
    fn path(&self) -> Result<alloc::string::String> {
        let mut v = alloc::vec::Vec::with_capacity(self.path_len());
        self.write_path(&mut v)?;
        alloc::string::String::from_utf8(v)
            .map_err(|_| crate::Error::without_offset(crate::ErrorKind::InvalidUtf8))
    }

    /// Decodes this call's reply body into its typed data (see [`FromData::from_json`]).
    fn parse_reply<'r>(&self, body: &'r [u8]) -> Result<Self::Reply<'r>, ReplyError> {
        <Self::Reply<'r> as FromData<'r>>::from_json(body)
    }

    /// The complete request as an `http::Request`: `base` (normally [`BASE_URL`]; a trailing `/` is
    /// ignored) followed by the path, the method, the headers and the body bytes.
    ///
    /// Secrets: the `token`, `appKey` and `appSecret` headers are marked sensitive
    /// (`HeaderValue::set_sensitive`), so `Debug` of the request prints `Sensitive` for them. The body
    /// is not protected: the token request ([`TokenRequest`]) and the four pushes ([`PushP2p`],
    /// [`PushP2pMore`], [`PushP2t`], [`PushP2tMore`]) carry `appKey` and `appSecret` in their JSON body,
    /// and `Debug` of an `http::Request<Vec<u8>>` prints the body's bytes (as numbers, but all of
    /// them). Do not log those requests whole (`tracing::debug!(?req)`); log `req.uri()` or
    /// `req.method()` instead.
    ///
    /// Fails with `InvalidValue`:
    /// - naming `uri` when `base` is not a valid URI, or holds a query (`?`) or fragment (`#`), which
    ///   would swallow or move the API path (the offset is the `?` or `#`);
    /// - when the URI would be longer than [`MAX_HTTP_URI_LEN`], the `http` crate's limit: naming
    ///   `accounts` for a topic-kick (kick them in several calls), `uri` otherwise.
    ///
    /// Header values cannot fail: [`Auth`] checked them when it was made.
    ///
    /// ```
    /// use mimc_codec::api::{ApiRequest, Auth, BASE_URL, TopicQuery};
    /// let req = TopicQuery::new(2882303761517669588u64, 30094929200414721u64, Auth::token("cUyhSzbq")?);
    /// let http_req = req.to_http_request(BASE_URL)?;
    /// assert!(http_req.headers()["token"].is_sensitive());
    /// assert!(!format!("{http_req:?}").contains("cUyhSzbq"));
    /// let err = req.to_http_request("https://proxy.example/mimc?via=1").unwrap_err();
    /// assert_eq!((err.field(), err.offset()), (Some("uri"), Some(26)));
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    #[cfg(feature = "http")]
    fn to_http_request(&self, base: &str) -> Result<http::Request<alloc::vec::Vec<u8>>> {
        http_glue::to_http_request(self, base)
    }

    /// Decodes this call's reply from an `http::Response`. The body decides: a MIMC reply is read
    /// whatever the status; a body that is not one gives [`ReplyError::Status`] when the status is not a
    /// success, and [`ReplyError::Decode`] otherwise.
    #[cfg(feature = "http")]
    fn parse_http_response<'r, B: AsRef<[u8]>>(
        &self,
        response: &'r http::Response<B>,
    ) -> Result<Self::Reply<'r>, ReplyError> {
        http_glue::from_http_response::<Self::Reply<'r>, B>(response)
    }
}

#[cfg(feature = "http")]
mod http_glue {
    use alloc::vec::Vec;

    use super::{ApiRequest, FromData, ReplyError, Response};
    use crate::error::{Error, ErrorKind, Result};

    pub(super) fn to_http_request<R: ApiRequest + ?Sized>(
        req: &R,
        base: &str,
    ) -> Result<http::Request<Vec<u8>>> {
        let base = base.trim_end_matches('/');
        if let Some(at) = base.find(['?', '#']) {
            return Err(Error::new(
                ErrorKind::InvalidValue(
                    "the base URL has a query (`?`) or fragment (`#`): the API path would land inside it",
                ),
                at,
            )
            .in_field("uri"));
        }
        let path_len = req.path_len();
        if base.len().saturating_add(path_len) > super::MAX_HTTP_URI_LEN {
            // The `http` crate refuses longer URIs; say so instead of its "invalid URI".
            let (why, field) = if R::CALL == "topic-kick" {
                (
                    "the URI is longer than the 65 534 bytes the `http` crate accepts: kick these accounts in several calls",
                    "accounts",
                )
            } else {
                (
                    "the URI is longer than the 65 534 bytes the `http` crate accepts",
                    "uri",
                )
            };
            return Err(Error::without_offset(ErrorKind::InvalidValue(why)).in_field(field));
        }
        let mut uri = Vec::with_capacity(base.len() + path_len);
        uri.extend_from_slice(base.as_bytes());
        req.write_path(&mut uri)?;
        let path_and_query = uri.get(base.len()..).unwrap_or(&[]).to_vec();
        let uri = http::Uri::try_from(uri).map_err(|_| {
            Error::without_offset(ErrorKind::InvalidValue("not a valid URI")).in_field("uri")
        })?;
        // The API path and query must be the URI's own, whatever the base held.
        let written = uri
            .path_and_query()
            .map_or("", http::uri::PathAndQuery::as_str);
        if !written.as_bytes().ends_with(&path_and_query) {
            return Err(Error::without_offset(ErrorKind::InvalidValue(
                "the base URL changes where the API path lands",
            ))
            .in_field("uri"));
        }
        let mut builder = http::Request::builder()
            .method(http::Method::from(req.method()))
            .uri(uri);
        for (name, value) in req.headers() {
            let bad = || {
                Error::without_offset(ErrorKind::InvalidValue("not allowed in an HTTP header"))
                    .in_field(name)
            };
            let header = http::HeaderName::from_bytes(name.as_bytes()).map_err(|_| bad())?;
            let mut value =
                http::HeaderValue::from_bytes(value.to_cow().as_bytes()).map_err(|_| bad())?;
            // `Debug` of the request (and of its `HeaderMap`) then shows `Sensitive` instead.
            value.set_sensitive(super::auth::is_secret_header(name));
            builder = builder.header(header, value);
        }
        let body = if req.has_body() {
            req.to_json_vec()?
        } else {
            Vec::new()
        };
        builder
            .body(body)
            .map_err(|_| Error::without_offset(ErrorKind::InvalidValue("not a valid HTTP request")))
    }

    pub(super) fn from_http_response<'r, T: FromData<'r>, B: AsRef<[u8]>>(
        response: &'r http::Response<B>,
    ) -> Result<T, ReplyError> {
        match Response::from_json(response.body().as_ref()) {
            Ok(reply) => reply.data_as(),
            Err(_) if !response.status().is_success() => {
                Err(ReplyError::Status(response.status().as_u16()))
            }
            Err(e) => Err(ReplyError::Decode(e)),
        }
    }
}

/// Writes the decimal digits of an id.
fn write_id<S: Sink + ?Sized>(sink: &mut S, id: JsonU64) -> Result<()> {
    let mut buf = [0u8; 20];
    sink.put(id.digits(&mut buf).as_bytes())
}

/// Writes accounts as one JSON string, comma-joined: the text they were read from (canonically
/// escaped), or each account JSON-escaped.
fn write_joined<S: Sink + ?Sized>(sink: &mut S, accounts: &Accounts<'_>) -> Result<()> {
    if let Some(text) = accounts.joined_text() {
        return crate::json::write_str(sink, &text);
    }
    sink.put(b"\"")?;
    for (i, a) in accounts.iter().enumerate() {
        if i > 0 {
            sink.put(b",")?;
        }
        let mut tmp = [0u8; 4];
        for chunk in a.chunks() {
            write_escaped(sink, chunk.as_str(&mut tmp))?;
        }
    }
    sink.put(b"\"")
}

/// An `InvalidValue` error about a decoded request field, at the offending value.
const fn invalid_at(why: &'static str, field: &'static str, offset: usize) -> crate::Error {
    crate::Error::new(crate::ErrorKind::InvalidValue(why), offset).in_field(field)
}

/// Opens a request body as a JSON object (default limits).
fn body_object(body: &[u8]) -> Result<crate::json::ObjectIter<'_>> {
    crate::json::top_object(body, &crate::DecodeOptions::new())
}

/// The old name of a list of 64-bit ids (the `topicIds` of [`PushP2tMore`]): now the one list type,
/// [`List<JsonU64>`](List) ([`List::from_ids`] builds one in code).
#[deprecated(note = "use `mimc_codec::list::List<'a, JsonU64>`")]
pub type IdList<'a> = List<'a, JsonU64>;

/// The old name of the iterator of a list of ids: now [`ListIter<JsonU64>`](ListIter).
#[deprecated(note = "use `mimc_codec::list::ListIter<'a, JsonU64>`")]
pub type IdIter<'a> = ListIter<'a, JsonU64>;

/// Writes `s` percent-encoded for a query string: everything but unreserved characters is `%XX`.
fn write_query_component<S: Sink + ?Sized>(sink: &mut S, s: &str) -> Result<()> {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            sink.put(&[b])?;
        } else {
            let hi = HEX.get(usize::from(b >> 4)).copied().unwrap_or(b'0');
            let lo = HEX.get(usize::from(b & 0xf)).copied().unwrap_or(b'0');
            sink.put(&[b'%', hi, lo])?;
        }
    }
    Ok(())
}

/// Implements `from_json`/`from_raw` as inherent methods and [`FromData`] for a typed reply with a
/// private `fn read(RawJson<'a>) -> Result<Self>`.
macro_rules! typed_reply {
    ($ty:ident) => {
        impl<'a> $ty<'a> {
            /// Decodes a whole reply body: the `{code, message, data}` wrapper, then `data` when `code`
            /// is 200. A non-200 `code` is [`ReplyError::Api`](crate::api::ReplyError::Api).
            pub fn from_json(body: &'a [u8]) -> core::result::Result<Self, crate::api::ReplyError> {
                <Self as crate::api::FromData<'a>>::from_json(body)
            }

            /// Reads `data` (from [`Response::into_result`](crate::api::Response::into_result)).
            pub fn from_raw(data: crate::json::RawJson<'a>) -> crate::error::Result<Self> {
                Self::read(data)
            }
        }

        #[cfg(any(feature = "alloc", feature = "heapless"))]
        impl crate::owned::sealed::Sealed for $ty<'static> {}

        /// Stored as the model's JSON (the reply's `data`). An [`Owned`](crate::owned::Owned) copy
        /// deserializes from a **whole reply body** (`{code, message, data}`, as an HTTP client receives
        /// it: `reqwest`'s `.json::<Owned<_>>()`, axum's `Json<Owned<_>>`), so it is `DeserializeOwned`;
        /// a non-200 `code` is a serde error carrying the [`ApiError`](crate::api::ApiError)'s text.
        #[cfg(any(feature = "alloc", feature = "heapless"))]
        impl crate::owned::Ownable for $ty<'static> {
            type View<'a> = $ty<'a>;
            fn store<S: crate::json::Sink + ?Sized>(
                v: &$ty<'_>,
                sink: &mut S,
            ) -> crate::error::Result<crate::owned::Layout> {
                crate::json::ToJson::write_json(v, sink)?;
                Ok(crate::owned::Layout::PLAIN)
            }
            fn load(bytes: &[u8], _: crate::owned::Layout) -> crate::error::Result<$ty<'_>> {
                crate::owned::load_model(bytes, $ty::read_members)
            }
            fn from_json_text(
                json: &[u8],
            ) -> core::result::Result<$ty<'_>, crate::api::ReplyError> {
                $ty::from_json(json)
            }
            fn placeholder<'a>() -> $ty<'a> {
                <$ty<'a> as crate::model::Member<'a>>::placeholder()
            }
            fn same(a: &$ty<'_>, b: &$ty<'_>) -> bool {
                a == b
            }
        }

        impl $ty<'_> {
            /// An owned copy in one heap allocation, independent of the body (feature `alloc`).
            #[cfg(feature = "alloc")]
            pub fn into_owned(self) -> crate::error::Result<crate::owned::Owned<$ty<'static>>> {
                crate::owned::Owned::new(&self)
            }

            /// An owned copy in a fixed-capacity buffer of `N` bytes (feature `heapless`, no
            /// allocator).
            #[cfg(feature = "heapless")]
            pub fn to_heapless<const N: usize>(
                &self,
            ) -> crate::error::Result<crate::owned::Fixed<$ty<'static>, N>> {
                crate::owned::Fixed::new(self)
            }
        }

        crate::convert::try_from_json!($ty => crate::api::ReplyError);

        impl<'a> crate::api::FromData<'a> for $ty<'a> {
            fn from_raw(data: crate::json::RawJson<'a>) -> crate::error::Result<Self> {
                Self::read(data)
            }
            fn read_value(value: crate::json::ValueReader<'_, 'a>) -> crate::error::Result<Self> {
                Self::read_value(value)
            }
        }
    };
}
use typed_reply;
