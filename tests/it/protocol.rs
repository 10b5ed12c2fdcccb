//! The binary client protocol (feature `protocol`) against the shared test data: the self-generated
//! vectors (`testdata/mimc-v6/vectors.json`), the real iOS UCPacket and the real captured v6 frames
//! (`testdata/xiaomi-push-v6-ndpi/frames.json`), plus tampering, truncation, limits and allocations.

#![allow(
    clippy::many_single_char_names,
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::items_after_statements
)]

use std::path::PathBuf;

use mimc_codec::ErrorKind;
use mimc_codec::protocol::*;
use serde_json::Value as Json;

use crate::alloc_count;

/// `../shared` beside the repository (CI), or `/work/shared`.
pub fn shared(rel: &str) -> PathBuf {
    let beside = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    let base = if beside.is_dir() {
        beside
    } else {
        PathBuf::from("/work/shared")
    };
    let p = base.join(rel);
    assert!(
        p.exists(),
        "shared test data {} is missing: the protocol tests need ../shared (PROTOCOL.md test data)",
        p.display()
    );
    p
}

pub fn shared_bytes(rel: &str) -> Vec<u8> {
    std::fs::read(shared(rel)).unwrap()
}

pub fn shared_json(rel: &str) -> Json {
    serde_json::from_slice(&shared_bytes(rel)).unwrap()
}

pub fn unhex(s: &str) -> Vec<u8> {
    let s: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    s.chunks(2)
        .map(|c| u8::from_str_radix(std::str::from_utf8(c).unwrap(), 16).unwrap())
        .collect()
}

pub fn vectors() -> Json {
    shared_json("testdata/mimc-v6/vectors.json")
}

/// Decodes `bytes` as `M`, re-encodes it and requires the identical bytes.
fn reencodes<'a, M: Message<'a> + std::fmt::Debug>(bytes: &'a [u8]) -> M {
    let m = M::decode(bytes).unwrap_or_else(|e| panic!("{}: {e}", M::NAME));
    assert_eq!(m.encoded_len(), bytes.len(), "{} {m:?}", M::NAME);
    // Into a roomier buffer: exactly the message comes back (the front), nothing past it is written.
    let mut out = vec![0xA5u8; bytes.len() + 3];
    let filled = m.encode(&mut out).unwrap();
    assert_eq!(filled.len(), bytes.len(), "{}", M::NAME);
    assert_eq!(*filled, *bytes, "{} re-encodes byte-identically", M::NAME);
    assert_eq!(
        out[..bytes.len()],
        *bytes,
        "{}: the front of the buffer",
        M::NAME
    );
    assert_eq!(
        out[bytes.len()..],
        [0xA5; 3],
        "{}: nothing past it",
        M::NAME
    );
    m
}

/// Checks a MIMCPacket and every message nested in it by type; returns the names checked.
fn check_mimc_packet(bytes: &[u8], seen: &mut Vec<&'static str>) {
    let p: MimcPacket = reencodes(bytes);
    seen.push("MIMCPacket");
    let inner = p.payload();
    match p.msg_type() {
        MimcMsgType::P2pMessage | MimcMsgType::OnlineMessage => {
            let m: MimcP2pMessage = reencodes(inner);
            reencodes::<MimcUser>(&encode_vec(&m.from()));
            seen.push("MIMCP2PMessage");
        }
        MimcMsgType::P2tMessage => {
            reencodes::<MimcP2tMessage>(inner);
            seen.push("MIMCP2TMessage");
        }
        MimcMsgType::SequenceAck => {
            reencodes::<MimcSequenceAck>(inner);
            seen.push("MIMCSequenceAck");
        }
        MimcMsgType::PacketAck => {
            reencodes::<MimcPacketAck>(inner);
            seen.push("MIMCPacketAck");
        }
        MimcMsgType::Compound => {
            let list: MimcPacketList = reencodes(inner);
            seen.push("MIMCPacketList");
            for packet in &list.packets {
                let packet = packet.unwrap();
                check_mimc_packet(&encode_vec(&packet), seen);
            }
        }
        MimcMsgType::UcPacket => check_uc_packet(inner, seen),
        other => panic!("unexpected packet type {other:?}"),
    }
}

fn check_uc_packet(bytes: &[u8], seen: &mut Vec<&'static str>) {
    let uc: UcPacket = reencodes(bytes);
    seen.push("UCPacket");
    match uc.msg_type() {
        UcMsgType::Message => {
            reencodes::<UcMessage>(uc.payload());
            seen.push("UCMessage");
        }
        other => panic!("unexpected UC type {other:?}"),
    }
}

pub fn encode_vec<'a, M: Message<'a>>(m: &M) -> Vec<u8> {
    let mut out = vec![0u8; m.encoded_len()];
    let n = m.encode(&mut out).unwrap().len();
    assert_eq!(n, out.len());
    out
}

/// The header fields listed in a vector, against the decoded header (absent in the JSON = absent).
fn assert_header(name: &str, want: &Json, h: &ClientHeader) {
    let want = want.as_object().unwrap();
    let int = |k: &str| want.get(k).map(|v| v.as_i64().unwrap());
    let s = |k: &str| want.get(k).map(|v| v.as_str().unwrap());
    assert_eq!(h.chid.map(i64::from), int("chid"), "{name} chid");
    assert_eq!(h.uuid, int("uuid"), "{name} uuid");
    assert_eq!(h.server, s("server"), "{name} server");
    assert_eq!(h.resource, s("resource"), "{name} resource");
    assert_eq!(h.cmd, s("cmd"), "{name} cmd");
    assert_eq!(h.id, s("id"), "{name} id");
    assert_eq!(
        h.dir_flag.map(|d| i64::from(d.to_i32())),
        int("dir_flag"),
        "{name} dir_flag"
    );
    assert_eq!(h.cipher.map(i64::from), int("cipher"), "{name} cipher");
    for k in want.keys() {
        assert!(
            ClientHeader::FIELDS
                .iter()
                .any(|(_, json)| json.eq_ignore_ascii_case(&k.replace('_', ""))),
            "{name}: header field {k} is checked"
        );
    }
}

struct VectorKeys {
    body: Rc4Key,
    security: SecurityKey,
    sec_text: String,
}

fn vector_keys(v: &Json) -> VectorKeys {
    let inputs = &v["inputs"];
    let body = Rc4Key::body_key(
        inputs["challenge"].as_str().unwrap(),
        inputs["udid"].as_str().unwrap(),
    )
    .unwrap();
    assert_eq!(
        body.expose(),
        unhex(v["body_key"]["key_hex"].as_str().unwrap())
    );
    let sec_text = inputs["sec_key"].as_str().unwrap().to_owned();
    VectorKeys {
        body,
        security: SecurityKey::from_base64(&sec_text).unwrap(),
        sec_text,
    }
}

