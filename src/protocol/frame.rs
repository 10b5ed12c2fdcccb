//! Frames: the TCP "v6 packet" (version 5) and the WebJS layout (version 4), PROTOCOL.md §2 and §9.

use super::crypto::{Rc4Key, SecurityKey};
use super::messages::{ClientHeader, MimcPacket};
use super::pb::Encode;
use crate::{Error, ErrorKind, Result};

/// The first two bytes of every frame.
pub const MAGIC: u16 = 0xC2FE;
/// Version of TCP frames.
pub const TCP_VERSION: u16 = 5;
/// Version of WebJS (WebSocket) frames.
pub const WS_VERSION: u16 = 4;
/// `payloadType` of MIMC frames (protobuf; 1 = Thrift and 3 = XML exist in the enum).
pub const PAYLOAD_TYPE_PROTOBUF: u16 = 2;
/// Default maximum body: 256 KiB (PROTOCOL.md §2: no SDK states a bound; a COMPOUND carries several
/// messages of at most 15 KiB each).
pub const DEFAULT_MAX_BODY: usize = 256 * 1024;
/// The 12-byte keep-alive frame (ping and pong, `bodyLen` 0, never encrypted).
pub const KEEP_ALIVE: [u8; 12] = [
    0xc2, 0xfe, 0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x0d, 0x23, 0x01, 0xc6,
];

/// Bytes of a TCP frame head (`magic version bodyLen`).
const TCP_HEAD: usize = 8;
/// Bytes of a WebJS frame head (`magic version headerType payloadType headerLen payloadLen`).
const WS_HEAD: usize = 14;
/// Bytes of the plain body head of a TCP frame (`payloadType headerLen payloadLen`).
const BODY_HEAD: usize = 8;
/// Bytes of the Adler-32 trailer.
const CRC: usize = 4;

/// Which layout the bytes use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Transport {
    /// TCP, version 5: `C2FE 0005 bodyLen body adler32`, body RC4 with the body key.
    Tcp,
    /// WebSocket (WebJS), version 4: `C2FE 0004 0003 payloadType headerLen payloadLen header payload
    /// adler32`, no body encryption (TLS instead).
    WebSocket,
}

/// How frames are read and written: the layout and the largest body accepted.
///
/// ```
/// use mimc_codec::protocol::{FrameConfig, Transport};
/// let cfg = FrameConfig::TCP.with_max_body(64 * 1024);
/// assert_eq!(cfg.transport, Transport::Tcp);
/// assert_eq!(FrameConfig::default().max_body, 256 * 1024);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct FrameConfig {
    /// The layout.
    pub transport: Transport,
    /// Largest body (TCP `bodyLen`, WebJS `headerLen + payloadLen`) accepted or written.
    pub max_body: usize,
}

impl FrameConfig {
    /// TCP frames, [`DEFAULT_MAX_BODY`].
    pub const TCP: Self = FrameConfig {
        transport: Transport::Tcp,
        max_body: DEFAULT_MAX_BODY,
    };
    /// WebJS frames, [`DEFAULT_MAX_BODY`].
    pub const WEBSOCKET: Self = FrameConfig {
        transport: Transport::WebSocket,
        max_body: DEFAULT_MAX_BODY,
    };

    /// The same configuration with another maximum body.
    #[must_use]
    pub const fn with_max_body(mut self, max_body: usize) -> Self {
        self.max_body = max_body;
        self
    }

    const fn version(&self) -> u16 {
        match self.transport {
            Transport::Tcp => TCP_VERSION,
            Transport::WebSocket => WS_VERSION,
        }
    }
}

impl Default for FrameConfig {
    fn default() -> Self {
        Self::TCP
    }
}

