//! A sans-IO MIMC *server* to test clients against (feature `testing`, which implies `protocol` and
//! `std`), and [`TcpServer`], which runs it on a `127.0.0.1` socket with one thread per connection.
//!
//! [`Server`] accepts CONN and BIND (checking the BIND signature of PROTOCOL.md §5.2 against the
//! accounts it was given), answers both keep-alive shapes, routes P2P, P2T, ONLINE_MESSAGE (and its
//! ack) and unlimited-group (UC) messages between bound connections, sends each sender its
//! `PACKET_ACK`, delivers inside `COMPOUND` packet lists and records the `SEQUENCE_ACK`s, and can
//! misbehave on request: send every list twice, withhold acks or pongs, re-deliver unacked lists,
//! send a pull notification (`STATUS_EXCEED_COUNT_LIMIT`), a `KICK`, a `PING` frame or a frame with a
//! bad checksum. It is a test double, not a MIMC server: no offline storage, no persistence, no
//! limits, and it trusts its caller.
//!
//! # Why a feature and not a dev crate
//!
//! It lives in the library behind an additive feature so that every user of the protocol layer can
//! test against the same server: this crate's integration tests, the CLI's tests (which enable the
//! feature as a dev-dependency), examples, and downstream crates (`features = ["testing"]`), with
//! its docs on docs.rs beside the client's. It is built only from the public encoders and decoders
//! of [`protocol`](super), so it exercises them from the other side; it needs `std` (threads,
//! sockets, maps) and allocates freely, which the feature gate keeps out of `no_std` builds and out of
//! [`Connection`](super::Connection).
//!
//! ```
//! use mimc_codec::protocol::{Config, Connection, Event, TRANSMIT_CAPACITY, testing::{Account, Server}};
//! const SK: &str = "AAECAwQFBgcICQoLDA0ODw==";
//! let mut server = Server::new();
//! server.add_account(Account::new(7, "alice", 1001, "TOKEN-a", SK));
//! let id = server.accept();
//! let mut conn = Connection::new(Config::new(7, "alice", 1001, "TOKEN-a", SK))?;
//! conn.connect(0);
//! let mut buf = [0u8; TRANSMIT_CAPACITY];
//! for _ in 0..4 {
//!     while let Some(frame) = conn.poll_transmit(&mut buf) {
//!         server.handle_input(id, frame);
//!     }
//!     while let Some(frame) = server.poll_transmit(id) {
//!         conn.handle_input(&frame, 1);
//!     }
//! }
//! assert_eq!(conn.poll_event(), Some(Event::Connected));
//! assert_eq!(conn.poll_event(), Some(Event::Bound));
//! assert!(server.is_bound(id));
//! # Ok::<(), mimc_codec::Error>(())
//! ```

use core::fmt;
use core::net::SocketAddr;
use core::sync::atomic::{AtomicBool, Ordering};
use core::time::Duration;
use std::boxed::Box;
use std::collections::{BTreeMap, VecDeque};
use std::format;
use std::io::{self, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::string::{String, ToString};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::vec;
use std::vec::Vec;

use super::chain::DeliveryKind;
use super::crypto::{BindParams, Rc4Key, SecurityKey, bind_signature};
use super::frame::{FrameBody, FrameConfig, KEEP_ALIVE, Keys, Packet, decode_frame, encode_frame};
use super::frame::{encoded_len, frame_len};
use super::messages::{
    ClientHeader, MimcGroup, MimcMsgType, MimcOnlineMessageAck, MimcP2pMessage, MimcP2tMessage,
    MimcPacket, MimcPacketAck, MimcPacketList, MimcPushStatus, MimcSequenceAck, MimcUser,
    MsgDirFlag, UcGroup, UcJoin, UcJoinResp, UcMessage, UcMessageList, UcMsgType, UcPacket, UcPing,
    UcQuit, UcQuitResp, UcSequenceAck, XmMsgBind, XmMsgBindResp, XmMsgConn, XmMsgConnResp,
    XmMsgKick, XmMsgPing,
};
use super::pb::{Encode, Repeated};
use crate::{Error, ErrorKind, Result};

/// A connection of a [`Server`] (the number [`Server::accept`] returned).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[allow(clippy::exhaustive_structs, reason = "an index and nothing more")]
pub struct ConnId(pub usize);

/// An account the server knows: what the token service would have handed the client. `Debug`
/// redacts the token and security key.
#[derive(Clone)]
#[non_exhaustive]
pub struct Account {
    /// The app id.
    pub app_id: u64,
    /// The app account.
    pub account: String,
    /// The uuid (`miUserId`).
    pub uuid: i64,
    /// The token BIND must carry.
    pub token: String,
    /// The base64 text of `miUserSecurityKey`.
    pub security_key: String,
}

impl Account {
    /// An account.
    ///
    /// ```
    /// let a = mimc_codec::protocol::testing::Account::new(7, "alice", 1001, "T", "AAECAwQFBgcICQoLDA0ODw==");
    /// assert!(!format!("{a:?}").contains("AAEC"));
    /// ```
    pub fn new(app_id: u64, account: &str, uuid: i64, token: &str, security_key: &str) -> Self {
        Account {
            app_id,
            account: account.to_string(),
            uuid,
            token: token.to_string(),
            security_key: security_key.to_string(),
        }
    }
}

impl fmt::Debug for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Account")
            .field("app_id", &self.app_id)
            .field("account", &self.account)
            .field("uuid", &self.uuid)
            .field("token", &"<redacted>")
            .field("security_key", &"<redacted>")
            .finish()
    }
}

