//! Server push: one-to-one, to many users, to a group, to many groups.

use crate::error::Result;
use crate::json::{self, JsonStr, JsonU64, ObjectWriter, RawJson, Sink, ToJson};
use crate::model::model;

use super::reply::{end_of, invalid, str_field, u64_field};
use super::{ApiRequest, Headers, Method, Secret, body_object, invalid_at, typed_reply};
use crate::error::Error;
use crate::list::{Accounts, List};
use crate::payload::{Payload, write_base64};

/// Who pushes: the app's credentials and the sending account, the part every push body starts with
/// (`appId, appKey, appSecret, fromAccount, fromResource`). Make one and push with it many times.
///
/// `appId` is written as a string unless given as [`JsonU64::number`].
///
/// `Debug` redacts `appKey` and `appSecret`; every push body written with this sender holds them in
/// clear (see [`PushP2p`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PushSender<'a> {
    app_id: JsonU64,
    app_key: Secret<'a>,
    app_secret: Secret<'a>,
    from_account: JsonStr<'a>,
    from_resource: JsonStr<'a>,
}

impl<'a> PushSender<'a> {
    /// A sender acting as `from_account` on its device `from_resource`.
    ///
    /// ```
    /// let sender = mimc_codec::api::PushSender::new(2882303761517669588u64, "5966086406018",
    ///     "gTO8Jb0wbLaxIzAcRc+O3A==", "user_lei", "push_server");
    /// assert!(!format!("{sender:?}").contains("5966086406018"));
    /// ```
    pub fn new(
        app_id: impl Into<JsonU64>,
        app_key: impl Into<Secret<'a>>,
        app_secret: impl Into<Secret<'a>>,
        from_account: impl Into<JsonStr<'a>>,
        from_resource: impl Into<JsonStr<'a>>,
    ) -> Self {
        PushSender {
            app_id: app_id.into(),
            app_key: app_key.into(),
            app_secret: app_secret.into(),
            from_account: from_account.into(),
            from_resource: from_resource.into(),
        }
    }

    /// `appId`.
    pub const fn app_id(&self) -> JsonU64 {
        self.app_id
    }

    /// `appKey`.
    pub const fn app_key(&self) -> Secret<'a> {
        self.app_key
    }

    /// `appSecret`.
    pub const fn app_secret(&self) -> Secret<'a> {
        self.app_secret
    }

    /// `fromAccount`: the account the message comes from.
    pub const fn from_account(&self) -> JsonStr<'a> {
        self.from_account
    }

    /// `fromResource`: the sending device.
    pub const fn from_resource(&self) -> JsonStr<'a> {
        self.from_resource
    }

    fn write_prefix<S: Sink + ?Sized>(&self, o: &mut ObjectWriter<'_, S>) -> Result<()> {
        o.u64("appId", self.app_id)?;
        o.str("appKey", &self.app_key.expose())?;
        o.str("appSecret", &self.app_secret.expose())?;
        o.str("fromAccount", &self.from_account)?;
        o.str("fromResource", &self.from_resource)
    }
}

/// A pushed message: text sent as is (`"msgType":""`), or bytes sent as base64 (`"msgType":"base64"`,
/// encoded straight into the output).
///
/// ```
/// use mimc_codec::api::PushMessage;
/// assert_eq!(PushMessage::text("hi").msg_type(), "");
/// assert_eq!(PushMessage::bytes(b"\x00\x01").msg_type(), "base64");
/// ```
///
/// A decoded request holds a base64 `msg` as [`Base64`](Self::Base64) (decode it with [`Payload`]'s
/// methods); it equals the [`Bytes`](Self::Bytes) it encodes.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum PushMessage<'a> {
    /// `msg` is the text itself.
    Text(JsonStr<'a>),
    /// `msg` is the base64 of these bytes.
    Bytes(&'a [u8]),
    /// `msg` is base64 text as read from a request body (`"msgType":"base64"`), not decoded yet.
    Base64(Payload<'a>),
}

impl PartialEq for PushMessage<'_> {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (PushMessage::Text(a), PushMessage::Text(b)) => a == b,
            (PushMessage::Bytes(a), PushMessage::Bytes(b)) => a == b,
            (PushMessage::Base64(a), PushMessage::Base64(b)) => a == b,
            (PushMessage::Base64(p), PushMessage::Bytes(b))
            | (PushMessage::Bytes(b), PushMessage::Base64(p)) => p == b,
            _ => false,
        }
    }
}

