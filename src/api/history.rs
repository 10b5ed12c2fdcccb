//! Message history: one-to-one and group.

use crate::error::Result;
use crate::json::{self, DecodeOptions, JsonStr, JsonU64, ObjectWriter, Sink, ToJson};
use crate::model::model;

use super::reply::{invalid, str_field, u64_field};
use super::topic::body_decoders;
use super::{ApiRequest, Auth, Headers, List, MAX_HISTORY_WINDOW_MS, Method, typed_reply};
use crate::error::Error;
use crate::payload::Payload;

/// A history query window `[utcFromTime, utcToTime)` in UTC milliseconds: increasing, at most
/// [`MAX_HISTORY_WINDOW_MS`] (24 hours) long.
///
/// Both ends are written as strings unless given as [`JsonU64::number`].
///
/// ```
/// use mimc_codec::api::TimeWindow;
/// let day = TimeWindow::new(1597968000000u64, 1598054400000u64)?;
/// assert_eq!(day.len_ms(), 24 * 3600 * 1000);
/// assert!(TimeWindow::new(1597968000000u64, 1598054400001u64).is_err()); // 24 h + 1 ms
/// assert!(TimeWindow::new(1598054400000u64, 1598054400000u64).is_err()); // empty
/// # Ok::<(), mimc_codec::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeWindow {
    from: JsonU64,
    to: JsonU64,
}

impl TimeWindow {
    /// `[from, to)`; fails unless `from < to` and `to - from` ≤ 24 hours.
    pub fn new(from: impl Into<JsonU64>, to: impl Into<JsonU64>) -> Result<Self> {
        let (from, to) = (from.into(), to.into());
        let Some(len) = to.get().checked_sub(from.get()).filter(|&l| l > 0) else {
            return Err(invalid(
                "the window does not increase (utcToTime must be after utcFromTime)",
                "utcToTime",
            ));
        };
        if len > MAX_HISTORY_WINDOW_MS {
            return Err(invalid("the window is longer than 24 hours", "utcToTime"));
        }
        Ok(TimeWindow { from, to })
    }

    /// The 24 hours ending at `to` (exclusive); fails when `to` is under 24 hours after the epoch.
    pub fn day_until(to: impl Into<JsonU64>) -> Result<Self> {
        let to = to.into();
        let from = to
            .get()
            .checked_sub(MAX_HISTORY_WINDOW_MS)
            .ok_or(invalid("the window starts before the epoch", "utcFromTime"))?;
        Self::new(JsonU64::new(from).with_quoted(to.is_quoted()), to)
    }

    /// `utcFromTime` (inclusive).
    pub const fn from(&self) -> JsonU64 {
        self.from
    }

    /// `utcToTime` (exclusive).
    pub const fn to(&self) -> JsonU64 {
        self.to
    }

    /// The window's length in milliseconds.
    pub const fn len_ms(&self) -> u64 {
        self.to.get().saturating_sub(self.from.get())
    }
}

/// The fields of a history body: `appId`, the two account/topic fields, the window.
struct HistoryFields<'a> {
    app_id: JsonU64,
    first: JsonStr<'a>,
    second: Second<'a>,
    window: TimeWindow,
}

/// The third field of a history body: `fromAccount` (one-to-one) or `topicId` (group).
enum Second<'a> {
    Account(JsonStr<'a>),
    Topic(JsonU64),
}