/// The keys a connection has: the body key once the CONN response arrived, the security key once the
/// token is known. `Debug` redacts both.
#[derive(Debug, Clone, Copy, Default)]
#[allow(
    clippy::exhaustive_structs,
    reason = "the protocol's two RC4 keys (PROTOCOL.md §5), built as a literal"
)]
pub struct Keys<'k> {
    /// RC4 key of every TCP body but CONN ([`Rc4Key::body_key`]).
    pub body: Option<&'k Rc4Key>,
    /// The account's security key, for SECMSG payloads ([`Rc4Key::payload_key`]).
    pub security: Option<&'k SecurityKey>,
}

/// A decoded frame: its version, its length in the input, and its content.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Frame<'a> {
    /// 5 (TCP) or 4 (WebJS).
    pub version: u16,
    /// Bytes of the input the frame took (consume this many before reading the next).
    pub len: usize,
    /// What the frame holds.
    pub body: FrameBody<'a>,
}

/// What a frame holds.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum FrameBody<'a> {
    /// The 12-byte keep-alive (ping or pong).
    KeepAlive,
    /// An encrypted TCP body, and no body key was given (the checksum was verified).
    Encrypted(&'a [u8]),
    /// A header and a payload.
    Packet(Packet<'a>),
}

/// Whether a frame's payload is readable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PayloadState {
    /// It travelled in clear.
    Plain,
    /// It was RC4-encrypted with the payload key and is now decrypted (in the caller's buffer).
    Decrypted,
    /// It is encrypted and cannot be read: no security key was given, or the header names a cipher
    /// other than RC4.
    Encrypted,
}

/// The header and payload of a frame, decrypted in the caller's buffer as far as the keys allow.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Packet<'a> {
    /// `payloadType` (2 = protobuf).
    pub payload_type: u16,
    /// The decoded header.
    pub header: ClientHeader<'a>,
    /// The header's bytes.
    pub header_bytes: &'a [u8],
    /// The payload: the message chosen by `cmd` (a [`MimcPacket`] for SECMSG).
    pub payload: &'a [u8],
    /// Offset of the payload in the frame.
    pub payload_offset: usize,
    /// Whether `payload` is readable.
    pub payload_state: PayloadState,
}

impl<'a> Packet<'a> {
    /// The [`MimcPacket`] of a SECMSG frame whose payload is readable; `None` for other commands or an
    /// empty payload. Error offsets are in the frame.
    pub fn mimc_packet(&self) -> Result<Option<MimcPacket<'a>>> {
        if self.header.cmd() != "SECMSG" || self.payload.is_empty() {
            return Ok(None);
        }
        if self.payload_state == PayloadState::Encrypted {
            return Err(Error::new(
                ErrorKind::InvalidValue("the SECMSG payload is encrypted (no security key)"),
                self.payload_offset,
            ));
        }
        MimcPacket::decode(self.payload)
            .map(Some)
            .map_err(|e| e.shifted(self.payload_offset))
    }
}

fn be16(b: &[u8], at: usize) -> u16 {
    u16::from_be_bytes([b[at], b[at + 1]])
}

fn be32(b: &[u8], at: usize) -> usize {
    // usize is at least 32 bits on every target this crate builds for.
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]) as usize
}

fn be32_u32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn incomplete(have: usize, want: usize) -> Error {
    Error::new(
        ErrorKind::Incomplete {
            needed: want - have,
        },
        have,
    )
}

