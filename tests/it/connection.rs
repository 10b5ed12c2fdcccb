//! The sans-IO client `Connection` (feature `protocol`) against a scripted in-test server built from
//! the same encoders: handshake and bind, keep-alive over virtual time, a bad checksum, garbage input.

use mimc_codec::ErrorKind;
use mimc_codec::protocol::*;
use proptest::prelude::*;

const SK: &str = "AAECAwQFBgcICQoLDA0ODw==";
const CHALLENGE: &str = "1234567890";
const UDID: &str = "udid-xyz";

fn config() -> Config<'static> {
    Config::new(7, "alice", 1_000_000_000_000_001, "TOKEN-abc123", SK).with(|c| {
        c.resource = "rust-res";
        c.udid = UDID;
        c.keep_alive_ms = 15_000;
        c.response_timeout_ms = 5_000;
    })
}

/// The next frame the client sends.
fn transmit(c: &mut Connection<'_>) -> Option<Vec<u8>> {
    let mut out = [0u8; TRANSMIT_CAPACITY];
    c.poll_transmit(&mut out).map(|frame| frame.to_vec())
}

fn events(c: &mut Connection<'_>) -> Vec<Event> {
    std::iter::from_fn(|| c.poll_event()).collect()
}

/// A server frame: `cmd` with `payload`, body-encrypted once the handshake gave a key.
fn server_frame(cmd: &str, id: &str, payload: &dyn Encode, key: Option<&Rc4Key>) -> Vec<u8> {
    let header = ClientHeader::new().with(|m| {
        m.chid = Some(9);
        m.cmd = Some(cmd);
        m.id = Some(id);
        m.dir_flag = Some(MsgDirFlag::ScOneway);
    });
    let mut out = vec![0u8; 512];
    let keys = Keys {
        body: key,
        ..Keys::default()
    };
    encode_frame(&mut out, &FrameConfig::TCP, &header, payload, keys)
        .unwrap()
        .to_vec()
}

fn conn_resp() -> Vec<u8> {
    let resp = XmMsgConnResp::new().with(|m| {
        m.challenge = Some(CHALLENGE);
        m.host = Some("7f04");
    });
    server_frame("CONN", "conn-resp", &resp, None)
}

fn bind_resp(ok: bool, key: &Rc4Key) -> Vec<u8> {
    let resp = XmMsgBindResp::new().with(|m| {
        m.result = Some(ok);
        m.error_type = Some(if ok { "success" } else { "token-expired" });
    });
    server_frame("BIND", "bind", &resp, Some(key))
}

/// Drives a connection through CONN and BIND as the server would, checking what the client sends;
/// returns it bound, with the body key the server derived.
fn bound(c: &mut Connection<'_>) -> Rc4Key {
    c.connect(0);
    let mut conn = transmit(c).expect("CONN");
    let key = Rc4Key::body_key(CHALLENGE, UDID).unwrap();
    {
        let f = decode_frame(&mut conn, &FrameConfig::TCP, Keys::default()).unwrap();
        let FrameBody::Packet(p) = f.body else {
            panic!("CONN is a packet")
        };
        assert_eq!(p.header.cmd(), "CONN");
        let msg = XmMsgConn::decode(p.payload).unwrap();
        assert_eq!((msg.version(), msg.udid()), (106, UDID));
    }
    assert_eq!(transmit(c), None, "nothing before the CONN response");
    c.handle_input(&conn_resp(), 10);
    assert_eq!(events(c), [Event::Connected]);
    assert_eq!(c.state(), State::AwaitBind);
    let mut bind = transmit(c).expect("BIND");
    {
        let keys = Keys {
            body: Some(&key),
            ..Keys::default()
        };
        let f = decode_frame(&mut bind, &FrameConfig::TCP, keys).unwrap();
        let FrameBody::Packet(p) = f.body else {
            panic!("BIND is a packet")
        };
        assert_eq!(p.header.cmd(), "BIND");
        let msg = XmMsgBind::decode(p.payload).unwrap();
        let sig = bind_signature(&BindParams {
            method: "XIAOMI-PASS",
            challenge: CHALLENGE,
            chid: 9,
            client_attrs: "",
            cloud_attrs: "",
            uuid: p.header.uuid(),
            resource: p.header.resource(),
            id: p.header.id(),
            kick: "0",
            server: "xiaomi.com",
            token: "TOKEN-abc123",
            security_key: SK,
        });
        assert_eq!(msg.sig().expose(), sig.as_str());
        assert_eq!(msg.token().expose(), "TOKEN-abc123");
        assert_eq!(p.header.resource(), "rust-res");
    }
    c.handle_input(&bind_resp(true, &key), 20);
    assert_eq!(events(c), [Event::Bound]);
    assert_eq!(c.state(), State::Bound);
    key
}

