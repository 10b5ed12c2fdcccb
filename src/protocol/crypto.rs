//! Keys and crypto: the RC4 body and payload keys, and the BIND signature (PROTOCOL.md §3, §5.2).
//!
//! # What RC4 protects, and what it does not
//!
//! Every frame but CONN and the keep-alive has its body RC4-encrypted with the **body key**, and that
//! key is derived only from values that travel in clear: the server's challenge (in the plaintext CONN
//! response) and the client's udid (in the plaintext CONN). Anyone who sees the CONN exchange can compute
//! it, so the body RC4 hides nothing from an eavesdropper. It is obfuscation, kept for compatibility.
//!
//! The payload of a SECMSG frame (the [`MimcPacket`](super::MimcPacket) carrying the app's messages) is
//! encrypted a second time with the **payload key**, made from the account's `miUserSecurityKey` (from
//! the token service, never on this connection) and the frame's header id: that layer does keep the
//! messages from a passive observer who lacks the security key. It is still plain RC4 with a key that
//! differs per frame only by its id suffix, and there is no integrity protection beyond the Adler-32,
//! which anyone can recompute: nothing here authenticates a frame. Use TLS (as WebJS does) where that
//! matters.
//!
//! Keys never appear in `Debug` output: they print as `<redacted>`.

use core::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rc4::{KeyInit as _, Rc4, StreamCipher as _};
use sha1::{Digest as _, Sha1};

use crate::{Error, ErrorKind, Result};

/// Only the first 256 bytes of an RC4 key influence its key schedule (`key[i % len]` for `i < 256`).
pub const MAX_KEY_LEN: usize = 256;

/// An RC4 key of 1 to 256 bytes (longer inputs are truncated, which changes nothing: only the first
/// 256 bytes enter the key schedule).
///
/// [`apply`](Rc4Key::apply) encrypts or decrypts in place from a fresh cipher state, as every SDK does
/// per frame and per payload.
///
/// ```
/// use mimc_codec::protocol::Rc4Key;
/// // RFC 6229-style check: the classic "Key" / "Plaintext" vector.
/// let key = Rc4Key::new(b"Key")?;
/// let mut data = *b"Plaintext";
/// key.apply(&mut data);
/// assert_eq!(data, [0xbb, 0xf3, 0x16, 0xe8, 0xd9, 0x40, 0xaf, 0x0a, 0xd3]);
/// key.apply(&mut data);
/// assert_eq!(&data, b"Plaintext");
/// assert_eq!(format!("{key:?}"), "Rc4Key(<redacted>)");
/// # Ok::<(), mimc_codec::Error>(())
/// ```
#[derive(Clone)]
pub struct Rc4Key {
    bytes: [u8; MAX_KEY_LEN],
    len: usize,
}

impl Rc4Key {
    /// A key from raw bytes; an empty key is an error (no SDK can produce one in a correct session).
    pub fn new(key: &[u8]) -> Result<Self> {
        let mut k = KeyBuf::new();
        k.push(key);
        k.finish()
    }

    /// The body key of a connection (PROTOCOL.md §3.3):
    /// `RC4(key = challenge, data = half(challenge) + half(udid))`, where `half(s)` is `s` from byte
    /// `len / 2` on. `challenge` is `XMMsgConnResp.challenge`, `udid` the `XMMsgConn.udid` the client
    /// sent (often empty).
    ///
    /// ```
    /// use mimc_codec::protocol::Rc4Key;
    /// let key = Rc4Key::body_key("1234567890", "")?;
    /// assert_eq!(key.expose(), [0xfc, 0x1b, 0xcd, 0x38, 0x68]);
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    pub fn body_key(challenge: &str, udid: &str) -> Result<Self> {
        let cipher = Rc4Key::new(challenge.as_bytes()).map_err(|e| e.in_field("challenge"))?;
        let mut k = KeyBuf::new();
        k.push(half(challenge.as_bytes()));
        k.push(half(udid.as_bytes()));
        let mut key = k.finish().map_err(|e| e.in_field("challenge"))?;
        let len = key.len;
        cipher.apply(&mut key.bytes[..len]);
        Ok(key)
    }

    /// The payload key of one SECMSG frame (PROTOCOL.md §3.4): the decoded security key, `_`, and the
    /// frame's `ClientHeader.id` (the header's, never `MIMCPacket.packetId`).
    ///
    /// ```
    /// use mimc_codec::protocol::{Rc4Key, SecurityKey};
    /// let sk = SecurityKey::from_base64("AAECAwQFBgcICQoLDA0ODw==")?;
    /// let key = Rc4Key::payload_key(&sk, "p2p-4")?;
    /// assert_eq!(&key.expose()[16..], b"_p2p-4");
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    pub fn payload_key(security: &SecurityKey, header_id: &str) -> Result<Self> {
        let mut k = KeyBuf::new();
        k.push(security.expose());
        k.push(b"_");
        k.push(header_id.as_bytes());
        k.finish()
    }

