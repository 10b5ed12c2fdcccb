//! What the client examples (`api_roundtrip.rs`, `api-hyper/`) share: a stub of MIMC's HTTP API, which
//! listens on 127.0.0.1 in a thread of its own, answers each call with the manual's reply (the fixtures),
//! one request per connection, and stops after the number of calls it was started for; and the lines
//! they print for each request.

use core::fmt::Display;
use core::time::Duration;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread::{self, JoinHandle};

/// The replies of the manual, by method and path prefix.
const ROUTES: &[(&str, &str, &[u8])] = &[
    (
        "POST",
        "/api/account/token",
        include_bytes!("../../tests/fixtures/api/token.response.json"),
    ),
    (
        "POST",
        "/api/topic/",
        include_bytes!("../../tests/fixtures/api/topic-create.response.json"),
    ),
    (
        "POST",
        "/api/push/p2p/",
        include_bytes!("../../tests/fixtures/api/push-p2p.response.json"),
    ),
    (
        "POST",
        "/api/push/p2t/",
        include_bytes!("../../tests/fixtures/api/push-p2t.response.json"),
    ),
    (
        "POST",
        "/api/msg/p2p/query/",
        include_bytes!("../../tests/fixtures/api/history-p2p.response.json"),
    ),
    (
        "POST",
        "/api/msg/p2t/query/",
        include_bytes!("../../tests/fixtures/api/history-p2t.response.json"),
    ),
];

/// The stub's thread: `Ok` once it has answered every call it was started for.
pub(crate) type Stub = JoinHandle<Result<(), String>>;

/// Prints the call, its method and URI, its headers (credentials redacted) and its body, unless the body
/// holds the app's credentials.
pub(crate) fn show<R: mimc_codec::api::ApiRequest>(
    req: &R,
    method: impl Display,
    uri: impl Display,
    body: &[u8],
) {
    println!("\n{} {method} {uri}", R::CALL);
    println!("   headers: {:?}", req.headers());
    if R::CALL == "token" || R::CALL.starts_with("push") {
        println!(
            "   body: {} bytes (holds the app's credentials)",
            body.len()
        );
    } else {
        println!("   body: {}", String::from_utf8_lossy(body));
    }
}

/// Prints the messages of a history reply: sequence, time, sender, and the envelope's kind and text (or
/// the size of a payload that is not an envelope).
pub(crate) fn show_history<'a>(
    messages: impl IntoIterator<Item = mimc_codec::api::HistoryMessage<'a>>,
) -> mimc_codec::Result<()> {
    let mut payload = [0u8; 1024];
    for m in messages {
        let bytes = m.payload_into(&mut payload)?;
        // A kind key in the JSON wins; the Android dialect has none and travels with bizType TEXT.
        match mimc_codec::Envelope::from_json_with_kind(bytes, "TEXT") {
            Ok(env) => println!(
                "          #{} at {} from {}: {} {}",
                m.sequence(),
                m.ts(),
                m.from_account(),
                env.kind(),
                env.payload_str().unwrap_or_default()
            ),
            Err(_) => println!("          #{} ({} bytes)", m.sequence(), bytes.len()),
        }
    }
    Ok(())
}

/// Starts the stub on a free port of 127.0.0.1 for `calls` calls; returns its base URL and its thread.
pub(crate) fn start_stub(calls: usize) -> std::io::Result<(String, Stub)> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let base = format!("http://{}", listener.local_addr()?);
    Ok((base, thread::spawn(move || serve(&listener, calls))))
}

/// Answers `calls` requests, one per connection, then returns.
fn serve(listener: &TcpListener, calls: usize) -> Result<(), String> {
    for _ in 0..calls {
        let (stream, _) = listener.accept().map_err(|e| e.to_string())?;
        answer(stream).map_err(|e| e.to_string())?;
    }
    Ok(())
}

fn answer(mut stream: TcpStream) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut content_length = 0usize;
    let mut has_auth = false;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line)?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            let name = name.trim().to_ascii_lowercase();
            if name == "content-length" {
                content_length = value.trim().parse().unwrap_or(0);
            }
            has_auth |= name == "token" || name == "appkey";
        }
    }
    let mut body = vec![0u8; content_length];
    reader.read_exact(&mut body)?;
    let mut parts = request_line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let reply: &[u8] = ROUTES
        .iter()
        .find(|(m, p, _)| *m == method && path.starts_with(p))
        .map_or(
            br#"{"code":404,"message":"no such call","data":null}"#,
            |r| r.2,
        );
    println!(
        "   stub: {method} {path}, {} body bytes, auth header: {}",
        body.len(),
        if has_auth { "yes" } else { "no" }
    );
    write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json;charset=UTF-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        reply.len()
    )?;
    stream.write_all(reply)?;
    stream.flush()
}
