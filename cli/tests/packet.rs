//! `mimc packet decode` on the shared protocol test data: the self-generated vectors and the real
//! captured frames (`../shared/testdata`), tampered and truncated streams.
#![allow(missing_docs, clippy::missing_panics_doc)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn shared(rel: &str) -> Value {
    let beside = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared");
    let base = if beside.is_dir() {
        beside
    } else {
        PathBuf::from("/work/shared")
    };
    let p = base.join(rel);
    let bytes = std::fs::read(&p)
        .unwrap_or_else(|e| panic!("shared test data {} is missing: {e}", p.display()));
    serde_json::from_slice(&bytes).unwrap()
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn mimc(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mimc"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run mimc");
    let _ = child.stdin.take().unwrap().write_all(stdin);
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !err.contains("panicked") && !err.contains("internal error"),
        "{err}"
    );
    out
}

const SEC: &str = "AAECAwQFBgcICQoLDA0ODw==";

/// The hex of vectors `names`, back to back.
fn stream(names: &[&str]) -> String {
    let v = shared("testdata/mimc-v6/vectors.json");
    names
        .iter()
        .map(|n| v[*n]["frame_hex"].as_str().unwrap().to_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

fn json_lines(out: &Output) -> Vec<Value> {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

const SESSION: &[&str] = &[
    "conn",
    "conn_resp",
    "bind",
    "bind_resp",
    "ping_empty",
    "secmsg_p2p",
    "secmsg_packet_ack",
    "secmsg_compound",
    "secmsg_uc_message",
    "kick",
    "ubnd",
];

#[test]
fn json_follows_the_proto3_mapping_and_nests_known_payloads() {
    let hex = stream(SESSION);
    let out = mimc(
        &["packet", "decode", "--hex", "--json", "--security-key", SEC],
        hex.as_bytes(),
    );
    let lines = json_lines(&out);
    assert_eq!(lines.len(), SESSION.len());
    let mut offset = 0;
    for (i, l) in lines.iter().enumerate() {
        assert_eq!(l["frame"], i);
        assert_eq!(l["offset"], offset);
        assert_eq!(l["version"], 5);
        offset += l["bodyLen"].as_u64().unwrap() + 12;
        assert!(
            l["payload"].get("note").is_none(),
            "frame {i} decrypted: {l}"
        );
    }
    assert_eq!(lines[0]["payload"]["@type"], "XMMsgConn");
    assert_eq!(
        lines[0]["header"]["uuid"], "1000000000000001",
        "int64 as a string"
    );
    assert_eq!(lines[0]["header"]["dirFlag"], "CS_REQ", "enums by name");
    assert_eq!(lines[1]["payload"]["challenge"], "1234567890");
    assert_eq!(lines[2]["payload"]["token"], "<redacted>");
    assert_eq!(lines[3]["payload"]["errorDesc"], "login success.");
    assert_eq!(lines[4]["keepAlive"], true);
    let p2p = &lines[5]["payload"];
    assert_eq!(p2p["@type"], "MIMCPacket");
    assert_eq!(p2p["type"], "P2P_MESSAGE");
    assert_eq!(p2p["payload"]["@type"], "MIMCP2PMessage");
    assert_eq!(p2p["payload"]["payload"], "aGVsbG8=", "bytes as base64");
    assert_eq!(p2p["payload"]["from"]["appAccount"], "alice");
    assert_eq!(lines[6]["payload"]["payload"]["@type"], "MIMCPacketAck");
    let list = &lines[7]["payload"]["payload"];
    assert_eq!(list["@type"], "MIMCPacketList");
    assert_eq!(list["packets"][0]["@type"], "MIMCPacket");
    assert_eq!(list["packets"][0]["payload"]["@type"], "MIMCP2PMessage");
    assert_eq!(list["packets"][0]["payload"]["bizType"], "TEXT");
    let uc = &lines[8]["payload"]["payload"];
    assert_eq!(uc["@type"], "UCPacket");
    assert_eq!(uc["payload"]["@type"], "UCMessage");
    assert_eq!(lines[9]["payload"]["@type"], "XMMsgKick");
    assert_eq!(lines[9]["header"]["cmd"], "KICK");
    assert!(lines[10]["payload"].is_null(), "UBND has no payload");
}

#[test]
fn without_keys_payloads_are_shown_as_base64_with_a_note() {
    let hex = stream(&["conn_resp", "secmsg_p2p"]);
    // The CONN response gives the challenge (udid empty): the body decrypts, the payload does not.
    let lines = json_lines(&mim(&hex, &[]));
    assert!(
        lines[1]["payload"]["note"]
            .as_str()
            .unwrap()
            .contains("--security-key")
    );
    assert!(lines[1]["payload"]["payloadBase64"].is_string());
    assert_eq!(lines[1]["header"]["cmd"], "SECMSG");
    // No CONN exchange and no key: the body itself is opaque.
    let lines = json_lines(&mim(&stream(&["bind"]), &[]));
    assert!(lines[0]["header"].is_null());
    assert!(
        lines[0]["payload"]["note"]
            .as_str()
            .unwrap()
            .contains("--challenge")
    );
    // The keys given on the command line.
    let lines = json_lines(&mim(&stream(&["bind"]), &["--body-key", "fc1bcd3868"]));
    assert_eq!(lines[0]["payload"]["@type"], "XMMsgBind");
    let lines = json_lines(&mim(
        &stream(&["bind"]),
        &["--challenge", "1234567890", "--udid", ""],
    ));
    assert_eq!(lines[0]["header"]["id"], "bind-2");
}

fn mim(hex: &str, extra: &[&str]) -> Output {
    let mut args = vec!["packet", "decode", "--hex", "--json"];
    args.extend_from_slice(extra);
    mimc(&args, hex.as_bytes())
}

#[test]
fn raw_bytes_and_the_readable_view() {
    let bytes = unhex(&stream(SESSION).replace('\n', ""));
    let out = mimc(&["packet", "decode", "--security-key", SEC, "-"], &bytes);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("frame 0 at byte 0: TCP v5, body 71 bytes\n"),
        "{text}"
    );
    assert!(text.contains("keep-alive"));
    assert!(text.contains("payload: \"hello\" (5 bytes)"), "{text}");
    assert!(text.contains("token: <redacted>"));
    assert!(
        !text.contains("TOKEN-abc123"),
        "no credential on the terminal"
    );
}

#[test]
fn websocket_frames() {
    let hex = stream(&[
        "ws_conn",
        "ws_secmsg_uplink_plain",
        "ws_secmsg_downlink_rc4",
    ]);
    let lines = json_lines(&mim(&hex, &["--ws", "--security-key", SEC]));
    assert_eq!(lines.len(), 3);
    assert!(lines.iter().all(|l| l["version"] == 4));
    assert_eq!(lines[1]["payload"]["payload"]["@type"], "MIMCP2PMessage");
    assert_eq!(lines[2]["payload"]["payload"]["@type"], "MIMCPacketAck");
}

/// The real captured flow: the udid from the client's CONN, the challenge from the server's.
#[test]
fn real_frames_decrypt_with_the_key_from_their_own_conn_exchange() {
    let f = shared("testdata/xiaomi-push-v6-ndpi/frames.json");
    let frames = f["flows"][0]["frames"].as_array().unwrap();
    let pick = |dir: &str, i: u64| {
        frames
            .iter()
            .find(|fr| fr["dir"] == dir && fr["index"] == i)
            .unwrap()["hex"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let hex = [
        pick("C->S", 0),
        pick("S->C", 0),
        pick("C->S", 1),
        pick("S->C", 1),
        pick("C->S", 2),
    ]
    .join("\n");
    let lines = json_lines(&mim(&hex, &[]));
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[0]["payload"]["@type"], "XMMsgConn");
    assert_eq!(lines[0]["payload"]["udid"], f["flows"][0]["udid"]);
    assert_eq!(lines[1]["payload"]["@type"], "XMMsgConnResp");
    assert_eq!(lines[2]["payload"]["@type"], "XMMsgBind");
    assert_eq!(lines[2]["payload"]["method"], "XMPUSH-PASS");
    assert_eq!(lines[3]["payload"]["@type"], "XMMsgBindResp");
    assert_eq!(lines[3]["payload"]["result"], true);
    assert_eq!(lines[4]["keepAlive"], true);
}

#[test]
fn bad_frames_exit_1_with_the_kind_and_the_offset_in_the_stream() {
    let hex = stream(&["conn", "bind"]);
    let mut bytes = unhex(&hex.replace('\n', ""));
    let second = 12 + 71; // the CONN frame's length
    let check = |bytes: &[u8], kind: &str, at: usize| {
        let out = mimc(&["packet", "decode", "--body-key", "fc1bcd3868"], bytes);
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(kind) && err.contains(&format!("at byte {at}")),
            "{err}"
        );
        assert!(err.contains("frame 1"), "{err}");
    };
    let last = bytes.len() - 1;
    bytes[last - 10] ^= 1;
    check(&bytes, "ChecksumMismatch", last - 3);
    bytes[last - 10] ^= 1;
    check(&bytes[..last], "Incomplete", last);
    bytes[second] = 0;
    check(&bytes, "BadMagic", second);
    bytes[second] = 0xc2;
    bytes[second + 3] = 4;
    check(&bytes, "BadVersion", second + 2);
    let out = mimc(&["packet", "decode", "--hex"], b"c2fe0 zz");
    assert_eq!(out.status.code(), Some(1));
    let out = mimc(&["packet", "decode", "--body-key", "xyz"], b"");
    assert_eq!(out.status.code(), Some(2));
}
