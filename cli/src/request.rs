//! `--as request:<call>`: HTTP API request bodies.
//!
//! Each body is decoded with its request type's `from_json`, or, for the calls that carry part of the
//! request outside the body (`appId`/`topicId` in the path, authentication in the headers), with their
//! body type's (`TopicCreateBody`, ...), which holds only what the body holds; both apply the same rules
//! as building one (no empty message, at most 500 members, a history window of at most 24 hours, ...).
//! The view shows only what the body carries and says what is elsewhere; `--json` is the canonical body.

use std::marker::PhantomData;

use mimc_codec::api::{
    Call, HistoryP2pBody, HistoryP2tBody, PushMessage, PushP2p, PushP2pMore, PushP2t, PushP2tMore,
    PushSender, Secret, TimeWindow, TokenRequest, TopicCreateBody, TopicJoinBody, TopicUpdateBody,
};
use mimc_codec::{Accounts, ToJson};

use crate::formats::{Ctx, Failure, Model, json_line};
use crate::message;
use crate::view::{self, Node, Value};

/// One call's request body: how to decode it and what to show.
pub(crate) trait Body {
    /// The decoded request.
    type Req<'a>: ToJson;
    /// The call (`request:<call>`): its name, method and route.
    const CALL: Call;
    /// What the request carries outside the body, if anything.
    const ELSEWHERE: Option<&'static str>;

    /// Decodes the body.
    fn decode(input: &[u8]) -> mimc_codec::Result<Self::Req<'_>>;

    /// Adds the body's fields to the view.
    fn fields(req: &Self::Req<'_>, n: &mut Node, ctx: &Ctx<'_>) -> Result<(), Failure>;
}

/// The `Model` of a request body `B`.
pub(crate) struct RequestBody<B>(PhantomData<B>);

impl<B: Body> Model for RequestBody<B> {
    type Value<'a> = B::Req<'a>;

    fn decode<'a>(input: &'a [u8], _ctx: &Ctx<'a>) -> Result<B::Req<'a>, Failure> {
        B::decode(input).map_err(|e| {
            let mut failure = Failure::from(e);
            failure.note(format!("read as the request body of `{}`", B::CALL));
            failure
        })
    }

    fn view(req: &B::Req<'_>, ctx: &Ctx<'_>) -> Result<Node, Failure> {
        let mut n = Node::new(format!("request:{}", B::CALL));
        n.field(
            "call",
            Value::text(format!("{} {}", B::CALL.method(), B::CALL.route())),
        );
        if let Some(elsewhere) = B::ELSEWHERE {
            n.field(
                "not in the body",
                Value::noted(elsewhere, "not shown: the body alone does not carry them"),
            );
        }
        B::fields(req, &mut n, ctx)?;
        Ok(n)
    }

    fn json(req: &B::Req<'_>, _ctx: &Ctx<'_>) -> Result<Vec<u8>, Failure> {
        json_line(req)
    }

    fn postcard(_: &B::Req<'_>) -> Result<Vec<u8>, Failure> {
        Err(Failure::Usage(format!(
            "request:{} has no compact (postcard) form",
            B::CALL
        )))
    }
}

fn secret(s: Secret<'_>) -> Value {
    let len = s.expose().chars().count();
    Value::noted(
        "<redacted>",
        format!("secret, {len} characters; --json shows it"),
    )
}

fn accounts(list: &Accounts<'_>) -> Value {
    view::list(list.iter().map(|a| view::string(&a)), list.len())
}

fn window(n: &mut Node, w: TimeWindow) {
    n.field("utcFromTime", view::millis(w.from()));
    n.field(
        "utcToTime",
        Value::noted(
            w.to().get().to_string(),
            format!(
                "{}, exclusive; the window is {} ms",
                crate::time::utc_millis(w.to().get()),
                w.len_ms()
            ),
        ),
    );
}

fn sender(n: &mut Node, s: &PushSender<'_>) {
    n.field("appId", view::id(s.app_id()));
    n.field("appKey", secret(s.app_key()));
    n.field("appSecret", secret(s.app_secret()));
    n.field("fromAccount", view::string(&s.from_account()));
    n.field("fromResource", view::string(&s.from_resource()));
}