/// The length of the frame at the start of `input`, or an [`ErrorKind::Incomplete`] error saying how
/// many more bytes are needed. The bytes asked for never go past the end of this frame: a reader that
/// reads exactly `needed` bytes never reads into the next one. Checks magic, version and the maximum
/// body as soon as their bytes are there.
///
/// ```
/// use mimc_codec::{ErrorKind, protocol::{FrameConfig, KEEP_ALIVE, frame_len}};
/// assert_eq!(frame_len(&KEEP_ALIVE, &FrameConfig::TCP)?, 12);
/// let err = frame_len(&KEEP_ALIVE[..3], &FrameConfig::TCP).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::Incomplete { needed: 5 });
/// # Ok::<(), mimc_codec::Error>(())
/// ```
pub fn frame_len(input: &[u8], cfg: &FrameConfig) -> Result<usize> {
    if input.len() >= 2 && be16(input, 0) != MAGIC {
        return Err(Error::new(ErrorKind::BadMagic, 0));
    }
    if input.len() >= 4 && be16(input, 2) != cfg.version() {
        return Err(Error::new(ErrorKind::BadVersion, 2));
    }
    let (head, body, body_at) = match cfg.transport {
        Transport::Tcp => {
            if input.len() < TCP_HEAD {
                return Err(incomplete(input.len(), TCP_HEAD));
            }
            (TCP_HEAD, be32(input, 4), 4)
        }
        Transport::WebSocket => {
            if input.len() < WS_HEAD {
                return Err(incomplete(input.len(), WS_HEAD));
            }
            (
                WS_HEAD,
                usize::from(be16(input, 8)).saturating_add(be32(input, 10)),
                8,
            )
        }
    };
    if body > cfg.max_body {
        return Err(Error::new(
            ErrorKind::FrameTooLarge {
                limit: cfg.max_body,
            },
            body_at,
        ));
    }
    let total = head.saturating_add(body).saturating_add(CRC);
    if input.len() < total {
        return Err(incomplete(input.len(), total));
    }
    Ok(total)
}

/// Decodes the frame at the start of `buf`, decrypting in place as far as `keys` allow.
///
/// Order: [`frame_len`] (magic, version, maximum, completeness), then the Adler-32 over the bytes as
/// sent (nothing is decrypted before it matches), then the body RC4 (TCP; a CONN body is plaintext and
/// is recognised as such even when a body key is given), then `bodyLen == 8 + headerLen + payloadLen`,
/// the header, and the SECMSG payload RC4 with the payload key of the header's id. Bytes after the
/// frame are not touched. Never allocates.
///
/// A CONN frame is told apart from an encrypted body by its plaintext shape (a body head whose lengths
/// add up and a header with `cmd` CONN): an encrypted body that happened to read that way would be
/// taken as plaintext, which needs 8 consistent head bytes and a valid header by chance.
///
/// ```
/// use mimc_codec::protocol::{FrameBody, FrameConfig, Keys, KEEP_ALIVE, decode_frame};
/// let mut buf = KEEP_ALIVE;
/// let frame = decode_frame(&mut buf, &FrameConfig::TCP, Keys::default())?;
/// assert_eq!((frame.len, frame.body), (12, FrameBody::KeepAlive));
/// # Ok::<(), mimc_codec::Error>(())
/// ```
pub fn decode_frame<'a>(buf: &'a mut [u8], cfg: &FrameConfig, keys: Keys<'_>) -> Result<Frame<'a>> {
    let len = frame_len(buf, cfg)?;
    let frame = &mut buf[..len];
    let crc_at = len - CRC;
    let sent = be32_u32(frame, crc_at);
    if adler2::adler32_slice(&frame[..crc_at]) != sent {
        return Err(Error::new(ErrorKind::ChecksumMismatch, crc_at));
    }
    let version = cfg.version();
    let frame = &mut frame[..crc_at];
    let (payload_type, header_len, payload_len, content, content_at) = match cfg.transport {
        Transport::Tcp => {
            let body = &mut frame[TCP_HEAD..];
            if body.is_empty() {
                return Ok(Frame {
                    version,
                    len,
                    body: FrameBody::KeepAlive,
                });
            }
            if body.len() < BODY_HEAD {
                return Err(Error::new(ErrorKind::LengthMismatch, 4));
            }
            if !is_plain_conn(body) {
                match keys.body {
                    Some(key) => key.apply(body),
                    None => {
                        return Ok(Frame {
                            version,
                            len,
                            body: FrameBody::Encrypted(body),
                        });
                    }
                }
            }
            let (head, content) = body.split_at_mut(BODY_HEAD);
            let (pt, hl, pl) = (be16(head, 0), usize::from(be16(head, 2)), be32(head, 4));
            if hl.checked_add(pl) != Some(content.len()) {
                return Err(Error::new(ErrorKind::LengthMismatch, TCP_HEAD + 2));
            }
            (pt, hl, pl, content, TCP_HEAD + BODY_HEAD)
        }
        Transport::WebSocket => {
            let (head, content) = frame.split_at_mut(WS_HEAD);
            let (pt, hl, pl) = (be16(head, 6), usize::from(be16(head, 8)), be32(head, 10));
            (pt, hl, pl, content, WS_HEAD)
        }
    };
    debug_assert_eq!(header_len + payload_len, content.len());
    let (header_bytes, payload) = content.split_at_mut(header_len);
    let header_bytes: &'a [u8] = header_bytes;
    let header = ClientHeader::decode(header_bytes).map_err(|e| e.shifted(content_at))?;
    let payload_offset = content_at + header_len;
    let payload_state = open_payload(cfg.transport, &header, payload, keys.security)
        .map_err(|e| e.shifted(payload_offset))?;
    Ok(Frame {
        version,
        len,
        body: FrameBody::Packet(Packet {
            payload_type,
            header,
            header_bytes,
            payload,
            payload_offset,
            payload_state,
        }),
    })
}

