//! Webhook callbacks (SPEC section 2): the JSON bodies MIMC POSTs to an app's URL, one per message.
//!
//! ```json
//! {"msgType":"NORMAL_MSG","fromAppId":"2882303761517669588","fromAccount":"user_lei",
//!  "toAppId":"2882303761517669588","toAccount":"10","payload":"eyJ2ZXJzaW9uIjowLC...","timestamp":1598006351955}
//! ```
//!
//! [`Callback`] borrows everything from the body: accounts, the list of group members ([`Accounts`], read
//! lazily from the input) and the base64 [`Payload`], which is decoded only when asked, straight into the
//! caller's buffer. [`Callback::decode_message`] goes from there to the [`Envelope`] inside (or the raw
//! bytes, for apps that send no envelope) in one call.

use core::fmt;

use crate::envelope::Envelope;
use crate::error::{Error, ErrorKind, Result};
use crate::json::{
    self, DecodeOptions, JsonStr, JsonU64, ObjectWriter, RawJson, Sink, ToJson, ValueKind,
};
use crate::list::Accounts;
use crate::name::CustomName;
use crate::payload::Payload;

/// The value of a callback's `msgType`.
///
/// Open: another `msgType` (`RECALL_MSG`) is kept, by its name, in a hidden variant. Build one from a
/// name with [`From<&str>`](#impl-From<%26str>-for-CallbackKind<'a>) (or [`parse`](Self::parse)), which
/// classifies it; read the name with [`as_str`](Self::as_str), [`as_json_str`](Self::as_json_str),
/// `Display` or `==` with a `&str`. Do not match the hidden `_Custom` variant: a kind a later version
/// models moves to a variant of its own, and comparing names keeps working when it does.
///
/// ```
/// use mimc_codec::CallbackKind;
/// assert_eq!(CallbackKind::parse("OFFLINE_TOPIC_MSG"), CallbackKind::OfflineTopicMsg);
/// assert!(CallbackKind::OfflineTopicMsg.is_topic() && CallbackKind::OfflineTopicMsg.is_offline());
/// let recall = CallbackKind::from("RECALL_MSG");
/// assert_eq!(recall.as_str(), Some("RECALL_MSG"));
/// assert!(recall == "RECALL_MSG");
/// assert_eq!(recall.to_string(), "RECALL_MSG");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CallbackKind<'a> {
    /// `NORMAL_MSG`: a one-to-one message, delivered.
    NormalMsg,
    /// `OFFLINE_MSG`: a one-to-one message whose receiver was offline.
    OfflineMsg,
    /// `NORMAL_TOPIC_MSG`: a group message, delivered.
    NormalTopicMsg,
    /// `OFFLINE_TOPIC_MSG`: a group message some members did not receive.
    OfflineTopicMsg,
    /// Any other `msgType`, by its text. Not to be built or matched: see the type's docs.
    #[doc(hidden)]
    _Custom(CustomName<'a>),
}

impl<'a> CallbackKind<'a> {
    /// Classifies a `msgType` value.
    pub fn parse(name: &'a str) -> Self {
        Self::known(name).unwrap_or(CallbackKind::_Custom(CustomName(JsonStr::new(name))))
    }

    /// Classifies a `msgType` read from JSON (unescaping it if needed).
    pub fn from_json_str(s: JsonStr<'a>) -> Self {
        let mut scratch = [0u8; 64];
        s.as_key(&mut scratch)
            .and_then(Self::known)
            .unwrap_or(CallbackKind::_Custom(CustomName(s)))
    }

    fn known(name: &str) -> Option<Self> {
        Some(match name {
            "NORMAL_MSG" => CallbackKind::NormalMsg,
            "OFFLINE_MSG" => CallbackKind::OfflineMsg,
            "NORMAL_TOPIC_MSG" => CallbackKind::NormalTopicMsg,
            "OFFLINE_TOPIC_MSG" => CallbackKind::OfflineTopicMsg,
            _ => return None,
        })
    }

