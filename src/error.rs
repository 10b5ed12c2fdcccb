//! The crate's one error type.

use core::fmt;

use crate::json::ValueKind;

/// What went wrong. Every variant names a phase a person can act on; see [`Error`] for the offset.
///
/// `#[non_exhaustive]`: new kinds may be added in minor versions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The input ended in the middle of a value.
    UnexpectedEnd,
    /// The input is not valid UTF-8 (the offset is the first bad byte).
    InvalidUtf8,
    /// A byte that cannot start a JSON value.
    ExpectedValue,
    /// Expected `"` to start an object key.
    ExpectedKey,
    /// Expected `:` after an object key.
    ExpectedColon,
    /// Expected `,` or `}` after an object member.
    ExpectedCommaOrBrace,
    /// Expected `,` or `]` after an array element.
    ExpectedCommaOrBracket,
    /// Non-whitespace after the end of the top-level value.
    TrailingCharacters,
    /// A misspelt `true`, `false` or `null`.
    InvalidLiteral,
    /// A number that does not follow the JSON grammar.
    InvalidNumber,
    /// A backslash escape that JSON does not define, or a bad `\u` hex digit.
    InvalidEscape,
    /// A `\u` escape of a UTF-16 surrogate that is not part of a valid pair.
    LoneSurrogate,
    /// A raw control character (below U+0020) inside a string.
    ControlCharacter,
    /// Containers nested deeper than the configured limit.
    DepthLimitExceeded {
        /// The limit: containers may nest this deep.
        limit: usize,
    },
    /// A value of the wrong JSON type.
    WrongType {
        /// The type the field takes.
        expected: ValueKind,
        /// The type the input holds there.
        found: ValueKind,
    },
    /// A required key is absent (the error's field names it).
    MissingField,
    /// The same known key appears twice in one object.
    DuplicateKey,
    /// A 64-bit id or timestamp that is not a non-negative integer (or a string of decimal digits).
    InvalidInteger,
    /// An integer larger than the field allows (for ids, `u64::MAX`).
    IntegerOverflow,
    /// A value that is well-formed JSON but breaks a rule of the format; the payload says which.
    InvalidValue(&'static str),
    /// The output buffer is too small; nothing useful was written. The error's offset is where the
    /// output ran out.
    BufferTooSmall {
        /// Bytes the whole output needs: a buffer this long is enough (a bare [`Sink`](crate::json::Sink)
        /// reports the bytes written so far and those it was asked to add: at least this many).
        needed: usize,
    },
    /// A byte that is not part of the base64 alphabet (or misplaced padding).
    InvalidBase64,
    /// Decoded payload larger than the configured maximum.
    PayloadTooLarge {
        /// The configured maximum, in decoded bytes.
        limit: usize,
    },
    /// A value does not fit a fixed-capacity container (`heapless` owned copies and outputs).
    CapacityExceeded {
        /// Bytes the value needs.
        needed: usize,
        /// Bytes the container holds.
        capacity: usize,
    },
    /// Bytes that are not the compact (postcard) form of the expected value; the payload says how.
    Postcard(&'static str),
    /// A binary protocol frame does not start with the magic `C2 FE` (feature `protocol`).
    BadMagic,
    /// A binary protocol frame of a version other than the one expected (5 over TCP, 4 over WebSocket).
    BadVersion,
    /// A frame's Adler-32 trailer does not match its bytes (nothing was decrypted).
    ChecksumMismatch,
    /// A frame's lengths disagree (`bodyLen != 8 + headerLen + payloadLen`, or a WebJS frame whose
    /// lengths do not add up to the message).
    LengthMismatch,
    /// A frame body larger than the configured maximum.
    FrameTooLarge {
        /// The configured maximum body length, in bytes.
        limit: usize,
    },
    /// The input holds only part of a frame: `needed` more bytes are required before it can be read.
    Incomplete {
        /// Bytes still missing; reading exactly this many never reads into the next frame.
        needed: usize,
    },
    /// Bytes that are not the protobuf encoding of the expected message; the payload says how.
    Protobuf(&'static str),
}

impl ErrorKind {
    /// Is this an error of the JSON text itself (its grammar, UTF-8 or nesting depth), as opposed to a
    /// well-formed document that breaks a rule of the format? Syntax errors name no field.
    ///
    /// ```
    /// use mimc_codec::{Envelope, ErrorKind};
    /// assert!(ErrorKind::InvalidLiteral.is_syntax());
    /// assert!(!ErrorKind::MissingField.is_syntax());
    /// let e = Envelope::from_json(br#"{"msgId":tru}"#).unwrap_err();
    /// assert!(e.kind().is_syntax() && e.field().is_none());
    /// ```
    pub const fn is_syntax(self) -> bool {
        matches!(
            self,
            ErrorKind::UnexpectedEnd
                | ErrorKind::InvalidUtf8
                | ErrorKind::ExpectedValue
                | ErrorKind::ExpectedKey
                | ErrorKind::ExpectedColon
                | ErrorKind::ExpectedCommaOrBrace
                | ErrorKind::ExpectedCommaOrBracket
                | ErrorKind::TrailingCharacters
                | ErrorKind::InvalidLiteral
                | ErrorKind::InvalidNumber
                | ErrorKind::InvalidEscape
                | ErrorKind::LoneSurrogate
                | ErrorKind::ControlCharacter
                | ErrorKind::DepthLimitExceeded { .. }
        )
    }

    /// The variant's name (`"WrongType"`, `"MissingField"`, ...): stable text for tools and logs, without
    /// the variant's data.
    ///
    /// ```
    /// use mimc_codec::ErrorKind;
    /// use mimc_codec::json::ValueKind;
    /// let kind = ErrorKind::WrongType { expected: ValueKind::String, found: ValueKind::Number };
    /// assert_eq!(kind.name(), "WrongType");
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            ErrorKind::UnexpectedEnd => "UnexpectedEnd",
            ErrorKind::InvalidUtf8 => "InvalidUtf8",
            ErrorKind::ExpectedValue => "ExpectedValue",
            ErrorKind::ExpectedKey => "ExpectedKey",
            ErrorKind::ExpectedColon => "ExpectedColon",
            ErrorKind::ExpectedCommaOrBrace => "ExpectedCommaOrBrace",
            ErrorKind::ExpectedCommaOrBracket => "ExpectedCommaOrBracket",
            ErrorKind::TrailingCharacters => "TrailingCharacters",
            ErrorKind::InvalidLiteral => "InvalidLiteral",
            ErrorKind::InvalidNumber => "InvalidNumber",
            ErrorKind::InvalidEscape => "InvalidEscape",
            ErrorKind::LoneSurrogate => "LoneSurrogate",
            ErrorKind::ControlCharacter => "ControlCharacter",
            ErrorKind::DepthLimitExceeded { .. } => "DepthLimitExceeded",
            ErrorKind::WrongType { .. } => "WrongType",
            ErrorKind::MissingField => "MissingField",
            ErrorKind::DuplicateKey => "DuplicateKey",
            ErrorKind::InvalidInteger => "InvalidInteger",
            ErrorKind::IntegerOverflow => "IntegerOverflow",
            ErrorKind::InvalidValue(_) => "InvalidValue",
            ErrorKind::BufferTooSmall { .. } => "BufferTooSmall",
            ErrorKind::InvalidBase64 => "InvalidBase64",
            ErrorKind::PayloadTooLarge { .. } => "PayloadTooLarge",
            ErrorKind::CapacityExceeded { .. } => "CapacityExceeded",
            ErrorKind::Postcard(_) => "Postcard",
            ErrorKind::BadMagic => "BadMagic",
            ErrorKind::BadVersion => "BadVersion",
            ErrorKind::ChecksumMismatch => "ChecksumMismatch",
            ErrorKind::LengthMismatch => "LengthMismatch",
            ErrorKind::FrameTooLarge { .. } => "FrameTooLarge",
            ErrorKind::Incomplete { .. } => "Incomplete",
            ErrorKind::Protobuf(_) => "Protobuf",
        }
    }

    /// A short description that reads as the start of a sentence.
    pub const fn description(self) -> &'static str {
        match self {
            ErrorKind::UnexpectedEnd => "unexpected end of input",
            ErrorKind::InvalidUtf8 => "invalid UTF-8",
            ErrorKind::ExpectedValue => "expected a JSON value",
            ErrorKind::ExpectedKey => "expected `\"` to start an object key",
            ErrorKind::ExpectedColon => "expected `:` after key",
            ErrorKind::ExpectedCommaOrBrace => "expected `,` or `}` after object member",
            ErrorKind::ExpectedCommaOrBracket => "expected `,` or `]` after array element",
            ErrorKind::TrailingCharacters => "trailing characters after the JSON value",
            ErrorKind::InvalidLiteral => "invalid literal (expected `true`, `false` or `null`)",
            ErrorKind::InvalidNumber => "invalid number",
            ErrorKind::InvalidEscape => "invalid escape sequence",
            ErrorKind::LoneSurrogate => "lone UTF-16 surrogate in `\\u` escape",
            ErrorKind::ControlCharacter => "unescaped control character in string",
            ErrorKind::DepthLimitExceeded { .. } => "nesting too deep",
            ErrorKind::WrongType { .. } => "wrong type",
            ErrorKind::MissingField => "missing field",
            ErrorKind::DuplicateKey => "duplicate key",
            ErrorKind::InvalidInteger => {
                "expected a non-negative integer or a string of decimal digits"
            }
            ErrorKind::IntegerOverflow => "integer out of range",
            ErrorKind::InvalidValue(_) => "invalid value",
            ErrorKind::BufferTooSmall { .. } => "output buffer too small",
            ErrorKind::InvalidBase64 => "invalid base64",
            ErrorKind::PayloadTooLarge { .. } => "payload larger than the limit",
            ErrorKind::CapacityExceeded { .. } => "value larger than the fixed capacity",
            ErrorKind::Postcard(_) => "invalid compact (postcard) bytes",
            ErrorKind::BadMagic => "bad frame magic (expected C2FE)",
            ErrorKind::BadVersion => "unsupported frame version",
            ErrorKind::ChecksumMismatch => "frame checksum (Adler-32) mismatch",
            ErrorKind::LengthMismatch => "frame lengths disagree",
            ErrorKind::FrameTooLarge { .. } => "frame body larger than the limit",
            ErrorKind::Incomplete { .. } => "incomplete frame",
            ErrorKind::Protobuf(_) => "invalid protobuf",
        }
    }
}