#[test]
fn body_keys_match_the_vectors() {
    let v = vectors();
    vector_keys(&v);
    let cpp = &v["body_key"]["with_cpp_udid"];
    let key = Rc4Key::body_key("1234567890", cpp["udid"].as_str().unwrap()).unwrap();
    assert_eq!(key.expose(), unhex(cpp["key_hex"].as_str().unwrap()));
    // The C# order (udid half first) gives another key, which decrypts nothing.
    assert_ne!(
        key.expose(),
        unhex(cpp["csharp_order_key_hex"].as_str().unwrap())
    );
}

/// One vector frame: decodes with the vector keys, the header carries the listed fields, the payload is
/// the listed bytes, every message inside re-encodes byte-identically, and so does the whole frame.
fn check_vector_frame(
    name: &str,
    vf: &Json,
    cfg: &FrameConfig,
    k: &VectorKeys,
) -> Vec<&'static str> {
    let wire = unhex(vf["frame_hex"].as_str().unwrap());
    let keys = Keys {
        body: Some(&k.body),
        security: Some(&k.security),
    };
    let mut buf = wire.clone();
    let frame = decode_frame(&mut buf, cfg, keys).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(frame.len, wire.len(), "{name}");
    let mut seen = vec![];
    let p = match frame.body {
        FrameBody::KeepAlive => {
            assert_eq!(wire, KEEP_ALIVE, "{name}");
            return vec!["keep-alive"];
        }
        FrameBody::Packet(p) => p,
        FrameBody::Encrypted(_) => panic!("{name}: not decrypted"),
        other => panic!("{name}: unexpected frame body {other:?}"),
    };
    assert_eq!(p.payload_type, PAYLOAD_TYPE_PROTOBUF);
    assert_header(name, &vf["header"], &p.header);
    reencodes::<ClientHeader>(p.header_bytes);
    seen.push("ClientHeader");
    if let Some(hex) = vf.get("payload_hex") {
        assert_eq!(p.payload, unhex(hex.as_str().unwrap()), "{name} payload");
    }
    if let Some(hex) = vf.get("mimc_packet_hex") {
        assert_eq!(
            p.payload,
            unhex(hex.as_str().unwrap()),
            "{name} decrypted MIMCPacket"
        );
        let expect = if cfg.transport == Transport::WebSocket && p.header.cipher.is_none() {
            PayloadState::Plain
        } else {
            PayloadState::Decrypted
        };
        assert_eq!(p.payload_state, expect, "{name}");
    }
    if ["ping_header_only", "ubnd"].contains(&name) {
        assert!(p.payload.is_empty(), "{name}: header-only frame");
    }
    match (p.header.cmd(), name) {
        ("CONN", "conn_resp") => {
            let m: XmMsgConnResp = reencodes(p.payload);
            assert_eq!(m.challenge(), "1234567890");
            seen.push("XMMsgConnResp");
        }
        ("CONN", _) => {
            reencodes::<XmMsgConn>(p.payload);
            seen.push("XMMsgConn");
        }
        ("BIND", "bind") => {
            let m: XmMsgBind = reencodes(p.payload);
            seen.push("XMMsgBind");
            let sig = bind_signature(&BindParams {
                method: m.method(),
                challenge: "1234567890",
                chid: p.header.chid(),
                client_attrs: m.client_attrs(),
                cloud_attrs: m.cloud_attrs(),
                uuid: p.header.uuid(),
                resource: p.header.resource(),
                id: p.header.id(),
                kick: m.kick(),
                server: p.header.server(),
                token: m.token().expose(),
                security_key: &k.sec_text,
            });
            assert_eq!(sig.as_str(), vf["sig"].as_str().unwrap());
            assert_eq!(m.sig().expose(), sig.as_str());
        }
        ("BIND", _) => {
            let m: XmMsgBindResp = reencodes(p.payload);
            assert!(m.result());
            assert_eq!(m.error_desc(), "login success.");
            seen.push("XMMsgBindResp");
        }
        ("KICK", _) => {
            let m: XmMsgKick = reencodes(p.payload);
            assert_eq!(m.reason(), "single-resource-kick");
            seen.push("XMMsgKick");
        }
        ("SECMSG", _) => check_mimc_packet(p.payload, &mut seen),
        ("PING" | "UBND", _) => {}
        other => panic!("{name}: unexpected {other:?}"),
    }
    if let Some(hex) = vf.get("p2p_hex") {
        let packet = p.mimc_packet().unwrap().unwrap();
        assert_eq!(packet.payload(), unhex(hex.as_str().unwrap()));
        let pk = Rc4Key::payload_key(&k.security, p.header.id()).unwrap();
        assert_eq!(pk.expose(), unhex(vf["payload_key_hex"].as_str().unwrap()));
    }
    if let Some(hex) = vf.get("uc_packet_hex") {
        let packet = p.mimc_packet().unwrap().unwrap();
        assert_eq!(packet.payload(), unhex(hex.as_str().unwrap()));
    }
    // The whole frame re-encodes byte-identically from the decoded header and payload, into a
    // roomier buffer: what comes back is exactly the frame, the front of the buffer, and the rest is
    // untouched.
    let mut out = vec![0xA5u8; wire.len() + 7];
    let payload = p.payload;
    let frame = encode_frame(&mut out, cfg, &p.header, &payload, keys).unwrap();
    assert_eq!(frame.len(), wire.len(), "{name}");
    assert_eq!(frame.len(), encoded_len(cfg, &p.header, payload.len()));
    assert_eq!(
        *frame, *wire,
        "{name}: the frame re-encodes byte-identically"
    );
    assert_eq!(out[..wire.len()], *wire, "{name}: the front of the buffer");
    assert_eq!(
        out[wire.len()..],
        [0xA5; 7],
        "{name}: nothing written past the frame"
    );
    seen
}

#[test]
fn every_vector_decodes_to_its_fields_and_reencodes_identically() {
    let v = vectors();
    let k = vector_keys(&v);
    let mut checked = 0;
    let mut names = std::collections::BTreeSet::new();
    for (name, vf) in v.as_object().unwrap() {
        if vf.get("frame_hex").is_none() {
            continue;
        }
        let cfg = if name.starts_with("ws_") {
            FrameConfig::WEBSOCKET
        } else {
            FrameConfig::TCP
        };
        names.extend(check_vector_frame(name, vf, &cfg, &k));
        checked += 1;
        if let Some(reply) = vf.get("reply_sequence_ack") {
            names.extend(check_vector_frame("reply_sequence_ack", reply, &cfg, &k));
            checked += 1;
        }
    }
    assert_eq!(checked, 16, "every frame of vectors.json");
    for m in [
        "ClientHeader",
        "XMMsgConn",
        "XMMsgConnResp",
        "XMMsgBind",
        "XMMsgBindResp",
        "XMMsgKick",
        "MIMCPacket",
        "MIMCP2PMessage",
        "MIMCPacketAck",
        "MIMCPacketList",
        "MIMCSequenceAck",
        "UCPacket",
        "UCMessage",
        "keep-alive",
    ] {
        assert!(names.contains(m), "{m} was checked: {names:?}");
    }
}

