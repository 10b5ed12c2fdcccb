//! `TryFrom` for the decoders, where a Rust user reaches for it: `Envelope::try_from(bytes)`,
//! `let cb: Callback = body.try_into()?`, `TokenData::try_from(reply_body)`. Each is the model's
//! `from_json` with the default limits (`&[u8]` and `&str` alike: the text is the JSON).
//!
//! ```
//! use mimc_codec::{Callback, Envelope, Kind};
//! let env = Envelope::try_from(r#"{"version":0,"msgId":"m","msgType":"TEXT","timestamp":"1","payload":"hi"}"#)?;
//! assert_eq!(env.kind(), Kind::Text);
//! let cb: Result<Callback, _> = b"{}".as_slice().try_into();
//! assert!(cb.is_err());
//! # Ok::<(), mimc_codec::Error>(())
//! ```

use crate::api::Response;
use crate::callback::Callback;
use crate::envelope::Envelope;
use crate::error::Error;

/// `TryFrom<&[u8]>` and `TryFrom<&str>` through `from_json`, with the error type it has.
macro_rules! try_from_json {
    ($($ty:ident => $err:ty),+ $(,)?) => {$(
        impl<'a> TryFrom<&'a [u8]> for $ty<'a> {
            type Error = $err;
            /// [`from_json`](Self::from_json).
            fn try_from(input: &'a [u8]) -> core::result::Result<Self, $err> {
                Self::from_json(input)
            }
        }

        impl<'a> TryFrom<&'a str> for $ty<'a> {
            type Error = $err;
            /// [`from_json`](Self::from_json) of the text's bytes.
            fn try_from(input: &'a str) -> core::result::Result<Self, $err> {
                Self::from_json(input.as_bytes())
            }
        }
    )+};
}

try_from_json!(Envelope => Error, Callback => Error, Response => Error);

pub(crate) use try_from_json;
