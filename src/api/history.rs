//! Message history: one-to-one and group.

use crate::error::Result;
use crate::json::{self, JsonStr, JsonU64, ObjectWriter, Sink, ToJson};
use crate::model::model;

use super::reply::{invalid, str_field, u64_field};
use super::{
    ApiRequest, Auth, Headers, List, MAX_HISTORY_WINDOW_MS, Method, body_object, typed_reply,
};
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
    first: &'static str,
    second: &'static str,
) -> Result<HistoryFields<'a>> {
    let mut obj = body_object(body)?;
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

/// Reads one-to-one history (call `history-p2p`): `POST /api/msg/p2p/query/` with
/// `{appId, toAccount, fromAccount, utcFromTime, utcToTime}`.
///
/// The manual shows token authentication for the history calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryP2p<'a> {
    app_id: JsonU64,
    auth: Auth<'a>,
    to_account: JsonStr<'a>,
    from_account: JsonStr<'a>,
    window: TimeWindow,
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
        HistoryP2p {
            app_id: app_id.into(),
            auth,
            to_account: to_account.into(),
            from_account: from_account.into(),
            window,
        }
    }

    /// Decodes a request body (`{appId, toAccount, fromAccount, utcFromTime, utcToTime}`); `auth`
    /// comes from the headers. Keys may come in any order, unknown keys are ignored, ids and times may
    /// be numbers or strings (kept as they came); a window that does not increase or is longer than 24
    /// hours is an error at `utcToTime`'s value.
    ///
    /// ```
    /// use mimc_codec::api::{Auth, HistoryP2p};
    /// let body = br#"{"appId":"2882303761517669588","toAccount":"10","fromAccount":"user_lei",
    ///     "utcFromTime":"1597968000000","utcToTime":"1598054400000"}"#;
    /// let req = HistoryP2p::from_json(body, Auth::token("t")?)?;
    /// assert_eq!(req.window().len_ms(), 24 * 3600 * 1000);
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    pub fn from_json(body: &'a [u8], auth: Auth<'a>) -> Result<Self> {
        let f = read_history(body, "toAccount", "fromAccount")?;
        let Second::Account(from_account) = f.second else {
            return Err(invalid("not an account", "fromAccount"));
        };
        Ok(HistoryP2p {
            app_id: f.app_id,
            auth,
            to_account: f.first,
            from_account,
            window: f.window,
        })
    }

    /// `appId`.
    pub const fn app_id(&self) -> JsonU64 {
        self.app_id
    }

    /// `toAccount`.
    pub const fn to_account(&self) -> JsonStr<'a> {
        self.to_account
    }

    /// `fromAccount`.
    pub const fn from_account(&self) -> JsonStr<'a> {
        self.from_account
    }

    /// `utcFromTime` and `utcToTime`.
    pub const fn window(&self) -> TimeWindow {
        self.window
    }
}

impl ToJson for HistoryP2p<'_> {
    fn write_json<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<()> {
        let mut o = ObjectWriter::begin(sink)?;
        o.u64("appId", self.app_id)?;
        o.str("toAccount", &self.to_account)?;
        o.str("fromAccount", &self.from_account)?;
        o.u64("utcFromTime", self.window.from)?;
        o.u64("utcToTime", self.window.to)?;
        o.end()
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
    app_id: JsonU64,
    auth: Auth<'a>,
    account: JsonStr<'a>,
    topic_id: JsonU64,
    window: TimeWindow,
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
        HistoryP2t {
            app_id: app_id.into(),
            auth,
            account: account.into(),
            topic_id: topic_id.into(),
            window,
        }
    }

    /// Decodes a request body (`{appId, account, topicId, utcFromTime, utcToTime}`), as
    /// [`HistoryP2p::from_json`]; `auth` comes from the headers.
    pub fn from_json(body: &'a [u8], auth: Auth<'a>) -> Result<Self> {
        let f = read_history(body, "account", "topicId")?;
        let Second::Topic(topic_id) = f.second else {
            return Err(invalid("not a group id", "topicId"));
        };
        Ok(HistoryP2t {
            app_id: f.app_id,
            auth,
            account: f.first,
            topic_id,
            window: f.window,
        })
    }

    /// `appId`.
    pub const fn app_id(&self) -> JsonU64 {
        self.app_id
    }

    /// `account`: who asks.
    pub const fn account(&self) -> JsonStr<'a> {
        self.account
    }

    /// `topicId`.
    pub const fn topic_id(&self) -> JsonU64 {
        self.topic_id
    }

    /// `utcFromTime` and `utcToTime`.
    pub const fn window(&self) -> TimeWindow {
        self.window
    }
}

impl ToJson for HistoryP2t<'_> {
    fn write_json<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<()> {
        let mut o = ObjectWriter::begin(sink)?;
        o.u64("appId", self.app_id)?;
        o.str("account", &self.account)?;
        o.u64("topicId", self.topic_id)?;
        o.u64("utcFromTime", self.window.from)?;
        o.u64("utcToTime", self.window.to)?;
        o.end()
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