/// What happened on a [`Server`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ServerEvent {
    /// A CONN arrived and was answered.
    Connected {
        /// The connection.
        conn: ConnId,
        /// The udid it sent.
        udid: String,
    },
    /// A BIND was accepted.
    Bound {
        /// The connection.
        conn: ConnId,
        /// Its account.
        account: String,
        /// Its resource.
        resource: String,
    },
    /// A BIND was refused (unknown uuid, wrong token or signature); the connection is closed.
    BindRejected {
        /// The connection.
        conn: ConnId,
        /// Why.
        reason: &'static str,
    },
    /// A message from `conn` was routed (and, but for online messages, acked).
    Routed {
        /// The sender's connection.
        conn: ConnId,
        /// P2P, P2T, online or UC.
        kind: DeliveryKind,
        /// The recipient account, or the topic id in decimal.
        to: String,
        /// The sender's `MIMCPacket.packetId`.
        packet_id: String,
        /// The payload.
        payload: Vec<u8>,
        /// The bizType.
        biz_type: String,
        /// Connections it was delivered to.
        delivered: usize,
    },
    /// A `SEQUENCE_ACK` arrived.
    SequenceAck {
        /// The connection.
        conn: ConnId,
        /// The acked sequence.
        sequence: i64,
    },
    /// An `ONLINE_MESSAGE_ACK` arrived (and was forwarded to the sender when it is connected).
    OnlineMessageAck {
        /// The receiver's connection.
        conn: ConnId,
        /// The acked packet id.
        packet_id: String,
        /// Its code (1 = received).
        code: i32,
    },
    /// A keep-alive (either shape) arrived.
    Ping {
        /// The connection.
        conn: ConnId,
    },
    /// A UC JOIN was accepted.
    UcJoined {
        /// The connection.
        conn: ConnId,
        /// The topic.
        topic_id: u64,
    },
    /// A UC QUIT was accepted.
    UcQuit {
        /// The connection.
        conn: ConnId,
        /// The topic.
        topic_id: u64,
    },
    /// A UC PING arrived with these topics.
    UcPing {
        /// The connection.
        conn: ConnId,
        /// The topics it named.
        topics: Vec<u64>,
    },
    /// A UC SEQ_ACK arrived.
    UcSequenceAck {
        /// The connection.
        conn: ConnId,
        /// The topic.
        topic_id: u64,
        /// The acked sequence.
        sequence: i64,
    },
    /// A UBND (logout) arrived; it was answered and the connection is closed.
    Unbound {
        /// The connection.
        conn: ConnId,
    },
    /// A frame from the client could not be read; the connection is closed.
    Error {
        /// The connection.
        conn: ConnId,
        /// What was wrong.
        error: Error,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SessionState {
    AwaitConn,
    AwaitBind,
    Bound,
    Closed,
}

struct Session {
    state: SessionState,
    recv: Vec<u8>,
    out: VecDeque<Vec<u8>>,
    body_key: Option<Rc4Key>,
    challenge: String,
    udid: String,
    account: Option<usize>,
    resource: String,
    acked: Option<i64>,
    unacked: Vec<(i64, Vec<u8>)>,
    topics: Vec<u64>,
}

struct AccountEntry {
    account: Account,
    security: SecurityKey,
    next_sequence: i64,
}

/// The sans-IO test server: [`accept`](Self::accept) a connection, feed it the client's bytes with
/// [`handle_input`](Self::handle_input), take the frames to send back with
/// [`poll_transmit`](Self::poll_transmit) and what happened with [`poll_event`](Self::poll_event).
/// See the [module docs](self).
pub struct Server {
    accounts: Vec<AccountEntry>,
    sessions: Vec<Session>,
    groups: BTreeMap<u64, Vec<String>>,
    uc_sequences: BTreeMap<u64, i64>,
    events: VecDeque<ServerEvent>,
    next_id: u64,
    clock: i64,
    /// Send every packet list twice (a client must surface each message once).
    pub duplicate_deliveries: bool,
    /// Answer messages with `PACKET_ACK` (true by default; false to test a client's ack deadline).
    pub packet_acks: bool,
    /// Answer keep-alives (true by default; false to test a client's response deadline).
    pub pongs: bool,
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("accounts", &self.accounts.len())
            .field("connections", &self.sessions.len())
            .field("duplicate_deliveries", &self.duplicate_deliveries)
            .field("packet_acks", &self.packet_acks)
            .field("pongs", &self.pongs)
            .finish_non_exhaustive()
    }
}

impl Default for Server {
    fn default() -> Self {
        Self::new()
    }
}

/// The bytes of a message.
fn encode_vec(m: &dyn Encode) -> Vec<u8> {
    let mut out = vec![0u8; m.encoded_len()];
    // The buffer has the encoded length: encoding cannot run short.
    let n = m.encode(&mut out).map_or(0, |b| b.len());
    out.truncate(n);
    out
}

impl Server {
    /// A server with no accounts; it acks and answers keep-alives, and sends each list once.
    pub fn new() -> Self {
        Server {
            accounts: Vec::new(),
            sessions: Vec::new(),
            groups: BTreeMap::new(),
            uc_sequences: BTreeMap::new(),
            events: VecDeque::new(),
            next_id: 1,
            clock: 1_700_000_000_000,
            duplicate_deliveries: false,
            packet_acks: true,
            pongs: true,
        }
    }

    /// Registers an account (BIND checks its token and signature). Fails when the security key is
    /// not base64.
    pub fn add_account(&mut self, account: Account) -> Result<()> {
        let security = SecurityKey::from_base64(&account.security_key)?;
        self.accounts.push(AccountEntry {
            account,
            security,
            next_sequence: 1000,
        });
        Ok(())
    }

    /// Declares a normal group (P2T): a message to `topic_id` goes to every bound connection of
    /// these accounts but the sender's.
    pub fn add_group(&mut self, topic_id: u64, accounts: &[&str]) {
        let members = accounts.iter().map(|a| (*a).to_string()).collect();
        self.groups.insert(topic_id, members);
    }

