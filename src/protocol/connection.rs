//! A sans-IO MIMC client connection (PROTOCOL.md §5, §7, §13): no sockets, no clock, no allocator.
//!
//! The caller feeds received bytes ([`Connection::handle_input`]) and the time
//! ([`Connection::handle_timeout`]) in, and takes frames to write ([`Connection::poll_transmit`]),
//! events ([`Connection::poll_event`]), inbound messages ([`Connection::poll_message`]) and the next
//! deadline ([`Connection::poll_timeout`]) out. Time is milliseconds on any monotonic clock the caller
//! chooses. Capacities are fixed: one receive buffer, one unread packet list, one queued message
//! ([`Connection::send_p2p`] and the other senders), eight messages awaiting their acks, four joined
//! unlimited groups, eight events, 64 remembered sequences.

use core::fmt;

use super::chain::{Delivery, DeliveryKind, deliveries};
use super::crypto::{BindParams, Rc4Key, SecurityKey, bind_signature};
use super::frame::{
    FrameBody, FrameConfig, KEEP_ALIVE, Keys, Packet, decode_frame, encode_frame, frame_len,
};
use super::messages::{
    ClientHeader, MimcGroup, MimcMsgType, MimcOnlineMessageAck, MimcP2pMessage, MimcP2tMessage,
    MimcPacket, MimcPacketAck, MimcPacketList, MimcPushStatus, MimcSequenceAck, MimcUser,
    MsgDirFlag, UcDismiss, UcGroup, UcJoin, UcJoinResp, UcMessage, UcMessageList, UcMsgType,
    UcPacket, UcPing, UcQuit, UcQuitResp, UcSequenceAck, XmMsgBind, XmMsgBindResp, XmMsgConn,
    XmMsgConnResp, XmMsgKick,
};
use super::pb::{Encode, Repeated, SecretStr};
use crate::{Error, ErrorKind, Result};

/// Bytes of the receive buffer: the largest frame a [`Connection`] accepts.
pub const RECV_CAPACITY: usize = 2048;
/// Bytes a [`Connection::poll_transmit`] buffer should have (the largest control frame fits).
pub const TRANSMIT_CAPACITY: usize = 1024;
/// Events a [`Connection`] holds before the oldest is dropped.
const EVENT_CAPACITY: usize = 8;
/// Sequences remembered to drop re-delivered messages.
const SEEN_CAPACITY: usize = 64;
/// MIMC's channel id.
const CHID: i32 = 9;
/// The `server` of every header.
const SERVER: &str = "xiaomi.com";
/// The BIND method.
const METHOD: &str = "XIAOMI-PASS";
/// Capacity of a frame id.
const ID_CAPACITY: usize = 48;
/// Capacity of the CONN challenge.
const CHALLENGE_CAPACITY: usize = 64;
/// Messages awaiting their ack at once.
pub const ACK_CAPACITY: usize = 8;
/// Unlimited groups joined at once.
pub const UC_CAPACITY: usize = 4;
/// Capacity of the packet id and of the resource kept for an ONLINE_MESSAGE_ACK.
const ONLINE_ID_CAPACITY: usize = 64;

/// What a [`Connection`] needs: the account's credentials (the token reply of the HTTP API gives
/// them), the device's resource and udid, and the timers. `Debug` redacts the token and security key.
///
/// ```
/// use mimc_codec::protocol::Config;
/// let cfg = Config::new(2882303761517669588, "alice", 1000000000000001, "TOKEN", "AAECAwQFBgcICQoLDA0ODw==");
/// assert_eq!(cfg.keep_alive_ms, 180_000);
/// assert!(!format!("{cfg:?}").contains("TOKEN"));
/// ```
#[derive(Clone, Copy)]
#[non_exhaustive]
pub struct Config<'c> {
    /// The app id.
    pub app_id: u64,
    /// The app account.
    pub account: &'c str,
    /// The user's uuid (the token reply's `miUserId`).
    pub uuid: i64,
    /// The device resource.
    pub resource: &'c str,
    /// The token (`token`).
    pub token: &'c str,
    /// The base64 text of `miUserSecurityKey`.
    pub security_key: &'c str,
    /// The device id sent in CONN; half of it goes into the body key.
    pub udid: &'c str,
    /// Frame ids are this prefix and a counter (ids must be unique per account: seed it).
    pub id_prefix: &'c str,
    /// Keep-alive interval after the last frame sent (PROTOCOL.md §5.3: the SDKs use 15 s to 180 s).
    pub keep_alive_ms: u64,
    /// Deadline for a response after a frame that expects one (CONN, BIND, ping, messages; §7.8).
    pub response_timeout_ms: u64,
    /// Deadline for each message's ack ([`Event::AckTimeout`] when it passes; §7.1: 10 s in Go,
    /// C# and Java).
    pub ack_timeout_ms: u64,
    /// Interval of the unlimited-group ping while any group is joined (§7.6: 10 s in Java and WebJS).
    pub uc_ping_ms: u64,
    /// Frame layout and maximum body (capped to [`RECV_CAPACITY`]).
    pub frame: FrameConfig,
}

impl<'c> Config<'c> {
    /// A configuration with resource `"rust"`, an empty udid, id prefix `"rs-"`, a 180 s keep-alive,
    /// a 30 s response deadline, a 10 s ack deadline and a 10 s UC ping (PROTOCOL.md §13), over TCP.
    pub const fn new(
        app_id: u64,
        account: &'c str,
        uuid: i64,
        token: &'c str,
        security_key: &'c str,
    ) -> Self {
        Config {
            app_id,
            account,
            uuid,
            resource: "rust",
            token,
            security_key,
            udid: "",
            id_prefix: "rs-",
            keep_alive_ms: 180_000,
            response_timeout_ms: 30_000,
            ack_timeout_ms: 10_000,
            uc_ping_ms: 10_000,
            frame: FrameConfig::TCP,
        }
    }

    /// A configuration (defaults as [`new`](Self::new)) from the token reply of the HTTP API
    /// (`POST /api/account/token`): app id, account, uuid (`miUserId`), token and security key. Fails,
    /// at the value's offset in the reply, when one of those strings is written with JSON escapes
    /// (the connection borrows them as they are) or `miUserId` does not fit an `i64`.
    ///
    /// ```
    /// use mimc_codec::{api::TokenData, protocol::Config};
    /// let data = TokenData::from_json(br#"{"code":200,"message":"success","data":{
    ///     "appId":"2882303761517669588","appPackage":"com.xiaomi.mimcdemo","appAccount":"user_lei",
    ///     "miChid":9,"miUserId":"27331892437057537","miUserSecurityKey":"gl8D/DIg8f3zl1iFiKtSOg==",
    ///     "token":"cUyhSzbqwAwKD4GG"}}"#).expect("a token reply");
    /// let cfg = Config::from_token(&data)?;
    /// assert_eq!((cfg.app_id, cfg.account, cfg.uuid), (2882303761517669588, "user_lei", 27331892437057537));
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    pub fn from_token(data: &crate::api::TokenData<'c>) -> Result<Self> {
        let text = |s: crate::json::JsonStr<'c>| {
            s.as_str().ok_or_else(|| {
                Error::new(
                    ErrorKind::InvalidValue("a credential written with JSON escapes"),
                    s.offset(),
                )
            })
        };
        let uuid = i64::try_from(data.mi_user_id().get())
            .map_err(|_| Error::without_offset(ErrorKind::IntegerOverflow).in_field("miUserId"))?;
        Ok(Self::new(
            data.app_id().get(),
            text(data.app_account())?,
            uuid,
            text(data.token().expose())?,
            text(data.security_key().expose())?,
        ))
    }

    /// The same configuration with `f` applied.
    #[must_use]
    pub fn with(mut self, f: impl FnOnce(&mut Self)) -> Self {
        f(&mut self);
        self
    }
}

