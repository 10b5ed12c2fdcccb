//! The binary protocol on an emulated Cortex-M4F (QEMU `mps2-an386`, `firmware/qemu.sh`): runs the work
//! of the three protocol size programs and checks every result.
//!
//! - `work/protocol.rs` (the size programs `mimc-codec-protocol-p2p` and `mimc-codec-protocol`) on the
//!   vectors' SECMSG P2P frame: the
//!   header, the packet and the P2P message as `vectors.json` lists them; on the COMPOUND downlink; on a
//!   SECMSG frame encoded here whose P2P payload is the manual's TEXT envelope (the envelope decoded);
//!   tampered, truncated and wrongly keyed frames give errors.
//! - Real captured frames (`xiaomi-push-v6-ndpi`, Xiaomi Push on the same front end): the server's CONN
//!   response gives the challenge, the body key derived from it and the udid is the one the capture's
//!   notes state, the client's BIND and the server's BIND response pass their checksums, decrypt with
//!   it and decode; the keep-alive is one.
//! - `work/connection.rs` (the size program `mimc-codec-connection`): a whole session through
//!   `Connection` against the vectors' server frames, each frame it sends decoded and checked (its P2P
//!   message byte-identical to the vectors'), each event checked; `size_of::<Connection>()`.
//!
//! Frames are decoded from `../shared` at compile time (`work/v6.rs`), read through `black_box`. The
//! stack of each phase is reported; the frame buffers are the caller's (`main`'s), as on a device that
//! receives into a buffer of its own.
#![no_std]
#![no_main]

use core::hint::black_box;
use core::mem::size_of;

use mimc_codec::protocol::{
    BindParams, ClientHeader, Config, Connection, DeliveryKind, Event, FrameBody, FrameConfig,
    KEEP_ALIVE, Keys, MimcMsgType, MimcP2pMessage, MimcPacket, MimcSequenceAck, MimcUser,
    MsgDirFlag, PayloadState, Rc4Key, SecurityKey, State, TRANSMIT_CAPACITY, XmMsgBind,
    XmMsgBindResp, XmMsgConn, XmMsgConnResp, bind_signature, decode_frame, encode_frame,
};
use mimc_codec::{Body, ErrorKind, Kind};

#[path = "harness.rs"]
mod harness;
#[allow(dead_code)] // only the TEXT envelope
#[path = "../work/inputs.rs"]
mod inputs;
#[path = "../work/connection.rs"]
mod session;
#[path = "../work/v6.rs"]
mod v6;
#[path = "../work/protocol.rs"]
mod work;

use harness::{Checks, Stack, entry};

/// A frame buffer.
const BUF: usize = 512;

/// `frame` copied into a buffer (the decoders work in place).
fn copy(frame: &[u8]) -> ([u8; BUF], usize) {
    let frame = black_box(frame);
    let mut buf = [0u8; BUF];
    buf[..frame.len()].copy_from_slice(frame);
    (buf, frame.len())
}

fn vector_keys() -> (Rc4Key, SecurityKey) {
    let body = Rc4Key::body_key(v6::CHALLENGE, v6::UDID).expect("body key");
    let security = SecurityKey::from_base64(v6::SECURITY_KEY).expect("security key");
    (body, security)
}

