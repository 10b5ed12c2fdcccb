//! The client `Connection` against the sans-IO test server (`protocol::testing::Server`) in memory:
//! P2T, online messages and their acks, ack deadlines, pull notifications (`minSequence` /
//! `STATUS_EXCEED_COUNT_LIMIT`, PROTOCOL.md §7.4), UBND logout and unlimited groups, on a virtual
//! clock.

use mimc_codec::protocol::testing::{Account, ConnId, Server, ServerEvent};
use mimc_codec::protocol::{
    Config, ConnError, Connection, DeliveryKind, Event, State, TRANSMIT_CAPACITY,
};

const SK: [&str; 3] = [
    "AAECAwQFBgcICQoLDA0ODw==",
    "EBESExQVFhcYGRobHB0eHw==",
    "ICEiIyQlJicoKSorLC0uLw==",
];
const NAMES: [&str; 3] = ["alice", "bob", "carol"];
const TOKENS: [&str; 3] = ["T-a", "T-b", "T-c"];
const PREFIXES: [&str; 3] = ["a-", "b-", "c-"];
const UUIDS: [i64; 3] = [1001, 1002, 1003];

#[derive(Debug, Clone, PartialEq)]
struct Got {
    kind: DeliveryKind,
    from: String,
    sequence: i64,
    topic_id: Option<u64>,
    biz_type: String,
    payload: Vec<u8>,
}

struct Peer {
    id: ConnId,
    conn: Connection<'static>,
    events: Vec<Event>,
    got: Vec<Got>,
}

/// A server and bound clients, exchanging frames in memory.
struct Net {
    server: Server,
    peers: Vec<Peer>,
    server_events: Vec<ServerEvent>,
    now: u64,
}

fn config(i: usize) -> Config<'static> {
    Config::new(7, NAMES[i], UUIDS[i], TOKENS[i], SK[i]).with(|c| {
        c.resource = "res";
        c.udid = "udid-123456";
        c.id_prefix = PREFIXES[i];
        c.keep_alive_ms = 60_000;
        c.response_timeout_ms = 5_000;
        c.ack_timeout_ms = 2_000;
        c.uc_ping_ms = 10_000;
    })
}

impl Net {
    /// `n` clients (alice, bob, carol), bound.
    fn new(n: usize, setup: impl FnOnce(&mut Server)) -> Self {
        let mut server = Server::new();
        for i in 0..3 {
            server
                .add_account(Account::new(7, NAMES[i], UUIDS[i], TOKENS[i], SK[i]))
                .unwrap();
        }
        setup(&mut server);
        let mut net = Net {
            server,
            peers: Vec::new(),
            server_events: Vec::new(),
            now: 0,
        };
        for i in 0..n {
            let id = net.server.accept();
            let mut conn = Connection::new(config(i)).unwrap();
            conn.connect(0);
            net.peers.push(Peer {
                id,
                conn,
                events: Vec::new(),
                got: Vec::new(),
            });
        }
        net.run();
        for p in &mut net.peers {
            assert_eq!(p.events, [Event::Connected, Event::Bound]);
            p.events.clear();
        }
        let bound = net
            .take_server_events()
            .iter()
            .filter(|e| matches!(e, ServerEvent::Bound { .. }))
            .count();
        assert_eq!(bound, n);
        net
    }

    /// Moves frames both ways until nothing moves.
    fn run(&mut self) {
        let mut out = [0u8; TRANSMIT_CAPACITY];
        loop {
            let mut moved = false;
            for p in &mut self.peers {
                while let Some(frame) = p.conn.poll_transmit(&mut out) {
                    self.server.handle_input(p.id, frame);
                    moved = true;
                }
                while let Some(f) = self.server.poll_transmit(p.id) {
                    p.conn.handle_input(&f, self.now);
                    moved = true;
                    while let Some(d) = p.conn.poll_message() {
                        p.got.push(Got {
                            kind: d.kind,
                            from: d.from.app_account().to_owned(),
                            sequence: d.sequence,
                            topic_id: d.topic_id,
                            biz_type: d.biz_type.to_owned(),
                            payload: d.payload.to_vec(),
                        });
                    }
                }
                p.events.extend(std::iter::from_fn(|| p.conn.poll_event()));
            }
            self.server_events
                .extend(std::iter::from_fn(|| self.server.poll_event()));
            if !moved {
                return;
            }
        }
    }