/// A TCP body that already reads as a plaintext CONN frame (CONN is never encrypted).
fn is_plain_conn(body: &[u8]) -> bool {
    let (pt, hl, pl) = (be16(body, 0), usize::from(be16(body, 2)), be32(body, 4));
    (1..=3).contains(&pt)
        && hl.checked_add(pl) == Some(body.len() - BODY_HEAD)
        && ClientHeader::decode(&body[BODY_HEAD..BODY_HEAD + hl])
            .is_ok_and(|h| h.cmd == Some("CONN"))
}

/// Whether a SECMSG payload is RC4-encrypted: `cipher` 1, or absent over TCP (the TCP SDKs decrypt
/// every downlink SECMSG; WebJS uplink payloads have no `cipher` and are plain). `None`: a cipher
/// this crate cannot undo.
fn payload_rc4(transport: Transport, header: &ClientHeader<'_>) -> Option<bool> {
    match (header.cipher, transport) {
        (Some(0), _) | (None, Transport::WebSocket) => Some(false),
        (Some(1), _) | (None, Transport::Tcp) => Some(true),
        _ => None,
    }
}

fn open_payload(
    transport: Transport,
    header: &ClientHeader<'_>,
    payload: &mut [u8],
    security: Option<&SecurityKey>,
) -> Result<PayloadState> {
    if header.cmd() != "SECMSG" || payload.is_empty() {
        return Ok(PayloadState::Plain);
    }
    match (payload_rc4(transport, header), security) {
        (Some(false), _) => Ok(PayloadState::Plain),
        (Some(true), Some(sk)) => {
            Rc4Key::payload_key(sk, header.id())?.apply(payload);
            Ok(PayloadState::Decrypted)
        }
        _ => Ok(PayloadState::Encrypted),
    }
}

/// Bytes [`encode_frame`] writes for `header` and a payload of `payload_len` bytes.
///
/// ```
/// use mimc_codec::protocol::{ClientHeader, FrameConfig, encoded_len};
/// let h = ClientHeader::new().with(|m| { m.cmd = Some("PING"); });
/// assert_eq!(encoded_len(&FrameConfig::TCP, &h, 0), 12 + 8 + 6);
/// assert_eq!(encoded_len(&FrameConfig::WEBSOCKET, &h, 0), 18 + 6);
/// ```
pub fn encoded_len(cfg: &FrameConfig, header: &ClientHeader<'_>, payload_len: usize) -> usize {
    let content = header.encoded_len() + payload_len;
    match cfg.transport {
        Transport::Tcp => TCP_HEAD + BODY_HEAD + content + CRC,
        Transport::WebSocket => WS_HEAD + content + CRC,
    }
}

