// The crate docs are the README (one source: the example, the features, the allocation table, the rules
// and format stability appear on docs.rs as in the repository); its code blocks run as doctests.
#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]
// Forward compatibility (issue 11): every public enum and every struct with public fields is
// `#[non_exhaustive]`, or says why not in an `allow` with a reason.
#![warn(clippy::exhaustive_enums, clippy::exhaustive_structs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(any(feature = "std", test))]
extern crate std;

pub mod api;
mod callback;
mod convert;
#[cfg(feature = "defmt")]
mod defmt_impl;
mod dialect;
mod envelope;
mod error;
pub mod json;
pub mod list;
mod model;
mod name;
#[cfg(any(feature = "alloc", feature = "heapless"))]
pub mod owned;
mod payload;
#[cfg(feature = "protocol")]
pub mod protocol;
#[cfg(feature = "serde")]
mod serde_impl;
#[cfg(feature = "serde")]
pub mod wire;

pub use callback::{Callback, CallbackKind, Message, P2pMsg, P2tMsg};
pub use dialect::BizTypes;
pub use envelope::{Body, ContentKind, Envelope, FileKind, Kind, KindKey, PayloadKey};
pub use error::{Error, ErrorKind, ErrorMessage, Result};
pub use json::{DecodeOptions, JsonStr, JsonU64, RawJson, ToJson};
/// The accounts list, also at [`list::Accounts`] (its canonical path).
pub use list::{Accounts, AccountsIter};
pub use payload::{Payload, write_base64};
#[cfg(feature = "serde")]
pub use serde_impl::envelope::EnvelopeSeed;
#[cfg(all(feature = "postcard", feature = "heapless"))]
pub use wire::to_postcard_heapless;
#[cfg(all(feature = "postcard", feature = "alloc"))]
pub use wire::to_postcard_vec;
#[cfg(feature = "postcard")]
pub use wire::{from_postcard, postcard_len, to_postcard_slice};
