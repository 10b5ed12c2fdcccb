//! A sans-IO MIMC client connection (PROTOCOL.md §5, §7, §13): no sockets, no clock, no allocator.
//!
//! The caller feeds received bytes ([`Connection::handle_input`]) and the time
//! ([`Connection::handle_timeout`]) in, and takes frames to write ([`Connection::poll_transmit`]),
//! events ([`Connection::poll_event`]), inbound messages ([`Connection::poll_message`]) and the next
//! deadline ([`Connection::poll_timeout`]) out. Time is milliseconds on any monotonic clock the caller
//! chooses. Capacities are fixed: one receive buffer, one unread packet list, one queued message
//! ([`Connection::send_p2p`]), eight events, 64 remembered sequences.

use core::fmt;

use super::chain::{Delivery, deliveries};
use super::crypto::{BindParams, Rc4Key, SecurityKey, bind_signature};
use super::frame::{
    FrameBody, FrameConfig, KEEP_ALIVE, Keys, Packet, decode_frame, encode_frame, frame_len,
};
use super::messages::{
    ClientHeader, MimcMsgType, MimcP2pMessage, MimcPacket, MimcPacketAck, MimcPacketList,
    MimcPushStatus, MimcSequenceAck, MimcUser, MsgDirFlag, XmMsgBind, XmMsgBindResp, XmMsgConn,
    XmMsgConnResp, XmMsgKick,
};
use super::pb::{Encode, SecretStr};
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
    /// Deadline for a response after a frame that expects one (CONN, BIND, ping; §7.8).
    pub response_timeout_ms: u64,
    /// Frame layout and maximum body (capped to [`RECV_CAPACITY`]).
    pub frame: FrameConfig,
}

impl<'c> Config<'c> {
    /// A configuration with resource `"rust"`, an empty udid, id prefix `"rs-"`, a 180 s keep-alive
    /// and a 30 s response deadline (PROTOCOL.md §13), over TCP.
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
            .map_err(|_| Error::new(ErrorKind::IntegerOverflow, 0).in_field("miUserId"))?;
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
    /// The server acknowledged a message sent with [`Connection::send_p2p`] (its `PACKET_ACK`).
    PacketAck {
        /// The number [`Connection::send_p2p`] returned.
        id: u32,
        /// The sequence the server assigned.
        sequence: i64,
        /// The server's code (0 on success).
        code: i32,
    },
    /// A keep-alive answer (the 12-byte frame or a `PING` frame).
    Pong,
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
    /// Closed (after an error, a failed bind or a kick).
    Closed,
}

/// A sans-IO MIMC client connection: handshake, bind and keep-alive (PROTOCOL.md §5, §13).
///
/// ```
/// use mimc_codec::protocol::{Config, Connection, Event, State, TRANSMIT_CAPACITY};
/// let cfg = Config::new(1, "alice", 1000000000000001, "TOKEN", "AAECAwQFBgcICQoLDA0ODw==");
/// let mut conn = Connection::new(cfg)?;
/// conn.connect(0);
/// let mut out = [0u8; TRANSMIT_CAPACITY];
/// let n = conn.poll_transmit(&mut out).expect("CONN");
/// assert_eq!(&out[..4], b"\xc2\xfe\x00\x05");
/// assert_eq!(conn.state(), State::AwaitConn);
/// assert_eq!(conn.poll_timeout(), Some(30_000));
/// conn.handle_timeout(30_000);
/// assert_eq!(conn.poll_event(), Some(Event::Error(mimc_codec::protocol::ConnError::ResponseTimeout)));
/// assert_eq!(conn.state(), State::Closed);
/// # let _ = n;
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
    inbox: [u8; RECV_CAPACITY],
    inbox_len: usize,
    inbox_read: usize,
    seen: [i64; SEEN_CAPACITY],
    seen_next: usize,
    seq_ack: Option<i64>,
    events: [Option<Event>; EVENT_CAPACITY],
    event_head: usize,
    event_len: usize,
}

