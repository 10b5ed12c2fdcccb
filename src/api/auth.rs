//! Credentials and the headers that carry them.

use core::fmt;

use crate::error::{Error, ErrorKind, Result};
use crate::json::{Chunk, JsonStr};

/// A credential (`appKey`, `appSecret`, `token`, `miUserSecurityKey`): text whose `Debug` prints
/// `<redacted>`, so a struct holding one can derive `Debug` safely. [`expose`](Self::expose) gives the text.
///
/// ```
/// use mimc_codec::api::Secret;
/// let s = Secret::from("gTO8Jb0wbLaxIzAcRc+O3A==");
/// assert_eq!(format!("{s:?}"), "<redacted>");
/// assert_eq!(s.expose(), "gTO8Jb0wbLaxIzAcRc+O3A==");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Secret<'a>(JsonStr<'a>);

impl<'a> Secret<'a> {
    /// Wraps `text`.
    pub const fn new(text: &'a str) -> Self {
        Secret(JsonStr::new(text))
    }

    /// The secret text (as read from JSON: escapes may still be in place; see [`JsonStr`]).
    pub const fn expose(&self) -> JsonStr<'a> {
        self.0
    }
}

impl<'a> From<&'a str> for Secret<'a> {
    fn from(s: &'a str) -> Self {
        Secret::new(s)
    }
}

impl<'a> From<JsonStr<'a>> for Secret<'a> {
    fn from(s: JsonStr<'a>) -> Self {
        Secret(s)
    }
}

impl fmt::Debug for Secret<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// How a call authenticates (SPEC section 3): a user's `token` header (client side), or the app's
/// `appKey` + `appSecret` headers with the acting `appAccount` (server side).
///
/// When a request carries both, MIMC uses the token; [`Auth::token_or`] makes that choice in code so that
/// only one form is ever sent.
///
/// Every value is checked when the `Auth` is made: it travels as an HTTP header value, so it must be
/// one (RFC 9110 `field-value`, [`check_header_value`]): no CR, LF, NUL or other control character, no
/// space or tab at either end. Escapes of a value read from JSON are checked for what they decode to
/// (a token `"ab\r\nX-Evil: 1"` from a reply is refused). The fields are private, so an `Auth` can only
/// be made through these checks, and [`headers`](super::ApiRequest::headers) hands out only values that
/// cannot break a header line, for anyone writing HTTP by hand.
///
/// ```
/// use mimc_codec::api::Auth;
/// let server = Auth::app("5966086406018", "gTO8Jb0wbLaxIzAcRc+O3A==", "user_lei")?;
/// assert_eq!(Auth::token_or(None, server)?, server);
/// let cached = Some("cUyhSzbqwAwKD4GG".into());
/// assert!(Auth::token_or(cached, server)?.is_token());
/// assert!(!format!("{server:?}").contains("gTO8Jb0w"));
///
/// let err = Auth::token("cUyhSzbq\r\nX-Evil: 1").unwrap_err();
/// assert_eq!(err.field(), Some("token"));
/// assert_eq!(err.offset(), Some(8));
/// # Ok::<(), mimc_codec::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Auth<'a>(Form<'a>);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Form<'a> {
    Token(Secret<'a>),
    App {
        app_key: Secret<'a>,
        app_secret: Secret<'a>,
        app_account: JsonStr<'a>,
    },
}

impl<'a> Auth<'a> {
    /// Token authentication: the `token` header, from the token service
    /// ([`TokenData::auth`](super::TokenData::auth) makes it from the reply).
    ///
    /// Fails with `InvalidValue` naming `token` when the token is not a valid header value.
    pub fn token(token: impl Into<Secret<'a>>) -> Result<Self> {
        let token = token.into();
        check_header_value(token.expose(), "token")?;
        Ok(Auth(Form::Token(token)))
    }

    /// App (server-side) authentication acting as `app_account`: the `appKey`, `appSecret` and
    /// `appAccount` headers.
    ///
    /// Fails with `InvalidValue` naming the first of `appKey`, `appSecret`, `appAccount` that is not a
    /// valid header value.
    pub fn app(
        app_key: impl Into<Secret<'a>>,
        app_secret: impl Into<Secret<'a>>,
        app_account: impl Into<JsonStr<'a>>,
    ) -> Result<Self> {
        let (app_key, app_secret, app_account) =
            (app_key.into(), app_secret.into(), app_account.into());
        check_header_value(app_key.expose(), "appKey")?;
        check_header_value(app_secret.expose(), "appSecret")?;
        check_header_value(app_account, "appAccount")?;
        Ok(Auth(Form::App {
            app_key,
            app_secret,
            app_account,
        }))
    }

