//! `defmt::Format` for the error, the kinds, the ids and strings (feature `defmt`): the embedded logging
//! convention, so that firmware can write `defmt::warn!("bad envelope: {}", err)` without `core::fmt`.
//!
//! Each type formats as its `Display` does where it has one (an error as its sentence, a kind as its wire
//! name, an id as its value, a string as its unescaped text) and as its variant name otherwise. Strings
//! come from the network: their control characters (C0, DEL, C1) are written as `\uXXXX`, so a log line
//! cannot carry terminal escapes or forged line breaks. [`Secret`] formats as `<redacted>`.
//!
//! Everything here goes through the types' public accessors.

// `defmt::write!` expands every format string to an interned index that clippy sees as the same
// expression, so arms that write different literals look identical to it.
#![allow(clippy::match_same_arms)]

use defmt::{Format, Formatter, write};

use crate::api::{Method, Secret};
use crate::json::{Chunk, JsonStr, JsonU64, ValueKind};
use crate::name::CustomName;
use crate::{CallbackKind, ContentKind, Error, ErrorKind, FileKind, Kind, KindKey, PayloadKey};

/// `e` as `Display` writes it: `expected `:` after key in `msgId` at byte 9` (no "at byte" for an error
/// about a value built in code).
impl Format for Error {
    fn format(&self, f: Formatter<'_>) {
        match (self.field(), self.offset()) {
            (Some(field), Some(at)) => {
                write!(f, "{} in `{=str}` at byte {=usize}", self.kind(), field, at);
            }
            (Some(field), None) => write!(f, "{} in `{=str}`", self.kind(), field),
            (None, Some(at)) => write!(f, "{} at byte {=usize}", self.kind(), at),
            (None, None) => write!(f, "{}", self.kind()),
        }
    }
}

/// The kind's description, with what its payload says (`wrong type: expected a string, found a number`).
impl Format for ErrorKind {
    fn format(&self, f: Formatter<'_>) {
        match *self {
            ErrorKind::WrongType { expected, found } => write!(
                f,
                "wrong type: expected {=str}, found {=str}",
                expected.name(),
                found.name()
            ),
            ErrorKind::InvalidValue(why) => write!(f, "invalid value: {=str}", why),
            ErrorKind::DepthLimitExceeded { limit } => {
                write!(f, "nesting deeper than the limit of {=usize}", limit);
            }
            ErrorKind::BufferTooSmall { needed } => {
                write!(f, "output buffer too small: {=usize} bytes needed", needed);
            }
            ErrorKind::PayloadTooLarge { limit } => {
                write!(f, "payload larger than the limit of {=usize} bytes", limit);
            }
            ErrorKind::FrameTooLarge { limit } => {
                write!(
                    f,
                    "frame body larger than the limit of {=usize} bytes",
                    limit
                );
            }
            ErrorKind::CapacityExceeded { needed, capacity } => write!(
                f,
                "value needs {=usize} bytes, more than the fixed capacity of {=usize}",
                needed, capacity
            ),
            ErrorKind::Postcard(why) => write!(f, "invalid compact (postcard) bytes: {=str}", why),
            ErrorKind::Incomplete { needed } => {
                write!(f, "incomplete frame: {=usize} more bytes needed", needed);
            }
            ErrorKind::Protobuf(why) => write!(f, "invalid protobuf: {=str}", why),
            kind => write!(f, "{=str}", kind.description()),
        }
    }
}

/// The wire name: `TEXT`, `PIC_FILE_RECALL`, `LOCATION`.
impl Format for Kind<'_> {
    fn format(&self, f: Formatter<'_>) {
        match self {
            Kind::Ping => write!(f, "PING"),
            Kind::Pong => write!(f, "PONG"),
            Kind::Text => write!(f, "TEXT"),
            Kind::File(x) => write!(f, "{}_FILE", x),
            Kind::Recall(x) => write!(f, "{}_RECALL", x),
            Kind::Read(x) => write!(f, "{}_READ", x),
            Kind::AddFriendRequest => write!(f, "ADD_FRIEND_REQUEST"),
            Kind::AddFriendResponse => write!(f, "ADD_FRIEND_RESPONSE"),
            Kind::_Custom(CustomName(name)) => name.format(f),
        }
    }
}

