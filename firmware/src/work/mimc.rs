//! The work of the size program pair, with mimc-codec: decode the manual's TEXT and TEXT_RECALL
//! envelopes, see whether the recall concerns the text, and encode a TEXT reply (the received text
//! echoed, under a new msgId, with the received version and timestamp) into the caller's buffer.
//!
//! `firmware/src/main.rs` (the size program) and `firmware/src/qemu/mimc.rs` (the QEMU program, which
//! checks the result and measures the stack) both run this function, so the code measured for size is
//! the code that runs.

use mimc_codec::{Body, ContentKind, Envelope, Error, ErrorKind, ToJson};

use crate::inputs::REPLY_ID;

/// What [`run`] found and wrote.
pub struct Outcome {
    /// Bytes of the reply written at the start of the output buffer.
    pub len: usize,
    /// Does the recall recall the text (its `recall_msgId` is the text's `msgId`)?
    pub recalled: bool,
}

/// Decodes `text` (a TEXT envelope) and `recall` (a TEXT_RECALL envelope), encodes the reply into `out`.
pub fn run(text: &[u8], recall: &[u8], out: &mut [u8]) -> Result<Outcome, Error> {
    let text = Envelope::from_json(text)?;
    let recall = Envelope::from_json(recall)?;
    let Body::Text(body) = *text.body() else {
        return Err(Error::new(ErrorKind::InvalidValue("not a TEXT"), 0));
    };
    let Body::Recall {
        of: ContentKind::Text,
        msg_id,
    } = *recall.body()
    else {
        return Err(Error::new(ErrorKind::InvalidValue("not a TEXT_RECALL"), 0));
    };
    let recalled = text.msg_id() == Some(&msg_id);
    let reply = Envelope::new(REPLY_ID, text.timestamp().get(), Body::Text(body))
        .with_version(text.version());
    let len = reply.to_json_slice(out)?.len();
    Ok(Outcome { len, recalled })
}
