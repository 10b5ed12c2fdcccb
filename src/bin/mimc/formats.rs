//! The dispatch table: every KIND `--as` accepts, and the code that decodes, views and encodes it.
//!
//! A format plugs in with a unit type implementing [`Model`] (decode, view, and optionally unwrap and
//! postcard) and one line in [`FORMATS`]. KINDs whose model has not landed in the library yet have no
//! entry functions: asking for them is a usage error that says so (exit 2), never made-up output.

use mimc_codec::{DecodeOptions, ToJson, json};

use mimc_codec::api;

use crate::api::{AnyReply, TypedReply};
use crate::callback::CallbackModel;
use crate::envelope::EnvelopeModel;
use crate::report::Problem;
use crate::request::{
    Create, HistP2p, HistP2t, Join, P2p, P2pMore, P2t, P2tMore, RequestBody, Token, Update,
};
use crate::view::Node;

/// The HTTP API calls, as named in `request:<call>` and `response:<call>`.
pub(crate) const CALLS: [&str; 16] = [
    "token",
    "push-p2p",
    "push-p2p-more",
    "push-p2t",
    "push-p2t-more",
    "topic-create",
    "topic-query",
    "topic-mine",
    "topic-join",
    "topic-quit",
    "topic-kick",
    "topic-update",
    "topic-dismiss",
    "history-p2p",
    "history-p2t",
    "contacts",
];

/// What the input is to be read as (the value of `--as`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// Recognise the format by its keys.
    Auto,
    /// A KIND of the table, by name (`envelope`, `callback`, `request:token`, ...).
    Kind(&'static str),
}

impl Target {
    /// Parses a `--as` value. Unknown names list what is accepted.
    pub(crate) fn parse(s: &str) -> Result<Self, String> {
        if s == "auto" {
            return Ok(Target::Auto);
        }
        if let Some(f) = FORMATS.iter().find(|f| f.kind == s) {
            return Ok(Target::Kind(f.kind));
        }
        let hint = match s.split_once(':') {
            Some(("request" | "response", call)) => {
                format!("unknown API call `{call}`; calls: {}", CALLS.join(", "))
            }
            _ => "expected auto, envelope, callback, request:<call> or response:<call> \
                  (`mimc kinds` lists them all)"
                .to_owned(),
        };
        Err(hint)
    }
}

/// Options every format sees.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ctx<'a> {
    /// `--type`: the envelope kind when the JSON carries none (MIMC's bizType).
    pub(crate) biz_type: Option<&'a str>,
    /// `--unwrap`: follow base64 payloads into the envelope inside.
    pub(crate) unwrap: bool,
    /// Decoding limits.
    pub(crate) opts: DecodeOptions,
}

/// What a decode produced.
#[derive(Debug)]
pub(crate) enum Rendered {
    /// The readable view.
    View(Node),
    /// JSON text, one value per line (no trailing newline).
    Json(Vec<u8>),
}

/// An invalid input: the problem, notes for the reader, and where the offset points.
#[derive(Debug)]
pub(crate) struct Invalid {
    /// What is wrong, and where.
    pub(crate) problem: Problem,
    /// Hints printed under the headline.
    pub(crate) notes: Vec<String>,
    /// The name and bytes of the text the offset points into when the problem is inside something found
    /// in the input (a base64 payload); `None` means the input itself.
    pub(crate) nested: Option<(String, Vec<u8>)>,
}

/// Why a command failed.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The input is invalid (exit 1).
    Invalid(Box<Invalid>),
    /// A usage error (exit 2).
    Usage(String),
}

impl Failure {
    /// Adds a note to an invalid-input report (usage errors have none).
    pub(crate) fn note(&mut self, note: impl Into<String>) {
        if let Failure::Invalid(invalid) = self {
            invalid.notes.push(note.into());
        }
    }
}

impl From<mimc_codec::Error> for Failure {
    fn from(e: mimc_codec::Error) -> Self {
        Problem::from(e).into()
    }
}

