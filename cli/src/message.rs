//! Base64 payloads (callbacks, history messages): shown as a summary, or with `--unwrap` followed into the
//! bytes they carry, usually an envelope.

use mimc_codec::{Envelope, ErrorKind, Payload};

use crate::envelope;
use crate::formats::{Ctx, Failure, Invalid, json_line};
use crate::report::Problem;
use crate::view::{self, Value};

/// Base64 characters shown before `…` in the summary.
const SHOWN: usize = 48;

/// The decoded bytes of `payload` (default limits: 15 KiB). Errors point into the input.
pub(crate) fn bytes(payload: &Payload<'_>, ctx: &Ctx<'_>) -> Result<Vec<u8>, Failure> {
    Ok(payload.decode_vec_with(&ctx.opts)?)
}

/// The payload as it stands, abbreviated, noted with the size it decodes to.
pub(crate) fn summary(payload: &Payload<'_>) -> Value {
    let text = payload
        .text()
        .map(|s| s.to_cow().into_owned())
        .unwrap_or_default();
    let mut shown: String = text.chars().take(SHOWN).collect();
    if text.chars().count() > SHOWN {
        shown.push('…');
    }
    // Decoded, not only measured: text that is not base64 is never called "base64 of N bytes".
    let note = match payload.decode_vec() {
        Ok(bytes) => format!("base64 of {} bytes; --unwrap shows them", bytes.len()),
        Err(e) if matches!(e.kind(), ErrorKind::PayloadTooLarge { .. }) => {
            "base64 of more bytes than the payload limit (15 KiB)".to_owned()
        }
        Err(e) => format!("not valid base64: {}", Problem::from(e).message),
    };
    Value::noted(view::display_text(&shown), note)
}

/// With `--unwrap`: the envelope the payload carries (its kind from `--type` when it has no kind key),
/// or the bytes, noted with why they are not an envelope.
pub(crate) fn unwrapped(payload: &Payload<'_>, ctx: &Ctx<'_>) -> Result<Value, Failure> {
    let bytes = bytes(payload, ctx)?;
    Ok(
        match Envelope::from_json_with_kind_and_options(&bytes, ctx.biz_type, &ctx.opts) {
            Ok(env) => Value::Node(envelope::view(&env)),
            Err(e) => {
                let why = Problem::from(e);
                match view::bytes(&bytes) {
                    Value::Scalar { text, note } => Value::noted(
                        text,
                        format!(
                            "{}; not an envelope: {} at byte {}",
                            note.unwrap_or_default(),
                            why.message,
                            why.offset
                        ),
                    ),
                    other => other,
                }
            }
        },
    )
}

/// With `--unwrap --json`: the canonical JSON of the envelope the payload carries. Bytes that are not an
/// envelope are invalid input here, reported where they break inside the payload.
pub(crate) fn unwrapped_json(
    payload: &Payload<'_>,
    ctx: &Ctx<'_>,
    what: &str,
) -> Result<Vec<u8>, Failure> {
    let bytes = bytes(payload, ctx)?;
    match Envelope::from_json_with_kind_and_options(&bytes, ctx.biz_type, &ctx.opts) {
        Ok(env) => json_line(&env),
        Err(e) => {
            let mut notes = vec![format!(
                "--unwrap: the base64 {what} ({} bytes decoded) does not hold an envelope",
                bytes.len()
            )];
            if e.kind() == ErrorKind::MissingField && e.field() == Some("msgType") {
                notes.push(
                    "it has no `msgType`/`type` key: give the kind with --type BIZTYPE".to_owned(),
                );
            }
            Err(Failure::Invalid(Box::new(Invalid {
                problem: e.into(),
                notes,
                nested: Some((format!("{what} (decoded)"), bytes)),
            })))
        }
    }
}