#[test]
fn handshake_and_bind() {
    let mut c = Connection::new(config()).unwrap();
    bound(&mut c);
    assert_eq!(
        c.poll_timeout(),
        Some(20 + 15_000),
        "only the keep-alive is armed"
    );
}

/// `poll_transmit` returns the frame as the filled front of the caller's buffer: exactly the frame's
/// bytes at the buffer's start, nothing written past them; too small a buffer gives `None` and keeps
/// the frame queued.
#[test]
fn poll_transmit_returns_the_filled_front_of_the_buffer() {
    let mut c = Connection::new(config()).unwrap();
    c.connect(0);
    let mut out = [0xA5u8; TRANSMIT_CAPACITY + 8];
    assert_eq!(
        c.poll_transmit(&mut out[..20]),
        None,
        "CONN does not fit in 20 bytes"
    );
    let start = out.as_ptr();
    let conn = c.poll_transmit(&mut out).expect("CONN, still queued");
    assert_eq!(conn.as_ptr(), start);
    let n = conn.len();
    // Exactly one whole frame: its length is what the frame's head says, and it re-encodes to itself.
    assert_eq!(frame_len(conn, &FrameConfig::TCP).unwrap(), n);
    let copy = conn.to_vec();
    let f = decode_frame(conn, &FrameConfig::TCP, Keys::default()).unwrap();
    let FrameBody::Packet(p) = f.body else {
        panic!("CONN is a packet")
    };
    assert_eq!(f.len, n);
    let mut again = vec![0u8; n];
    let payload = p.payload;
    let re = encode_frame(
        &mut again,
        &FrameConfig::TCP,
        &p.header,
        &payload,
        Keys::default(),
    )
    .unwrap();
    assert_eq!(*re, *copy);
    assert!(
        out[n..].iter().all(|&b| b == 0xA5),
        "nothing past the frame"
    );
    assert_eq!(c.poll_transmit(&mut out), None);

    // Bound, the keep-alive: the 12 pinned bytes.
    let mut c = Connection::new(config()).unwrap();
    bound(&mut c);
    c.handle_timeout(20 + 15_000);
    let mut out = [0xA5u8; 40];
    let ping = c.poll_transmit(&mut out).expect("the keep-alive");
    assert_eq!((ping.len(), &*ping), (12, &KEEP_ALIVE[..]));
    assert_eq!(out[12..], [0xA5; 28]);
}

#[test]
fn the_server_bytes_in_any_split() {
    let mut c = Connection::new(config()).unwrap();
    c.connect(0);
    transmit(&mut c).unwrap();
    let resp = conn_resp();
    for b in &resp {
        c.handle_input(core::slice::from_ref(b), 1);
    }
    assert_eq!(events(&mut c), [Event::Connected]);
}

#[test]
fn a_rejected_bind_closes() {
    let mut c = Connection::new(config()).unwrap();
    c.connect(0);
    transmit(&mut c).unwrap();
    c.handle_input(&conn_resp(), 1);
    events(&mut c);
    transmit(&mut c).unwrap();
    let key = Rc4Key::body_key(CHALLENGE, UDID).unwrap();
    c.handle_input(&bind_resp(false, &key), 2);
    assert_eq!(
        events(&mut c),
        [Event::BindFailed {
            token_invalid: true
        }]
    );
    assert_eq!(c.state(), State::Closed);
    assert_eq!(c.poll_timeout(), None);
}

