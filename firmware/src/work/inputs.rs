//! The inputs of the size program pair and the reply both programs must write (the QEMU programs check
//! it byte for byte). The bytes are the fixtures' own, in flash.

/// The manual's TEXT sample (`tests/fixtures/envelope/text.json`).
pub static TEXT: &[u8] = include_bytes!("../../../tests/fixtures/envelope/text.json");
/// The manual's TEXT_RECALL sample (`tests/fixtures/envelope/text_recall.json`); it recalls the TEXT.
pub static RECALL: &[u8] = include_bytes!("../../../tests/fixtures/envelope/text_recall.json");
/// The msgId of the reply.
pub const REPLY_ID: &str = "REPLY_TEXT_12345";
/// The reply: the received text echoed with the received version and timestamp, under [`REPLY_ID`].
#[allow(dead_code)] // read by the QEMU programs only
pub const EXPECTED_REPLY: &[u8] = br#"{"version":0,"msgId":"REPLY_TEXT_12345","msgType":"TEXT","timestamp":"1516763973000","payload":"Welcome to the Xiaomi instant message cloud (MIMC)"}"#;