impl fmt::Debug for Config<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("app_id", &self.app_id)
            .field("account", &self.account)
            .field("uuid", &self.uuid)
            .field("resource", &self.resource)
            .field("token", &"<redacted>")
            .field("security_key", &"<redacted>")
            .field("udid", &self.udid)
            .field("id_prefix", &self.id_prefix)
            .field("keep_alive_ms", &self.keep_alive_ms)
            .field("response_timeout_ms", &self.response_timeout_ms)
            .field("ack_timeout_ms", &self.ack_timeout_ms)
            .field("uc_ping_ms", &self.uc_ping_ms)
            .finish_non_exhaustive()
    }
}

/// Why a connection failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConnError {
    /// A frame from the server could not be read (offsets in the receive buffer's frame).
    Frame(Error),
    /// No response arrived before the deadline.
    ResponseTimeout,
    /// The transport closed ([`Connection::handle_close`]) before a logout.
    Closed,
}

/// What happened on a [`Connection`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// The CONN response arrived; the body key is derived and BIND is queued.
    Connected,
    /// The BIND response said yes: the connection is online.
    Bound,
    /// The BIND response said no; the connection is closed. `token_invalid`: the server named an
    /// expired or invalid token (fetch a new one before reconnecting).
    BindFailed {
        /// `token-expired` or `invalid-token`.
        token_invalid: bool,
    },
    /// The server kicked the connection; it is closed. `reconnect`: false for `single-resource-kick`.
    Kicked {
        /// Whether reconnecting automatically is allowed.
        reconnect: bool,
    },
    /// The server acknowledged a message sent with [`Connection::send_p2p`],
    /// [`send_p2t`](Connection::send_p2t) or [`send_uc`](Connection::send_uc) (its `PACKET_ACK`).
    PacketAck {
        /// The number the sender returned.
        id: u32,
        /// The sequence the server assigned.
        sequence: i64,
        /// The server's code (0 on success).
        code: i32,
    },
    /// A keep-alive answer (the 12-byte frame or a `PING` frame).
    Pong,
    /// The receiver of a message sent with [`Connection::send_online`] acknowledged it
    /// (`ONLINE_MESSAGE_ACK`; code 1 = received).
    OnlineMessageAck {
        /// The number [`Connection::send_online`] returned.
        id: u32,
        /// The receiver's code.
        code: i32,
    },
    /// No ack arrived for message `id` within [`Config::ack_timeout_ms`]; the connection stays up
    /// (the message may or may not have been delivered).
    AckTimeout {
        /// The number the sender returned.
        id: u32,
    },
    /// The offline backlog is too large (`STATUS_EXCEED_COUNT_LIMIT`, PROTOCOL.md §7.4): the server
    /// holds messages `min_sequence..=max_sequence` and sent none. Answer with
    /// [`Connection::ack_pull_notification`]: accepting acks `max_sequence` (the server skips the
    /// backlog; fetch it over HTTP), refusing sends nothing. A repeated notification with an
    /// accepted `min_sequence` is acked again without this event.
    PullNotification {
        /// `minSequence`.
        min_sequence: i64,
        /// `maxSequence`.
        max_sequence: i64,
    },
    /// The logout ([`Connection::logout`]) completed; the connection is closed.
    LoggedOut,
    /// The server answered a [`Connection::join_uc`]: joined when `code` is 0.
    UcJoined {
        /// The topic.
        topic_id: u64,
        /// 0 = joined.
        code: i32,
    },
    /// The server answered a [`Connection::quit_uc`].
    UcQuit {
        /// The topic.
        topic_id: u64,
    },
    /// The server dismissed an unlimited group.
    UcDismissed {
        /// The topic.
        topic_id: u64,
    },
    /// The connection failed and is closed.
    Error(ConnError),
}

/// Where the handshake is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum State {
    /// Created; [`Connection::connect`] not called yet.
    Idle,
    /// CONN queued or sent, waiting for its response.
    AwaitConn,
    /// BIND queued or sent, waiting for its response.
    AwaitBind,
    /// Bound: online.
    Bound,
    /// UBND sent ([`Connection::logout`]); any frame, the deadline or the close completes it.
    LoggingOut,
    /// Closed (after an error, a failed bind, a kick or a logout).
    Closed,
}

/// A sans-IO MIMC client connection: handshake, bind, keep-alive, messages in and out, acks,
/// pull notifications, unlimited groups and logout (PROTOCOL.md §5, §7, §13).
///
/// ```
/// use mimc_codec::protocol::{Config, Connection, Event, State, TRANSMIT_CAPACITY};
/// let cfg = Config::new(1, "alice", 1000000000000001, "TOKEN", "AAECAwQFBgcICQoLDA0ODw==");
/// let mut conn = Connection::new(cfg)?;
/// conn.connect(0);
/// let mut out = [0u8; TRANSMIT_CAPACITY];
/// let frame = conn.poll_transmit(&mut out).expect("CONN");
/// assert_eq!(&frame[..4], b"\xc2\xfe\x00\x05");
/// assert_eq!(conn.state(), State::AwaitConn);
/// assert_eq!(conn.poll_timeout(), Some(30_000));
/// conn.handle_timeout(30_000);
/// assert_eq!(conn.poll_event(), Some(Event::Error(mimc_codec::protocol::ConnError::ResponseTimeout)));
/// assert_eq!(conn.state(), State::Closed);
/// # Ok::<(), mimc_codec::Error>(())
/// ```
pub struct Connection<'c> {
    config: Config<'c>,
    frame: FrameConfig,
    security: SecurityKey,
    body_key: Option<Rc4Key>,
    state: State,
    now: u64,
    next_id: u32,
    challenge: [u8; CHALLENGE_CAPACITY],
    challenge_len: usize,
    pending: Pending,
    response_deadline: Option<u64>,
    next_ping: Option<u64>,
    recv: [u8; RECV_CAPACITY],
    recv_len: usize,
    tx: [u8; TRANSMIT_CAPACITY],
    tx_len: usize,
    /// Whether the queued `tx` frame expects a response (arms the response deadline).
    tx_request: bool,
    inbox: [u8; RECV_CAPACITY],
    inbox_len: usize,
    inbox_read: usize,
    seen: [i64; SEEN_CAPACITY],
    seen_next: usize,
    seq_ack: Option<i64>,
    /// Messages awaiting their ack: `(number, deadline)`, number 0 = free.
    awaiting: [(u32, u64); ACK_CAPACITY],
    /// The pull notification the app has not answered: `(min, max)`.
    pull: Option<(i64, i64)>,
    /// The last pull notification accepted: `(min, max)`.
    pull_accepted: Option<(i64, i64)>,
    online_ack: Option<OnlineAck>,
    /// Joined unlimited groups: `(topic, highest sequence surfaced)`, topic 0 = free.
    uc: [(u64, i64); UC_CAPACITY],
    uc_seq_ack: Option<(u64, i64)>,
    next_uc_ping: Option<u64>,
    events: [Option<Event>; EVENT_CAPACITY],
    event_head: usize,
    event_len: usize,
}

