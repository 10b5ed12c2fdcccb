//! The binary protocol's inputs, taken at compile time from the shared test data (never copied into
//! the repository): the self-generated vectors of `../shared/testdata/mimc-v6/vectors.json` (every
//! protobuf in them cross-checked against Google's library) and the real captured frames of
//! `../shared/testdata/xiaomi-push-v6-ndpi/frames.json` (a public packet capture). Both files hold the
//! frames as hex text in JSON; the `const fn`s below find a frame's hex and decode it while compiling,
//! so the program's flash holds the frame's bytes and nothing of the JSON.
#![allow(dead_code)] // each program reads the frames it needs

/// `vectors.json`, as text (read at compile time only).
const VECTORS: &[u8] = include_bytes!("../../../../shared/testdata/mimc-v6/vectors.json");
/// `frames.json` of the nDPI capture, as text (read at compile time only).
const CAPTURE: &[u8] =
    include_bytes!("../../../../shared/testdata/xiaomi-push-v6-ndpi/frames.json");

/// The first index at or after `from` where `needle` starts in `hay`; fails the build when there is none.
const fn find(hay: &[u8], needle: &[u8], from: usize) -> usize {
    let mut i = from;
    while i + needle.len() <= hay.len() {
        let mut j = 0;
        while j < needle.len() && hay[i + j] == needle[j] {
            j += 1;
        }
        if j == needle.len() {
            return i;
        }
        i += 1;
    }
    panic!("not found in the shared test data")
}

/// Start and length of the JSON string value of `"key"`, the first after `from`.
const fn string_after(json: &[u8], key: &[u8], from: usize) -> (usize, usize) {
    let k = find(json, key, from);
    let colon = find(json, b":", k + key.len());
    let open = find(json, b"\"", colon) + 1;
    let close = find(json, b"\"", open);
    (open, close - open)
}

/// The value of the string `"field"` inside the object `"object": {` of `vectors.json`.
pub const fn vector(object: &[u8], field: &[u8]) -> (usize, usize) {
    // `"name": {` at the object's start; the field is the first of that name after it.
    let at = find(VECTORS, object, 0);
    string_after(VECTORS, field, at)
}

/// The `n`th `"hex"` string of the capture (flow A: client frames 0 to 2, then server frames 0 to 2).
pub const fn captured(n: usize) -> (usize, usize) {
    let mut at = 0;
    let mut i = 0;
    while i < n {
        at = find(CAPTURE, b"\"hex\"", at) + 1;
        i += 1;
    }
    string_after(CAPTURE, b"\"hex\"", at)
}

/// A string of the capture's flow A (`"challenge"`, `"udid"`), as `(start, len)`.
pub const fn capture_string(field: &[u8]) -> (usize, usize) {
    string_after(CAPTURE, field, 0)
}

/// Which file a span is in.
#[derive(Clone, Copy)]
pub enum File {
    /// `mimc-v6/vectors.json`.
    Vectors,
    /// `xiaomi-push-v6-ndpi/frames.json`.
    Capture,
}

const fn bytes(file: File) -> &'static [u8] {
    match file {
        File::Vectors => VECTORS,
        File::Capture => CAPTURE,
    }
}

const fn nibble(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        b'A'..=b'F' => c - b'A' + 10,
        _ => panic!("not hex"),
    }
}

/// The `N` bytes of the hex text at `span` (`N` is `span.1 / 2`).
pub const fn unhex<const N: usize>(file: File, span: (usize, usize)) -> [u8; N] {
    assert!(span.1 == 2 * N, "odd or mismatched hex length");
    let text = bytes(file);
    let mut out = [0u8; N];
    let mut i = 0;
    while i < N {
        out[i] = nibble(text[span.0 + 2 * i]) << 4 | nibble(text[span.0 + 2 * i + 1]);
        i += 1;
    }
    out
}

/// The `N` bytes at `span` (`N` is `span.1`), copied out of the file so that only they reach flash.
pub const fn copy<const N: usize>(file: File, span: (usize, usize)) -> [u8; N] {
    assert!(span.1 == N, "mismatched length");
    let text = bytes(file);
    let mut out = [0u8; N];
    let mut i = 0;
    while i < N {
        out[i] = text[span.0 + i];
        i += 1;
    }
    out
}

