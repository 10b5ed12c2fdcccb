//! `mimc packet decode`: MIMC's binary client protocol (v6 TCP frames, or WebJS frames with `--ws`),
//! frame by frame, as a readable view or one JSON object per frame (proto3 JSON mapping).

use std::fmt::Write as _;
use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use clap::Args;
use mimc_codec::Error;
use mimc_codec::protocol::{
    FieldValue, FrameBody, FrameConfig, Keys, MimcMsgType, MimcOnlineMessageAck, MimcP2pMessage,
    MimcP2tMessage, MimcPacket, MimcPacketAck, MimcPacketList, MimcSequenceAck, Packet,
    PayloadState, PullMessageRequest, Rc4Key, Reflect, SecurityKey, UcDismiss, UcJoin, UcJoinResp,
    UcMessage, UcMessageList, UcMsgType, UcPacket, UcPing, UcQueryOnlineUsers,
    UcQueryOnlineUsersResp, UcQuit, UcQuitResp, UcSequenceAck, XmMsgBind, XmMsgBindResp, XmMsgConn,
    XmMsgConnResp, XmMsgKick, XmMsgPing, XmMsgU, decode_frame, frame_len,
};

use crate::inert::{inert, json_string};

/// `mimc packet decode` arguments.
#[derive(Debug, Args)]
pub(crate) struct DecodeArgs {
    /// WebJS frames (version 4, over a WebSocket) instead of TCP v6 frames.
    #[arg(long)]
    ws: bool,
    /// The CONN response's challenge (a CONN response in the stream supplies it too).
    #[arg(long, value_name = "TEXT", conflicts_with = "body_key")]
    challenge: Option<String>,
    /// The udid the client sent in its CONN (a CONN in the stream supplies it; default empty).
    #[arg(long, value_name = "TEXT", conflicts_with = "body_key")]
    udid: Option<String>,
    /// The RC4 body key itself, in hex.
    #[arg(long, value_name = "HEX")]
    body_key: Option<String>,
    /// The account's miUserSecurityKey (base64), to decrypt SECMSG payloads.
    #[arg(long, value_name = "BASE64")]
    security_key: Option<String>,
    /// The input is hex text (whitespace ignored) instead of raw bytes.
    #[arg(long)]
    hex: bool,
    /// One JSON object per frame per line.
    #[arg(long)]
    json: bool,
    /// The input file; `-` or none reads stdin.
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,
}

/// The most a stream may hold (the frames themselves are bounded by the default maximum body).
const MAX_INPUT: u64 = 64 << 20;

fn usage(msg: &str) -> ExitCode {
    let _ = writeln!(io::stderr(), "mimc packet: {}", inert(msg));
    ExitCode::from(2)
}

fn invalid(e: &Error, frame: usize) -> ExitCode {
    let _ = writeln!(
        io::stderr(),
        "mimc packet: frame {frame}: {:?}: {e}",
        e.kind().name()
    );
    ExitCode::from(1)
}

fn read_input(args: &DecodeArgs) -> Result<Vec<u8>, ExitCode> {
    let mut bytes = vec![];
    let res = match args.file.as_deref() {
        None => io::stdin().take(MAX_INPUT).read_to_end(&mut bytes),
        Some(p) if p.as_os_str() == "-" => io::stdin().take(MAX_INPUT).read_to_end(&mut bytes),
        Some(p) => std::fs::File::open(p).and_then(|f| f.take(MAX_INPUT).read_to_end(&mut bytes)),
    };
    res.map_err(|e| usage(&format!("cannot read the input: {e}")))?;
    if !args.hex {
        return Ok(bytes);
    }
    let digits: Vec<u8> = bytes
        .into_iter()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    unhex(&digits).map_err(|at| {
        let _ = writeln!(
            io::stderr(),
            "mimc packet: InvalidHex: not an even run of hex digits at digit {at} (whitespace not counted)"
        );
        ExitCode::from(1)
    })
}

fn unhex(digits: &[u8]) -> Result<Vec<u8>, usize> {
    let val = |c: u8, at: usize| {
        (c as char)
            .to_digit(16)
            .and_then(|d| u8::try_from(d).ok())
            .ok_or(at)
    };
    if digits.len() % 2 == 1 {
        return Err(digits.len());
    }
    digits
        .chunks(2)
        .enumerate()
        .map(|(i, c)| Ok(val(c[0], 2 * i)? << 4 | val(c[1], 2 * i + 1)?))
        .collect()
}