/// Frames waiting for [`Connection::poll_transmit`].
// Independent frames, each queued or not.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Clone, Copy, Default)]
struct Pending {
    conn: bool,
    bind: bool,
    ping: bool,
    ubnd: bool,
    uc_ping: bool,
}

/// What an ONLINE_MESSAGE_ACK needs of the message it acks.
#[derive(Clone, Copy)]
struct OnlineAck {
    packet_id: [u8; ONLINE_ID_CAPACITY],
    packet_id_len: usize,
    resource: [u8; ONLINE_ID_CAPACITY],
    resource_len: usize,
    uuid: u64,
}

impl OnlineAck {
    /// `None` when the packet id or the resource does not fit.
    fn new(packet_id: &str, uuid: u64, resource: &str) -> Option<Self> {
        if packet_id.len() > ONLINE_ID_CAPACITY || resource.len() > ONLINE_ID_CAPACITY {
            return None;
        }
        let mut a = OnlineAck {
            packet_id: [0; ONLINE_ID_CAPACITY],
            packet_id_len: packet_id.len(),
            resource: [0; ONLINE_ID_CAPACITY],
            resource_len: resource.len(),
            uuid,
        };
        a.packet_id[..packet_id.len()].copy_from_slice(packet_id.as_bytes());
        a.resource[..resource.len()].copy_from_slice(resource.as_bytes());
        Some(a)
    }

    fn packet_id(&self) -> &str {
        // Copied whole from a `&str`.
        core::str::from_utf8(&self.packet_id[..self.packet_id_len]).unwrap_or_default()
    }

    fn resource(&self) -> &str {
        core::str::from_utf8(&self.resource[..self.resource_len]).unwrap_or_default()
    }
}

impl fmt::Debug for Connection<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection")
            .field("config", &self.config)
            .field("state", &self.state)
            .field("now", &self.now)
            .field("response_deadline", &self.response_deadline)
            .field("next_ping", &self.next_ping)
            .field("buffered", &self.recv_len)
            .finish_non_exhaustive()
    }
}

/// A frame id: the prefix and a decimal counter.
struct IdBuf {
    bytes: [u8; ID_CAPACITY],
    len: usize,
}

impl IdBuf {
    fn new(prefix: &str, n: u32) -> Self {
        let mut bytes = [0u8; ID_CAPACITY];
        let mut digits = [0u8; 10];
        let mut d = digits.len();
        let mut v = n;
        loop {
            d -= 1;
            // `v % 10` is below 10.
            digits[d] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        let mut p = prefix.len().min(ID_CAPACITY - digits.len());
        while !prefix.is_char_boundary(p) {
            p -= 1;
        }
        let prefix = prefix.as_bytes();
        bytes[..p].copy_from_slice(&prefix[..p]);
        let tail = &digits[d..];
        bytes[p..p + tail.len()].copy_from_slice(tail);
        IdBuf {
            bytes,
            len: p + tail.len(),
        }
    }

    fn as_str(&self) -> &str {
        // A whole-character prefix and ASCII digits: always UTF-8.
        core::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default()
    }
}

/// What a SECMSG from the server asks of the connection.
enum Inbound<'a> {
    None,
    Event(Event),
    /// Messages to keep in the inbox (the `MIMCPacket` bytes) and what to answer once kept.
    Messages(&'a [u8], Answer<'a>),
    Pull {
        min: i64,
        max: i64,
    },
}

/// The automatic answer to messages kept in the inbox.
enum Answer<'a> {
    None,
    Sequence(i64),
    Uc(u64, i64),
    Online {
        packet_id: &'a str,
        uuid: u64,
        resource: &'a str,
    },
}

impl<'c> Connection<'c> {
    /// A connection in [`State::Idle`]; fails when the security key is not base64.
    pub fn new(config: Config<'c>) -> Result<Self> {
        let security = SecurityKey::from_base64(config.security_key)?;
        let cap = RECV_CAPACITY - 16;
        let frame = config.frame.with_max_body(config.frame.max_body.min(cap));
        Ok(Connection {
            config,
            frame,
            security,
            body_key: None,
            state: State::Idle,
            now: 0,
            next_id: 1,
            challenge: [0; CHALLENGE_CAPACITY],
            challenge_len: 0,
            pending: Pending::default(),
            response_deadline: None,
            next_ping: None,
            recv: [0; RECV_CAPACITY],
            recv_len: 0,
            tx: [0; TRANSMIT_CAPACITY],
            tx_len: 0,
            tx_request: false,
            inbox: [0; RECV_CAPACITY],
            inbox_len: 0,
            inbox_read: 0,
            seen: [i64::MIN; SEEN_CAPACITY],
            seen_next: 0,
            seq_ack: None,
            awaiting: [(0, 0); ACK_CAPACITY],
            pull: None,
            pull_accepted: None,
            online_ack: None,
            uc: [(0, 0); UC_CAPACITY],
            uc_seq_ack: None,
            next_uc_ping: None,
            events: [None; EVENT_CAPACITY],
            event_head: 0,
            event_len: 0,
        })
    }

    /// Where the handshake is.
    pub fn state(&self) -> State {
        self.state
    }

    /// Starts the handshake (after the caller opened the transport): queues CONN.
    pub fn connect(&mut self, now: u64) {
        self.tick(now);
        if self.state == State::Idle {
            self.state = State::AwaitConn;
            self.pending.conn = true;
        }
    }

    /// Logs out: queues UBND (PROTOCOL.md §5.4). The next frame from the server, the response
    /// deadline or [`handle_close`](Self::handle_close) completes it with [`Event::LoggedOut`].
    /// Before the connection is bound it just closes (with `LoggedOut`).
    ///
    /// ```
    /// use mimc_codec::protocol::{Config, Connection, Event, State};
    /// let cfg = Config::new(1, "alice", 1000000000000001, "TOKEN", "AAECAwQFBgcICQoLDA0ODw==");
    /// let mut conn = Connection::new(cfg)?;
    /// conn.connect(0);
    /// conn.logout(1); // not bound yet: closed at once
    /// assert_eq!((conn.poll_event(), conn.state()), (Some(Event::LoggedOut), State::Closed));
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    pub fn logout(&mut self, now: u64) {
        self.tick(now);
        match self.state {
            State::Bound => {
                self.close();
                self.state = State::LoggingOut;
                self.pending.ubnd = true;
            }
            State::Closed | State::LoggingOut => {}
            _ => {
                self.close();
                self.push_event(Event::LoggedOut);
            }
        }
    }