    /// A new connection, waiting for CONN.
    pub fn accept(&mut self) -> ConnId {
        self.sessions.push(Session {
            state: SessionState::AwaitConn,
            recv: Vec::new(),
            out: VecDeque::new(),
            body_key: None,
            challenge: String::new(),
            udid: String::new(),
            account: None,
            resource: String::new(),
            acked: None,
            unacked: Vec::new(),
            topics: Vec::new(),
        });
        ConnId(self.sessions.len() - 1)
    }

    /// Whether `conn` is bound.
    pub fn is_bound(&self, conn: ConnId) -> bool {
        self.session(conn)
            .is_some_and(|s| s.state == SessionState::Bound)
    }

    /// Whether `conn` is closed (kicked, unbound, failed or [`disconnect`](Self::disconnect)ed)
    /// and has nothing left to send: the transport can be closed.
    pub fn is_closed(&self, conn: ConnId) -> bool {
        self.session(conn)
            .is_none_or(|s| s.state == SessionState::Closed && s.out.is_empty())
    }

    /// The transport of `conn` went away.
    pub fn disconnect(&mut self, conn: ConnId) {
        if let Some(s) = self.sessions.get_mut(conn.0) {
            s.state = SessionState::Closed;
            s.out.clear();
            s.topics.clear();
        }
    }

    /// The highest sequence `conn` acked with `SEQUENCE_ACK`.
    pub fn acked_sequence(&self, conn: ConnId) -> Option<i64> {
        self.session(conn).and_then(|s| s.acked)
    }

    /// The bound connections of `account`.
    pub fn connections_of(&self, account: &str) -> Vec<ConnId> {
        (0..self.sessions.len())
            .map(ConnId)
            .filter(|&c| {
                self.account_of(c)
                    .is_some_and(|a| a.account.account == account)
            })
            .filter(|&c| self.is_bound(c))
            .collect()
    }

    fn session(&self, conn: ConnId) -> Option<&Session> {
        self.sessions.get(conn.0)
    }

    fn account_of(&self, conn: ConnId) -> Option<&AccountEntry> {
        self.session(conn)
            .and_then(|s| s.account)
            .and_then(|a| self.accounts.get(a))
    }

    /// The next event, oldest first.
    pub fn poll_event(&mut self) -> Option<ServerEvent> {
        self.events.pop_front()
    }

    /// The next frame to write to `conn`.
    pub fn poll_transmit(&mut self, conn: ConnId) -> Option<Vec<u8>> {
        self.sessions.get_mut(conn.0)?.out.pop_front()
    }

    /// Feeds bytes the client of `conn` sent (any split of the stream). A frame that cannot be read
    /// closes the connection with [`ServerEvent::Error`].
    pub fn handle_input(&mut self, conn: ConnId, input: &[u8]) {
        let Some(s) = self.sessions.get_mut(conn.0) else {
            return;
        };
        if s.state == SessionState::Closed {
            return;
        }
        s.recv.extend_from_slice(input);
        loop {
            let Some(s) = self.sessions.get_mut(conn.0) else {
                return;
            };
            if s.state == SessionState::Closed {
                return;
            }
            let len = match frame_len(&s.recv, &FrameConfig::TCP) {
                Ok(len) => len,
                Err(e) if matches!(e.kind(), ErrorKind::Incomplete { .. }) => return,
                Err(error) => return self.fail(conn, error),
            };
            let mut frame: Vec<u8> = s.recv.drain(..len).collect();
            if let Err(error) = self.frame_in(conn, &mut frame) {
                return self.fail(conn, error);
            }
        }
    }

    fn fail(&mut self, conn: ConnId, error: Error) {
        if let Some(s) = self.sessions.get_mut(conn.0) {
            s.state = SessionState::Closed;
            s.topics.clear();
        }
        self.events.push_back(ServerEvent::Error { conn, error });
    }

    fn take_id(&mut self) -> String {
        let id = format!("srv-{}", self.next_id);
        self.next_id += 1;
        id
    }

    fn frame_in(&mut self, conn: ConnId, frame: &mut [u8]) -> Result<()> {
        let s = &self.sessions[conn.0];
        let security = s.account.map(|a| &self.accounts[a].security);
        let keys = Keys {
            body: s.body_key.as_ref(),
            security,
        };
        let state = s.state;
        let f = decode_frame(frame, &FrameConfig::TCP, keys)?;
        let p = match f.body {
            FrameBody::KeepAlive => {
                self.events.push_back(ServerEvent::Ping { conn });
                if self.pongs {
                    self.push(conn, KEEP_ALIVE.to_vec());
                }
                return Ok(());
            }
            FrameBody::Encrypted(_) => {
                return Err(Error::new(
                    ErrorKind::InvalidValue("an encrypted frame before CONN"),
                    0,
                ));
            }
            FrameBody::Packet(p) => p,
        };
        let at = |e: Error| e.shifted(p.payload_offset);
        match (p.header.cmd(), state) {
            ("CONN", SessionState::AwaitConn) => {
                let msg = XmMsgConn::decode(p.payload).map_err(at)?;
                self.conn_in(conn, msg.udid())
            }
            ("BIND", SessionState::AwaitBind) => {
                let msg = XmMsgBind::decode(p.payload).map_err(at)?;
                self.bind_in(conn, &p, &msg);
                Ok(())
            }
            ("PING", SessionState::Bound) => {
                self.events.push_back(ServerEvent::Ping { conn });
                if self.pongs {
                    let f = self.frame(conn, "PING", "ping", &XmMsgPing::new(), false)?;
                    self.push(conn, f);
                }
                Ok(())
            }
            ("UBND", SessionState::Bound) => {
                let f = self.frame(conn, "UBND", p.header.id(), &&b""[..], false)?;
                self.push(conn, f);
                self.close(conn);
                self.events.push_back(ServerEvent::Unbound { conn });
                Ok(())
            }
            ("SECMSG", SessionState::Bound) => match p.mimc_packet()? {
                Some(packet) => self.packet_in(conn, &packet).map_err(at),
                None => Ok(()),
            },
            (cmd, _) => Err(Error::new(
                ErrorKind::InvalidValue(if cmd.is_empty() {
                    "a frame without a command"
                } else {
                    "a command the connection's state does not allow"
                }),
                0,
            )),
        }
    }

