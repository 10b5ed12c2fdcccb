//! The dispatch table: every KIND `--as` accepts, and the code that decodes, views and encodes it.
//!
//! A format plugs in with a unit type implementing [`Model`] (decode, view, and optionally unwrap and
//! postcard) and one line in [`FORMATS`]. KINDs whose model has not landed in the library yet have no
//! entry functions: asking for them is a usage error that says so (exit 2), never made-up output.

use mimc_codec::api::{self, Call};
use mimc_codec::{DecodeOptions, RawJson, ToJson, json};

use crate::api::{AnyReply, TypedReply};
use crate::callback::CallbackModel;
use crate::envelope::EnvelopeModel;
use crate::report::Problem;
use crate::request::{
    Create, HistP2p, HistP2t, Join, P2p, P2pMore, P2t, P2tMore, RequestBody, Token, Update,
};
use crate::view::Node;

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
                let names: Vec<&str> = Call::ALL.iter().map(|c| c.name()).collect();
                format!("unknown API call `{call}`; calls: {}", names.join(", "))
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
    /// `--from postcard`: the input is the compact form, not JSON.
    pub(crate) postcard: bool,
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
    type Value<'a>;

    /// Decodes and validates `input`.
    fn decode<'a>(input: &'a [u8], ctx: &Ctx<'a>) -> Result<Self::Value<'a>, Failure>;

    /// The readable view (following payloads when `ctx.unwrap`).
    fn view(value: &Self::Value<'_>, ctx: &Ctx<'_>) -> Result<Node, Failure>;

    /// The `--json` output: the canonical re-encoding on one line ([`json_line`]), or with `--unwrap`
    /// what the payloads hold.
    fn json(value: &Self::Value<'_>, ctx: &Ctx<'_>) -> Result<Vec<u8>, Failure>;

    /// The compact form (`mimc_codec::to_postcard_vec`).
    fn postcard(value: &Self::Value<'_>) -> Result<Vec<u8>, Failure>;

    /// Decodes the compact form (`--from postcard`, `mimc_codec::from_postcard`).
    fn from_postcard(_input: &[u8]) -> Result<Self::Value<'_>, Failure> {
        Err(Failure::Usage(
            "this KIND has no compact (postcard) form to read".to_owned(),
        ))
    }
}

/// Decodes `input` as JSON, or (`--from postcard`) as the compact form.
fn decode_value<'a, M: Model>(input: &'a [u8], ctx: &Ctx<'a>) -> Result<M::Value<'a>, Failure> {
    if ctx.postcard {
        M::from_postcard(input)
    } else {
        M::decode(input, ctx)
    }
}