/// Reads a history body: `appId`, `first` (a string), `second` (`fromAccount` string or `topicId` id),
/// `utcFromTime`, `utcToTime`; the window rules apply, with the error at `utcToTime`'s value.
fn read_history<'a>(
    body: &'a [u8],
    opts: &DecodeOptions,
    first: &'static str,
    second: &'static str,
) -> Result<HistoryFields<'a>> {
    let mut obj = json::top_object(body, opts)?;
    let (mut app_id, mut a, mut b, mut from, mut to) = (None, None, None, None, None);
    let keys = ["appId", first, second, "utcFromTime", "utcToTime"];
    let end = obj.read_known(&keys, |i, v| {
        match i {
            0 => app_id = Some(u64_field(&v, "appId")?),
            1 => a = Some(str_field(&v, first)?),
            2 if second == "topicId" => b = Some(Second::Topic(u64_field(&v, second)?)),
            2 => b = Some(Second::Account(str_field(&v, second)?)),
            3 => from = Some(u64_field(&v, "utcFromTime")?),
            _ => to = Some((u64_field(&v, "utcToTime")?, v.offset())),
        }
        Ok(())
    })??;
    let app_id = json::required(app_id, "appId", end)?;
    let first = json::required(a, first, end)?;
    let second = json::required(b, second, end)?;
    let from = json::required(from, "utcFromTime", end)?;
    let (to, to_at) = json::required(to, "utcToTime", end)?;
    let window =
        TimeWindow::new(from, to).map_err(|e| Error::new(e.kind(), to_at).in_field("utcToTime"))?;
    Ok(HistoryFields {
        app_id,
        first,
        second,
        window,
    })
}

impl HistoryFields<'_> {
    /// Writes the body in the manual's order, `first` and `second` named by the keys given.
    fn write<S: Sink + ?Sized>(
        &self,
        sink: &mut S,
        first: &'static str,
        second: &'static str,
    ) -> Result<()> {
        let mut o = ObjectWriter::begin(sink)?;
        o.u64("appId", self.app_id)?;
        o.str(first, &self.first)?;
        match self.second {
            Second::Account(a) => o.str(second, &a)?,
            Second::Topic(t) => o.u64(second, t)?,
        }
        o.u64("utcFromTime", self.window.from)?;
        o.u64("utcToTime", self.window.to)?;
        o.end()
    }
}

/// Reads one-to-one history (call `history-p2p`): `POST /api/msg/p2p/query/` with
/// `{appId, toAccount, fromAccount, utcFromTime, utcToTime}`.
///
/// The manual shows token authentication for the history calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryP2p<'a> {
    auth: Auth<'a>,
    body: HistoryP2pBody<'a>,
}

/// The body of a one-to-one history query (`history-p2p`):
/// `{appId, toAccount, fromAccount, utcFromTime, utcToTime}`. It holds the whole request but its
/// authentication (the `token` header); [`HistoryP2p::from_body`] adds that.
///
/// ```
/// use mimc_codec::api::{Auth, HistoryP2p, HistoryP2pBody};
/// use mimc_codec::ToJson;
/// let json = br#"{"appId":"2882303761517669588","toAccount":"10","fromAccount":"user_lei","utcFromTime":"1597968000000","utcToTime":"1598054400000"}"#;
/// let body = HistoryP2pBody::from_json(json)?;
/// assert_eq!((body.from_account, body.to_account), ("user_lei".into(), "10".into()));
/// let req = HistoryP2p::from_body(Auth::token("cUyhSzbq")?, body);
/// let mut buf = [0u8; 160];
/// assert_eq!(req.to_json_slice(&mut buf)?, json);
/// # Ok::<(), mimc_codec::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct HistoryP2pBody<'a> {
    /// `appId`.
    pub app_id: JsonU64,
    /// `toAccount`.
    pub to_account: JsonStr<'a>,
    /// `fromAccount`.
    pub from_account: JsonStr<'a>,
    /// `utcFromTime` and `utcToTime`.
    pub window: TimeWindow,
}

body_decoders! {
    HistoryP2pBody,
    |body, opts| {
        let f = read_history(body, opts, "toAccount", "fromAccount")?;
        let Second::Account(from_account) = f.second else {
            return Err(invalid("not an account", "fromAccount"));
        };
        Ok(HistoryP2pBody {
            app_id: f.app_id,
            to_account: f.first,
            from_account,
            window: f.window,
        })
    },
    r#"{"appId":"2882303761517669588","toAccount":"10","fromAccount":"user_lei","utcFromTime":"1597968000000","utcToTime":"1598054400000"}"#,
    /// Decodes the body (`{appId, toAccount, fromAccount, utcFromTime, utcToTime}`). Keys may come in
    /// any order, unknown keys are ignored, ids and times may be numbers or strings (kept as they
    /// came); a window that does not increase or is longer than 24 hours is an error at `utcToTime`'s
    /// value.
    ///
    /// ```
    /// use mimc_codec::api::HistoryP2pBody;
    /// let body = br#"{"appId":"2882303761517669588","toAccount":"10","fromAccount":"user_lei",
    ///     "utcFromTime":"1597968000000","utcToTime":"1598054400000"}"#;
    /// assert_eq!(HistoryP2pBody::from_json(body)?.window.len_ms(), 24 * 3600 * 1000);
    /// let long = br#"{"appId":1,"toAccount":"a","fromAccount":"b","utcFromTime":0,"utcToTime":86400001}"#;
    /// let err = HistoryP2pBody::from_json(long).unwrap_err();
    /// assert_eq!((err.field(), err.offset()), (Some("utcToTime"), Some(73)));
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
}