/// Frames waiting for [`Connection::poll_transmit`].
#[derive(Debug, Clone, Copy, Default)]
struct Pending {
    conn: bool,
    bind: bool,
    ping: bool,
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
            inbox: [0; RECV_CAPACITY],
            inbox_len: 0,
            inbox_read: 0,
            seen: [i64::MIN; SEEN_CAPACITY],
            seen_next: 0,
            seq_ack: None,
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
                None => {
                    if let Some((list, max)) = compound(&p, self.config.resource)? {
                        // Kept until read: a list arriving before the last is read stays unacked
                        // (the server re-delivers it).
                        if self.inbox_len == 0 {
                            self.inbox[..list.len()].copy_from_slice(list);
                            self.inbox_len = list.len();
                            self.inbox_read = 0;
                            self.seq_ack = max;
                        }
                        None
                    } else {
                        packet_ack(&p, self.config.id_prefix)?
                    }
                }
            },
        };
        if let Some(c) = challenge {
            let n = c.len().min(CHALLENGE_CAPACITY);
            self.challenge[..n].copy_from_slice(&c.as_bytes()[..n]);
            self.challenge_len = n;
        }
        match event {
            Some(Event::Connected) => {
                let challenge = core::str::from_utf8(&self.challenge[..self.challenge_len])
                    .map_err(|_| Error::new(ErrorKind::InvalidUtf8, 0))?;
                self.body_key = Some(Rc4Key::body_key(challenge, self.config.udid)?);
                self.state = State::AwaitBind;
                self.pending.bind = true;
            }
            Some(Event::Bound) => {
                self.state = State::Bound;
                self.next_ping = Some(self.now.saturating_add(self.config.keep_alive_ms));
            }
            Some(Event::BindFailed { .. } | Event::Kicked { .. }) => self.close(),
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
        self.response_deadline = None;
        self.next_ping = None;
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
        match (self.response_deadline, self.next_ping) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Advances the timers to `now`: a missed response deadline fails the connection; the keep-alive
    /// interval queues a ping.
    pub fn handle_timeout(&mut self, now: u64) {
        self.tick(now);
        if self.response_deadline.is_some_and(|d| d <= self.now) {
            self.fail(ConnError::ResponseTimeout);
            return;
        }
        if self.next_ping.is_some_and(|d| d <= self.now) {
            self.next_ping = None;
            self.pending.ping = true;
        }
    }

    /// Writes the next frame to send into `out` and returns its length; `None` when nothing is
    /// pending or `out` is too small (give it [`TRANSMIT_CAPACITY`] bytes; the frame stays queued).
    pub fn poll_transmit(&mut self, out: &mut [u8]) -> Option<usize> {
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
        } else if let Some(max) = self.seq_ack {
            let n = self.encode_seq_ack(out, max).ok()?;
            self.seq_ack = None;
            // Single-direction: no response deadline (PROTOCOL.md §7.8).
            return Some(n);
        } else if self.tx_len > 0 {
            let n = self.tx_len;
            out.get_mut(..n)?.copy_from_slice(&self.tx[..n]);
            self.tx_len = 0;
            n
        } else {
            return None;
        };
        self.sent_request();
        Some(n)
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

    /// Queues a P2P message to the account `to` of the same app (stored, SECMSG with the payload
    /// encrypted by the payload key) and returns its number: the [`Event::PacketAck`] with this `id`
    /// is the server's acknowledgement. One message is queued at a time: send it with
    /// [`poll_transmit`](Self::poll_transmit) before the next. Fails when not bound, when a message is
    /// already queued, or when the frame does not fit [`TRANSMIT_CAPACITY`].
    ///
    /// ```
    /// use mimc_codec::protocol::{Config, Connection};
    /// let cfg = Config::new(1, "alice", 1000000000000001, "TOKEN", "AAECAwQFBgcICQoLDA0ODw==");
    /// let mut conn = Connection::new(cfg)?;
    /// assert!(conn.send_p2p("bob", b"hello", "TEXT", 0).is_err()); // not bound yet
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    pub fn send_p2p(&mut self, to: &str, payload: &[u8], biz_type: &str, now: u64) -> Result<u32> {
        self.tick(now);
        if self.state != State::Bound {
            return Err(Error::new(ErrorKind::InvalidValue("not bound"), 0));
        }
        if self.tx_len > 0 {
            return Err(Error::new(
                ErrorKind::InvalidValue("a message is already queued"),
                0,
            ));
        }
        let number = self.next_id;
        let id = self.take_id();
        let c = &self.config;
        let msg = MimcP2pMessage::new().with(|m| {
            m.from = Some(MimcUser::new().with(|u| {
                u.app_id = Some(c.app_id);
                u.app_account = Some(c.account);
                u.uuid = Some(c.uuid.unsigned_abs());
                u.resource = Some(c.resource);
            }));
            m.to = Some(MimcUser::new().with(|u| {
                u.app_id = Some(c.app_id);
                u.app_account = Some(to);
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
        self.tx_len = secmsg(tx, cfg, c, keys, id.as_str(), MimcMsgType::P2pMessage, &msg)?;
        Ok(number)
    }

    /// The next message the server delivered (P2P or P2T, from a `COMPOUND` list), each sequence
    /// once; call it after [`handle_input`](Self::handle_input) until `None`. The connection answers
    /// each list with the `SEQUENCE_ACK` of its `maxSequence` (PROTOCOL.md §7.2) through
    /// [`poll_transmit`](Self::poll_transmit). Messages borrow the connection until the next call.
    pub fn poll_message(&mut self) -> Option<Delivery<'_>> {
        loop {
            if self.inbox_len == 0 {
                // An empty buffer would decode as a default (empty P2P) packet.
                return None;
            }
            let (index, sequence) = {
                let packet = MimcPacket::decode(&self.inbox[..self.inbox_len]).ok()?;
                let mut next = deliveries(&packet).enumerate().skip(self.inbox_read);
                match next.next() {
                    Some((i, Ok(d))) => (i, Some(d.sequence)),
                    Some((i, Err(_))) => (i, None),
                    None => {
                        self.inbox_len = 0;
                        return None;
                    }
                }
            };
            self.inbox_read = index + 1;
            let Some(sequence) = sequence else { continue };
            if self.seen.contains(&sequence) {
                continue;
            }
            self.seen[self.seen_next] = sequence;
            self.seen_next = (self.seen_next + 1) % SEEN_CAPACITY;
            let packet = MimcPacket::decode(&self.inbox[..self.inbox_len]).ok()?;
            return deliveries(&packet).nth(index).and_then(Result::ok);
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
        let keys = Keys {
            body: self.body_key.as_ref(),
            security: Some(&self.security),
        };
        let kind = MimcMsgType::SequenceAck;
        secmsg(out, &self.frame, c, keys, id.as_str(), kind, &ack)
    }

    fn take_id(&mut self) -> IdBuf {
        let id = IdBuf::new(self.config.id_prefix, self.next_id);
        self.next_id = self.next_id.wrapping_add(1);
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
        encode_frame(out, &self.frame, &header, &conn, Keys::default())
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
        let keys = Keys {
            body: self.body_key.as_ref(),
            security: Some(&self.security),
        };
        encode_frame(out, &self.frame, &header, &bind, keys)
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
    let n = inner.encode(&mut buf)?;
    let packet = MimcPacket::new().with(|m| {
        m.packet_id = Some(id);
        m.msg_type = Some(kind);
        m.payload = Some(&buf[..n]);
    });
    let header = header(config, "SECMSG", id).with(|m| m.cipher = Some(1));
    encode_frame(out, frame, &header, &packet, keys)
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

/// The [`Event::PacketAck`] of a SECMSG `PACKET_ACK` for one of our ids (`prefix` + number).
fn packet_ack(p: &Packet<'_>, prefix: &str) -> Result<Option<Event>> {
    let Some(packet) = p.mimc_packet()? else {
        return Ok(None);
    };
    if packet.msg_type() != MimcMsgType::PacketAck {
        return Ok(None);
    }
    let ack = MimcPacketAck::decode(packet.payload()).map_err(|e| e.shifted(p.payload_offset))?;
    let id = ack
        .packet_id()
        .strip_prefix(prefix)
        .and_then(|n| n.parse::<u32>().ok());
    Ok(id.map(|id| Event::PacketAck {
        id,
        sequence: ack.sequence(),
        code: ack.code(),
    }))
}

/// The `MIMCPacket` bytes of a `COMPOUND` for our resource, and the sequence to ack
/// (`STATUS_NORMAL` lists; a pull notification is not acked here).
fn compound<'a>(p: &Packet<'a>, resource: &str) -> Result<Option<(&'a [u8], Option<i64>)>> {
    let Some(packet) = p.mimc_packet()? else {
        return Ok(None);
    };
    if packet.msg_type() != MimcMsgType::Compound {
        return Ok(None);
    }
    let list = MimcPacketList::decode(packet.payload()).map_err(|e| e.shifted(p.payload_offset))?;
    if list.resource() != resource {
        return Ok(None);
    }
    let max = (list.status() == MimcPushStatus::StatusNormal).then(|| list.max_sequence());
    Ok(Some((p.payload, max)))
}