#[test]
fn keep_alive_across_virtual_time() {
    let mut c = Connection::new(config()).unwrap();
    bound(&mut c);
    let mut now = 20;
    for round in 0..5 {
        let deadline = c.poll_timeout().expect("keep-alive armed");
        assert_eq!(deadline, now + 15_000, "round {round}");
        assert_eq!(transmit(&mut c), None, "no ping before the interval");
        now = deadline;
        c.handle_timeout(now);
        assert_eq!(transmit(&mut c).as_deref(), Some(&KEEP_ALIVE[..]));
        // The response deadline is now armed (5 s), before the next ping.
        assert_eq!(c.poll_timeout(), Some(now + 5_000));
        now += 100;
        c.handle_input(&KEEP_ALIVE, now);
        assert_eq!(events(&mut c), [Event::Pong]);
        // The pong cleared the response deadline; the next ping counts from the last send.
        now -= 100;
        assert_eq!(c.poll_timeout(), Some(now + 15_000));
    }
    assert_eq!(c.state(), State::Bound);
}

#[test]
fn a_server_ping_frame_is_a_pong() {
    let mut c = Connection::new(config()).unwrap();
    let key = bound(&mut c);
    let ping = server_frame("PING", "ping-1", &XmMsgPing::new(), Some(&key));
    c.handle_input(&ping, 30);
    assert_eq!(events(&mut c), [Event::Pong]);
}

#[test]
fn an_unanswered_ping_times_out() {
    let mut c = Connection::new(config()).unwrap();
    bound(&mut c);
    c.handle_timeout(20 + 15_000);
    transmit(&mut c).unwrap();
    c.handle_timeout(20 + 15_000 + 4_999);
    assert_eq!(events(&mut c), []);
    c.handle_timeout(20 + 15_000 + 5_000);
    assert_eq!(events(&mut c), [Event::Error(ConnError::ResponseTimeout)]);
    assert_eq!(c.state(), State::Closed);
}

#[test]
fn bind_response_deadline() {
    let mut c = Connection::new(config()).unwrap();
    c.connect(0);
    transmit(&mut c).unwrap();
    c.handle_input(&conn_resp(), 1_000);
    events(&mut c);
    transmit(&mut c).unwrap();
    assert_eq!(c.poll_timeout(), Some(6_000));
    c.handle_timeout(6_000);
    assert_eq!(events(&mut c), [Event::Error(ConnError::ResponseTimeout)]);
}

#[test]
fn a_bad_checksum_is_an_error_event() {
    let mut c = Connection::new(config()).unwrap();
    let key = bound(&mut c);
    let mut ping = server_frame("PING", "ping-1", &XmMsgPing::new(), Some(&key));
    let last = ping.len() - 1;
    ping[last] ^= 1;
    c.handle_input(&ping, 30);
    let ev = events(&mut c);
    let [Event::Error(ConnError::Frame(e))] = ev[..] else {
        panic!("{ev:?}")
    };
    assert_eq!(e.kind(), ErrorKind::ChecksumMismatch);
    assert_eq!(e.offset(), Some(ping.len() - 4));
    assert_eq!(c.state(), State::Closed);
    assert_eq!(transmit(&mut c), None);
    c.handle_input(&KEEP_ALIVE, 40);
    assert_eq!(events(&mut c), [], "closed: input is ignored");
}

#[test]
fn a_kick_says_whether_to_reconnect() {
    for (reason, reconnect) in [("single-resource-kick", false), ("other", true)] {
        let mut c = Connection::new(config()).unwrap();
        let key = bound(&mut c);
        let kick = XmMsgKick::new().with(|m| m.reason = Some(reason));
        c.handle_input(&server_frame("KICK", "k", &kick, Some(&key)), 30);
        assert_eq!(events(&mut c), [Event::Kicked { reconnect }]);
        assert_eq!(c.state(), State::Closed);
    }
}

#[test]
fn secrets_never_in_debug() {
    let mut c = Connection::new(config()).unwrap();
    bound(&mut c);
    let text = format!("{c:?} {:?}", config());
    assert!(!text.contains("TOKEN-abc123"), "{text}");
    assert!(!text.contains(SK), "{text}");
}