impl ToJson for HistoryP2pBody<'_> {
    fn write_json<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<()> {
        HistoryFields {
            app_id: self.app_id,
            first: self.to_account,
            second: Second::Account(self.from_account),
            window: self.window,
        }
        .write(sink, "toAccount", "fromAccount")
    }
}

impl<'a> HistoryP2p<'a> {
    /// The messages between `from_account` and `to_account` within `window`. The accounts come in the
    /// order of every other constructor of the crate: `from` before `to` (the body writes `toAccount`
    /// first, as the manual does).
    pub fn new(
        app_id: impl Into<JsonU64>,
        auth: Auth<'a>,
        from_account: impl Into<JsonStr<'a>>,
        to_account: impl Into<JsonStr<'a>>,
        window: TimeWindow,
    ) -> Self {
        let body = HistoryP2pBody {
            app_id: app_id.into(),
            to_account: to_account.into(),
            from_account: from_account.into(),
            window,
        };
        Self::from_body(auth, body)
    }

    /// The request from its decoded body and `auth` (from the headers), the one thing the body does
    /// not hold.
    ///
    /// ```
    /// use mimc_codec::api::{Auth, HistoryP2p, HistoryP2pBody};
    /// let body = HistoryP2pBody::from_json(br#"{"appId":"2882303761517669588","toAccount":"10",
    ///     "fromAccount":"user_lei","utcFromTime":"1597968000000","utcToTime":"1598054400000"}"#)?;
    /// let req = HistoryP2p::from_body(Auth::token("cUyhSzbq")?, body);
    /// assert_eq!(req.window().len_ms(), 24 * 3600 * 1000);
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    pub const fn from_body(auth: Auth<'a>, body: HistoryP2pBody<'a>) -> Self {
        HistoryP2p { auth, body }
    }

    /// The body the request sends.
    ///
    /// ```
    /// use mimc_codec::api::{Auth, HistoryP2p, TimeWindow};
    /// let window = TimeWindow::day_until(1598054400000u64)?;
    /// let req = HistoryP2p::new(2882303761517669588u64, Auth::token("t")?, "user_lei", "10", window);
    /// assert_eq!(req.body().to_account, "10");
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    pub const fn body(&self) -> HistoryP2pBody<'a> {
        self.body
    }

    /// `appId`.
    pub const fn app_id(&self) -> JsonU64 {
        self.body.app_id
    }

    /// `toAccount`.
    pub const fn to_account(&self) -> JsonStr<'a> {
        self.body.to_account
    }

    /// `fromAccount`.
    pub const fn from_account(&self) -> JsonStr<'a> {
        self.body.from_account
    }

    /// `utcFromTime` and `utcToTime`.
    pub const fn window(&self) -> TimeWindow {
        self.body.window
    }
}

impl ToJson for HistoryP2p<'_> {
    fn write_json<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<()> {
        self.body.write_json(sink)
    }
}

impl ApiRequest for HistoryP2p<'_> {
    type Reply<'r> = History<'r>;
    const CALL: &'static str = "history-p2p";

    fn method(&self) -> Method {
        Method::Post
    }

    fn write_path<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<()> {
        sink.put(b"/api/msg/p2p/query/")
    }

    fn headers(&self) -> Headers<'_> {
        Headers::new(true).with_auth(&self.auth, None)
    }
}