    fn close(&mut self, conn: ConnId) {
        if let Some(s) = self.sessions.get_mut(conn.0) {
            s.state = SessionState::Closed;
            s.topics.clear();
        }
    }

    fn push(&mut self, conn: ConnId, frame: Vec<u8>) {
        if let Some(s) = self.sessions.get_mut(conn.0) {
            s.out.push_back(frame);
        }
    }

    fn conn_in(&mut self, conn: ConnId, udid: &str) -> Result<()> {
        let challenge = format!("{:010}", 1_234_567_890 + self.next_id);
        self.next_id += 1;
        let header = ClientHeader::new().with(|m| {
            m.server = Some("xiaomi.com");
            m.cmd = Some("CONN");
            m.cipher = Some(0);
        });
        let resp = XmMsgConnResp::new().with(|m| {
            m.challenge = Some(&challenge);
            m.host = Some("7f04");
        });
        let mut out = vec![0u8; encoded_len(&FrameConfig::TCP, &header, resp.encoded_len())];
        let n = encode_frame(&mut out, &FrameConfig::TCP, &header, &resp, Keys::default())?.len();
        out.truncate(n);
        let key = Rc4Key::body_key(&challenge, udid)?;
        let s = &mut self.sessions[conn.0];
        s.body_key = Some(key);
        s.challenge = challenge;
        s.udid = udid.to_string();
        s.state = SessionState::AwaitBind;
        s.out.push_back(out);
        self.events.push_back(ServerEvent::Connected {
            conn,
            udid: udid.to_string(),
        });
        Ok(())
    }

    fn bind_in(&mut self, conn: ConnId, p: &Packet<'_>, msg: &XmMsgBind<'_>) {
        let uuid = p.header.uuid();
        let found = self.accounts.iter().position(|a| a.account.uuid == uuid);
        let verdict = match found {
            None => Err(("auth", "invalid-token", "unknown uuid")),
            Some(i) => {
                let a = &self.accounts[i].account;
                let kick = if msg.kick().is_empty() {
                    "0"
                } else {
                    msg.kick()
                };
                let sig = bind_signature(&BindParams {
                    method: msg.method(),
                    challenge: &self.sessions[conn.0].challenge,
                    chid: p.header.chid(),
                    client_attrs: msg.client_attrs(),
                    cloud_attrs: msg.cloud_attrs(),
                    uuid,
                    resource: p.header.resource(),
                    id: p.header.id(),
                    kick,
                    server: p.header.server(),
                    token: msg.token().expose(),
                    security_key: &a.security_key,
                });
                if msg.token().expose() != a.token {
                    Err(("token-expired", "token-expired", "wrong token"))
                } else if msg.sig().expose() != sig.as_str() {
                    Err(("auth", "sig-mismatch", "wrong signature"))
                } else {
                    Ok(i)
                }
            }
        };
        let resp = match verdict {
            Ok(_) => XmMsgBindResp::new().with(|m| {
                m.result = Some(true);
                m.error_type = Some("success");
                m.error_reason = Some("success");
                m.error_desc = Some("login success.");
            }),
            Err((t, r, d)) => XmMsgBindResp::new().with(|m| {
                m.result = Some(false);
                m.error_type = Some(t);
                m.error_reason = Some(r);
                m.error_desc = Some(d);
            }),
        };
        // The response and its key are ours: encoding cannot fail.
        if let Ok(f) = self.frame(conn, "BIND", p.header.id(), &resp, false) {
            self.push(conn, f);
        }
        match verdict {
            Ok(i) => {
                let resource = p.header.resource().to_string();
                let s = &mut self.sessions[conn.0];
                s.account = Some(i);
                s.resource.clone_from(&resource);
                s.state = SessionState::Bound;
                self.events.push_back(ServerEvent::Bound {
                    conn,
                    account: self.accounts[i].account.account.clone(),
                    resource,
                });
            }
            Err((_, _, reason)) => {
                self.close(conn);
                self.events
                    .push_back(ServerEvent::BindRejected { conn, reason });
            }
        }
    }

    /// A frame to `conn`: header `cmd`/`id`, body RC4 with the connection's key; `secmsg`: the
    /// payload RC4 with the account's payload key too.
    fn frame(
        &self,
        conn: ConnId,
        cmd: &str,
        id: &str,
        payload: &dyn Encode,
        secmsg: bool,
    ) -> Result<Vec<u8>> {
        let s = &self.sessions[conn.0];
        let account = s.account.map(|a| &self.accounts[a]);
        let header = ClientHeader::new().with(|m| {
            m.chid = Some(9);
            m.uuid = account.map(|a| a.account.uuid);
            m.server = Some("xiaomi.com");
            m.resource = (!s.resource.is_empty()).then_some(s.resource.as_str());
            m.cmd = Some(cmd);
            m.id = Some(id);
            m.dir_flag = Some(MsgDirFlag::ScOneway);
            m.cipher = Some(i32::from(secmsg));
        });
        let keys = Keys {
            body: s.body_key.as_ref(),
            security: if secmsg {
                account.map(|a| &a.security)
            } else {
                None
            },
        };
        let mut out = vec![0u8; encoded_len(&FrameConfig::TCP, &header, payload.encoded_len())];
        let n = encode_frame(&mut out, &FrameConfig::TCP, &header, payload, keys)?.len();
        out.truncate(n);
        Ok(out)
    }