/// The crate's error: a [kind](ErrorKind), the byte offset in the input where it was found, and the
/// name of the field being read when that is known.
///
/// `Copy`, allocation-free, and `Display`s as a sentence:
///
/// ```
/// let err = mimc_codec::Envelope::from_json(br#"{"msgId" "x"}"#).unwrap_err();
/// assert_eq!(err.offset(), Some(9));
/// assert_eq!(err.to_string(), "expected `:` after key at byte 9");
/// ```
///
/// An error about a value built in code (a header value, a builder's argument) has no input and so no
/// offset: [`offset`](Self::offset) is `None` and the sentence ends without "at byte".
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Error {
    kind: ErrorKind,
    /// `NO_OFFSET` for values built in code.
    offset: usize,
    field: Option<&'static str>,
}

/// The offset of an error that concerns no input.
const NO_OFFSET: usize = usize::MAX;

impl Error {
    /// An error of `kind` at byte `offset` of the input.
    pub const fn new(kind: ErrorKind, offset: usize) -> Self {
        Error {
            kind,
            // No input reaches `usize::MAX` bytes, so the sentinel is never a real offset.
            offset,
            field: None,
        }
    }

    /// An error of `kind` about a value built in code, which has no byte offset.
    ///
    /// ```
    /// use mimc_codec::{Error, ErrorKind};
    /// let e = Error::without_offset(ErrorKind::InvalidValue("not allowed in an HTTP header"));
    /// assert_eq!(e.offset(), None);
    /// assert_eq!(e.to_string(), "invalid value: not allowed in an HTTP header");
    /// ```
    pub const fn without_offset(kind: ErrorKind) -> Self {
        Error {
            kind,
            offset: NO_OFFSET,
            field: None,
        }
    }