    /// The key bytes (at most 256).
    pub fn expose(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    /// RC4 `data` in place from a fresh key schedule (encryption and decryption are the same).
    pub fn apply(&self, data: &mut [u8]) {
        // The constructors guarantee 1..=256 bytes, the cipher's whole domain.
        if let Ok(mut cipher) = Rc4::new_from_slice(self.expose()) {
            cipher.apply_keystream(data);
        }
    }
}

impl PartialEq for Rc4Key {
    fn eq(&self, other: &Self) -> bool {
        self.expose() == other.expose()
    }
}
impl Eq for Rc4Key {}

impl fmt::Debug for Rc4Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Rc4Key(<redacted>)")
    }
}

/// `s` from byte `len / 2` on (the longer half when the length is odd).
fn half(s: &[u8]) -> &[u8] {
    &s[s.len() / 2..]
}

/// Builds a key from parts, keeping the first 256 bytes.
struct KeyBuf {
    bytes: [u8; MAX_KEY_LEN],
    len: usize,
}

impl KeyBuf {
    const fn new() -> Self {
        KeyBuf {
            bytes: [0; MAX_KEY_LEN],
            len: 0,
        }
    }

    fn push(&mut self, part: &[u8]) {
        let n = part.len().min(MAX_KEY_LEN - self.len);
        self.bytes[self.len..self.len + n].copy_from_slice(&part[..n]);
        self.len += n;
    }

    fn finish(self) -> Result<Rc4Key> {
        if self.len == 0 {
            return Err(Error::without_offset(ErrorKind::InvalidValue(
                "empty RC4 key",
            )));
        }
        Ok(Rc4Key {
            bytes: self.bytes,
            len: self.len,
        })
    }
}

/// The account's `miUserSecurityKey`, decoded (standard base64 with padding, as the token service
/// gives it). Holds up to 256 bytes (real keys are 16). `Debug` prints `<redacted>`.
///
/// ```
/// use mimc_codec::protocol::SecurityKey;
/// let sk = SecurityKey::from_base64("AAECAwQFBgcICQoLDA0ODw==")?;
/// assert_eq!(sk.expose().len(), 16);
/// assert_eq!(format!("{sk:?}"), "SecurityKey(<redacted>)");
/// assert!(SecurityKey::from_base64("not base64!").is_err());
/// let parsed: SecurityKey = "AAECAwQFBgcICQoLDA0ODw==".parse()?; // FromStr, the same
/// assert_eq!(parsed.expose(), sk.expose());
/// # Ok::<(), mimc_codec::Error>(())
/// ```
#[derive(Clone)]
pub struct SecurityKey {
    bytes: [u8; MAX_KEY_LEN],
    len: usize,
}

impl SecurityKey {
    /// Decodes the base64 text of the token service's `miUserSecurityKey`.
    pub fn from_base64(text: &str) -> Result<Self> {
        let mut bytes = [0u8; MAX_KEY_LEN];
        let len = STANDARD.decode_slice(text, &mut bytes).map_err(|e| {
            let kind = match e {
                base64::DecodeSliceError::OutputSliceTooSmall => ErrorKind::CapacityExceeded {
                    needed: text.len() / 4 * 3,
                    capacity: MAX_KEY_LEN,
                },
                base64::DecodeSliceError::DecodeError(_) => ErrorKind::InvalidBase64,
            };
            Error::without_offset(kind).in_field("miUserSecurityKey")
        })?;
        Ok(SecurityKey { bytes, len })
    }

    /// A security key from its decoded bytes (the first 256 are kept).
    pub fn from_bytes(key: &[u8]) -> Self {
        let len = key.len().min(MAX_KEY_LEN);
        let mut bytes = [0u8; MAX_KEY_LEN];
        bytes[..len].copy_from_slice(&key[..len]);
        SecurityKey { bytes, len }
    }

    /// The decoded key bytes.
    pub fn expose(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

impl core::str::FromStr for SecurityKey {
    type Err = Error;
    /// [`from_base64`](SecurityKey::from_base64): `let sk: SecurityKey = text.parse()?`.
    fn from_str(text: &str) -> Result<Self> {
        SecurityKey::from_base64(text)
    }
}

impl fmt::Debug for SecurityKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecurityKey(<redacted>)")
    }
}