/// Encodes a frame into `out`: head, header, `payload` (a message, or raw bytes; `&[]` for a
/// header-only frame such as PING or UBND), the SECMSG payload RC4 (payload key of `header.id`), the
/// body RC4 (TCP, every command but CONN) and the Adler-32. Returns the filled front of `out`: exactly
/// the frame's [`encoded_len`] bytes (the crate's convention for writing into a caller's slice;
/// `.len()` when only the length matters). Nothing past them is touched.
///
/// # Errors
///
/// - `BufferTooSmall { needed }` when `out` is shorter than the frame (`needed` = [`encoded_len`]).
/// - `InvalidValue` when a key the frame needs is missing or cannot be built (the body key for every
///   TCP frame but CONN, the payload key of a SECMSG payload with cipher 1), on an unknown cipher and
///   on a header over 65535 bytes.
/// - `FrameTooLarge { limit }` on a body above `cfg.max_body`.
///
/// ```
/// use mimc_codec::protocol::*;
/// let header = ClientHeader::new().with(|m| { m.chid = Some(9); m.cmd = Some("CONN"); m.id = Some("conn-1"); });
/// let conn = XmMsgConn::new().with(|m| { m.version = Some(106); });
/// let mut out = [0u8; 64];
/// let wire = encode_frame(&mut out, &FrameConfig::TCP, &header, &conn, Keys::default())?;
/// assert_eq!(wire.len(), encoded_len(&FrameConfig::TCP, &header, conn.encoded_len()));
/// let frame = decode_frame(wire, &FrameConfig::TCP, Keys::default())?;
/// let FrameBody::Packet(p) = frame.body else { unreachable!() };
/// assert_eq!(XmMsgConn::decode(p.payload)?, conn);
/// # Ok::<(), mimc_codec::Error>(())
/// ```
pub fn encode_frame<'b>(
    out: &'b mut [u8],
    cfg: &FrameConfig,
    header: &ClientHeader<'_>,
    payload: &dyn Encode,
    keys: Keys<'_>,
) -> Result<&'b mut [u8]> {
    let hl = header.encoded_len();
    let pl = payload.encoded_len();
    let Ok(hl16) = u16::try_from(hl) else {
        return Err(Error::without_offset(ErrorKind::InvalidValue(
            "header longer than 65535 bytes",
        )));
    };
    let (body, head) = match cfg.transport {
        Transport::Tcp => (BODY_HEAD + hl + pl, TCP_HEAD + BODY_HEAD),
        Transport::WebSocket => (hl + pl, WS_HEAD),
    };
    let (Ok(body32), Ok(pl32)) = (u32::try_from(body), u32::try_from(pl)) else {
        return Err(too_large_to_send(cfg));
    };
    if body > cfg.max_body {
        return Err(too_large_to_send(cfg));
    }
    let total = encoded_len(cfg, header, pl);
    let cap = out.len();
    let Some(frame) = out.get_mut(..total) else {
        return Err(Error::new(ErrorKind::BufferTooSmall { needed: total }, cap));
    };
    frame[0..2].copy_from_slice(&MAGIC.to_be_bytes());
    frame[2..4].copy_from_slice(&cfg.version().to_be_bytes());
    match cfg.transport {
        Transport::Tcp => {
            frame[4..8].copy_from_slice(&body32.to_be_bytes());
            frame[8..10].copy_from_slice(&PAYLOAD_TYPE_PROTOBUF.to_be_bytes());
            frame[10..12].copy_from_slice(&hl16.to_be_bytes());
            frame[12..16].copy_from_slice(&pl32.to_be_bytes());
        }
        Transport::WebSocket => {
            frame[4..6].copy_from_slice(&3u16.to_be_bytes());
            frame[6..8].copy_from_slice(&PAYLOAD_TYPE_PROTOBUF.to_be_bytes());
            frame[8..10].copy_from_slice(&hl16.to_be_bytes());
            frame[10..14].copy_from_slice(&pl32.to_be_bytes());
        }
    }
    header.encode(&mut frame[head..head + hl])?;
    let payload_at = head + hl;
    payload.encode(&mut frame[payload_at..payload_at + pl])?;
    if header.cmd() == "SECMSG" && pl > 0 {
        match (payload_rc4(cfg.transport, header), keys.security) {
            (Some(false), _) => {}
            (Some(true), Some(sk)) => {
                Rc4Key::payload_key(sk, header.id())?
                    .apply(&mut frame[payload_at..payload_at + pl]);
            }
            (Some(true), None) => {
                return Err(missing_key("the SECMSG payload needs the security key"));
            }
            (None, _) => return Err(missing_key("unsupported cipher (only 0 and 1 are known)")),
        }
    }
    if cfg.transport == Transport::Tcp && header.cmd() != "CONN" {
        let Some(key) = keys.body else {
            return Err(missing_key("every TCP frame but CONN needs the body key"));
        };
        key.apply(&mut frame[TCP_HEAD..TCP_HEAD + body]);
    }
    let crc = adler2::adler32_slice(&frame[..total - CRC]);
    frame[total - CRC..].copy_from_slice(&crc.to_be_bytes());
    Ok(frame)
}