#[test]
fn the_ios_ucpacket_decodes_and_reencodes_identically() {
    let bin = shared_bytes("testdata/mimc-v6/flutter_mimc__issue12_ucpacket.bin");
    assert_eq!(bin.len(), 372);
    let uc: UcPacket = reencodes(&bin);
    let user = uc.user();
    assert_eq!(user.app_id(), 2_882_303_761_518_379_327);
    assert_eq!(user.app_account(), "10");
    assert_eq!(user.uuid(), 27_332_097_396_178_945);
    assert_eq!(user.resource(), "iOS-IpruDdVs");
    assert_eq!(uc.msg_type(), UcMsgType::Message);
    assert_eq!(uc.packet_id(), "ldrPMNSFzcIkHuM-2");
    let m: UcMessage = reencodes(uc.payload());
    assert_eq!(m.group().app_id(), 2_882_303_761_518_379_327);
    assert_eq!(m.group().topic_id(), 30_094_929_200_414_721);
    assert_eq!(m.payload().len(), 216);
    assert_eq!((m.sequence, m.timestamp), (None, None));
    assert!(m.is_store());
    assert_eq!(m.user(), user);
    assert_eq!(m.packet_id(), "ldrPMNSFzcIkHuM-2");
    assert_eq!(m.biz_type(), "bizType");

    // The log's SECMSG header and MIMCPacket serialise to 68 and 420 bytes (PROTOCOL.md §10.1).
    let header = ClientHeader::new().with(|h| {
        h.chid = Some(9);
        h.uuid = Some(27_332_097_396_178_945);
        h.server = Some("xiaomi.com");
        h.resource = Some("iOS-IpruDdVs");
        h.cmd = Some("SECMSG");
        h.id = Some("ldrPMNSFzcIkHuM-2");
        h.dir_flag = Some(MsgDirFlag::CsReq);
        h.cipher = Some(1);
    });
    assert_eq!(header.encoded_len(), 68);
    let packet = MimcPacket::new().with(|p| {
        p.packet_id = Some("ldrPMNSFzcIkHuM-2");
        p.package = Some("meishuo.meijiehezi.com");
        p.msg_type = Some(MimcMsgType::UcPacket);
        p.payload = Some(&bin);
    });
    assert_eq!(packet.encoded_len(), 420);

    // Through the chain: the UC message, its bizType, and the base64 text of the flutter envelope.
    let d: Vec<_> = deliveries(&packet).collect::<Result<_, _>>().unwrap();
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].kind, DeliveryKind::Uc);
    assert_eq!(d[0].topic_id, Some(30_094_929_200_414_721));
    assert_eq!(d[0].biz_type, "bizType");
    assert_eq!(d[0].from.resource(), "iOS-IpruDdVs");

    // The message bytes are the Flutter plugin's: base64 of its snake_case JSON, whose own `biz_type`
    // (`text`) is the kind; the outer bizType here is the literal "bizType" (the iOS SDK's log).
    let map = mimc_codec::BizTypes::new(&[("text", "TEXT")]);
    let mut buf = [0u8; 512];
    let env = mimc_codec::Envelope::from_flutter_base64(d[0].payload, &mut buf, &map).unwrap();
    assert_eq!(env.kind(), mimc_codec::Kind::Text);
    assert!(env.msg_id().is_none());
    assert!(env.version().is_quoted());
    assert_eq!(env.timestamp().get(), 1_598_006_351_955);
    assert_eq!(env.payload_str().unwrap(), "899we");
    // Without the map entry the kind is the app's own name, kept as a custom kind.
    let mut buf = [0u8; 512];
    let env = mimc_codec::Envelope::from_flutter_base64(
        d[0].payload,
        &mut buf,
        &mimc_codec::BizTypes::new(&[]),
    )
    .unwrap();
    assert!(matches!(env.kind(), mimc_codec::Kind::_Custom(_)));
    assert_eq!(env.kind(), "text");
}

/// The real captured frames: every one passes its checksum and decrypts with the key derived from its
/// own flow's CONN exchange.
#[test]
fn every_real_frame_passes_its_checksum_and_decrypts_with_its_flows_key() {
    let f = shared_json("testdata/xiaomi-push-v6-ndpi/frames.json");
    let mut frames_checked = 0;
    for flow in f["flows"].as_array().unwrap() {
        let frames = flow["frames"].as_array().unwrap();
        let wire = |fr: &Json| unhex(fr["hex"].as_str().unwrap());
        let conn = |dir: &str| {
            frames
                .iter()
                .find(|fr| fr["dir"] == dir && fr["cmd"] == "CONN")
                .map(wire)
                .unwrap()
        };
        // The udid from the client's CONN, the challenge from the server's: both in clear.
        let mut up = conn("C->S");
        let mut down = conn("S->C");
        let FrameBody::Packet(up) = decode_frame(&mut up, &FrameConfig::TCP, Keys::default())
            .unwrap()
            .body
        else {
            panic!("CONN")
        };
        let FrameBody::Packet(down) = decode_frame(&mut down, &FrameConfig::TCP, Keys::default())
            .unwrap()
            .body
        else {
            panic!("CONN resp")
        };
        let udid = XmMsgConn::decode(up.payload).unwrap().udid();
        let challenge = XmMsgConnResp::decode(down.payload).unwrap().challenge();
        assert_eq!(udid, flow["udid"].as_str().unwrap());
        assert_eq!(challenge, flow["challenge"].as_str().unwrap());
        let key = Rc4Key::body_key(challenge, udid).unwrap();
        assert_eq!(key.expose(), unhex(flow["body_key_hex"].as_str().unwrap()));
        let keys = Keys {
            body: Some(&key),
            security: None,
        };

        for fr in frames {
            let bytes = wire(fr);
            let mut buf = bytes.clone();
            let frame = decode_frame(&mut buf, &FrameConfig::TCP, keys).unwrap();
            assert_eq!(frame.len, bytes.len());
            let body_len = fr["body_len"].as_u64().unwrap() as usize;
            assert_eq!(frame.len, 12 + body_len);
            frames_checked += 1;
            let p = match frame.body {
                FrameBody::KeepAlive => {
                    assert!(fr["cmd"].is_null());
                    continue;
                }
                FrameBody::Packet(p) => p,
                FrameBody::Encrypted(_) => panic!("not decrypted"),
                other => panic!("unexpected frame body {other:?}"),
            };
            assert_eq!(p.header.cmd(), fr["cmd"].as_str().unwrap());
            assert_eq!(
                p.header_bytes.len() as u64,
                fr["header_len"].as_u64().unwrap()
            );
            assert_eq!(p.payload.len() as u64, fr["payload_len"].as_u64().unwrap());
            assert_eq!(
                u64::from(p.payload_type),
                fr["payload_type"].as_u64().unwrap()
            );
            reencodes::<ClientHeader>(p.header_bytes);
            match (p.header.cmd(), fr["dir"].as_str().unwrap()) {
                ("CONN", "C->S") => drop(reencodes::<XmMsgConn>(p.payload)),
                ("CONN", _) => drop(reencodes::<XmMsgConnResp>(p.payload)),
                ("BIND", "C->S") => {
                    let bind: XmMsgBind = reencodes(p.payload);
                    assert_eq!(bind.method(), "XMPUSH-PASS", "Xiaomi Push, not MIMC");
                    assert!(format!("{bind:?}").contains("<redacted>"));
                }
                ("BIND", _) => {
                    let resp: XmMsgBindResp = reencodes(p.payload);
                    assert!(resp.result());
                    assert_eq!(resp.error_type(), "success");
                    assert_eq!(p.header.dir_flag(), MsgDirFlag::ScOneway);
                }
                other => panic!("unexpected {other:?}"),
            }
            // Re-encoding with the same key gives the captured bytes.
            let mut out = vec![0u8; bytes.len()];
            let payload = p.payload;
            encode_frame(&mut out, &FrameConfig::TCP, &p.header, &payload, keys).unwrap();
            assert_eq!(out, bytes);
        }
    }
    assert!(frames_checked >= 6, "{frames_checked}");
}