impl Eq for PushMessage<'_> {}

impl<'a> PushMessage<'a> {
    /// A text message (the WebJS demo sends an envelope's JSON text this way).
    pub fn text(text: impl Into<JsonStr<'a>>) -> Self {
        PushMessage::Text(text.into())
    }

    /// A binary message, sent base64.
    pub const fn bytes(bytes: &'a [u8]) -> Self {
        PushMessage::Bytes(bytes)
    }

    /// The `msgType` written with it.
    pub const fn msg_type(&self) -> &'static str {
        match self {
            PushMessage::Text(_) => "",
            PushMessage::Bytes(_) | PushMessage::Base64(_) => "base64",
        }
    }

    /// Nothing to send?
    pub const fn is_empty(&self) -> bool {
        match self {
            PushMessage::Text(t) => t.is_empty(),
            PushMessage::Bytes(b) => b.is_empty(),
            PushMessage::Base64(p) => p.is_blank(),
        }
    }

    fn check(&self) -> Result<()> {
        if self.is_empty() {
            return Err(invalid("the message is empty", "msg"));
        }
        Ok(())
    }

    fn write_msg<S: Sink + ?Sized>(&self, o: &mut ObjectWriter<'_, S>) -> Result<()> {
        match self {
            PushMessage::Text(t) => o.str("msg", t),
            PushMessage::Bytes(b) => o.with("msg", |s| write_base64(s, b)),
            PushMessage::Base64(p) => o.with("msg", |s| p.write_json(s)),
        }
    }

    fn write_msg_type<S: Sink + ?Sized>(&self, o: &mut ObjectWriter<'_, S>) -> Result<()> {
        o.str("msgType", &JsonStr::new(self.msg_type()))
    }
}