    /// The transport closed (EOF or an error): the connection closes, with [`Event::LoggedOut`]
    /// during a logout and [`ConnError::Closed`] otherwise (nothing once closed).
    pub fn handle_close(&mut self, now: u64) {
        self.tick(now);
        match self.state {
            State::Closed => {}
            State::LoggingOut => {
                self.close();
                self.push_event(Event::LoggedOut);
            }
            _ => self.fail(ConnError::Closed),
        }
    }

    fn tick(&mut self, now: u64) {
        self.now = self.now.max(now);
    }

    /// Feeds bytes received from the server (any split of the stream).
    pub fn handle_input(&mut self, mut input: &[u8], now: u64) {
        self.tick(now);
        while !input.is_empty() && self.state != State::Closed {
            let room = RECV_CAPACITY - self.recv_len;
            let n = room.min(input.len());
            self.recv[self.recv_len..self.recv_len + n].copy_from_slice(&input[..n]);
            self.recv_len += n;
            input = &input[n..];
            if let Err(e) = self.process() {
                self.fail(ConnError::Frame(e));
            }
        }
    }

    /// Reads every complete frame in the receive buffer.
    fn process(&mut self) -> Result<()> {
        while self.state != State::Closed {
            let len = match frame_len(&self.recv[..self.recv_len], &self.frame) {
                Ok(len) => len,
                Err(e) if matches!(e.kind(), ErrorKind::Incomplete { .. }) => return Ok(()),
                Err(e) => return Err(e),
            };
            self.frame_in(len)?;
            self.recv.copy_within(len..self.recv_len, 0);
            self.recv_len -= len;
        }
        Ok(())
    }

    fn frame_in(&mut self, len: usize) -> Result<()> {
        let keys = Keys {
            body: self.body_key.as_ref(),
            security: Some(&self.security),
        };
        let frame = decode_frame(&mut self.recv[..len], &self.frame, keys)?;
        self.response_deadline = None;
        if self.state == State::LoggingOut {
            // Any frame completes the logout (no SDK reads a UBND response).
            self.close();
            self.push_event(Event::LoggedOut);
            return Ok(());
        }
        let mut challenge = None;
        let event = match frame.body {
            FrameBody::KeepAlive => Some(Event::Pong),
            FrameBody::Encrypted(_) => {
                return Err(Error::new(
                    ErrorKind::InvalidValue("an encrypted frame before the CONN response"),
                    0,
                ));
            }
            FrameBody::Packet(p) => match packet_event(&p, self.state, &mut challenge)? {
                Some(e) => Some(e),
                None if self.state != State::Bound => None,
                None => match inbound(&p, &self.config)? {
                    Inbound::None => None,
                    Inbound::Event(e) => Some(e),
                    Inbound::Messages(bytes, answer) => {
                        // Kept until read: messages arriving before the last are read stay
                        // unacked (the server re-delivers stored ones).
                        if self.inbox_len == 0 {
                            self.inbox[..bytes.len()].copy_from_slice(bytes);
                            self.inbox_len = bytes.len();
                            self.inbox_read = 0;
                            match answer {
                                Answer::None => {}
                                Answer::Sequence(max) => self.seq_ack = Some(max),
                                Answer::Uc(topic, max) => self.uc_seq_ack = Some((topic, max)),
                                Answer::Online {
                                    packet_id,
                                    uuid,
                                    resource,
                                } => self.online_ack = OnlineAck::new(packet_id, uuid, resource),
                            }
                        }
                        None
                    }
                    Inbound::Pull { min, max } => match self.pull_accepted {
                        Some((m, accepted)) if m == min => {
                            self.seq_ack = Some(accepted);
                            None
                        }
                        _ => {
                            self.pull = Some((min, max));
                            Some(Event::PullNotification {
                                min_sequence: min,
                                max_sequence: max,
                            })
                        }
                    },
                },
            },
        };
        if let Some(c) = challenge {
            let n = c.len().min(CHALLENGE_CAPACITY);
            self.challenge[..n].copy_from_slice(&c.as_bytes()[..n]);
            self.challenge_len = n;
        }
        self.apply(event)
    }

    /// What an event changes, then the event queued.
    fn apply(&mut self, event: Option<Event>) -> Result<()> {
        match event {
            Some(Event::Connected) => {
                let challenge = core::str::from_utf8(&self.challenge[..self.challenge_len])
                    .map_err(|_| Error::without_offset(ErrorKind::InvalidUtf8))?;
                self.body_key = Some(Rc4Key::body_key(challenge, self.config.udid)?);
                self.state = State::AwaitBind;
                self.pending.bind = true;
            }
            Some(Event::Bound) => {
                self.state = State::Bound;
                self.next_ping = Some(self.now.saturating_add(self.config.keep_alive_ms));
            }
            Some(Event::BindFailed { .. } | Event::Kicked { .. }) => self.close(),
            Some(Event::PacketAck { id, .. } | Event::OnlineMessageAck { id, .. }) => {
                for slot in &mut self.awaiting {
                    if slot.0 == id {
                        *slot = (0, 0);
                    }
                }
            }
            Some(Event::UcJoined { topic_id, code: 0 }) => {
                if topic_id != 0 && !self.uc.iter().any(|g| g.0 == topic_id) {
                    if let Some(slot) = self.uc.iter_mut().find(|g| g.0 == 0) {
                        *slot = (topic_id, i64::MIN);
                    }
                }
                if self.next_uc_ping.is_none() {
                    self.next_uc_ping = Some(self.now.saturating_add(self.config.uc_ping_ms));
                }
            }
            Some(Event::UcQuit { topic_id } | Event::UcDismissed { topic_id }) => {
                for slot in &mut self.uc {
                    if slot.0 == topic_id {
                        *slot = (0, 0);
                    }
                }
                if self.uc.iter().all(|g| g.0 == 0) {
                    self.next_uc_ping = None;
                }
            }
            _ => {}
        }
        if let Some(e) = event {
            self.push_event(e);
        }
        Ok(())
    }

    fn close(&mut self) {
        self.state = State::Closed;
        self.pending = Pending::default();
        self.tx_len = 0;
        self.seq_ack = None;
        self.uc_seq_ack = None;
        self.online_ack = None;
        self.response_deadline = None;
        self.next_ping = None;
        self.next_uc_ping = None;
        self.awaiting = [(0, 0); ACK_CAPACITY];
        self.uc = [(0, 0); UC_CAPACITY];
        self.pull = None;
    }

    fn fail(&mut self, e: ConnError) {
        self.close();
        self.push_event(Event::Error(e));
    }

    fn push_event(&mut self, e: Event) {
        if self.event_len == EVENT_CAPACITY {
            // Keep the newest: drop the oldest.
            self.event_head = (self.event_head + 1) % EVENT_CAPACITY;
            self.event_len -= 1;
        }
        self.events[(self.event_head + self.event_len) % EVENT_CAPACITY] = Some(e);
        self.event_len += 1;
    }

    /// The next event, oldest first.
    pub fn poll_event(&mut self) -> Option<Event> {
        if self.event_len == 0 {
            return None;
        }
        let e = self.events[self.event_head].take();
        self.event_head = (self.event_head + 1) % EVENT_CAPACITY;
        self.event_len -= 1;
        e
    }