    /// `token` when there is one, `otherwise` when not: the server's rule when both are present.
    /// The token is checked as by [`Auth::token`].
    pub fn token_or(token: Option<Secret<'a>>, otherwise: Self) -> Result<Self> {
        match token {
            Some(t) => Self::token(t),
            None => Ok(otherwise),
        }
    }

    /// Is it token authentication?
    pub const fn is_token(&self) -> bool {
        matches!(self.0, Form::Token(_))
    }

    /// The token, for token authentication.
    pub const fn token_value(&self) -> Option<Secret<'a>> {
        match self.0 {
            Form::Token(t) => Some(t),
            Form::App { .. } => None,
        }
    }

    /// `appKey`, for app authentication.
    pub const fn app_key(&self) -> Option<Secret<'a>> {
        match self.0 {
            Form::App { app_key, .. } => Some(app_key),
            Form::Token(_) => None,
        }
    }

    /// `appSecret`, for app authentication.
    pub const fn app_secret(&self) -> Option<Secret<'a>> {
        match self.0 {
            Form::App { app_secret, .. } => Some(app_secret),
            Form::Token(_) => None,
        }
    }

    /// `appAccount`, for app authentication: the account the call acts as (the group owner for
    /// owner-only calls).
    pub const fn app_account(&self) -> Option<JsonStr<'a>> {
        match self.0 {
            Form::App { app_account, .. } => Some(app_account),
            Form::Token(_) => None,
        }
    }
}

/// Checks that `value`, unescaped, is a valid HTTP header value (RFC 9110 section 5.5 `field-value`):
/// visible ASCII, space and tab inside, and bytes 0x80-0xFF (`obs-text`). Refused, as
/// [`ErrorKind::InvalidValue`] naming `field` at the offending character (for a value read from JSON,
/// its offset in the input; for text made in code, its index):
///
/// - CR and LF, which would end the header line (the value's remainder would become a header of its own);
/// - NUL, DEL and the other control characters below U+0020 except tab;
/// - a space or tab at either end, which HTTP strips: the value would arrive changed.
///
/// Bytes 0x80-0xFF are allowed: they are how UTF-8 text (an account `李雷`) travels in a header, RFC 9110
/// keeps them as opaque `obs-text` (no HTTP parser reads them as a line break), and the `http` crate's
/// `HeaderValue` accepts them, so every value that passes this check also passes `HeaderValue`.
/// Characters beyond ASCII are not checked further (a server may still refuse them).
///
/// ```
/// use mimc_codec::api::check_header_value;
/// use mimc_codec::json::{JsonStr, RawJson};
/// assert!(check_header_value(JsonStr::new("user_lei"), "appAccount").is_ok());
/// assert!(check_header_value(JsonStr::new("李雷"), "appAccount").is_ok());
/// assert!(check_header_value(JsonStr::new("a\0b"), "appAccount").is_err());
/// assert!(check_header_value(JsonStr::new(" user_lei"), "appAccount").is_err());
/// // An escaped line break read from JSON is checked as the line break it decodes to.
/// let raw = RawJson::parse(r#""ab\u000d\nX: 1""#)?;
/// let err = check_header_value(raw.to_json_str()?, "token").unwrap_err();
/// assert_eq!((err.offset(), err.field()), (Some(3), Some("token")));
/// # Ok::<(), mimc_codec::Error>(())
/// ```
pub fn check_header_value(value: JsonStr<'_>, field: &'static str) -> Result<()> {
    const LINE_BREAK: &str = "a line break (CR or LF) cannot be part of an HTTP header value";
    const CONTROL: &str = "a control character (NUL, DEL, or below U+0020 except tab) cannot be part of an HTTP header value";
    const EDGE: &str =
        "an HTTP header value cannot start or end with a space or tab (HTTP strips them)";
    let fail = |why: &'static str, pos: usize| {
        Err(Error::new(ErrorKind::InvalidValue(why), value.offset() + pos).in_field(field))
    };
    let check = |c: u8, pos: usize| match c {
        b'\r' | b'\n' => fail(LINE_BREAK, pos),
        b'\t' => Ok(()),
        0..0x20 | 0x7f => fail(CONTROL, pos),
        _ => Ok(()),
    };
    let raw = value.raw().as_bytes();
    // `pos`: where in the raw text the current piece starts; `last`: the last character and its place.
    let mut pos = 0usize;
    let mut last = None;
    for chunk in value.chunks() {
        let (first, len) = match chunk {
            Chunk::Text(run) => {
                for (i, &b) in run.as_bytes().iter().enumerate() {
                    check(b, pos + i)?;
                }
                if let Some(&b) = run.as_bytes().last() {
                    last = Some((b, pos + run.len() - 1));
                }
                (run.as_bytes().first().copied(), run.len())
            }
            Chunk::Char(c) => {
                // An escape: `\uXXXX` (two of them for a character beyond U+FFFF) or `\x`.
                let len = match raw.get(pos + 1) {
                    Some(b'u') if c.len_utf16() == 2 => 12,
                    Some(b'u') => 6,
                    _ => 2,
                };
                // Only ASCII matters: every byte of a longer UTF-8 sequence is 0x80 or above.
                let b = u8::try_from(c).unwrap_or(0x80);
                check(b, pos)?;
                last = Some((b, pos));
                (Some(b), len)
            }
        };
        if pos == 0 && matches!(first, Some(b' ' | b'\t')) {
            return fail(EDGE, 0);
        }
        pos += len;
    }
    match last {
        Some((b' ' | b'\t', at)) => fail(EDGE, at),
        _ => Ok(()),
    }
}