/// The size program's work on the vectors' P2P frame, and what the vectors say it holds.
fn p2p(c: &mut Checks, stack: &mut Stack) -> usize {
    let (mut buf, n) = copy(v6::P2P_FRAME);
    let (result, used) = stack.measure(|| {
        work::run(
            &mut buf[..n],
            black_box(v6::CHALLENGE),
            black_box(v6::UDID),
            black_box(v6::SECURITY_KEY),
        )
    });
    match result {
        Ok(o) => {
            let h = o.header;
            c.eq("p2p: header chid", &h.chid(), &9);
            c.eq("p2p: header uuid", &h.uuid(), &v6::UUID);
            c.eq("p2p: header cmd", h.cmd(), "SECMSG");
            c.eq("p2p: header id", h.id(), "p2p-4");
            c.eq("p2p: header resource", h.resource(), "rust-res");
            c.eq("p2p: header server", h.server(), "xiaomi.com");
            c.eq("p2p: header cipher", &h.cipher(), &1);
            c.eq("p2p: header dirFlag", &h.dir_flag(), &MsgDirFlag::CsReq);
            c.eq("p2p: messages", &o.messages, &1);
            c.eq("p2p: envelopes (\"hello\" is not one)", &o.envelopes, &0);
            c.check(o.envelope.is_none(), "p2p: no envelope");
            match o.first {
                Some(d) => {
                    c.eq("p2p: kind", &d.kind, &DeliveryKind::P2p);
                    c.eq("p2p: packetId", d.packet_id, "p2p-4");
                    c.eq("p2p: from", d.from.app_account(), "alice");
                    c.eq("p2p: from uuid", &d.from.uuid(), &1_000_000_000_000_001);
                    c.eq("p2p: from resource", d.from.resource(), "rust-res");
                    c.eq("p2p: to", &d.to.map(|u| u.app_account()), &Some("bob"));
                    c.eq("p2p: payload", d.payload, b"hello");
                    c.eq("p2p: bizType", d.biz_type, "TEXT");
                    c.check(d.is_store, "p2p: isStore");
                }
                None => c.fail("p2p: a message", &"none"),
            }
        }
        Err(e) => c.fail("p2p: the size program's work", &e),
    }
    used
}

/// The smallest size program's work (`run_p2p`) on the same frame; the COMPOUND is refused.
fn p2p_direct(c: &mut Checks, stack: &mut Stack) -> usize {
    let (mut buf, n) = copy(v6::P2P_FRAME);
    let (result, used) = stack.measure(|| {
        work::run_p2p(
            &mut buf[..n],
            black_box(v6::CHALLENGE),
            black_box(v6::UDID),
            black_box(v6::SECURITY_KEY),
        )
    });
    match result {
        Ok(o) => {
            c.eq("p2p direct: header id", o.header.id(), "p2p-4");
            c.eq("p2p direct: packetId", o.packet.packet_id(), "p2p-4");
            c.eq("p2p direct: package", o.packet.package(), "com.example.app");
            c.eq("p2p direct: from", o.message.from().app_account(), "alice");
            c.eq("p2p direct: to", o.message.to().app_account(), "bob");
            c.eq("p2p direct: payload", o.message.payload(), b"hello");
            c.eq("p2p direct: bizType", o.message.biz_type(), "TEXT");
        }
        Err(e) => c.fail("p2p direct: the size program's work", &e),
    }
    let (mut buf, n) = copy(v6::COMPOUND_FRAME);
    match work::run_p2p(&mut buf[..n], v6::CHALLENGE, v6::UDID, v6::SECURITY_KEY) {
        Err(e) => c.eq(
            "p2p direct on a COMPOUND: refused",
            &e.kind(),
            &ErrorKind::InvalidValue("not a P2P message"),
        ),
        Ok(_) => c.fail("p2p direct on a COMPOUND: an error", &"decoded"),
    }
    used
}

/// The decrypted SECMSG payload is the vectors' `MIMCPacket`, and its P2P message the vectors' bytes.
fn p2p_bytes(c: &mut Checks) {
    let (mut buf, n) = copy(v6::P2P_FRAME);
    let (body, security) = vector_keys();
    c.eq("body key = vectors' key_hex", body.expose(), v6::BODY_KEY);
    let keys = Keys {
        body: Some(&body),
        security: Some(&security),
    };
    match decode_frame(&mut buf[..n], &FrameConfig::TCP, keys) {
        Ok(f) => {
            c.eq("p2p frame: length", &f.len, &n);
            let FrameBody::Packet(p) = f.body else {
                return c.fail("p2p frame: a packet", &f.body);
            };
            c.eq(
                "p2p frame: payload decrypted",
                &p.payload_state,
                &PayloadState::Decrypted,
            );
            c.eq("p2p frame: MIMCPacket bytes", p.payload, v6::P2P_PACKET);
            match MimcPacket::decode(p.payload) {
                Ok(m) => {
                    c.eq(
                        "p2p frame: packet type",
                        &m.msg_type(),
                        &MimcMsgType::P2pMessage,
                    );
                    c.eq("p2p frame: P2P message bytes", m.payload(), v6::P2P_MESSAGE);
                    c.eq("p2p frame: package", m.package(), "com.example.app");
                }
                Err(e) => c.fail("p2p frame: MIMCPacket", &e),
            }
        }
        Err(e) => c.fail("p2p frame: decode", &e),
    }
}