/// Runs `mimc packet decode`.
pub(crate) fn run(args: &DecodeArgs) -> Result<(), ExitCode> {
    let fixed_key = match &args.body_key {
        Some(hex) => {
            let bytes = unhex(hex.as_bytes()).map_err(|_| usage("--body-key: expected hex"))?;
            Some(Rc4Key::new(&bytes).map_err(|e| usage(&format!("--body-key: {e}")))?)
        }
        None => None,
    };
    if args.challenge.as_deref() == Some("") {
        return Err(usage("--challenge: an empty challenge makes no key"));
    }
    // The challenge and the udid, from the command line or else from the stream's CONN exchange.
    let mut challenge = args.challenge.clone();
    let security = match &args.security_key {
        Some(text) => Some(
            SecurityKey::from_base64(text).map_err(|e| usage(&format!("--security-key: {e}")))?,
        ),
        None => None,
    };
    let mut udid = args.udid.clone();
    let cfg = if args.ws {
        FrameConfig::WEBSOCKET
    } else {
        FrameConfig::TCP
    };
    let mut bytes = read_input(args)?;
    let mut out = io::stdout().lock();
    let mut offset = 0;
    let mut index = 0;
    while offset < bytes.len() {
        let len =
            frame_len(&bytes[offset..], &cfg).map_err(|e| invalid(&e.shifted(offset), index))?;
        let body_key = match (&fixed_key, &challenge) {
            (Some(k), _) => Some(k.clone()),
            (None, Some(c)) => Rc4Key::body_key(c, udid.as_deref().unwrap_or("")).ok(),
            (None, None) => None,
        };
        let keys = Keys {
            body: body_key.as_ref(),
            security: security.as_ref(),
        };
        let frame = decode_frame(&mut bytes[offset..offset + len], &cfg, keys)
            .map_err(|e| invalid(&e.shifted(offset), index))?;
        let text = match frame.body {
            FrameBody::KeepAlive => render(args.json, index, offset, frame.version, 0, None, None),
            FrameBody::Encrypted(body) => {
                let note = "the body is RC4-encrypted: give --challenge and --udid, or --body-key";
                let payload = Payload::Opaque { bytes: body, note };
                render(
                    args.json,
                    index,
                    offset,
                    frame.version,
                    body.len(),
                    None,
                    Some(payload),
                )
            }
            FrameBody::Packet(p) => {
                if p.header.cmd() == "CONN" {
                    if let Ok(conn) = XmMsgConn::decode(p.payload) {
                        // A client's CONN (field 1 `version` is a varint; a response's is a string).
                        if udid.is_none() && conn.version.is_some() && conn.udid.is_some() {
                            udid = conn.udid.map(str::to_owned);
                        }
                    }
                    if let Ok(resp) = XmMsgConnResp::decode(p.payload) {
                        if let Some(ch) = resp.challenge.filter(|c| !c.is_empty()) {
                            challenge.get_or_insert_with(|| ch.to_owned());
                        }
                    }
                }
                let body_len = len - if args.ws { 18 } else { 12 };
                render(
                    args.json,
                    index,
                    offset,
                    frame.version,
                    body_len,
                    Some(&p),
                    Some(payload_of(&p)),
                )
            }
            // `FrameBody` is non-exhaustive: a body kind a later library version adds.
            _ => return Err(usage("a frame body this version of mimc cannot show")),
        };
        out.write_all(text.as_bytes())
            .map_err(|e| usage(&format!("cannot write: {e}")))?;
        offset += len;
        index += 1;
    }
    Ok(())
}

enum Payload<'a> {
    Owned(String, String),
    Opaque { bytes: &'a [u8], note: &'static str },
    Empty,
}

/// The payload of a frame as JSON (`(json, readable)`) or why it is opaque.
fn payload_of<'a>(p: &Packet<'a>) -> Payload<'a> {
    if p.payload.is_empty() {
        return Payload::Empty;
    }
    if p.payload_state == PayloadState::Encrypted {
        return Payload::Opaque {
            bytes: p.payload,
            note: "the SECMSG payload is RC4-encrypted: give --security-key",
        };
    }
    let dir_down = matches!(
        p.header
            .dir_flag
            .map(mimc_codec::protocol::MsgDirFlag::to_i32),
        Some(4..=6)
    );
    let json = match p.header.cmd() {
        // Both directions of CONN may carry chid 0 and no direction: tell them apart by shape (a
        // response's field 1 is the challenge string, a request's the version varint).
        "CONN" if XmMsgConnResp::decode(p.payload).is_ok_and(|r| r.challenge.is_some()) => {
            typed::<XmMsgConnResp>(p.payload)
        }
        "CONN" => typed::<XmMsgConn>(p.payload),
        "BIND" if dir_down || p.header.chid == Some(0) => typed::<XmMsgBindResp>(p.payload),
        "BIND" => typed::<XmMsgBind>(p.payload).or_else(|| typed::<XmMsgBindResp>(p.payload)),
        "KICK" => typed::<XmMsgKick>(p.payload),
        "PING" => typed::<XmMsgPing>(p.payload),
        "SYNC" => typed::<XmMsgU>(p.payload),
        "SECMSG" => typed::<MimcPacket>(p.payload),
        _ => None,
    };
    match json {
        Some((j, v)) => Payload::Owned(j, v),
        None => Payload::Opaque {
            bytes: p.payload,
            note: "the payload does not parse as the message its cmd implies",
        },
    }
}

