//! Recent contacts: `GET /api/contact/`.

use crate::model::model;
use core::fmt;

use crate::error::Result;
use crate::json::{JsonStr, JsonU64, Sink, ToJson};

use super::{ApiRequest, Auth, Headers, List, Method, typed_reply};
use crate::name::CustomName;
use crate::payload::Payload;

/// Lists the recent conversations of the authenticated account (call `contacts`): `GET /api/contact/`,
/// no body. Covers the last month, newest first.
///
/// With app authentication the `appId` header is sent too (as the manual's server-side form does); with
/// a token, only the token.
///
/// ```
/// use mimc_codec::api::{ApiRequest, Auth, ContactsRequest};
/// let req = ContactsRequest::new(2882303761517669588u64,
///     Auth::app("5966086406018", "gTO8Jb0wbLaxIzAcRc+O3A==", "user_lei")?);
/// let names: Vec<_> = req.headers().map(|(n, _)| n).collect();
/// assert_eq!(names, ["appId", "appKey", "appSecret", "appAccount"]);
/// assert_eq!(req.headers().get("appid").unwrap(), "2882303761517669588");
/// # Ok::<(), mimc_codec::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ContactsRequest<'a> {
    app_id: JsonU64,
    /// The decimal digits of `app_id` (the first `digits_len` bytes), borrowed by the `appId` header.
    digits: [u8; 20],
    digits_len: usize,
    auth: Auth<'a>,
}

impl<'a> ContactsRequest<'a> {
    /// The contacts of the account `auth` acts as, in app `app_id`.
    pub fn new(app_id: impl Into<JsonU64>, auth: Auth<'a>) -> Self {
        let app_id = app_id.into();
        let mut digits = [0u8; 20];
        let digits_len = app_id.digits(&mut digits).len();
        // `digits` writes right-aligned; move them to the front.
        digits.rotate_left(20usize.saturating_sub(digits_len));
        ContactsRequest {
            app_id,
            digits,
            digits_len,
            auth,
        }
    }

    fn app_id_text(&self) -> &str {
        self.digits
            .get(..self.digits_len)
            .and_then(|d| core::str::from_utf8(d).ok())
            .unwrap_or("")
    }
}

impl fmt::Debug for ContactsRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContactsRequest")
            .field("app_id", &self.app_id)
            .field("auth", &self.auth)
            .finish()
    }
}

impl ToJson for ContactsRequest<'_> {
    /// No body: writes nothing.
    fn write_json<S: Sink + ?Sized>(&self, _: &mut S) -> Result<()> {
        Ok(())
    }
}

impl ApiRequest for ContactsRequest<'_> {
    type Reply<'r> = Contacts<'r>;
    const CALL: &'static str = "contacts";

    fn method(&self) -> Method {
        Method::Get
    }

    fn write_path<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<()> {
        sink.put(b"/api/contact/")
    }

    fn headers(&self) -> Headers<'_> {
        Headers::new(false).with_auth(&self.auth, Some(self.app_id_text()))
    }
}

/// The `data` of a contacts reply: a lazily read list of [`Contact`].
pub type Contacts<'a> = List<'a, Contact<'a>>;

/// What a contact is: a group or a user.
///
/// Open: another value is kept, as sent, in a hidden variant. Build one from a value with
/// [`From<&str>`](#impl-From<%26str>-for-UserType<'a>), which classifies it; read the value with
/// [`as_str`](Self::as_str), [`as_json_str`](Self::as_json_str), `Display` or `==` with a `&str`. Do
/// not match the hidden `_Custom` variant: a value a later version models moves to a variant of its
/// own, and comparing values keeps working when it does.
///
/// ```
/// use mimc_codec::api::UserType;
/// assert_eq!(UserType::from("TOPIC"), UserType::Topic);
/// let other = UserType::from("UC_TOPIC");
/// assert_eq!(other.as_str(), Some("UC_TOPIC"));
/// assert!(other == "UC_TOPIC" && UserType::User == "USER");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UserType<'a> {
    /// `"TOPIC"`: a group; the contact's `id` is the topicId.
    Topic,
    /// `"USER"`: a user; the contact's `id` is the uuid.
    User,
    /// Any other value, as sent. Not to be built or matched: see the type's docs.
    #[doc(hidden)]
    _Custom(CustomName<'a>),
}