/// The key that names a push's target, and its value.
#[derive(Clone, Copy)]
enum Target<'a> {
    ToAccount(JsonStr<'a>),
    ToAccounts(Accounts<'a>),
    TopicId(JsonU64),
    TopicIds(List<'a, JsonU64>),
}

/// Reads a push body: the sender, the target under `target_key`, and the message. Keys in any order,
/// unknown keys ignored, known keys at most once; the build rules apply (empty message, empty list).
fn read_push<'a>(
    body: &'a [u8],
    target_key: &'static str,
) -> Result<(PushSender<'a>, Target<'a>, PushMessage<'a>)> {
    let mut obj = body_object(body)?;
    let (mut app_id, mut app_key, mut app_secret) = (None, None, None);
    let (mut from_account, mut from_resource) = (None, None);
    let (mut target, mut msg, mut msg_type) = (None, None, None);
    let mut scratch = [0u8; 64];
    while let Some((k, v)) = obj.next_member()? {
        match k.as_key(&mut scratch) {
            Some("appId") => json::set_once(&mut app_id, u64_field(&v, "appId")?, &k, "appId")?,
            Some("appKey") => {
                let s = Secret::from(str_field(&v, "appKey")?);
                json::set_once(&mut app_key, s, &k, "appKey")?;
            }
            Some("appSecret") => {
                let s = Secret::from(str_field(&v, "appSecret")?);
                json::set_once(&mut app_secret, s, &k, "appSecret")?;
            }
            Some("fromAccount") => {
                let s = str_field(&v, "fromAccount")?;
                json::set_once(&mut from_account, s, &k, "fromAccount")?;
            }
            Some("fromResource") => {
                let s = str_field(&v, "fromResource")?;
                json::set_once(&mut from_resource, s, &k, "fromResource")?;
            }
            Some("msg") => {
                str_field(&v, "msg")?;
                json::set_once(&mut msg, v, &k, "msg")?;
            }
            Some("msgType") => {
                json::set_once(
                    &mut msg_type,
                    (str_field(&v, "msgType")?, v.offset()),
                    &k,
                    "msgType",
                )?;
            }
            Some(key) if key == target_key => {
                let t = read_target(&v, target_key)?;
                json::set_once(&mut target, t, &k, target_key)?;
            }
            _ => {}
        }
    }
    let end = end_of(&obj);
    let sender = PushSender {
        app_id: json::required(app_id, "appId", end)?,
        app_key: json::required(app_key, "appKey", end)?,
        app_secret: json::required(app_secret, "appSecret", end)?,
        from_account: json::required(from_account, "fromAccount", end)?,
        from_resource: json::required(from_resource, "fromResource", end)?,
    };
    let target = json::required(target, target_key, end)?;
    let msg = json::required(msg, "msg", end)?;
    let (msg_type, type_at) = json::required(msg_type, "msgType", end)?;
    let text = str_field(&msg, "msg")?;
    let message = if msg_type.is_empty() {
        PushMessage::Text(text)
    } else if msg_type == "base64" {
        let p = Payload::from_json_str(text);
        p.validate()
            .map_err(|e| e.without_field().in_field("msg"))?;
        PushMessage::Base64(p)
    } else {
        return Err(invalid_at(
            "msgType is neither \"\" (text) nor \"base64\"",
            "msgType",
            type_at,
        ));
    };
    if message.is_empty() {
        return Err(invalid_at("the message is empty", "msg", msg.offset()));
    }
    Ok((sender, target, message))
}

/// Reads the target value of a push body.
fn read_target<'a>(v: &RawJson<'a>, key: &'static str) -> Result<Target<'a>> {
    Ok(match key {
        "toAccount" => Target::ToAccount(str_field(v, key)?),
        "toAccounts" => {
            let list = Accounts::from_json(v).map_err(|e| e.in_field(key))?;
            if list.is_empty() {
                return Err(invalid_at("no accounts to push to", key, v.offset()));
            }
            Target::ToAccounts(list)
        }
        "topicIds" => {
            let list = List::<JsonU64>::from_raw(*v).map_err(|e| e.in_field(key))?;
            if list.is_empty() {
                return Err(invalid_at("no groups to push to", key, v.offset()));
            }
            Target::TopicIds(list)
        }
        _ => Target::TopicId(u64_field(v, key)?),
    })
}

/// The error for a target of the wrong kind (cannot happen: `read_push` reads the key it is given).
fn wrong_target(key: &'static str) -> Error {
    invalid("unexpected push target", key)
}

macro_rules! push_call {
    ($ty:ident, $call:literal, $path:literal, $reply:ident) => {
        impl ApiRequest for $ty<'_> {
            type Reply<'r> = $reply<'r>;
            const CALL: &'static str = $call;

            fn method(&self) -> Method {
                Method::Post
            }

            fn write_path<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<()> {
                sink.put($path)
            }

            fn headers(&self) -> Headers<'_> {
                Headers::new(true)
            }
        }
    };
}