/// The size program's work on the COMPOUND downlink: one P2P message from bob.
fn compound(c: &mut Checks) {
    let (mut buf, n) = copy(v6::COMPOUND_FRAME);
    match work::run(&mut buf[..n], v6::CHALLENGE, v6::UDID, v6::SECURITY_KEY) {
        Ok(o) => {
            c.eq("compound: header id", o.header.id(), "srv-cmp-6");
            c.eq(
                "compound: dirFlag",
                &o.header.dir_flag(),
                &MsgDirFlag::ScOneway,
            );
            c.eq("compound: messages", &o.messages, &1);
            match o.first {
                Some(d) => {
                    c.eq("compound: packetId", d.packet_id, "peer-pkt-1");
                    c.eq("compound: sequence", &d.sequence, &43);
                    c.eq("compound: from", d.from.app_account(), "bob");
                    c.eq("compound: from resource", d.from.resource(), "peer-res");
                    c.eq("compound: payload", d.payload, b"hi alice");
                    c.eq("compound: bizType", d.biz_type, "TEXT");
                }
                None => c.fail("compound: a message", &"none"),
            }
        }
        Err(e) => c.fail("compound: the size program's work", &e),
    }
}

/// A SECMSG frame encoded here with the manual's TEXT envelope as the P2P payload: the size program's
/// work decodes the envelope, with the kind from the JSON.
fn envelope(c: &mut Checks, stack: &mut Stack) -> usize {
    let (body, security) = vector_keys();
    let keys = Keys {
        body: Some(&body),
        security: Some(&security),
    };
    let text = black_box(inputs::TEXT);
    let mut inner = [0u8; 256];
    let p2p = MimcP2pMessage::new().with(|m| {
        m.from = Some(MimcUser::new().with(|u| u.app_account = Some("bob")));
        m.payload = Some(text);
        m.biz_type = Some("TEXT");
    });
    let mut buf = [0u8; BUF];
    let n = match p2p.encode(&mut inner).and_then(|bytes| {
        let packet = MimcPacket::new().with(|m| {
            m.packet_id = Some("env-1");
            m.msg_type = Some(MimcMsgType::P2pMessage);
            m.payload = Some(bytes);
        });
        let header = ClientHeader::new().with(|m| {
            m.chid = Some(9);
            m.cmd = Some("SECMSG");
            m.id = Some("env-1");
            m.cipher = Some(1);
        });
        encode_frame(&mut buf, &FrameConfig::TCP, &header, &packet, keys).map(|f| f.len())
    }) {
        Ok(n) => n,
        Err(e) => {
            c.fail("envelope: encode the frame", &e);
            return 0;
        }
    };
    let (result, used) =
        stack.measure(|| work::run(&mut buf[..n], v6::CHALLENGE, v6::UDID, v6::SECURITY_KEY));
    match result {
        Ok(o) => {
            c.eq("envelope: envelopes", &o.envelopes, &1);
            match o.envelope {
                Some(env) => {
                    c.eq("envelope: kind", &env.kind(), &Kind::Text);
                    c.eq(
                        "envelope: msgId",
                        &env.msg_id().and_then(|s| s.as_str()),
                        &Some("TEXT_12345"),
                    );
                    c.eq(
                        "envelope: timestamp",
                        &env.timestamp().get(),
                        &1_516_763_973_000,
                    );
                    let text = match *env.body() {
                        Body::Text(t) => t.as_str(),
                        _ => None,
                    };
                    c.eq(
                        "envelope: text",
                        &text,
                        &Some("Welcome to the Xiaomi instant message cloud (MIMC)"),
                    );
                }
                None => c.fail("envelope: decoded", &"none"),
            }
        }
        Err(e) => c.fail("envelope: the size program's work", &e),
    }
    used
}