fn missing_key(why: &'static str) -> Error {
    Error::without_offset(ErrorKind::InvalidValue(why))
}

/// Reads exactly one frame from `reader` into `buf` (the head first, then exactly the rest: never a
/// byte of the next frame) and returns the frame, the filled front of `buf` (exactly the
/// [`frame_len`] bytes read; decode it in place with [`decode_frame`]). `Ok(None)` on a clean end of
/// stream before a frame starts.
///
/// # Errors
///
/// Frame errors (magic, version, size) and a short `buf` come back as `InvalidData` wrapping the
/// crate's [`Error`] (`BufferTooSmall { needed }`: the bytes the frame needs); a stream ending inside a
/// frame as `UnexpectedEof`; the reader's own errors as they are.
///
/// ```
/// use mimc_codec::protocol::{FrameConfig, KEEP_ALIVE, read_frame};
/// let mut stream: &[u8] = &[KEEP_ALIVE, KEEP_ALIVE].concat();
/// let mut buf = [0u8; 64];
/// let frame = read_frame(&mut stream, &mut buf, &FrameConfig::TCP)?.expect("a frame");
/// assert_eq!(frame, KEEP_ALIVE);
/// assert_eq!(stream.len(), 12); // the second frame is still unread
/// # Ok::<(), std::io::Error>(())
/// ```
#[cfg(feature = "std")]
pub fn read_frame<'b, R: std::io::Read + ?Sized>(
    reader: &mut R,
    buf: &'b mut [u8],
    cfg: &FrameConfig,
) -> std::io::Result<Option<&'b mut [u8]>> {
    use std::io::{Error as IoError, ErrorKind as IoKind};
    let mut have = 0;
    loop {
        match frame_len(&buf[..have], cfg) {
            Ok(n) => return Ok(Some(buf.get_mut(..n).unwrap_or_default())),
            Err(e) => {
                let ErrorKind::Incomplete { needed } = e.kind() else {
                    return Err(IoError::new(IoKind::InvalidData, e));
                };
                let Some(dst) = buf.get_mut(have..have + needed) else {
                    return Err(IoError::new(
                        IoKind::InvalidData,
                        Error::new(
                            ErrorKind::BufferTooSmall {
                                needed: have + needed,
                            },
                            buf.len(),
                        ),
                    ));
                };
                let n = reader.read(dst)?;
                if n == 0 {
                    if have == 0 {
                        return Ok(None);
                    }
                    return Err(IoError::new(IoKind::UnexpectedEof, e));
                }
                have += n;
            }
        }
    }
}

/// A frame built in code whose body is over the configured maximum (it has no input, so no offset).
#[cold]
fn too_large_to_send(cfg: &FrameConfig) -> Error {
    Error::without_offset(ErrorKind::FrameTooLarge {
        limit: cfg.max_body,
    })
}
