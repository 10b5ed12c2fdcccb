//! Credentials and the headers that carry them.

use core::fmt;

use crate::json::JsonStr;

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
/// ```
/// use mimc_codec::api::Auth;
/// let server = Auth::app("5966086406018", "gTO8Jb0wbLaxIzAcRc+O3A==", "user_lei");
/// assert_eq!(Auth::token_or(None, server), server);
/// let cached = Some("cUyhSzbqwAwKD4GG".into());
/// assert!(matches!(Auth::token_or(cached, server), Auth::Token(_)));
/// assert!(!format!("{server:?}").contains("gTO8Jb0w"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Auth<'a> {
    /// The `token` header, from the token service ([`TokenData::token`](super::TokenData::token)).
    Token(Secret<'a>),
    /// The `appKey`, `appSecret` and `appAccount` headers.
    App {
        /// `appKey`.
        app_key: Secret<'a>,
        /// `appSecret`.
        app_secret: Secret<'a>,
        /// `appAccount`: the account the call acts as (the group owner for owner-only calls).
        app_account: JsonStr<'a>,
    },
}

impl<'a> Auth<'a> {
    /// Token authentication.
    pub fn token(token: impl Into<Secret<'a>>) -> Self {
        Auth::Token(token.into())
    }

    /// App (server-side) authentication acting as `app_account`.
    pub fn app(
        app_key: impl Into<Secret<'a>>,
        app_secret: impl Into<Secret<'a>>,
        app_account: impl Into<JsonStr<'a>>,
    ) -> Self {
        Auth::App {
            app_key: app_key.into(),
            app_secret: app_secret.into(),
            app_account: app_account.into(),
        }
    }

    /// `token` when there is one, `otherwise` when not: the server's rule when both are present.
    pub fn token_or(token: Option<Secret<'a>>, otherwise: Self) -> Self {
        match token {
            Some(t) => Auth::Token(t),
            None => otherwise,
        }
    }
}

/// The header names whose values are secrets.
const SECRET_HEADERS: [&str; 3] = ["token", "appKey", "appSecret"];

/// The most headers any call sends: `Content-Type` and four of `appId`/`appKey`/`appSecret`/`appAccount`.
const MAX_HEADERS: usize = 5;

/// The headers a request needs, in order: `Content-Type: application/json` when it has a body, then its
/// authentication headers. Names are spelt as in the manual (HTTP names are case-insensitive).
///
/// An iterator of `(name, value)`; values are [`JsonStr`] so that a token read from a reply can be used
/// without copying (write it with `Display`, or [`JsonStr::unescape_into`]). `Debug` hides secret values.
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
        match auth {
            Auth::Token(t) => self.push("token", t.expose()),
            Auth::App {
                app_key,
                app_secret,
                app_account,
            } => {
                if let Some(id) = app_id {
                    self.push("appId", JsonStr::new(id));
                }
                self.push("appKey", app_key.expose());
                self.push("appSecret", app_secret.expose());
                self.push("appAccount", *app_account);
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
