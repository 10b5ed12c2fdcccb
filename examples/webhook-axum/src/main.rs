//! A MIMC webhook receiver with axum: MIMC POSTs one JSON callback per message; this decodes it and the
//! envelope its payload carries, and answers.
//!
//! Run with `cargo run -p webhook-axum -- PORT` (or `PORT=... cargo run -p webhook-axum`; `0` or nothing
//! picks a free port). It listens on 127.0.0.1 only, prints the address it bound, then one line per
//! request: the status it answered and what it read. Try it with a fixture:
//!
//! ```text
//! curl --data-binary @tests/fixtures/callback/normal_msg.json http://127.0.0.1:PORT/
//! ```
//!
//! Answers: **200** for a message it accepted (or had accepted before), **400** with the error, byte offset
//! included, for a body it cannot read (not a callback, or a payload that is not base64).
//!
//! MIMC retries every reply other than 200 three times (after 5 s, 30 s and 5 min). What follows:
//! - The same message can arrive more than once: when the 200 is lost or comes too late, MIMC sends the
//!   message again. So accept idempotently: remember what was handled and answer 200 again for a repeat,
//!   without handling it twice. A callback has no id of its own: the key is its kind, sender and receiver
//!   (account or group) with the envelope's `msgId` (unique per sender), or, for a payload that is not an
//!   envelope (or one without `msgId`), with the timestamp and the payload bytes, which a retry repeats
//!   exactly. A retry may escape its JSON differently (`\/` in the base64): the key is read from the
//!   decoded values, never from the body's bytes. Keep the keys longer than the retries last (5 min 35 s);
//!   with several instances, in a store they share.
//! - Answer 200 only once the message is safe (stored or queued): after a 200 MIMC never sends it again.
//! - A 400 for a body that can never be read brings the same body three more times; it is still the
//!   honest answer, and it shows in MIMC's records.

use std::collections::{HashSet, VecDeque};
use std::io;
use std::process::ExitCode;
use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use mimc_codec::{Body, Callback, Envelope, Message, ToJson};

/// MIMC carries payloads of at most 15 KiB.
const MAX_PAYLOAD: usize = 15 * 1024;

/// How many keys are remembered: far more than MIMC can send within its retry window here.
const REMEMBERED: usize = 100_000;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let arg = std::env::args()
        .nth(1)
        .or_else(|| std::env::var("PORT").ok());
    let Ok(port) = arg.as_deref().unwrap_or("0").parse::<u16>() else {
        eprintln!("usage: webhook-axum [PORT] (or PORT in the environment; 0 picks a free port)");
        return ExitCode::from(2);
    };
    match serve(port).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("webhook-axum: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(port: u16) -> io::Result<()> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("listening on http://{}/", listener.local_addr()?);
    let app = Router::new()
        .route("/", post(webhook))
        .with_state(Arc::new(Mutex::new(Seen::default())));
    axum::serve(listener, app).await
}

/// One callback: the status MIMC gets, and a line saying why (printed here, and sent as the body).
async fn webhook(State(seen): State<Arc<Mutex<Seen>>>, body: Bytes) -> (StatusCode, String) {
    let (status, line) = match read(&body) {
        Ok((key, what)) => {
            let first = seen
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(key);
            // Handle the message here, before answering 200 (store it, queue it), and only when `first`.
            let verdict = if first { "accepted" } else { "duplicate" };
            (StatusCode::OK, format!("{verdict} {what}"))
        }
        Err(error) => (StatusCode::BAD_REQUEST, error),
    };
    println!("{} {line}", status.as_u16());
    (status, line + "\n")
}

/// Reads a callback body: the key that identifies its message across retries, and a description.
/// Texts coming from users are printed through `{:?}`, so control characters arrive escaped.
fn read(body: &[u8]) -> Result<(Key, String), String> {
    let callback = Callback::from_json(body).map_err(|e| format!("not a callback: {e}"))?;
    let mut buf = vec![0u8; MAX_PAYLOAD];
    let message = callback
        .decode_message(&mut buf)
        .map_err(|e| format!("unreadable payload: {e}"))?;
    let from = callback
        .from_account()
        .map(|a| a.to_string())
        .unwrap_or_default();
    let (to, shown_to) = match &callback {
        Callback::NormalMsg(m) | Callback::OfflineMsg(m) => {
            let to = m.to_account.to_string();
            let shown = format!("{to:?}");
            (to, shown)
        }
        Callback::NormalTopicMsg(m) | Callback::OfflineTopicMsg(m) => (
            m.topic_id.to_string(),
            format!("topic {} ({} accounts)", m.topic_id, m.to_accounts.len()),
        ),
        _ => (String::new(), "?".to_owned()),
    };
    let heading = format!("{} from {from:?} to {shown_to}", callback.kind());
    let bytes_id = |bytes: &[u8]| Id::Bytes {
        timestamp: callback.timestamp().map(|t| t.get()),
        bytes: bytes.to_vec(),
    };
    let (id, what) = match message {
        Message::Envelope(env) => {
            let id = match env.msg_id() {
                Some(id) => Id::MsgId(id.to_string()),
                // No id: the envelope's canonical JSON stands for its bytes.
                None => bytes_id(&env.to_json_vec().unwrap_or_default()),
            };
            (id, format!("{heading}: {}", describe(&env)))
        }
        Message::Raw(bytes) => (
            bytes_id(bytes),
            format!("{heading}: {} raw bytes", bytes.len()),
        ),
        _ => (bytes_id(&[]), heading),
    };
    let key = Key {
        kind: callback.kind().to_string(),
        from,
        to,
        id,
    };
    Ok((key, what))
}

/// The envelope's kind and id, and its text for a text message.
fn describe(env: &Envelope<'_>) -> String {
    let id = env.msg_id().map(ToString::to_string).unwrap_or_default();
    match env.body() {
        Body::Text(text) => format!("{} {id} {:?}", env.kind(), text.to_string()),
        _ => format!("{} {id}", env.kind()),
    }
}

/// What identifies a message across MIMC's retries (see the module docs): the callback's kind, sender
/// and receiver (account or group), and the message's id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    kind: String,
    from: String,
    to: String,
    id: Id,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Id {
    /// The envelope's `msgId`, unique per sender.
    MsgId(String),
    /// No `msgId`: the timestamp and the payload bytes, which a retry repeats exactly.
    Bytes {
        timestamp: Option<u64>,
        bytes: Vec<u8>,
    },
}

/// The keys of the last [`REMEMBERED`] messages.
#[derive(Default)]
struct Seen {
    keys: HashSet<Key>,
    order: VecDeque<Key>,
}

impl Seen {
    /// Remembers `key`; `false` when it was there already.
    fn insert(&mut self, key: Key) -> bool {
        if self.keys.contains(&key) {
            return false;
        }
        if self.order.len() == REMEMBERED {
            if let Some(old) = self.order.pop_front() {
                self.keys.remove(&old);
            }
        }
        self.order.push_back(key.clone());
        self.keys.insert(key)
    }
}
