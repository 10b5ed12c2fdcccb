//! Normal groups ("topics"): create, query, list mine, invite, leave, kick, update, dismiss.

use crate::error::Result;
use crate::json::{self, DecodeOptions, JsonStr, JsonU64, ObjectWriter, RawJson, Sink, ToJson};
use crate::model::model;

use super::reply::{invalid, str_field};
use super::{
    ApiRequest, Auth, Headers, List, MAX_TOPIC_MEMBERS, Method, invalid_at, typed_reply, write_id,
    write_joined, write_query_component,
};
use crate::Accounts;

/// Writes `/api/topic/{appId}`, then `/{topicId}` when given.
fn write_topic_path<S: Sink + ?Sized>(
    sink: &mut S,
    app_id: JsonU64,
    topic_id: Option<JsonU64>,
) -> Result<()> {
    sink.put(b"/api/topic/")?;
    write_id(sink, app_id)?;
    if let Some(t) = topic_id {
        sink.put(b"/")?;
        write_id(sink, t)?;
    }
    Ok(())
}

/// The first rule of a create/invite/kick member list that `accounts` breaks: why, and the account at
/// fault (`None`: the list as a whole). None empty, none with a comma (they travel comma-joined), at
/// most [`MAX_TOPIC_MEMBERS`], at least one unless `allow_empty`.
fn broken_member_rule<'a>(
    accounts: &Accounts<'a>,
    allow_empty: bool,
) -> Option<(&'static str, Option<JsonStr<'a>>)> {
    for a in accounts {
        if a.is_empty() {
            return Some(("an account is empty", Some(a)));
        }
        if a.chars().any(|c| c == ',') {
            return Some((
                "an account contains a comma (accounts travel comma-joined)",
                Some(a),
            ));
        }
    }
    if accounts.len() > MAX_TOPIC_MEMBERS {
        return Some((
            "more than 500 accounts (a normal group holds at most 500 members)",
            None,
        ));
    }
    if accounts.is_empty() && !allow_empty {
        return Some(("no accounts given", None));
    }
    None
}

/// Checks the accounts of a create/invite/kick built in code (see [`broken_member_rule`]).
fn check_members(accounts: &Accounts<'_>, allow_empty: bool) -> Result<()> {
    match broken_member_rule(accounts, allow_empty) {
        Some((why, _)) => Err(invalid(why, "accounts")),
        None => Ok(()),
    }
}

/// Reads the comma-joined `accounts` of a create/invite body with the build rules; errors at the
/// account at fault, or at the value.
fn read_members<'a>(v: &RawJson<'a>, allow_empty: bool) -> Result<Accounts<'a>> {
    let accounts = Accounts::from_joined_json(v).map_err(|e| e.in_field("accounts"))?;
    match broken_member_rule(&accounts, allow_empty) {
        Some((why, at)) => Err(invalid_at(
            why,
            "accounts",
            at.map_or(v.offset(), |a| a.offset()),
        )),
        None => Ok(accounts),
    }
}

/// Reads a create/invite body: `accounts`, and `topicName` when `name` (any order, unknown keys
/// ignored, known keys once).
fn read_members_body<'a>(
    body: &'a [u8],
    opts: &DecodeOptions,
    name: bool,
) -> Result<(Option<JsonStr<'a>>, Accounts<'a>)> {
    let mut obj = json::top_object(body, opts)?;
    let (mut topic_name, mut accounts) = (None, None);
    // Without a name, `topicName` is not a key of the body: only `accounts` is looked for.
    let keys: &[&str] = if name {
        &["accounts", "topicName"]
    } else {
        &["accounts"]
    };
    let end = obj.read_known(keys, |i, v| {
        match i {
            0 => accounts = Some(read_members(&v, name)?),
            _ => topic_name = Some(str_field(&v, "topicName")?),
        }
        Ok(())
    })??;
    if name {
        json::required(topic_name, "topicName", end)?;
    }
    Ok((topic_name, json::required(accounts, "accounts", end)?))
}

