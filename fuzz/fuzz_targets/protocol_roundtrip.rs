//! Structure-aware encode → decode: a header and a MIMCPacket built from arbitrary field values, encoded
//! as a TCP or WebJS frame with the keys, decoded back: the same header, the same payload, readable; and
//! every field of the packet survives its own encode → decode.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use mimc_codec::ErrorKind;
use mimc_codec::protocol::*;

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    websocket: bool,
    chid: Option<i32>,
    uuid: Option<i64>,
    server: Option<&'a str>,
    resource: Option<&'a str>,
    cmd: u8,
    other_cmd: &'a str,
    subcmd: Option<&'a str>,
    id: Option<&'a str>,
    dir_flag: Option<i32>,
    cipher: Option<i32>,
    err_code: Option<i32>,
    err_str: Option<&'a str>,
    packet_id: Option<&'a str>,
    package: Option<&'a str>,
    sequence: Option<i64>,
    msg_type: Option<i32>,
    payload: Option<&'a [u8]>,
    timestamp: Option<i64>,
    conversation: Option<bool>,
    conv_index: Option<i64>,
}

fuzz_target!(|data: &[u8]| {
    let Ok(i) = Input::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    let cmd = ["CONN", "BIND", "SECMSG", "PING", "KICK", "UBND"]
        .get(usize::from(i.cmd))
        .copied()
        .unwrap_or(i.other_cmd);
    let header = ClientHeader::new().with(|h| {
        h.chid = i.chid;
        h.uuid = i.uuid;
        h.server = i.server;
        h.resource = i.resource;
        h.cmd = Some(cmd);
        h.subcmd = i.subcmd;
        h.id = i.id;
        h.dir_flag = i.dir_flag.map(MsgDirFlag::from_i32);
        h.cipher = i.cipher;
        h.err_code = i.err_code;
        h.err_str = i.err_str;
    });
    let packet = MimcPacket::new().with(|p| {
        p.packet_id = i.packet_id;
        p.package = i.package;
        p.sequence = i.sequence;
        p.msg_type = i.msg_type.map(MimcMsgType::from_i32);
        p.payload = i.payload;
        p.timestamp = i.timestamp;
        p.conversation = i.conversation;
        p.conv_index = i.conv_index;
    });
    let mut inner = vec![0u8; packet.encoded_len()];
    assert_eq!(packet.encode(&mut inner).unwrap().len(), inner.len());
    assert_eq!(MimcPacket::decode(&inner).unwrap(), packet);
    let mut h = vec![0u8; header.encoded_len()];
    header.encode(&mut h).unwrap();
    assert_eq!(ClientHeader::decode(&h).unwrap(), header);

    let cfg = if i.websocket {
        FrameConfig::WEBSOCKET
    } else {
        FrameConfig::TCP
    };
    let body = Rc4Key::body_key("1234567890", "").unwrap();
    let security = SecurityKey::from_base64("AAECAwQFBgcICQoLDA0ODw==").unwrap();
    let keys = Keys {
        body: Some(&body),
        security: Some(&security),
    };
    let mut out = vec![0u8; encoded_len(&cfg, &header, inner.len())];
    let payload: &[u8] = &inner;
    let n = match encode_frame(&mut out, &cfg, &header, &payload, keys) {
        Ok(frame) => frame.len(),
        Err(e) => {
            // Only a header past 65535 bytes, an unknown cipher or an empty payload key can refuse.
            assert!(
                matches!(
                    e.kind(),
                    ErrorKind::InvalidValue(_) | ErrorKind::FrameTooLarge { .. }
                ),
                "{e}"
            );
            return;
        }
    };
    assert_eq!(n, out.len());
    let frame = decode_frame(&mut out, &cfg, keys).expect("what we encode decodes");
    assert_eq!(frame.len, n);
    let FrameBody::Packet(p) = frame.body else {
        panic!("a packet frame")
    };
    assert_eq!(p.header, header);
    assert_eq!(p.payload, payload);
    assert_ne!(p.payload_state, PayloadState::Encrypted);
});
