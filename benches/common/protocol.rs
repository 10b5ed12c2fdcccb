//! The binary protocol's cases (feature `protocol`): protobuf decode against `prost`, an independent
//! implementation, on the same messages (`prost` decodes into owned `String`/`Vec` fields, the
//! `#[derive(prost::Message)]` twins of `tests/it/protocol_pb.rs`; ours borrow from the input) and
//! against `femtopb`, the other borrowed layer (PROTOCOL.md §12's pick; the hand-derived twins of
//! `femtopb_twins.rs`), and the whole receive chain: frame → Adler-32 → RC4 (body, then payload) →
//! header → `MIMCPacket` → message.
//!
//! Inputs: the shared vectors (`../shared/testdata/mimc-v6/vectors.json`: the SECMSG P2P frame and its
//! `MIMCPacket`), and a COMPOUND packet list of eight P2P messages (each carrying the 150-byte TEXT
//! envelope of `tests/fixtures/bench/text_150.json`) encoded by prost, then framed and encrypted by
//! this crate for the chain case. Every candidate touches the same fields (those of a
//! [`Delivery`]: packet id, sequence, timestamp, sender and recipient, bizType, payload length,
//! isStore), so every full candidate gives the same digest (`smoke` compares them); `decode_frame`
//! alone is an `aside` (it stops before the messages).

use std::cell::RefCell;
use std::hint::black_box;

use femtopb::Message as _;
use mimc_codec::protocol::{
    ClientHeader, Delivery, FrameBody, FrameConfig, Keys, MimcMsgType, MimcP2pMessage, MimcPacket,
    MimcUser, Rc4Key, SecurityKey, decode_frame, deliveries, encode_frame,
};
use prost::Message as _;

use super::femtopb_twins as fp;
use super::{Case, aside, cand, fixture};

#[path = "../../tests/it/protocol_pb.rs"]
mod pb;

fn vectors() -> serde_json::Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/testdata/mimc-v6/vectors.json"
    );
    let text = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_slice(&text).expect("vectors.json")
}

fn unhex(s: &str) -> &'static [u8] {
    let bytes: Vec<u8> = (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect();
    bytes.leak()
}

fn vector(v: &serde_json::Value, object: &str, field: &str) -> &'static [u8] {
    unhex(v[object][field].as_str().expect("a hex string"))
}

// ---------------------------------------------------------------------------------------------------
// Touching: the fields of a delivery, from either side.

#[inline]
fn touch_user(u: &MimcUser<'_>) -> u64 {
    u.app_id() ^ u.uuid() ^ (u.app_account().len() + u.resource().len()) as u64
}

#[inline]
fn touch_delivery(d: &Delivery<'_>) -> u64 {
    d.sequence as u64
        ^ d.timestamp as u64
        ^ touch_user(&d.from)
        ^ d.to.as_ref().map_or(0, touch_user).rotate_left(1)
        ^ (d.packet_id.len() + d.biz_type.len() + d.payload.len() + usize::from(d.is_store)) as u64
}

/// Ours, message by message (what `deliveries` does for a P2P packet, without the iterator).
#[inline]
fn touch_ours(p: &MimcPacket<'_>, m: &MimcP2pMessage<'_>) -> u64 {
    p.sequence() as u64
        ^ p.timestamp() as u64
        ^ touch_user(&m.from())
        ^ touch_user(&m.to()).rotate_left(1)
        ^ (p.packet_id().len() + m.biz_type().len() + m.payload().len() + usize::from(m.is_store()))
            as u64
}

#[inline]
fn touch_prost_user(u: &pb::MimcUser) -> u64 {
    u.app_id.unwrap_or(0)
        ^ u.uuid.unwrap_or(0)
        ^ (u.app_account.as_ref().map_or(0, String::len)
            + u.resource.as_ref().map_or(0, String::len)) as u64
}

