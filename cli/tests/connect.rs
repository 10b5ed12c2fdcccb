//! `mimc connect` processes against the library's test server (`protocol::testing::TcpServer`),
//! started in this process on 127.0.0.1: two clients exchange a message, a kick, a refused token, a
//! timeout, and usage errors.
#![allow(missing_docs, clippy::missing_panics_doc)]

use core::time::Duration;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};

use mimc_codec::protocol::testing::{Account, Server, ServerEvent, TcpServer};
use serde_json::Value;

const SK_A: &str = "AAECAwQFBgcICQoLDA0ODw==";
const SK_B: &str = "EBESExQVFhcYGRobHB0eHw==";
const WAIT: Duration = Duration::from_secs(10);

fn server() -> TcpServer {
    let mut s = Server::new();
    s.add_account(Account::new(7, "alice", 1001, "TOKEN-a", SK_A))
        .unwrap();
    s.add_account(Account::new(7, "bob", 1002, "TOKEN-b", SK_B))
        .unwrap();
    TcpServer::start(s).unwrap()
}

/// A token reply file for `account` (as `POST /api/account/token` answers), unique to this test.
fn token_reply(test: &str, account: &str, uuid: u64, token: &str, key: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mimc-connect-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{account}.json"));
    let body = format!(
        r#"{{"code":200,"message":"success","data":{{"appId":"7","appPackage":"com.example","appAccount":"{account}","miChid":9,"miUserId":"{uuid}","miUserSecurityKey":"{key}","token":"{token}"}}}}"#
    );
    std::fs::write(&path, body).unwrap();
    path
}

fn spawn(server: &TcpServer, reply: &PathBuf, extra: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_mimc"))
        .arg("connect")
        .arg("--server")
        .arg(server.addr().to_string())
        .arg("--token-reply")
        .arg(reply)
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run mimc")
}

/// The JSON lines of an output, checked to be JSON, and its exit code.
fn lines(out: &Output) -> Vec<Value> {
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !err.contains("panicked") && !err.contains("internal error"),
        "{err}"
    );
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect()
}

fn events(lines: &[Value]) -> Vec<&str> {
    lines.iter().map(|l| l["event"].as_str().unwrap()).collect()
}

fn wait_bound(server: &TcpServer, account: &str) -> mimc_codec::protocol::testing::ConnId {
    match server.wait_event(
        WAIT,
        |e| matches!(e, ServerEvent::Bound { account: a, .. } if a == account),
    ) {
        Some(ServerEvent::Bound { conn, .. }) => conn,
        other => panic!("{account} did not bind: {other:?}"),
    }
}

#[test]
fn two_processes_exchange_a_message() {
    let server = server();
    let a = token_reply("exchange", "alice", 1001, "TOKEN-a", SK_A);
    let b = token_reply("exchange", "bob", 1002, "TOKEN-b", SK_B);
    let bob = spawn(
        &server,
        &b,
        &[
            "--receive",
            "1",
            "--json",
            "--timeout",
            "20",
            "--resource",
            "laptop",
        ],
    );
    wait_bound(&server, "bob");
    let text = "hello \"bob\" ✓";
    let send = format!("bob={text}");
    let alice = spawn(
        &server,
        &a,
        &[
            "--send",
            &send,
            "--send",
            "bob=second",
            "--json",
            "--timeout",
            "20",
        ],
    )
    .wait_with_output()
    .unwrap();
    let al = lines(&alice);
    assert_eq!(
        alice.status.code(),
        Some(0),
        "{al:?} {}",
        String::from_utf8_lossy(&alice.stderr)
    );
    assert_eq!(
        events(&al)[..4],
        ["connected", "bound", "ack", "ack"],
        "{al:?}"
    );
    assert!(al[2]["packetId"].as_str().unwrap().starts_with("cli"));
    assert_eq!(al[2]["code"], 0);
    assert!(al[3]["sequence"].as_i64() > al[2]["sequence"].as_i64());

    let bob = bob.wait_with_output().unwrap();
    let bl = lines(&bob);
    assert_eq!(
        bob.status.code(),
        Some(0),
        "{bl:?} {}",
        String::from_utf8_lossy(&bob.stderr)
    );
    let msgs: Vec<&Value> = bl.iter().filter(|l| l["event"] == "message").collect();
    assert!(!msgs.is_empty(), "{bl:?}");
    let m = msgs[0];
    assert_eq!(m["from"], "alice");
    assert_eq!(m["bizType"], "TEXT");
    assert_eq!(m["kind"], "p2p");
    assert_eq!(m["envelope"]["payload"], text, "{m}");
    assert!(m["sequence"].as_i64().unwrap() > 0);
    // bob logged out after its one message.
    assert!(
        server
            .wait_event(WAIT, |e| matches!(e, ServerEvent::Unbound { .. }))
            .is_some()
    );
}