    /// The `msgType` as a JSON string: a known kind's wire name, another one as it came (escapes
    /// included; `==` with a `&str` compares the unescaped text).
    pub const fn as_json_str(&self) -> JsonStr<'a> {
        match self {
            CallbackKind::NormalMsg => JsonStr::new("NORMAL_MSG"),
            CallbackKind::OfflineMsg => JsonStr::new("OFFLINE_MSG"),
            CallbackKind::NormalTopicMsg => JsonStr::new("NORMAL_TOPIC_MSG"),
            CallbackKind::OfflineTopicMsg => JsonStr::new("OFFLINE_TOPIC_MSG"),
            CallbackKind::_Custom(CustomName(s)) => *s,
        }
    }

    /// The `msgType` (`"NORMAL_MSG"`, `"RECALL_MSG"`); `None` only for a name that came with JSON
    /// escapes (then `Display` or [`as_json_str`](Self::as_json_str) unescape it).
    pub const fn as_str(&self) -> Option<&'a str> {
        self.as_json_str().as_str()
    }

    /// A group (topic) message?
    pub const fn is_topic(&self) -> bool {
        matches!(
            self,
            CallbackKind::NormalTopicMsg | CallbackKind::OfflineTopicMsg
        )
    }

    /// An offline notice (`OFFLINE_MSG`, `OFFLINE_TOPIC_MSG`)?
    pub const fn is_offline(&self) -> bool {
        matches!(
            self,
            CallbackKind::OfflineMsg | CallbackKind::OfflineTopicMsg
        )
    }
}

/// Classifies the name, as [`CallbackKind::parse`].
impl<'a> From<&'a str> for CallbackKind<'a> {
    fn from(name: &'a str) -> Self {
        CallbackKind::parse(name)
    }
}

/// The `msgType`, unescaped.
impl fmt::Display for CallbackKind<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.as_json_str(), f)
    }
}

/// Is `name` this `msgType` (unescaped text)?
impl PartialEq<str> for CallbackKind<'_> {
    fn eq(&self, name: &str) -> bool {
        self.as_json_str() == name
    }
}

/// As `PartialEq<str>`.
impl PartialEq<&str> for CallbackKind<'_> {
    fn eq(&self, name: &&str) -> bool {
        *self == **name
    }
}

/// A one-to-one message callback (`NORMAL_MSG`, `OFFLINE_MSG`); MIMC's "p2p".
///
/// `#[non_exhaustive]`: build one with [`P2pMsg::new`] or the [`Callback`] constructors; the fields may be
/// read and changed freely.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct P2pMsg<'a> {
    /// `fromAppId`: the sender's app.
    pub from_app_id: JsonU64,
    /// `fromAccount`: the sender's account in the app.
    pub from_account: JsonStr<'a>,
    /// `toAppId`: the receiver's app.
    pub to_app_id: JsonU64,
    /// `toAccount`: the receiver's account.
    pub to_account: JsonStr<'a>,
    /// `payload`: the message bytes, base64 on the wire.
    pub payload: Payload<'a>,
    /// `timestamp`: milliseconds since the Unix epoch.
    pub timestamp: JsonU64,
}

impl<'a> P2pMsg<'a> {
    /// A one-to-one message; ids and timestamp are written as JSON strings (change the fields for numbers).
    pub fn new(
        from_app_id: u64,
        from_account: &'a str,
        to_app_id: u64,
        to_account: &'a str,
        payload: &'a [u8],
        timestamp: u64,
    ) -> Self {
        P2pMsg {
            from_app_id: JsonU64::new(from_app_id),
            from_account: JsonStr::new(from_account),
            to_app_id: JsonU64::new(to_app_id),
            to_account: JsonStr::new(to_account),
            payload: Payload::from_bytes(payload),
            timestamp: JsonU64::new(timestamp),
        }
    }
}

/// A group message callback (`NORMAL_TOPIC_MSG`, `OFFLINE_TOPIC_MSG`); MIMC's "p2t".
///
/// `#[non_exhaustive]`: build one with [`P2tMsg::new`] or the [`Callback`] constructors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct P2tMsg<'a> {
    /// `appId`.
    pub app_id: JsonU64,
    /// `topicId`: the group.
    pub topic_id: JsonU64,
    /// `fromAccount`: the sender.
    pub from_account: JsonStr<'a>,
    /// `toAccounts`: every member (the sender included) for `NORMAL_TOPIC_MSG`; the members not reached
    /// for `OFFLINE_TOPIC_MSG`.
    pub to_accounts: Accounts<'a>,
    /// `payload`: the message bytes, base64 on the wire.
    pub payload: Payload<'a>,
    /// `timestamp`: milliseconds since the Unix epoch.
    pub timestamp: JsonU64,
}