/// `from_json` and `from_json_with` of a request body type: `$read(body, opts)` decodes it, `$doc`
/// documents `from_json`, `$sample` is a valid body for `from_json_with`'s example.
macro_rules! body_decoders {
    ($ty:ident, $read:expr, $sample:literal, $(#[$doc:meta])*) => {
        impl<'a> $ty<'a> {
            $(#[$doc])*
            pub fn from_json(body: &'a [u8]) -> Result<Self> {
                Self::from_json_with(body, &DecodeOptions::new())
            }

            /// [`from_json`](Self::from_json) with explicit limits, as every model's `from_json_with`
            /// takes them: the nesting depth bounds the unknown values skipped on the way.
            ///
            /// ```
            #[doc = concat!("use mimc_codec::api::", stringify!($ty), ";")]
            /// use mimc_codec::{DecodeOptions, ErrorKind};
            #[doc = concat!("let body = r#\"", $sample, "\"#.as_bytes();")]
            /// // The same body with an unknown key holding nested arrays first.
            /// let deep = [&br#"{"note":[[1]],"#[..], &body[1..]].concat();
            #[doc = concat!("assert!(", stringify!($ty), "::from_json_with(&deep, &DecodeOptions::new()).is_ok());")]
            /// let flat = DecodeOptions::new().with_max_depth(2);
            #[doc = concat!("let err = ", stringify!($ty), "::from_json_with(&deep, &flat).unwrap_err();")]
            /// assert_eq!(err.kind(), ErrorKind::DepthLimitExceeded { limit: 2 });
            /// # Ok::<(), mimc_codec::Error>(())
            /// ```
            pub fn from_json_with(body: &'a [u8], opts: &DecodeOptions) -> Result<Self> {
                $read(body, opts)
            }
        }
    };
}
pub(super) use body_decoders;

/// A topic call without a body: its fields and `ApiRequest` impl.
macro_rules! bodiless_topic_call {
    (
        $(#[$doc:meta])*
        $ty:ident, $call:literal, $method:ident, suffix = $suffix:literal, topic = $topic:tt, reply = $reply:ty
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct $ty<'a> {
            app_id: JsonU64,
            topic_id: Option<JsonU64>,
            auth: Auth<'a>,
        }

        impl ToJson for $ty<'_> {
            /// No body: writes nothing.
            fn write_json<S: Sink + ?Sized>(&self, _: &mut S) -> Result<()> {
                Ok(())
            }
        }

        impl ApiRequest for $ty<'_> {
            type Reply<'r> = $reply;
            const CALL: &'static str = $call;

            fn method(&self) -> Method {
                Method::$method
            }

            fn write_path<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<()> {
                write_topic_path(sink, self.app_id, self.topic_id)?;
                sink.put($suffix)
            }

            fn headers(&self) -> Headers<'_> {
                Headers::new(false).with_auth(&self.auth, None)
            }
        }

        bodiless_topic_call!(@new $ty, $topic);
    };
    (@new $ty:ident, true) => {
        impl<'a> $ty<'a> {
            /// The call on the group `topic_id` of app `app_id`, authenticated by `auth`.
            pub fn new(app_id: impl Into<JsonU64>, topic_id: impl Into<JsonU64>, auth: Auth<'a>) -> Self {
                $ty {
                    app_id: app_id.into(),
                    topic_id: Some(topic_id.into()),
                    auth,
                }
            }
        }
    };
    (@new $ty:ident, false) => {
        impl<'a> $ty<'a> {
            /// The call for app `app_id`, authenticated by `auth` (whose account is the one asking).
            pub fn new(app_id: impl Into<JsonU64>, auth: Auth<'a>) -> Self {
                $ty {
                    app_id: app_id.into(),
                    topic_id: None,
                    auth,
                }
            }
        }
    };
}

/// Creates a group (call `topic-create`): `POST /api/topic/{appId}` with
/// `{"topicName": ..., "accounts": "a,b,c"}`; the authenticated account becomes the owner.
///
/// Fails when an account is empty or contains a comma, or when there are more than
/// [`MAX_TOPIC_MEMBERS`] accounts.
///
/// ```
/// use mimc_codec::api::{Auth, TopicCreate};
/// let auth = Auth::token("cUyhSzbq")?;
/// let err = TopicCreate::new(2882303761517669588u64, auth, "g", &["a,b"]).unwrap_err();
/// assert_eq!(err.field(), Some("accounts"));
/// assert_eq!(err.to_string(),
///     "invalid value: an account contains a comma (accounts travel comma-joined) in `accounts`");
/// # Ok::<(), mimc_codec::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TopicCreate<'a> {
    app_id: JsonU64,
    auth: Auth<'a>,
    body: TopicCreateBody<'a>,
}