/// All the frames of vectors.json (TCP) back to back.
fn tcp_stream() -> (Vec<u8>, Vec<usize>) {
    let v = vectors();
    let mut stream = vec![];
    let mut lens = vec![];
    for (name, vf) in v.as_object().unwrap() {
        if let Some(hex) = vf.get("frame_hex").filter(|_| !name.starts_with("ws_")) {
            let b = unhex(hex.as_str().unwrap());
            lens.push(b.len());
            stream.extend(b);
        }
    }
    (stream, lens)
}

#[test]
fn the_stream_reader_asks_for_exactly_what_it_needs() {
    let (stream, lens) = tcp_stream();
    let cfg = FrameConfig::TCP;
    // Grow a buffer by exactly `needed` bytes at a time: it never holds a byte of the next frame.
    let mut pos = 0;
    for want in &lens {
        let mut have = 0;
        let total = loop {
            match frame_len(&stream[pos..pos + have], &cfg) {
                Ok(n) => break n,
                Err(e) => {
                    let ErrorKind::Incomplete { needed } = e.kind() else {
                        panic!("{e}")
                    };
                    assert!(needed > 0);
                    assert_eq!(e.offset(), Some(have));
                    have += needed;
                    assert!(have <= *want, "asked past the frame end");
                }
            }
        };
        assert_eq!(total, *want);
        assert_eq!(have, *want, "two reads: the head, then the rest");
        pos += total;
    }
    assert_eq!(pos, stream.len());

    // read_frame over a reader that hands out one byte per call leaves the rest unread.
    struct Trickle<'a>(&'a [u8]);
    impl std::io::Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.0.len().min(buf.len()).min(1);
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }
    let mut r = Trickle(&stream);
    let mut buf = vec![0u8; 4096];
    let mut rest = stream.len();
    for want in &lens {
        let start = stream.len() - rest;
        let frame = read_frame(&mut r, &mut buf, &cfg)
            .unwrap()
            .expect("a frame");
        assert_eq!(frame.len(), *want);
        assert_eq!(
            &frame[..],
            &stream[start..start + want],
            "the frame, the front of `buf`"
        );
        rest -= want;
        assert_eq!(r.0.len(), rest);
    }
    assert_eq!(read_frame(&mut r, &mut buf, &cfg).unwrap(), None);
    // A stream that stops inside a frame.
    let mut cut: &[u8] = &stream[..lens[0] - 1];
    let err = read_frame(&mut cut, &mut buf, &cfg).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::UnexpectedEof);
}

fn bind_frame() -> (Vec<u8>, VectorKeys) {
    let v = vectors();
    (
        unhex(v["bind"]["frame_hex"].as_str().unwrap()),
        vector_keys(&v),
    )
}

fn decode_err(bytes: &[u8], cfg: &FrameConfig, k: &VectorKeys) -> mimc_codec::Error {
    let mut buf = bytes.to_vec();
    decode_frame(
        &mut buf,
        cfg,
        Keys {
            body: Some(&k.body),
            security: Some(&k.security),
        },
    )
    .unwrap_err()
}

/// Rewrites the Adler-32 of a (tampered) TCP frame so that the checks after it are reached.
fn reseal(frame: &mut [u8]) {
    let n = frame.len() - 4;
    let crc = adler2::adler32_slice(&frame[..n]);
    frame[n..].copy_from_slice(&crc.to_be_bytes());
}

