//! The JSON engine: a validating, zero-copy, allocation-free reader and a writer into caller buffers.
//!
//! The models in this crate are built on it, and it is public so that other MIMC crates can model their
//! own shapes the same way:
//!
//! ```
//! use mimc_codec::json::{self, JsonU64};
//! use mimc_codec::DecodeOptions;
//!
//! let body = br#"{"code":200,"message":"success\uff01","data":null}"#;
//! let mut obj = json::top_object(body, &DecodeOptions::new()).unwrap();
//! let mut code = None;
//! while let Some((key, value)) = obj.next_member().unwrap() {
//!     if key == "code" {
//!         code = Some(JsonU64::from_json(&value).unwrap().get());
//!     }
//! }
//! assert_eq!(code, Some(200));
//! ```

mod compact;
mod number;
mod read;
mod str;
mod strs;
mod write;

pub use number::JsonU64;
#[allow(unused_imports)]
pub(crate) use number::parse_u64;
#[allow(unused_imports)]
pub(crate) use read::utf8;
pub use read::{
    ArrayIter, DEFAULT_MAX_DEPTH, DEFAULT_MAX_PAYLOAD, DecodeOptions, MAX_DEPTH_LIMIT, ObjectIter,
    RawJson, ValueKind, ValueReader, top_object,
};
#[allow(unused_imports)]
pub(crate) use read::{skip_plain, skip_validated_string};
pub use str::{Chunk, Chunks, JsonStr};
pub(crate) use strs::StrScan;
pub(crate) use write::write_str_body;
pub use write::{
    CountSink, ObjectWriter, Sink, SliceSink, ToJson, write_escaped, write_str, write_u64,
};

use crate::error::{Error, ErrorKind, Result};

/// Stores `value` in `slot`, or fails with `DuplicateKey` at `key` when the slot is already filled.
///
/// The crate's duplicate-key policy: a **known** key that appears twice in one object is an error
/// (two readers of the same bytes must never see different values); unknown keys are not tracked.
pub fn set_once<T>(
    slot: &mut Option<T>,
    value: T,
    key: &JsonStr<'_>,
    field: &'static str,
) -> Result<()> {
    if slot.is_some() {
        return Err(
            Error::new(ErrorKind::DuplicateKey, key.offset().saturating_sub(1)).in_field(field),
        );
    }
    *slot = Some(value);
    Ok(())
}

/// Takes a required member's value, or fails with `MissingField` at `offset` (usually the object's end).
pub fn required<T>(slot: Option<T>, field: &'static str, offset: usize) -> Result<T> {
    slot.ok_or(Error::new(ErrorKind::MissingField, offset).in_field(field))
}
