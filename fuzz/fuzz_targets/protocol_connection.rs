//! Arbitrary server bytes into a bound client `Connection`: never a panic, bounded state. The input
//! is a list of steps; each step is raw stream bytes (any split), or a well-formed frame (body RC4
//! with the connection's key, SECMSG payload RC4 with the payload key) carrying fuzzed payload bytes
//! as a chosen command or `MIMCPacket` type, or a client call (send, join, pull answer, logout,
//! timers). After every step: every frame the client transmits decodes with its keys, the state is
//! one a server can put it in, the events and messages drained are bounded, and error offsets lie
//! inside the receive buffer.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use mimc_codec::protocol::{
    ClientHeader, Config, ConnError, Connection, Encode, Event, FrameBody, FrameConfig, Keys,
    MimcMsgType, MimcPacket, MsgDirFlag, RECV_CAPACITY, Rc4Key, SecurityKey, State,
    TRANSMIT_CAPACITY, XmMsgBindResp, XmMsgConnResp, decode_frame, encode_frame,
};

const SK: &str = "AAECAwQFBgcICQoLDA0ODw==";
const CHALLENGE: &str = "1234567890";
const UDID: &str = "udid-fuzz";

#[derive(Debug, Arbitrary)]
enum Step {
    /// Stream bytes as they are, fed in pieces of `split` bytes.
    Raw {
        bytes: Vec<u8>,
        split: u8,
    },
    /// A valid frame of command `cmd` with `payload`.
    Frame {
        cmd: u8,
        id: u8,
        payload: Vec<u8>,
    },
    /// A SECMSG whose `MIMCPacket` has type `kind` and payload `payload`.
    Secmsg {
        kind: u8,
        id: u8,
        payload: Vec<u8>,
    },
    SendP2p(Vec<u8>),
    SendP2t(u64),
    SendOnline,
    JoinUc(u64),
    SendUc(u64),
    QuitUc(u64),
    Pull(bool),
    Logout,
    Close,
    Timeout(u32),
}

fn server_frame(cmd: &str, id: &str, payload: &dyn Encode, body: Option<&Rc4Key>) -> Vec<u8> {
    let secmsg = cmd == "SECMSG";
    let security = SecurityKey::from_base64(SK).unwrap();
    let header = ClientHeader::new().with(|m| {
        m.chid = Some(9);
        m.cmd = Some(cmd);
        m.id = Some(id);
        m.dir_flag = Some(MsgDirFlag::ScOneway);
        m.cipher = Some(i32::from(secmsg));
    });
    let mut out = vec![0u8; 8192];
    let keys = Keys {
        body,
        security: secmsg.then_some(&security),
    };
    match encode_frame(&mut out, &FrameConfig::TCP, &header, payload, keys) {
        Ok(frame) => frame.to_vec(),
        Err(_) => Vec::new(),
    }
}

