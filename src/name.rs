//! The text of a name no variant models, as the open name enums hold it (ruma's `PrivOwnedStr`).

use core::fmt;

use crate::json::{JsonStr, Sink};

/// The name held by the hidden `_Custom` variant of the open name enums ([`Kind`](crate::Kind),
/// [`FileKind`](crate::FileKind), [`ContentKind`](crate::ContentKind),
/// [`CallbackKind`](crate::CallbackKind), [`UserType`](crate::api::UserType)).
///
/// Its field is private on purpose, as in ruma's `PrivOwnedStr`: a name that a later version models
/// would move from `_Custom` to its own variant, so code that built or matched `_Custom` would break
/// silently. Build a kind with `From<&str>` (which classifies the name), read its name with `as_str()`,
/// `Display` or `==` with a `&str`; never match `_Custom`.
#[doc(hidden)]
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct CustomName<'a>(pub(crate) JsonStr<'a>);

impl fmt::Debug for CustomName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

/// A [`Sink`] that compares what is written with `expected`: a name written whole equals it when
/// [`matched`](Self::matched). Lets `==` with a `&str` judge a name built of parts without a buffer.
pub(crate) struct EqSink<'s> {
    rest: &'s [u8],
    equal: bool,
}

impl<'s> EqSink<'s> {
    pub(crate) fn new(expected: &'s str) -> Self {
        EqSink {
            rest: expected.as_bytes(),
            equal: true,
        }
    }

    /// Was everything written equal to `expected`, and all of it?
    pub(crate) fn matched(&self) -> bool {
        self.equal && self.rest.is_empty()
    }
}

impl Sink for EqSink<'_> {
    fn put(&mut self, bytes: &[u8]) -> crate::Result<()> {
        match self.rest.strip_prefix(bytes) {
            Some(rest) if self.equal => self.rest = rest,
            _ => self.equal = false,
        }
        Ok(())
    }
}