/// Decodes `bytes` as `M` and renders it (JSON, readable).
fn typed<'a, M>(bytes: &'a [u8]) -> Option<(String, String)>
where
    M: mimc_codec::protocol::Message<'a> + Reflect,
{
    let m = M::decode(bytes).ok()?;
    Some((json_message(&m), view_message(&m, 1)))
}

/// A `bytes` field that holds a known message: `MIMCPacket.payload` by its `type`, `UCPacket.payload`
/// by its `type`. Returns the nested rendering.
fn nested(parent: &str, ty: i32, bytes: &[u8]) -> Option<(String, String)> {
    match parent {
        "MIMCPacket" => match MimcMsgType::from_i32(ty) {
            MimcMsgType::P2pMessage | MimcMsgType::OnlineMessage => typed::<MimcP2pMessage>(bytes),
            MimcMsgType::P2tMessage => typed::<MimcP2tMessage>(bytes),
            MimcMsgType::SequenceAck => typed::<MimcSequenceAck>(bytes),
            MimcMsgType::PacketAck => typed::<MimcPacketAck>(bytes),
            MimcMsgType::Pull => typed::<PullMessageRequest>(bytes),
            MimcMsgType::Compound => typed::<MimcPacketList>(bytes),
            MimcMsgType::UcPacket => typed::<UcPacket>(bytes),
            MimcMsgType::OnlineMessageAck => typed::<MimcOnlineMessageAck>(bytes),
            _ => None,
        },
        "UCPacket" => match UcMsgType::from_i32(ty) {
            UcMsgType::Ping => typed::<UcPing>(bytes),
            UcMsgType::Join => typed::<UcJoin>(bytes),
            UcMsgType::JoinResp => typed::<UcJoinResp>(bytes),
            UcMsgType::Quit => typed::<UcQuit>(bytes),
            UcMsgType::QuitResp => typed::<UcQuitResp>(bytes),
            UcMsgType::SeqAck => typed::<UcSequenceAck>(bytes),
            UcMsgType::Message => typed::<UcMessage>(bytes),
            UcMsgType::MessageList => typed::<UcMessageList>(bytes),
            UcMsgType::Dismiss => typed::<UcDismiss>(bytes),
            UcMsgType::QueryOnlineUsers => typed::<UcQueryOnlineUsers>(bytes),
            UcMsgType::QueryOnlineUsersResp => typed::<UcQueryOnlineUsersResp>(bytes),
            _ => None,
        },
        _ => None,
    }
}

fn fields(m: &dyn Reflect) -> Vec<(&'static str, FieldValue<'_>)> {
    let mut out = vec![];
    m.visit(&mut |name, v| out.push((name, v)));
    out
}