    /// Advances the virtual clock to `now` on every client, then runs.
    fn advance(&mut self, now: u64) {
        self.now = now;
        for p in &mut self.peers {
            p.conn.handle_timeout(now);
        }
        self.run();
    }

    fn take_server_events(&mut self) -> Vec<ServerEvent> {
        std::mem::take(&mut self.server_events)
    }
}

#[test]
fn a_p2t_message_reaches_every_other_member_once() {
    let mut net = Net::new(3, |s| {
        s.add_group(42, &["alice", "bob", "carol"]);
        s.duplicate_deliveries = true;
    });
    let id = net.peers[0]
        .conn
        .send_p2t(42, b"to the group", "TEXT", 0)
        .unwrap();
    net.run();
    assert!(
        matches!(net.peers[0].events[..], [Event::PacketAck { id: i, code: 0, .. }] if i == id),
        "{:?}",
        net.peers[0].events
    );
    assert_eq!(net.peers[0].got, [], "not to the sender");
    for p in &net.peers[1..] {
        assert_eq!(p.got.len(), 1, "once, though sent twice: {:?}", p.got);
        let g = &p.got[0];
        assert_eq!(
            (g.kind, g.from.as_str(), g.topic_id, &g.payload[..]),
            (DeliveryKind::P2t, "alice", Some(42), &b"to the group"[..])
        );
    }
    // Each receiver acked its list (the copy that came before the ack went out is covered by it).
    for p in &net.peers[1..] {
        assert_eq!(net.server.acked_sequence(p.id), Some(p.got[0].sequence));
    }
    let acks = net
        .take_server_events()
        .into_iter()
        .filter(|e| matches!(e, ServerEvent::SequenceAck { .. }))
        .count();
    assert!((2..=4).contains(&acks), "{acks}");
}

#[test]
fn an_online_message_is_acked_by_its_receiver() {
    let mut net = Net::new(2, |_| {});
    let id = net.peers[0]
        .conn
        .send_online("bob", b"\x01online", "BIN", 0)
        .unwrap();
    // Single-direction: only the ack deadline is armed, before the keep-alive.
    assert_eq!(net.peers[0].conn.poll_timeout(), Some(2_000));
    net.run();
    let g = &net.peers[1].got;
    assert_eq!(g.len(), 1);
    assert_eq!(
        (g[0].kind, g[0].from.as_str(), &g[0].payload[..]),
        (DeliveryKind::Online, "alice", &b"\x01online"[..])
    );
    assert_eq!(
        net.peers[0].events,
        [Event::OnlineMessageAck { id, code: 1 }]
    );
    assert!(net.take_server_events().iter().any(|e| matches!(
        e,
        ServerEvent::OnlineMessageAck { code: 1, packet_id, .. } if packet_id == &format!("a-{id}")
    )));
    // Acked: no timeout later.
    net.advance(3_000);
    assert_eq!(
        net.peers[0].events,
        [Event::OnlineMessageAck { id, code: 1 }]
    );
    // Online messages have no sequence: a second one is not taken for a duplicate.
    net.peers[0]
        .conn
        .send_online("bob", b"again", "BIN", 3_000)
        .unwrap();
    net.run();
    assert_eq!(net.peers[1].got.len(), 2);
}

