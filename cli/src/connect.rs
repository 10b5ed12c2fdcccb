//! `mimc connect`: log in to a MIMC front end over TCP with a token reply, send P2P TEXT messages and
//! wait for their acks, wait for inbound messages; one line per event (`--json`: one JSON object per
//! line). Drives the library's sans-IO `protocol::Connection` over a blocking `TcpStream`.

use std::fmt::Write as _;
use std::io::{self, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use clap::Args;
use mimc_codec::api::TokenData;
use mimc_codec::protocol::{
    Config, ConnError, Connection, Delivery, DeliveryKind, Event, State, TRANSMIT_CAPACITY,
};
use mimc_codec::{Envelope, ToJson};

use crate::inert::{inert, json_string};

/// `mimc connect` arguments.
#[derive(Debug, Args)]
pub(crate) struct ConnectArgs {
    /// The front end, HOST:PORT. PROTOCOL.md names no public TCP address (the SDKs ask a resolver
    /// for it), so there is no default.
    #[arg(long, value_name = "HOST:PORT")]
    server: String,
    /// The JSON body of `POST /api/account/token` (appId, appAccount, miUserId, token,
    /// miUserSecurityKey).
    #[arg(long, value_name = "FILE")]
    token_reply: PathBuf,
    /// The device resource.
    #[arg(long, value_name = "RES", default_value = "mimc-cli")]
    resource: String,
    /// The udid sent in CONN (half of it goes into the body key).
    #[arg(long, value_name = "TEXT", default_value = "")]
    udid: String,
    /// Send TEXT to ACCOUNT as a P2P TEXT envelope (bizType TEXT) and wait for its ack; repeatable,
    /// sent in order.
    #[arg(long = "send", value_name = "ACCOUNT=TEXT", value_parser = parse_send)]
    send: Vec<(String, String)>,
    /// Then wait for N inbound messages.
    #[arg(long, value_name = "N", default_value_t = 0)]
    receive: u64,
    /// Give up (exit 1) after SECS seconds in all.
    #[arg(long, value_name = "SECS", default_value_t = 30.0)]
    timeout: f64,
    /// One JSON object per event per line.
    #[arg(long)]
    json: bool,
}

fn parse_send(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((account, text)) if !account.is_empty() => Ok((account.to_owned(), text.to_owned())),
        _ => Err("expected ACCOUNT=TEXT, such as bob=hello".to_owned()),
    }
}

fn usage(msg: &str) -> ExitCode {
    let _ = writeln!(io::stderr(), "mimc connect: {}", inert(msg));
    ExitCode::from(2)
}

fn failed(msg: &str) -> ExitCode {
    let _ = writeln!(io::stderr(), "mimc connect: {}", inert(msg));
    ExitCode::from(1)
}

/// Prints events as lines.
struct Printer {
    json: bool,
    prefix: String,
}

impl Printer {
    fn line(&self, json: &str, text: &str) {
        let mut out = io::stdout().lock();
        let _ = if self.json {
            writeln!(out, "{json}")
        } else {
            writeln!(out, "{}", inert(text))
        };
        let _ = out.flush();
    }