/// The ids a server would put in acks: some of ours (`f-` + a number), some not.
fn packet_id(id: u8) -> String {
    if id < 200 {
        format!("f-{}", id % 16)
    } else {
        format!("other-{id}")
    }
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let Ok(steps) = Vec::<Step>::arbitrary(&mut u) else {
        return;
    };
    let cfg = Config::new(7, "alice", 1001, "TOKEN", SK).with(|c| {
        c.resource = "res";
        c.udid = UDID;
        c.id_prefix = "f-";
        c.keep_alive_ms = 15_000;
        c.response_timeout_ms = 5_000;
        c.ack_timeout_ms = 2_000;
    });
    let security = SecurityKey::from_base64(SK).unwrap();
    let key = Rc4Key::body_key(CHALLENGE, UDID).unwrap();
    let mut c = Connection::new(cfg).unwrap();
    let mut out = [0u8; TRANSMIT_CAPACITY];
    let mut now = 0u64;

    // Bind, as the server would.
    c.connect(now);
    while c.poll_transmit(&mut out).is_some() {}
    let resp = XmMsgConnResp::new().with(|m| m.challenge = Some(CHALLENGE));
    c.handle_input(&server_frame("CONN", "c", &resp, None), now);
    while c.poll_transmit(&mut out).is_some() {}
    let bind = XmMsgBindResp::new().with(|m| m.result = Some(true));
    c.handle_input(&server_frame("BIND", "b", &bind, Some(&key)), now);
    assert_eq!(c.state(), State::Bound);
    while c.poll_event().is_some() {}

    for step in steps.into_iter().take(64) {
        now += 1;
        match step {
            Step::Raw { bytes, split } => {
                for piece in bytes.chunks(usize::from(split).max(1)) {
                    c.handle_input(piece, now);
                }
            }
            Step::Frame { cmd, id, payload } => {
                let cmd = ["PING", "KICK", "BIND", "CONN", "UBND", "SYNC", "", "SECMSG"]
                    [usize::from(cmd % 8)];
                let f = server_frame(cmd, &packet_id(id), &&payload[..], Some(&key));
                c.handle_input(&f, now);
            }
            Step::Secmsg { kind, id, payload } => {
                let packet = MimcPacket::new().with(|m| {
                    m.packet_id = Some("srv");
                    m.msg_type = Some(MimcMsgType::from_i32(i32::from(kind % 14)));
                    m.payload = Some(&payload);
                });
                let f = server_frame("SECMSG", &packet_id(id), &packet, Some(&key));
                c.handle_input(&f, now);
            }
            Step::SendP2p(p) => {
                let _ = c.send_p2p("bob", &p, "TEXT", now);
            }
            Step::SendP2t(t) => {
                let _ = c.send_p2t(t, b"group", "TEXT", now);
            }
            Step::SendOnline => {
                let _ = c.send_online("bob", b"online", "TEXT", now);
            }
            Step::JoinUc(t) => {
                let _ = c.join_uc(t, now);
            }
            Step::SendUc(t) => {
                let _ = c.send_uc(t, b"uc", "TEXT", now);
            }
            Step::QuitUc(t) => {
                let _ = c.quit_uc(t, now);
            }
            Step::Pull(accept) => c.ack_pull_notification(accept),
            Step::Logout => c.logout(now),
            Step::Close => c.handle_close(now),
            Step::Timeout(ms) => {
                now += u64::from(ms);
                c.handle_timeout(now);
            }
        }

        // Messages: bounded (one list in the inbox at a time).
        let mut messages = 0;
        while let Some(d) = c.poll_message() {
            let _ = d.envelope();
            messages += 1;
            assert!(messages <= RECV_CAPACITY, "poll_message never ends");
        }
        // Every frame the client sends is well formed.
        let mut sent = 0;
        while let Some(sent_frame) = c.poll_transmit(&mut out) {
            assert!(sent_frame.len() <= TRANSMIT_CAPACITY);
            let mut frame = sent_frame.to_vec();
            let keys = Keys {
                body: Some(&key),
                security: Some(&security),
            };
            let f = decode_frame(&mut frame, &FrameConfig::TCP, keys).expect("a valid frame");
            if let FrameBody::Packet(p) = f.body {
                if p.header.cmd() == "SECMSG" {
                    p.mimc_packet()
                        .expect("a valid MIMCPacket")
                        .expect("a packet");
                }
            }
            sent += 1;
            assert!(sent <= 16, "poll_transmit never ends");
        }
        let mut events = 0;
        while let Some(e) = c.poll_event() {
            if let Event::Error(ConnError::Frame(err)) = e {
                assert!(err.offset().is_none_or(|o| o <= RECV_CAPACITY), "{err:?}");
            }
            events += 1;
            assert!(events <= 8, "more events than the queue holds");
        }
        if c.state() == State::Closed {
            assert_eq!(c.poll_timeout(), None, "no timer once closed");
        }
        assert!(matches!(
            c.state(),
            State::Bound | State::Closed | State::LoggingOut
        ));
    }
});