/// The `X` of `X_FILE`: `PIC`, `AUDIO`, `BIN`, or the other name.
impl Format for FileKind<'_> {
    fn format(&self, f: Formatter<'_>) {
        match self {
            FileKind::Pic => write!(f, "PIC"),
            FileKind::Audio => write!(f, "AUDIO"),
            FileKind::Bin => write!(f, "BIN"),
            FileKind::_Custom(CustomName(x)) => x.format(f),
        }
    }
}

/// The `X` of `X_RECALL` and `X_READ`: `TEXT`, `PIC_FILE`, or the other name.
impl Format for ContentKind<'_> {
    fn format(&self, f: Formatter<'_>) {
        match self {
            ContentKind::Text => write!(f, "TEXT"),
            ContentKind::File(x) => write!(f, "{}_FILE", x),
            ContentKind::_Custom(CustomName(x)) => x.format(f),
        }
    }
}

/// The `msgType`: `NORMAL_MSG`, ..., or the custom name.
impl Format for CallbackKind<'_> {
    fn format(&self, f: Formatter<'_>) {
        match self {
            CallbackKind::_Custom(CustomName(name)) => name.format(f),
            // Every known kind has a plain name; kept total.
            known => write!(f, "{=str}", known.as_str().unwrap_or("?")),
        }
    }
}

/// `MsgType`, `Type` or `Absent`.
impl Format for KindKey {
    fn format(&self, f: Formatter<'_>) {
        match self {
            KindKey::MsgType => write!(f, "MsgType"),
            KindKey::Type => write!(f, "Type"),
            KindKey::Absent => write!(f, "Absent"),
        }
    }
}

/// `Payload` or `Content`.
impl Format for PayloadKey {
    fn format(&self, f: Formatter<'_>) {
        match self {
            PayloadKey::Payload => write!(f, "Payload"),
            PayloadKey::Content => write!(f, "Content"),
        }
    }
}

/// The JSON type's name as errors use it: `a string`, `null`.
impl Format for ValueKind {
    fn format(&self, f: Formatter<'_>) {
        write!(f, "{=str}", self.name());
    }
}

/// `GET`, `POST`, `PUT`, `DELETE`.
impl Format for Method {
    fn format(&self, f: Formatter<'_>) {
        write!(f, "{=str}", self.as_str());
    }
}

/// The value: `1516763973000` (whether it came as a number or a string).
impl Format for JsonU64 {
    fn format(&self, f: Formatter<'_>) {
        write!(f, "{=u64}", self.get());
    }
}

/// The unescaped text, control characters written as `\uXXXX`.
impl Format for JsonStr<'_> {
    fn format(&self, f: Formatter<'_>) {
        for chunk in self.chunks() {
            match chunk {
                Chunk::Text(text) => clean(f, text),
                Chunk::Char(c) if c.is_control() => control(f, c),
                Chunk::Char(c) => {
                    let mut tmp = [0u8; 4];
                    write!(f, "{=str}", c.encode_utf8(&mut tmp));
                }
            }
        }
    }
}

/// Writes `text`, each control character as `\uXXXX`.
fn clean(f: Formatter<'_>, text: &str) {
    let mut rest = text;
    while let Some(at) = rest.find(char::is_control) {
        let (before, from) = rest.split_at(at);
        if !before.is_empty() {
            write!(f, "{=str}", before);
        }
        let mut chars = from.chars();
        if let Some(c) = chars.next() {
            control(f, c);
        }
        rest = chars.as_str();
    }
    if !rest.is_empty() {
        write!(f, "{=str}", rest);
    }
}

/// A control character (all are below U+00A0) as `\uXXXX`.
fn control(f: Formatter<'_>, c: char) {
    write!(f, "\\u{=u32:04x}", u32::from(c));
}

/// Always `<redacted>`: a credential never reaches a log.
impl Format for Secret<'_> {
    fn format(&self, f: Formatter<'_>) {
        write!(f, "<redacted>");
    }
}