#[test]
fn tampered_truncated_and_oversized_frames_give_clear_errors() {
    let (frame, k) = bind_frame();
    let tcp = FrameConfig::TCP;

    // Any flipped byte: the checksum, at the trailer's offset, before anything is decrypted.
    for i in 8..frame.len() - 4 {
        let mut t = frame.clone();
        t[i] ^= 0x40;
        let mut buf = t.clone();
        let err = decode_frame(
            &mut buf,
            &tcp,
            Keys {
                body: Some(&k.body),
                ..Keys::default()
            },
        )
        .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::ChecksumMismatch, "byte {i}");
        assert_eq!(err.offset(), Some(frame.len() - 4));
        assert_eq!(buf, t, "nothing decrypted on a bad checksum");
    }
    let e = decode_err(&frame, &tcp.with_max_body(frame.len() - 13), &k);
    assert_eq!(
        (e.kind(), e.offset()),
        (ErrorKind::FrameTooLarge { limit: 122 }, Some(4))
    );
    assert_eq!(
        e.to_string(),
        "frame body larger than the limit of 122 bytes at byte 4"
    );

    let mut t = frame.clone();
    t[0] = 0xc3;
    assert_eq!(decode_err(&t, &tcp, &k).kind(), ErrorKind::BadMagic);
    let mut t = frame.clone();
    t[3] = 6;
    let e = decode_err(&t, &tcp, &k);
    assert_eq!((e.kind(), e.offset()), (ErrorKind::BadVersion, Some(2)));
    // A TCP frame read as WebJS (and the reverse) is a version error.
    assert_eq!(
        decode_err(&frame, &FrameConfig::WEBSOCKET, &k).kind(),
        ErrorKind::BadVersion
    );

    // Truncated anywhere: how many bytes are missing.
    for cut in 0..frame.len() {
        let e = decode_err(&frame[..cut], &tcp, &k);
        let want = if cut < 8 { 8 - cut } else { frame.len() - cut };
        assert_eq!(
            e.kind(),
            ErrorKind::Incomplete { needed: want },
            "cut {cut}"
        );
    }
    assert_eq!(
        decode_err(&frame[..20], &tcp, &k).to_string(),
        format!(
            "incomplete frame: {} more bytes needed at byte 20",
            frame.len() - 20
        )
    );

    // headerLen + payloadLen that disagree with bodyLen (behind a valid checksum).
    let mut t = frame.clone();
    let body_end = t.len() - 4;
    k.body.apply(&mut t[8..body_end]);
    t[15] ^= 1; // payloadLen
    k.body.apply(&mut t[8..body_end]);
    reseal(&mut t);
    let e = decode_err(&t, &tcp, &k);
    assert_eq!(
        (e.kind(), e.offset()),
        (ErrorKind::LengthMismatch, Some(10))
    );
    // A body shorter than its own 8-byte head.
    let mut t = vec![0xc2, 0xfe, 0, 5, 0, 0, 0, 3, 1, 2, 3, 0, 0, 0, 0];
    reseal(&mut t);
    assert_eq!(decode_err(&t, &tcp, &k).kind(), ErrorKind::LengthMismatch);

    // A header that is not protobuf: the error names the byte in the frame.
    let mut t = frame.clone();
    k.body.apply(&mut t[8..body_end]);
    t[16] = 0xff; // the first header byte: an unterminated varint key…
    t[17] = 0xff;
    for b in &mut t[18..27] {
        *b = 0xff;
    }
    k.body.apply(&mut t[8..body_end]);
    reseal(&mut t);
    let e = decode_err(&t, &tcp, &k);
    assert!(matches!(e.kind(), ErrorKind::Protobuf(_)), "{e}");
    assert_eq!(e.offset(), Some(16));

    // Without the body key the body is reported as encrypted, not misparsed.
    let mut buf = frame.clone();
    let f = decode_frame(&mut buf, &tcp, Keys::default()).unwrap();
    assert!(matches!(f.body, FrameBody::Encrypted(b) if b.len() == frame.len() - 12));
}

#[test]
fn truncated_and_malformed_protobuf_give_offsets() {
    let v = vectors();
    let packet = unhex(v["secmsg_p2p"]["mimc_packet_hex"].as_str().unwrap());
    for cut in 1..packet.len() {
        // Every proper prefix is either a valid shorter message or a clear error.
        if let Err(e) = MimcPacket::decode(&packet[..cut]) {
            assert!(matches!(e.kind(), ErrorKind::Protobuf(_)), "{e}");
            assert!(e.offset().is_some_and(|o| o <= cut), "{cut}: {e}");
        }
    }
    let e = MimcPacket::decode(b"\x0a\x05ab").unwrap_err();
    assert_eq!(
        e.kind(),
        ErrorKind::Protobuf("length-delimited field runs past the end of the message")
    );
    assert_eq!((e.offset(), e.field()), (Some(1), Some("packetId")));
    let e = MimcPacket::decode(b"\x0a\x02\xff\xfe").unwrap_err();
    assert_eq!((e.kind(), e.offset()), (ErrorKind::InvalidUtf8, Some(2)));
    let e = MimcPacket::decode(b"\x20\x80\x80").unwrap_err();
    assert_eq!(
        (e.kind(), e.offset()),
        (ErrorKind::Protobuf("truncated varint"), Some(1))
    );
    // Unknown groups are skipped up to their end; a bad nesting is an error.
    assert_eq!(
        MimcPacket::decode(b"\x4b\x08\x01\x4c\x0a\x01x")
            .unwrap()
            .packet_id(),
        "x"
    );
    assert_eq!(
        MimcPacket::decode(b"\x4b\x08\x01\x54").unwrap_err().kind(),
        ErrorKind::Protobuf("end of a group that was not started")
    );
    assert_eq!(
        MimcPacket::decode(b"\x4b\x08\x01").unwrap_err().kind(),
        ErrorKind::Protobuf("group without its end")
    );
    assert_eq!(
        MimcPacket::decode(&[0x4b; 40]).unwrap_err().kind(),
        ErrorKind::Protobuf("groups nested too deep")
    );
    assert_eq!(
        MimcPacket::decode(b"\x0e").unwrap_err().kind(),
        ErrorKind::Protobuf("invalid wire type")
    );
    assert_eq!(
        MimcPacket::decode(&[
            0x20, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02
        ])
        .unwrap_err()
        .kind(),
        ErrorKind::Protobuf("varint longer than 64 bits")
    );
    assert!(MimcPacket::decode(b"\x00\x01").is_err(), "field number 0");
    // A nested error carries the offset in the outer input and the innermost field.
    let e = MimcP2pMessage::decode(b"\x2a\x01T\x0a\x04\x12\x05al").unwrap_err();
    assert_eq!((e.offset(), e.field()), (Some(6), Some("appAccount")));
    // Lazily read repeated elements report their offset in the outer input too.
    let list = MimcPacketList::decode(b"\x08\x01\x22\x05\x0a").unwrap_err();
    assert_eq!(list.offset(), Some(3));
    let list = MimcPacketList::decode(b"\x08\x01\x22\x02\x0a\x05").unwrap();
    let e = list.packets.iter().next().unwrap().unwrap_err();
    assert_eq!((e.offset(), e.field()), (Some(5), Some("packetId")));
}

#[test]
fn unknown_fields_presence_and_defaults() {
    // Unknown numbers of every wire type are skipped; mismatched wire types too.
    let bytes = b"\x0a\x01x\x50\x05\x59\x01\x02\x03\x04\x05\x06\x07\x08\x62\x02hi\x6d\x01\x02\x03\x04\x20\x02\x20\x03";
    let p = MimcPacket::decode(bytes).unwrap();
    assert_eq!(p.packet_id(), "x");
    assert_eq!(
        p.msg_type(),
        MimcMsgType::SequenceAck,
        "the last value wins"
    );
    // The re-encoding is canonical: known fields in number order, unknown ones dropped.
    assert_eq!(encode_vec(&p), b"\x0a\x01x\x20\x03");
    // A nested message given twice is merged, as protobuf does; a scalar keeps its last value.
    let m = MimcP2pMessage::decode(b"\x0a\x02\x08\x07\x0a\x03\x12\x01a\x2a\x01x\x2a\x01y").unwrap();
    assert_eq!((m.from().app_id(), m.from().app_account()), (7, "a"));
    assert_eq!(m.biz_type(), "y");
    // An unknown enum value is kept.
    let p = MimcPacket::decode(b"\x20\x63").unwrap();
    assert_eq!(p.msg_type(), MimcMsgType::Unknown(99));
    assert_eq!(encode_vec(&p), b"\x20\x63");
    // Absent fields: None, and the proto2 defaults from the getters.
    let list = MimcPacketList::decode(b"").unwrap();
    assert_eq!(
        (list.status, list.status()),
        (None, MimcPushStatus::StatusNormal)
    );
    assert!(list.packets.is_empty());
    // Negative int32 values take ten bytes, as protobuf writes them.
    let h = ClientHeader::new().with(|h| h.err_code = Some(-1));
    assert_eq!(encode_vec(&h).len(), 11);
    assert_eq!(
        ClientHeader::decode(&encode_vec(&h)).unwrap().err_code(),
        -1
    );
    // Required fields are written even when unset.
    assert_eq!(encode_vec(&UcSequenceAck::new()), b"\x0a\x00\x10\x00");
    // A field list in number order for every message (the order they are written in).
    for fields in [
        ClientHeader::FIELDS,
        MimcPacket::FIELDS,
        UcMessage::FIELDS,
        XmMsgConn::FIELDS,
    ] {
        assert!(fields.windows(2).all(|w| w[0].0 < w[1].0));
    }
}