impl<'a> P2tMsg<'a> {
    /// A group message; ids and timestamp are written as JSON strings (change the fields for numbers).
    pub fn new(
        app_id: u64,
        topic_id: u64,
        from_account: &'a str,
        to_accounts: Accounts<'a>,
        payload: &'a [u8],
        timestamp: u64,
    ) -> Self {
        P2tMsg {
            app_id: JsonU64::new(app_id),
            topic_id: JsonU64::new(topic_id),
            from_account: JsonStr::new(from_account),
            to_accounts,
            payload: Payload::from_bytes(payload),
            timestamp: JsonU64::new(timestamp),
        }
    }
}

/// A callback whose `msgType` this crate does not model, kept whole. Reached through [`Callback`]'s
/// accessors.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CustomCallback<'a> {
    kind: JsonStr<'a>,
    object: RawJson<'a>,
    payload: Option<Payload<'a>>,
    from_account: Option<JsonStr<'a>>,
    timestamp: Option<JsonU64>,
}

/// A webhook callback, dispatched on `msgType` (which may stand anywhere in the object).
///
/// Decoding borrows from the body and allocates nothing; the payload stays base64 until
/// [`decode_message`](Self::decode_message) (or [`Payload::decode_into`]) decodes it into a buffer of the
/// caller's. Ids and timestamps are read exactly from numbers or strings of digits and written back as
/// they came. Unknown keys are skipped; a known key twice is an error. A `msgType` this crate does not
/// know decodes to a hidden variant: reach it through [`kind`](Self::kind), [`payload`](Self::payload),
/// [`raw_json`](Self::raw_json).
///
/// An app server's webhook handler:
///
/// ```
/// use mimc_codec::{Body, Callback, Message};
///
/// /// Handles one POST; MIMC retries (after 5 s, 30 s, 5 min) unless we answer 200.
/// fn on_webhook(body: &[u8]) -> Result<u16, mimc_codec::Error> {
///     let callback = Callback::from_json(body)?;
///     let mut buf = [0u8; 15 * 1024]; // the largest payload MIMC carries
///     match callback.decode_message(&mut buf)? {
///         Message::Envelope(env) => match env.body() {
///             Body::Text(text) => {
///                 let from = callback.from_account().unwrap();
///                 assert_eq!((from.as_str(), text.to_string().as_str()), (Some("10"), "ping!"));
///             }
///             _ => { /* files, recalls, read receipts… */ }
///         },
///         Message::Raw(bytes) => assert_eq!(bytes, b"pong"), // apps that send raw bytes
///         _ => {}
///     }
///     Ok(200)
/// }
///
/// // What MIMC posts for `{"version":0,"msgId":"TEXT_12345","msgType":"TEXT","timestamp":"1516763973000","payload":"ping!"}`
/// // sent from "10" to "user_lei"; then the same with a payload of raw bytes.
/// let enveloped = br#"{"msgType":"NORMAL_MSG","fromAppId":"2882303761517669588","fromAccount":"10",
///     "toAppId":"2882303761517669588","toAccount":"user_lei","timestamp":1516763973000,
///     "payload":"eyJ2ZXJzaW9uIjowLCJtc2dJZCI6IlRFWFRfMTIzNDUiLCJtc2dUeXBlIjoiVEVYVCIsInRpbWVzdGFtcCI6IjE1MTY3NjM5NzMwMDAiLCJwYXlsb2FkIjoicGluZyEifQ=="}"#;
/// let raw = br#"{"msgType":"OFFLINE_MSG","fromAppId":2882303761517669588,"fromAccount":"10",
///     "toAppId":2882303761517669588,"toAccount":"user_lei","payload":"cG9uZw==","timestamp":"1516763973000"}"#;
/// assert_eq!(on_webhook(enveloped)?, 200);
/// assert_eq!(on_webhook(raw)?, 200);
/// # Ok::<(), mimc_codec::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Callback<'a> {
    /// `NORMAL_MSG`: a one-to-one message, delivered.
    NormalMsg(P2pMsg<'a>),
    /// `OFFLINE_MSG`: a one-to-one message whose receiver was offline.
    OfflineMsg(P2pMsg<'a>),
    /// `NORMAL_TOPIC_MSG`: a group message, delivered.
    NormalTopicMsg(P2tMsg<'a>),
    /// `OFFLINE_TOPIC_MSG`: a group message, with the members it did not reach.
    OfflineTopicMsg(P2tMsg<'a>),
    #[doc(hidden)]
    _Custom(CustomCallback<'a>),
}

/// The value slots of one callback object, filled in any order.
#[derive(Default)]
struct Slots<'a> {
    kind: Option<JsonStr<'a>>,
    from_app_id: Option<RawJson<'a>>,
    from_account: Option<RawJson<'a>>,
    to_app_id: Option<RawJson<'a>>,
    to_account: Option<RawJson<'a>>,
    app_id: Option<RawJson<'a>>,
    topic_id: Option<RawJson<'a>>,
    to_accounts: Option<RawJson<'a>>,
    payload: Option<RawJson<'a>>,
    timestamp: Option<RawJson<'a>>,
}

fn id(v: Option<RawJson<'_>>, field: &'static str, end: usize) -> Result<JsonU64> {
    JsonU64::from_json(&json::required(v, field, end)?).map_err(|e| e.in_field(field))
}

fn string<'a>(v: Option<RawJson<'a>>, field: &'static str, end: usize) -> Result<JsonStr<'a>> {
    json::required(v, field, end)?
        .to_json_str()
        .map_err(|e| e.in_field(field))
}

/// Reads the payload and applies the size limit (exact for clean base64; lenient otherwise).
fn payload<'a>(v: Option<RawJson<'a>>, end: usize, opts: &DecodeOptions) -> Result<Payload<'a>> {
    let p = Payload::from_json(&json::required(v, "payload", end)?)?;
    p.check_limit(opts.max_payload())?;
    Ok(p)
}

impl<'a> Callback<'a> {
    /// A `NORMAL_MSG` carrying `payload` (base64-encoded when written); ids and timestamp as strings.
    ///
    /// ```
    /// use mimc_codec::{Callback, ToJson};
    /// let cb = Callback::normal_msg(2882303761517669588, "user_lei", 2882303761517669588, "10", b"pong", 1598006351955);
    /// let mut buf = [0u8; 256];
    /// let json = cb.to_json_slice(&mut buf)?;
    /// assert_eq!(json, br#"{"msgType":"NORMAL_MSG","fromAppId":"2882303761517669588","fromAccount":"user_lei","toAppId":"2882303761517669588","toAccount":"10","payload":"cG9uZw==","timestamp":"1598006351955"}"#);
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    pub fn normal_msg(
        from_app_id: u64,
        from_account: &'a str,
        to_app_id: u64,
        to_account: &'a str,
        payload: &'a [u8],
        timestamp: u64,
    ) -> Self {
        Callback::NormalMsg(P2pMsg::new(
            from_app_id,
            from_account,
            to_app_id,
            to_account,
            payload,
            timestamp,
        ))
    }

    /// An `OFFLINE_MSG` (see [`normal_msg`](Self::normal_msg)).
    pub fn offline_msg(
        from_app_id: u64,
        from_account: &'a str,
        to_app_id: u64,
        to_account: &'a str,
        payload: &'a [u8],
        timestamp: u64,
    ) -> Self {
        Callback::OfflineMsg(P2pMsg::new(
            from_app_id,
            from_account,
            to_app_id,
            to_account,
            payload,
            timestamp,
        ))
    }

    /// A `NORMAL_TOPIC_MSG` to `to_accounts`, carrying `payload`; ids and timestamp as strings.
    ///
    /// ```
    /// use mimc_codec::{Accounts, Callback, ToJson};
    /// let members = ["user_lei", "10"];
    /// let cb = Callback::normal_topic_msg(2882303761517669588, 30094929200414721, "user_lei",
    ///     Accounts::from_slice(&members), b"pong", 1598006351955);
    /// let mut buf = [0u8; 256];
    /// let json = cb.to_json_slice(&mut buf)?;
    /// assert_eq!(json, br#"{"msgType":"NORMAL_TOPIC_MSG","appId":"2882303761517669588","topicId":"30094929200414721","fromAccount":"user_lei","toAccounts":["user_lei","10"],"payload":"cG9uZw==","timestamp":"1598006351955"}"#);
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    pub fn normal_topic_msg(
        app_id: u64,
        topic_id: u64,
        from_account: &'a str,
        to_accounts: Accounts<'a>,
        payload: &'a [u8],
        timestamp: u64,
    ) -> Self {
        Callback::NormalTopicMsg(P2tMsg::new(
            app_id,
            topic_id,
            from_account,
            to_accounts,
            payload,
            timestamp,
        ))
    }

    /// An `OFFLINE_TOPIC_MSG` (see [`normal_topic_msg`](Self::normal_topic_msg)); `to_accounts` are the
    /// members not reached.
    pub fn offline_topic_msg(
        app_id: u64,
        topic_id: u64,
        from_account: &'a str,
        to_accounts: Accounts<'a>,
        payload: &'a [u8],
        timestamp: u64,
    ) -> Self {
        Callback::OfflineTopicMsg(P2tMsg::new(
            app_id,
            topic_id,
            from_account,
            to_accounts,
            payload,
            timestamp,
        ))
    }

    /// Decodes a callback body with the default limits (payload at most 15 KiB decoded, depth 128).
    pub fn from_json(input: &'a [u8]) -> Result<Self> {
        Self::from_json_with(input, &DecodeOptions::new())
    }

    /// Decodes a callback body with explicit limits. The payload's decoded size is checked against
    /// [`DecodeOptions::max_payload`] here already (from its length; the base64 itself is checked when
    /// it is decoded).
    ///
    /// Errors name the field: `MissingField` at the closing `}`, `DuplicateKey` at the second key,
    /// `WrongType`/`InvalidInteger` at the offending value (or `toAccounts` element).
    pub fn from_json_with(input: &'a [u8], opts: &DecodeOptions) -> Result<Self> {
        let mut obj = json::top_object(input, opts)?;
        let mut s = Slots::default();
        let mut scratch = [0u8; 64];
        while let Some((key, value)) = obj.next_member()? {
            let (slot, field) = match key.as_key(&mut scratch) {
                Some("msgType") => {
                    let v = value.to_json_str().map_err(|e| e.in_field("msgType"))?;
                    json::set_once(&mut s.kind, v, &key, "msgType")?;
                    continue;
                }
                Some("fromAppId") => (&mut s.from_app_id, "fromAppId"),
                Some("fromAccount") => (&mut s.from_account, "fromAccount"),
                Some("toAppId") => (&mut s.to_app_id, "toAppId"),
                Some("toAccount") => (&mut s.to_account, "toAccount"),
                Some("appId") => (&mut s.app_id, "appId"),
                Some("topicId") => (&mut s.topic_id, "topicId"),
                Some("toAccounts") => (&mut s.to_accounts, "toAccounts"),
                Some("payload") => (&mut s.payload, "payload"),
                Some("timestamp") => (&mut s.timestamp, "timestamp"),
                _ => continue,
            };
            json::set_once(slot, value, &key, field)?;
        }
        let end = obj.offset().saturating_sub(1);
        let kind = json::required(s.kind, "msgType", end)?;
        let p2p = |s: &Slots<'a>| -> Result<P2pMsg<'a>> {
            Ok(P2pMsg {
                from_app_id: id(s.from_app_id, "fromAppId", end)?,
                from_account: string(s.from_account, "fromAccount", end)?,
                to_app_id: id(s.to_app_id, "toAppId", end)?,
                to_account: string(s.to_account, "toAccount", end)?,
                payload: payload(s.payload, end, opts)?,
                timestamp: id(s.timestamp, "timestamp", end)?,
            })
        };
        let p2t = |s: &Slots<'a>| -> Result<P2tMsg<'a>> {
            Ok(P2tMsg {
                app_id: id(s.app_id, "appId", end)?,
                topic_id: id(s.topic_id, "topicId", end)?,
                from_account: string(s.from_account, "fromAccount", end)?,
                to_accounts: Accounts::from_json(&json::required(
                    s.to_accounts,
                    "toAccounts",
                    end,
                )?)
                .map_err(|e| e.in_field("toAccounts"))?,
                payload: payload(s.payload, end, opts)?,
                timestamp: id(s.timestamp, "timestamp", end)?,
            })
        };
        Ok(match CallbackKind::from_json_str(kind) {
            CallbackKind::NormalMsg => Callback::NormalMsg(p2p(&s)?),
            CallbackKind::OfflineMsg => Callback::OfflineMsg(p2p(&s)?),
            CallbackKind::NormalTopicMsg => Callback::NormalTopicMsg(p2t(&s)?),
            CallbackKind::OfflineTopicMsg => Callback::OfflineTopicMsg(p2t(&s)?),
            CallbackKind::_Custom(CustomName(kind)) => {
                Callback::_Custom(custom(input, kind, &s, opts)?)
            }
        })
    }

    /// The `msgType`.
    pub fn kind(&self) -> CallbackKind<'a> {
        match self {
            Callback::NormalMsg(_) => CallbackKind::NormalMsg,
            Callback::OfflineMsg(_) => CallbackKind::OfflineMsg,
            Callback::NormalTopicMsg(_) => CallbackKind::NormalTopicMsg,
            Callback::OfflineTopicMsg(_) => CallbackKind::OfflineTopicMsg,
            Callback::_Custom(c) => CallbackKind::_Custom(CustomName(c.kind)),
        }
    }

    /// The payload; `None` only for a custom kind without a string `payload`.
    pub fn payload(&self) -> Option<Payload<'a>> {
        match self {
            Callback::NormalMsg(m) | Callback::OfflineMsg(m) => Some(m.payload),
            Callback::NormalTopicMsg(m) | Callback::OfflineTopicMsg(m) => Some(m.payload),
            Callback::_Custom(c) => c.payload,
        }
    }

    /// `fromAccount`; `None` only for a custom kind without a string `fromAccount`.
    pub fn from_account(&self) -> Option<JsonStr<'a>> {
        match self {
            Callback::NormalMsg(m) | Callback::OfflineMsg(m) => Some(m.from_account),
            Callback::NormalTopicMsg(m) | Callback::OfflineTopicMsg(m) => Some(m.from_account),
            Callback::_Custom(c) => c.from_account,
        }
    }

    /// `timestamp`; `None` only for a custom kind without a valid `timestamp`.
    pub fn timestamp(&self) -> Option<JsonU64> {
        match self {
            Callback::NormalMsg(m) | Callback::OfflineMsg(m) => Some(m.timestamp),
            Callback::NormalTopicMsg(m) | Callback::OfflineTopicMsg(m) => Some(m.timestamp),
            Callback::_Custom(c) => c.timestamp,
        }
    }

    /// The whole body of a custom kind as it came (it is written back verbatim); `None` for the known kinds.
    pub fn raw_json(&self) -> Option<RawJson<'a>> {
        match self {
            Callback::_Custom(c) => Some(c.object),
            _ => None,
        }
    }

    /// Decodes the payload into `buf` and reads what it holds: an [`Envelope`] borrowed from `buf`, or
    /// the raw bytes when they are not one (see [`Message::from_bytes`]). Default limits; the errors are
    /// those of [`Payload::decode_into`], and `MissingField` for a custom kind without payload.
    pub fn decode_message<'b>(&self, buf: &'b mut [u8]) -> Result<Message<'b>> {
        self.decode_message_with(buf, &DecodeOptions::new())
    }

    /// As [`decode_message`](Self::decode_message), with explicit limits (payload size, and depth for
    /// the envelope).
    pub fn decode_message_with<'b>(
        &self,
        buf: &'b mut [u8],
        opts: &DecodeOptions,
    ) -> Result<Message<'b>> {
        let Some(payload) = self.payload() else {
            let end = self.raw_json().map_or(0, |o| {
                o.offset()
                    .saturating_add(o.as_str().len().saturating_sub(1))
            });
            return Err(Error::new(ErrorKind::MissingField, end).in_field("payload"));
        };
        let bytes = payload.decode_into_with(buf, opts)?;
        Ok(Message::classify(bytes, None, opts))
    }

    /// As [`decode_message`](Self::decode_message), for envelopes that travel without a kind key: the
    /// Android, iOS and WebJS demos put the kind in MIMC's bizType, which callbacks do not carry, so the
    /// caller supplies it (from its own mapping of senders or conversations, say). `kind` is used only
    /// when the JSON has no kind key; a kind key in the JSON wins.
    ///
    /// ```
    /// use mimc_codec::{Callback, Message};
    /// // The Android demo's TEXT: no msgType key; the payload is base64 of that JSON.
    /// let cb = Callback::from_json(br#"{"msgType":"NORMAL_MSG","fromAppId":"1","fromAccount":"a",
    ///     "toAppId":"1","toAccount":"b","timestamp":"1","payload":
    ///     "eyJ2ZXJzaW9uIjowLCJtc2dJZCI6IngiLCJ0aW1lc3RhbXAiOjEsInBheWxvYWQiOiJhR2s9In0="}"#)?;
    /// let mut buf = [0u8; 128];
    /// assert!(matches!(cb.decode_message(&mut buf)?, Message::Raw(_)));
    /// let Message::Envelope(env) = cb.decode_message_with_kind(&mut buf, "TEXT")? else { panic!() };
    /// assert_eq!(env.kind(), mimc_codec::Kind::Text);
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    pub fn decode_message_with_kind<'b>(
        &self,
        buf: &'b mut [u8],
        kind: &'b str,
    ) -> Result<Message<'b>> {
        let Some(payload) = self.payload() else {
            return self.decode_message(buf);
        };
        let bytes = payload.decode_into(buf)?;
        Ok(Message::classify(bytes, Some(kind), &DecodeOptions::new()))
    }
}