/// Tampered, truncated and wrongly keyed frames.
fn invalid(c: &mut Checks) {
    let (mut buf, n) = copy(v6::P2P_FRAME);
    buf[40] ^= 1;
    let r = work::run(&mut buf[..n], v6::CHALLENGE, v6::UDID, v6::SECURITY_KEY);
    match r {
        Err(e) => {
            c.eq("tampered: kind", &e.kind(), &ErrorKind::ChecksumMismatch);
            c.eq("tampered: offset (the checksum)", &e.offset(), &Some(n - 4));
        }
        Ok(_) => c.fail("tampered: an error", &"decoded"),
    }
    c.eq(
        "tampered: nothing decrypted",
        &buf[..n],
        &{
            let mut t = copy(v6::P2P_FRAME).0;
            t[40] ^= 1;
            t
        }[..n],
    );

    let (mut buf, n) = copy(v6::P2P_FRAME);
    match work::run(
        &mut buf[..n - 10],
        v6::CHALLENGE,
        v6::UDID,
        v6::SECURITY_KEY,
    ) {
        Err(e) => c.eq(
            "truncated: kind",
            &e.kind(),
            &ErrorKind::Incomplete { needed: 10 },
        ),
        Ok(_) => c.fail("truncated: an error", &"decoded"),
    }

    let (mut buf, n) = copy(v6::P2P_FRAME);
    match work::run(&mut buf[..n], "9999999999", v6::UDID, v6::SECURITY_KEY) {
        Err(e) => c.eq(
            "wrong body key: kind",
            &e.kind(),
            &ErrorKind::LengthMismatch,
        ),
        Ok(_) => c.fail("wrong body key: an error", &"decoded"),
    }

    let (mut buf, n) = copy(v6::P2P_FRAME);
    let wrong = "AQECAwQFBgcICQoLDA0ODw==";
    let r = work::run(&mut buf[..n], v6::CHALLENGE, v6::UDID, wrong);
    let hello = matches!(&r, Ok(o) if o.first.is_some_and(|d| d.payload == b"hello"));
    c.check(!hello, "wrong security key: not the message");

    let mut keep_alive = KEEP_ALIVE;
    let r = work::run(&mut keep_alive, v6::CHALLENGE, v6::UDID, v6::SECURITY_KEY);
    c.check(r.is_err(), "keep-alive: not a packet (an error)");
}