/// The body of a group creation (`topic-create`): `{topicName, accounts: "a,b,c"}`, the members
/// comma-joined in one string. It holds all the body holds and nothing else: `appId` travels in the
/// path, authentication (whose account becomes the owner) in the headers; [`TopicCreate::from_body`]
/// adds them.
///
/// ```
/// use mimc_codec::api::{Auth, TopicCreate, TopicCreateBody};
/// use mimc_codec::ToJson;
/// let json = r#"{"topicName":"小米即时消息云开发群","accounts":"10,user_jun,user_bin"}"#;
/// let body = TopicCreateBody::from_json(json.as_bytes())?;
/// assert_eq!(body.topic_name, "小米即时消息云开发群");
/// assert_eq!(body.accounts.len(), 3);
/// let req = TopicCreate::from_body(2882303761517669588u64, Auth::token("cUyhSzbq")?, body)?;
/// assert_eq!(req.body(), body);
/// let mut buf = [0u8; 128];
/// assert_eq!(req.to_json_slice(&mut buf)?, json.as_bytes());
/// # Ok::<(), mimc_codec::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct TopicCreateBody<'a> {
    /// `topicName`.
    pub topic_name: JsonStr<'a>,
    /// `accounts`: the members to add, in order (the owner need not be listed).
    pub accounts: Accounts<'a>,
}

body_decoders! {
    TopicCreateBody,
    |body, opts| {
        let (topic_name, accounts) = read_members_body(body, opts, true)?;
        Ok(TopicCreateBody { topic_name: topic_name.unwrap_or_default(), accounts })
    },
    r#"{"topicName":"小米即时消息云开发群","accounts":"10,user_jun,user_bin"}"#,
    /// Decodes the body (`{topicName, accounts: "a,b,c"}`). Keys may come in any order, unknown keys
    /// are ignored; the build rules of [`TopicCreate::new`] apply, with the error at the offending
    /// value (an empty account, or `accounts` when there are more than [`MAX_TOPIC_MEMBERS`]). A comma
    /// always separates accounts here, written as is or escaped.
    ///
    /// ```
    /// use mimc_codec::api::TopicCreateBody;
    /// let body = r#"{"topicName":"小米即时消息云开发群","accounts":"10,user_jun,user_bin"}"#;
    /// assert_eq!(TopicCreateBody::from_json(body.as_bytes())?.accounts.len(), 3);
    /// let err = TopicCreateBody::from_json(br#"{"topicName":"g","accounts":"a,,b"}"#).unwrap_err();
    /// assert_eq!((err.field(), err.offset()), (Some("accounts"), Some(31)));
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
}

impl ToJson for TopicCreateBody<'_> {
    fn write_json<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<()> {
        let mut o = ObjectWriter::begin(sink)?;
        o.str("topicName", &self.topic_name)?;
        o.with("accounts", |s| write_joined(s, &self.accounts))?;
        o.end()
    }
}

impl<'a> TopicCreate<'a> {
    /// A group named `topic_name` with the members `accounts` (the owner need not be listed).
    pub fn new(
        app_id: impl Into<JsonU64>,
        auth: Auth<'a>,
        topic_name: impl Into<JsonStr<'a>>,
        accounts: &'a [&'a str],
    ) -> Result<Self> {
        let body = TopicCreateBody {
            topic_name: topic_name.into(),
            accounts: Accounts::from_slice(accounts),
        };
        Self::from_body(app_id, auth, body)
    }

    /// The request from its decoded body and what travels outside it: `app_id` (from the path) and
    /// `auth` (from the headers). Fails like [`new`](Self::new) when the body's accounts break a rule
    /// (a body from [`TopicCreateBody::from_json`] never does).
    ///
    /// ```
    /// use mimc_codec::api::{Auth, TopicCreate, TopicCreateBody};
    /// let body = TopicCreateBody::from_json(br#"{"topicName":"MIMC","accounts":"user_wen"}"#)?;
    /// let req = TopicCreate::from_body(2882303761517669588u64, Auth::token("cUyhSzbq")?, body)?;
    /// assert_eq!(req.topic_name(), "MIMC");
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    pub fn from_body(
        app_id: impl Into<JsonU64>,
        auth: Auth<'a>,
        body: TopicCreateBody<'a>,
    ) -> Result<Self> {
        check_members(&body.accounts, true)?;
        Ok(TopicCreate {
            app_id: app_id.into(),
            auth,
            body,
        })
    }

    /// The body the request sends (`{topicName, accounts}`).
    ///
    /// ```
    /// use mimc_codec::api::{Auth, TopicCreate};
    /// let req = TopicCreate::new(2882303761517669588u64, Auth::token("cUyhSzbq")?, "MIMC", &["10"])?;
    /// assert_eq!(req.body().topic_name, "MIMC");
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    pub const fn body(&self) -> TopicCreateBody<'a> {
        self.body
    }

    /// `topicName`.
    pub const fn topic_name(&self) -> JsonStr<'a> {
        self.body.topic_name
    }

    /// `accounts`: the members to add, in order.
    pub const fn accounts(&self) -> Accounts<'a> {
        self.body.accounts
    }
}

impl ToJson for TopicCreate<'_> {
    fn write_json<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<()> {
        self.body.write_json(sink)
    }
}