impl From<Problem> for Failure {
    fn from(problem: Problem) -> Self {
        Failure::Invalid(Box::new(Invalid {
            problem,
            notes: Vec::new(),
            nested: None,
        }))
    }
}

/// A decodable format: how to decode it, show it, and re-encode it.
pub(crate) trait Model {
    /// The decoded value, borrowing the input.
    type Value<'a>: ToJson;

    /// Decodes and validates `input`.
    fn decode<'a>(input: &'a [u8], ctx: &Ctx<'a>) -> Result<Self::Value<'a>, Failure>;

    /// The readable view (following payloads when `ctx.unwrap`).
    fn view(value: &Self::Value<'_>, ctx: &Ctx<'_>) -> Result<Node, Failure>;

    /// The `--json` output: the canonical re-encoding (or, with `--unwrap`, what the payloads hold).
    fn json(value: &Self::Value<'_>, _ctx: &Ctx<'_>) -> Result<Vec<u8>, Failure> {
        Ok(value.to_json_vec()?)
    }

    /// The compact form (`mimc_codec::to_postcard_vec`).
    fn postcard(value: &Self::Value<'_>) -> Result<Vec<u8>, Failure>;
}

/// `decode` entry of a table row.
pub(crate) type DecodeFn = fn(&[u8], &Ctx<'_>, bool) -> Result<Rendered, Failure>;
/// `encode --to postcard` entry of a table row.
pub(crate) type PostcardFn = fn(&[u8], &Ctx<'_>) -> Result<Vec<u8>, Failure>;

/// Decodes with `M`, rendering the view or (`json`) the canonical JSON.
pub(crate) fn run<M: Model>(input: &[u8], ctx: &Ctx<'_>, json: bool) -> Result<Rendered, Failure> {
    let value = M::decode(input, ctx)?;
    if json {
        Ok(Rendered::Json(M::json(&value, ctx)?))
    } else {
        Ok(Rendered::View(M::view(&value, ctx)?))
    }
}

/// Decodes with `M` and encodes the value in the compact form.
pub(crate) fn run_postcard<M: Model>(input: &[u8], ctx: &Ctx<'_>) -> Result<Vec<u8>, Failure> {
    let value = M::decode(input, ctx)?;
    M::postcard(&value)
}

/// One KIND and what this build can do with it.
#[derive(Debug)]
pub(crate) struct Format {
    /// The name `--as` takes.
    pub(crate) kind: &'static str,
    /// What it is, for messages and `mimc kinds`.
    pub(crate) about: &'static str,
    /// Decoding (and `encode --to json`); `None` until the library models it.
    pub(crate) decode: Option<DecodeFn>,
    /// `encode --to postcard`; `None` until the library has a postcard form for it.
    pub(crate) postcard: Option<PostcardFn>,
    /// For the request of a call that sends no body: its method and path template.
    pub(crate) no_body: Option<&'static str>,
}

/// The `request:<call>` row: decoded by `body(Model)`, or `none("METHOD /path")` for calls without a body.
macro_rules! request_row {
    (body, $call:literal, $about:literal, $model:ident) => {
        Format {
            kind: concat!("request:", $call),
            about: $about,
            decode: Some(run::<RequestBody<$model>>),
            postcard: None,
            no_body: None,
        }
    };
    (none, $call:literal, $about:literal, $route:literal) => {
        Format {
            kind: concat!("request:", $call),
            about: $about,
            decode: None,
            postcard: None,
            no_body: Some($route),
        }
    };
}

/// Builds [`FORMATS`]: the envelope, callbacks, the untyped reply, then for every API call its request
/// (its body, or a row saying the call sends none) and its typed reply.
macro_rules! table {
    ($( $call:literal => $req:ident, $how:ident($arg:tt), $req_about:literal, $resp_about:literal; )*) => {
        /// Every KIND. API calls come as `request:<call>` then `response:<call>`, in [`CALLS`] order.
        pub(crate) static FORMATS: &[Format] = &[
            Format {
                kind: "envelope",
                about: "the recommended message envelope",
                decode: Some(run::<EnvelopeModel>),
                postcard: Some(run_postcard::<EnvelopeModel>),
                no_body: None,
            },
            Format {
                kind: "callback",
                about: "a webhook callback body",
                decode: Some(run::<CallbackModel>),
                postcard: Some(run_postcard::<CallbackModel>),
                no_body: None,
            },
            Format {
                kind: "response",
                about: "an HTTP API reply {code, message, data}, data untyped",
                decode: Some(run::<AnyReply>),
                postcard: Some(run_postcard::<AnyReply>),
                no_body: None,
            },
            $(
                request_row!($how, $call, $req_about, $arg),
                Format {
                    kind: concat!("response:", $call),
                    about: $resp_about,
                    decode: Some(run::<TypedReply<api::$req<'static>>>),
                    postcard: Some(run_postcard::<TypedReply<api::$req<'static>>>),
                    no_body: None,
                },
            )*
        ];

        /// `(KIND call name, the request type's own CALL)` for every row, to check they agree.
        #[cfg(test)]
        const CALL_NAMES: &[(&str, &str)] =
            &[$( ($call, <api::$req<'static> as api::ApiRequest>::CALL), )*];
    };
}

table! {
    "token" => TokenRequest, body(Token), "token request body", "token reply";
    "push-p2p" => PushP2p, body(P2p), "one-to-one push request body", "one-to-one push reply";
    "push-p2p-more" => PushP2pMore, body(P2pMore), "push-to-many-users request body", "push-to-many-users reply";
    "push-p2t" => PushP2t, body(P2t), "group push request body", "group push reply";
    "push-p2t-more" => PushP2tMore, body(P2tMore), "push-to-many-groups request body", "push-to-many-groups reply";
    "topic-create" => TopicCreate, body(Create), "create-group request body", "create-group reply";
    "topic-query" => TopicQuery, none("GET /api/topic/{appId}/{topicId}"), "query-group request (GET, no body)", "query-group reply";
    "topic-mine" => TopicMine, none("GET /api/topic/{appId}/account"), "my-groups request (GET, no body)", "my-groups reply";
    "topic-join" => TopicJoin, body(Join), "invite request body", "invite reply";
    "topic-quit" => TopicQuit, none("DELETE /api/topic/{appId}/{topicId}/account"), "leave request (DELETE, no body)", "leave reply";
    "topic-kick" => TopicKick, none("DELETE /api/topic/{appId}/{topicId}/accounts?accounts={account},{account}"), "kick request (DELETE, query string)", "kick reply";
    "topic-update" => TopicUpdate, body(Update), "update-group request body", "update-group reply";
    "topic-dismiss" => TopicDismiss, none("DELETE /api/topic/{appId}/{topicId}"), "dismiss request (DELETE, no body)", "dismiss reply";
    "history-p2p" => HistoryP2p, body(HistP2p), "one-to-one history request body", "one-to-one history reply";
    "history-p2t" => HistoryP2t, body(HistP2t), "group history request body", "group history reply";
    "contacts" => ContactsRequest, none("GET /api/contact/"), "recent contacts request (GET, no body)", "recent contacts reply";
}

/// The table row of `kind`.
pub(crate) fn format(kind: &str) -> Option<&'static Format> {
    FORMATS.iter().find(|f| f.kind == kind)
}

/// The message for a KIND this build cannot handle in the way asked: a call that sends no body, a
/// format without a compact form, or one whose model has not landed.
pub(crate) fn not_supported(f: &Format, what: &str) -> Failure {
    if let Some(route) = f.no_body {
        return Failure::Usage(format!(
            "`{}` has no body: the call is `{route}`, its parameters travel in the path (and query) \
             and its authentication in headers, so there is nothing to decode",
            f.kind
        ));
    }
    if f.decode.is_some() {
        return Failure::Usage(format!(
            "{what} `{}` ({}) is not supported: it has no compact (postcard) form",
            f.kind, f.about
        ));
    }
    Failure::Usage(format!(
        "{what} `{}` ({}) is not supported yet: this build of mimc-codec has no decoder for it",
        f.kind, f.about
    ))
}

/// Webhook callback `msgType` values.
const CALLBACK_TYPES: [&str; 4] = [
    "NORMAL_MSG",
    "OFFLINE_MSG",
    "NORMAL_TOPIC_MSG",
    "OFFLINE_TOPIC_MSG",
];

/// Recognises the format of `input` by its top-level keys: a callback `msgType` value means a callback,
/// `code` with `message` an API reply, `msgId`/`payload`/`content`/`version` an envelope.
///
/// Only reads; input too broken to read keys from is handed to the envelope decoder, which reports the
/// problem with its offset.
pub(crate) fn detect(input: &[u8], opts: &DecodeOptions) -> Result<&'static str, Failure> {
    let Ok(mut obj) = json::top_object(input, opts) else {
        return Ok("envelope");
    };
    let (mut callback, mut code, mut message, mut envelope) = (false, false, false, false);
    let mut keys: Vec<String> = Vec::new();
    let mut scratch = [0u8; 64];
    let mut complete = false;
    loop {
        let (key, value) = match obj.next_member() {
            Ok(Some(member)) => member,
            Ok(None) => {
                complete = true;
                break;
            }
            Err(_) => break,
        };
        match key.as_key(&mut scratch) {
            Some("msgType") => {
                callback |= value
                    .to_json_str()
                    .is_ok_and(|s| CALLBACK_TYPES.iter().any(|t| s.eq_str(t)));
                envelope = true;
            }
            Some("code") => code = true,
            Some("message") => message = true,
            Some("msgId" | "payload" | "content" | "version" | "type") => envelope = true,
            _ => {}
        }
        if keys.len() < 8 {
            keys.push(key.to_cow().into_owned());
        }
    }
    if callback {
        Ok("callback")
    } else if code && message {
        Ok("response")
    } else if envelope || !complete {
        // Broken input goes to the envelope decoder, which reports where it breaks.
        Ok("envelope")
    } else {
        Err(Problem::new(
            "UnknownFormat",
            format!(
                "cannot tell what this is from its keys ({}); name it with --as KIND",
                if keys.is_empty() {
                    "none".to_owned()
                } else {
                    keys.join(", ")
                }
            ),
            0,
        )
        .into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_call_has_a_request_and_a_response_row() {
        for call in CALLS {
            assert!(format(&format!("request:{call}")).is_some(), "{call}");
            assert!(format(&format!("response:{call}")).is_some(), "{call}");
        }
        assert_eq!(FORMATS.len(), 3 + 2 * CALLS.len());
    }

    #[test]
    fn reply_rows_name_their_request_types_call() {
        assert_eq!(CALL_NAMES.len(), CALLS.len());
        for ((kind, call), listed) in CALL_NAMES.iter().zip(CALLS) {
            assert_eq!(kind, call);
            assert_eq!(*kind, listed);
        }
    }

    #[test]
    fn parses_kinds() {
        assert_eq!(Target::parse("auto"), Ok(Target::Auto));
        assert_eq!(Target::parse("envelope"), Ok(Target::Kind("envelope")));
        assert_eq!(
            Target::parse("response:topic-mine"),
            Ok(Target::Kind("response:topic-mine"))
        );
        assert!(
            Target::parse("response:nope")
                .unwrap_err()
                .contains("topic-mine")
        );
        assert!(Target::parse("bogus").is_err());
    }

    #[test]
    fn detects_by_keys() {
        let o = DecodeOptions::new();
        assert_eq!(
            detect(br#"{"msgType":"TEXT","msgId":"x"}"#, &o).ok(),
            Some("envelope")
        );
        assert_eq!(
            detect(br#"{"payload":"x","msgType":"NORMAL_TOPIC_MSG"}"#, &o).ok(),
            Some("callback")
        );
        assert_eq!(
            detect(br#"{"code":200,"data":null,"message":"success"}"#, &o).ok(),
            Some("response")
        );
        assert_eq!(detect(b"{bad", &o).ok(), Some("envelope"));
        assert_eq!(detect(b"{\"a\":1,}", &o).ok(), Some("envelope"));
        assert!(detect(br#"{"a":1}"#, &o).is_err());
    }
}