    /// A SECMSG to `conn` carrying a `MIMCPacket` of `kind` with `payload`.
    fn secmsg(&mut self, conn: ConnId, kind: MimcMsgType, payload: &[u8]) -> Result<Vec<u8>> {
        let id = self.take_id();
        let packet = MimcPacket::new().with(|m| {
            m.packet_id = Some(&id);
            m.msg_type = Some(kind);
            m.payload = Some(payload);
        });
        self.frame(conn, "SECMSG", &id, &packet, true)
    }

    fn user_of(&self, conn: ConnId) -> MimcUser<'_> {
        let s = &self.sessions[conn.0];
        let a = self.account_of(conn);
        MimcUser::new().with(|u| {
            u.app_id = a.map(|a| a.account.app_id);
            u.app_account = a.map(|a| a.account.account.as_str());
            u.uuid = a.map(|a| a.account.uuid.unsigned_abs());
            u.resource = Some(&s.resource);
        })
    }

    fn next_sequence(&mut self, account: usize) -> i64 {
        let a = &mut self.accounts[account];
        a.next_sequence += 1;
        a.next_sequence
    }

    fn packet_in(&mut self, conn: ConnId, packet: &MimcPacket<'_>) -> Result<()> {
        match packet.msg_type() {
            MimcMsgType::P2pMessage | MimcMsgType::OnlineMessage => {
                let msg = MimcP2pMessage::decode(packet.payload())?;
                self.p2p_in(conn, packet, &msg)
            }
            MimcMsgType::P2tMessage => {
                let msg = MimcP2tMessage::decode(packet.payload())?;
                self.p2t_in(conn, packet, &msg)
            }
            MimcMsgType::SequenceAck => {
                let ack = MimcSequenceAck::decode(packet.payload())?;
                let s = &mut self.sessions[conn.0];
                s.acked = Some(s.acked.map_or(ack.sequence(), |a| a.max(ack.sequence())));
                let acked = s.acked;
                s.unacked.retain(|(max, _)| Some(*max) > acked);
                self.events.push_back(ServerEvent::SequenceAck {
                    conn,
                    sequence: ack.sequence(),
                });
                Ok(())
            }
            MimcMsgType::OnlineMessageAck => {
                let ack = MimcOnlineMessageAck::decode(packet.payload())?;
                let target = (0..self.sessions.len()).map(ConnId).find(|&c| {
                    self.is_bound(c)
                        && self
                            .account_of(c)
                            .is_some_and(|a| a.account.uuid.unsigned_abs() == ack.uuid())
                        && self.sessions[c.0].resource == ack.resource()
                });
                if let Some(t) = target {
                    let f = self.secmsg(t, MimcMsgType::OnlineMessageAck, packet.payload())?;
                    self.push(t, f);
                }
                self.events.push_back(ServerEvent::OnlineMessageAck {
                    conn,
                    packet_id: ack.packet_id().to_string(),
                    code: ack.code(),
                });
                Ok(())
            }
            MimcMsgType::UcPacket => {
                let uc = UcPacket::decode(packet.payload())?;
                self.uc_in(conn, packet, &uc)
            }
            _ => Ok(()),
        }
    }

    /// Acks `packet` to its sender with `sequence`.
    fn packet_ack(&mut self, conn: ConnId, packet_id: &str, sequence: i64) -> Result<()> {
        if !self.packet_acks {
            return Ok(());
        }
        let s = &self.sessions[conn.0];
        let ack = MimcPacketAck::new().with(|m| {
            m.packet_id = Some(packet_id);
            m.uuid = self.account_of(conn).map(|a| a.account.uuid.unsigned_abs());
            m.resource = Some(&s.resource);
            m.sequence = Some(sequence);
            m.timestamp = Some(self.clock);
            m.code = Some(0);
        });
        let bytes = encode_vec(&ack);
        let f = self.secmsg(conn, MimcMsgType::PacketAck, &bytes)?;
        self.push(conn, f);
        Ok(())
    }

    /// Delivers one packet of `kind` with `payload` in a COMPOUND to `to` (twice with
    /// [`duplicate_deliveries`](Self::duplicate_deliveries)), with the next sequence of its account.
    fn deliver(
        &mut self,
        to: ConnId,
        kind: MimcMsgType,
        packet_id: &str,
        payload: &[u8],
    ) -> Result<i64> {
        let account = self.sessions[to.0].account.unwrap_or(0);
        let sequence = self.next_sequence(account);
        self.clock += 1;
        let packet = MimcPacket::new().with(|m| {
            m.packet_id = Some(packet_id);
            m.sequence = Some(sequence);
            m.msg_type = Some(kind);
            m.payload = Some(payload);
            m.timestamp = Some(self.clock);
        });
        self.send_list(to, &[packet], sequence, 0, MimcPushStatus::StatusNormal)?;
        Ok(sequence)
    }

    fn send_list(
        &mut self,
        to: ConnId,
        packets: &[MimcPacket<'_>],
        max: i64,
        min: i64,
        status: MimcPushStatus,
    ) -> Result<()> {
        let s = &self.sessions[to.0];
        let list = MimcPacketList::new().with(|l| {
            l.uuid = self.account_of(to).map(|a| a.account.uuid.unsigned_abs());
            l.resource = Some(&s.resource);
            l.max_sequence = Some(max);
            l.packets = Repeated::from_slice(packets);
            l.status = Some(status);
            l.min_sequence = (min != 0).then_some(min);
        });
        let bytes = encode_vec(&list);
        let f = self.secmsg(to, MimcMsgType::Compound, &bytes)?;
        if self.duplicate_deliveries {
            self.push(to, f.clone());
        }
        if status == MimcPushStatus::StatusNormal {
            self.sessions[to.0].unacked.push((max, f.clone()));
        }
        self.push(to, f);
        Ok(())
    }

    fn p2p_in(
        &mut self,
        conn: ConnId,
        packet: &MimcPacket<'_>,
        msg: &MimcP2pMessage<'_>,
    ) -> Result<()> {
        let online = packet.msg_type() == MimcMsgType::OnlineMessage;
        let to = msg.to();
        let from_account = self.sessions[conn.0].account.unwrap_or(0);
        let rewritten = encode_vec(&MimcP2pMessage::new().with(|m| {
            m.from = Some(self.user_of(conn));
            m.to = Some(to);
            m.payload = Some(msg.payload());
            m.is_store = Some(!online && msg.is_store());
            m.biz_type = Some(msg.biz_type());
        }));
        let targets: Vec<ConnId> = self
            .connections_of(to.app_account())
            .into_iter()
            .filter(|&c| c != conn)
            .filter(|&c| to.resource().is_empty() || self.sessions[c.0].resource == to.resource())
            .collect();
        for &t in &targets {
            if online {
                let f = self.online_frame(t, packet.packet_id(), &rewritten)?;
                self.push(t, f);
            } else {
                self.deliver(t, MimcMsgType::P2pMessage, packet.packet_id(), &rewritten)?;
            }
        }
        if !online {
            let sequence = self.next_sequence(from_account);
            self.packet_ack(conn, packet.packet_id(), sequence)?;
        }
        self.events.push_back(ServerEvent::Routed {
            conn,
            kind: if online {
                DeliveryKind::Online
            } else {
                DeliveryKind::P2p
            },
            to: to.app_account().to_string(),
            packet_id: packet.packet_id().to_string(),
            payload: msg.payload().to_vec(),
            biz_type: msg.biz_type().to_string(),
            delivered: targets.len(),
        });
        Ok(())
    }

    /// An ONLINE_MESSAGE: a bare packet (no list, no sequence) whose header id is the sender's
    /// packet id.
    fn online_frame(&mut self, to: ConnId, packet_id: &str, payload: &[u8]) -> Result<Vec<u8>> {
        self.clock += 1;
        let packet = MimcPacket::new().with(|m| {
            m.packet_id = Some(packet_id);
            m.msg_type = Some(MimcMsgType::OnlineMessage);
            m.payload = Some(payload);
            m.timestamp = Some(self.clock);
        });
        self.frame(to, "SECMSG", packet_id, &packet, true)
    }

    fn p2t_in(
        &mut self,
        conn: ConnId,
        packet: &MimcPacket<'_>,
        msg: &MimcP2tMessage<'_>,
    ) -> Result<()> {
        let group = msg.to();
        let from_account = self.sessions[conn.0].account.unwrap_or(0);
        let rewritten = encode_vec(&MimcP2tMessage::new().with(|m| {
            m.from = Some(self.user_of(conn));
            m.to = Some(MimcGroup::new().with(|g| {
                g.app_id = Some(group.app_id());
                g.topic_id = Some(group.topic_id());
            }));
            m.payload = Some(msg.payload());
            m.is_store = Some(msg.is_store());
            m.biz_type = Some(msg.biz_type());
        }));
        let members = self
            .groups
            .get(&group.topic_id())
            .cloned()
            .unwrap_or_default();
        let targets: Vec<ConnId> = members
            .iter()
            .flat_map(|m| self.connections_of(m))
            .filter(|&c| c != conn)
            .collect();
        for &t in &targets {
            self.deliver(t, MimcMsgType::P2tMessage, packet.packet_id(), &rewritten)?;
        }
        let sequence = self.next_sequence(from_account);
        self.packet_ack(conn, packet.packet_id(), sequence)?;
        self.events.push_back(ServerEvent::Routed {
            conn,
            kind: DeliveryKind::P2t,
            to: group.topic_id().to_string(),
            packet_id: packet.packet_id().to_string(),
            payload: msg.payload().to_vec(),
            biz_type: msg.biz_type().to_string(),
            delivered: targets.len(),
        });
        Ok(())
    }

    /// A UC_PACKET to `to` of `kind` carrying `payload`.
    fn uc_frame(&mut self, to: ConnId, kind: UcMsgType, payload: &[u8]) -> Result<Vec<u8>> {
        let id = self.take_id();
        let uc = encode_vec(&UcPacket::new().with(|m| {
            m.user = Some(self.user_of(to));
            m.msg_type = Some(kind);
            m.payload = Some(payload);
            m.packet_id = Some(&id);
        }));
        self.secmsg(to, MimcMsgType::UcPacket, &uc)
    }

    fn uc_in(&mut self, conn: ConnId, packet: &MimcPacket<'_>, uc: &UcPacket<'_>) -> Result<()> {
        match uc.msg_type() {
            UcMsgType::Join | UcMsgType::Quit => {
                let join = uc.msg_type() == UcMsgType::Join;
                let group = if join {
                    UcJoin::decode(uc.payload())?.group()
                } else {
                    UcQuit::decode(uc.payload())?.group()
                };
                let topic_id = group.topic_id();
                let topics = &mut self.sessions[conn.0].topics;
                topics.retain(|&t| t != topic_id);
                if join {
                    topics.push(topic_id);
                }
                let g = UcGroup::new().with(|g| {
                    g.app_id = Some(group.app_id());
                    g.topic_id = Some(topic_id);
                });
                let (kind, resp) = if join {
                    let r = UcJoinResp::new().with(|m| {
                        m.group = Some(g);
                        m.code = Some(0);
                    });
                    (UcMsgType::JoinResp, encode_vec(&r))
                } else {
                    let r = UcQuitResp::new().with(|m| {
                        m.group = Some(g);
                        m.code = Some(0);
                    });
                    (UcMsgType::QuitResp, encode_vec(&r))
                };
                let f = self.uc_frame(conn, kind, &resp)?;
                self.push(conn, f);
                self.events.push_back(if join {
                    ServerEvent::UcJoined { conn, topic_id }
                } else {
                    ServerEvent::UcQuit { conn, topic_id }
                });
            }
            UcMsgType::Ping => {
                let ping = UcPing::decode(uc.payload())?;
                let topics = ping
                    .group
                    .iter()
                    .map(|g| g.map(|g| g.topic_id()))
                    .collect::<Result<Vec<_>>>()?;
                let f = self.uc_frame(conn, UcMsgType::Pong, &[])?;
                self.push(conn, f);
                self.events.push_back(ServerEvent::UcPing { conn, topics });
            }
            UcMsgType::SeqAck => {
                let ack = UcSequenceAck::decode(uc.payload())?;
                self.events.push_back(ServerEvent::UcSequenceAck {
                    conn,
                    topic_id: ack.group().topic_id(),
                    sequence: ack.sequence(),
                });
            }
            UcMsgType::Message => {
                let m = UcMessage::decode(uc.payload())?;
                self.uc_message_in(conn, packet, &m)?;
            }
            _ => {}
        }
        Ok(())
    }

    fn uc_message_in(
        &mut self,
        conn: ConnId,
        packet: &MimcPacket<'_>,
        m: &UcMessage<'_>,
    ) -> Result<()> {
        let topic_id = m.group().topic_id();
        let seq = self.uc_sequences.entry(topic_id).or_insert(0);
        *seq += 1;
        let sequence = *seq;
        self.clock += 1;
        let targets: Vec<ConnId> = (0..self.sessions.len())
            .map(ConnId)
            .filter(|&c| c != conn && self.sessions[c.0].topics.contains(&topic_id))
            .collect();
        let sender = self.user_of(conn);
        let msg = UcMessage::new().with(|u| {
            u.group = Some(m.group());
            u.payload = Some(m.payload());
            u.sequence = Some(sequence);
            u.is_store = Some(m.is_store());
            u.user = Some(sender);
            u.timestamp = Some(self.clock);
            u.packet_id = Some(m.packet_id());
            u.biz_type = Some(m.biz_type());
        });
        let list = encode_vec(&UcMessageList::new().with(|l| {
            l.group = Some(m.group());
            l.message = Repeated::from_slice(core::slice::from_ref(&msg));
            l.max_sequence = Some(sequence);
        }));
        for &t in &targets {
            let f = self.uc_frame(t, UcMsgType::MessageList, &list)?;
            if self.duplicate_deliveries {
                self.push(t, f.clone());
            }
            self.push(t, f);
        }
        self.packet_ack(conn, packet.packet_id(), sequence)?;
        self.events.push_back(ServerEvent::Routed {
            conn,
            kind: DeliveryKind::Uc,
            to: topic_id.to_string(),
            packet_id: packet.packet_id().to_string(),
            payload: m.payload().to_vec(),
            biz_type: m.biz_type().to_string(),
            delivered: targets.len(),
        });
        Ok(())
    }

    /// Sends `conn` a P2P message from the server side (as the HTTP push API would), in a COMPOUND;
    /// returns its sequence.
    pub fn push_p2p(
        &mut self,
        conn: ConnId,
        from: &str,
        payload: &[u8],
        biz_type: &str,
    ) -> Result<i64> {
        let to = self.user_of(conn);
        let msg = encode_vec(&MimcP2pMessage::new().with(|m| {
            m.from = Some(MimcUser::new().with(|u| {
                u.app_id = to.app_id;
                u.app_account = Some(from);
            }));
            m.to = Some(to);
            m.payload = Some(payload);
            m.is_store = Some(true);
            m.biz_type = Some(biz_type);
        }));
        let id = self.take_id();
        self.deliver(conn, MimcMsgType::P2pMessage, &id, &msg)
    }

    /// Sends `conn` a pull notification: a `STATUS_EXCEED_COUNT_LIMIT` list with `minSequence` and
    /// `maxSequence` and no packets (PROTOCOL.md §7.4).
    pub fn send_pull_notification(&mut self, conn: ConnId, min: i64, max: i64) -> Result<()> {
        self.send_list(conn, &[], max, min, MimcPushStatus::StatusExceedCountLimit)
    }

    /// Sends every list `conn` has not acked again (the server re-delivers until acked).
    pub fn redeliver(&mut self, conn: ConnId) {
        if let Some(s) = self.sessions.get_mut(conn.0) {
            let again: Vec<Vec<u8>> = s.unacked.iter().map(|(_, f)| f.clone()).collect();
            s.out.extend(again);
        }
    }

    /// Kicks `conn` with an `XMMsgKick {type, reason}` and closes it once the frame is sent.
    pub fn kick(&mut self, conn: ConnId, kick_type: &str, reason: &str) -> Result<()> {
        let kick = XmMsgKick::new().with(|m| {
            m.kick_type = Some(kick_type);
            m.reason = Some(reason);
            m.desc = Some("kicked by the test server");
        });
        let id = self.take_id();
        let f = self.frame(conn, "KICK", &id, &kick, false)?;
        self.push(conn, f);
        self.close(conn);
        Ok(())
    }

    /// Sends `conn` a `cmd PING` frame (the second keep-alive shape).
    pub fn ping(&mut self, conn: ConnId) -> Result<()> {
        let id = self.take_id();
        let f = self.frame(conn, "PING", &id, &XmMsgPing::new(), false)?;
        self.push(conn, f);
        Ok(())
    }

    /// Sends `conn` a `PING` frame whose Adler-32 is wrong (its last byte flipped).
    pub fn send_corrupt(&mut self, conn: ConnId) -> Result<()> {
        let id = self.take_id();
        let mut f = self.frame(conn, "PING", &id, &XmMsgPing::new(), false)?;
        if let Some(last) = f.last_mut() {
            *last ^= 1;
        }
        self.push(conn, f);
        Ok(())
    }

    /// Sends `conn` these bytes as they are.
    pub fn send_raw(&mut self, conn: ConnId, bytes: &[u8]) {
        self.push(conn, bytes.to_vec());
    }
}