#[test]
fn a_missing_ack_is_an_ack_timeout_event() {
    let mut net = Net::new(2, |s| s.packet_acks = false);
    let id = net.peers[0]
        .conn
        .send_p2p("bob", b"x", "TEXT", 100)
        .unwrap();
    net.run();
    assert_eq!(net.peers[1].got.len(), 1, "delivered, just not acked");
    assert_eq!(net.peers[0].conn.poll_timeout(), Some(2_100));
    net.advance(2_099);
    assert_eq!(net.peers[0].events, []);
    net.advance(2_100);
    assert_eq!(net.peers[0].events, [Event::AckTimeout { id }]);
    // The connection stays up (a server frame clears the response deadline).
    let a = net.peers[0].id;
    net.server.ping(a).unwrap();
    net.run();
    net.advance(10_000);
    assert_eq!(net.peers[0].conn.state(), State::Bound);
    assert_eq!(
        net.peers[0].events,
        [Event::AckTimeout { id }, Event::Pong],
        "one timeout only"
    );
}

#[test]
fn messages_awaiting_acks_are_bounded() {
    let mut net = Net::new(1, |s| s.packet_acks = false);
    // ACK_CAPACITY messages may await acks; the next send is refused until one resolves.
    let mut ids = Vec::new();
    for i in 0..mimc_codec::protocol::ACK_CAPACITY {
        ids.push(
            net.peers[0]
                .conn
                .send_p2p("bob", b"x", "TEXT", i as u64)
                .unwrap(),
        );
        net.run();
    }
    let err = net.peers[0]
        .conn
        .send_p2p("bob", b"x", "TEXT", 10)
        .unwrap_err();
    assert!(format!("{err:?}").contains("awaiting"), "{err:?}");
    net.advance(2_000);
    assert_eq!(net.peers[0].events, [Event::AckTimeout { id: ids[0] }]);
    net.advance(2_007);
    let timeouts: Vec<u32> = net.peers[0]
        .events
        .iter()
        .filter_map(|e| match e {
            Event::AckTimeout { id } => Some(*id),
            _ => None,
        })
        .collect();
    assert_eq!(timeouts, ids);
    assert!(
        net.peers[0]
            .conn
            .send_p2p("bob", b"x", "TEXT", 2_007)
            .is_ok()
    );
}

#[test]
fn pull_notifications_follow_min_sequence() {
    let mut net = Net::new(1, |_| {});
    let a = net.peers[0].id;
    net.server.send_pull_notification(a, 100, 500).unwrap();
    net.run();
    assert_eq!(
        net.peers[0].events,
        [Event::PullNotification {
            min_sequence: 100,
            max_sequence: 500
        }]
    );
    assert_eq!(net.peers[0].got, [], "a notification carries no messages");
    assert_eq!(
        net.take_server_events(),
        [],
        "nothing is acked before the app answers"
    );
    net.peers[0].conn.ack_pull_notification(true);
    net.run();
    assert_eq!(
        net.take_server_events(),
        [ServerEvent::SequenceAck {
            conn: a,
            sequence: 500
        }]
    );

    // The same minSequence again: acked with the stored max, without asking the app.
    net.peers[0].events.clear();
    net.server.send_pull_notification(a, 100, 500).unwrap();
    net.run();
    assert_eq!(net.peers[0].events, []);
    assert_eq!(
        net.take_server_events(),
        [ServerEvent::SequenceAck {
            conn: a,
            sequence: 500
        }]
    );

    // A new backlog: asked again; refused, nothing is sent.
    net.server.send_pull_notification(a, 501, 900).unwrap();
    net.run();
    assert_eq!(
        net.peers[0].events,
        [Event::PullNotification {
            min_sequence: 501,
            max_sequence: 900
        }]
    );
    net.peers[0].conn.ack_pull_notification(false);
    net.run();
    assert_eq!(net.take_server_events(), []);
    // Answering twice does nothing more.
    net.peers[0].conn.ack_pull_notification(true);
    net.run();
    assert_eq!(net.take_server_events(), []);
}