impl ApiRequest for TopicCreate<'_> {
    type Reply<'r> = TopicData<'r>;
    const CALL: &'static str = "topic-create";

    fn method(&self) -> Method {
        Method::Post
    }

    fn write_path<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<()> {
        write_topic_path(sink, self.app_id, None)
    }

    fn headers(&self) -> Headers<'_> {
        Headers::new(true).with_auth(&self.auth, None)
    }
}

bodiless_topic_call! {
    /// Reads a group and its members (call `topic-query`): `GET /api/topic/{appId}/{topicId}`.
    TopicQuery, "topic-query", Get, suffix = b"", topic = true, reply = TopicData<'r>
}

bodiless_topic_call! {
    /// Lists the groups the authenticated account belongs to (call `topic-mine`):
    /// `GET /api/topic/{appId}/account`.
    TopicMine, "topic-mine", Get, suffix = b"/account", topic = false, reply = TopicList<'r>
}

bodiless_topic_call! {
    /// Leaves a group (call `topic-quit`, not for the owner): `DELETE /api/topic/{appId}/{topicId}/account`.
    ///
    /// The reply's `data` is `null` (older manuals: the group as [`TopicData`]), hence
    /// `Option<TopicData>`; the owner gets `{"code":500,"message":"quit topic fail","data":null}`.
    TopicQuit, "topic-quit", Delete, suffix = b"/account", topic = true, reply = Option<TopicData<'r>>
}

bodiless_topic_call! {
    /// Dismisses a group (call `topic-dismiss`, owner only): `DELETE /api/topic/{appId}/{topicId}`.
    /// The reply's `data` is `null` (read as `()`).
    TopicDismiss, "topic-dismiss", Delete, suffix = b"", topic = true, reply = ()
}

/// Invites accounts into a group (call `topic-join`): `POST /api/topic/{appId}/{topicId}/accounts` with
/// `{"accounts": "d,e"}`.
///
/// Fails when an account is empty or contains a comma, when none are given, or when there are more than
/// [`MAX_TOPIC_MEMBERS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TopicJoin<'a> {
    app_id: JsonU64,
    topic_id: JsonU64,
    auth: Auth<'a>,
    body: TopicJoinBody<'a>,
}

/// The body of an invitation (`topic-join`): `{accounts: "d,e"}`, comma-joined. `appId` and `topicId`
/// travel in the path, authentication in the headers; [`TopicJoin::from_body`] adds them.
///
/// ```
/// use mimc_codec::api::{Auth, TopicJoin, TopicJoinBody};
/// use mimc_codec::{Accounts, ToJson};
/// let body = TopicJoinBody::from_json(br#"{"accounts":"user_wen,user_hua"}"#)?;
/// assert_eq!(body.accounts, Accounts::from_slice(&["user_wen", "user_hua"]));
/// let req = TopicJoin::from_body(2882303761517669588u64, 30094929200414721u64, Auth::token("t")?, body)?;
/// let mut buf = [0u8; 64];
/// assert_eq!(req.to_json_slice(&mut buf)?, br#"{"accounts":"user_wen,user_hua"}"#);
/// # Ok::<(), mimc_codec::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct TopicJoinBody<'a> {
    /// `accounts`: the accounts to invite, in order.
    pub accounts: Accounts<'a>,
}

body_decoders! {
    TopicJoinBody,
    |body, opts| {
        let (_, accounts) = read_members_body(body, opts, false)?;
        Ok(TopicJoinBody { accounts })
    },
    r#"{"accounts":"user_wen,user_hua"}"#,
    /// Decodes the body (`{accounts: "d,e"}`), as [`TopicCreateBody::from_json`]; at least one account
    /// is required.
    ///
    /// ```
    /// use mimc_codec::api::TopicJoinBody;
    /// assert_eq!(TopicJoinBody::from_json(br#"{"accounts":"user_wen,user_hua"}"#)?.accounts.len(), 2);
    /// let err = TopicJoinBody::from_json(br#"{"accounts":""}"#).unwrap_err();
    /// assert_eq!((err.field(), err.offset()), (Some("accounts"), Some(12)));
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
}

impl ToJson for TopicJoinBody<'_> {
    fn write_json<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<()> {
        let mut o = ObjectWriter::begin(sink)?;
        o.with("accounts", |s| write_joined(s, &self.accounts))?;
        o.end()
    }
}

