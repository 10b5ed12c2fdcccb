//! The same work as `work/mimc.rs`, with serde-json-core and flat structs: the kinds are known in
//! advance (serde-json-core cannot dispatch on an internally tagged kind) and checked by comparing
//! `msgType`; strings are borrowed as they stand (serde-json-core returns escaped strings still escaped),
//! `timestamp` stays text, and the ids are only strings (no number-or-string ids).
//!
//! `firmware/src/sjc.rs` (the size program) and `firmware/src/qemu/sjc.rs` (the QEMU program) both run
//! this function.

use serde::{Deserialize, Serialize};

use crate::inputs::REPLY_ID;

/// A TEXT envelope, read and written (the reply is one too).
#[derive(Deserialize, Serialize)]
struct Text<'a> {
    version: u64,
    #[serde(rename = "msgId")]
    msg_id: &'a str,
    #[serde(rename = "msgType")]
    msg_type: &'a str,
    timestamp: &'a str,
    payload: &'a str,
}

#[derive(Deserialize)]
struct RecallPayload<'a> {
    #[serde(rename = "recall_msgId")]
    recall_msg_id: &'a str,
}

#[derive(Deserialize)]
#[allow(dead_code)] // read (and so validated) but not used, as the mimc-codec program does
struct Recall<'a> {
    version: u64,
    #[serde(rename = "msgId")]
    msg_id: &'a str,
    #[serde(rename = "msgType")]
    msg_type: &'a str,
    timestamp: &'a str,
    #[serde(borrow)]
    payload: RecallPayload<'a>,
}

/// What [`run`] found and wrote.
pub struct Outcome {
    /// Bytes of the reply written at the start of the output buffer.
    pub len: usize,
    /// Does the recall recall the text?
    pub recalled: bool,
}

/// Why [`run`] failed (serde-json-core's errors carry no offset).
#[derive(Debug)]
#[allow(dead_code)] // the fields are for `Debug`, which the QEMU program prints on failure
pub enum Failure {
    /// An input did not decode.
    Decode(serde_json_core::de::Error),
    /// An input decoded but is not of the expected kind.
    Kind,
    /// The reply did not fit.
    Encode(serde_json_core::ser::Error),
}

/// Decodes `text` and `recall`, encodes the reply into `out`.
pub fn run(text: &[u8], recall: &[u8], out: &mut [u8]) -> Result<Outcome, Failure> {
    let (text, _) = serde_json_core::from_slice::<Text<'_>>(text).map_err(Failure::Decode)?;
    let (recall, _) = serde_json_core::from_slice::<Recall<'_>>(recall).map_err(Failure::Decode)?;
    if text.msg_type != "TEXT" || recall.msg_type != "TEXT_RECALL" {
        return Err(Failure::Kind);
    }
    let recalled = recall.payload.recall_msg_id == text.msg_id;
    let reply = Text {
        msg_id: REPLY_ID,
        ..text
    };
    let len = serde_json_core::to_slice(&reply, out).map_err(Failure::Encode)?;
    Ok(Outcome { len, recalled })
}