/// The `type` of a message, when it has an enum field of that name.
fn type_of(fields: &[(&str, FieldValue<'_>)]) -> Option<i32> {
    fields.iter().find_map(|(n, v)| match (n, v) {
        (&"type", FieldValue::Enum(t, _)) => Some(*t),
        _ => None,
    })
}

/// A message in the proto3 JSON mapping, with `"@type"`.
fn json_message(m: &dyn Reflect) -> String {
    let fs = fields(m);
    let ty = type_of(&fs);
    let mut out = format!("{{\"@type\":{}", json_string(m.proto_name()));
    for (name, v) in &fs {
        let _ = write!(out, ",{}:", json_string(name));
        if let (FieldValue::Bytes(b), "payload", Some(ty)) = (v, *name, ty) {
            if let Some((j, _)) = nested(m.proto_name(), ty, b) {
                out.push_str(&j);
                continue;
            }
        }
        out.push_str(&json_value(v));
    }
    out.push('}');
    out
}

fn json_value(v: &FieldValue<'_>) -> String {
    match v {
        FieldValue::I32(n) | FieldValue::Enum(n, None) => n.to_string(),
        FieldValue::U32(n) => n.to_string(),
        FieldValue::I64(n) => format!("\"{n}\""),
        FieldValue::U64(n) => format!("\"{n}\""),
        FieldValue::Bool(b) => b.to_string(),
        FieldValue::Str(s) => json_string(s),
        FieldValue::Secret(_) => "\"<redacted>\"".to_owned(),
        FieldValue::Bytes(b) => json_string(&STANDARD.encode(b)),
        FieldValue::Enum(_, Some(name)) => json_string(name),
        FieldValue::Message(m) => json_message(*m),
        FieldValue::List(list) => {
            let mut items = vec![];
            list.visit_items(&mut |item| {
                items.push(match item {
                    Ok(m) => json_message(m),
                    Err(e) => format!("{{\"error\":{}}}", json_string(&e.to_string())),
                });
            });
            format!("[{}]", items.join(","))
        }
        _ => "null".to_owned(),
    }
}

/// A readable, indented view of a message.
fn view_message(m: &dyn Reflect, depth: usize) -> String {
    let fs = fields(m);
    let ty = type_of(&fs);
    let pad = "  ".repeat(depth);
    let mut out = format!("{}\n", m.proto_name());
    for (name, v) in &fs {
        let _ = write!(out, "{pad}{name}: ");
        if let (FieldValue::Bytes(b), "payload", Some(ty)) = (v, *name, ty) {
            if let Some((_, view)) = nested(m.proto_name(), ty, b) {
                // Re-indent the nested view one level deeper.
                let _ = writeln!(out, "{}", indent_after_first(&view, &pad));
                continue;
            }
        }
        match v {
            FieldValue::Message(inner) => out.push_str(&view_message(*inner, depth + 1)),
            FieldValue::List(list) => {
                let mut n = 0;
                out.push('\n');
                list.visit_items(&mut |item| {
                    let _ = write!(out, "{pad}  [{n}] ");
                    n += 1;
                    match item {
                        Ok(m) => out.push_str(&view_message(m, depth + 2)),
                        Err(e) => {
                            let _ = writeln!(out, "error: {e}");
                        }
                    }
                });
            }
            FieldValue::Bytes(b) => {
                let text = std::str::from_utf8(b)
                    .ok()
                    .filter(|s| !s.chars().any(char::is_control));
                match text {
                    Some(s) => {
                        let _ = writeln!(out, "{} ({} bytes)", inert(&format!("{s:?}")), b.len());
                    }
                    None => {
                        let _ = writeln!(out, "base64 {} ({} bytes)", STANDARD.encode(b), b.len());
                    }
                }
            }
            FieldValue::Str(s) => {
                let _ = writeln!(out, "{}", inert(&format!("{s:?}")));
            }
            other => {
                let _ = writeln!(out, "{}", json_value(other).trim_matches('"'));
            }
        }
    }
    out
}

fn render(
    json: bool,
    index: usize,
    offset: usize,
    version: u16,
    body_len: usize,
    packet: Option<&Packet<'_>>,
    payload: Option<Payload<'_>>,
) -> String {
    let keep_alive = packet.is_none() && payload.is_none();
    if json {
        let mut out = format!(
            "{{\"frame\":{index},\"offset\":{offset},\"version\":{version},\"bodyLen\":{body_len},\"keepAlive\":{keep_alive}"
        );
        if let Some(p) = packet {
            let _ = write!(
                out,
                ",\"payloadType\":{},\"header\":{}",
                p.payload_type,
                json_message(&p.header)
            );
        }
        match payload {
            Some(Payload::Owned(j, _)) => {
                let _ = write!(out, ",\"payload\":{j}");
            }
            Some(Payload::Opaque { bytes, note }) => {
                let _ = write!(
                    out,
                    ",\"payload\":{{\"payloadBase64\":{},\"note\":{}}}",
                    json_string(&STANDARD.encode(bytes)),
                    json_string(note)
                );
            }
            Some(Payload::Empty) | None => {}
        }
        out.push_str("}\n");
        return out;
    }
    let transport = if version == 4 { "WebJS" } else { "TCP" };
    let mut out =
        format!("frame {index} at byte {offset}: {transport} v{version}, body {body_len} bytes");
    if keep_alive {
        out.push_str(", keep-alive (ping/pong)\n\n");
        return out;
    }
    out.push('\n');
    if let Some(p) = packet {
        let _ = write!(out, "  header: {}", view_message(&p.header, 2));
    }
    match payload {
        Some(Payload::Owned(_, v)) => {
            let _ = writeln!(out, "  payload: {}", indent_after_first(&v, "  "));
        }
        Some(Payload::Opaque { bytes, note }) => {
            let _ = writeln!(out, "  payload: {} bytes, not shown: {note}", bytes.len());
            let _ = writeln!(out, "    base64 {}", STANDARD.encode(bytes));
        }
        Some(Payload::Empty) => out.push_str("  payload: (none)\n"),
        None => {}
    }
    out.push('\n');
    out
}

/// `text` with every line but the first prefixed by `pad` (a nested view placed after a label).
fn indent_after_first(text: &str, pad: &str) -> String {
    let mut lines = text.lines();
    let mut out = lines.next().unwrap_or_default().to_owned();
    for l in lines {
        out.push('\n');
        out.push_str(pad);
        out.push_str(l);
    }
    out
}
