//! `--as envelope`: the recommended message envelope.

use mimc_codec::{Body, ContentKind, Envelope, ErrorKind, Kind, KindKey, Payload};

use crate::formats::{Ctx, Failure, Model, json_line};
use crate::view::{self, Node, Value};

/// The envelope format.
pub(crate) struct EnvelopeModel;

impl Model for EnvelopeModel {
    type Value<'a> = Envelope<'a>;

    fn decode<'a>(input: &'a [u8], ctx: &Ctx<'a>) -> Result<Envelope<'a>, Failure> {
        Envelope::from_json_with_kind_and_options(input, ctx.biz_type, &ctx.opts).map_err(|e| {
            let kindless = e.kind() == ErrorKind::MissingField && e.field() == Some("msgType");
            let mut failure = Failure::from(e);
            if kindless {
                failure.note(
                    "the JSON has no `msgType`/`type` key: give the kind with --type BIZTYPE \
                     (MIMC's bizType, e.g. --type TEXT)",
                );
            }
            failure
        })
    }

    fn view(env: &Envelope<'_>, _ctx: &Ctx<'_>) -> Result<Node, Failure> {
        Ok(view(env))
    }

    fn json(env: &Envelope<'_>, _ctx: &Ctx<'_>) -> Result<Vec<u8>, Failure> {
        json_line(env)
    }

    fn postcard(env: &Envelope<'_>) -> Result<Vec<u8>, Failure> {
        Ok(mimc_codec::to_postcard_vec(env)?)
    }

    fn from_postcard(input: &[u8]) -> Result<Envelope<'_>, Failure> {
        Ok(mimc_codec::from_postcard(input)?)
    }
}

/// Is `kind` one the library models (not an app-defined custom kind)?
pub(crate) fn is_modelled(kind: &Kind<'_>) -> bool {
    matches!(
        kind,
        Kind::Ping
            | Kind::Pong
            | Kind::Text
            | Kind::File(_)
            | Kind::Recall(_)
            | Kind::Read(_)
            | Kind::AddFriendRequest
            | Kind::AddFriendResponse
    )
}

/// What a kind is, in a few words.
fn about(kind: &Kind<'_>) -> String {
    // The content kind's name: `TEXT`, `PIC_FILE`, `LOCATION`.
    let content = |c: &ContentKind<'_>| c.to_string();
    match kind {
        Kind::Ping => "presence check".to_owned(),
        Kind::Pong => "presence answer".to_owned(),
        Kind::Text => "text message".to_owned(),
        Kind::File(_) => "file message".to_owned(),
        Kind::Recall(c) => format!("recall of a {} message", content(c)),
        Kind::Read(c) => format!("read receipt for a {} message", content(c)),
        Kind::AddFriendRequest => "friend request".to_owned(),
        Kind::AddFriendResponse => "friend request answer".to_owned(),
        _ => "app-defined kind, payload kept verbatim".to_owned(),
    }
}

/// One-member payload object.
fn record(key: &str, value: Value) -> Value {
    let mut n = Node::new("");
    n.field(key, value);
    Value::Node(n)
}

/// The readable view of an envelope.
pub(crate) fn view(env: &Envelope<'_>) -> Node {
    let kind = env.kind();
    let name = kind.to_string();
    let mut n = Node::new("envelope").kind(view::display_text(&name));
    n.field("version", view::id(env.version()));
    n.field(
        "msgId",
        env.msg_id()
            .map_or_else(|| Value::noted("-", "absent"), view::string),
    );
    let (label, note) = match env.kind_key().name() {
        Some(key) => (key, about(&kind)),
        None => (
            "bizType",
            format!(
                "{}; no kind key in the JSON, given with --type",
                about(&kind)
            ),
        ),
    };
    n.field(label, Value::noted(view::display_text(&name), note));
    n.field("timestamp", view::millis(env.timestamp()));
    let pk = env.payload_key().name();
    let payload = match env.body() {
        Body::Ping(s) | Body::Pong(s) => view::text_payload(s, "account"),
        Body::Text(s) if env.kind_key() == KindKey::Absent => {
            view::text_payload(s, "text, or its base64 in the SDK demos' dialects")
        }
        Body::Text(s) => view::text_payload(s, "text"),
        Body::File { url, .. } => view::text_payload(url, "URL"),
        Body::Recall { msg_id, .. } => record("recall_msgId", view::string(msg_id)),
        Body::Read { msg_id, .. } => record("read_msgId", view::string(msg_id)),
        Body::AddFriendRequest { requester } => record("add_requester", view::string(requester)),
        Body::AddFriendResponse {
            responser,
            accepted,
        } => {
            let mut p = Node::new("");
            p.field("add_responser", view::string(responser));
            p.field("accepted", Value::text(accepted.to_string()));
            Value::Node(p)
        }
        _ => match env.raw_payload() {
            Some(raw) => view::raw(&raw, pk),
            None => Value::noted("-", "absent"),
        },
    };
    n.field(pk, payload);
    // The SDK demos' dialects (no kind key) carry the message bytes as base64: show them too.
    if env.kind_key() == KindKey::Absent {
        if let Some(text) = env.payload_str() {
            if let Ok(bytes) = Payload::from_json_str(text).decode_vec() {
                n.field("as base64", view::bytes(&bytes));
            }
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::style::Style;

    #[test]
    fn manual_text_sample() {
        let env = Envelope::from_json(
            br#"{"version":0,"msgId":"TEXT_12345","msgType":"TEXT","timestamp":"1516763973000","payload":"Welcome to the Xiaomi instant message cloud (MIMC)"}"#,
        )
        .unwrap();
        assert_eq!(
            view(&env).render(Style::PLAIN),
            "envelope TEXT
  version    0
  msgId      TEXT_12345
  msgType    TEXT  (text message)
  timestamp  1516763973000  (2018-01-24T03:19:33.000Z)
  payload    Welcome to the Xiaomi instant message cloud (MIMC)  (text, 50 bytes)
"
        );
    }

    #[test]
    fn android_dialect_shows_the_base64_payload_decoded() {
        let env = Envelope::from_json_with_kind(
            br#"{"version":0,"msgId":"aB3xZ-0","timestamp":1598006351955,"payload":"5L2g5aW977yM5bCP57Gz5Y2z5pe25raI5oGv5LqR"}"#,
            "TEXT",
        )
        .unwrap();
        let out = view(&env).render(Style::PLAIN);
        assert!(out.contains("bizType    TEXT"), "{out}");
        assert!(
            out.contains("as base64  你好，小米即时消息云  (text, 30 bytes)"),
            "{out}"
        );
    }

    #[test]
    fn recall_names_the_recalled_kind() {
        let env = Envelope::from_json(br#"{"version":0,"msgId":"R","msgType":"PIC_FILE_RECALL","timestamp":"1516763973090","payload":{"recall_msgId":"PIC_FILE_12345"}}"#).unwrap();
        let out = view(&env).render(Style::PLAIN);
        assert!(out.contains("(recall of a PIC_FILE message)"), "{out}");
        assert!(out.contains("recall_msgId  PIC_FILE_12345"), "{out}");
    }
}