/// Pushes a one-to-one message (call `push-p2p`): `POST /api/push/p2p/` with
/// `{appId, appKey, appSecret, fromAccount, fromResource, toAccount, msg, msgType}`.
///
/// The body carries the sender's `appKey` and `appSecret` in clear (the API wants them there): `Debug`
/// of this value redacts them, the encoded body (`to_json_vec`, the body of `to_http_request`, whose
/// `Debug` prints it) does not. Do not log the body or the whole `http::Request`.
///
/// ```
/// use mimc_codec::api::{PushMessage, PushP2p, PushSender};
/// use mimc_codec::ToJson;
/// let sender = PushSender::new(2882303761517669588u64, "5966086406018", "gTO8Jb0wbLaxIzAcRc+O3A==",
///     "user_lei", "push_server");
/// let req = PushP2p::new(sender, "10", PushMessage::bytes(b"pong"))?;
/// let mut buf = [0u8; 512];
/// let json = req.to_json_slice(&mut buf)?;
/// assert!(json.ends_with(br#""toAccount":"10","msg":"cG9uZw==","msgType":"base64"}"#));
/// assert!(PushP2p::new(sender, "10", PushMessage::text("")).is_err());
/// # Ok::<(), mimc_codec::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PushP2p<'a> {
    sender: PushSender<'a>,
    to_account: JsonStr<'a>,
    msg: PushMessage<'a>,
}

impl<'a> PushP2p<'a> {
    /// Pushes `msg` to `to_account`; fails on an empty message.
    pub fn new(
        sender: PushSender<'a>,
        to_account: impl Into<JsonStr<'a>>,
        msg: PushMessage<'a>,
    ) -> Result<Self> {
        msg.check()?;
        Ok(PushP2p {
            sender,
            to_account: to_account.into(),
            msg,
        })
    }

    /// Decodes a request body (everything the call sends is in it). Keys may come in any order, unknown
    /// keys are ignored, `appId` may be a number or a string (kept as it came); the build rules apply,
    /// with the error at the offending value.
    ///
    /// ```
    /// use mimc_codec::api::{PushMessage, PushP2p};
    /// let req = PushP2p::from_json(br#"{"msgType":"","msg":"hi","toAccount":"10","appId":2882303761517669588,
    ///     "appKey":"5966086406018","appSecret":"gTO8Jb0wbLaxIzAcRc+O3A==","fromAccount":"user_lei",
    ///     "fromResource":"push_server","isStore":true}"#)?;
    /// assert_eq!(req.to_account(), "10");
    /// assert_eq!(req.msg(), PushMessage::text("hi"));
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    pub fn from_json(body: &'a [u8]) -> Result<Self> {
        match read_push(body, "toAccount")? {
            (sender, Target::ToAccount(to_account), msg) => Ok(PushP2p {
                sender,
                to_account,
                msg,
            }),
            _ => Err(wrong_target("toAccount")),
        }
    }

    /// Who pushes.
    pub const fn sender(&self) -> PushSender<'a> {
        self.sender
    }

    /// `toAccount`.
    pub const fn to_account(&self) -> JsonStr<'a> {
        self.to_account
    }

    /// The message (`msg` and `msgType`).
    pub const fn msg(&self) -> PushMessage<'a> {
        self.msg
    }
}

impl ToJson for PushP2p<'_> {
    fn write_json<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<()> {
        let mut o = ObjectWriter::begin(sink)?;
        self.sender.write_prefix(&mut o)?;
        o.str("toAccount", &self.to_account)?;
        self.msg.write_msg(&mut o)?;
        self.msg.write_msg_type(&mut o)?;
        o.end()
    }
}

push_call!(PushP2p, "push-p2p", b"/api/push/p2p/", PacketId);

/// Pushes a one-to-one message to many users (call `push-p2p-more`): `POST /api/push/p2p/more` with
/// `toAccounts: [..]` in place of `toAccount`.
///
/// The body carries the sender's `appKey` and `appSecret` in clear (the API wants them there): `Debug`
/// of this value redacts them, the encoded body (`to_json_vec`, the body of `to_http_request`, whose
/// `Debug` prints it) does not. Do not log the body or the whole `http::Request`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PushP2pMore<'a> {
    sender: PushSender<'a>,
    to_accounts: Accounts<'a>,
    msg: PushMessage<'a>,
}