/// Builds the custom variant: the whole object kept, the common fields picked up when they are usable.
fn custom<'a>(
    input: &'a [u8],
    kind: JsonStr<'a>,
    s: &Slots<'a>,
    opts: &DecodeOptions,
) -> Result<CustomCallback<'a>> {
    // Validated already; only custom kinds pay for this second look.
    let text = json::utf8(input)?;
    let is_ws = |c: char| matches!(c, ' ' | '\n' | '\r' | '\t');
    let start = text
        .len()
        .saturating_sub(text.trim_start_matches(is_ws).len());
    let object = text.trim_matches(is_ws);
    let payload = match s.payload.map(|v| Payload::from_json(&v)) {
        Some(Ok(p)) => {
            p.check_limit(opts.max_payload())?;
            Some(p)
        }
        _ => None,
    };
    Ok(CustomCallback {
        kind,
        object: RawJson::from_parts(object, start, ValueKind::Object),
        payload,
        from_account: s.from_account.and_then(|v| v.to_json_str().ok()),
        timestamp: s.timestamp.and_then(|v| JsonU64::from_json(&v).ok()),
    })
}

impl ToJson for Callback<'_> {
    /// `msgType` first, then the manual's order; a custom kind is written back verbatim.
    fn write_json<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<()> {
        if let Callback::_Custom(c) = self {
            return sink.put(c.object.as_str().as_bytes());
        }
        let name = self.kind().as_str().unwrap_or("");
        let mut o = ObjectWriter::begin(sink)?;
        o.with("msgType", |s| {
            s.put(b"\"")?;
            s.put(name.as_bytes())?;
            s.put(b"\"")
        })?;
        match self {
            Callback::NormalMsg(m) | Callback::OfflineMsg(m) => {
                o.u64("fromAppId", m.from_app_id)?;
                o.str("fromAccount", &m.from_account)?;
                o.u64("toAppId", m.to_app_id)?;
                o.str("toAccount", &m.to_account)?;
                o.with("payload", |s| m.payload.write_json(s))?;
                o.u64("timestamp", m.timestamp)?;
            }
            Callback::NormalTopicMsg(m) | Callback::OfflineTopicMsg(m) => {
                o.u64("appId", m.app_id)?;
                o.u64("topicId", m.topic_id)?;
                o.str("fromAccount", &m.from_account)?;
                o.with("toAccounts", |s| m.to_accounts.write_json(s))?;
                o.with("payload", |s| m.payload.write_json(s))?;
                o.u64("timestamp", m.timestamp)?;
            }
            Callback::_Custom(_) => {}
        }
        o.end()
    }
}