#[inline]
fn touch_prost(p: &pb::MimcPacket, m: &pb::MimcP2pMessage) -> u64 {
    let empty = pb::MimcUser::default();
    p.sequence.unwrap_or(0) as u64
        ^ p.timestamp.unwrap_or(0) as u64
        ^ touch_prost_user(m.from.as_ref().unwrap_or(&empty))
        ^ touch_prost_user(m.to.as_ref().unwrap_or(&empty)).rotate_left(1)
        ^ (p.packet_id.as_ref().map_or(0, String::len)
            + m.biz_type.as_ref().map_or(0, String::len)
            + m.payload.as_ref().map_or(0, Vec::len)
            + usize::from(m.is_store.unwrap_or(false))) as u64
}

/// prost: a `MIMCPacket` and the messages it carries (P2P, or the P2P packets of a COMPOUND list).
fn prost_packet(bytes: &[u8]) -> u64 {
    let p = pb::MimcPacket::decode(bytes).expect("prost packet");
    let payload = p.payload.as_deref().unwrap_or_default();
    match MimcMsgType::from_i32(p.r#type.unwrap_or(1)) {
        MimcMsgType::P2pMessage => {
            touch_prost(&p, &pb::MimcP2pMessage::decode(payload).expect("prost p2p"))
        }
        MimcMsgType::Compound => {
            let list = pb::MimcPacketList::decode(payload).expect("prost list");
            let mut d = 0u64;
            for p in &list.packets {
                let m = pb::MimcP2pMessage::decode(p.payload.as_deref().unwrap_or_default())
                    .expect("prost p2p");
                d = d.wrapping_add(touch_prost(p, &m));
            }
            d
        }
        other => panic!("not measured: {other:?}"),
    }
}

#[inline]
fn touch_femtopb_user(u: Option<&fp::MimcUser<'_>>) -> u64 {
    u.map_or(0, |u| {
        u.app_id.unwrap_or(0)
            ^ u.uuid.unwrap_or(0)
            ^ (u.app_account.map_or(0, str::len) + u.resource.map_or(0, str::len)) as u64
    })
}

#[inline]
fn touch_femtopb(p: &fp::MimcPacket<'_>, m: &fp::MimcP2pMessage<'_>) -> u64 {
    p.sequence.unwrap_or(0) as u64
        ^ p.timestamp.unwrap_or(0) as u64
        ^ touch_femtopb_user(m.from.as_ref())
        ^ touch_femtopb_user(m.to.as_ref()).rotate_left(1)
        ^ (p.packet_id.map_or(0, str::len)
            + m.biz_type.map_or(0, str::len)
            + m.payload.map_or(0, <[u8]>::len)
            + usize::from(m.is_store.unwrap_or(false))) as u64
}

/// femtopb: a `MIMCPacket` and the messages it carries (P2P, or the P2P packets of a COMPOUND list,
/// read lazily from the list's `Repeated`).
fn femtopb_packet(bytes: &[u8]) -> u64 {
    let p = fp::MimcPacket::decode(bytes).expect("femtopb packet");
    let payload = p.payload.unwrap_or_default();
    match MimcMsgType::from_i32(p.r#type.unwrap_or(1)) {
        MimcMsgType::P2pMessage => touch_femtopb(
            &p,
            &fp::MimcP2pMessage::decode(payload).expect("femtopb p2p"),
        ),
        MimcMsgType::Compound => {
            let list = fp::MimcPacketList::decode(payload).expect("femtopb list");
            let mut d = 0u64;
            for p in list.packets {
                let p = p.expect("femtopb packet");
                let m =
                    fp::MimcP2pMessage::decode(p.payload.unwrap_or_default()).expect("femtopb p2p");
                d = d.wrapping_add(touch_femtopb(&p, &m));
            }
            d
        }
        other => panic!("not measured: {other:?}"),
    }
}

/// Ours: every delivery of a `MIMCPacket`.
fn ours_deliveries(p: &MimcPacket<'_>) -> u64 {
    let mut d = 0u64;
    for m in deliveries(p) {
        d = d.wrapping_add(touch_delivery(&m.expect("a delivery")));
    }
    d
}

// ---------------------------------------------------------------------------------------------------
// Inputs.