/// What the BIND signature covers (PROTOCOL.md §5.2). `Debug` redacts the token and the key.
#[derive(Clone, Copy)]
#[allow(
    clippy::exhaustive_structs,
    reason = "exactly what the BIND signature covers (PROTOCOL.md §5.2): a new field would be a new signature"
)]
pub struct BindParams<'a> {
    /// `XMMsgBind.method`, uppercased (ASCII) in the signed text: `"XIAOMI-PASS"`.
    pub method: &'a str,
    /// `XMMsgConnResp.challenge`.
    pub challenge: &'a str,
    /// `ClientHeader.chid` (9).
    pub chid: i32,
    /// `XMMsgBind.client_attrs` (usually empty).
    pub client_attrs: &'a str,
    /// `XMMsgBind.cloud_attrs` (usually empty).
    pub cloud_attrs: &'a str,
    /// `ClientHeader.uuid`.
    pub uuid: i64,
    /// `ClientHeader.resource`.
    pub resource: &'a str,
    /// `ClientHeader.id` of this BIND frame.
    pub id: &'a str,
    /// `XMMsgBind.kick`; empty is signed as `"0"` (what WebJS signs while it writes an empty string).
    pub kick: &'a str,
    /// `ClientHeader.server` (`"xiaomi.com"`), signed as `to`.
    pub server: &'a str,
    /// `XMMsgBind.token`.
    pub token: &'a str,
    /// `miUserSecurityKey` as its **base64 text** (it is appended undecoded).
    pub security_key: &'a str,
}

impl fmt::Debug for BindParams<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BindParams")
            .field("method", &self.method)
            .field("challenge", &self.challenge)
            .field("chid", &self.chid)
            .field("uuid", &self.uuid)
            .field("resource", &self.resource)
            .field("id", &self.id)
            .field("kick", &self.kick)
            .field("server", &self.server)
            .field("token", &"<redacted>")
            .field("security_key", &"<redacted>")
            .finish_non_exhaustive()
    }
}

/// A BIND signature: standard base64 (with padding) of a SHA-1, 28 characters. `Debug` redacts it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Signature([u8; 28]);

impl Signature {
    /// The 28 base64 characters.
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Signature(<redacted>)")
    }
}

/// The BIND signature (identical in every SDK):
/// `base64(SHA1(upper(method) & k1=v1 & … & k9=v9 & securityKey))` with the nine parameters sorted by
/// key (`challenge`, `chid`, `client_attrs`, `cloud_attrs`, `from` = `uuid@xiaomi.com/resource`, `id`,
/// `kick`, `to`, `token`). No allocation: the text is hashed as it is produced.
///
/// ```
/// use mimc_codec::protocol::{BindParams, bind_signature};
/// let sig = bind_signature(&BindParams {
///     method: "XIAOMI-PASS", challenge: "1234567890", chid: 9, client_attrs: "", cloud_attrs: "",
///     uuid: 1000000000000001, resource: "rust-res", id: "bind-2", kick: "0", server: "xiaomi.com",
///     token: "TOKEN-abc123", security_key: "AAECAwQFBgcICQoLDA0ODw==",
/// });
/// assert_eq!(sig.as_str(), "iRfsFrUOecx1fg/04EF7S9sxDb8=");
/// ```
pub fn bind_signature(p: &BindParams<'_>) -> Signature {
    let mut chid = DecBuf::new();
    let chid = chid.fmt(i64::from(p.chid));
    let mut uuid = DecBuf::new();
    let uuid = uuid.fmt(p.uuid);
    let kick = if p.kick.is_empty() { "0" } else { p.kick };
    let mut params: [(&str, [&str; 3]); 9] = [
        ("challenge", [p.challenge, "", ""]),
        ("chid", [chid, "", ""]),
        ("client_attrs", [p.client_attrs, "", ""]),
        ("cloud_attrs", [p.cloud_attrs, "", ""]),
        ("from", [uuid, "@xiaomi.com/", p.resource]),
        ("id", [p.id, "", ""]),
        ("kick", [kick, "", ""]),
        ("to", [p.server, "", ""]),
        ("token", [p.token, "", ""]),
    ];
    params.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let mut h = Sha1::new();
    for b in p.method.bytes() {
        h.update([b.to_ascii_uppercase()]);
    }
    for (key, value) in params {
        h.update(b"&");
        h.update(key.as_bytes());
        h.update(b"=");
        for part in value {
            h.update(part.as_bytes());
        }
    }
    h.update(b"&");
    h.update(p.security_key.as_bytes());
    let digest = h.finalize();
    let mut out = [0u8; 28];
    // 20 bytes always encode to 28 characters.
    let _ = STANDARD.encode_slice(digest.as_slice(), &mut out);
    Signature(out)
}

/// Decimal text of an `i64` on the stack.
struct DecBuf {
    buf: [u8; 20],
    start: usize,
}

impl DecBuf {
    const fn new() -> Self {
        DecBuf {
            buf: [0; 20],
            start: 20,
        }
    }

    fn fmt(&mut self, v: i64) -> &str {
        let mut n = v.unsigned_abs();
        loop {
            self.start -= 1;
            self.buf[self.start] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        if v < 0 {
            self.start -= 1;
            self.buf[self.start] = b'-';
        }
        core::str::from_utf8(&self.buf[self.start..]).unwrap_or_default()
    }
}