impl<'a> UserType<'a> {
    /// Classifies a `userType` value (on its unescaped text).
    pub fn from_json_str(s: JsonStr<'a>) -> Self {
        if s == "TOPIC" {
            UserType::Topic
        } else if s == "USER" {
            UserType::User
        } else {
            UserType::_Custom(CustomName(s))
        }
    }

    /// The value as a JSON string (`"TOPIC"`, `"USER"` or another value as it came, escapes included;
    /// `==` with a `&str` compares the unescaped text).
    pub const fn as_json_str(&self) -> JsonStr<'a> {
        match self {
            UserType::Topic => JsonStr::new("TOPIC"),
            UserType::User => JsonStr::new("USER"),
            UserType::_Custom(CustomName(s)) => *s,
        }
    }

    /// The value (`"TOPIC"`, `"USER"`, `"UC_TOPIC"`); `None` only for a value that came with JSON
    /// escapes (then `Display` or [`as_json_str`](Self::as_json_str) unescape it).
    pub const fn as_str(&self) -> Option<&'a str> {
        self.as_json_str().as_str()
    }
}

/// Classifies the value: `"TOPIC"` and `"USER"` give their variants, any other is kept.
impl<'a> From<&'a str> for UserType<'a> {
    fn from(value: &'a str) -> Self {
        UserType::from_json_str(JsonStr::new(value))
    }
}

/// The value, unescaped.
impl fmt::Display for UserType<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.as_json_str(), f)
    }
}

/// Is `value` this user type (unescaped text)?
impl PartialEq<str> for UserType<'_> {
    fn eq(&self, value: &str) -> bool {
        self.as_json_str() == value
    }
}

/// As `PartialEq<str>`.
impl PartialEq<&str> for UserType<'_> {
    fn eq(&self, value: &&str) -> bool {
        *self == **value
    }
}

model! {
    /// One conversation of the contacts reply: `{userType, id, name, timestamp, lastMessage}`.
    ///
    /// The manual's sample quotes every value; numbers are read too.
    pub struct Contact<'a> in "data" {
        /// `userType`.
        user_type: UserType<'a> = "userType",
        /// `id`: the topicId of a group, the uuid of a user.
        id: JsonU64 = "id",
        /// `name`: the group's name or the user's account.
        name: JsonStr<'a> = "name",
        /// `timestamp`: of the last message, UTC milliseconds.
        timestamp: JsonU64 = "timestamp",
        /// `lastMessage`.
        last_message: LastMessage<'a> = "lastMessage",
    }
}

typed_reply!(Contact);

model! {
    /// The last message of a conversation: `{fromUuid, fromAccount, payload, sequence?}`.
    pub struct LastMessage<'a> in "lastMessage" {
        /// `fromUuid`: the sender's uuid.
        from_uuid: JsonU64 = "fromUuid",
        /// `fromAccount`: the sender's account.
        from_account: JsonStr<'a> = "fromAccount",
        /// `payload`: the message bytes, base64, decoded only when asked.
        payload: Payload<'a> = "payload",
        /// `sequence`, when sent (the gitbook manual has it, the README does not).
        sequence: Option<JsonU64> = "sequence",
    }
}

typed_reply!(LastMessage);

impl LastMessage<'_> {
    /// The number of bytes the payload decodes to ([`Payload::decoded_len`]).
    pub fn payload_len(&self) -> Result<usize> {
        self.payload.decoded_len()
    }

    /// Decodes the payload into `out`, returning the message bytes ([`Payload::decode_into`]: limit
    /// 15 KiB, `\/` escapes handled).
    pub fn payload_into<'b>(&self, out: &'b mut [u8]) -> Result<&'b [u8]> {
        self.payload.decode_into(out)
    }
}