/// A COMPOUND `MIMCPacket` of `n` P2P packets, each with the 150-byte TEXT envelope, encoded by prost.
fn packet_list(n: i64) -> &'static [u8] {
    let envelope = fixture("bench/text_150.json");
    let user = |account: &str, resource: Option<&str>| pb::MimcUser {
        app_id: Some(2_882_303_761_517_000_001),
        app_account: Some(account.to_owned()),
        uuid: Some(1_000_000_000_000_002),
        resource: resource.map(str::to_owned),
    };
    let packets = (0..n)
        .map(|i| {
            let m = pb::MimcP2pMessage {
                from: Some(user("bob", Some("peer-res"))),
                to: Some(user("alice", None)),
                payload: Some(envelope.to_vec()),
                is_store: Some(true),
                biz_type: Some("TEXT".to_owned()),
            };
            pb::MimcPacket {
                packet_id: Some(format!("peer-pkt-{i}")),
                package: None,
                sequence: Some(100 + i),
                r#type: Some(MimcMsgType::P2pMessage.to_i32()),
                payload: Some(m.encode_to_vec()),
                timestamp: Some(1_700_000_000_000 + i),
                conversation: None,
                conv_index: None,
            }
        })
        .collect();
    let list = pb::MimcPacketList {
        uuid: Some(1_000_000_000_000_001),
        resource: Some("rust-res".to_owned()),
        max_sequence: Some(100 + n - 1),
        packets,
        status: Some(1),
        min_sequence: None,
    };
    let packet = pb::MimcPacket {
        packet_id: Some("srv-cmp-1".to_owned()),
        r#type: Some(MimcMsgType::Compound.to_i32()),
        payload: Some(list.encode_to_vec()),
        ..pb::MimcPacket::default()
    };
    packet.encode_to_vec().leak()
}

/// The vectors' keys (a connection derives them once; the payload key is derived per frame inside
/// `decode_frame`).
fn keys(v: &serde_json::Value) -> (&'static Rc4Key, &'static SecurityKey) {
    let inputs = &v["inputs"];
    let s = |k: &str| inputs[k].as_str().expect("a string");
    let body = Rc4Key::body_key(s("challenge"), s("udid")).expect("body key");
    let security = SecurityKey::from_base64(s("sec_key")).expect("security key");
    (Box::leak(Box::new(body)), Box::leak(Box::new(security)))
}

/// A SECMSG downlink frame of `packet`, encrypted with the vectors' keys.
fn secmsg(packet: &[u8], body: &Rc4Key, security: &SecurityKey) -> &'static [u8] {
    let header = ClientHeader::new().with(|m| {
        m.chid = Some(9);
        m.uuid = Some(1_000_000_000_000_001);
        m.server = Some("xiaomi.com");
        m.resource = Some("rust-res");
        m.cmd = Some("SECMSG");
        m.id = Some("srv-cmp-1");
        m.cipher = Some(1);
    });
    let keys = Keys {
        body: Some(body),
        security: Some(security),
    };
    let mut out = vec![0u8; packet.len() + 256];
    let n = encode_frame(&mut out, &FrameConfig::TCP, &header, &packet, keys)
        .expect("frame")
        .len();
    out.truncate(n);
    out.leak()
}

// ---------------------------------------------------------------------------------------------------
// Cases.

/// Decode of a `MIMCPacket` (`bytes`), ours (by hand and through `deliveries`) against prost.
fn packet_decode(name: &'static str, bytes: &'static [u8]) -> Case {
    let single = MimcPacket::decode(bytes).expect("ours").msg_type() == MimcMsgType::P2pMessage;
    let mut candidates = vec![cand("mimc-codec deliveries()", move || {
        ours_deliveries(&MimcPacket::decode(black_box(bytes)).expect("ours"))
    })];
    if single {
        candidates.push(cand("mimc-codec MimcPacket + MimcP2pMessage", move || {
            let p = MimcPacket::decode(black_box(bytes)).expect("ours");
            touch_ours(&p, &MimcP2pMessage::decode(p.payload()).expect("ours p2p"))
        }));
    }
    candidates.push(cand("femtopb borrowed", move || {
        femtopb_packet(black_box(bytes))
    }));
    candidates.push(cand("prost owned", move || prost_packet(black_box(bytes))));
    Case {
        name,
        bytes: bytes.len(),
        candidates,
    }
}