#[test]
fn secrets_are_redacted_in_debug() {
    let k = vector_keys(&vectors());
    let keys = Keys {
        body: Some(&k.body),
        security: Some(&k.security),
    };
    let all = format!("{keys:?} {:?} {:?}", k.body, k.security);
    assert!(
        !all.contains("fc1bcd3868") && !all.contains("252, 27"),
        "{all}"
    );
    assert_eq!(all.matches("<redacted>").count(), 4, "{all}");
    let bind = XmMsgBind::new().with(|b| {
        b.token = Some(SecretStr::new("TOKEN-abc123"));
        b.sig = Some(SecretStr::new("iRfsFrUOecx1fg/04EF7S9sxDb8="));
    });
    let dbg = format!("{bind:?}");
    assert!(!dbg.contains("TOKEN") && !dbg.contains("iRfs"), "{dbg}");
    let params = BindParams {
        method: "XIAOMI-PASS",
        challenge: "1",
        chid: 9,
        client_attrs: "",
        cloud_attrs: "",
        uuid: 1,
        resource: "r",
        id: "i",
        kick: "0",
        server: "xiaomi.com",
        token: "TOKEN-abc123",
        security_key: "AAECAwQFBgcICQoLDA0ODw==",
    };
    let dbg = format!("{params:?} {:?}", bind_signature(&params));
    assert!(!dbg.contains("TOKEN") && !dbg.contains("AAEC"), "{dbg}");
}

#[test]
fn keys_reject_empty_and_truncate_long_input() {
    assert!(Rc4Key::new(b"").is_err());
    assert!(Rc4Key::body_key("", "abc").is_err());
    let long = [7u8; 300];
    assert_eq!(Rc4Key::new(&long).unwrap().expose().len(), 256);
    // Only the first 256 key bytes matter to RC4: truncation changes nothing.
    let mut a = [0u8; 32];
    let mut b = [0u8; 32];
    Rc4Key::new(&long).unwrap().apply(&mut a);
    Rc4Key::new(&long[..256]).unwrap().apply(&mut b);
    assert_eq!(a, b);
    // RFC 6229, 40-bit key 0102030405, keystream bytes 0..16.
    let mut ks = [0u8; 16];
    Rc4Key::new(&[1, 2, 3, 4, 5]).unwrap().apply(&mut ks);
    assert_eq!(ks, unhex("b2396305f03dc027ccc3524a0a1118a8")[..]);
    // An odd-length challenge takes its longer half.
    let k = Rc4Key::body_key("12345", "abc").unwrap();
    assert_eq!(k.expose().len(), 3 + 2);
}

#[test]
fn encoding_needs_its_keys_and_room() {
    let k = vector_keys(&vectors());
    let header = ClientHeader::new().with(|h| {
        h.cmd = Some("SECMSG");
        h.id = Some("x");
        h.cipher = Some(1);
    });
    let payload: &[u8] = b"\x0a\x01x";
    let mut out = [0u8; 128];
    let body_only = Keys {
        body: Some(&k.body),
        security: None,
    };
    assert!(matches!(
        encode_frame(&mut out, &FrameConfig::TCP, &header, &payload, body_only)
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidValue(_)
    ));
    let ping = ClientHeader::new().with(|h| h.cmd = Some("PING"));
    assert!(
        encode_frame(
            &mut out,
            &FrameConfig::TCP,
            &ping,
            &NO_PAYLOAD,
            Keys::default()
        )
        .is_err()
    );
    let n = encoded_len(&FrameConfig::TCP, &ping, 0);
    let e = encode_frame(
        &mut out[..n - 1],
        &FrameConfig::TCP,
        &ping,
        &NO_PAYLOAD,
        body_only,
    )
    .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::BufferTooSmall { needed: 26 });
    assert_eq!(
        encode_frame(
            &mut out,
            &FrameConfig::TCP.with_max_body(4),
            &ping,
            &NO_PAYLOAD,
            body_only
        )
        .unwrap_err()
        .kind(),
        ErrorKind::FrameTooLarge { limit: 4 }
    );
}