/// `decode` entry of a table row.
pub(crate) type DecodeFn = fn(&[u8], &Ctx<'_>, bool) -> Result<Rendered, Failure>;
/// `encode --to postcard` entry of a table row.
pub(crate) type PostcardFn = fn(&[u8], &Ctx<'_>) -> Result<Vec<u8>, Failure>;

/// Decodes with `M`, rendering the view or (`json`) the canonical JSON.
pub(crate) fn run<M: Model>(input: &[u8], ctx: &Ctx<'_>, json: bool) -> Result<Rendered, Failure> {
    let value = decode_value::<M>(input, ctx)?;
    if json {
        Ok(Rendered::Json(M::json(&value, ctx)?))
    } else {
        Ok(Rendered::View(M::view(&value, ctx)?))
    }
}

/// Decodes with `M` and encodes the value in the compact form.
pub(crate) fn run_postcard<M: Model>(input: &[u8], ctx: &Ctx<'_>) -> Result<Vec<u8>, Failure> {
    let value = decode_value::<M>(input, ctx)?;
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
    /// The API call of a `request:<call>` or `response:<call>` row.
    pub(crate) call: Option<Call>,
}

impl Format {
    /// For the request of a call that sends no body: the call.
    pub(crate) fn no_body(&self) -> Option<Call> {
        self.call
            .filter(|c| !c.has_body() && self.kind.starts_with("request:"))
    }
}

/// The canonical JSON of `value` on one line: the library's writer, then the whitespace of verbatim
/// values (a pretty-printed reply's `data`, a custom payload) dropped with `RawJson::write_compact`.
pub(crate) fn json_line(value: &impl ToJson) -> Result<Vec<u8>, Failure> {
    let json = value.to_json_vec()?;
    if !json
        .iter()
        .any(|&b| matches!(b, b'\n' | b'\r' | b'\t' | b' '))
    {
        return Ok(json);
    }
    let text = std::str::from_utf8(&json).map_err(|e| {
        Failure::Usage(format!(
            "internal error: the library wrote invalid UTF-8 at byte {}",
            e.valid_up_to()
        ))
    })?;
    let mut out = Vec::with_capacity(json.len());
    RawJson::parse(text)?.write_compact(&mut out)?;
    Ok(out)
}

/// The `request:<call>` row: decoded by `body(Model)`, or `none` for calls without a body.
macro_rules! request_row {
    (body, $name:literal, $call:ident, $about:literal, $model:ident) => {
        Format {
            kind: concat!("request:", $name),
            about: $about,
            decode: Some(run::<RequestBody<$model>>),
            postcard: None,
            call: Some(Call::$call),
        }
    };
    (none, $name:literal, $call:ident, $about:literal, $_:tt) => {
        Format {
            kind: concat!("request:", $name),
            about: $about,
            decode: None,
            postcard: None,
            call: Some(Call::$call),
        }
    };
}

/// Builds [`FORMATS`]: the envelope, callbacks, the untyped reply, then for every API call its request
/// (its body, or a row saying the call sends none) and its typed reply.
macro_rules! table {
    ($( $name:literal $call:ident => $req:ident, $how:ident($arg:tt), $req_about:literal, $resp_about:literal; )*) => {
        /// Every KIND. API calls come as `request:<call>` then `response:<call>`, in `Call::ALL` order.
        pub(crate) static FORMATS: &[Format] = &[
            Format {
                kind: "envelope",
                about: "the recommended message envelope",
                decode: Some(run::<EnvelopeModel>),
                postcard: Some(run_postcard::<EnvelopeModel>),
                call: None,
            },
            Format {
                kind: "callback",
                about: "a webhook callback body",
                decode: Some(run::<CallbackModel>),
                postcard: Some(run_postcard::<CallbackModel>),
                call: None,
            },
            Format {
                kind: "response",
                about: "an HTTP API reply {code, message, data}, data untyped",
                decode: Some(run::<AnyReply>),
                postcard: Some(run_postcard::<AnyReply>),
                call: None,
            },
            $(
                request_row!($how, $name, $call, $req_about, $arg),
                Format {
                    kind: concat!("response:", $name),
                    about: $resp_about,
                    decode: Some(run::<TypedReply<api::$req<'static>>>),
                    postcard: Some(run_postcard::<TypedReply<api::$req<'static>>>),
                    call: Some(Call::$call),
                },
            )*
        ];

        /// `(KIND call name, the call, the request type's own CALL)` for every row, to check they agree.
        #[cfg(test)]
        const CALL_NAMES: &[(&str, Call, &str)] =
            &[$( ($name, Call::$call, <api::$req<'static> as api::ApiRequest>::CALL), )*];
    };
}

table! {
    "token" Token => TokenRequest, body(Token), "token request body", "token reply";
    "push-p2p" PushP2p => PushP2p, body(P2p), "one-to-one push request body", "one-to-one push reply";
    "push-p2p-more" PushP2pMore => PushP2pMore, body(P2pMore), "push-to-many-users request body", "push-to-many-users reply";
    "push-p2t" PushP2t => PushP2t, body(P2t), "group push request body", "group push reply";
    "push-p2t-more" PushP2tMore => PushP2tMore, body(P2tMore), "push-to-many-groups request body", "push-to-many-groups reply";
    "topic-create" TopicCreate => TopicCreate, body(Create), "create-group request body", "create-group reply";
    "topic-query" TopicQuery => TopicQuery, none(-), "query-group request (GET, no body)", "query-group reply";
    "topic-mine" TopicMine => TopicMine, none(-), "my-groups request (GET, no body)", "my-groups reply";
    "topic-join" TopicJoin => TopicJoin, body(Join), "invite request body", "invite reply";
    "topic-quit" TopicQuit => TopicQuit, none(-), "leave request (DELETE, no body)", "leave reply";
    "topic-kick" TopicKick => TopicKick, none(-), "kick request (DELETE, query string)", "kick reply";
    "topic-update" TopicUpdate => TopicUpdate, body(Update), "update-group request body", "update-group reply";
    "topic-dismiss" TopicDismiss => TopicDismiss, none(-), "dismiss request (DELETE, no body)", "dismiss reply";
    "history-p2p" HistoryP2p => HistoryP2p, body(HistP2p), "one-to-one history request body", "one-to-one history reply";
    "history-p2t" HistoryP2t => HistoryP2t, body(HistP2t), "group history request body", "group history reply";
    "contacts" Contacts => ContactsRequest, none(-), "recent contacts request (GET, no body)", "recent contacts reply";
}

/// The table row of `kind`.
pub(crate) fn format(kind: &str) -> Option<&'static Format> {
    FORMATS.iter().find(|f| f.kind == kind)
}

/// The message for a KIND this build cannot handle in the way asked: a call that sends no body, a
/// format without a compact form, or one whose model has not landed.
pub(crate) fn not_supported(f: &Format, what: &str) -> Failure {
    if let Some(call) = f.no_body() {
        return Failure::Usage(format!(
            "`{}` has no body: the call is `{} {}`, its parameters travel in the path (and query) \
             and its authentication in headers, so there is nothing to decode",
            f.kind,
            call.method(),
            call.route()
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

/// Recognises which compact form `input` is: the one of envelope, callback and reply that reads it
/// whole. Postcard bytes carry no type, so more than one (or none) is an error asking for `--as`.
pub(crate) fn detect_postcard(input: &[u8]) -> Result<&'static str, Failure> {
    let envelope = mimc_codec::from_postcard::<mimc_codec::Envelope<'_>>(input);
    let callback = mimc_codec::from_postcard::<mimc_codec::Callback<'_>>(input);
    let response = mimc_codec::from_postcard::<api::Response<'_>>(input);
    let fits: Vec<&str> = [
        ("envelope", envelope.is_ok()),
        ("callback", callback.is_ok()),
        ("response", response.is_ok()),
    ]
    .into_iter()
    .filter_map(|(k, ok)| ok.then_some(k))
    .collect();
    match fits.as_slice() {
        [one] => Ok(one),
        [] => {
            // Report the envelope reader's error (the most common compact value).
            let e = envelope.err().map(Problem::from);
            let mut failure = Failure::from(
                e.unwrap_or_else(|| Problem::new("UnknownFormat", "not a compact value", 0)),
            );
            failure.note(
                "read as a compact envelope; none of envelope, callback and response reads these \
                 bytes (name the KIND with --as)",
            );
            Err(failure)
        }
        many => Err(Problem::new(
            "AmbiguousFormat",
            format!(
                "these bytes read as more than one compact form ({}); name it with --as KIND",
                many.join(", ")
            ),
            0,
        )
        .into()),
    }
}

/// Webhook callback `msgType` values.
const CALLBACK_TYPES: [&str; 4] = [
    "NORMAL_MSG",
    "OFFLINE_MSG",
    "NORMAL_TOPIC_MSG",
    "OFFLINE_TOPIC_MSG",
];

/// Top-level keys of API request bodies that envelopes, callbacks and replies do not have.
const REQUEST_KEYS: [&str; 14] = [
    "msg",
    "toAccount",
    "toAccounts",
    "topicId",
    "topicIds",
    "appAccount",
    "appKey",
    "appSecret",
    "utcFromTime",
    "utcToTime",
    "topicName",
    "accounts",
    "bulletin",
    "ownerAccount",
];

/// The `request:<call>` KIND a body with these keys is: a push has `msg` (and a `msgType` of `""` or
/// `base64`, which is why this comes before the envelope), a token request `appAccount`, a history query
/// its time window, the group calls their group fields.
fn request_call(keys: &[&str], envelope: bool) -> Option<&'static str> {
    let has = |k: &str| keys.contains(&k);
    if has("msg") {
        return Some(if has("toAccounts") {
            "request:push-p2p-more"
        } else if has("topicIds") {
            "request:push-p2t-more"
        } else if has("topicId") {
            "request:push-p2t"
        } else {
            "request:push-p2p"
        });
    }
    if envelope {
        return None;
    }
    if has("appAccount") {
        Some("request:token")
    } else if has("utcFromTime") || has("utcToTime") {
        Some(if has("topicId") {
            "request:history-p2t"
        } else {
            "request:history-p2p"
        })
    } else if has("topicName") && has("accounts") {
        Some("request:topic-create")
    } else if has("accounts") {
        Some("request:topic-join")
    } else if has("bulletin") || has("ownerAccount") || has("topicName") {
        Some("request:topic-update")
    } else {
        None
    }
}

/// Recognises the format of `input` by its top-level keys: a callback `msgType` value means a callback,
/// `code` with `message` an API reply, the keys of a request body that request ([`request_call`]),
/// `msgId`/`payload`/`content`/`version` an envelope.
///
/// Only reads; input too broken to read keys from is handed to the envelope decoder, which reports the
/// problem with its offset.
pub(crate) fn detect(input: &[u8], opts: &DecodeOptions) -> Result<&'static str, Failure> {
    let Ok(mut obj) = json::top_object(input, opts) else {
        return Ok("envelope");
    };
    let (mut callback, mut code, mut message, mut envelope) = (false, false, false, false);
    // Keys only callbacks have, and keys only envelopes have.
    let (mut callback_keys, mut envelope_keys) = (false, false);
    let mut seen: Vec<&'static str> = Vec::new();
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
            Some("msgId" | "version") => {
                envelope = true;
                envelope_keys = true;
            }
            Some("payload" | "content" | "type") => envelope = true,
            Some("fromAppId" | "toAppId") => callback_keys = true,
            Some(k) => {
                if let Some(&known) = REQUEST_KEYS.iter().find(|&&r| r == k) {
                    seen.push(known);
                }
            }
            None => {}
        }
        if keys.len() < 8 {
            keys.push(key.to_cow().into_owned());
        }
    }
    // A callback's keys with an envelope's kind is read as a callback, which says what it is.
    if callback || (callback_keys && !envelope_keys) {
        return Ok("callback");
    }
    if code && message {
        return Ok("response");
    }
    if let Some(call) = request_call(&seen, envelope) {
        return Ok(call);
    }
    if envelope || !complete {
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
        for call in Call::ALL {
            let req = format(&format!("request:{call}")).unwrap();
            assert_eq!(req.call, Some(call));
            assert_eq!(req.decode.is_some(), call.has_body(), "{call}");
            assert_eq!(req.no_body().is_some(), !call.has_body(), "{call}");
            let resp = format(&format!("response:{call}")).unwrap();
            assert_eq!((resp.call, resp.no_body()), (Some(call), None));
        }
        assert_eq!(FORMATS.len(), 3 + 2 * Call::ALL.len());
    }

    #[test]
    fn rows_name_their_request_types_call() {
        assert_eq!(CALL_NAMES.len(), Call::ALL.len());
        for ((name, call, request_call), listed) in CALL_NAMES.iter().zip(Call::ALL) {
            assert_eq!((*call, call.name(), *request_call), (listed, *name, *name));
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