#[test]
fn the_readable_output_and_a_binary_payload() {
    let server = server();
    let b = token_reply("readable", "bob", 1002, "TOKEN-b", SK_B);
    let bob = spawn(&server, &b, &["--receive", "1", "--timeout", "20"]);
    let conn = wait_bound(&server, "bob");
    server
        .with(|s| s.push_p2p(conn, "system", b"\x00\xffraw", "BIN"))
        .unwrap();
    let out = bob.wait_with_output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("bound\n"), "{text}");
    assert!(
        text.contains("message p2p from=system bizType=BIN")
            && text.contains("payloadBase64=AP9yYXc="),
        "{text}"
    );
}

#[test]
fn a_kick_exits_1() {
    let server = server();
    let b = token_reply("kick", "bob", 1002, "TOKEN-b", SK_B);
    let bob = spawn(
        &server,
        &b,
        &["--receive", "5", "--json", "--timeout", "20"],
    );
    let conn = wait_bound(&server, "bob");
    server
        .with(|s| s.kick(conn, "single-resource-kick", "single-resource-kick"))
        .unwrap();
    let out = bob.wait_with_output().unwrap();
    let l = lines(&out);
    assert_eq!(out.status.code(), Some(1), "{l:?}");
    assert_eq!(events(&l), ["connected", "bound", "kicked"]);
    assert_eq!(l[2]["reconnect"], false);
}

#[test]
fn a_refused_token_exits_1() {
    let server = server();
    let b = token_reply("refused", "bob", 1002, "TOKEN-stale", SK_B);
    let out = spawn(&server, &b, &["--json", "--timeout", "20"])
        .wait_with_output()
        .unwrap();
    let l = lines(&out);
    assert_eq!(out.status.code(), Some(1), "{l:?}");
    assert_eq!(events(&l), ["connected", "bindFailed"]);
    assert_eq!(l[1]["tokenInvalid"], true);
}

#[test]
fn waiting_too_long_exits_1() {
    let server = server();
    let b = token_reply("timeout", "bob", 1002, "TOKEN-b", SK_B);
    let out = spawn(
        &server,
        &b,
        &["--receive", "1", "--json", "--timeout", "0.5"],
    )
    .wait_with_output()
    .unwrap();
    let l = lines(&out);
    assert_eq!(out.status.code(), Some(1), "{l:?}");
    assert_eq!(events(&l), ["connected", "bound", "timeout"]);
}

#[test]
fn bad_arguments_exit_2() {
    let server = server();
    let b = token_reply("usage", "bob", 1002, "TOKEN-b", SK_B);
    for args in [
        &["--send", "no-equals-sign"][..],
        &["--send", "=text"],
        &["--timeout", "0"],
    ] {
        let out = spawn(&server, &b, args).wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
    let missing = Command::new(env!("CARGO_BIN_EXE_mimc"))
        .args([
            "connect",
            "--server",
            "127.0.0.1:1",
            "--token-reply",
            "/nonexistent/x.json",
        ])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    let not_json = token_reply("usage", "junk", 1, "t", SK_B);
    std::fs::write(&not_json, b"{\"code\":200").unwrap();
    let out = spawn(&server, &not_json, &[]).wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a token reply"));
}