impl<'a> TopicJoin<'a> {
    /// Adds `accounts` to the group `topic_id`.
    pub fn new(
        app_id: impl Into<JsonU64>,
        topic_id: impl Into<JsonU64>,
        auth: Auth<'a>,
        accounts: &'a [&'a str],
    ) -> Result<Self> {
        let body = TopicJoinBody {
            accounts: Accounts::from_slice(accounts),
        };
        Self::from_body(app_id, topic_id, auth, body)
    }

    /// The request from its decoded body and what travels outside it: `app_id` and `topic_id` (from
    /// the path) and `auth` (from the headers). Fails like [`new`](Self::new) when the body's accounts
    /// break a rule (a body from [`TopicJoinBody::from_json`] never does).
    ///
    /// ```
    /// use mimc_codec::api::{Auth, TopicJoin, TopicJoinBody};
    /// let body = TopicJoinBody::from_json(br#"{"accounts":"user_wen"}"#)?;
    /// let req = TopicJoin::from_body(2882303761517669588u64, 30094929200414721u64, Auth::token("t")?, body)?;
    /// assert_eq!(req.body(), body);
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    pub fn from_body(
        app_id: impl Into<JsonU64>,
        topic_id: impl Into<JsonU64>,
        auth: Auth<'a>,
        body: TopicJoinBody<'a>,
    ) -> Result<Self> {
        check_members(&body.accounts, false)?;
        Ok(TopicJoin {
            app_id: app_id.into(),
            topic_id: topic_id.into(),
            auth,
            body,
        })
    }

    /// The body the request sends (`{accounts}`).
    ///
    /// ```
    /// use mimc_codec::api::{Auth, TopicJoin};
    /// let req = TopicJoin::new(1u64, 2u64, Auth::token("t")?, &["user_wen"])?;
    /// assert!(req.body().accounts.contains("user_wen"));
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    pub const fn body(&self) -> TopicJoinBody<'a> {
        self.body
    }

    /// `accounts`: the accounts to invite, in order.
    pub const fn accounts(&self) -> Accounts<'a> {
        self.body.accounts
    }
}

impl ToJson for TopicJoin<'_> {
    fn write_json<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<()> {
        self.body.write_json(sink)
    }
}

impl ApiRequest for TopicJoin<'_> {
    type Reply<'r> = TopicData<'r>;
    const CALL: &'static str = "topic-join";

    fn method(&self) -> Method {
        Method::Post
    }

    fn write_path<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<()> {
        write_topic_path(sink, self.app_id, Some(self.topic_id))?;
        sink.put(b"/accounts")
    }

    fn headers(&self) -> Headers<'_> {
        Headers::new(true).with_auth(&self.auth, None)
    }
}

/// Removes accounts from a group (call `topic-kick`, owner only):
/// `DELETE /api/topic/{appId}/{topicId}/accounts?accounts=d,e`, no body.
///
/// The accounts travel comma-joined in the query string. The manual does not encode them; here each
/// account is percent-encoded except the unreserved characters `A-Z a-z 0-9 - . _ ~`, so plain accounts
/// come out exactly as in the manual and others still form a valid URI. Fails like [`TopicJoin::new`].
///
/// ```
/// use mimc_codec::api::{ApiRequest, Auth, TopicKick};
/// let kick = TopicKick::new(2882303761517669588u64, 30094929200414721u64, Auth::token("t")?,
///     &["user_wen", "张三"])?;
/// assert_eq!(kick.path_into(&mut [0; 128])?,
///     "/api/topic/2882303761517669588/30094929200414721/accounts?accounts=user_wen,%E5%BC%A0%E4%B8%89");
/// # Ok::<(), mimc_codec::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TopicKick<'a> {
    app_id: JsonU64,
    topic_id: JsonU64,
    auth: Auth<'a>,
    accounts: &'a [&'a str],
}

impl<'a> TopicKick<'a> {
    /// Removes `accounts` from the group `topic_id`.
    pub fn new(
        app_id: impl Into<JsonU64>,
        topic_id: impl Into<JsonU64>,
        auth: Auth<'a>,
        accounts: &'a [&'a str],
    ) -> Result<Self> {
        check_members(&Accounts::from_slice(accounts), false)?;
        Ok(TopicKick {
            app_id: app_id.into(),
            topic_id: topic_id.into(),
            auth,
            accounts,
        })
    }
}

impl ToJson for TopicKick<'_> {
    /// No body: writes nothing.
    fn write_json<S: Sink + ?Sized>(&self, _: &mut S) -> Result<()> {
        Ok(())
    }
}

impl ApiRequest for TopicKick<'_> {
    type Reply<'r> = TopicData<'r>;
    const CALL: &'static str = "topic-kick";

    fn method(&self) -> Method {
        Method::Delete
    }

    fn write_path<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<()> {
        write_topic_path(sink, self.app_id, Some(self.topic_id))?;
        sink.put(b"/accounts?accounts=")?;
        for (i, a) in self.accounts.iter().enumerate() {
            if i > 0 {
                sink.put(b",")?;
            }
            write_query_component(sink, a)?;
        }
        Ok(())
    }

    fn headers(&self) -> Headers<'_> {
        Headers::new(false).with_auth(&self.auth, None)
    }
}