/// The header names whose values are secrets.
const SECRET_HEADERS: [&str; 3] = ["token", "appKey", "appSecret"];

/// Is `name` one of the headers whose value is a secret?
#[cfg_attr(not(feature = "http"), allow(dead_code))]
pub(crate) fn is_secret_header(name: &str) -> bool {
    SECRET_HEADERS.iter().any(|s| s.eq_ignore_ascii_case(name))
}

/// The most headers any call sends: `Content-Type` and four of `appId`/`appKey`/`appSecret`/`appAccount`.
const MAX_HEADERS: usize = 5;

/// The headers a request needs, in order: `Content-Type: application/json` when it has a body, then its
/// authentication headers. Names are spelt as in the manual (HTTP names are case-insensitive).
///
/// An iterator of `(name, value)`; values are [`JsonStr`] so that a token read from a reply can be used
/// without copying (write it with `Display`, or [`JsonStr::unescape_into`]: the unescaped text is what
/// goes on the wire). Every value is a valid header value, checked when its [`Auth`] was made
/// ([`check_header_value`]): written after `name: `, it cannot end the line or start another header.
/// `Debug` hides secret values.
#[derive(Clone)]
pub struct Headers<'a> {
    items: [(&'static str, JsonStr<'a>); MAX_HEADERS],
    len: usize,
    pos: usize,
}

impl<'a> Headers<'a> {
    pub(crate) fn new(has_body: bool) -> Self {
        let mut h = Headers {
            items: [("", JsonStr::new("")); MAX_HEADERS],
            len: 0,
            pos: 0,
        };
        if has_body {
            h.push("Content-Type", JsonStr::new(super::CONTENT_TYPE));
        }
        h
    }

    fn push(&mut self, name: &'static str, value: JsonStr<'a>) {
        if let Some(slot) = self.items.get_mut(self.len) {
            *slot = (name, value);
            self.len += 1;
        }
    }

    /// Adds the headers of `auth`; `app_id` is sent as an `appId` header with app authentication (the
    /// contacts call's server-side form).
    pub(crate) fn with_auth(mut self, auth: &Auth<'a>, app_id: Option<&'a str>) -> Self {
        match auth.0 {
            Form::Token(t) => self.push("token", t.expose()),
            Form::App {
                app_key,
                app_secret,
                app_account,
            } => {
                if let Some(id) = app_id {
                    self.push("appId", JsonStr::new(id));
                }
                self.push("appKey", app_key.expose());
                self.push("appSecret", app_secret.expose());
                self.push("appAccount", app_account);
            }
        }
        self
    }

    /// The value of the header `name` (compared ASCII case-insensitively), if the request sends it.
    pub fn get(&self, name: &str) -> Option<JsonStr<'a>> {
        self.items
            .get(..self.len)?
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|&(_, v)| v)
    }
}

impl<'a> Iterator for Headers<'a> {
    type Item = (&'static str, JsonStr<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.len {
            return None;
        }
        let item = self.items.get(self.pos).copied();
        self.pos += 1;
        item
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.len.saturating_sub(self.pos);
        (n, Some(n))
    }
}

impl ExactSizeIterator for Headers<'_> {}
impl core::iter::FusedIterator for Headers<'_> {}

impl fmt::Debug for Headers<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut m = f.debug_map();
        for (name, value) in self.items.get(self.pos..self.len).unwrap_or(&[]) {
            if SECRET_HEADERS.contains(name) {
                m.entry(name, &Secret::from(*value));
            } else {
                m.entry(name, value);
            }
        }
        m.finish()
    }
}
