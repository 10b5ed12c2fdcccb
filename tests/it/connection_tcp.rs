//! End to end over real TCP on 127.0.0.1: `protocol::testing::TcpServer` (the sans-IO test server on
//! a socket) and clients that drive a sans-IO `Connection` over `std::net::TcpStream`. Socket reads
//! use short timeouts; the connection's clock is virtual (keep-alive intervals pass instantly).

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

use mimc_codec::protocol::testing::{Account, ConnId, Server, ServerEvent, TcpServer};
use mimc_codec::protocol::{
    Config, ConnError, Connection, DeliveryKind, Event, State, TRANSMIT_CAPACITY,
};
use mimc_codec::{ErrorKind, Kind};

const SK_A: &str = "AAECAwQFBgcICQoLDA0ODw==";
const SK_B: &str = "EBESExQVFhcYGRobHB0eHw==";
const WAIT: Duration = Duration::from_secs(5);

fn server() -> Server {
    let mut s = Server::new();
    s.add_account(Account::new(7, "alice", 1001, "TOKEN-a", SK_A))
        .unwrap();
    s.add_account(Account::new(7, "bob", 1002, "TOKEN-b", SK_B))
        .unwrap();
    s
}

fn alice() -> Config<'static> {
    Config::new(7, "alice", 1001, "TOKEN-a", SK_A).with(|c| {
        c.resource = "phone";
        c.udid = "udid-alice-1";
        c.id_prefix = "a-";
        c.keep_alive_ms = 15_000;
        c.response_timeout_ms = 5_000;
    })
}

fn bob() -> Config<'static> {
    Config::new(7, "bob", 1002, "TOKEN-b", SK_B).with(|c| {
        c.resource = "laptop";
        c.udid = "udid-bob-22";
        c.id_prefix = "b-";
        c.keep_alive_ms = 15_000;
        c.response_timeout_ms = 5_000;
    })
}

/// A message as the client received it, copied out of the connection.
#[derive(Debug, Clone, PartialEq)]
struct Got {
    kind: DeliveryKind,
    from: String,
    sequence: i64,
    biz_type: String,
    payload: Vec<u8>,
    /// The envelope's text payload, when the payload is a JSON envelope.
    text: Option<String>,
}

/// A `Connection` driven over a `TcpStream`, with a virtual clock.
struct Client {
    conn: Connection<'static>,
    stream: TcpStream,
    now: u64,
    events: Vec<Event>,
    got: Vec<Got>,
    eof: bool,
}

impl Client {
    fn connect(server: &TcpServer, cfg: Config<'static>) -> Self {
        let stream = TcpStream::connect(server.addr()).unwrap();
        stream.set_nodelay(true).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(2)))
            .unwrap();
        let mut c = Client {
            conn: Connection::new(cfg).unwrap(),
            stream,
            now: 0,
            events: Vec::new(),
            got: Vec::new(),
            eof: false,
        };
        c.conn.connect(0);
        c
    }

    /// Connects and waits for `Bound`.
    fn bound(server: &TcpServer, cfg: Config<'static>) -> Self {
        let mut c = Self::connect(server, cfg);
        assert!(
            c.until(|c| c.events.contains(&Event::Bound)),
            "{:?}",
            c.events
        );
        assert_eq!(c.events, [Event::Connected, Event::Bound]);
        c.events.clear();
        c
    }

    fn flush(&mut self) {
        let mut out = [0u8; TRANSMIT_CAPACITY];
        while let Some(frame) = self.conn.poll_transmit(&mut out) {
            self.stream.write_all(frame).unwrap();
        }
    }

    /// One round: send what is queued, read what arrived (2 ms at most), collect events/messages.
    fn pump(&mut self) {
        self.flush();
        let mut buf = [0u8; 4096];
        match self.stream.read(&mut buf) {
            Ok(0) => self.eof = true,
            Ok(n) => self.conn.handle_input(&buf[..n], self.now),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => self.eof = true,
        }
        while let Some(d) = self.conn.poll_message() {
            let text = d.envelope().ok().and_then(|e| {
                assert_eq!(e.kind(), Kind::Text);
                e.payload_str().map(|s| s.to_cow().into_owned())
            });
            self.got.push(Got {
                kind: d.kind,
                from: d.from.app_account().to_owned(),
                sequence: d.sequence,
                biz_type: d.biz_type.to_owned(),
                payload: d.payload.to_vec(),
                text,
            });
        }
        self.events
            .extend(std::iter::from_fn(|| self.conn.poll_event()));
        self.flush();
    }

    /// Pumps until `pred` holds (true) or [`WAIT`] passes (false).
    fn until(&mut self, mut pred: impl FnMut(&Self) -> bool) -> bool {
        let end = Instant::now() + WAIT;
        while Instant::now() < end {
            self.pump();
            if pred(self) {
                return true;
            }
        }
        false
    }

    /// Pumps for `d` of real time (to show that nothing more arrives).
    fn settle(&mut self, d: Duration) {
        let end = Instant::now() + d;
        while Instant::now() < end {
            self.pump();
        }
    }

    fn acks(&self) -> Vec<(u32, i32)> {
        self.events
            .iter()
            .filter_map(|e| match e {
                Event::PacketAck { id, code, .. } => Some((*id, *code)),
                _ => None,
            })
            .collect()
    }
}

