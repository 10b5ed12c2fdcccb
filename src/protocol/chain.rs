//! The chain to the app's message: `MIMCPacket` → P2P/P2T/ONLINE/UC message → payload → envelope.

use super::messages::{
    MimcMsgType, MimcP2pMessage, MimcP2tMessage, MimcPacket, MimcPacketList, MimcUser, UcMessage,
    UcMessageList, UcMsgType, UcPacket,
};
use super::pb::RepeatedIter;
use crate::{Envelope, Result};

/// Which family a delivered message belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DeliveryKind {
    /// One-to-one (`P2P_MESSAGE`).
    P2p,
    /// Normal group (`P2T_MESSAGE`).
    P2t,
    /// One-to-one, not stored (`ONLINE_MESSAGE`).
    Online,
    /// Unlimited group (`UC_PACKET` with a `MESSAGE` or a `MESSAGE_LIST`).
    Uc,
}

/// An application message as a client receives it: who sent it, where, its bizType and its bytes,
/// all borrowed from the decrypted frame.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Delivery<'a> {
    /// The family.
    pub kind: DeliveryKind,
    /// `MIMCPacket.packetId` (or `UCMessage.packetId`).
    pub packet_id: &'a str,
    /// Server sequence (dedupe and acks use it).
    pub sequence: i64,
    /// Server timestamp, ms.
    pub timestamp: i64,
    /// The sender.
    pub from: MimcUser<'a>,
    /// The recipient of a P2P or online message.
    pub to: Option<MimcUser<'a>>,
    /// The topic of a group message.
    pub topic_id: Option<u64>,
    /// The app's kind of message (`bizType`).
    pub biz_type: &'a str,
    /// The app's bytes.
    pub payload: &'a [u8],
    /// Stored offline.
    pub is_store: bool,
}

impl<'a> Delivery<'a> {
    /// The payload as a JSON [`Envelope`], with the bizType as its kind when the JSON has none.
    ///
    /// ```
    /// use mimc_codec::{Kind, protocol::*};
    /// let json = br#"{"version":0,"msgId":"m1","timestamp":"1","payload":"hi"}"#;
    /// let p2p = MimcP2pMessage::new().with(|m| { m.payload = Some(json); m.biz_type = Some("TEXT"); });
    /// let mut buf = [0u8; 128];
    /// let bytes = p2p.encode(&mut buf)?;
    /// let packet = MimcPacket::new().with(|m| { m.msg_type = Some(MimcMsgType::P2pMessage); m.payload = Some(bytes); });
    /// let env = deliveries(&packet).next().unwrap()?.envelope()?;
    /// assert_eq!(env.kind(), Kind::Text);
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    pub fn envelope(&self) -> Result<Envelope<'a>> {
        Envelope::from_json_with_kind(self.payload, self.biz_type)
    }

    fn p2p(kind: DeliveryKind, packet: &MimcPacket<'a>, m: &MimcP2pMessage<'a>) -> Self {
        Delivery {
            kind,
            packet_id: packet.packet_id(),
            sequence: packet.sequence(),
            timestamp: packet.timestamp(),
            from: m.from(),
            to: Some(m.to()),
            topic_id: None,
            biz_type: m.biz_type(),
            payload: m.payload(),
            is_store: m.is_store(),
        }
    }

    fn p2t(packet: &MimcPacket<'a>, m: &MimcP2tMessage<'a>) -> Self {
        Delivery {
            kind: DeliveryKind::P2t,
            packet_id: packet.packet_id(),
            sequence: packet.sequence(),
            timestamp: packet.timestamp(),
            from: m.from(),
            to: None,
            topic_id: Some(m.to().topic_id()),
            biz_type: m.biz_type(),
            payload: m.payload(),
            is_store: m.is_store(),
        }
    }

    fn uc(m: &UcMessage<'a>, sender: MimcUser<'a>) -> Self {
        Delivery {
            kind: DeliveryKind::Uc,
            packet_id: m.packet_id(),
            sequence: m.sequence(),
            timestamp: m.timestamp(),
            from: m.user.unwrap_or(sender),
            to: None,
            topic_id: Some(m.group().topic_id()),
            biz_type: m.biz_type(),
            payload: m.payload(),
            is_store: m.is_store(),
        }
    }

    /// The deliveries of one packet that is not a list (`None` for packets that carry none).
    fn single(packet: &MimcPacket<'a>) -> Result<Option<Single<'a>>> {
        let payload = packet.payload();
        Ok(Some(match packet.msg_type() {
            MimcMsgType::P2pMessage => Single::One(Self::p2p(
                DeliveryKind::P2p,
                packet,
                &MimcP2pMessage::decode(payload)?,
            )),
            MimcMsgType::OnlineMessage => Single::One(Self::p2p(
                DeliveryKind::Online,
                packet,
                &MimcP2pMessage::decode(payload)?,
            )),
            MimcMsgType::P2tMessage => {
                Single::One(Self::p2t(packet, &MimcP2tMessage::decode(payload)?))
            }
            MimcMsgType::UcPacket => {
                let uc = UcPacket::decode(payload)?;
                match uc.msg_type() {
                    UcMsgType::Message => {
                        Single::One(Self::uc(&UcMessage::decode(uc.payload())?, uc.user()))
                    }
                    UcMsgType::MessageList => Single::Uc(
                        UcMessageList::decode(uc.payload())?.message.iter(),
                        uc.user(),
                    ),
                    _ => return Ok(None),
                }
            }
            _ => return Ok(None),
        }))
    }
}