fn msg(n: &mut Node, m: &PushMessage<'_>, ctx: &Ctx<'_>) -> Result<(), Failure> {
    match m {
        PushMessage::Text(t) => {
            n.field("msg", view::text_payload(t, "text"));
            n.field("msgType", Value::noted("\"\"", "msg is the text itself"));
        }
        PushMessage::Base64(p) => {
            let shown = if ctx.unwrap {
                message::unwrapped(p, ctx)?
            } else {
                message::summary(p)
            };
            n.field("msg", shown);
            n.field("msgType", Value::noted("base64", "msg is base64 of bytes"));
        }
        PushMessage::Bytes(b) => {
            n.field("msg", view::bytes(b));
            n.field("msgType", Value::text("base64"));
        }
        _ => {
            n.field(
                "msg",
                Value::text("(a message form this mimc does not know)"),
            );
        }
    }
    Ok(())
}

pub(crate) struct Token;
impl Body for Token {
    type Req<'a> = TokenRequest<'a>;
    const CALL: Call = Call::Token;
    const ELSEWHERE: Option<&'static str> = None;
    fn decode(input: &[u8]) -> mimc_codec::Result<TokenRequest<'_>> {
        TokenRequest::from_json(input)
    }
    fn fields(r: &TokenRequest<'_>, n: &mut Node, _: &Ctx<'_>) -> Result<(), Failure> {
        n.field("appId", view::id(r.app_id()));
        n.field("appKey", secret(r.app_key()));
        n.field("appSecret", secret(r.app_secret()));
        n.field("appAccount", view::string(&r.app_account()));
        Ok(())
    }
}

pub(crate) struct P2p;
impl Body for P2p {
    type Req<'a> = PushP2p<'a>;
    const CALL: Call = Call::PushP2p;
    const ELSEWHERE: Option<&'static str> = None;
    fn decode(input: &[u8]) -> mimc_codec::Result<PushP2p<'_>> {
        PushP2p::from_json(input)
    }
    fn fields(r: &PushP2p<'_>, n: &mut Node, ctx: &Ctx<'_>) -> Result<(), Failure> {
        sender(n, &r.sender());
        n.field("toAccount", view::string(&r.to_account()));
        msg(n, &r.msg(), ctx)
    }
}

pub(crate) struct P2pMore;
impl Body for P2pMore {
    type Req<'a> = PushP2pMore<'a>;
    const CALL: Call = Call::PushP2pMore;
    const ELSEWHERE: Option<&'static str> = None;
    fn decode(input: &[u8]) -> mimc_codec::Result<PushP2pMore<'_>> {
        PushP2pMore::from_json(input)
    }
    fn fields(r: &PushP2pMore<'_>, n: &mut Node, ctx: &Ctx<'_>) -> Result<(), Failure> {
        sender(n, &r.sender());
        n.field("toAccounts", accounts(&r.to_accounts()));
        msg(n, &r.msg(), ctx)
    }
}

pub(crate) struct P2t;
impl Body for P2t {
    type Req<'a> = PushP2t<'a>;
    const CALL: Call = Call::PushP2t;
    const ELSEWHERE: Option<&'static str> = None;
    fn decode(input: &[u8]) -> mimc_codec::Result<PushP2t<'_>> {
        PushP2t::from_json(input)
    }
    fn fields(r: &PushP2t<'_>, n: &mut Node, ctx: &Ctx<'_>) -> Result<(), Failure> {
        sender(n, &r.sender());
        n.field("topicId", view::id(r.topic_id()));
        msg(n, &r.msg(), ctx)
    }
}

pub(crate) struct P2tMore;
impl Body for P2tMore {
    type Req<'a> = PushP2tMore<'a>;
    const CALL: Call = Call::PushP2tMore;
    const ELSEWHERE: Option<&'static str> = None;
    fn decode(input: &[u8]) -> mimc_codec::Result<PushP2tMore<'_>> {
        PushP2tMore::from_json(input)
    }
    fn fields(r: &PushP2tMore<'_>, n: &mut Node, ctx: &Ctx<'_>) -> Result<(), Failure> {
        sender(n, &r.sender());
        let ids = r.topic_ids();
        n.field("topicIds", view::list(ids.iter().map(view::id), ids.len()));
        msg(n, &r.msg(), ctx)
    }
}

