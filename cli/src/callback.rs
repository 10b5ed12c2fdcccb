//! `--as callback`: the bodies MIMC POSTs to an app's webhook.

use mimc_codec::{Callback, CallbackKind, Kind, Payload, json};

use crate::envelope;
use crate::formats::{Ctx, Failure, Model, json_line};
use crate::message;
use crate::report::Problem;
use crate::view::{self, Node, Value};

/// The webhook callback format.
pub(crate) struct CallbackModel;

impl Model for CallbackModel {
    type Value<'a> = Callback<'a>;

    fn decode<'a>(input: &'a [u8], ctx: &Ctx<'a>) -> Result<Callback<'a>, Failure> {
        let cb = Callback::from_json_with(input, &ctx.opts)?;
        envelope_kind(&cb, input, ctx)?;
        Ok(cb)
    }

    fn view(cb: &Callback<'_>, ctx: &Ctx<'_>) -> Result<Node, Failure> {
        view(cb, ctx)
    }

    fn json(cb: &Callback<'_>, ctx: &Ctx<'_>) -> Result<Vec<u8>, Failure> {
        match (ctx.unwrap, cb.payload()) {
            (true, Some(p)) => message::unwrapped_json(&p, ctx, "payload"),
            _ => json_line(cb),
        }
    }

    fn postcard(cb: &Callback<'_>) -> Result<Vec<u8>, Failure> {
        Ok(mimc_codec::to_postcard_vec(cb)?)
    }

    fn from_postcard(input: &[u8]) -> Result<Callback<'_>, Failure> {
        Ok(mimc_codec::from_postcard(input)?)
    }
}

/// A callback kind the library does not model whose name is an envelope kind (`TEXT`, `PIC_FILE`, ...)
/// is an envelope given as a callback: an error at its `msgType`, instead of a custom callback whose
/// payload then fails as base64.
fn envelope_kind(cb: &Callback<'_>, input: &[u8], ctx: &Ctx<'_>) -> Result<(), Failure> {
    if matches!(
        cb,
        Callback::NormalMsg(_)
            | Callback::OfflineMsg(_)
            | Callback::NormalTopicMsg(_)
            | Callback::OfflineTopicMsg(_)
    ) {
        return Ok(());
    }
    let name = cb.kind().to_string();
    if !envelope::is_modelled(&Kind::parse(&name)) {
        return Ok(());
    }
    let offset = msg_type_offset(input, ctx).unwrap_or(0);
    let mut failure = Failure::from(Problem::new(
        "EnvelopeAsCallback",
        format!(
            "`msgType` `{name}` is an envelope kind, not a callback kind: this is an envelope given \
             as a callback"
        ),
        offset,
    ));
    failure.note(
        "callbacks are NORMAL_MSG, OFFLINE_MSG, NORMAL_TOPIC_MSG or OFFLINE_TOPIC_MSG, with the \
         envelope as base64 in `payload`; decode this one with --as envelope",
    );
    Err(failure)
}

/// The offset of the `msgType` value of a (valid) JSON object.
fn msg_type_offset(input: &[u8], ctx: &Ctx<'_>) -> Option<usize> {
    let mut obj = json::top_object(input, &ctx.opts).ok()?;
    while let Ok(Some((key, value))) = obj.next_member() {
        if key == "msgType" {
            return Some(value.offset());
        }
    }
    None
}

fn about(kind: &CallbackKind<'_>) -> &'static str {
    match kind {
        CallbackKind::NormalMsg => "one-to-one message, delivered",
        CallbackKind::OfflineMsg => "one-to-one message, receiver offline",
        CallbackKind::NormalTopicMsg => "group message, delivered",
        CallbackKind::OfflineTopicMsg => "group message, members offline",
        _ => "callback kind this version does not model, kept verbatim",
    }
}

/// The payload: a summary, or with `--unwrap` the message inside.
fn payload(p: &Payload<'_>, ctx: &Ctx<'_>) -> Result<Value, Failure> {
    if ctx.unwrap {
        message::unwrapped(p, ctx)
    } else {
        Ok(message::summary(p))
    }
}

fn view(cb: &Callback<'_>, ctx: &Ctx<'_>) -> Result<Node, Failure> {
    let kind = cb.kind();
    let name = view::display_text(&kind.to_string());
    let mut n = Node::new("callback").kind(name.clone());
    n.field("msgType", Value::noted(name, about(&kind)));
    match cb {
        Callback::NormalMsg(m) | Callback::OfflineMsg(m) => {
            n.field("fromAppId", view::id(m.from_app_id));
            n.field("fromAccount", view::string(&m.from_account));
            n.field("toAppId", view::id(m.to_app_id));
            n.field("toAccount", view::string(&m.to_account));
            n.field("timestamp", view::millis(m.timestamp));
            n.field("payload", payload(&m.payload, ctx)?);
        }
        Callback::NormalTopicMsg(m) | Callback::OfflineTopicMsg(m) => {
            n.field("appId", view::id(m.app_id));
            n.field("topicId", view::id(m.topic_id));
            n.field("fromAccount", view::string(&m.from_account));
            n.field(
                "toAccounts",
                view::list(
                    m.to_accounts.iter().map(|a| view::string(&a)),
                    m.to_accounts.len(),
                ),
            );
            n.field("timestamp", view::millis(m.timestamp));
            n.field("payload", payload(&m.payload, ctx)?);
        }
        _ => {
            if let Some(raw) = cb.raw_json() {
                n.field("body", view::raw(&raw, ""));
            }
            if let Some(p) = cb.payload() {
                n.field("payload", payload(&p, ctx)?);
            }
        }
    }
    Ok(n)
}