/// What a payload holds: an [`Envelope`] (the manual's recommended format) or bytes in some other form.
///
/// Real clients mix both, so [`from_bytes`](Self::from_bytes) never fails: bytes that do not decode as an
/// envelope with its kind key (`msgType`/`type`) are [`Message::Raw`]. To learn why some bytes are not an
/// envelope, call [`Envelope::from_json`] on them.
///
/// ```
/// use mimc_codec::{Kind, Message};
/// let env = br#"{"version":0,"msgId":"PONG_12345","msgType":"PONG","timestamp":"1516763973000","payload":"10"}"#;
/// assert!(matches!(Message::from_bytes(env), Message::Envelope(e) if e.kind() == Kind::Pong));
/// assert_eq!(Message::from_bytes(b"pong"), Message::Raw(b"pong"));
/// assert_eq!(Message::from_bytes(br#"{"lat":39.9}"#).raw(), Some(&br#"{"lat":39.9}"#[..]));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Message<'b> {
    /// The payload is an envelope, borrowed from the bytes.
    Envelope(Envelope<'b>),
    /// The payload is not an envelope: the bytes as they are.
    Raw(&'b [u8]),
}

impl<'b> Message<'b> {
    /// Reads `bytes` as an envelope if they are one, else keeps them raw. Default limits.
    pub fn from_bytes(bytes: &'b [u8]) -> Self {
        Self::from_bytes_with(bytes, &DecodeOptions::new())
    }

    /// As [`from_bytes`](Self::from_bytes), with explicit limits for the envelope (depth).
    pub fn from_bytes_with(bytes: &'b [u8], opts: &DecodeOptions) -> Self {
        Self::classify(bytes, None, opts)
    }

    /// An envelope (with `kind` when the JSON has no kind key) or the raw bytes.
    fn classify(bytes: &'b [u8], kind: Option<&'b str>, opts: &DecodeOptions) -> Self {
        // Only a JSON object can be an envelope: skip the attempt for everything else.
        let first = bytes
            .iter()
            .find(|b| !matches!(b, b' ' | b'\n' | b'\r' | b'\t'));
        if first == Some(&b'{') {
            if let Ok(env) = Envelope::from_json_with_kind_and_options(bytes, kind, opts) {
                return Message::Envelope(env);
            }
        }
        Message::Raw(bytes)
    }

    /// The envelope, if it is one.
    pub fn envelope(&self) -> Option<&Envelope<'b>> {
        match self {
            Message::Envelope(e) => Some(e),
            Message::Raw(_) => None,
        }
    }

    /// The raw bytes, if they are not an envelope.
    pub fn raw(&self) -> Option<&'b [u8]> {
        match self {
            Message::Raw(b) => Some(b),
            Message::Envelope(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::format;

    #[test]
    fn kinds_round_trip_their_names() {
        for name in [
            "NORMAL_MSG",
            "OFFLINE_MSG",
            "NORMAL_TOPIC_MSG",
            "OFFLINE_TOPIC_MSG",
            "RECALL_MSG",
            "",
        ] {
            assert_eq!(format!("{}", CallbackKind::parse(name)), name);
        }
        let escaped = RawJson::parse(r#""NORMAL\u005fMSG""#).unwrap();
        assert_eq!(
            CallbackKind::from_json_str(escaped.to_json_str().unwrap()),
            CallbackKind::NormalMsg
        );
    }

    #[cfg(feature = "alloc")] // to_json_string
    #[test]
    fn custom_kinds_are_kept_verbatim() {
        let body = br#" {"msgType":"RECALL_MSG","fromAccount":"10","payload":"cG9uZw==","timestamp":"x","extra":[1, 2]} "#;
        let cb = Callback::from_json(body).unwrap();
        assert!(matches!(cb.kind(), CallbackKind::_Custom(CustomName(k)) if k == "RECALL_MSG"));
        assert_eq!(cb.from_account().unwrap(), "10");
        assert_eq!(cb.timestamp(), None);
        assert_eq!(cb.payload().unwrap(), b"pong"[..]);
        let raw = cb.raw_json().unwrap();
        assert_eq!(raw.offset(), 1);
        assert_eq!(
            cb.to_json_string().unwrap(),
            core::str::from_utf8(&body[1..body.len() - 1]).unwrap()
        );
        let mut buf = [0u8; 8];
        assert_eq!(cb.decode_message(&mut buf).unwrap(), Message::Raw(b"pong"));
        let none = Callback::from_json(br#"{"msgType":"X","payload":1}"#).unwrap();
        assert_eq!(none.payload(), None);
        let e = none.decode_message(&mut buf).unwrap_err();
        assert_eq!(
            (e.kind(), e.offset(), e.field()),
            (ErrorKind::MissingField, Some(26), Some("payload"))
        );
        assert_eq!(
            none.to_json_string().unwrap(),
            r#"{"msgType":"X","payload":1}"#
        );
    }
}