fn bound_conn(server: &TcpServer, account: &str) -> ConnId {
    let ev = server
        .wait_event(
            WAIT,
            |e| matches!(e, ServerEvent::Bound { account: a, .. } if a == account),
        )
        .expect("the server saw the bind");
    let ServerEvent::Bound { conn, .. } = ev else {
        unreachable!()
    };
    conn
}

#[test]
fn two_clients_exchange_p2p_both_ways_each_message_once() {
    let mut s = server();
    s.duplicate_deliveries = true;
    let server = TcpServer::start(s).unwrap();
    let mut a = Client::bound(&server, alice());
    let mut b = Client::bound(&server, bob());
    let a_id = bound_conn(&server, "alice");
    let b_id = bound_conn(&server, "bob");
    assert_ne!(a_id, b_id);

    // alice → bob: a TEXT envelope.
    let env = br#"{"version":0,"msgId":"m-1","timestamp":"1516763973000","payload":"hello bob"}"#;
    let id = a.conn.send_p2p("bob", env, "TEXT", a.now).unwrap();
    assert!(a.until(|a| !a.acks().is_empty()), "{:?}", a.events);
    assert_eq!(a.acks(), [(id, 0)]);
    assert!(b.until(|b| !b.got.is_empty()));
    // bob → alice: binary bytes (not JSON), bizType BIN.
    let bin = b"\x00\x01\xfe\xffbinary";
    let id_b = b.conn.send_p2p("alice", bin, "BIN", b.now).unwrap();
    assert!(b.until(|b| !b.acks().is_empty()), "{:?}", b.events);
    assert_eq!(b.acks(), [(id_b, 0)]);
    assert!(a.until(|a| !a.got.is_empty()));

    // The server sent each list twice: let every copy arrive, then count.
    a.settle(Duration::from_millis(50));
    b.settle(Duration::from_millis(50));
    assert_eq!(b.got.len(), 1, "{:?}", b.got);
    assert_eq!(a.got.len(), 1, "{:?}", a.got);
    let to_b = &b.got[0];
    assert_eq!(
        (to_b.kind, to_b.from.as_str(), to_b.biz_type.as_str()),
        (DeliveryKind::P2p, "alice", "TEXT")
    );
    assert_eq!(to_b.payload, env);
    assert_eq!(to_b.text.as_deref(), Some("hello bob"));
    let to_a = &a.got[0];
    assert_eq!((to_a.from.as_str(), to_a.biz_type.as_str()), ("bob", "BIN"));
    assert_eq!(to_a.payload, bin);
    assert_eq!(to_a.text, None, "binary bytes are no envelope");

    // Each receiver acked the sequence it got (the duplicate list is acked again, harmlessly).
    let sb = to_b.sequence;
    assert!(
        server
            .wait_event(WAIT, |e| *e
                == ServerEvent::SequenceAck {
                    conn: b_id,
                    sequence: sb
                })
            .is_some()
    );
    assert_eq!(server.with(|s| s.acked_sequence(b_id)), Some(sb));
    assert_eq!(server.with(|s| s.acked_sequence(a_id)), Some(to_a.sequence));

    // A re-delivery of an acked list is not surfaced again; a new message is.
    server.with(|s| s.redeliver(b_id));
    server.with(|s| s.push_p2p(b_id, "system", b"{\"version\":0,\"msgId\":\"m-2\",\"timestamp\":\"1\",\"payload\":\"from the server\"}", "TEXT")).unwrap();
    assert!(b.until(|b| b.got.len() == 2));
    b.settle(Duration::from_millis(30));
    assert_eq!(b.got.len(), 2);
    assert_eq!(b.got[1].text.as_deref(), Some("from the server"));
    assert!(b.got[1].sequence > sb);
    assert_eq!(a.conn.state(), State::Bound);
    assert_eq!(b.conn.state(), State::Bound);
}

