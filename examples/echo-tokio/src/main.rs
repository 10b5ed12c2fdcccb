//! The sans-IO `protocol::Connection` on tokio: connect, bind, and echo every received TEXT message
//! back to its sender.
//!
//! The connection does no I/O: this program owns the `tokio::net::TcpStream`, writes what
//! `poll_transmit` gives, feeds what it reads to `handle_input`, and sleeps until `poll_timeout`
//! (milliseconds since start on tokio's clock) to call `handle_timeout`.
//!
//! - `cargo run -p echo-tokio` runs a self-test: the library's test server (`protocol::testing`,
//!   on 127.0.0.1), the echo client, and a second client that sends three TEXT messages and waits
//!   for each echo; it prints `done: 3 echoes` and exits 0.
//! - `cargo run -p echo-tokio -- HOST:PORT TOKEN_REPLY.json` echoes for real on a MIMC front end,
//!   with the JSON body of `POST /api/account/token`, until the connection ends.

use core::error::Error;
use core::time::Duration;
use std::collections::VecDeque;

use mimc_codec::api::TokenData;
use mimc_codec::protocol::testing::{Account, Server, TcpServer};
use mimc_codec::protocol::{Config, Connection, Event, State, TRANSMIT_CAPACITY};
use mimc_codec::{Envelope, Kind};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

type Result<T> = core::result::Result<T, Box<dyn Error + Send + Sync>>;

/// A `Connection` over a tokio `TcpStream`.
struct Client<'c> {
    /// Boxed: the connection's state is about 7 KiB, kept out of the futures.
    conn: Box<Connection<'c>>,
    stream: TcpStream,
    started: Instant,
    buf: Vec<u8>,
}

/// What one round of I/O brought.
enum Got {
    Event(Event),
    /// A message: sender, bizType, payload, the envelope's text when it is a TEXT envelope.
    Message(String, String, Vec<u8>, Option<String>),
}

impl<'c> Client<'c> {
    async fn connect(addr: &str, config: Config<'c>) -> Result<Self> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let mut c = Client {
            conn: Box::new(Connection::new(config)?),
            stream,
            started: Instant::now(),
            buf: vec![0; 4096],
        };
        c.conn.connect(c.now());
        Ok(c)
    }

    fn now(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Writes every frame the connection has queued.
    async fn flush(&mut self) -> Result<()> {
        let mut out = vec![0u8; TRANSMIT_CAPACITY];
        while let Some(frame) = self.conn.poll_transmit(&mut out) {
            self.stream.write_all(frame).await?;
        }
        Ok(())
    }

    /// Writes what is queued, then waits for input or the connection's next deadline.
    async fn round(&mut self) -> Result<Vec<Got>> {
        self.flush().await?;
        let wait = self
            .conn
            .poll_timeout()
            .map_or(Duration::from_secs(3600), |t| {
                Duration::from_millis(t.saturating_sub(self.now()))
            });
        let mut got = Vec::new();
        match tokio::time::timeout(wait, self.stream.read(&mut self.buf)).await {
            Ok(Ok(0) | Err(_)) => self.conn.handle_close(self.now()),
            Ok(Ok(n)) => {
                let now = self.now();
                self.conn.handle_input(&self.buf[..n], now);
                while let Some(d) = self.conn.poll_message() {
                    let text = d
                        .envelope()
                        .ok()
                        .filter(|e| e.kind() == Kind::Text)
                        .and_then(|e| e.payload_str().map(|s| s.to_cow().into_owned()));
                    got.push(Got::Message(
                        d.from.app_account().to_owned(),
                        d.biz_type.to_owned(),
                        d.payload.to_vec(),
                        text,
                    ));
                }
            }
            Err(_elapsed) => {}
        }
        self.conn.handle_timeout(self.now());
        got.extend(core::iter::from_fn(|| self.conn.poll_event()).map(Got::Event));
        Ok(got)
    }
}