/// The real captured frames (flow A of the nDPI capture).
fn captured(c: &mut Checks) {
    let (mut buf, n) = copy(v6::CAPTURED_CONN_RESP);
    let mut challenge = [0u8; 16];
    let mut len = 0;
    match decode_frame(&mut buf[..n], &FrameConfig::TCP, Keys::default()) {
        Ok(f) => match f.body {
            FrameBody::Packet(p) => {
                c.eq("capture CONN response: cmd", p.header.cmd(), "CONN");
                match XmMsgConnResp::decode(p.payload) {
                    Ok(r) => {
                        let ch = r.challenge().as_bytes();
                        len = ch.len().min(challenge.len());
                        challenge[..len].copy_from_slice(&ch[..len]);
                    }
                    Err(e) => c.fail("capture CONN response: payload", &e),
                }
            }
            b => c.fail("capture CONN response: a packet", &b),
        },
        Err(e) => c.fail("capture CONN response: decode", &e),
    }
    let challenge = core::str::from_utf8(&challenge[..len]).unwrap_or("");
    c.eq(
        "capture: the challenge of the CONN response",
        challenge,
        v6::CAPTURED_CHALLENGE,
    );
    let key = match Rc4Key::body_key(challenge, v6::CAPTURED_UDID) {
        Ok(k) => k,
        Err(e) => return c.fail("capture: body key", &e),
    };
    c.eq("capture: body key", key.expose(), v6::CAPTURED_BODY_KEY);
    let keys = Keys {
        body: Some(&key),
        ..Keys::default()
    };

    let mut bind = [0u8; 1024];
    let n = v6::CAPTURED_BIND.len();
    bind[..n].copy_from_slice(black_box(v6::CAPTURED_BIND));
    match decode_frame(&mut bind[..n], &FrameConfig::TCP, keys) {
        Ok(f) => match f.body {
            FrameBody::Packet(p) => {
                c.eq("capture BIND: cmd", p.header.cmd(), "BIND");
                c.eq("capture BIND: chid (Xiaomi Push)", &p.header.chid(), &5);
                c.eq("capture BIND: payload length", &p.payload.len(), &844);
                match XmMsgBind::decode(p.payload) {
                    Ok(b) => {
                        c.check(!b.token().expose().is_empty(), "capture BIND: a token");
                        c.eq(
                            "capture BIND: sig length (base64 SHA-1)",
                            &b.sig().expose().len(),
                            &28,
                        );
                    }
                    Err(e) => c.fail("capture BIND: payload", &e),
                }
            }
            b => c.fail("capture BIND: a packet", &b),
        },
        Err(e) => c.fail("capture BIND: decode", &e),
    }
    bind[..n].copy_from_slice(v6::CAPTURED_BIND);
    bind[100] ^= 0x80;
    match decode_frame(&mut bind[..n], &FrameConfig::TCP, keys) {
        Err(e) => c.eq(
            "capture BIND tampered: kind",
            &e.kind(),
            &ErrorKind::ChecksumMismatch,
        ),
        Ok(f) => c.fail("capture BIND tampered: an error", &f),
    }

    let (mut buf, n) = copy(v6::CAPTURED_BIND_RESP);
    match decode_frame(&mut buf[..n], &FrameConfig::TCP, keys) {
        Ok(f) => match f.body {
            FrameBody::Packet(p) => {
                c.eq("capture BIND response: cmd", p.header.cmd(), "BIND");
                c.eq(
                    "capture BIND response: payload length",
                    &p.payload.len(),
                    &36,
                );
                c.check(
                    XmMsgBindResp::decode(p.payload).is_ok(),
                    "capture BIND response: decodes",
                );
            }
            b => c.fail("capture BIND response: a packet", &b),
        },
        Err(e) => c.fail("capture BIND response: decode", &e),
    }

    let (mut buf, n) = copy(v6::CAPTURED_KEEP_ALIVE);
    match decode_frame(&mut buf[..n], &FrameConfig::TCP, keys) {
        Ok(f) => c.eq("capture keep-alive", &f.body, &FrameBody::KeepAlive),
        Err(e) => c.fail("capture keep-alive: decode", &e),
    }
}

/// Frames a session sent, kept for checking.
struct Sent {
    frames: [[u8; BUF]; 6],
    lens: [usize; 6],
    count: usize,
}

fn config() -> Config<'static> {
    Config::new(
        v6::APP_ID,
        v6::ACCOUNT,
        v6::UUID,
        v6::TOKEN,
        v6::SECURITY_KEY,
    )
    .with(|c| {
        c.resource = v6::RESOURCE;
        c.udid = v6::UDID;
        c.id_prefix = "p2p-";
    })
}

fn server() -> session::Server<'static> {
    black_box(session::Server {
        conn_resp: v6::CONN_RESP_FRAME,
        bind_resp: v6::BIND_RESP_FRAME,
        compound: v6::COMPOUND_FRAME,
        packet_ack: v6::PACKET_ACK_FRAME,
        kick: v6::KICK_FRAME,
    })
}

const MESSAGE: session::Send<'static> = session::Send {
    to: v6::PEER,
    payload: b"hello",
    biz_type: "TEXT",
};

