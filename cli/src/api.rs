//! `--as response` and `--as response:<call>`: HTTP API replies `{code, message, data}`.
//!
//! The wrapper is decoded with [`Response`]; for `response:<call>` the `data` of a successful reply is
//! then read as that call's typed reply (`<R as ApiRequest>::Reply`), which validates every field it
//! models. The view shows `data` as a tree, with ids, timestamps as UTC date-times, secrets redacted, and
//! (`--unwrap`) base64 `payload`s followed into the envelope inside.

use std::marker::PhantomData;

use mimc_codec::api::{ApiRequest, FromData, Response};
use mimc_codec::json::ValueKind;
use mimc_codec::{Payload, RawJson};

use crate::formats::{Ctx, Failure, Model, json_line};
use crate::message;
use crate::view::{self, Node, Value};

/// Nesting followed when looking for payloads (`data.messages[].payload`, `data[].lastMessage.payload`).
const PAYLOAD_DEPTH: usize = 4;

/// A decoded reply: the wrapper (its `data` validated as the call's typed reply when one was named).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Reply<'a> {
    response: Response<'a>,
    call: Option<&'static str>,
}

/// `--as response`: the wrapper only, `data` untyped.
pub(crate) struct AnyReply;

impl Model for AnyReply {
    type Value<'a> = Reply<'a>;

    fn decode<'a>(input: &'a [u8], ctx: &Ctx<'a>) -> Result<Reply<'a>, Failure> {
        Ok(Reply {
            response: Response::from_json_with(input, &ctx.opts)?,
            call: None,
        })
    }

    fn view(reply: &Reply<'_>, ctx: &Ctx<'_>) -> Result<Node, Failure> {
        view(reply, ctx)
    }

    fn json(reply: &Reply<'_>, ctx: &Ctx<'_>) -> Result<Vec<u8>, Failure> {
        json(reply, ctx)
    }

    fn postcard(reply: &Reply<'_>) -> Result<Vec<u8>, Failure> {
        postcard(reply)
    }

    fn from_postcard(input: &[u8]) -> Result<Reply<'_>, Failure> {
        Ok(Reply {
            response: mimc_codec::from_postcard(input)?,
            call: None,
        })
    }
}

/// `--as response:<call>`: the reply of the call `R` (a request type of `mimc_codec::api`).
pub(crate) struct TypedReply<R>(PhantomData<R>);

impl<R: ApiRequest> Model for TypedReply<R> {
    type Value<'a> = Reply<'a>;

    fn decode<'a>(input: &'a [u8], ctx: &Ctx<'a>) -> Result<Reply<'a>, Failure> {
        Self::typed(Response::from_json_with(input, &ctx.opts)?)
    }

    fn from_postcard(input: &[u8]) -> Result<Reply<'_>, Failure> {
        Self::typed(mimc_codec::from_postcard(input)?)
    }

    fn view(reply: &Reply<'_>, ctx: &Ctx<'_>) -> Result<Node, Failure> {
        view(reply, ctx)
    }

    fn json(reply: &Reply<'_>, ctx: &Ctx<'_>) -> Result<Vec<u8>, Failure> {
        json(reply, ctx)
    }

    fn postcard(reply: &Reply<'_>) -> Result<Vec<u8>, Failure> {
        postcard(reply)
    }
}

impl<R: ApiRequest> TypedReply<R> {
    /// The wrapper, its `data` validated as the reply of `R` when the call succeeded.
    fn typed<'a>(response: Response<'a>) -> Result<Reply<'a>, Failure> {
        if response.is_success() {
            // Validation only: the view reads the same (validated) data as a tree.
            <R::Reply<'a> as FromData<'a>>::from_raw(response.data()).map_err(|e| {
                let mut failure = Failure::from(e);
                failure.note(format!("`data` read as the reply of `{}`", R::CALL));
                failure
            })?;
        }
        Ok(Reply {
            response,
            call: Some(R::CALL),
        })
    }
}

/// The compact form of the whole reply (`{code, message, data}`, `data` as its JSON text): the same for
/// every call, as `data`'s typed forms differ per call and some (`null` replies) have none.
fn postcard(reply: &Reply<'_>) -> Result<Vec<u8>, Failure> {
    Ok(mimc_codec::to_postcard_vec(&reply.response)?)
}

fn view(reply: &Reply<'_>, ctx: &Ctx<'_>) -> Result<Node, Failure> {
    let r = &reply.response;
    let title = match reply.call {
        Some(call) => format!("response:{call}"),
        None => "response".to_owned(),
    };
    let mut n = Node::new(title);
    let (code_note, data_note) = match (r.is_success(), reply.call) {
        (true, Some(_)) => ("success", None),
        (true, None) => (
            "success",
            Some("untyped; --as response:<call> reads it as that call's reply"),
        ),
        (false, _) => ("MIMC API error", Some("not read: the call failed")),
    };
    n.field("code", Value::noted(r.code().to_string(), code_note));
    n.field("message", view::string(&r.message()));
    let data = r.data();
    let shown = tree(&data, "data", ctx)?;
    n.field(
        "data",
        match (shown, data_note) {
            (Value::Scalar { text, note: None }, Some(why)) => Value::noted(text, why),
            (other, _) => other,
        },
    );
    Ok(n)
}

/// `data` as a tree ([`view::tree`]: secrets redacted at any depth), with base64 `payload`s summarised or
/// (`--unwrap`) followed into the envelope inside.
fn tree(v: &RawJson<'_>, key: &str, ctx: &Ctx<'_>) -> Result<Value, Failure> {
    view::tree(v, key, 0, &mut |v, key, depth| {
        if key != "payload" || v.kind() != ValueKind::String || depth > PAYLOAD_DEPTH + 1 {
            return Ok(None);
        }
        let p = Payload::from_json(v)?;
        Ok(Some(if ctx.unwrap {
            message::unwrapped(&p, ctx)?
        } else {
            message::summary(&p)
        }))
    })
}

/// The `--json` output: the wrapper; with `--unwrap`, the envelope of every base64 `payload` in `data`
/// (history messages, contacts' last messages), one per line, or the wrapper when there is none.
fn json(reply: &Reply<'_>, ctx: &Ctx<'_>) -> Result<Vec<u8>, Failure> {
    if ctx.unwrap {
        let mut payloads = Vec::new();
        collect_payloads(&reply.response.data(), "data", 0, &mut payloads)?;
        if !payloads.is_empty() {
            let mut out = Vec::new();
            for (i, p) in payloads.iter().enumerate() {
                if i > 0 {
                    out.push(b'\n');
                }
                out.extend(message::unwrapped_json(p, ctx, "payload")?);
            }
            return Ok(out);
        }
    }
    json_line(&reply.response)
}

fn collect_payloads<'a>(
    v: &RawJson<'a>,
    key: &str,
    depth: usize,
    out: &mut Vec<Payload<'a>>,
) -> Result<(), Failure> {
    if key == "payload" && v.kind() == ValueKind::String {
        out.push(Payload::from_json(v)?);
        return Ok(());
    }
    if depth > PAYLOAD_DEPTH {
        return Ok(());
    }
    match v.kind() {
        ValueKind::Object => {
            for m in v.object()? {
                let (k, value) = m?;
                collect_payloads(&value, &k.to_cow(), depth + 1, out)?;
            }
        }
        ValueKind::Array => {
            for item in v.array()? {
                collect_payloads(&item?, "", depth + 1, out)?;
            }
        }
        _ => {}
    }
    Ok(())
}