#[test]
fn logout_sends_ubnd_and_completes() {
    let mut net = Net::new(1, |_| {});
    let a = net.peers[0].id;
    net.peers[0].conn.logout(50);
    assert_eq!(net.peers[0].conn.state(), State::LoggingOut);
    assert!(net.peers[0].conn.send_p2p("bob", b"x", "TEXT", 50).is_err());
    net.run();
    assert_eq!(net.take_server_events(), [ServerEvent::Unbound { conn: a }]);
    assert_eq!(net.peers[0].events, [Event::LoggedOut]);
    assert_eq!(net.peers[0].conn.state(), State::Closed);
    assert_eq!(net.peers[0].conn.poll_timeout(), None);

    // A silent server: the response deadline completes it; a closed transport too.
    let mut c = Net::new(1, |_| {});
    c.peers[0].conn.logout(0);
    let mut out = [0u8; TRANSMIT_CAPACITY];
    assert!(c.peers[0].conn.poll_transmit(&mut out).is_some(), "UBND");
    assert_eq!(c.peers[0].conn.poll_timeout(), Some(5_000));
    c.peers[0].conn.handle_timeout(5_000);
    assert_eq!(c.peers[0].conn.poll_event(), Some(Event::LoggedOut));

    let mut d = Net::new(1, |_| {});
    d.peers[0].conn.logout(0);
    d.peers[0].conn.handle_close(1);
    assert_eq!(d.peers[0].conn.poll_event(), Some(Event::LoggedOut));
    // Closing the transport of a bound connection is an error.
    let mut e = Net::new(1, |_| {});
    e.peers[0].conn.handle_close(1);
    assert_eq!(
        e.peers[0].conn.poll_event(),
        Some(Event::Error(ConnError::Closed))
    );
    e.peers[0].conn.handle_close(2);
    assert_eq!(e.peers[0].conn.poll_event(), None);
}

#[test]
fn unlimited_groups_join_ping_message_and_quit() {
    let mut net = Net::new(2, |s| s.duplicate_deliveries = true);
    for p in &mut net.peers {
        p.conn.join_uc(77, 0).unwrap();
    }
    net.run();
    for p in &net.peers {
        assert_eq!(
            p.events,
            [Event::UcJoined {
                topic_id: 77,
                code: 0
            }]
        );
    }
    assert_eq!(
        net.take_server_events()
            .iter()
            .filter(|e| matches!(e, ServerEvent::UcJoined { topic_id: 77, .. }))
            .count(),
        2
    );
    // The UC ping is due 10 s after the join.
    assert_eq!(net.peers[0].conn.poll_timeout(), Some(10_000));

    let id = net.peers[0]
        .conn
        .send_uc(77, b"to everyone", "TEXT", 100)
        .unwrap();
    net.run();
    assert!(matches!(
        net.peers[0].events[1..],
        [Event::PacketAck { id: i, code: 0, .. }] if i == id
    ));
    let g = &net.peers[1].got;
    assert_eq!(g.len(), 1, "once, though sent twice: {g:?}");
    assert_eq!(
        (
            g[0].kind,
            g[0].from.as_str(),
            g[0].topic_id,
            &g[0].payload[..]
        ),
        (DeliveryKind::Uc, "alice", Some(77), &b"to everyone"[..])
    );
    let seq = g[0].sequence;
    let ev = net.take_server_events();
    assert!(ev.contains(&ServerEvent::UcSequenceAck {
        conn: net.peers[1].id,
        topic_id: 77,
        sequence: seq
    }));
    assert!(ev.iter().any(|e| matches!(
        e,
        ServerEvent::Routed {
            kind: DeliveryKind::Uc,
            delivered: 1,
            ..
        }
    )));

    // UC pings while joined, naming the group.
    net.advance(10_100);
    let pings: Vec<_> = net
        .take_server_events()
        .into_iter()
        .filter(|e| matches!(e, ServerEvent::UcPing { .. }))
        .collect();
    assert_eq!(pings.len(), 2, "{pings:?}");
    assert!(
        pings
            .iter()
            .all(|e| matches!(e, ServerEvent::UcPing { topics, .. } if topics == &[77]))
    );

    net.peers[0].conn.quit_uc(77, 10_200).unwrap();
    net.run();
    assert_eq!(
        net.peers[0].events.last(),
        Some(&Event::UcQuit { topic_id: 77 })
    );
    // No more UC pings for alice: only her keep-alive remains.
    assert_eq!(net.peers[0].conn.poll_timeout(), Some(10_200 + 60_000));
}
