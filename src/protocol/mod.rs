//! MIMC's binary client protocol (feature `protocol`): the framed, checksummed, RC4-encrypted stream of
//! protobuf messages that the official SDKs exchange with MIMC's front end over TCP (and, for WebJS,
//! over a WebSocket). `no_std`, no allocator: decoding borrows from the caller's buffer and decrypts in
//! place; encoding writes into a caller's `&mut [u8]`.
//!
//! Layers, each usable alone:
//! - **frames** ([`frame_len`], [`decode_frame`], [`encode_frame`], [`KEEP_ALIVE`]): TCP version 5
//!   (`C2FE 0005 bodyLen body adler32`) and the WebJS layout (version 4); a sans-IO stream reader
//!   that answers [`ErrorKind::Incomplete`](crate::ErrorKind::Incomplete) with the exact number of
//!   bytes still needed, checksum before decryption, `bodyLen == 8 + headerLen + payloadLen`, a
//!   configurable maximum body;
//! - **keys** ([`Rc4Key::body_key`], [`Rc4Key::payload_key`], [`bind_signature`]): see the
//!   [`crypto`](self#what-rc4-protects) notes below;
//! - **messages** ([`ClientHeader`], [`XmMsgConn`], [`MimcPacket`], …): borrowed proto2 structs
//!   declared in one table each, with presence, defaults, lazily read repeated fields and encoding into
//!   a slice; the protobuf layer is this crate's own small reader/writer;
//! - **the chain** ([`deliveries`], [`Delivery::envelope`]): frame → decrypt → `MIMCPacket` →
//!   P2P/P2T/UC message → the app's payload → [`Envelope`](crate::Envelope) with the packet's bizType
//!   as the kind.
//!
//! ```
//! use mimc_codec::protocol::*;
//!
//! // Client side: CONN goes out in clear; the server's CONN response brings the challenge.
//! let body_key = Rc4Key::body_key("1234567890", "")?;
//! let security = SecurityKey::from_base64("AAECAwQFBgcICQoLDA0ODw==")?;
//! let keys = Keys { body: Some(&body_key), security: Some(&security) };
//!
//! // A SECMSG frame carrying a P2P message, written and read back.
//! let p2p = MimcP2pMessage::new().with(|m| { m.payload = Some(b"hello"); m.biz_type = Some("TEXT"); });
//! let mut inner = [0u8; 64];
//! let inner = p2p.encode(&mut inner)?; // the filled front of the buffer
//! let packet = MimcPacket::new().with(|m| { m.packet_id = Some("p2p-4"); m.msg_type = Some(MimcMsgType::P2pMessage); m.payload = Some(inner); });
//! let header = ClientHeader::new().with(|m| { m.chid = Some(9); m.cmd = Some("SECMSG"); m.id = Some("p2p-4"); m.cipher = Some(1); });
//! let mut wire = [0u8; 128];
//! let wire = encode_frame(&mut wire, &FrameConfig::TCP, &header, &packet, keys)?;
//!
//! let frame = decode_frame(wire, &FrameConfig::TCP, keys)?;
//! let FrameBody::Packet(p) = frame.body else { unreachable!() };
//! assert_eq!(p.payload_state, PayloadState::Decrypted);
//! let got = p.mimc_packet()?.unwrap();
//! let msg = deliveries(&got).next().unwrap()?;
//! assert_eq!((msg.payload, msg.biz_type), (&b"hello"[..], "TEXT"));
//! # Ok::<(), mimc_codec::Error>(())
//! ```
//!
//! # What RC4 protects
//!
//! Every TCP body but CONN's is RC4-encrypted with the *body key*, which anyone who sees the plaintext
//! CONN exchange can compute (PROTOCOL.md §3.3): it hides nothing from an eavesdropper. Only SECMSG
//! payloads, encrypted again with the *payload key* made from the account's security key, are kept
//! from a passive observer; nothing authenticates a frame (the Adler-32 is recomputable by anyone).
//! Keys and credentials print as `<redacted>` in `Debug`.

mod chain;
mod connection;
mod crypto;
mod frame;
mod messages;
pub(crate) mod pb;
#[cfg(feature = "testing")]
pub mod testing;

pub use chain::{Deliveries, Delivery, DeliveryKind, deliveries};
pub use connection::{
    ACK_CAPACITY, Config, ConnError, Connection, Event, RECV_CAPACITY, State, TRANSMIT_CAPACITY,
    UC_CAPACITY,
};
pub use crypto::{BindParams, MAX_KEY_LEN, Rc4Key, SecurityKey, Signature, bind_signature};
#[cfg(feature = "std")]
pub use frame::read_frame;
pub use frame::{
    DEFAULT_MAX_BODY, Frame, FrameBody, FrameConfig, KEEP_ALIVE, Keys, MAGIC,
    PAYLOAD_TYPE_PROTOBUF, Packet, PayloadState, TCP_VERSION, Transport, WS_VERSION, decode_frame,
    encode_frame, encoded_len, frame_len,
};
pub use messages::*;
pub use pb::{
    Encode, FieldValue, Message, Reflect, ReflectList, Repeated, RepeatedIter, SecretStr,
};

/// The payload of a header-only frame (PING, UBND): pass `&NO_PAYLOAD` to [`encode_frame`].
///
/// ```
/// use mimc_codec::protocol::*;
/// let key = Rc4Key::body_key("1234567890", "")?;
/// let header = ClientHeader::new().with(|m| { m.cmd = Some("PING"); m.id = Some("ping-3"); });
/// let mut out = [0u8; 64];
/// let frame = encode_frame(&mut out, &FrameConfig::TCP, &header, &NO_PAYLOAD,
///                          Keys { body: Some(&key), ..Keys::default() })?;
/// assert_eq!(frame.len(), encoded_len(&FrameConfig::TCP, &header, 0));
/// # Ok::<(), mimc_codec::Error>(())
/// ```
pub const NO_PAYLOAD: &[u8] = &[];