    /// The same error, naming the field (wire spelling) it concerns; an already named field is kept.
    #[must_use]
    pub const fn in_field(mut self, field: &'static str) -> Self {
        if self.field.is_none() {
            self.field = Some(field);
        }
        self
    }

    /// As [`in_field`](Self::in_field), except for errors of the JSON syntax (and of the input's UTF-8
    /// and nesting depth), which belong to the document, not to a field: what a reader that validates
    /// as it reads wraps around a member's read.
    #[must_use]
    pub(crate) const fn in_typed_field(self, field: &'static str) -> Self {
        if self.kind.is_syntax() {
            self
        } else {
            self.in_field(field)
        }
    }

    /// The same error without its field: for an error to be named again by its caller.
    #[must_use]
    pub(crate) const fn without_field(mut self) -> Self {
        self.field = None;
        self
    }

    /// What went wrong.
    pub const fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// Byte offset in the input where the problem was found (for output errors: in the output); `None`
    /// for an error about a value built in code.
    pub const fn offset(&self) -> Option<usize> {
        if self.offset == NO_OFFSET {
            None
        } else {
            Some(self.offset)
        }
    }

    /// The wire name of the field being read, when known.
    pub const fn field(&self) -> Option<&'static str> {
        self.field
    }

    /// The same error with its offset moved by `base` (for values decoded from a slice of a larger input).
    /// An error without an offset stays without one.
    #[must_use]
    pub const fn shifted(mut self, base: usize) -> Self {
        // `NO_OFFSET` is `usize::MAX`, which a saturating add keeps.
        self.offset = self.offset.saturating_add(base);
        self
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.kind)
            .field("offset", &self.offset())
            .field("field", &self.field)
            .finish()
    }
}