    /// The next deadline (ms) at which [`handle_timeout`](Self::handle_timeout) must be called.
    pub fn poll_timeout(&self) -> Option<u64> {
        let acks = self.awaiting.iter().filter(|a| a.0 != 0).map(|a| a.1);
        [self.response_deadline, self.next_ping, self.next_uc_ping]
            .into_iter()
            .flatten()
            .chain(acks)
            .min()
    }

    /// Advances the timers to `now`: a missed response deadline fails the connection (or completes
    /// a logout); a missed ack deadline is an [`Event::AckTimeout`]; the keep-alive and UC ping
    /// intervals queue their pings.
    pub fn handle_timeout(&mut self, now: u64) {
        self.tick(now);
        if self.response_deadline.is_some_and(|d| d <= self.now) {
            if self.state == State::LoggingOut {
                self.close();
                self.push_event(Event::LoggedOut);
            } else {
                self.fail(ConnError::ResponseTimeout);
            }
            return;
        }
        for i in 0..ACK_CAPACITY {
            let (id, deadline) = self.awaiting[i];
            if id != 0 && deadline <= self.now {
                self.awaiting[i] = (0, 0);
                self.push_event(Event::AckTimeout { id });
            }
        }
        if self.next_ping.is_some_and(|d| d <= self.now) {
            self.next_ping = None;
            self.pending.ping = true;
        }
        if self.next_uc_ping.is_some_and(|d| d <= self.now) {
            self.next_uc_ping = None;
            self.pending.uc_ping = true;
        }
    }