/// The connection's session (the size program's work), every frame and event checked.
fn connection(c: &mut Checks, stack: &mut Stack) -> (usize, usize) {
    let mut conn = match Connection::new(config()) {
        Ok(conn) => conn,
        Err(e) => {
            c.fail("connection: new", &e);
            return (0, 0);
        }
    };
    let mut sent = Sent {
        frames: [[0; BUF]; 6],
        lens: [0; 6],
        count: 0,
    };
    let mut tx = [0u8; TRANSMIT_CAPACITY];
    let server = server();
    let (result, used) = stack.measure(|| {
        session::run(&mut conn, &server, &MESSAGE, &mut tx, &mut |f| {
            if let (Some(slot), Some(len)) = (
                sent.frames.get_mut(sent.count),
                sent.lens.get_mut(sent.count),
            ) {
                let n = f.len().min(BUF);
                slot[..n].copy_from_slice(&f[..n]);
                *len = f.len();
            }
            sent.count += 1;
        })
    });
    let o = match result {
        Ok(o) => o,
        Err(e) => {
            c.fail("connection: the session", &e);
            return (used, 0);
        }
    };
    let want = [
        Some(Event::Connected),
        Some(Event::Bound),
        Some(Event::PacketAck {
            id: 4,
            sequence: 42,
            code: 0,
        }),
        Some(Event::Pong),
        Some(Event::Kicked { reconnect: false }),
    ];
    c.eq(
        "connection: events",
        &o.events[..o.event_count.min(session::EVENTS)],
        &want[..],
    );
    c.eq("connection: event count", &o.event_count, &want.len());
    c.eq(
        "connection: state after the kick",
        &conn.state(),
        &State::Closed,
    );
    c.eq("connection: messages read", &o.received, &1);
    c.eq("connection: message sequence", &o.sequence, &43);
    c.eq(
        "connection: message payload",
        &o.payload.0[..o.payload.1.min(16)],
        b"hi alice",
    );
    c.eq(
        "connection: keep-alive deadline (the interval after the last frame sent)",
        &o.ping_at,
        &Some(40 + 180_000),
    );
    c.eq(
        "connection: frames sent (CONN, BIND, SEQUENCE_ACK, P2P, ping)",
        &o.sent,
        &5,
    );
    c.eq("connection: frames recorded", &sent.count, &5);
    check_sent(c, &mut sent);

    // With the connection inside the phase: what a device needs on the stack for a session whose
    // `Connection` is a local (the state and the transmit buffer included).
    let ((), whole) = stack.measure(|| {
        let mut tx = [0u8; TRANSMIT_CAPACITY];
        let ok = match Connection::new(config()) {
            Ok(mut conn) => session::run(&mut conn, &server, &MESSAGE, &mut tx, &mut |f| {
                black_box(f);
            })
            .is_ok_and(|o| o.event_count == 5 && o.received == 1),
            Err(_) => false,
        };
        black_box(ok);
    });
    (used, whole)
}

