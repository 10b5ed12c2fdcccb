//! Server push: one-to-one, to many users, to a group, to many groups.

use crate::error::Result;
use crate::json::{self, JsonStr, JsonU64, ObjectWriter, RawJson, Sink, ToJson};

use super::reply::{end_of, invalid, object_field, str_field};
use super::{
    ApiRequest, Headers, List, Method, Secret, typed_reply, write_id_array, write_str_array,
};
use crate::payload::write_base64;

/// Who pushes: the app's credentials and the sending account, the part every push body starts with
/// (`appId, appKey, appSecret, fromAccount, fromResource`). Make one and push with it many times.
///
/// `appId` is written as a string unless given as [`JsonU64::number`].
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PushMessage<'a> {
    /// `msg` is the text itself.
    Text(JsonStr<'a>),
    /// `msg` is the base64 of these bytes.
    Bytes(&'a [u8]),
}

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
            PushMessage::Bytes(_) => "base64",
        }
    }

    /// Nothing to send?
    pub const fn is_empty(&self) -> bool {
        match self {
            PushMessage::Text(t) => t.is_empty(),
            PushMessage::Bytes(b) => b.is_empty(),
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
        }
    }

    fn write_msg_type<S: Sink + ?Sized>(&self, o: &mut ObjectWriter<'_, S>) -> Result<()> {
        o.str("msgType", &JsonStr::new(self.msg_type()))
    }
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
/// ```
/// use mimc_codec::api::{PushMessage, PushP2p, PushSender};
/// use mimc_codec::ToJson;
/// let sender = PushSender::new(2882303761517669588u64, "5966086406018", "gTO8Jb0wbLaxIzAcRc+O3A==",
///     "user_lei", "push_server");
/// let req = PushP2p::new(sender, "10", PushMessage::bytes(b"pong"))?;
/// assert!(req.to_json_string()?.ends_with(r#""toAccount":"10","msg":"cG9uZw==","msgType":"base64"}"#));
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PushP2pMore<'a> {
    sender: PushSender<'a>,
    to_accounts: &'a [&'a str],
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
            to_accounts,
            msg,
        })
    }
}

impl ToJson for PushP2pMore<'_> {
    fn write_json<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<()> {
        let mut o = ObjectWriter::begin(sink)?;
        self.sender.write_prefix(&mut o)?;
        o.with("toAccounts", |s| write_str_array(s, self.to_accounts))?;
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PushP2tMore<'a> {
    sender: PushSender<'a>,
    topic_ids: &'a [u64],
    quoted: bool,
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
            topic_ids,
            quoted: true,
            msg,
        })
    }

    /// Writes `topicIds` as JSON numbers (`true`) or strings (`false`, the default).
    #[must_use]
    pub const fn with_numeric_ids(mut self, numeric: bool) -> Self {
        self.quoted = !numeric;
        self
    }
}

impl ToJson for PushP2tMore<'_> {
    fn write_json<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<()> {
        let mut o = ObjectWriter::begin(sink)?;
        self.sender.write_prefix(&mut o)?;
        o.with("topicIds", |s| {
            write_id_array(s, self.topic_ids, self.quoted)
        })?;
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

/// The `data` of a push reply: `{"packetId": "..."}`, the id MIMC gave the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PacketId<'a> {
    pub(crate) packet_id: JsonStr<'a>,
}

typed_reply!(PacketId);

impl<'a> PacketId<'a> {
    fn read(data: RawJson<'a>) -> Result<Self> {
        let mut obj = object_field(&data, "data")?;
        let mut packet_id = None;
        let mut scratch = [0u8; 64];
        while let Some((k, v)) = obj.next_member()? {
            if k.as_key(&mut scratch) == Some("packetId") {
                json::set_once(&mut packet_id, str_field(&v, "packetId")?, &k, "packetId")?;
            }
        }
        Ok(PacketId {
            packet_id: json::required(packet_id, "packetId", end_of(&obj))?,
        })
    }

    /// `packetId` (opaque text, e.g. `hjdibNDDzS-2`).
    pub const fn packet_id(&self) -> JsonStr<'a> {
        self.packet_id
    }
}

/// The `data` of a push-to-many reply: `{"packetIds": [...]}`, one id per target, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PacketIds<'a> {
    pub(crate) packet_ids: List<'a, JsonStr<'a>>,
}

typed_reply!(PacketIds);

impl<'a> PacketIds<'a> {
    fn read(data: RawJson<'a>) -> Result<Self> {
        let mut obj = object_field(&data, "data")?;
        let mut packet_ids = None;
        let mut scratch = [0u8; 64];
        while let Some((k, v)) = obj.next_member()? {
            if k.as_key(&mut scratch) == Some("packetIds") {
                let list = List::from_raw(v).map_err(|e| e.in_field("packetIds"))?;
                json::set_once(&mut packet_ids, list, &k, "packetIds")?;
            }
        }
        Ok(PacketIds {
            packet_ids: json::required(packet_ids, "packetIds", end_of(&obj))?,
        })
    }

    /// `packetIds`.
    pub const fn packet_ids(&self) -> List<'a, JsonStr<'a>> {
        self.packet_ids
    }
}