    /// Writes the next frame to send into `out` and returns it: the filled front of `out`, exactly the
    /// frame's bytes (the crate's convention for writing into a caller's slice; quinn-proto's
    /// `poll_transmit` returns its `Transmit` metadata instead, which a single TCP stream does not
    /// need). `None` when nothing is pending or `out` is too small (give it [`TRANSMIT_CAPACITY`]
    /// bytes; the frame stays queued).
    pub fn poll_transmit<'b>(&mut self, out: &'b mut [u8]) -> Option<&'b mut [u8]> {
        let n = self.transmit(out)?;
        out.get_mut(..n)
    }

    /// [`poll_transmit`](Self::poll_transmit)'s work: the length of the frame written.
    fn transmit(&mut self, out: &mut [u8]) -> Option<usize> {
        let n = if self.pending.conn {
            let n = self.encode_conn(out).ok()?;
            self.pending.conn = false;
            n
        } else if self.pending.bind {
            let n = self.encode_bind(out).ok()?;
            self.pending.bind = false;
            n
        } else if self.pending.ping {
            out.get_mut(..KEEP_ALIVE.len())?
                .copy_from_slice(&KEEP_ALIVE);
            self.pending.ping = false;
            KEEP_ALIVE.len()
        } else if self.pending.ubnd {
            let n = self.encode_ubnd(out).ok()?;
            self.pending.ubnd = false;
            n
        } else {
            // Single-direction frames: no response deadline, no keep-alive restart (§7.8, §15.2).
            let n = self.poll_oneway(out)?;
            if n > 0 {
                return Some(n);
            }
            if self.tx_len == 0 {
                return None;
            }
            let n = self.tx_len;
            out.get_mut(..n)?.copy_from_slice(&self.tx[..n]);
            self.tx_len = 0;
            if !self.tx_request {
                return Some(n);
            }
            n
        };
        self.sent_request();
        Some(n)
    }

    /// The next single-direction frame (acks, the UC ping): its length, 0 when none is pending, `None`
    /// when `out` is too small.
    fn poll_oneway(&mut self, out: &mut [u8]) -> Option<usize> {
        if let Some(max) = self.seq_ack {
            let n = self.encode_seq_ack(out, max).ok()?;
            self.seq_ack = None;
            Some(n)
        } else if let Some((topic, max)) = self.uc_seq_ack {
            let ack = UcSequenceAck::new().with(|m| {
                m.group = Some(self.uc_group(topic));
                m.sequence = Some(max);
            });
            let n = self.encode_uc(out, None, UcMsgType::SeqAck, &ack).ok()?;
            self.uc_seq_ack = None;
            Some(n)
        } else if let Some(a) = self.online_ack {
            let ack = MimcOnlineMessageAck::new().with(|m| {
                m.packet_id = Some(a.packet_id());
                m.uuid = Some(a.uuid);
                m.resource = Some(a.resource());
                m.code = Some(1);
                m.error_msg = Some("RECEIVED");
            });
            // As Java: the ack's header id and packet id are the acked message's (§15.1).
            let keys = self.keys();
            let kind = MimcMsgType::OnlineMessageAck;
            let n = secmsg(
                out,
                &self.frame,
                &self.config,
                keys,
                a.packet_id(),
                kind,
                &ack,
            )
            .ok()?;
            self.online_ack = None;
            Some(n)
        } else if self.pending.uc_ping && self.uc.iter().all(|g| g.0 == 0) {
            // Every group was left after the ping fell due.
            self.pending.uc_ping = false;
            Some(0)
        } else if self.pending.uc_ping {
            let mut groups = [UcGroup::new(); UC_CAPACITY];
            let mut count = 0;
            for &(topic, _) in self.uc.iter().filter(|g| g.0 != 0) {
                groups[count] = self.uc_group(topic);
                count += 1;
            }
            let ping = UcPing::new().with(|m| m.group = Repeated::from_slice(&groups[..count]));
            let n = self.encode_uc(out, None, UcMsgType::Ping, &ping).ok()?;
            self.pending.uc_ping = false;
            self.next_uc_ping = Some(self.now.saturating_add(self.config.uc_ping_ms));
            Some(n)
        } else {
            Some(0)
        }
    }

    /// A frame that expects a response went out: arm the deadline, restart the keep-alive interval.
    fn sent_request(&mut self) {
        if self.response_deadline.is_none() {
            self.response_deadline = Some(self.now.saturating_add(self.config.response_timeout_ms));
        }
        if self.state == State::Bound {
            self.next_ping = Some(self.now.saturating_add(self.config.keep_alive_ms));
        }
    }

    fn keys(&self) -> Keys<'_> {
        Keys {
            body: self.body_key.as_ref(),
            security: Some(&self.security),
        }
    }

    fn uc_group(&self, topic_id: u64) -> UcGroup<'static> {
        UcGroup::new().with(|g| {
            g.app_id = Some(self.config.app_id);
            g.topic_id = Some(topic_id);
        })
    }

    fn me(&self) -> MimcUser<'c> {
        let c = &self.config;
        MimcUser::new().with(|u| {
            u.app_id = Some(c.app_id);
            u.app_account = Some(c.account);
            u.uuid = Some(c.uuid.unsigned_abs());
            u.resource = Some(c.resource);
        })
    }

    /// Checks that a message can be queued; its number and id.
    fn begin_send(&mut self, now: u64, awaits_ack: bool) -> Result<(u32, IdBuf)> {
        self.tick(now);
        if self.state != State::Bound {
            return Err(Error::without_offset(ErrorKind::InvalidValue("not bound")));
        }
        if self.tx_len > 0 {
            return Err(Error::new(
                ErrorKind::InvalidValue("a message is already queued"),
                0,
            ));
        }
        if awaits_ack && self.awaiting.iter().all(|a| a.0 != 0) {
            return Err(Error::new(
                ErrorKind::InvalidValue("too many messages awaiting their acks"),
                0,
            ));
        }
        let number = self.next_id;
        let id = self.take_id();
        Ok((number, id))
    }

    /// The message `number` is queued: it expects a response (`request`) and an ack (`awaits_ack`).
    fn queued(&mut self, number: u32, request: bool, awaits_ack: bool) {
        self.tx_request = request;
        if awaits_ack {
            if let Some(slot) = self.awaiting.iter_mut().find(|a| a.0 == 0) {
                *slot = (number, self.now.saturating_add(self.config.ack_timeout_ms));
            }
        }
    }

    /// Queues a P2P message to the account `to` of the same app (stored, SECMSG with the payload
    /// encrypted by the payload key) and returns its number: the [`Event::PacketAck`] with this `id`
    /// is the server's acknowledgement, [`Event::AckTimeout`] says none came in time. One message is
    /// queued at a time: send it with [`poll_transmit`](Self::poll_transmit) before the next. Fails
    /// when not bound, when a message is already queued, when [`ACK_CAPACITY`] messages await their
    /// acks, or when the frame does not fit [`TRANSMIT_CAPACITY`].
    ///
    /// ```
    /// use mimc_codec::protocol::{Config, Connection};
    /// let cfg = Config::new(1, "alice", 1000000000000001, "TOKEN", "AAECAwQFBgcICQoLDA0ODw==");
    /// let mut conn = Connection::new(cfg)?;
    /// assert!(conn.send_p2p("bob", b"hello", "TEXT", 0).is_err()); // not bound yet
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    pub fn send_p2p(&mut self, to: &str, payload: &[u8], biz_type: &str, now: u64) -> Result<u32> {
        self.p2p(to, payload, biz_type, now, MimcMsgType::P2pMessage)
    }

    /// Queues an online message (`ONLINE_MESSAGE`: not stored, delivered only if `to` is online) and
    /// returns its number; the receiver's [`Event::OnlineMessageAck`] acknowledges it,
    /// [`Event::AckTimeout`] says none came in time. Single-direction: it arms no response deadline.
    /// Fails as [`send_p2p`](Self::send_p2p).
    pub fn send_online(
        &mut self,
        to: &str,
        payload: &[u8],
        biz_type: &str,
        now: u64,
    ) -> Result<u32> {
        self.p2p(to, payload, biz_type, now, MimcMsgType::OnlineMessage)
    }

    fn p2p(
        &mut self,
        to: &str,
        payload: &[u8],
        biz_type: &str,
        now: u64,
        kind: MimcMsgType,
    ) -> Result<u32> {
        let (number, id) = self.begin_send(now, true)?;
        let c = &self.config;
        let msg = MimcP2pMessage::new().with(|m| {
            m.from = Some(self.me());
            m.to = Some(MimcUser::new().with(|u| {
                u.app_id = Some(c.app_id);
                u.app_account = Some(to);
            }));
            m.payload = Some(payload);
            m.is_store = Some(kind == MimcMsgType::P2pMessage);
            m.biz_type = Some(biz_type);
        });
        let keys = Keys {
            body: self.body_key.as_ref(),
            security: Some(&self.security),
        };
        let (cfg, tx) = (&self.frame, &mut self.tx);
        self.tx_len = secmsg(tx, cfg, c, keys, id.as_str(), kind, &msg)?;
        self.queued(number, kind == MimcMsgType::P2pMessage, true);
        Ok(number)
    }

    /// Queues a normal-group (P2T) message to topic `topic_id` (stored) and returns its number, acked
    /// as [`send_p2p`](Self::send_p2p)'s.
    ///
    /// ```
    /// use mimc_codec::protocol::{Config, Connection};
    /// let cfg = Config::new(1, "alice", 1000000000000001, "TOKEN", "AAECAwQFBgcICQoLDA0ODw==");
    /// let mut conn = Connection::new(cfg)?;
    /// assert!(conn.send_p2t(42, b"hello", "TEXT", 0).is_err()); // not bound yet
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    pub fn send_p2t(
        &mut self,
        topic_id: u64,
        payload: &[u8],
        biz_type: &str,
        now: u64,
    ) -> Result<u32> {
        let (number, id) = self.begin_send(now, true)?;
        let c = &self.config;
        let msg = MimcP2tMessage::new().with(|m| {
            m.from = Some(self.me());
            m.to = Some(MimcGroup::new().with(|g| {
                g.app_id = Some(c.app_id);
                g.topic_id = Some(topic_id);
            }));
            m.payload = Some(payload);
            m.is_store = Some(true);
            m.biz_type = Some(biz_type);
        });
        let keys = Keys {
            body: self.body_key.as_ref(),
            security: Some(&self.security),
        };
        let (cfg, tx) = (&self.frame, &mut self.tx);
        self.tx_len = secmsg(tx, cfg, c, keys, id.as_str(), MimcMsgType::P2tMessage, &msg)?;
        self.queued(number, true, true);
        Ok(number)
    }

    /// Queues a JOIN of the unlimited group `topic_id`; [`Event::UcJoined`] answers it. While any
    /// group is joined the connection sends a UC ping every [`Config::uc_ping_ms`] and acks each
    /// `MESSAGE_LIST` (UC messages come through [`poll_message`](Self::poll_message)). At most
    /// [`UC_CAPACITY`] groups. Fails as [`send_p2p`](Self::send_p2p), and when `UC_CAPACITY` groups
    /// are joined.
    pub fn join_uc(&mut self, topic_id: u64, now: u64) -> Result<u32> {
        if self.uc.iter().all(|g| g.0 != 0) && !self.uc.iter().any(|g| g.0 == topic_id) {
            return Err(Error::new(
                ErrorKind::InvalidValue("too many unlimited groups joined"),
                0,
            ));
        }
        let join = UcJoin::new().with(|m| m.group = Some(self.uc_group(topic_id)));
        self.uc_request(now, UcMsgType::Join, &join, false)
    }

    /// Queues a QUIT of the unlimited group `topic_id`; [`Event::UcQuit`] answers it.
    pub fn quit_uc(&mut self, topic_id: u64, now: u64) -> Result<u32> {
        let quit = UcQuit::new().with(|m| m.group = Some(self.uc_group(topic_id)));
        self.uc_request(now, UcMsgType::Quit, &quit, false)
    }

    /// Queues a message to the unlimited group `topic_id` and returns its number, acked as
    /// [`send_p2p`](Self::send_p2p)'s (the server's `PACKET_ACK`).
    pub fn send_uc(
        &mut self,
        topic_id: u64,
        payload: &[u8],
        biz_type: &str,
        now: u64,
    ) -> Result<u32> {
        // The UCMessage carries the packet id, which is the next id.
        let packet_id = IdBuf::new(self.config.id_prefix, self.next_id);
        let msg = UcMessage::new().with(|m| {
            m.group = Some(self.uc_group(topic_id));
            m.payload = Some(payload);
            m.is_store = Some(true);
            m.user = Some(self.me());
            m.packet_id = Some(packet_id.as_str());
            m.biz_type = Some(biz_type);
        });
        self.uc_request(now, UcMsgType::Message, &msg, true)
    }

    fn uc_request(
        &mut self,
        now: u64,
        kind: UcMsgType,
        inner: &dyn Encode,
        awaits_ack: bool,
    ) -> Result<u32> {
        let (number, id) = self.begin_send(now, awaits_ack)?;
        let mut tx = [0u8; TRANSMIT_CAPACITY];
        let n = self.encode_uc(&mut tx, Some(&id), kind, inner)?;
        self.tx[..n].copy_from_slice(&tx[..n]);
        self.tx_len = n;
        self.queued(number, true, awaits_ack);
        // Any UC request restarts the UC ping interval (C#, §7.6).
        if self.next_uc_ping.is_some() {
            self.next_uc_ping = Some(self.now.saturating_add(self.config.uc_ping_ms));
        }
        Ok(number)
    }

    /// A SECMSG with a `UC_PACKET` of `kind` carrying `inner`; `id` or a fresh one.
    fn encode_uc(
        &mut self,
        out: &mut [u8],
        id: Option<&IdBuf>,
        kind: UcMsgType,
        inner: &dyn Encode,
    ) -> Result<usize> {
        let fresh;
        let id = if let Some(id) = id {
            id
        } else {
            fresh = self.take_id();
            &fresh
        };
        let mut buf = [0u8; TRANSMIT_CAPACITY];
        let n = inner.encode(&mut buf)?.len();
        let uc = UcPacket::new().with(|m| {
            m.user = Some(self.me());
            m.msg_type = Some(kind);
            m.payload = Some(&buf[..n]);
            m.packet_id = Some(id.as_str());
        });
        let keys = self.keys();
        secmsg(
            out,
            &self.frame,
            &self.config,
            keys,
            id.as_str(),
            MimcMsgType::UcPacket,
            &uc,
        )
    }

    /// Answers the last [`Event::PullNotification`]: `accept` queues the `SEQUENCE_ACK` of its
    /// `maxSequence` (and remembers it, to ack a repeat of the same notification by itself); refusing
    /// sends nothing. Does nothing when no notification is unanswered.
    pub fn ack_pull_notification(&mut self, accept: bool) {
        if let Some((min, max)) = self.pull.take() {
            if accept && self.state == State::Bound {
                self.seq_ack = Some(max);
                self.pull_accepted = Some((min, max));
            }
        }
    }

    /// The next message the server delivered (P2P or P2T from a `COMPOUND` list, an online message, a
    /// UC message), each sequence once; call it after [`handle_input`](Self::handle_input) until
    /// `None`. The connection answers each list with the `SEQUENCE_ACK` of its `maxSequence`
    /// (PROTOCOL.md §7.2), each UC `MESSAGE_LIST` with its UC `SEQ_ACK` and each online message with
    /// an `ONLINE_MESSAGE_ACK`, through [`poll_transmit`](Self::poll_transmit). Dedupe: the last 64
    /// P2P/P2T sequences; per joined UC group, sequences up to the highest surfaced; online
    /// messages have no sequence and are not deduplicated. One packet (list) is kept at a time: read
    /// it before feeding more input, or a packet arriving meanwhile is dropped unacked (stored
    /// messages come again; an online message is lost, and its sender sees an
    /// [`Event::AckTimeout`]). Messages borrow the connection until the next call.
    pub fn poll_message(&mut self) -> Option<Delivery<'_>> {
        loop {
            if self.inbox_len == 0 || self.inbox_read >= RECV_CAPACITY {
                // An empty buffer would decode as a default (empty P2P) packet.
                self.inbox_len = 0;
                return None;
            }
            let (index, key) = {
                let Ok(packet) = MimcPacket::decode(&self.inbox[..self.inbox_len]) else {
                    self.inbox_len = 0;
                    return None;
                };
                let mut next = deliveries(&packet).enumerate().skip(self.inbox_read);
                match next.next() {
                    Some((i, Ok(d))) => (i, Some((d.kind, d.sequence, d.topic_id))),
                    Some((i, Err(_))) => (i, None),
                    None => {
                        self.inbox_len = 0;
                        return None;
                    }
                }
            };
            self.inbox_read = index + 1;
            let Some((kind, sequence, topic)) = key else {
                continue;
            };
            if !self.first_time(kind, sequence, topic) {
                continue;
            }
            let packet = MimcPacket::decode(&self.inbox[..self.inbox_len]).ok()?;
            return deliveries(&packet).nth(index).and_then(Result::ok);
        }
    }

    /// Whether a message is new (and remembers it).
    fn first_time(&mut self, kind: DeliveryKind, sequence: i64, topic: Option<u64>) -> bool {
        match kind {
            DeliveryKind::Online => true,
            DeliveryKind::Uc => {
                let topic = topic.unwrap_or(0);
                match self.uc.iter_mut().find(|g| g.0 == topic && topic != 0) {
                    Some(g) if sequence <= g.1 => false,
                    Some(g) => {
                        g.1 = sequence;
                        true
                    }
                    None => true,
                }
            }
            _ => {
                if self.seen.contains(&sequence) {
                    return false;
                }
                self.seen[self.seen_next] = sequence;
                self.seen_next = (self.seen_next + 1) % SEEN_CAPACITY;
                true
            }
        }
    }

    fn encode_seq_ack(&mut self, out: &mut [u8], max: i64) -> Result<usize> {
        let id = self.take_id();
        let c = &self.config;
        let ack = MimcSequenceAck::new().with(|m| {
            m.uuid = Some(c.uuid.unsigned_abs());
            m.resource = Some(c.resource);
            m.sequence = Some(max);
            m.app_id = Some(c.app_id);
        });
        let kind = MimcMsgType::SequenceAck;
        secmsg(out, &self.frame, c, self.keys(), id.as_str(), kind, &ack)
    }

    fn take_id(&mut self) -> IdBuf {
        let id = IdBuf::new(self.config.id_prefix, self.next_id);
        self.next_id = self.next_id.wrapping_add(1).max(1);
        id
    }

    fn encode_conn(&mut self, out: &mut [u8]) -> Result<usize> {
        let id = self.take_id();
        let header = header(&self.config, "CONN", id.as_str());
        let conn = XmMsgConn::new().with(|m| {
            m.version = Some(106);
            m.model = Some("");
            m.os = Some("");
            m.udid = Some(self.config.udid);
            m.sdk = Some(33);
        });
        encode_frame(out, &self.frame, &header, &conn, Keys::default()).map(|f| f.len())
    }

    fn encode_ubnd(&mut self, out: &mut [u8]) -> Result<usize> {
        let id = self.take_id();
        let header = header(&self.config, "UBND", id.as_str());
        let keys = Keys {
            body: self.body_key.as_ref(),
            security: None,
        };
        encode_frame(out, &self.frame, &header, &&b""[..], keys).map(|f| f.len())
    }

    fn encode_bind(&mut self, out: &mut [u8]) -> Result<usize> {
        let id = self.take_id();
        let challenge = core::str::from_utf8(&self.challenge[..self.challenge_len]).unwrap_or("");
        let sig = bind_signature(&BindParams {
            method: METHOD,
            challenge,
            chid: CHID,
            client_attrs: "",
            cloud_attrs: "",
            uuid: self.config.uuid,
            resource: self.config.resource,
            id: id.as_str(),
            kick: "0",
            server: SERVER,
            token: self.config.token,
            security_key: self.config.security_key,
        });
        let header = header(&self.config, "BIND", id.as_str());
        let bind = XmMsgBind::new().with(|m| {
            m.token = Some(SecretStr::new(self.config.token));
            m.kick = Some("0");
            m.method = Some(METHOD);
            m.client_attrs = Some("");
            m.cloud_attrs = Some("");
            m.sig = Some(SecretStr::new(sig.as_str()));
        });
        encode_frame(out, &self.frame, &header, &bind, self.keys()).map(|f| f.len())
    }
}