/// State shared by a [`TcpServer`]'s threads.
struct Shared {
    server: Mutex<Server>,
    /// Signalled whenever the server changed (input handled, a control call made).
    changed: Condvar,
    stop: AtomicBool,
}

/// A [`Server`] on a `127.0.0.1` TCP socket: one thread accepts, one thread per connection reads
/// (with a 2 ms read timeout, to notice frames routed to it) and writes. Control it through
/// [`with`](Self::with); wait for what it saw with [`wait_event`](Self::wait_event). Dropping it
/// stops the threads and closes every socket.
pub struct TcpServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    events: Mutex<Vec<ServerEvent>>,
    threads: Vec<JoinHandle<()>>,
}

impl fmt::Debug for TcpServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TcpServer")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl TcpServer {
    /// Binds `127.0.0.1:0` and starts serving `server`.
    ///
    /// ```
    /// use mimc_codec::protocol::testing::{Server, ServerEvent, TcpServer};
    /// let server = TcpServer::start(Server::new())?;
    /// assert!(server.addr().ip().is_loopback());
    /// let mut socket = std::net::TcpStream::connect(server.addr())?;
    /// // The 12-byte keep-alive is answered even before CONN.
    /// std::io::Write::write_all(&mut socket, &mimc_codec::protocol::KEEP_ALIVE)?;
    /// let seen = server.wait_event(std::time::Duration::from_secs(5), |e| matches!(e, ServerEvent::Ping { .. }));
    /// assert!(seen.is_some());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn start(server: Server) -> io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        listener.set_nonblocking(true)?;
        let shared = Arc::new(Shared {
            server: Mutex::new(server),
            changed: Condvar::new(),
            stop: AtomicBool::new(false),
        });
        let s = Arc::clone(&shared);
        let accept = thread::spawn(move || accept_loop(&listener, &s));
        Ok(TcpServer {
            addr,
            shared,
            events: Mutex::new(Vec::new()),
            threads: vec![accept],
        })
    }

    /// The address clients connect to.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Runs `f` on the server (to kick, ping, change options, or read its state).
    pub fn with<R>(&self, f: impl FnOnce(&mut Server) -> R) -> R {
        let r = f(&mut lock(&self.shared.server));
        self.shared.changed.notify_all();
        r
    }

    /// The first event (oldest first, each returned once) for which `pred` holds, waiting up to
    /// `timeout` for it.
    pub fn wait_event(
        &self,
        timeout: Duration,
        mut pred: impl FnMut(&ServerEvent) -> bool,
    ) -> Option<ServerEvent> {
        let deadline = std::time::Instant::now() + timeout;
        let mut server = lock(&self.shared.server);
        loop {
            {
                let mut seen = self
                    .events
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                seen.extend(core::iter::from_fn(|| server.poll_event()));
                if let Some(i) = seen.iter().position(&mut pred) {
                    return Some(seen.remove(i));
                }
            }
            let now = std::time::Instant::now();
            if now >= deadline {
                return None;
            }
            server = self
                .shared
                .changed
                .wait_timeout(server, deadline - now)
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .0;
        }
    }
}

