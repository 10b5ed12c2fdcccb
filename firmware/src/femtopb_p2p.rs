//! The `femtopb` twin of `mimc-codec-protocol-p2p` (issue 14: "choose the protobuf layer by
//! measuring"): the same SECMSG P2P frame, the same keys, Adler-32 and RC4 from mimc-codec's
//! `decode_frame`, then the `ClientHeader`, the `MIMCPacket` and its P2P message decoded by `femtopb`
//! 0.8 with the hand-derived twins of `benches/common/femtopb_twins.rs` (the benchmarks' own). Note that
//! `decode_frame` still decodes the header with mimc-codec's reader (it needs the header's id for the
//! payload key), so this program holds both readers: its `.text` minus `mimc-codec-protocol-p2p`'s is
//! femtopb's runtime and three message decoders minus mimc-codec's `MIMCPacket` and P2P decoders.
//! Inputs go through `black_box`; no runtime, no vector table: `firmware/size.sh` reads its `.text`.
#![no_std]
#![no_main]
// The size programs never run (no runtime, no vector table): their loops only end the entry point.
#![allow(clippy::empty_loop)]

use core::hint::black_box;

use femtopb::Message as _;
use mimc_codec::protocol::{FrameBody, FrameConfig, Keys, Rc4Key, SecurityKey, decode_frame};

#[allow(dead_code)] // the benchmarks' twins: this program decodes three of the five
#[path = "../../benches/common/femtopb_twins.rs"]
mod fp;
#[path = "work/v6.rs"]
mod v6;

/// What the program read, borrowed from the decrypted frame.
#[allow(dead_code)] // handed to `black_box` whole
struct P2p<'a> {
    header: fp::ClientHeader<'a>,
    packet: fp::MimcPacket<'a>,
    message: fp::MimcP2pMessage<'a>,
}

/// Why the frame was not read: the step that failed.
#[allow(dead_code)] // handed to `black_box` whole
#[derive(Clone, Copy, Debug)]
enum Failed {
    Frame(usize),
    NotSecmsg,
    Protobuf,
    NotP2p,
}

/// `run_p2p` of `work/protocol.rs` with femtopb for the three messages.
fn run_p2p<'a>(
    frame: &'a mut [u8],
    challenge: &str,
    udid: &str,
    security_key: &str,
) -> Result<P2p<'a>, Failed> {
    let body = Rc4Key::body_key(challenge, udid)
        .map_err(|e| Failed::Frame(e.offset().unwrap_or(usize::MAX)))?;
    let security = SecurityKey::from_base64(security_key)
        .map_err(|e| Failed::Frame(e.offset().unwrap_or(usize::MAX)))?;
    let keys = Keys {
        body: Some(&body),
        security: Some(&security),
    };
    let frame = decode_frame(frame, &FrameConfig::TCP, keys)
        .map_err(|e| Failed::Frame(e.offset().unwrap_or(usize::MAX)))?;
    let FrameBody::Packet(p) = frame.body else {
        return Err(Failed::NotSecmsg);
    };
    let header = fp::ClientHeader::decode(p.header_bytes).map_err(|_| Failed::Protobuf)?;
    if header.cmd != Some("SECMSG") {
        return Err(Failed::NotSecmsg);
    }
    let packet = fp::MimcPacket::decode(p.payload).map_err(|_| Failed::Protobuf)?;
    if packet.r#type.unwrap_or(1) != 1 {
        return Err(Failed::NotP2p);
    }
    let message = fp::MimcP2pMessage::decode(packet.payload.unwrap_or_default())
        .map_err(|_| Failed::Protobuf)?;
    Ok(P2p {
        header,
        packet,
        message,
    })
}

/// The entry point the linker keeps (everything it does not reach is dropped).
#[unsafe(no_mangle)]
pub extern "C" fn _start() -> ! {
    let mut buf = [0u8; 512];
    let input: &[u8] = black_box(v6::P2P_FRAME);
    let n = input.len().min(buf.len());
    buf[..n].copy_from_slice(&input[..n]);
    let (challenge, udid, key) = black_box((v6::CHALLENGE, v6::UDID, v6::SECURITY_KEY));
    match run_p2p(&mut buf[..n], challenge, udid, key) {
        Ok(o) => {
            black_box(&o);
        }
        Err(e) => {
            black_box(e);
        }
    }
    loop {}
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {}
}
