//! Recent contacts: `GET /api/contact/`.

use core::fmt;

use crate::error::Result;
use crate::json::{self, JsonStr, JsonU64, RawJson, Sink, ToJson};

use super::reply::{end_of, object_field, str_field, u64_field};
use super::{ApiRequest, Auth, Headers, List, Method, typed_reply};
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

/// What a contact is: a group or a user. Other values are kept as [`UserType::Other`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum UserType<'a> {
    /// `"TOPIC"`: a group; the contact's `id` is the topicId.
    Topic,
    /// `"USER"`: a user; the contact's `id` is the uuid.
    User,
    /// Any other value, as sent.
    Other(JsonStr<'a>),
}

impl<'a> UserType<'a> {
    /// Classifies a `userType` value.
    pub fn from_json_str(s: JsonStr<'a>) -> Self {
        if s == "TOPIC" {
            UserType::Topic
        } else if s == "USER" {
            UserType::User
        } else {
            UserType::Other(s)
        }
    }
}

impl fmt::Display for UserType<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UserType::Topic => f.write_str("TOPIC"),
            UserType::User => f.write_str("USER"),
            UserType::Other(s) => fmt::Display::fmt(s, f),
        }
    }
}

/// One conversation of the contacts reply: `{userType, id, name, timestamp, lastMessage}`.
///
/// The manual's sample quotes every value; numbers are read too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Contact<'a> {
    pub(crate) user_type: UserType<'a>,
    pub(crate) id: JsonU64,
    pub(crate) name: JsonStr<'a>,
    pub(crate) timestamp: JsonU64,
    pub(crate) last_message: LastMessage<'a>,
}

typed_reply!(Contact);

impl<'a> Contact<'a> {
    fn read(data: RawJson<'a>) -> Result<Self> {
        let mut obj = object_field(&data, "data")?;
        let mut user_type = None;
        let mut id = None;
        let mut name = None;
        let mut timestamp = None;
        let mut last_message = None;
        let mut scratch = [0u8; 64];
        while let Some((k, v)) = obj.next_member()? {
            match k.as_key(&mut scratch) {
                Some("userType") => {
                    let t = UserType::from_json_str(str_field(&v, "userType")?);
                    json::set_once(&mut user_type, t, &k, "userType")?;
                }
                Some("id") => json::set_once(&mut id, u64_field(&v, "id")?, &k, "id")?,
                Some("name") => json::set_once(&mut name, str_field(&v, "name")?, &k, "name")?,
                Some("timestamp") => {
                    let t = u64_field(&v, "timestamp")?;
                    json::set_once(&mut timestamp, t, &k, "timestamp")?;
                }
                Some("lastMessage") => {
                    let m = LastMessage::read(v).map_err(|e| e.in_field("lastMessage"))?;
                    json::set_once(&mut last_message, m, &k, "lastMessage")?;
                }
                _ => {}
            }
        }
        let end = end_of(&obj);
        Ok(Contact {
            user_type: json::required(user_type, "userType", end)?,
            id: json::required(id, "id", end)?,
            name: json::required(name, "name", end)?,
            timestamp: json::required(timestamp, "timestamp", end)?,
            last_message: json::required(last_message, "lastMessage", end)?,
        })
    }

    /// `userType`.
    pub const fn user_type(&self) -> UserType<'a> {
        self.user_type
    }

    /// `id`: the topicId of a group, the uuid of a user.
    pub const fn id(&self) -> JsonU64 {
        self.id
    }

    /// `name`: the group's name or the user's account.
    pub const fn name(&self) -> JsonStr<'a> {
        self.name
    }

    /// `timestamp`: of the last message, UTC milliseconds.
    pub const fn timestamp(&self) -> JsonU64 {
        self.timestamp
    }

    /// `lastMessage`.
    pub const fn last_message(&self) -> LastMessage<'a> {
        self.last_message
    }
}

/// The last message of a conversation: `{fromUuid, fromAccount, payload, sequence?}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LastMessage<'a> {
    pub(crate) from_uuid: JsonU64,
    pub(crate) from_account: JsonStr<'a>,
    pub(crate) payload: Payload<'a>,
    pub(crate) sequence: Option<JsonU64>,
}

typed_reply!(LastMessage);

impl<'a> LastMessage<'a> {
    fn read(data: RawJson<'a>) -> Result<Self> {
        let mut obj = object_field(&data, "lastMessage")?;
        let mut from_uuid = None;
        let mut from_account = None;
        let mut payload = None;
        let mut sequence = None;
        let mut scratch = [0u8; 64];
        while let Some((k, v)) = obj.next_member()? {
            match k.as_key(&mut scratch) {
                Some("fromUuid") => {
                    json::set_once(&mut from_uuid, u64_field(&v, "fromUuid")?, &k, "fromUuid")?;
                }
                Some("fromAccount") => {
                    let s = str_field(&v, "fromAccount")?;
                    json::set_once(&mut from_account, s, &k, "fromAccount")?;
                }
                Some("payload") => {
                    json::set_once(&mut payload, Payload::from_json(&v)?, &k, "payload")?;
                }
                Some("sequence") => {
                    json::set_once(&mut sequence, u64_field(&v, "sequence")?, &k, "sequence")?;
                }
                _ => {}
            }
        }
        let end = end_of(&obj);
        Ok(LastMessage {
            from_uuid: json::required(from_uuid, "fromUuid", end)?,
            from_account: json::required(from_account, "fromAccount", end)?,
            payload: json::required(payload, "payload", end)?,
            sequence,
        })
    }

    /// `fromUuid`: the sender's uuid.
    pub const fn from_uuid(&self) -> JsonU64 {
        self.from_uuid
    }

    /// `fromAccount`: the sender's account.
    pub const fn from_account(&self) -> JsonStr<'a> {
        self.from_account
    }

    /// `payload`: the message bytes, base64, decoded only when asked.
    pub const fn payload(&self) -> Payload<'a> {
        self.payload
    }

    /// The number of bytes the payload decodes to ([`Payload::decoded_len`]).
    pub fn payload_len(&self) -> Result<usize> {
        self.payload.decoded_len()
    }

    /// Decodes the payload into `out`, returning the message bytes ([`Payload::decode_into`]: limit
    /// 15 KiB, `\/` escapes handled).
    pub fn payload_into<'b>(&self, out: &'b mut [u8]) -> Result<&'b [u8]> {
        self.payload.decode_into(out)
    }

    /// `sequence`, when sent (the gitbook manual has it, the README does not).
    pub const fn sequence(&self) -> Option<JsonU64> {
        self.sequence
    }
}