/// The receive chain on a SECMSG frame: ours to the deliveries, against the same `decode_frame`
/// (checksum, RC4, header) followed by prost (header again, packet, messages), and `decode_frame`
/// alone (the crypto's share).
fn chain(
    name: &'static str,
    frame: &'static [u8],
    body: &'static Rc4Key,
    security: &'static SecurityKey,
) -> Case {
    let keys = Keys {
        body: Some(body),
        security: Some(security),
    };
    // Decryption is in place: every candidate copies the frame into its buffer first, as a
    // connection's receive buffer holds it.
    let buffer = || RefCell::new(vec![0u8; frame.len()]);
    let candidates = vec![
        cand("mimc-codec decode_frame + deliveries()", {
            let buf = buffer();
            move || {
                let mut buf = buf.borrow_mut();
                buf.copy_from_slice(black_box(frame));
                let f = decode_frame(&mut buf, &FrameConfig::TCP, keys).expect("frame");
                let FrameBody::Packet(p) = f.body else {
                    panic!("a packet")
                };
                let packet = p.mimc_packet().expect("packet").expect("SECMSG");
                ours_deliveries(&packet) ^ p.header.id().len() as u64
            }
        }),
        cand("decode_frame + prost owned (header, packet, messages)", {
            let buf = buffer();
            move || {
                let mut buf = buf.borrow_mut();
                buf.copy_from_slice(black_box(frame));
                let f = decode_frame(&mut buf, &FrameConfig::TCP, keys).expect("frame");
                let FrameBody::Packet(p) = f.body else {
                    panic!("a packet")
                };
                let header = pb::ClientHeader::decode(p.header_bytes).expect("prost header");
                prost_packet(p.payload) ^ header.id.as_ref().map_or(0, String::len) as u64
            }
        }),
        cand(
            "decode_frame + femtopb borrowed (header, packet, messages)",
            {
                let buf = buffer();
                move || {
                    let mut buf = buf.borrow_mut();
                    buf.copy_from_slice(black_box(frame));
                    let f = decode_frame(&mut buf, &FrameConfig::TCP, keys).expect("frame");
                    let FrameBody::Packet(p) = f.body else {
                        panic!("a packet")
                    };
                    let header = fp::ClientHeader::decode(p.header_bytes).expect("femtopb header");
                    femtopb_packet(p.payload) ^ header.id.map_or(0, str::len) as u64
                }
            },
        ),
        aside("decode_frame alone (Adler-32, RC4 x2, header)", {
            let buf = buffer();
            move || {
                let mut buf = buf.borrow_mut();
                buf.copy_from_slice(black_box(frame));
                let f = decode_frame(&mut buf, &FrameConfig::TCP, keys).expect("frame");
                let FrameBody::Packet(p) = f.body else {
                    panic!("a packet")
                };
                p.payload.len() as u64 ^ p.header.id().len() as u64
            }
        }),
    ];
    Case {
        name,
        bytes: frame.len(),
        candidates,
    }
}

/// The protocol cases.
pub fn cases() -> Vec<Case> {
    let v = vectors();
    let (body, security) = keys(&v);
    let p2p_packet = vector(&v, "secmsg_p2p", "mimc_packet_hex");
    let p2p_frame = vector(&v, "secmsg_p2p", "frame_hex");
    let list = packet_list(8);
    let list_frame = secmsg(list, body, security);
    vec![
        packet_decode("protocol decode MIMCPacket P2P (vectors)", p2p_packet),
        packet_decode("protocol decode MIMCPacket COMPOUND 8 x P2P", list),
        chain(
            "protocol frame to message P2P (vectors)",
            p2p_frame,
            body,
            security,
        ),
        chain(
            "protocol frame to messages COMPOUND 8 x P2P",
            list_frame,
            body,
            security,
        ),
    ]
}