/// Each frame the session sent, decoded with the vectors' keys.
fn check_sent(c: &mut Checks, sent: &mut Sent) {
    let (body, security) = vector_keys();
    let keys = Keys {
        body: Some(&body),
        security: Some(&security),
    };
    let [conn, bind, seq_ack, p2p, ping, _] = &mut sent.frames;
    let l = sent.lens;
    match decode_frame(&mut conn[..l[0]], &FrameConfig::TCP, Keys::default()) {
        Ok(f) => match f.body {
            FrameBody::Packet(p) => {
                c.eq("sent CONN: cmd", p.header.cmd(), "CONN");
                c.eq("sent CONN: id", p.header.id(), "p2p-1");
                let m = XmMsgConn::decode(p.payload);
                c.eq(
                    "sent CONN: version",
                    &m.map(|m| m.version()).ok(),
                    &Some(106),
                );
            }
            b => c.fail("sent CONN: a packet", &b),
        },
        Err(e) => c.fail("sent CONN: decode", &e),
    }
    match decode_frame(&mut bind[..l[1]], &FrameConfig::TCP, keys) {
        Ok(f) => match f.body {
            FrameBody::Packet(p) => {
                c.eq("sent BIND: cmd", p.header.cmd(), "BIND");
                c.eq("sent BIND: id", p.header.id(), "p2p-2");
                let sig = bind_signature(&BindParams {
                    method: "XIAOMI-PASS",
                    challenge: v6::CHALLENGE,
                    chid: 9,
                    client_attrs: "",
                    cloud_attrs: "",
                    uuid: v6::UUID,
                    resource: v6::RESOURCE,
                    id: "p2p-2",
                    kick: "0",
                    server: "xiaomi.com",
                    token: v6::TOKEN,
                    security_key: v6::SECURITY_KEY,
                });
                match XmMsgBind::decode(p.payload) {
                    Ok(m) => {
                        c.eq("sent BIND: token", m.token().expose(), v6::TOKEN);
                        c.eq("sent BIND: sig", m.sig().expose(), sig.as_str());
                    }
                    Err(e) => c.fail("sent BIND: payload", &e),
                }
            }
            b => c.fail("sent BIND: a packet", &b),
        },
        Err(e) => c.fail("sent BIND: decode", &e),
    }
    match decode_frame(&mut seq_ack[..l[2]], &FrameConfig::TCP, keys) {
        Ok(f) => match f.body {
            FrameBody::Packet(p) => match p.mimc_packet() {
                Ok(Some(m)) => {
                    c.eq(
                        "sent SEQUENCE_ACK: type",
                        &m.msg_type(),
                        &MimcMsgType::SequenceAck,
                    );
                    let ack = MimcSequenceAck::decode(m.payload());
                    c.eq(
                        "sent SEQUENCE_ACK: sequence",
                        &ack.map(|a| a.sequence()).ok(),
                        &Some(43),
                    );
                }
                r => c.fail("sent SEQUENCE_ACK: a packet", &r),
            },
            b => c.fail("sent SEQUENCE_ACK: a packet", &b),
        },
        Err(e) => c.fail("sent SEQUENCE_ACK: decode", &e),
    }
    match decode_frame(&mut p2p[..l[3]], &FrameConfig::TCP, keys) {
        Ok(f) => match f.body {
            FrameBody::Packet(p) => match p.mimc_packet() {
                Ok(Some(m)) => {
                    c.eq("sent P2P: packetId", m.packet_id(), "p2p-4");
                    c.eq(
                        "sent P2P: the vectors' P2P message bytes",
                        m.payload(),
                        v6::P2P_MESSAGE,
                    );
                }
                r => c.fail("sent P2P: a packet", &r),
            },
            b => c.fail("sent P2P: a packet", &b),
        },
        Err(e) => c.fail("sent P2P: decode", &e),
    }
    c.eq("sent ping: the keep-alive", &ping[..l[4]], &KEEP_ALIVE[..]);
}

#[entry]
fn main() -> ! {
    let mut c = Checks::new("mimc-codec protocol");
    let mut stack = Stack::new();
    let direct = p2p_direct(&mut c, &mut stack);
    let frame = p2p(&mut c, &mut stack);
    p2p_bytes(&mut c);
    compound(&mut c);
    let env = envelope(&mut c, &mut stack);
    invalid(&mut c);
    captured(&mut c);
    let (session, whole) = connection(&mut c, &mut stack);
    c.check(!stack.overflowed(), "the stack stayed above the statics");
    harness::banner("mimc-codec protocol");
    harness::report(
        "mimc-codec-protocol-p2p's work: the P2P frame to its message",
        direct,
    );
    harness::report(
        "mimc-codec-protocol's work: the same through deliveries()",
        frame,
    );
    harness::report(
        "mimc-codec-protocol's work, the payload an envelope (decoded)",
        env,
    );
    harness::report(
        "mimc-codec-connection's session, the Connection outside",
        session,
    );
    harness::report(
        "the same, Connection and transmit buffer on the stack",
        whole,
    );
    cortex_m_semihosting::hprintln!(
        "size_of::<Connection>() = {} B (the connection's RAM state)",
        size_of::<Connection<'static>>()
    );
    harness::report("peak since reset (report printing excluded)", stack.peak());
    c.finish()
}