    fn event(&self, e: &Event) {
        match *e {
            Event::Connected => self.line(r#"{"event":"connected"}"#, "connected"),
            Event::Bound => self.line(r#"{"event":"bound"}"#, "bound"),
            Event::BindFailed { token_invalid } => self.line(
                &format!(r#"{{"event":"bindFailed","tokenInvalid":{token_invalid}}}"#),
                &format!("bind failed (token invalid: {token_invalid})"),
            ),
            Event::Kicked { reconnect } => self.line(
                &format!(r#"{{"event":"kicked","reconnect":{reconnect}}}"#),
                &format!("kicked (reconnect allowed: {reconnect})"),
            ),
            Event::PacketAck { id, sequence, code } => {
                let packet_id = format!("{}{id}", self.prefix);
                self.line(
                    &format!(
                        r#"{{"event":"ack","packetId":{},"sequence":{sequence},"code":{code}}}"#,
                        json_string(&packet_id)
                    ),
                    &format!("ack packetId={packet_id} sequence={sequence} code={code}"),
                );
            }
            Event::AckTimeout { id } => {
                let packet_id = format!("{}{id}", self.prefix);
                self.line(
                    &format!(r#"{{"event":"ackTimeout","packetId":{}}}"#, json_string(&packet_id)),
                    &format!("no ack for packetId={packet_id}"),
                );
            }
            Event::Pong => self.line(r#"{"event":"pong"}"#, "pong"),
            Event::LoggedOut => self.line(r#"{"event":"loggedOut"}"#, "logged out"),
            Event::PullNotification {
                min_sequence,
                max_sequence,
            } => self.line(
                &format!(
                    r#"{{"event":"pullNotification","minSequence":{min_sequence},"maxSequence":{max_sequence}}}"#
                ),
                &format!("pull notification: sequences {min_sequence}..={max_sequence} held"),
            ),
            Event::Error(e) => {
                let what = match e {
                    ConnError::Frame(err) => format!("{}: {err}", err.kind().name()),
                    ConnError::ResponseTimeout => "no response from the server in time".to_owned(),
                    ConnError::Closed => "the server closed the connection".to_owned(),
                    _ => format!("{e:?}"),
                };
                self.line(
                    &format!(r#"{{"event":"error","error":{}}}"#, json_string(&what)),
                    &format!("error: {what}"),
                );
            }
            ref other => {
                let text = format!("{other:?}");
                self.line(
                    &format!(r#"{{"event":"other","debug":{}}}"#, json_string(&text)),
                    &text,
                );
            }
        }
    }

    fn message(&self, d: &Delivery<'_>) {
        let kind = match d.kind {
            DeliveryKind::P2p => "p2p",
            DeliveryKind::P2t => "p2t",
            DeliveryKind::Online => "online",
            DeliveryKind::Uc => "uc",
            _ => "other",
        };
        let from = d.from.app_account();
        let env = d.envelope().ok().and_then(|e| e.to_json_vec().ok());
        let mut json = format!(
            r#"{{"event":"message","kind":"{kind}","from":{},"bizType":{},"sequence":{}"#,
            json_string(from),
            json_string(d.biz_type),
            d.sequence
        );
        if let Some(t) = d.topic_id {
            let _ = write!(json, r#","topicId":{t}"#);
        }
        let text = if let Some(bytes) = &env {
            let env = String::from_utf8_lossy(bytes);
            let _ = write!(json, r#","envelope":{env}}}"#);
            format!(
                "message {kind} from={from} bizType={} sequence={} envelope={env}",
                d.biz_type, d.sequence
            )
        } else {
            let b64 = STANDARD.encode(d.payload);
            let _ = write!(json, r#","payloadBase64":{}}}"#, json_string(&b64));
            format!(
                "message {kind} from={from} bizType={} sequence={} payloadBase64={b64}",
                d.biz_type, d.sequence
            )
        };
        self.line(&json, &text);
    }
}

/// A packet-id prefix unique enough per run (ids must be unique per account: they seed the payload
/// key): the process id and the clock.
fn id_prefix() -> String {
    let t = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    format!("cli{:x}{:x}-", std::process::id(), t & 0xffff_ffff_ffff)
}

pub(crate) fn run(args: &ConnectArgs) -> Result<(), ExitCode> {
    if !(args.timeout.is_finite() && args.timeout > 0.0) {
        return Err(usage("--timeout takes a positive number of seconds"));
    }
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(args.timeout.min(1e9));
    let reply = std::fs::read(&args.token_reply)
        .map_err(|e| usage(&format!("cannot read {}: {e}", args.token_reply.display())))?;
    let shown = args.token_reply.display();
    let data = TokenData::from_json(&reply)
        .map_err(|e| failed(&format!("{shown}: not a token reply: {e}")))?;
    let prefix = id_prefix();
    let cfg = Config::from_token(&data)
        .map_err(|e| failed(&format!("{shown}: {e}")))?
        .with(|c| {
            c.resource = &args.resource;
            c.udid = &args.udid;
            c.id_prefix = &prefix;
        });
    let mut conn = Connection::new(cfg).map_err(|e| failed(&format!("the security key: {e}")))?;
    let printer = Printer {
        json: args.json,
        prefix: prefix.clone(),
    };
    let mut stream = open(&args.server, deadline)?;
    let now =
        |at: Instant| u64::try_from(at.duration_since(started).as_millis()).unwrap_or(u64::MAX);
    conn.connect(now(Instant::now()));
    let mut sends = args.send.iter();
    let mut waiting_ack: Option<u32> = None;
    let mut received = 0u64;
    let mut out = vec![0u8; TRANSMIT_CAPACITY];
    let mut buf = vec![0u8; 16 * 1024];
    let mut failure = false;
    let mut logout_at: Option<Instant> = None;
    loop {
        // Next message, once bound and the previous one is acked.
        if conn.state() == State::Bound && waiting_ack.is_none() {
            if let Some((to, text)) = sends.next() {
                waiting_ack = Some(send_text(
                    &mut conn,
                    &prefix,
                    to,
                    text,
                    now(Instant::now()),
                )?);
            } else if received >= args.receive {
                conn.logout(now(Instant::now()));
                logout_at = Some(Instant::now());
            }
        }
        while let Some(frame) = conn.poll_transmit(&mut out) {
            stream
                .write_all(frame)
                .map_err(|e| failed(&format!("write: {e}")))?;
        }
        while let Some(e) = conn.poll_event() {
            printer.event(&e);
            match e {
                Event::PacketAck { id, code, .. } if Some(id) == waiting_ack => {
                    waiting_ack = None;
                    failure |= code != 0;
                }
                Event::AckTimeout { id } if Some(id) == waiting_ack => failure = true,
                Event::BindFailed { .. } | Event::Kicked { .. } | Event::Error(_) => failure = true,
                _ => {}
            }
        }
        if failure || conn.state() == State::Closed {
            let _ = stream.shutdown(std::net::Shutdown::Both);
            return if failure {
                Err(ExitCode::from(1))
            } else {
                Ok(())
            };
        }
        let at = Instant::now();
        // No SDK reads a UBND response (PROTOCOL.md §5.4): give the server a moment, then leave.
        if logout_at.is_some_and(|t| at.duration_since(t) >= Duration::from_secs(1)) {
            let _ = stream.shutdown(std::net::Shutdown::Both);
            return Ok(());
        }
        if at >= deadline {
            printer.line(
                &format!(r#"{{"event":"timeout","seconds":{}}}"#, args.timeout),
                &format!("timeout after {} s", args.timeout),
            );
            return Err(ExitCode::from(1));
        }
        // Read until the next deadline of the connection or of the run.
        let mut wait = deadline - at;
        if let Some(t) = conn.poll_timeout() {
            let t = Duration::from_millis(t.saturating_sub(now(at)));
            wait = wait.min(t);
        }
        let wait = wait.clamp(Duration::from_millis(1), Duration::from_millis(500));
        let _ = stream.set_read_timeout(Some(wait));
        received += read_once(&mut conn, &mut stream, &mut buf, &printer, || {
            now(Instant::now())
        });
        conn.handle_timeout(now(Instant::now()));
    }
}

/// Queues `text` to `to` as a P2P TEXT envelope in the bizType dialect (no msgType key); its number.
fn send_text(
    conn: &mut Connection<'_>,
    prefix: &str,
    to: &str,
    text: &str,
    now: u64,
) -> Result<u32, ExitCode> {
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(0));
    let msg_id = format!("{prefix}{stamp}");
    let env = Envelope::text(&msg_id, stamp, text).with_kind_key(mimc_codec::KindKey::Absent);
    let payload = env
        .to_json_vec()
        .map_err(|e| failed(&format!("--send {to}=…: {e}")))?;
    conn.send_p2p(to, &payload, "TEXT", now)
        .map_err(|e| failed(&format!("--send {to}=…: {e}")))
}

/// One read (up to the stream's read timeout) into the connection; the messages printed.
fn read_once(
    conn: &mut Connection<'_>,
    stream: &mut TcpStream,
    buf: &mut [u8],
    printer: &Printer,
    now: impl Fn() -> u64,
) -> u64 {
    let mut received = 0;
    match stream.read(buf) {
        Ok(0) => conn.handle_close(now()),
        Ok(n) => {
            conn.handle_input(&buf[..n], now());
            while let Some(d) = conn.poll_message() {
                printer.message(&d);
                received += 1;
            }
        }
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
            ) => {}
        Err(_) => conn.handle_close(now()),
    }
    received
}

/// The TCP connection to `server`, opened before `deadline`.
fn open(server: &str, deadline: Instant) -> Result<TcpStream, ExitCode> {
    let addr = server
        .to_socket_addrs()
        .map_err(|e| usage(&format!("--server {server}: {e}")))?
        .next()
        .ok_or_else(|| usage(&format!("--server {server}: no address")))?;
    let left = deadline.saturating_duration_since(Instant::now());
    let stream = TcpStream::connect_timeout(&addr, left.max(Duration::from_millis(1)))
        .map_err(|e| failed(&format!("cannot connect to {addr}: {e}")))?;
    let _ = stream.set_nodelay(true);
    Ok(stream)
}