/// Reads group history (call `history-p2t`): `POST /api/msg/p2t/query/` with
/// `{appId, account, topicId, utcFromTime, utcToTime}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryP2t<'a> {
    auth: Auth<'a>,
    body: HistoryP2tBody<'a>,
}

/// The body of a group history query (`history-p2t`): `{appId, account, topicId, utcFromTime,
/// utcToTime}`. It holds the whole request but its authentication (the `token` header);
/// [`HistoryP2t::from_body`] adds that.
///
/// ```
/// use mimc_codec::api::{Auth, HistoryP2t, HistoryP2tBody};
/// use mimc_codec::ToJson;
/// let json = br#"{"appId":"2882303761517669588","account":"user_lei","topicId":"30094929200414721","utcFromTime":"1597968000000","utcToTime":"1598054400000"}"#;
/// let body = HistoryP2tBody::from_json(json)?;
/// assert_eq!(body.topic_id.get(), 30094929200414721);
/// let req = HistoryP2t::from_body(Auth::token("cUyhSzbq")?, body);
/// let mut buf = [0u8; 160];
/// assert_eq!(req.to_json_slice(&mut buf)?, json);
/// # Ok::<(), mimc_codec::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct HistoryP2tBody<'a> {
    /// `appId`.
    pub app_id: JsonU64,
    /// `account`: who asks.
    pub account: JsonStr<'a>,
    /// `topicId`.
    pub topic_id: JsonU64,
    /// `utcFromTime` and `utcToTime`.
    pub window: TimeWindow,
}

body_decoders! {
    HistoryP2tBody,
    |body, opts| {
        let f = read_history(body, opts, "account", "topicId")?;
        let Second::Topic(topic_id) = f.second else {
            return Err(invalid("not a group id", "topicId"));
        };
        Ok(HistoryP2tBody {
            app_id: f.app_id,
            account: f.first,
            topic_id,
            window: f.window,
        })
    },
    r#"{"appId":"2882303761517669588","account":"user_lei","topicId":"30094929200414721","utcFromTime":"1597968000000","utcToTime":"1598054400000"}"#,
    /// Decodes the body (`{appId, account, topicId, utcFromTime, utcToTime}`), as
    /// [`HistoryP2pBody::from_json`].
    ///
    /// ```
    /// use mimc_codec::api::HistoryP2tBody;
    /// let body = br#"{"appId":1,"account":"a","topicId":"2","utcToTime":"5","utcFromTime":"5"}"#;
    /// let err = HistoryP2tBody::from_json(body).unwrap_err();
    /// assert_eq!((err.field(), err.offset()), (Some("utcToTime"), Some(51)));
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
}

impl ToJson for HistoryP2tBody<'_> {
    fn write_json<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<()> {
        HistoryFields {
            app_id: self.app_id,
            first: self.account,
            second: Second::Topic(self.topic_id),
            window: self.window,
        }
        .write(sink, "account", "topicId")
    }
}

impl<'a> HistoryP2t<'a> {
    /// The messages of the group `topic_id` within `window`, as seen by `account`.
    pub fn new(
        app_id: impl Into<JsonU64>,
        auth: Auth<'a>,
        account: impl Into<JsonStr<'a>>,
        topic_id: impl Into<JsonU64>,
        window: TimeWindow,
    ) -> Self {
        let body = HistoryP2tBody {
            app_id: app_id.into(),
            account: account.into(),
            topic_id: topic_id.into(),
            window,
        };
        Self::from_body(auth, body)
    }

    /// The request from its decoded body and `auth` (from the headers), the one thing the body does
    /// not hold.
    ///
    /// ```
    /// use mimc_codec::api::{Auth, HistoryP2t, HistoryP2tBody};
    /// let body = HistoryP2tBody::from_json(br#"{"appId":"2882303761517669588","account":"user_lei",
    ///     "topicId":"30094929200414721","utcFromTime":"1597968000000","utcToTime":"1598054400000"}"#)?;
    /// let req = HistoryP2t::from_body(Auth::token("cUyhSzbq")?, body);
    /// assert_eq!(req.account(), "user_lei");
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    pub const fn from_body(auth: Auth<'a>, body: HistoryP2tBody<'a>) -> Self {
        HistoryP2t { auth, body }
    }