/// Changes a group (call `topic-update`, owner only): `PUT /api/topic/{appId}/{topicId}` with
/// `{ownerAccount?, topicName?, bulletin?}`: only the fields set are sent.
///
/// ```
/// use mimc_codec::api::{Auth, TopicUpdate};
/// use mimc_codec::ToJson;
/// let req = TopicUpdate::new(2882303761517669588u64, 30094929200414721u64, Auth::token("t")?)
///     .with_bulletin("欢迎加入！");
/// let mut buf = [0u8; 64];
/// let json = req.to_json_slice(&mut buf)?;
/// assert_eq!(json, r#"{"bulletin":"欢迎加入！"}"#.as_bytes());
/// # Ok::<(), mimc_codec::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TopicUpdate<'a> {
    app_id: JsonU64,
    topic_id: JsonU64,
    auth: Auth<'a>,
    body: TopicUpdateBody<'a>,
    older: Option<TopicUpdateOlder<'a>>,
}

model! {
    /// The body of a group update (`topic-update`), as the current manual writes it:
    /// `{ownerAccount?, topicName?, bulletin?}`, only the fields that change.
    pub struct TopicUpdateBody<'a> in "body" {
        /// `ownerAccount`: the new owner, when changed.
        owner_account: Option<JsonStr<'a>> = "ownerAccount",
        /// `topicName`: the new name, when changed.
        topic_name: Option<JsonStr<'a>> = "topicName",
        /// `bulletin`: the new notice, when changed.
        bulletin: Option<JsonStr<'a>> = "bulletin",
    }
}

model! {
    /// The body of a group update as the two oldest editions of the manual write it:
    /// `{topicId, ownerUuid, topicName, bulletin}`, the new owner named by uuid instead of account.
    /// Read it with [`from_json`](Self::from_json); send it with [`TopicUpdate::with_older_body`].
    ///
    /// ```
    /// use mimc_codec::api::TopicUpdateOlder;
    /// use mimc_codec::{JsonU64, ToJson};
    /// let body = br#"{"topicId":30094929200414721, "ownerUuid":27332097396178945,"topicName":"MIMC","bulletin":"hi"}"#;
    /// let older = TopicUpdateOlder::from_json(body)?;
    /// assert_eq!(older.owner_uuid.map(|u| u.get()), Some(27332097396178945));
    /// let built = TopicUpdateOlder::new(JsonU64::number(30094929200414721))
    ///     .with_owner_uuid(JsonU64::number(27332097396178945)).with_topic_name("MIMC").with_bulletin("hi");
    /// assert_eq!(built, older);
    /// let mut buf = [0u8; 128];
    /// let json = built.to_json_slice(&mut buf)?;
    /// assert_eq!(json, br#"{"topicId":30094929200414721,"ownerUuid":27332097396178945,"topicName":"MIMC","bulletin":"hi"}"#);
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    pub struct TopicUpdateOlder<'a> in "body" {
        /// `topicId`: the group (the path names it too).
        topic_id: JsonU64 = "topicId",
        /// `ownerUuid`: the owner, or the new owner when it changes hands.
        owner_uuid: Option<JsonU64> = "ownerUuid",
        /// `topicName`: the (new) name.
        topic_name: Option<JsonStr<'a>> = "topicName",
        /// `bulletin`: the (new) notice.
        bulletin: Option<JsonStr<'a>> = "bulletin",
    }
}

body_decoders! {
    TopicUpdateBody,
    |body, opts| Self::read_members(&mut json::top_object(body, opts)?),
    r#"{"ownerAccount":"user_wen","bulletin":"欢迎加入！"}"#,
    /// Decodes the body (`{ownerAccount?, topicName?, bulletin?}`, each optional). Keys may come in any
    /// order; unknown keys (the older manual's `topicId` and `ownerUuid` among them: read those with
    /// [`TopicUpdateOlder::from_json`]) are ignored.
    ///
    /// ```
    /// use mimc_codec::api::TopicUpdateBody;
    /// let body = TopicUpdateBody::from_json(r#"{"bulletin":"欢迎加入！"}"#.as_bytes())?;
    /// assert_eq!(body.bulletin.unwrap(), "欢迎加入！");
    /// assert_eq!(body.topic_name, None);
    /// let err = TopicUpdateBody::from_json(br#"{"bulletin":1}"#).unwrap_err();
    /// assert_eq!((err.field(), err.offset()), (Some("bulletin"), Some(12)));
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
}