impl Drop for TcpServer {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

fn lock(m: &Mutex<Server>) -> MutexGuard<'_, Server> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    let mut conns: Vec<JoinHandle<()>> = Vec::new();
    while !shared.stop.load(Ordering::SeqCst) {
        match listener.accept() {
            Ok((stream, _)) => {
                let id = lock(&shared.server).accept();
                let s = Arc::clone(shared);
                conns.push(thread::spawn(move || {
                    let _ = serve(stream, id, &s);
                    lock(&s.server).disconnect(id);
                    s.changed.notify_all();
                }));
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                thread::sleep(Duration::from_millis(2));
            }
            Err(_) => break,
        }
    }
    for c in conns {
        let _ = c.join();
    }
}

fn serve(mut stream: TcpStream, id: ConnId, shared: &Shared) -> io::Result<()> {
    stream.set_nodelay(true)?;
    stream.set_read_timeout(Some(Duration::from_millis(2)))?;
    let mut buf: Box<[u8]> = vec![0u8; 16 * 1024].into_boxed_slice();
    loop {
        if shared.stop.load(Ordering::SeqCst) {
            return Ok(());
        }
        let got = match stream.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                0
            }
            Err(e) => return Err(e),
        };
        let (out, closed) = {
            let mut server = lock(&shared.server);
            if got > 0 {
                server.handle_input(id, &buf[..got]);
            }
            let out: Vec<Vec<u8>> = core::iter::from_fn(|| server.poll_transmit(id)).collect();
            (out, server.is_closed(id))
        };
        if got > 0 {
            shared.changed.notify_all();
        }
        for f in out {
            stream.write_all(&f)?;
        }
        if closed {
            return stream.shutdown(std::net::Shutdown::Both);
        }
    }
}
