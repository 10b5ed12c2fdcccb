//! Arbitrary bytes as a stream of protocol frames (the first byte picks TCP or WebJS, the keys and the
//! maximum body): frames or errors, never a panic. `frame_len` never claims more than the frame, an
//! `Incomplete` asks for a positive number of bytes, error offsets lie inside the input, a decoded
//! frame's header and messages re-encode to a fixed point, and `read_frame` agrees with `frame_len`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mimc_codec::ErrorKind;
use mimc_codec::protocol::{
    ClientHeader, FrameBody, FrameConfig, Keys, MimcPacket, Rc4Key, SecurityKey, decode_frame,
    deliveries, frame_len, read_frame,
};
use mimc_fuzz::check_error;

fuzz_target!(|data: &[u8]| {
    let Some((&sel, bytes)) = data.split_first() else {
        return;
    };
    let mut cfg = if sel & 1 == 0 {
        FrameConfig::TCP
    } else {
        FrameConfig::WEBSOCKET
    };
    if sel & 2 != 0 {
        cfg = cfg.with_max_body(64);
    }
    let body = Rc4Key::body_key("1234567890", "").unwrap();
    let security = SecurityKey::from_base64("AAECAwQFBgcICQoLDA0ODw==").unwrap();
    let keys = Keys {
        body: (sel & 4 != 0).then_some(&body),
        security: (sel & 8 != 0).then_some(&security),
    };

    let mut buf = bytes.to_vec();
    let mut rest = &mut buf[..];
    let mut lens = vec![];
    loop {
        let n = match frame_len(rest, &cfg) {
            Ok(n) => n,
            Err(e) => {
                if let ErrorKind::Incomplete { needed } = e.kind() {
                    assert!(needed > 0);
                    assert_eq!(e.offset(), Some(rest.len()));
                }
                check_error(&e, rest.len());
                break;
            }
        };
        assert!(n <= rest.len() && n >= 12);
        lens.push(n);
        let (cur, next) = std::mem::take(&mut rest).split_at_mut(n);
        rest = next;
        match decode_frame(cur, &cfg, keys) {
            Ok(frame) => {
                assert_eq!(frame.len, n);
                let _ = format!("{frame:?}");
                if let FrameBody::Packet(p) = frame.body {
                    mimc_fuzz::fixed_point!(ClientHeader, p.header);
                    if let Ok(Some(packet)) = p.mimc_packet() {
                        mimc_fuzz::fixed_point!(MimcPacket, packet);
                        for d in deliveries(&packet).take(64) {
                            if let Ok(d) = d {
                                let _ = d.envelope();
                            }
                        }
                    }
                }
            }
            Err(e) => check_error(&e, n),
        }
    }

    // The io reader sees the same frame boundaries and never reads past them.
    let mut stream = bytes;
    let mut out = vec![0u8; 300];
    for want in lens {
        match read_frame(&mut stream, &mut out, &cfg) {
            Ok(Some(frame)) => assert_eq!(frame.len(), want),
            Ok(None) => panic!("a frame was there"),
            Err(_) => {
                assert!(want > out.len());
                return;
            }
        }
    }
});