/// Echoes every TEXT message to its sender until the connection closes (or `limit` echoes were
/// acked); returns the echoes acked.
async fn echo(mut c: Client<'_>, limit: usize) -> Result<usize> {
    let mut queue: VecDeque<(String, Vec<u8>)> = VecDeque::new();
    let mut acked = 0;
    while c.conn.state() != State::Closed && acked < limit {
        // One message is queued in the connection at a time: write each before the next. A refusal
        // (ACK_CAPACITY messages awaiting acks) waits for the next round.
        while let Some((to, payload)) = queue.front() {
            if c.conn.send_p2p(to, payload, "TEXT", c.now()).is_err() {
                break;
            }
            queue.pop_front();
            c.flush().await?;
        }
        for got in c.round().await? {
            match got {
                Got::Message(from, biz_type, payload, _) if biz_type == "TEXT" => {
                    println!("echo: {} bytes back to {from}", payload.len());
                    queue.push_back((from, payload));
                }
                Got::Message(from, biz_type, ..) => {
                    println!("echo: ignored a {biz_type} from {from}");
                }
                Got::Event(Event::PacketAck { code: 0, .. }) => acked += 1,
                Got::Event(
                    e @ (Event::Kicked { .. } | Event::BindFailed { .. } | Event::Error(_)),
                ) => {
                    return Err(format!("echo: {e:?}").into());
                }
                Got::Event(e) => println!("echo: {e:?}"),
            }
        }
    }
    Ok(acked)
}

const SK_ECHO: &str = "AAECAwQFBgcICQoLDA0ODw==";
const SK_ALICE: &str = "EBESExQVFhcYGRobHB0eHw==";

/// The self-test: the test server, the echo client, and alice, who sends three TEXTs.
async fn self_test() -> Result<()> {
    let mut server = Server::new();
    server.add_account(Account::new(7, "echo", 2001, "T-echo", SK_ECHO))?;
    server.add_account(Account::new(7, "alice", 2002, "T-alice", SK_ALICE))?;
    let server = TcpServer::start(server)?;
    let addr = server.addr().to_string();

    let echo_cfg = Config::new(7, "echo", 2001, "T-echo", SK_ECHO).with(|c| c.id_prefix = "echo-");
    let echo_client = Client::connect(&addr, echo_cfg).await?;
    let echo_task = tokio::task::spawn_local(async move { echo(echo_client, 3).await });

    let alice_cfg =
        Config::new(7, "alice", 2002, "T-alice", SK_ALICE).with(|c| c.id_prefix = "alice-");
    let mut alice = Client::connect(&addr, alice_cfg).await?;
    let texts = ["one", "two ✓", "three"];
    let mut next = 0;
    let mut echoes = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    while echoes.len() < texts.len() {
        if Instant::now() > deadline {
            return Err("alice: no echo in time".into());
        }
        if alice.conn.state() == State::Bound && next == echoes.len() && next < texts.len() {
            let id = format!("m{next}");
            let env =
                Envelope::text(&id, 1, texts[next]).with_kind_key(mimc_codec::KindKey::Absent);
            let payload = mimc_codec::ToJson::to_json_vec(&env)?;
            // Only once the echo client is bound too (the test server stores nothing offline).
            if server.with(|s| !s.connections_of("echo").is_empty()) {
                alice.conn.send_p2p("echo", &payload, "TEXT", alice.now())?;
                next += 1;
            }
        }
        for got in alice.round().await? {
            match got {
                Got::Message(from, _, _, Some(text)) if from == "echo" => {
                    println!("alice: echo {text:?}");
                    echoes.push(text);
                }
                Got::Event(
                    e @ (Event::Kicked { .. } | Event::BindFailed { .. } | Event::Error(_)),
                ) => {
                    return Err(format!("alice: {e:?}").into());
                }
                _ => {}
            }
        }
        // The echo client may not be bound yet: do not spin.
        if next == echoes.len() && next < texts.len() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    assert_eq!(echoes, texts, "every echo, in order");
    let acked = echo_task.await??;
    assert_eq!(acked, 3);
    println!("done: {} echoes", echoes.len());
    Ok(())
}

/// Echoes on a real front end with a token reply.
async fn for_real(addr: &str, token_reply: &str) -> Result<()> {
    let reply = std::fs::read(token_reply)?;
    let data = TokenData::from_json(&reply)?;
    let prefix = format!("echo{:x}-", std::process::id());
    let cfg = Config::from_token(&data)?.with(|c| {
        c.resource = "echo-tokio";
        c.id_prefix = &prefix;
    });
    let client = Client::connect(addr, cfg).await?;
    let acked = echo(client, usize::MAX).await?;
    println!("done: {acked} echoes");
    Ok(())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let local = tokio::task::LocalSet::new();
    match &args[..] {
        [] => local.run_until(self_test()).await,
        [addr, reply] => local.run_until(for_real(addr, reply)).await,
        _ => Err("usage: echo-tokio [HOST:PORT TOKEN_REPLY.json]".into()),
    }
}