impl<'a> PushP2pMore<'a> {
    /// Pushes `msg` to each of `to_accounts`; fails on an empty message or an empty list.
    pub fn new(
        sender: PushSender<'a>,
        to_accounts: &'a [&'a str],
        msg: PushMessage<'a>,
    ) -> Result<Self> {
        msg.check()?;
        if to_accounts.is_empty() {
            return Err(invalid("no accounts to push to", "toAccounts"));
        }
        Ok(PushP2pMore {
            sender,
            to_accounts: Accounts::from_slice(to_accounts),
            msg,
        })
    }

    /// Decodes a request body, as [`PushP2p::from_json`]; `toAccounts` is validated once and then read
    /// lazily from the body. An empty list is an error.
    pub fn from_json(body: &'a [u8]) -> Result<Self> {
        match read_push(body, "toAccounts")? {
            (sender, Target::ToAccounts(to_accounts), msg) => Ok(PushP2pMore {
                sender,
                to_accounts,
                msg,
            }),
            _ => Err(wrong_target("toAccounts")),
        }
    }

    /// Who pushes.
    pub const fn sender(&self) -> PushSender<'a> {
        self.sender
    }

    /// `toAccounts`.
    pub const fn to_accounts(&self) -> Accounts<'a> {
        self.to_accounts
    }

    /// The message (`msg` and `msgType`).
    pub const fn msg(&self) -> PushMessage<'a> {
        self.msg
    }
}

impl ToJson for PushP2pMore<'_> {
    fn write_json<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<()> {
        let mut o = ObjectWriter::begin(sink)?;
        self.sender.write_prefix(&mut o)?;
        o.with("toAccounts", |s| self.to_accounts.write_json(s))?;
        self.msg.write_msg(&mut o)?;
        self.msg.write_msg_type(&mut o)?;
        o.end()
    }
}

push_call!(
    PushP2pMore,
    "push-p2p-more",
    b"/api/push/p2p/more",
    PacketIds
);

/// Pushes a message to a group (call `push-p2t`): `POST /api/push/p2t/` with
/// `{appId, appKey, appSecret, fromAccount, fromResource, msg, topicId, msgType}` (the manual puts `msg`
/// before `topicId` here).
///
/// `topicId` is written as a string unless given as [`JsonU64::number`].
///
/// The body carries the sender's `appKey` and `appSecret` in clear (the API wants them there): `Debug`
/// of this value redacts them, the encoded body (`to_json_vec`, the body of `to_http_request`, whose
/// `Debug` prints it) does not. Do not log the body or the whole `http::Request`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PushP2t<'a> {
    sender: PushSender<'a>,
    topic_id: JsonU64,
    msg: PushMessage<'a>,
}

impl<'a> PushP2t<'a> {
    /// Pushes `msg` to the group `topic_id`; fails on an empty message.
    pub fn new(
        sender: PushSender<'a>,
        topic_id: impl Into<JsonU64>,
        msg: PushMessage<'a>,
    ) -> Result<Self> {
        msg.check()?;
        Ok(PushP2t {
            sender,
            topic_id: topic_id.into(),
            msg,
        })
    }

    /// Decodes a request body, as [`PushP2p::from_json`]; `topicId` may be a number or a string.
    pub fn from_json(body: &'a [u8]) -> Result<Self> {
        match read_push(body, "topicId")? {
            (sender, Target::TopicId(topic_id), msg) => Ok(PushP2t {
                sender,
                topic_id,
                msg,
            }),
            _ => Err(wrong_target("topicId")),
        }
    }

    /// Who pushes.
    pub const fn sender(&self) -> PushSender<'a> {
        self.sender
    }

    /// `topicId`.
    pub const fn topic_id(&self) -> JsonU64 {
        self.topic_id
    }

    /// The message (`msg` and `msgType`).
    pub const fn msg(&self) -> PushMessage<'a> {
        self.msg
    }
}

impl ToJson for PushP2t<'_> {
    fn write_json<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<()> {
        let mut o = ObjectWriter::begin(sink)?;
        self.sender.write_prefix(&mut o)?;
        self.msg.write_msg(&mut o)?;
        o.u64("topicId", self.topic_id)?;
        self.msg.write_msg_type(&mut o)?;
        o.end()
    }
}