/// `encode_frame`, `Message::encode` and `Encode::encode` return the filled front of the caller's
/// buffer: exactly the bytes written (the pinned ones), as long as `encoded_len` says, at the buffer's
/// start, nothing written past them, and mutable (the frame can be decrypted in place).
#[test]
fn encoders_return_the_filled_front_of_the_buffer() {
    let v = vectors();
    let k = vector_keys(&v);
    let keys = Keys {
        body: Some(&k.body),
        security: None,
    };
    // The pinned header-only PING, built in code.
    let ping = ClientHeader::new().with(|h| {
        h.chid = Some(9);
        h.uuid = Some(1_000_000_000_000_001);
        h.server = Some("xiaomi.com");
        h.resource = Some("rust-res");
        h.cmd = Some("PING");
        h.id = Some("ping-3");
        h.dir_flag = Some(MsgDirFlag::CsReq);
        h.cipher = Some(0);
    });
    let wire = unhex(v["ping_header_only"]["frame_hex"].as_str().unwrap());
    let mut out = [0xA5u8; 128];
    let start = out.as_ptr();
    let need = encoded_len(&FrameConfig::TCP, &ping, 0);
    assert_eq!(need, wire.len());
    let frame = encode_frame(&mut out, &FrameConfig::TCP, &ping, &NO_PAYLOAD, keys).unwrap();
    assert_eq!((frame.as_ptr(), frame.len()), (start, wire.len()));
    assert_eq!(*frame, *wire, "the pinned frame");
    let back = decode_frame(frame, &FrameConfig::TCP, keys).unwrap();
    let FrameBody::Packet(p) = back.body else {
        panic!("a packet");
    };
    assert_eq!(p.header, ping);
    assert!(
        out[need..].iter().all(|&b| b == 0xA5),
        "nothing past the frame"
    );
    let err = encode_frame(
        &mut out[..need - 1],
        &FrameConfig::TCP,
        &ping,
        &NO_PAYLOAD,
        keys,
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BufferTooSmall { needed: need });

    // A message: its bytes, then the untouched rest; one byte short names the whole length.
    let small = ClientHeader::new().with(|h| {
        h.cmd = Some("PING");
        h.id = Some("ping-1");
    });
    let expect = b"\x2a\x04PING\x3a\x06ping-1";
    let mut buf = [0xA5u8; 64];
    let header = small.encode(&mut buf).unwrap();
    assert_eq!(header.len(), 14);
    assert_eq!(header, expect);
    assert_eq!(ClientHeader::decode(header).unwrap(), small);
    assert_eq!(buf[14..], [0xA5; 50]);
    let header = Encode::encode(&small, &mut buf).unwrap(); // the trait, as encode_frame calls it
    assert_eq!((header.len(), &*header), (14, &expect[..]));
    let err = small.encode(&mut buf[..13]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BufferTooSmall { needed: 14 });

    // Raw bytes as a payload.
    let raw: &[u8] = b"\x08\x01\x10\x02";
    let mut buf = [0xA5u8; 6];
    let got = Encode::encode(&raw, &mut buf).unwrap();
    assert_eq!((got.len(), &*got), (4, raw));
    assert_eq!(buf[4..], [0xA5; 2]);
    let err = Encode::encode(&raw, &mut buf[..3]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BufferTooSmall { needed: 4 });
}

/// Frame → decrypt → MIMCPacket → COMPOUND → P2P → payload → Envelope, with no allocation.
#[test]
fn the_chain_from_tcp_bytes_to_the_envelope_allocates_nothing() {
    let k = vector_keys(&vectors());
    let keys = Keys {
        body: Some(&k.body),
        security: Some(&k.security),
    };
    // A COMPOUND holding two P2P messages whose payloads are JSON envelopes without a kind key.
    let json1 = br#"{"version":0,"msgId":"m1","timestamp":"1516763973000","payload":"hello"}"#;
    let json2 = br#"{"version":0,"msgId":"m2","timestamp":"1516763973001","payload":"again"}"#;
    let mut inner = vec![];
    let mut packets = vec![];
    for (i, json) in [&json1[..], &json2[..]].into_iter().enumerate() {
        let m = MimcP2pMessage::new().with(|m| {
            m.payload = Some(json);
            m.biz_type = Some("TEXT");
            m.is_store = Some(true);
        });
        inner.push(encode_vec(&m));
        let _ = i;
    }
    for (i, bytes) in inner.iter().enumerate() {
        packets.push(MimcPacket::new().with(|p| {
            p.packet_id = Some(["a", "b"][i]);
            p.sequence = Some(40 + i as i64);
            p.msg_type = Some(MimcMsgType::P2pMessage);
            p.payload = Some(bytes);
        }));
    }
    let list = encode_vec(&MimcPacketList::new().with(|l| {
        l.max_sequence = Some(41);
        l.packets = Repeated::from_slice(&packets);
    }));
    let compound = encode_vec(&MimcPacket::new().with(|p| {
        p.packet_id = Some("srv-1");
        p.msg_type = Some(MimcMsgType::Compound);
        p.payload = Some(&list);
    }));
    let header = ClientHeader::new().with(|h| {
        h.chid = Some(9);
        h.cmd = Some("SECMSG");
        h.id = Some("srv-1");
        h.cipher = Some(1);
        h.dir_flag = Some(MsgDirFlag::ScOneway);
    });
    let mut wire = vec![0u8; 512];
    let payload: &[u8] = &compound;
    let n = encode_frame(&mut wire, &FrameConfig::TCP, &header, &payload, keys)
        .unwrap()
        .len();
    wire.truncate(n);
    assert!(
        !wire.windows(5).any(|w| w == b"hello"),
        "the payload is encrypted on the wire"
    );

    let mut buf = wire.clone();
    let (allocs, got) = alloc_count::count(|| {
        let frame = decode_frame(&mut buf, &FrameConfig::TCP, keys)?;
        let FrameBody::Packet(p) = frame.body else {
            return Ok::<_, mimc_codec::Error>([None, None]);
        };
        let packet = p.mimc_packet()?.unwrap();
        let mut out = [None, None];
        for (slot, d) in out.iter_mut().zip(deliveries(&packet)) {
            let d = d?;
            let env = d.envelope()?;
            *slot = Some((
                d.sequence,
                d.biz_type.len(),
                env.kind() == mimc_codec::Kind::Text,
            ));
        }
        Ok(out)
    });
    assert_eq!(allocs, 0, "decoding allocated");
    assert_eq!(got.unwrap(), [Some((40, 4, true)), Some((41, 4, true))]);
}

#[test]
fn decoding_the_vectors_allocates_nothing() {
    let v = vectors();
    let k = vector_keys(&v);
    let keys = Keys {
        body: Some(&k.body),
        security: Some(&k.security),
    };
    let (stream, _) = tcp_stream();
    let mut buf = stream.clone();
    let (allocs, frames) = alloc_count::count(|| {
        let mut rest = &mut buf[..];
        let mut frames = 0;
        while !rest.is_empty() {
            let len = frame_len(rest, &FrameConfig::TCP).unwrap();
            let (cur, next) = std::mem::take(&mut rest).split_at_mut(len);
            rest = next;
            let frame = decode_frame(cur, &FrameConfig::TCP, keys).unwrap();
            if let FrameBody::Packet(p) = frame.body {
                if let Some(packet) = p.mimc_packet().unwrap() {
                    for d in deliveries(&packet) {
                        let d = d.unwrap();
                        assert!(!d.payload.is_empty());
                    }
                }
            }
            frames += 1;
        }
        frames
    });
    assert_eq!(allocs, 0);
    assert_eq!(frames, 12);
    let uc = shared_bytes("testdata/mimc-v6/flutter_mimc__issue12_ucpacket.bin");
    let (allocs, _) = alloc_count::count(|| {
        let p = UcPacket::decode(&uc).unwrap();
        UcMessage::decode(p.payload()).unwrap()
    });
    assert_eq!(allocs, 0);
}

