//! The work of the binary protocol's size program (`mimc-codec-protocol`): what a device does with one
//! received v6 frame. Derive the body key (the CONN challenge and the udid) and take the security key
//! (base64, from the token reply), check the frame's Adler-32, decrypt the body and the SECMSG payload
//! in place (the payload key is the security key and the header's id), decode the `ClientHeader`, the
//! `MIMCPacket` and the app messages it carries (`deliveries`: P2P, P2T, UC, packet lists), and decode
//! each payload that is a MIMC JSON envelope.
//!
//! [`run_p2p`] is the smallest useful subset (the size program `mimc-codec-protocol-p2p`): the same frame
//! to its one P2P message, decoded directly (no `deliveries`: no P2T, UC or packet lists) and no envelope.
//!
//! `firmware/src/protocol.rs`, `firmware/src/protocol_p2p.rs` (the size programs) and
//! `firmware/src/qemu/protocol.rs` (the QEMU program, which checks the results and measures the stack)
//! run these functions.

use mimc_codec::protocol::{
    ClientHeader, Delivery, FrameBody, FrameConfig, Keys, MimcMsgType, MimcP2pMessage, MimcPacket,
    Packet, Rc4Key, SecurityKey, decode_frame, deliveries,
};
use mimc_codec::{Envelope, Error, ErrorKind};

/// What [`run`] read, borrowed from the decrypted frame.
#[allow(dead_code)] // the size program hands it to `black_box` whole; the QEMU program reads it
pub struct Outcome<'a> {
    /// The frame's header.
    pub header: ClientHeader<'a>,
    /// The first app message of the packet.
    pub first: Option<Delivery<'a>>,
    /// Its payload as an envelope, when it is one.
    pub envelope: Option<Envelope<'a>>,
    /// App messages in the packet.
    pub messages: usize,
    /// Of which payloads that are envelopes.
    pub envelopes: usize,
}

/// The SECMSG frame at the start of `frame`, checked and decrypted in place: its packet and header.
#[inline(always)]
fn secmsg<'a>(
    frame: &'a mut [u8],
    challenge: &str,
    udid: &str,
    security_key: &str,
) -> Result<(Packet<'a>, MimcPacket<'a>), Error> {
    let body = Rc4Key::body_key(challenge, udid)?;
    let security = SecurityKey::from_base64(security_key)?;
    let keys = Keys {
        body: Some(&body),
        security: Some(&security),
    };
    let frame = decode_frame(frame, &FrameConfig::TCP, keys)?;
    let FrameBody::Packet(p) = frame.body else {
        return Err(Error::new(ErrorKind::InvalidValue("not a packet"), 0));
    };
    let Some(packet) = p.mimc_packet()? else {
        return Err(Error::new(ErrorKind::InvalidValue("not a SECMSG"), 0));
    };
    Ok((p, packet))
}

/// Decodes the SECMSG frame at the start of `frame` in place (see the module docs).
#[allow(dead_code)] // each size program runs one of the two
pub fn run<'a>(
    frame: &'a mut [u8],
    challenge: &str,
    udid: &str,
    security_key: &str,
) -> Result<Outcome<'a>, Error> {
    let (p, packet) = secmsg(frame, challenge, udid, security_key)?;
    let mut out = Outcome {
        header: p.header,
        first: None,
        envelope: None,
        messages: 0,
        envelopes: 0,
    };
    for d in deliveries(&packet) {
        let d = d?;
        let env = d.envelope().ok();
        out.messages += 1;
        out.envelopes += usize::from(env.is_some());
        if out.first.is_none() {
            out.first = Some(d);
            out.envelope = env;
        }
    }
    Ok(out)
}

/// What [`run_p2p`] read, borrowed from the decrypted frame.
#[allow(dead_code)] // the size program hands it to `black_box` whole; the QEMU program reads it
pub struct P2p<'a> {
    /// The frame's header.
    pub header: ClientHeader<'a>,
    /// The `MIMCPacket`.
    pub packet: MimcPacket<'a>,
    /// Its P2P message.
    pub message: MimcP2pMessage<'a>,
}

/// The SECMSG frame at the start of `frame` to its P2P message (an error for any other packet type).
#[allow(dead_code)] // each size program runs one of the two
pub fn run_p2p<'a>(
    frame: &'a mut [u8],
    challenge: &str,
    udid: &str,
    security_key: &str,
) -> Result<P2p<'a>, Error> {
    let (p, packet) = secmsg(frame, challenge, udid, security_key)?;
    if packet.msg_type() != MimcMsgType::P2pMessage {
        return Err(Error::new(
            ErrorKind::InvalidValue("not a P2P message"),
            p.payload_offset,
        ));
    }
    let message = MimcP2pMessage::decode(packet.payload())?;
    Ok(P2p {
        header: p.header,
        packet,
        message,
    })
}