impl Error {
    /// What went wrong, as a sentence without the offset: the kind (with what was expected or why), then
    /// the field (`missing field `msgType``, `wrong type: expected a string, found a number in `msgId``).
    /// `Display` of the error is this message and ` at byte N`; the one place the text is built.
    ///
    /// ```
    /// let err = mimc_codec::Envelope::from_json(br#"{"version":0,"timestamp":1,"payload":""}"#).unwrap_err();
    /// assert_eq!(err.message().to_string(), "missing field `msgType`");
    /// assert_eq!(err.to_string(), format!("missing field `msgType` at byte {}", err.offset().unwrap()));
    /// ```
    pub const fn message(&self) -> ErrorMessage {
        ErrorMessage(*self)
    }
}

/// The text of an [`Error`] without its offset: see [`Error::message`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorMessage(Error);

impl fmt::Display for ErrorMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = &self.0;
        match e.kind {
            ErrorKind::WrongType { expected, found } => write!(
                f,
                "wrong type: expected {}, found {}",
                expected.name(),
                found.name()
            )?,
            ErrorKind::InvalidValue(why) => write!(f, "invalid value: {why}")?,
            ErrorKind::DepthLimitExceeded { limit } => {
                write!(f, "nesting deeper than the limit of {limit}")?;
            }
            ErrorKind::BufferTooSmall { needed } => {
                write!(f, "output buffer too small: {needed} bytes needed")?;
            }
            ErrorKind::PayloadTooLarge { limit } => {
                write!(f, "payload larger than the limit of {limit} bytes")?;
            }
            ErrorKind::FrameTooLarge { limit } => {
                write!(f, "frame body larger than the limit of {limit} bytes")?;
            }
            ErrorKind::CapacityExceeded { needed, capacity } => write!(
                f,
                "value needs {needed} bytes, more than the fixed capacity of {capacity}"
            )?,
            ErrorKind::Postcard(why) => write!(f, "invalid compact (postcard) bytes: {why}")?,
            ErrorKind::Incomplete { needed } => {
                write!(f, "incomplete frame: {needed} more bytes needed")?;
            }
            ErrorKind::Protobuf(why) => write!(f, "invalid protobuf: {why}")?,
            kind => f.write_str(kind.description())?,
        }
        match (e.kind, e.field) {
            (ErrorKind::MissingField | ErrorKind::DuplicateKey, Some(field)) => {
                write!(f, " `{field}`")
            }
            (_, Some(field)) => write!(f, " in `{field}`"),
            (_, None) => Ok(()),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.offset() {
            Some(at) => write!(f, "{} at byte {at}", self.message()),
            None => write!(f, "{}", self.message()),
        }
    }
}

impl core::error::Error for Error {}

/// The crate's result type.
pub type Result<T, E = Error> = core::result::Result<T, E>;