/// `bytes` as text (a JSON string without escapes).
pub const fn utf8(bytes: &'static [u8]) -> &'static str {
    match core::str::from_utf8(bytes) {
        Ok(s) => s,
        Err(_) => panic!("not UTF-8"),
    }
}

/// `hex!(File::Vectors, vector(b"\"secmsg_p2p\": {", b"\"frame_hex\""))`: the bytes, as a
/// `&'static [u8; N]` in flash.
macro_rules! hex {
    ($file:expr, $span:expr) => {{
        const SPAN: (usize, usize) = $span;
        const BYTES: [u8; SPAN.1 / 2] = $crate::v6::unhex::<{ SPAN.1 / 2 }>($file, SPAN);
        &BYTES
    }};
}

/// `text!(File::Vectors, vector(b"\"inputs\": {", b"\"udid\""))`: the string, as a `&'static str`
/// in flash.
macro_rules! text {
    ($file:expr, $span:expr) => {{
        const SPAN: (usize, usize) = $span;
        const BYTES: [u8; SPAN.1] = $crate::v6::copy::<{ SPAN.1 }>($file, SPAN);
        $crate::v6::utf8(&BYTES)
    }};
}

/// The vectors' SECMSG frame carrying a `MIMCPacket` with a P2P message (`secmsg_p2p`).
pub const P2P_FRAME: &[u8] = hex!(
    File::Vectors,
    vector(b"\"secmsg_p2p\": {", b"\"frame_hex\"")
);
/// Its P2P message's bytes (`secmsg_p2p.p2p_hex`).
pub const P2P_MESSAGE: &[u8] = hex!(File::Vectors, vector(b"\"secmsg_p2p\": {", b"\"p2p_hex\""));
/// The vectors' COMPOUND downlink (a packet list with one P2P message).
pub const COMPOUND_FRAME: &[u8] = hex!(
    File::Vectors,
    vector(b"\"secmsg_compound\": {", b"\"frame_hex\"")
);
/// The `PACKET_ACK` of [`P2P_FRAME`]'s packet.
pub const PACKET_ACK_FRAME: &[u8] = hex!(
    File::Vectors,
    vector(b"\"secmsg_packet_ack\": {", b"\"frame_hex\"")
);
/// The server's CONN response (challenge `1234567890`).
pub const CONN_RESP_FRAME: &[u8] =
    hex!(File::Vectors, vector(b"\"conn_resp\": {", b"\"frame_hex\""));
/// The server's BIND response (success).
pub const BIND_RESP_FRAME: &[u8] =
    hex!(File::Vectors, vector(b"\"bind_resp\": {", b"\"frame_hex\""));
/// The server's KICK.
pub const KICK_FRAME: &[u8] = hex!(File::Vectors, vector(b"\"kick\": {", b"\"frame_hex\""));

/// The vectors' challenge, udid and security key (`inputs`).
pub const CHALLENGE: &str = text!(File::Vectors, vector(b"\"inputs\": {", b"\"challenge\""));
/// The vectors' udid (empty).
pub const UDID: &str = text!(File::Vectors, vector(b"\"inputs\": {", b"\"udid\""));
/// The vectors' security key (base64).
pub const SECURITY_KEY: &str = text!(File::Vectors, vector(b"\"inputs\": {", b"\"sec_key\""));
/// The vectors' token.
pub const TOKEN: &str = text!(File::Vectors, vector(b"\"inputs\": {", b"\"token\""));
/// The vectors' account.
pub const ACCOUNT: &str = text!(File::Vectors, vector(b"\"inputs\": {", b"\"account\""));
/// The vectors' resource.
pub const RESOURCE: &str = text!(File::Vectors, vector(b"\"inputs\": {", b"\"resource\""));
/// The body key the vectors derive (`body_key.key_hex`).
pub const BODY_KEY: &[u8] = hex!(File::Vectors, vector(b"\"body_key\": {", b"\"key_hex\""));

/// The real capture (flow A): the client's BIND (body-encrypted, 902-byte body).
pub const CAPTURED_BIND: &[u8] = hex!(File::Capture, captured(1));
/// The real capture: the client's keep-alive.
pub const CAPTURED_KEEP_ALIVE: &[u8] = hex!(File::Capture, captured(2));
/// The real capture: the server's CONN response (plaintext; brings the challenge).
pub const CAPTURED_CONN_RESP: &[u8] = hex!(File::Capture, captured(3));
/// The real capture: the server's BIND response (body-encrypted).
pub const CAPTURED_BIND_RESP: &[u8] = hex!(File::Capture, captured(4));
/// The capture's udid (flow A).
pub const CAPTURED_UDID: &str = text!(File::Capture, capture_string(b"\"udid\""));
/// The capture's challenge (flow A), as the JSON states it (the program reads it from the frame).
pub const CAPTURED_CHALLENGE: &str = text!(File::Capture, capture_string(b"\"challenge\""));
/// The body key the capture's notes derive (flow A).
pub const CAPTURED_BODY_KEY: &[u8] = hex!(File::Capture, capture_string(b"\"body_key_hex\""));

/// The vectors' app id (`inputs.app_id`).
pub const APP_ID: u64 = parse_u64(text!(
    File::Vectors,
    vector(b"\"inputs\": {", b"\"app_id\"")
));
/// The vectors' uuid (`inputs.uuid`).
pub const UUID: i64 = parse_u64(text!(File::Vectors, vector(b"\"inputs\": {", b"\"uuid\""))) as i64;
/// The vectors' peer account (`inputs.peer`).
pub const PEER: &str = text!(File::Vectors, vector(b"\"inputs\": {", b"\"peer\""));

/// A decimal number (at compile time).
const fn parse_u64(s: &str) -> u64 {
    let b = s.as_bytes();
    let mut v = 0u64;
    let mut i = 0;
    while i < b.len() {
        assert!(b[i].is_ascii_digit(), "not a decimal number");
        v = v * 10 + (b[i] - b'0') as u64;
        i += 1;
    }
    v
}
/// The vectors' `MIMCPacket` of [`P2P_FRAME`] (`secmsg_p2p.mimc_packet_hex`).
pub const P2P_PACKET: &[u8] = hex!(
    File::Vectors,
    vector(b"\"secmsg_p2p\": {", b"\"mimc_packet_hex\"")
);