#[test]
fn keep_alive_keeps_an_idle_connection_up() {
    let server = TcpServer::start(server()).unwrap();
    let mut a = Client::bound(&server, alice());
    let a_id = bound_conn(&server, "alice");
    for round in 0..6 {
        let deadline = a.conn.poll_timeout().expect("keep-alive armed");
        assert_eq!(deadline, a.now + 15_000, "round {round}");
        a.now = deadline;
        a.conn.handle_timeout(a.now);
        assert!(
            a.until(|a| a.events.contains(&Event::Pong)),
            "round {round}: {:?}",
            a.events
        );
        assert!(
            server
                .wait_event(WAIT, |e| *e == ServerEvent::Ping { conn: a_id })
                .is_some()
        );
        a.events.clear();
        assert_eq!(a.conn.state(), State::Bound);
    }
    // The other keep-alive shape, a `cmd PING` frame from the server, is a pong too.
    server.with(|s| s.ping(a_id)).unwrap();
    assert!(a.until(|a| a.events.contains(&Event::Pong)));
    assert!(server.with(|s| s.is_bound(a_id)));
}

#[test]
fn an_unanswered_keep_alive_times_out() {
    let mut s = server();
    s.pongs = false;
    let server = TcpServer::start(s).unwrap();
    let mut a = Client::bound(&server, alice());
    a.now = a.conn.poll_timeout().unwrap();
    a.conn.handle_timeout(a.now);
    a.pump();
    assert!(
        server
            .wait_event(WAIT, |e| matches!(e, ServerEvent::Ping { .. }))
            .is_some()
    );
    a.settle(Duration::from_millis(20));
    assert_eq!(a.events, []);
    a.now += 5_000;
    a.conn.handle_timeout(a.now);
    a.pump();
    assert_eq!(a.events, [Event::Error(ConnError::ResponseTimeout)]);
    assert_eq!(a.conn.state(), State::Closed);
}

#[test]
fn a_kick_ends_the_connection_with_the_right_event() {
    let server = TcpServer::start(server()).unwrap();
    for (reason, reconnect) in [("single-resource-kick", false), ("other-device", true)] {
        let mut a = Client::bound(&server, alice());
        let a_id = bound_conn(&server, "alice");
        server.with(|s| s.kick(a_id, "kick", reason)).unwrap();
        assert!(a.until(|a| !a.events.is_empty()));
        assert_eq!(a.events, [Event::Kicked { reconnect }], "{reason}");
        assert_eq!(a.conn.state(), State::Closed);
        // The server closes the socket after the KICK.
        assert!(a.until(|a| a.eof), "the server closed the socket");
        assert!(!server.with(|s| s.is_bound(a_id)));
    }
}

#[test]
fn a_bad_checksum_from_the_server_is_an_error_event() {
    let server = TcpServer::start(server()).unwrap();
    let mut a = Client::bound(&server, alice());
    let a_id = bound_conn(&server, "alice");
    server.with(|s| s.send_corrupt(a_id)).unwrap();
    assert!(a.until(|a| !a.events.is_empty()));
    let [Event::Error(ConnError::Frame(e))] = a.events[..] else {
        panic!("{:?}", a.events)
    };
    assert_eq!(e.kind(), ErrorKind::ChecksumMismatch);
    assert_eq!(a.conn.state(), State::Closed);
    // Nothing more is sent or surfaced once closed.
    let mut out = [0u8; TRANSMIT_CAPACITY];
    assert_eq!(a.conn.poll_transmit(&mut out), None);
    a.stream.shutdown(Shutdown::Both).unwrap();
}

#[test]
fn a_wrong_token_is_refused() {
    let server = TcpServer::start(server()).unwrap();
    let cfg = alice().with(|c| c.token = "TOKEN-stale");
    let mut a = Client::connect(&server, cfg);
    assert!(a.until(|a| a.events.len() == 2), "{:?}", a.events);
    assert_eq!(
        a.events,
        [
            Event::Connected,
            Event::BindFailed {
                token_invalid: true
            }
        ]
    );
    assert!(
        server
            .wait_event(WAIT, |e| matches!(e, ServerEvent::BindRejected { .. }))
            .is_some()
    );
}