pub(crate) struct Create;
impl Body for Create {
    type Req<'a> = TopicCreateBody<'a>;
    const CALL: Call = Call::TopicCreate;
    const ELSEWHERE: Option<&'static str> =
        Some("appId (path); authentication, whose account becomes the owner (headers)");
    fn decode(input: &[u8]) -> mimc_codec::Result<TopicCreateBody<'_>> {
        TopicCreateBody::from_json(input)
    }
    fn fields(r: &TopicCreateBody<'_>, n: &mut Node, _: &Ctx<'_>) -> Result<(), Failure> {
        n.field("topicName", view::string(&r.topic_name));
        n.field("accounts", accounts(&r.accounts));
        Ok(())
    }
}

pub(crate) struct Join;
impl Body for Join {
    type Req<'a> = TopicJoinBody<'a>;
    const CALL: Call = Call::TopicJoin;
    const ELSEWHERE: Option<&'static str> = Some("appId, topicId (path); authentication (headers)");
    fn decode(input: &[u8]) -> mimc_codec::Result<TopicJoinBody<'_>> {
        TopicJoinBody::from_json(input)
    }
    fn fields(r: &TopicJoinBody<'_>, n: &mut Node, _: &Ctx<'_>) -> Result<(), Failure> {
        n.field("accounts", accounts(&r.accounts));
        Ok(())
    }
}

pub(crate) struct Update;
impl Body for Update {
    type Req<'a> = TopicUpdateBody<'a>;
    const CALL: Call = Call::TopicUpdate;
    const ELSEWHERE: Option<&'static str> =
        Some("appId, topicId (path); the owner's authentication (headers)");
    fn decode(input: &[u8]) -> mimc_codec::Result<TopicUpdateBody<'_>> {
        TopicUpdateBody::from_json(input)
    }
    fn fields(r: &TopicUpdateBody<'_>, n: &mut Node, _: &Ctx<'_>) -> Result<(), Failure> {
        let unchanged = || Value::noted("-", "unchanged (not sent)");
        let opt =
            |v: Option<mimc_codec::JsonStr<'_>>| v.map_or_else(unchanged, |s| view::string(&s));
        n.field("ownerAccount", opt(r.owner_account));
        n.field("topicName", opt(r.topic_name));
        n.field("bulletin", opt(r.bulletin));
        Ok(())
    }
}

pub(crate) struct HistP2p;
impl Body for HistP2p {
    type Req<'a> = HistoryP2pBody<'a>;
    const CALL: Call = Call::HistoryP2p;
    const ELSEWHERE: Option<&'static str> = Some("authentication (token header)");
    fn decode(input: &[u8]) -> mimc_codec::Result<HistoryP2pBody<'_>> {
        HistoryP2pBody::from_json(input)
    }
    fn fields(r: &HistoryP2pBody<'_>, n: &mut Node, _: &Ctx<'_>) -> Result<(), Failure> {
        n.field("appId", view::id(r.app_id));
        n.field("toAccount", view::string(&r.to_account));
        n.field("fromAccount", view::string(&r.from_account));
        window(n, r.window);
        Ok(())
    }
}

pub(crate) struct HistP2t;
impl Body for HistP2t {
    type Req<'a> = HistoryP2tBody<'a>;
    const CALL: Call = Call::HistoryP2t;
    const ELSEWHERE: Option<&'static str> = Some("authentication (token header)");
    fn decode(input: &[u8]) -> mimc_codec::Result<HistoryP2tBody<'_>> {
        HistoryP2tBody::from_json(input)
    }
    fn fields(r: &HistoryP2tBody<'_>, n: &mut Node, _: &Ctx<'_>) -> Result<(), Failure> {
        n.field("appId", view::id(r.app_id));
        n.field("account", view::string(&r.account));
        n.field("topicId", view::id(r.topic_id));
        window(n, r.window);
        Ok(())
    }
}