proptest! {
    #[test]
    fn garbage_never_panics(chunks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..300), 0..8), bind_first in any::<bool>()) {
        let mut c = Connection::new(config()).unwrap();
        if bind_first {
            bound(&mut c);
        } else {
            c.connect(0);
        }
        for (i, chunk) in chunks.iter().enumerate() {
            c.handle_input(chunk, 100 + i as u64);
            while transmit(&mut c).is_some() {}
            for e in events(&mut c) {
                if let Event::Error(ConnError::Frame(err)) = e {
                    prop_assert!(err.offset().is_some_and(|o| o <= RECV_CAPACITY));
                }
            }
        }
        c.handle_timeout(u64::MAX);
    }

    #[test]
    fn truncated_server_frames_never_panic(cut in 0usize..400, flip in 0usize..400) {
        let mut c = Connection::new(config()).unwrap();
        let key = bound(&mut c);
        let mut f = compound_frame(&key, "rust-res", &[(5, b"one"), (6, b"two")]);
        let cut = cut.min(f.len());
        if flip < cut { f[flip] ^= 0x55; }
        c.handle_input(&f[..cut], 30);
        while c.poll_message().is_some() {}
        while transmit(&mut c).is_some() {}
        events(&mut c);
        prop_assert!(c.state() == State::Bound || c.state() == State::Closed);
    }
}

/// A SECMSG frame from the server carrying `packet` (payload encrypted with the payload key).
fn server_secmsg(id: &str, packet: &MimcPacket<'_>, key: &Rc4Key) -> Vec<u8> {
    let sk = SecurityKey::from_base64(SK).unwrap();
    let header = ClientHeader::new().with(|m| {
        m.chid = Some(9);
        m.cmd = Some("SECMSG");
        m.id = Some(id);
        m.cipher = Some(1);
        m.dir_flag = Some(MsgDirFlag::ScOneway);
    });
    let mut out = vec![0u8; 512];
    let keys = Keys {
        body: Some(key),
        security: Some(&sk),
    };
    encode_frame(&mut out, &FrameConfig::TCP, &header, packet, keys)
        .unwrap()
        .to_vec()
}

#[test]
fn a_p2p_message_and_its_packet_ack() {
    let mut c = Connection::new(config()).unwrap();
    let key = bound(&mut c);
    let id = c.send_p2p("bob", b"\x00binary\xff", "TEXT", 50).unwrap();
    assert!(
        c.send_p2p("bob", b"x", "TEXT", 50).is_err(),
        "one queued at a time"
    );
    let mut frame = transmit(&mut c).expect("SECMSG");
    let sk = SecurityKey::from_base64(SK).unwrap();
    let keys = Keys {
        body: Some(&key),
        security: Some(&sk),
    };
    let f = decode_frame(&mut frame, &FrameConfig::TCP, keys).unwrap();
    let FrameBody::Packet(p) = f.body else {
        panic!("SECMSG is a packet")
    };
    assert_eq!(p.payload_state, PayloadState::Decrypted);
    let packet = p.mimc_packet().unwrap().unwrap();
    assert_eq!(packet.packet_id(), p.header.id());
    let msg = MimcP2pMessage::decode(packet.payload()).unwrap();
    assert_eq!(msg.payload(), b"\x00binary\xff");
    assert_eq!(msg.biz_type(), "TEXT");
    assert_eq!(msg.to().app_account(), "bob");
    assert_eq!(msg.from().app_account(), "alice");
    assert_eq!(msg.from().uuid(), 1_000_000_000_000_001);
    assert_eq!(
        c.poll_timeout(),
        Some(50 + 5_000),
        "the message arms the response deadline"
    );

    let ack = MimcPacketAck::new().with(|m| {
        m.packet_id = Some(packet.packet_id());
        m.sequence = Some(77);
        m.code = Some(0);
    });
    let mut inner = [0u8; 128];
    let inner = ack.encode(&mut inner).unwrap();
    let reply = MimcPacket::new().with(|m| {
        m.packet_id = Some("srv-1");
        m.msg_type = Some(MimcMsgType::PacketAck);
        m.payload = Some(inner);
    });
    c.handle_input(&server_secmsg("srv-1", &reply, &key), 60);
    assert_eq!(
        events(&mut c),
        [Event::PacketAck {
            id,
            sequence: 77,
            code: 0
        }]
    );
    assert!(c.send_p2p("bob", b"next", "TEXT", 70).is_ok());
}