body_decoders! {
    TopicUpdateOlder,
    |body, opts| Self::read_members(&mut json::top_object(body, opts)?),
    r#"{"topicId":30094929200414721,"ownerUuid":27332097396178945,"topicName":"MIMC","bulletin":"hi"}"#,
    /// Decodes the body (keys in any order, unknown keys ignored, ids as numbers or strings).
    ///
    /// ```
    /// use mimc_codec::api::TopicUpdateOlder;
    /// let older = TopicUpdateOlder::from_json(br#"{"topicId":"30094929200414721","bulletin":"hi"}"#)?;
    /// assert_eq!(older.topic_id.get(), 30094929200414721);
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
}

impl<'a> TopicUpdateOlder<'a> {
    /// An older-style update of the group `topic_id` that changes nothing yet.
    pub fn new(topic_id: impl Into<JsonU64>) -> Self {
        TopicUpdateOlder {
            topic_id: topic_id.into(),
            owner_uuid: None,
            topic_name: None,
            bulletin: None,
        }
    }

    /// Sets `ownerUuid`.
    #[must_use]
    pub fn with_owner_uuid(mut self, uuid: impl Into<JsonU64>) -> Self {
        self.owner_uuid = Some(uuid.into());
        self
    }

    /// Sets `topicName`.
    #[must_use]
    pub fn with_topic_name(mut self, name: impl Into<JsonStr<'a>>) -> Self {
        self.topic_name = Some(name.into());
        self
    }

    /// Sets `bulletin`.
    #[must_use]
    pub fn with_bulletin(mut self, bulletin: impl Into<JsonStr<'a>>) -> Self {
        self.bulletin = Some(bulletin.into());
        self
    }
}

impl<'a> TopicUpdate<'a> {
    /// An update of the group `topic_id` that changes nothing yet.
    pub fn new(app_id: impl Into<JsonU64>, topic_id: impl Into<JsonU64>, auth: Auth<'a>) -> Self {
        TopicUpdate {
            app_id: app_id.into(),
            topic_id: topic_id.into(),
            auth,
            body: TopicUpdateBody {
                owner_account: None,
                topic_name: None,
                bulletin: None,
            },
            older: None,
        }
    }

    /// Hands the group over to `account` (`ownerAccount`).
    #[must_use]
    pub fn with_owner_account(mut self, account: impl Into<JsonStr<'a>>) -> Self {
        self.body.owner_account = Some(account.into());
        self
    }

    /// Renames the group (`topicName`).
    #[must_use]
    pub fn with_topic_name(mut self, name: impl Into<JsonStr<'a>>) -> Self {
        self.body.topic_name = Some(name.into());
        self
    }

    /// Sets the notice board (`bulletin`).
    #[must_use]
    pub fn with_bulletin(mut self, bulletin: impl Into<JsonStr<'a>>) -> Self {
        self.body.bulletin = Some(bulletin.into());
        self
    }

    /// Sends the older manual's body instead (`{topicId, ownerUuid, topicName, bulletin}`), for servers
    /// or proxies that expect it; the fields set with the other builders are then not sent.
    ///
    /// ```
    /// use mimc_codec::api::{Auth, TopicUpdate, TopicUpdateOlder};
    /// use mimc_codec::{JsonU64, ToJson};
    /// let topic = JsonU64::number(30094929200414721);
    /// let req = TopicUpdate::new(2882303761517669588u64, topic, Auth::token("t")?)
    ///     .with_older_body(TopicUpdateOlder::new(topic).with_bulletin("hi"));
    /// let mut buf = [0u8; 64];
    /// let json = req.to_json_slice(&mut buf)?;
    /// assert_eq!(json, br#"{"topicId":30094929200414721,"bulletin":"hi"}"#);
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    #[must_use]
    pub fn with_older_body(mut self, body: TopicUpdateOlder<'a>) -> Self {
        self.older = Some(body);
        self
    }

    /// The request from its decoded body and what travels outside it: `app_id` and `topic_id` (from
    /// the path) and `auth` (from the headers).
    ///
    /// ```
    /// use mimc_codec::api::{Auth, TopicUpdate, TopicUpdateBody};
    /// let body = TopicUpdateBody::from_json(br#"{"bulletin":"hi"}"#)?;
    /// let req = TopicUpdate::from_body(2882303761517669588u64, 30094929200414721u64, Auth::token("t")?, body);
    /// assert_eq!(req.bulletin().unwrap(), "hi");
    /// assert_eq!(req.topic_name(), None);
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    pub fn from_body(
        app_id: impl Into<JsonU64>,
        topic_id: impl Into<JsonU64>,
        auth: Auth<'a>,
        body: TopicUpdateBody<'a>,
    ) -> Self {
        TopicUpdate {
            body,
            ..TopicUpdate::new(app_id, topic_id, auth)
        }
    }