/// The header of every frame the client sends.
fn header<'h>(config: &Config<'h>, cmd: &'h str, id: &'h str) -> ClientHeader<'h> {
    ClientHeader::new().with(|m| {
        m.chid = Some(CHID);
        m.uuid = Some(config.uuid);
        m.server = Some(SERVER);
        m.resource = Some(config.resource);
        m.cmd = Some(cmd);
        m.id = Some(id);
        m.dir_flag = Some(MsgDirFlag::CsReq);
        m.cipher = Some(0);
    })
}

/// A SECMSG frame (payload RC4 with the payload key of `id`) carrying a `MIMCPacket` of `kind` whose
/// payload is `inner`.
fn secmsg(
    out: &mut [u8],
    frame: &FrameConfig,
    config: &Config<'_>,
    keys: Keys<'_>,
    id: &str,
    kind: MimcMsgType,
    inner: &dyn Encode,
) -> Result<usize> {
    let mut buf = [0u8; TRANSMIT_CAPACITY];
    let n = inner.encode(&mut buf)?.len();
    let packet = MimcPacket::new().with(|m| {
        m.packet_id = Some(id);
        m.msg_type = Some(kind);
        m.payload = Some(&buf[..n]);
    });
    let header = header(config, "SECMSG", id).with(|m| m.cipher = Some(1));
    encode_frame(out, frame, &header, &packet, keys).map(|f| f.len())
}

