//! # mimc-codec
//!
//! Exact, zero-copy, allocation-free reading and writing of the message formats of Xiaomi MIMC
//! (Mi Instant Messaging Cloud): the recommended message [`Envelope`], webhook callbacks and the HTTP API.
//!
//! Decoding validates the whole input once (UTF-8 up front, then one pass over the JSON grammar), borrows
//! every string from the input, and dispatches on the kind wherever its key stands. Encoding writes into a
//! caller's `&mut [u8]` (or a `Vec` with `alloc`).
//!
//! ```
//! use mimc_codec::{Envelope, Body, ToJson};
//!
//! let json = br#"{"version":0,"msgId":"TEXT_12345","msgType":"TEXT","timestamp":"1516763973000",
//!                "payload":"Welcome to the Xiaomi instant message cloud (MIMC)"}"#;
//! let env = Envelope::from_json(json)?;
//! assert_eq!(*env.msg_id().unwrap(), "TEXT_12345");
//! assert_eq!(env.timestamp().get(), 1516763973000);
//! match env.body() {
//!     Body::Text(text) => assert!(text.eq_str("Welcome to the Xiaomi instant message cloud (MIMC)")),
//!     _ => unreachable!(),
//! }
//!
//! let mut out = [0u8; 256];
//! let n = env.to_json_slice(&mut out)?;
//! assert_eq!(Envelope::from_json(&out[..n])?, env);
//! # Ok::<(), mimc_codec::Error>(())
//! ```
//!
//! ## Features
//!
//! - *(none)*: the core, `#![no_std]`, no allocator.
//! - `alloc`: `Vec`/`String` outputs (`to_json_vec`), `JsonStr::to_cow`, owned copies of models
//!   ([`owned::Owned`], `into_owned`).
//! - `std` (default): implies `alloc`.
//! - `serde`: `Serialize`/`Deserialize` for every model: the compact shape for compact formats
//!   (postcard, [`wire`]), the JSON shape for serde_json. Works without an allocator where the format
//!   does. `Deserialize` from a human-readable format needs `serde_json` and is refused for every other
//!   one (YAML, TOML, ...), with an error naming what to use.
//! - `serde_json` (implies `serde` and `alloc`): values are read from serde_json's raw text of them by
//!   the crate's own reader, so `serde_json::from_slice` accepts exactly what `from_json` accepts
//!   (escaped strings stay borrowed) and `serde_json::to_vec` writes exactly our writer's bytes.
//! - `postcard` (implies `serde`): the compact binary form, [`wire`]: `to_postcard_slice`, `from_postcard`,
//!   `to_postcard_vec` (with `alloc`). No allocator needed.
//! - `heapless`: fixed-capacity owned copies ([`owned::Fixed`]) and `ToJson::to_json_heapless`, no allocator.
//! - `http`: [`api`] requests become `http::Request`s (`ApiRequest::to_http_request`) and replies are read
//!   from `http::Response`s (`ApiRequest::parse_http_response`); implies `std`. No HTTP client is involved.
//! - `defmt`: `defmt::Format` (the embedded logging convention) for [`Error`], [`ErrorKind`], the kinds
//!   ([`Kind`], [`FileKind`], [`ContentKind`], [`CallbackKind`], [`KindKey`], [`PayloadKey`],
//!   [`json::ValueKind`], [`api::Method`]), [`JsonU64`] and [`JsonStr`] (control characters escaped);
//!   [`api::Secret`] formats as `<redacted>`. No allocator needed.
//! - `protocol`: MIMC's binary client protocol ([`protocol`]): v6 (TCP) and WebJS frames, the RC4 body
//!   and payload keys, the BIND signature and the protobuf messages, decoded in place in the caller's
//!   buffer. No allocator needed.
#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "alloc")]
extern crate alloc;
#[cfg(any(feature = "std", test))]
extern crate std;

pub mod api;
mod callback;
#[cfg(feature = "defmt")]
mod defmt_impl;
mod envelope;
mod error;
pub mod json;
mod model;
#[cfg(any(feature = "alloc", feature = "heapless"))]
pub mod owned;
mod payload;
#[cfg(feature = "protocol")]
pub mod protocol;
#[cfg(feature = "serde")]
mod serde_impl;
#[cfg(feature = "serde")]
pub mod wire;

pub use callback::{Accounts, AccountsIter, Callback, CallbackKind, Message, P2pMsg, P2tMsg};
pub use envelope::{Body, ContentKind, Envelope, FileKind, Kind, KindKey, PayloadKey};
pub use error::{Error, ErrorKind, ErrorMessage, Result};
pub use json::{DecodeOptions, JsonStr, JsonU64, RawJson, ToJson};
pub use payload::{Payload, write_base64};
#[cfg(feature = "serde")]
pub use serde_impl::envelope::EnvelopeSeed;
#[cfg(all(feature = "postcard", feature = "heapless"))]
pub use wire::to_postcard_heapless;
#[cfg(all(feature = "postcard", feature = "alloc"))]
pub use wire::to_postcard_vec;
#[cfg(feature = "postcard")]
pub use wire::{from_postcard, postcard_len, to_postcard_slice};

/// The README's examples, run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