#[test]
fn config_from_a_token_reply() {
    let reply = br#"{"code":200,"message":"success","data":{"appId":"7","appPackage":"p","appAccount":"alice","miChid":9,"miUserId":"1000000000000001","miUserSecurityKey":"AAECAwQFBgcICQoLDA0ODw==","token":"TOKEN-abc123"}}"#;
    let data = mimc_codec::api::TokenData::from_json(reply).unwrap();
    let cfg = Config::from_token(&data).unwrap().with(|c| {
        c.resource = "rust-res";
        c.udid = UDID;
    });
    assert_eq!(
        (
            cfg.app_id,
            cfg.account,
            cfg.uuid,
            cfg.token,
            cfg.security_key
        ),
        (7, "alice", 1_000_000_000_000_001, "TOKEN-abc123", SK)
    );
    let mut c = Connection::new(cfg).unwrap();
    bound(&mut c);

    let escaped = br#"{"code":200,"message":"success","data":{"appId":"7","appPackage":"p","appAccount":"alice","miChid":9,"miUserId":"1","miUserSecurityKey":"AAEC\/AwQ=","token":"t"}}"#;
    let data = mimc_codec::api::TokenData::from_json(escaped).unwrap();
    let err = Config::from_token(&data).unwrap_err();
    let at = escaped.windows(4).position(|w| w == b"AAEC").unwrap();
    assert!(matches!(err.kind(), ErrorKind::InvalidValue(_)));
    assert!(err.offset().unwrap().abs_diff(at) <= 1, "{err:?} near {at}");
}

#[test]
fn state_size_is_bounded() {
    let size = core::mem::size_of::<Connection<'static>>();
    eprintln!("size_of::<Connection>() = {size}");
    // Receive buffer + inbox (one packet list) + one transmit slot + the body and security keys + the
    // 64 sequences remembered + under 1280 bytes of state (config, challenge, events, timers, the 8
    // messages awaiting acks, 4 joined UC groups, the online-message ack's id and resource, the
    // pull notification).
    let fixed = 2 * RECV_CAPACITY
        + TRANSMIT_CAPACITY
        + 2 * (MAX_KEY_LEN + core::mem::size_of::<usize>())
        + 64 * 8;
    assert!(size >= fixed, "{size}");
    assert!(size < fixed + 1280, "{size}");
}

fn encode_vec(m: &dyn Encode) -> Vec<u8> {
    let mut out = vec![0u8; m.encoded_len()];
    let n = m.encode(&mut out).unwrap().len();
    out.truncate(n);
    out
}

/// A COMPOUND for `resource` carrying P2P messages `(sequence, payload)`.
fn compound_frame(key: &Rc4Key, resource: &str, msgs: &[(i64, &[u8])]) -> Vec<u8> {
    let inner: Vec<Vec<u8>> = msgs
        .iter()
        .map(|(_, payload)| {
            encode_vec(&MimcP2pMessage::new().with(|m| {
                m.from = Some(MimcUser::new().with(|u| u.app_account = Some("bob")));
                m.payload = Some(payload);
                m.biz_type = Some("TEXT");
            }))
        })
        .collect();
    let packets: Vec<MimcPacket<'_>> = msgs
        .iter()
        .zip(&inner)
        .map(|((seq, _), bytes)| {
            MimcPacket::new().with(|p| {
                p.packet_id = Some("m");
                p.sequence = Some(*seq);
                p.msg_type = Some(MimcMsgType::P2pMessage);
                p.payload = Some(bytes);
            })
        })
        .collect();
    let list = encode_vec(&MimcPacketList::new().with(|l| {
        l.resource = Some(resource);
        l.max_sequence = msgs.iter().map(|m| m.0).max();
        l.packets = Repeated::from_slice(&packets);
    }));
    let packet = MimcPacket::new().with(|p| {
        p.packet_id = Some("srv-2");
        p.msg_type = Some(MimcMsgType::Compound);
        p.payload = Some(&list);
    });
    server_secmsg("srv-2", &packet, key)
}