/// What a server packet means in `state`; a CONN response's challenge goes to `challenge`.
fn packet_event<'a>(
    p: &Packet<'a>,
    state: State,
    challenge: &mut Option<&'a str>,
) -> Result<Option<Event>> {
    let at = |e: Error| e.shifted(p.payload_offset);
    Ok(match (p.header.cmd(), state) {
        ("CONN", State::AwaitConn) => {
            let resp = XmMsgConnResp::decode(p.payload).map_err(at)?;
            if resp.challenge().is_empty() {
                return Err(Error::new(
                    ErrorKind::InvalidValue("a CONN response without a challenge"),
                    p.payload_offset,
                ));
            }
            *challenge = Some(resp.challenge());
            Some(Event::Connected)
        }
        ("BIND", State::AwaitBind) => {
            let resp = XmMsgBindResp::decode(p.payload).map_err(at)?;
            if resp.result() {
                Some(Event::Bound)
            } else {
                Some(Event::BindFailed {
                    token_invalid: resp.error_type() == "token-expired"
                        || resp.error_reason() == "invalid-token",
                })
            }
        }
        ("PING", _) => Some(Event::Pong),
        ("KICK", _) => {
            let kick = XmMsgKick::decode(p.payload).map_err(at)?;
            let single = "single-resource-kick";
            Some(Event::Kicked {
                reconnect: kick.kick_type() != single && kick.reason() != single,
            })
        }
        _ => None,
    })
}

/// Our number in an id we sent (`prefix` + decimal).
fn our_number(id: &str, prefix: &str) -> Option<u32> {
    id.strip_prefix(prefix)
        .and_then(|n| n.parse::<u32>().ok())
        .filter(|&n| n != 0)
}

/// What a SECMSG from the server (to a bound connection) means: acks, messages, pull
/// notifications, UC answers.
fn inbound<'a>(p: &Packet<'a>, config: &Config<'_>) -> Result<Inbound<'a>> {
    let Some(packet) = p.mimc_packet()? else {
        return Ok(Inbound::None);
    };
    let at = |e: Error| e.shifted(p.payload_offset);
    Ok(match packet.msg_type() {
        MimcMsgType::Compound => {
            let list = MimcPacketList::decode(packet.payload()).map_err(at)?;
            if list.resource() == config.resource {
                match list.status() {
                    MimcPushStatus::StatusNormal => {
                        Inbound::Messages(p.payload, Answer::Sequence(list.max_sequence()))
                    }
                    MimcPushStatus::StatusExceedCountLimit => Inbound::Pull {
                        min: list.min_sequence(),
                        max: list.max_sequence(),
                    },
                    _ => Inbound::Messages(p.payload, Answer::None),
                }
            } else {
                // Another device's list: neither surfaced nor acked (§7.2).
                Inbound::None
            }
        }
        MimcMsgType::PacketAck => {
            let ack = MimcPacketAck::decode(packet.payload()).map_err(at)?;
            match our_number(ack.packet_id(), config.id_prefix) {
                Some(id) => Inbound::Event(Event::PacketAck {
                    id,
                    sequence: ack.sequence(),
                    code: ack.code(),
                }),
                None => Inbound::None,
            }
        }
        MimcMsgType::OnlineMessageAck => {
            let ack = MimcOnlineMessageAck::decode(packet.payload()).map_err(at)?;
            match our_number(ack.packet_id(), config.id_prefix) {
                Some(id) => Inbound::Event(Event::OnlineMessageAck {
                    id,
                    code: ack.code(),
                }),
                None => Inbound::None,
            }
        }
        MimcMsgType::OnlineMessage => {
            let m = MimcP2pMessage::decode(packet.payload()).map_err(at)?;
            let from = m.from();
            Inbound::Messages(
                p.payload,
                Answer::Online {
                    packet_id: packet.packet_id(),
                    uuid: from.uuid(),
                    resource: from.resource(),
                },
            )
        }
        MimcMsgType::UcPacket => {
            let uc = UcPacket::decode(packet.payload()).map_err(at)?;
            let body = uc.payload();
            match uc.msg_type() {
                UcMsgType::MessageList => {
                    let list = UcMessageList::decode(body).map_err(at)?;
                    let topic = list.group().topic_id();
                    Inbound::Messages(p.payload, Answer::Uc(topic, list.max_sequence()))
                }
                UcMsgType::Message => Inbound::Messages(p.payload, Answer::None),
                UcMsgType::JoinResp => {
                    let r = UcJoinResp::decode(body).map_err(at)?;
                    Inbound::Event(Event::UcJoined {
                        topic_id: r.group().topic_id(),
                        code: r.code(),
                    })
                }
                UcMsgType::QuitResp => {
                    let r = UcQuitResp::decode(body).map_err(at)?;
                    Inbound::Event(Event::UcQuit {
                        topic_id: r.group().topic_id(),
                    })
                }
                UcMsgType::Dismiss => {
                    let r = UcDismiss::decode(body).map_err(at)?;
                    Inbound::Event(Event::UcDismissed {
                        topic_id: r.group().topic_id(),
                    })
                }
                _ => Inbound::None,
            }
        }
        _ => Inbound::None,
    })
}