    /// The current manual's body (`{ownerAccount?, topicName?, bulletin?}`): what the request sends,
    /// unless [`with_older_body`](Self::with_older_body) chose the older one ([`older_body`](Self::older_body)).
    ///
    /// ```
    /// use mimc_codec::api::{Auth, TopicUpdate};
    /// let req = TopicUpdate::new(1u64, 2u64, Auth::token("t")?).with_topic_name("MIMC");
    /// assert_eq!(req.body().topic_name.unwrap(), "MIMC");
    /// assert_eq!(req.body().bulletin, None);
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    pub const fn body(&self) -> TopicUpdateBody<'a> {
        self.body
    }

    /// `ownerAccount`: the new owner, when changed.
    pub const fn owner_account(&self) -> Option<JsonStr<'a>> {
        self.body.owner_account
    }

    /// `topicName`: the new name, when changed.
    pub const fn topic_name(&self) -> Option<JsonStr<'a>> {
        self.body.topic_name
    }

    /// `bulletin`: the new notice, when changed.
    pub const fn bulletin(&self) -> Option<JsonStr<'a>> {
        self.body.bulletin
    }

    /// The older body, when [`with_older_body`](Self::with_older_body) chose it.
    pub const fn older_body(&self) -> Option<TopicUpdateOlder<'a>> {
        self.older
    }
}

impl ToJson for TopicUpdate<'_> {
    fn write_json<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<()> {
        match &self.older {
            Some(older) => older.write_json(sink),
            None => self.body.write_json(sink),
        }
    }
}

impl ApiRequest for TopicUpdate<'_> {
    type Reply<'r> = TopicData<'r>;
    const CALL: &'static str = "topic-update";

    fn method(&self) -> Method {
        Method::Put
    }

    fn write_path<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<()> {
        write_topic_path(sink, self.app_id, Some(self.topic_id))
    }

    fn headers(&self) -> Headers<'_> {
        Headers::new(true).with_auth(&self.auth, None)
    }
}

model! {
    /// A group's description (`topicInfo`): `{topicId, ownerUuid, ownerAccount, topicName, bulletin}`.
    ///
    /// `ownerAccount` is absent in the oldest manual, so optional; ids are read from numbers or strings.
    pub struct TopicInfo<'a> in "topicInfo" {
        /// `topicId`.
        topic_id: JsonU64 = "topicId",
        /// `ownerUuid`: the owner's uuid.
        owner_uuid: JsonU64 = "ownerUuid",
        /// `ownerAccount`, when sent.
        owner_account: Option<JsonStr<'a>> = "ownerAccount",
        /// `topicName`.
        topic_name: JsonStr<'a> = "topicName",
        /// `bulletin` (may be empty).
        bulletin: JsonStr<'a> = "bulletin",
    }
}

typed_reply!(TopicInfo);

model! {
    /// A group member: `{uuid, account}`.
    pub struct Member<'a> in "members" {
        /// `uuid`: the member's user id.
        uuid: JsonU64 = "uuid",
        /// `account`.
        account: JsonStr<'a> = "account",
    }
}

typed_reply!(Member);

model! {
    /// The `data` of most group replies: `{topicInfo, members}`.
    ///
    /// ```
    /// use mimc_codec::api::TopicData;
    /// let data = TopicData::from_json(br#"{"code":200,"message":"success","data":{
    ///     "topicInfo":{"topicId":"30094929200414721","ownerUuid":"27331892437057537",
    ///                  "ownerAccount":"user_lei","topicName":"MIMC","bulletin":""},
    ///     "members":[{"uuid":"27331892437057537","account":"user_lei"}]}}"#)?;
    /// assert_eq!(data.topic_info().topic_id().get(), 30094929200414721);
    /// assert!(data.contains_account("user_lei"));
    /// # Ok::<(), mimc_codec::api::ReplyError>(())
    /// ```
    pub struct TopicData<'a> in "data", fill members: Member<'a> = "members" {
        /// `topicInfo`.
        topic_info: TopicInfo<'a> = "topicInfo",
        /// `members`, read lazily.
        members: List<'a, Member<'a>> = "members",
    }
}

typed_reply!(TopicData);

impl TopicData<'_> {
    /// Is `account` a member?
    pub fn contains_account(&self, account: &str) -> bool {
        self.members.iter().any(|m| m.account() == account)
    }
}

/// The `data` of topic-mine: the groups, as a lazily read list of [`TopicInfo`].
pub type TopicList<'a> = List<'a, TopicInfo<'a>>;