push_call!(PushP2t, "push-p2t", b"/api/push/p2t/", PacketId);

/// Pushes a message to many groups (call `push-p2t-more`): `POST /api/push/p2t/more` with
/// `topicIds: [..]` in the slot of `toAccount`.
///
/// The ids are written as strings; [`with_numeric_ids`](Self::with_numeric_ids) writes bare numbers (the
/// manual types them `List<Long>`).
///
/// The body carries the sender's `appKey` and `appSecret` in clear (the API wants them there): `Debug`
/// of this value redacts them, the encoded body (`to_json_vec`, the body of `to_http_request`, whose
/// `Debug` prints it) does not. Do not log the body or the whole `http::Request`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PushP2tMore<'a> {
    sender: PushSender<'a>,
    topic_ids: List<'a, JsonU64>,
    msg: PushMessage<'a>,
}

impl<'a> PushP2tMore<'a> {
    /// Pushes `msg` to each group of `topic_ids`; fails on an empty message or an empty list.
    pub fn new(sender: PushSender<'a>, topic_ids: &'a [u64], msg: PushMessage<'a>) -> Result<Self> {
        msg.check()?;
        if topic_ids.is_empty() {
            return Err(invalid("no groups to push to", "topicIds"));
        }
        Ok(PushP2tMore {
            sender,
            topic_ids: List::from_ids(topic_ids),
            msg,
        })
    }

    /// Writes `topicIds` as JSON numbers (`true`) or strings (`false`, the default for lists built in
    /// code; decoded lists keep each id's own form until this is called).
    #[must_use]
    pub const fn with_numeric_ids(mut self, numeric: bool) -> Self {
        self.topic_ids = self.topic_ids.with_quoted(!numeric);
        self
    }

    /// Decodes a request body, as [`PushP2p::from_json`]; `topicIds` (numbers and/or digit strings) is
    /// validated once and then read lazily from the body. An empty list is an error.
    pub fn from_json(body: &'a [u8]) -> Result<Self> {
        match read_push(body, "topicIds")? {
            (sender, Target::TopicIds(topic_ids), msg) => Ok(PushP2tMore {
                sender,
                topic_ids,
                msg,
            }),
            _ => Err(wrong_target("topicIds")),
        }
    }

    /// Who pushes.
    pub const fn sender(&self) -> PushSender<'a> {
        self.sender
    }

    /// `topicIds`.
    pub const fn topic_ids(&self) -> List<'a, JsonU64> {
        self.topic_ids
    }

    /// The message (`msg` and `msgType`).
    pub const fn msg(&self) -> PushMessage<'a> {
        self.msg
    }
}

impl ToJson for PushP2tMore<'_> {
    fn write_json<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<()> {
        let mut o = ObjectWriter::begin(sink)?;
        self.sender.write_prefix(&mut o)?;
        o.with("topicIds", |s| self.topic_ids.write_json(s))?;
        self.msg.write_msg(&mut o)?;
        self.msg.write_msg_type(&mut o)?;
        o.end()
    }
}

push_call!(
    PushP2tMore,
    "push-p2t-more",
    b"/api/push/p2t/more",
    PacketIds
);

model! {
    /// The `data` of a push reply: `{"packetId": "..."}`, the id MIMC gave the message.
    pub struct PacketId<'a> in "data" {
        /// `packetId` (opaque text, e.g. `hjdibNDDzS-2`).
        packet_id: JsonStr<'a> = "packetId",
    }
}

typed_reply!(PacketId);

model! {
    /// The `data` of a push-to-many reply: `{"packetIds": [...]}`, one id per target, in order.
    pub struct PacketIds<'a> in "data" {
        /// `packetIds`.
        packet_ids: List<'a, JsonStr<'a>> = "packetIds",
    }
}

typed_reply!(PacketIds);