enum Single<'a> {
    One(Delivery<'a>),
    Uc(RepeatedIter<'a, UcMessage<'a>>, MimcUser<'a>),
}

/// Iterator over the app messages a [`MimcPacket`] carries: one for P2P, P2T, ONLINE_MESSAGE and UC
/// MESSAGE; each packet of a COMPOUND; each message of a UC MESSAGE_LIST; none for acks and the rest.
/// Decodes lazily, never allocates; an element that does not decode yields its error.
pub struct Deliveries<'a> {
    list: Option<RepeatedIter<'a, MimcPacket<'a>>>,
    current: Option<Single<'a>>,
    pending: Option<crate::Error>,
}

/// The app messages of `packet` (the decrypted payload of a SECMSG frame, see
/// [`Packet::mimc_packet`](super::Packet::mimc_packet)).
///
/// ```
/// use mimc_codec::protocol::{MimcPacket, deliveries};
/// // A PACKET_ACK carries no app message.
/// assert!(deliveries(&MimcPacket::decode(b"\x20\x04")?).next().is_none());
/// # Ok::<(), mimc_codec::Error>(())
/// ```
pub fn deliveries<'a>(packet: &MimcPacket<'a>) -> Deliveries<'a> {
    let mut d = Deliveries {
        list: None,
        current: None,
        pending: None,
    };
    if packet.msg_type() == MimcMsgType::Compound {
        match MimcPacketList::decode(packet.payload()) {
            Ok(list) => d.list = Some(list.packets.iter()),
            Err(e) => d.pending = Some(e),
        }
    } else {
        match Delivery::single(packet) {
            Ok(s) => d.current = s,
            Err(e) => d.pending = Some(e),
        }
    }
    d
}

impl<'a> Iterator for Deliveries<'a> {
    type Item = Result<Delivery<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(e) = self.pending.take() {
            return Some(Err(e));
        }
        loop {
            match &mut self.current {
                Some(Single::One(d)) => {
                    let d = *d;
                    self.current = None;
                    return Some(Ok(d));
                }
                Some(Single::Uc(iter, sender)) => {
                    let sender = *sender;
                    if let Some(m) = iter.next() {
                        return Some(m.map(|m| Delivery::uc(&m, sender)));
                    }
                    self.current = None;
                }
                None => {}
            }
            let packet = match self.list.as_mut()?.next()? {
                Ok(p) => p,
                Err(e) => return Some(Err(e)),
            };
            match Delivery::single(&packet) {
                Ok(s) => self.current = s,
                Err(e) => return Some(Err(e)),
            }
        }
    }
}