/// The `MIMCSequenceAck` sequence in a client frame.
fn sequence_ack(mut frame: Vec<u8>, key: &Rc4Key) -> i64 {
    let sk = SecurityKey::from_base64(SK).unwrap();
    let keys = Keys {
        body: Some(key),
        security: Some(&sk),
    };
    let f = decode_frame(&mut frame, &FrameConfig::TCP, keys).unwrap();
    let FrameBody::Packet(p) = f.body else {
        panic!("SECMSG is a packet")
    };
    let packet = p.mimc_packet().unwrap().unwrap();
    assert_eq!(packet.msg_type(), MimcMsgType::SequenceAck);
    let ack = MimcSequenceAck::decode(packet.payload()).unwrap();
    assert_eq!(
        (ack.uuid(), ack.resource()),
        (1_000_000_000_000_001, "rust-res")
    );
    ack.sequence()
}

#[test]
fn inbound_messages_once_each_and_sequence_acked() {
    let mut c = Connection::new(config()).unwrap();
    let key = bound(&mut c);
    let frame = compound_frame(&key, "rust-res", &[(5, b"one"), (6, b"\x00two")]);
    c.handle_input(&frame, 30);
    let mut got = Vec::new();
    while let Some(d) = c.poll_message() {
        got.push((d.sequence, d.payload.to_vec(), d.biz_type.to_owned()));
    }
    assert_eq!(
        got,
        [
            (5, b"one".to_vec(), "TEXT".to_owned()),
            (6, b"\x00two".to_vec(), "TEXT".to_owned())
        ]
    );
    let ack = transmit(&mut c).expect("SEQUENCE_ACK");
    assert_eq!(sequence_ack(ack, &key), 6);
    assert_eq!(
        c.poll_timeout(),
        Some(20 + 15_000),
        "no response deadline for an ack"
    );

    // Re-delivered: acked again, surfaced never; a new sequence in the same list still comes.
    let again = compound_frame(&key, "rust-res", &[(6, b"\x00two"), (7, b"three")]);
    c.handle_input(&again, 40);
    let d = c.poll_message().expect("sequence 7");
    assert_eq!((d.sequence, d.payload), (7, &b"three"[..]));
    assert!(c.poll_message().is_none());
    assert_eq!(sequence_ack(transmit(&mut c).unwrap(), &key), 7);

    // Another resource's list is neither surfaced nor acked.
    c.handle_input(&compound_frame(&key, "other", &[(8, b"x")]), 50);
    assert!(c.poll_message().is_none());
    assert_eq!(transmit(&mut c), None);
}

#[test]
fn a_long_prefix_is_cut_at_a_character() {
    // 37 ASCII bytes then a 2-byte character: the 38-byte cut falls inside it.
    let prefix = format!("{}é-", "p".repeat(37));
    let cfg = config().with(|c| c.id_prefix = Box::leak(prefix.into_boxed_str()));
    let mut c = Connection::new(cfg).unwrap();
    c.connect(0);
    let mut conn = transmit(&mut c).unwrap();
    let f = decode_frame(&mut conn, &FrameConfig::TCP, Keys::default()).unwrap();
    let FrameBody::Packet(p) = f.body else {
        panic!("CONN is a packet")
    };
    assert_eq!(p.header.id(), format!("{}1", "p".repeat(37)));
}

#[test]
fn no_message_before_a_list_arrives() {
    let mut c = Connection::new(config()).unwrap();
    assert!(c.poll_message().is_none(), "idle");
    let key = bound(&mut c);
    assert!(c.poll_message().is_none(), "bound, nothing delivered");
    c.handle_input(&compound_frame(&key, "rust-res", &[(5, b"one")]), 30);
    assert_eq!(c.poll_message().map(|d| d.sequence), Some(5));
    assert!(c.poll_message().is_none());
    assert!(c.poll_message().is_none(), "the list was read");
}