#[test]
fn reflect_visits_every_present_field_in_number_order() {
    let v = vectors();
    let bytes = unhex(v["secmsg_compound"]["mimc_packet_hex"].as_str().unwrap());
    let packet = MimcPacket::decode(&bytes).unwrap();
    let mut names = vec![];
    packet.visit(&mut |name, value| {
        names.push(name);
        if name == "type" {
            assert!(matches!(value, FieldValue::Enum(6, Some("COMPOUND"))));
        }
    });
    assert_eq!(names, ["packetId", "type", "payload"]);
    let list = MimcPacketList::decode(packet.payload()).unwrap();
    let mut items = 0;
    list.visit(&mut |name, value| {
        if let FieldValue::List(l) = value {
            assert_eq!(name, "packets");
            l.visit_items(&mut |item| {
                assert_eq!(item.unwrap().proto_name(), "MIMCPacket");
                items += 1;
            });
        }
    });
    assert_eq!(items, list.packets.len());
    assert_eq!(items, 1);
}

/// A COMPOUND of many packets at the default maximum body: read lazily, in one pass, no allocation.
#[test]
fn a_large_compound_is_read_lazily() {
    let p2p = encode_vec(&MimcP2pMessage::new().with(|m| {
        m.payload = Some(b"x");
        m.biz_type = Some("TEXT");
    }));
    let one = encode_vec(&MimcPacket::new().with(|p| {
        p.msg_type = Some(MimcMsgType::P2pMessage);
        p.payload = Some(&p2p);
    }));
    let packets = vec![MimcPacket::decode(&one).unwrap(); 10_000];
    let list = encode_vec(&MimcPacketList::new().with(|l| {
        l.packets = Repeated::from_slice(&packets);
    }));
    assert!(list.len() < DEFAULT_MAX_BODY);
    let compound = MimcPacket::new().with(|p| {
        p.msg_type = Some(MimcMsgType::Compound);
        p.payload = Some(&list);
    });
    let (allocs, n) = alloc_count::count(|| {
        deliveries(&compound)
            .map(|d| d.map(|d| d.payload.len()))
            .sum::<Result<usize, _>>()
    });
    assert_eq!((allocs, n.unwrap()), (0, 10_000));
}

/// Each protobuf enum's `FromStr` is `name`'s inverse over every named value, and refuses a name it
/// does not have (case-sensitive, no Rust variant names, no numbers) with an `InvalidValue`.
#[test]
fn enum_names_parse_back() {
    macro_rules! check {
        ($($ty:ident: $named:literal),+ $(,)?) => {$(
            let mut named = 0;
            for v in -2..64 {
                let e = $ty::from_i32(v);
                match e.name() {
                    Some(n) => {
                        assert_eq!(n.parse::<$ty>(), Ok(e), "{n}");
                        assert_eq!(n.to_ascii_lowercase().parse::<$ty>().ok(), None, "{n}");
                        named += 1;
                    }
                    None => assert_eq!(e, $ty::Unknown(v)),
                }
            }
            assert_eq!(named, $named, stringify!($ty));
            for bad in ["", "Unknown", "1", " CS_REQ", "COMPOUND ", "P2pMessage"] {
                let err = bad.parse::<$ty>().unwrap_err();
                assert_eq!(
                    err.kind(),
                    ErrorKind::InvalidValue("not a name of this protobuf enum"),
                    "{bad:?}"
                );
                assert_eq!(err.offset(), None);
            }
        )+};
    }
    check!(MsgDirFlag: 6, MimcMsgType: 12, MimcPushStatus: 2, UcMsgType: 12);
    assert_eq!("SC_ONEWAY".parse(), Ok(MsgDirFlag::ScOneway));
    assert_eq!("UC_PACKET".parse(), Ok(MimcMsgType::UcPacket));
    assert_eq!("MESSAGE_LIST".parse(), Ok(UcMsgType::MessageList));
}

/// `TryFrom<&[u8]>` of a message is its `decode`, for what decodes and for what does not.
#[test]
fn messages_try_from_bytes_is_decode() {
    let v = vectors();
    let hex = |k: &str, f: &str| unhex(v[k][f].as_str().unwrap());
    let packet = hex("secmsg_p2p", "mimc_packet_hex");
    let p = MimcPacket::try_from(packet.as_slice()).unwrap();
    assert_eq!(p, MimcPacket::decode(&packet).unwrap());
    assert_eq!(p.msg_type(), MimcMsgType::P2pMessage);
    assert_eq!(encode_vec(&p), packet);
    assert_eq!(p.payload(), hex("secmsg_p2p", "p2p_hex"));
    let p2p: MimcP2pMessage = p.payload().try_into().unwrap();
    assert_eq!(p2p, MimcP2pMessage::decode(p.payload()).unwrap());
    assert_eq!(encode_vec(&p2p), p.payload());
    for bad in [&b"\x0a\x05p2p"[..], b"\xff", b"\x0a\x80"] {
        assert_eq!(
            MimcPacket::try_from(bad).unwrap_err(),
            MimcPacket::decode(bad).unwrap_err(),
            "{bad:?}"
        );
    }
}

/// `SecurityKey: FromStr` is `from_base64`.
#[test]
fn security_key_from_str_is_from_base64() {
    let sk: SecurityKey = "AAECAwQFBgcICQoLDA0ODw==".parse().unwrap();
    assert_eq!(sk.expose(), (0u8..16).collect::<Vec<_>>());
    let err = "not base64!".parse::<SecurityKey>().unwrap_err();
    assert_eq!(err, SecurityKey::from_base64("not base64!").unwrap_err());
    assert_eq!(err.kind(), ErrorKind::InvalidBase64);
}

/// Varints at the one-byte/two-byte boundary and beyond decode to their values (the one-byte case has
/// its own path in the reader), wherever they sit: as the last byte, before another field, truncated.
#[test]
fn varints_around_the_one_byte_boundary() {
    for v in [0u64, 1, 0x7f, 0x80, 0xff, 0x3fff, 0x4000, 1 << 35, u64::MAX] {
        let m = XmMsgU::new().with(|m| {
            m.start = Some(v);
            m.end = Some(v);
        });
        let bytes = encode_vec(&m);
        let back = XmMsgU::decode(&bytes).unwrap();
        assert_eq!((back.start(), back.end()), (v, v), "{v:#x}");
        if v >= 0x80 {
            // Cut inside the last varint: a truncated varint at its first byte.
            let cut = &bytes[..bytes.len() - 1];
            let e = XmMsgU::decode(cut).unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Protobuf("truncated varint"), "{v:#x}");
            assert_eq!(e.offset(), Some(bytes.len() / 2 + 1), "{v:#x}");
        }
    }
    // A one-byte value as the very last byte of the input, and a non-minimal two-byte zero.
    assert_eq!(XmMsgU::decode(b"\x30\x7f").unwrap().maxlen(), 127);
    assert_eq!(XmMsgU::decode(b"\x30\x80\x00").unwrap().maxlen(), 0);
    let e = XmMsgU::decode(b"\x30").unwrap_err();
    assert_eq!(
        (e.kind(), e.offset()),
        (ErrorKind::Protobuf("truncated varint"), Some(1))
    );
}