    /// The body the request sends.
    ///
    /// ```
    /// use mimc_codec::api::{Auth, HistoryP2t, TimeWindow};
    /// let window = TimeWindow::day_until(1598054400000u64)?;
    /// let req = HistoryP2t::new(2882303761517669588u64, Auth::token("t")?, "user_lei",
    ///     30094929200414721u64, window);
    /// assert_eq!(req.body().topic_id.get(), 30094929200414721);
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    pub const fn body(&self) -> HistoryP2tBody<'a> {
        self.body
    }

    /// `appId`.
    pub const fn app_id(&self) -> JsonU64 {
        self.body.app_id
    }

    /// `account`: who asks.
    pub const fn account(&self) -> JsonStr<'a> {
        self.body.account
    }

    /// `topicId`.
    pub const fn topic_id(&self) -> JsonU64 {
        self.body.topic_id
    }

    /// `utcFromTime` and `utcToTime`.
    pub const fn window(&self) -> TimeWindow {
        self.body.window
    }
}

impl ToJson for HistoryP2t<'_> {
    fn write_json<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<()> {
        self.body.write_json(sink)
    }
}

impl ApiRequest for HistoryP2t<'_> {
    type Reply<'r> = History<'r>;
    const CALL: &'static str = "history-p2t";

    fn method(&self) -> Method {
        Method::Post
    }

    fn write_path<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<()> {
        sink.put(b"/api/msg/p2t/query/")
    }

    fn headers(&self) -> Headers<'_> {
        Headers::new(true).with_auth(&self.auth, None)
    }
}

model! {
    /// The `data` of a history reply: `{appId, topicId?, row, messages: [...]}` (`topicId` in group replies).
    ///
    /// ```
    /// use mimc_codec::api::History;
    /// let h = History::from_json(br#"{"code":200,"message":"success","data":{"appId":"2882303761517669588",
    ///     "messages":[{"sequence":"15980063519550001","payload":"cG9uZw==","ts":"1598006351955",
    ///                  "fromAccount":"user_lei","toAccount":"10"}],"row":1}}"#)?;
    /// let m = h.messages().first().unwrap();
    /// let mut buf = [0u8; 16];
    /// assert_eq!(m.payload_into(&mut buf)?, b"pong");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub struct History<'a> in "data", fill messages: HistoryMessage<'a> = "messages" {
        /// `appId`.
        app_id: JsonU64 = "appId",
        /// `topicId`: present in group history.
        topic_id: Option<JsonU64> = "topicId",
        /// `row`: the number of messages the server says it returned.
        row: JsonU64 = "row",
        /// `messages`, read lazily.
        messages: List<'a, HistoryMessage<'a>> = "messages",
    }
}

typed_reply!(History);

model! {
    /// One message of a history reply: `{sequence, payload, ts, fromAccount, toAccount?}` (`toAccount` in
    /// one-to-one history). `sequence` orders and de-duplicates; `payload` is base64 of the message bytes.
    pub struct HistoryMessage<'a> in "messages" {
        /// `sequence`.
        sequence: JsonU64 = "sequence",
        /// `payload`: the message bytes, base64, decoded only when asked.
        payload: Payload<'a> = "payload",
        /// `ts`: when the server stored it, UTC milliseconds.
        ts: JsonU64 = "ts",
        /// `fromAccount`.
        from_account: JsonStr<'a> = "fromAccount",
        /// `toAccount`: present in one-to-one history.
        to_account: Option<JsonStr<'a>> = "toAccount",
    }
}

typed_reply!(HistoryMessage);

impl HistoryMessage<'_> {
    /// The number of bytes the payload decodes to ([`Payload::decoded_len`]).
    pub fn payload_len(&self) -> Result<usize> {
        self.payload.decoded_len()
    }

    /// Decodes the payload into `out`, returning the message bytes ([`Payload::decode_into`]: limit
    /// 15 KiB, `\/` escapes handled).
    pub fn payload_into<'b>(&self, out: &'b mut [u8]) -> Result<&'b [u8]> {
        self.payload.decode_into(out)
    }
}
