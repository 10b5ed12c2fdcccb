//! Lazily read lists: [`List<'a, T>`](List), a JSON array of any element type (the API's replies, the
//! `topicIds` of a push), and [`Accounts`], the one special case: accounts, which also come as one
//! comma-joined string (`"accounts":"a,b,c"`).
//!
//! Both are checked once when read and then read again from the input as they are walked: no
//! allocation, no capacity limit. The callbacks ([`Callback`](crate::Callback)) and the API
//! ([`api`](crate::api)) share them.
//!
//! The canonical paths are `mimc_codec::list::{List, ListIter, Accounts, AccountsIter}`; the older
//! `mimc_codec::api::{List, ListIter}` and `mimc_codec::{Accounts, AccountsIter}` name the same types.

use core::fmt;
use core::marker::PhantomData;

use crate::api::{FromData, ReplyError};
use crate::error::{Error, ErrorKind, Result};
use crate::json::StrScan;
use crate::json::{
    self, JsonStr, JsonU64, ObjectWriter, RawJson, Sink, ToJson, ValueKind, ValueReader,
};
use crate::model::{Member, MemberSerialize, serialize_self};

// ---------------------------------------------------------------------------------------------------
// List

/// A JSON array of `T`, validated, typed and counted element by element in the document's one pass, then
/// read lazily: no allocation, no capacity limit. `len()` is known up front; [`iter`](Self::iter) decodes
/// each element again as it goes, over text known to be valid (nothing is validated twice).
///
/// A list of ids (`List<JsonU64>`, the `topicIds` of [`PushP2tMore`](crate::api::PushP2tMore)) can also
/// be built in code from a slice ([`from_ids`](List::from_ids)).
///
/// ```
/// use mimc_codec::api::{FromData, Member};
/// use mimc_codec::list::List;
/// use mimc_codec::RawJson;
/// let raw = RawJson::parse(r#"[{"uuid":"27331892437057537","account":"user_lei"},
///                              {"uuid":27332097396178945,"account":"10"}]"#)?;
/// let members = List::<Member>::from_raw(raw)?;
/// assert_eq!(members.len(), 2);
/// let accounts: Vec<_> = members.iter().map(|m| m.account().to_string()).collect();
/// assert_eq!(accounts, ["user_lei", "10"]);
/// assert_eq!(members.get(1).unwrap().account(), "10");
/// # Ok::<(), mimc_codec::Error>(())
/// ```
pub struct List<'a, T> {
    source: Source<'a>,
    len: usize,
    /// `Some(quoted)`: every element is an id, given that form ([`List::with_quoted`]).
    id_form: Option<bool>,
    _items: PhantomData<fn() -> T>,
}

/// Where a [`List`]'s elements come from.
#[derive(Clone, Copy)]
enum Source<'a> {
    /// A JSON array, every element checked when the list was read.
    Json(RawJson<'a>),
    /// Ids given in code ([`List::from_ids`]); only a `List<JsonU64>` is made from them.
    Ids(&'a [u64]),
}

impl<'a, T: FromData<'a>> List<'a, T> {
    /// Reads `data` as a list (each element checked once).
    pub fn from_raw(data: RawJson<'a>) -> Result<Self> {
        let len = count::<T>(&mut data.array()?)?;
        Ok(Self::json(data, len))
    }

    /// Reads the list where it stands in a document: each element validated, typed and counted as the
    /// document is read; type errors name `field`.
    pub(crate) fn read_value(value: ValueReader<'_, 'a>, field: &'static str) -> Result<Self> {
        Self::read_filling(value, field, &mut [], &mut 0)
    }

    /// As [`read_value`](Self::read_value), also storing the first elements in `out` as they are read
    /// (`*filled` counts them): the one-pass form of [`fill`](Self::fill).
    pub(crate) fn read_filling(
        value: ValueReader<'_, 'a>,
        field: &'static str,
        out: &mut [Option<T>],
        filled: &mut usize,
    ) -> Result<Self> {
        let (len, raw) = value
            .array(field, |items| {
                let mut len = 0usize;
                while let Some(item) = items.next_entry()? {
                    let element = T::read_value(item)?;
                    if let Some(slot) = out.get_mut(len) {
                        *slot = Some(element);
                        *filled = len + 1;
                    }
                    len += 1;
                }
                Ok(len)
            })
            .map_err(|e| e.in_typed_field(field))?;
        Ok(Self::json(raw, len))
    }

    /// Decodes a whole reply whose `data` is this list.
    pub fn from_json(body: &'a [u8]) -> Result<Self, ReplyError> {
        <Self as FromData<'a>>::from_json(body)
    }

    /// The elements, decoded one by one.
    pub fn iter(&self) -> ListIter<'a, T> {
        self.walk()
    }

    /// Decodes the elements in order into `out` (the httparse shape: storage from the caller), returning
    /// how many were written; an `InvalidValue` (nothing written) when the list has more elements than
    /// `out` holds ([`len`](Self::len) says how many).
    ///
    /// ```
    /// use mimc_codec::api::{FromData, Member};
    /// use mimc_codec::list::List;
    /// use mimc_codec::RawJson;
    /// let raw = RawJson::parse(r#"[{"uuid":"1","account":"a"},{"uuid":2,"account":"b"}]"#)?;
    /// let list = List::<Member>::from_raw(raw)?;
    /// let mut out = [None; 4];
    /// assert_eq!(list.fill(&mut out)?, 2);
    /// assert_eq!(out[1].unwrap().account, "b");
    /// assert!(list.fill(&mut [None; 1]).is_err());
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    pub fn fill(&self, out: &mut [Option<T>]) -> Result<usize> {
        if self.len > out.len() {
            let at = match self.source {
                Source::Json(raw) => raw.offset(),
                Source::Ids(_) => 0,
            };
            return Err(Error::new(
                ErrorKind::InvalidValue("more elements than the output slice holds"),
                at,
            ));
        }
        let mut n = 0;
        for (slot, item) in out.iter_mut().zip(self.iter()) {
            *slot = Some(item);
            n += 1;
        }
        Ok(n)
    }

    /// The first element.
    pub fn first(&self) -> Option<T> {
        self.iter().next()
    }

    /// The element at `index`, or `None` past the end. Only that element is decoded: the ones before it
    /// are skipped by their boundaries in the text (ids given in code are indexed directly). The list
    /// holds no index (to stay allocation-free), so each call walks the text before the element: to
    /// read every element, iterate (or [`fill`](Self::fill) a slice) rather than call `get` for each.
    pub fn get(&self, index: usize) -> Option<T> {
        self.iter().nth(index)
    }
}

impl<'a> List<'a, JsonU64> {
    /// A list of ids given in code, written as JSON strings (JavaScript peers lose precision on numbers
    /// above 2^53); [`with_quoted(false)`](Self::with_quoted) writes numbers.
    ///
    /// ```
    /// use mimc_codec::list::List;
    /// use mimc_codec::{JsonU64, ToJson};
    /// let ids = List::from_ids(&[21351198708203520, 21351235479666688]);
    /// assert_eq!(ids.get(1), Some(JsonU64::new(21351235479666688)));
    /// assert!(ids.contains(21351198708203520));
    /// let mut buf = [0u8; 64];
    /// let json = ids.with_quoted(false).to_json_slice(&mut buf)?;
    /// assert_eq!(json, b"[21351198708203520,21351235479666688]");
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    pub const fn from_ids(ids: &'a [u64]) -> Self {
        List {
            source: Source::Ids(ids),
            len: ids.len(),
            id_form: Some(true),
            _items: PhantomData,
        }
    }

    /// The same ids, every one given the form `quoted` (a JSON string when `true`, a number when
    /// `false`); a list read from JSON otherwise keeps each id's own form.
    #[must_use]
    pub const fn with_quoted(mut self, quoted: bool) -> Self {
        self.id_form = Some(quoted);
        self
    }

    /// Is `id` in the list? (A linear scan.)
    pub fn contains(&self, id: u64) -> bool {
        self.iter().any(|v| v.get() == id)
    }
}

impl<'a, T> List<'a, T> {
    /// A list of the `len` (checked) elements of the JSON array `raw`.
    const fn json(raw: RawJson<'a>, len: usize) -> Self {
        List {
            source: Source::Json(raw),
            len,
            id_form: None,
            _items: PhantomData,
        }
    }

    /// The list of no elements (`[]`).
    pub(crate) fn empty() -> Self {
        Self::json(RawJson::from_parts("[]", 0, ValueKind::Array), 0)
    }

    /// The number of elements.
    pub const fn len(&self) -> usize {
        self.len
    }

    /// No elements?
    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The array's JSON text, as received; `None` for ids given in code ([`from_ids`](List::from_ids)),
    /// which have no text.
    pub const fn raw(&self) -> Option<RawJson<'a>> {
        match self.source {
            Source::Json(raw) => Some(raw),
            Source::Ids(_) => None,
        }
    }

    /// The JSON text the list writes as it is, when there is one: the received text, unless the
    /// elements are ids given a form (then they are written one by one, [`write_text`](Self::write_text)).
    pub(crate) const fn text(&self) -> Option<RawJson<'a>> {
        match (self.source, self.id_form) {
            (Source::Json(raw), None) => Some(raw),
            _ => None,
        }
    }

    /// Writes the list as JSON: its [`text`](Self::text) when it has one, otherwise its ids one by one.
    pub(crate) fn write_text<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<()> {
        match self.text() {
            Some(raw) => sink.put(raw.as_str().as_bytes()),
            None => write_ids(sink, self.walk()),
        }
    }

    /// Walks the elements as `U` (the element type, or `JsonU64` for a list of ids).
    fn walk<U>(&self) -> ListIter<'a, U> {
        ListIter {
            items: match self.source {
                // `raw` was checked to be an array when the list was made.
                Source::Json(raw) => Items::Json(raw.array().ok()),
                Source::Ids(ids) => Items::Ids(ids.iter()),
            },
            left: self.len,
            id_form: self.id_form,
            _items: PhantomData,
        }
    }
}

/// Writes ids as a JSON array, each in its form.
fn write_ids<S: Sink + ?Sized>(sink: &mut S, ids: ListIter<'_, JsonU64>) -> Result<()> {
    sink.put(b"[")?;
    for (i, id) in ids.enumerate() {
        if i > 0 {
            sink.put(b",")?;
        }
        json::write_u64(sink, id)?;
    }
    sink.put(b"]")
}

/// A JSON array of the ids, each in its form (canonical: the received text's spacing is not kept).
impl ToJson for List<'_, JsonU64> {
    fn write_json<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<()> {
        write_ids(sink, self.iter())
    }
}

/// Reads every element of `items` as a `T` (and drops it), counting them.
fn count<'a, T: FromData<'a>>(items: &mut json::ArrayIter<'a>) -> Result<usize> {
    let mut len = 0usize;
    while let Some(item) = items.next_entry()? {
        T::read_value(item)?;
        len += 1;
    }
    Ok(len)
}

impl<'a, T: FromData<'a>> FromData<'a> for List<'a, T> {
    fn from_raw(data: RawJson<'a>) -> Result<Self> {
        List::from_raw(data)
    }

    fn read_value(mut value: ValueReader<'_, 'a>) -> Result<Self> {
        // Not an array: the error `from_raw` gives (naming no field), as the two-step path does.
        if !value.starts_with(b'[') {
            return Self::from_raw(value.raw()?);
        }
        let (len, raw) = value.array("data", count::<T>)?;
        Ok(Self::json(raw, len))
    }
}

/// A list is a model member: read in the document's one pass, written as its text.
impl<'a, T: FromData<'a>> Member<'a> for List<'a, T>
where
    List<'a, T>: MemberSerialize,
{
    fn read(v: ValueReader<'_, 'a>, key: &'static str) -> Result<Self> {
        Self::read_value(v, key)
    }
    fn placeholder() -> Self {
        Self::empty()
    }
    fn write<S: Sink + ?Sized>(&self, o: &mut ObjectWriter<'_, S>, key: &str) -> Result<()> {
        match self.text() {
            Some(raw) => o.raw(key, &raw),
            None => o.with(key, |s| self.write_text(s)),
        }
    }
    serialize_self!();
}

impl<T> Clone for List<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for List<'_, T> {}

impl<'a, T: FromData<'a> + PartialEq> PartialEq for List<'a, T> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}
impl<'a, T: FromData<'a> + Eq> Eq for List<'a, T> {}

impl<'a, T: FromData<'a> + fmt::Debug> fmt::Debug for List<'a, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<'a, T: FromData<'a>> IntoIterator for List<'a, T> {
    type Item = T;
    type IntoIter = ListIter<'a, T>;
    fn into_iter(self) -> ListIter<'a, T> {
        self.iter()
    }
}

impl<'a, T: FromData<'a>> IntoIterator for &List<'a, T> {
    type Item = T;
    type IntoIter = ListIter<'a, T>;
    fn into_iter(self) -> ListIter<'a, T> {
        self.iter()
    }
}

/// The iterator of a [`List`]: yields each element decoded, exactly `len()` of them.
pub struct ListIter<'a, T> {
    items: Items<'a>,
    left: usize,
    id_form: Option<bool>,
    _items: PhantomData<fn() -> T>,
}

/// The elements a [`ListIter`] has left.
#[derive(Clone)]
enum Items<'a> {
    Json(Option<json::ArrayIter<'a>>),
    Ids(core::slice::Iter<'a, u64>),
}

impl<'a, T: FromData<'a>> Iterator for ListIter<'a, T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        if self.left == 0 {
            return None;
        }
        // Every element was decoded once already, so no step can fail; if one did, the list ends.
        let next = match (&mut self.items, self.id_form) {
            (Items::Json(items), None) => items
                .as_mut()
                .and_then(|it| it.next_entry().ok().flatten())
                .and_then(|value| T::read_value(value).ok()),
            (Items::Json(items), Some(quoted)) => items
                .as_mut()
                .and_then(|it| it.next_element().ok().flatten())
                .and_then(|value| JsonU64::from_json(&value).ok())
                .and_then(|id| T::from_id(id.with_quoted(quoted))),
            (Items::Ids(ids), form) => ids
                .next()
                .and_then(|&id| T::from_id(JsonU64::new(id).with_quoted(form.unwrap_or(true)))),
        };
        if next.is_some() {
            self.left -= 1;
        } else {
            self.left = 0;
        }
        next
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }

    /// Skips `n` elements by their boundaries only (no typed decode of the skipped ones).
    fn nth(&mut self, n: usize) -> Option<T> {
        if n >= self.left {
            self.left = 0;
            return None;
        }
        let skipped = match &mut self.items {
            Items::Json(items) => (0..n).all(|_| {
                matches!(
                    items.as_mut().map(json::ArrayIter::next_element),
                    Some(Ok(Some(_)))
                )
            }),
            Items::Ids(ids) => n == 0 || ids.nth(n - 1).is_some(),
        };
        if !skipped {
            self.left = 0;
            return None;
        }
        self.left -= n;
        self.next()
    }
}

impl<'a, T: FromData<'a>> ExactSizeIterator for ListIter<'a, T> {}
impl<'a, T: FromData<'a>> core::iter::FusedIterator for ListIter<'a, T> {}

impl<T> Clone for ListIter<'_, T> {
    fn clone(&self) -> Self {
        ListIter {
            items: self.items.clone(),
            left: self.left,
            id_form: self.id_form,
            _items: PhantomData,
        }
    }
}

impl<T> fmt::Debug for ListIter<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ListIter")
            .field("left", &self.left)
            .finish()
    }
}

// ---------------------------------------------------------------------------------------------------
// Accounts

/// A list of accounts (`toAccounts`), borrowed: validated once when decoded (an array of strings), then
/// read lazily from the input on every [`iter`](Self::iter). No allocation and no cap on its length, so a
/// 500-member group costs nothing but the bytes it came in.
///
/// ```
/// use mimc_codec::list::Accounts;
/// use mimc_codec::RawJson;
/// let json = RawJson::parse(r#"["user_lei","10","13800000042"]"#)?;
/// let members = Accounts::from_json(&json)?;
/// assert_eq!(members.len(), 3);
/// assert!(members.contains("10") && !members.contains("1"));
/// assert_eq!(members.iter().next().unwrap(), "user_lei");
/// assert_eq!(members, Accounts::from_slice(&["user_lei", "10", "13800000042"]));
/// # Ok::<(), mimc_codec::Error>(())
/// ```
#[derive(Clone, Copy)]
pub struct Accounts<'a>(AccountsInner<'a>);

#[derive(Clone, Copy)]
enum AccountsInner<'a> {
    Json {
        array: RawJson<'a>,
        len: usize,
    },
    Slice(&'a [&'a str]),
    /// One JSON string holding the accounts comma-joined (the API's `"accounts": "a,b,c"`).
    Joined {
        text: JsonStr<'a>,
        len: usize,
    },
}

impl<'a> Accounts<'a> {
    /// A list built in code.
    pub const fn from_slice(accounts: &'a [&'a str]) -> Self {
        Accounts(AccountsInner::Slice(accounts))
    }

    /// Reads a JSON array of strings: `WrongType("an array")` at the value, or `WrongType("a string")` at
    /// the first element that is not a string (the caller names the field).
    pub fn from_json(value: &RawJson<'a>) -> Result<Self> {
        // The document scan found an array of strings and counted it: nothing to read again.
        if let (ValueKind::Array, Some((len, _))) = (value.kind(), value.string_count()) {
            return Ok(Accounts(AccountsInner::Json { array: *value, len }));
        }
        let mut items = StrScan::new(value)?;
        let mut len = 0usize;
        while items.next_str()?.is_some() {
            len += 1;
        }
        Ok(Accounts(AccountsInner::Json { array: *value, len }))
    }

    /// Reads a JSON string of comma-joined accounts (`"10,user_jun,user_bin"`, the HTTP API's form):
    /// `WrongType("a string")` at the value otherwise. A comma separates accounts whether written as is
    /// or escaped (`\u002c`), as the server splits the unescaped text; `""` is no account at all. Empty
    /// accounts (`"a,,b"`) are kept for the caller to judge ([`iter`](Self::iter) yields them with their
    /// offsets).
    ///
    /// ```
    /// use mimc_codec::{Accounts, RawJson};
    /// let json = RawJson::parse(r#""10,user_jun,user_bin""#)?;
    /// let members = Accounts::from_joined_json(&json)?;
    /// assert_eq!(members, Accounts::from_slice(&["10", "user_jun", "user_bin"]));
    /// assert_eq!(members.iter().nth(1).unwrap().offset(), 4);
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    pub fn from_joined_json(value: &RawJson<'a>) -> Result<Self> {
        let text = value.to_json_str()?;
        let len = JoinedScan::new(text).count();
        Ok(Accounts(AccountsInner::Joined { text, len }))
    }

    /// The comma-joined JSON string the list was read from, if it came that way.
    pub(crate) const fn joined_text(&self) -> Option<JsonStr<'a>> {
        match self.0 {
            AccountsInner::Joined { text, .. } => Some(text),
            _ => None,
        }
    }

    /// The number of accounts (counted when the list was read).
    pub const fn len(&self) -> usize {
        match self.0 {
            AccountsInner::Json { len, .. } | AccountsInner::Joined { len, .. } => len,
            AccountsInner::Slice(s) => s.len(),
        }
    }

    /// No accounts?
    pub const fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The accounts in order, read from the input as they are needed.
    pub fn iter(&self) -> AccountsIter<'a> {
        AccountsIter(match self.0 {
            AccountsInner::Json { array, len } => match StrScan::new(&array) {
                Ok(items) => IterInner::Json {
                    items,
                    remaining: len,
                },
                Err(_) => IterInner::Slice([].iter()),
            },
            AccountsInner::Slice(s) => IterInner::Slice(s.iter()),
            AccountsInner::Joined { text, len } => IterInner::Joined {
                items: JoinedScan::new(text),
                remaining: len,
            },
        })
    }

    /// Is `account` in the list? (Compares unescaped text; a linear scan.)
    pub fn contains(&self, account: &str) -> bool {
        match self.0 {
            AccountsInner::Slice(s) => s.contains(&account),
            AccountsInner::Json { .. } | AccountsInner::Joined { .. } => {
                self.iter().any(|a| a.eq_str(account))
            }
        }
    }
}

impl PartialEq for Accounts<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}
impl Eq for Accounts<'_> {}

impl<'a> IntoIterator for Accounts<'a> {
    type Item = JsonStr<'a>;
    type IntoIter = AccountsIter<'a>;
    fn into_iter(self) -> AccountsIter<'a> {
        self.iter()
    }
}

impl<'a> IntoIterator for &Accounts<'a> {
    type Item = JsonStr<'a>;
    type IntoIter = AccountsIter<'a>;
    fn into_iter(self) -> AccountsIter<'a> {
        self.iter()
    }
}

/// Accounts shown by `Debug` before it summarises.
const DEBUG_ACCOUNTS: usize = 8;

impl fmt::Debug for Accounts<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct More(usize);
        impl fmt::Debug for More {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "… {} more", self.0)
            }
        }
        let mut list = f.debug_list();
        list.entries(self.iter().take(DEBUG_ACCOUNTS));
        if self.len() > DEBUG_ACCOUNTS {
            list.entry(&More(self.len() - DEBUG_ACCOUNTS));
        }
        list.finish()
    }
}

impl ToJson for Accounts<'_> {
    /// A JSON array of strings, each written canonically.
    fn write_json<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<()> {
        sink.put(b"[")?;
        for (i, account) in self.iter().enumerate() {
            if i > 0 {
                sink.put(b",")?;
            }
            json::write_str(sink, &account)?;
        }
        sink.put(b"]")
    }
}

/// Walks the accounts of a comma-joined JSON string in its raw text: a raw `,` or an escaped one
/// (`\u002c`) ends an account; other escapes stay inside the account they belong to.
#[derive(Debug, Clone)]
struct JoinedScan<'a> {
    raw: &'a str,
    pos: usize,
    base: usize,
    done: bool,
}

impl<'a> JoinedScan<'a> {
    fn new(text: JsonStr<'a>) -> Self {
        JoinedScan {
            raw: text.raw(),
            pos: 0,
            base: text.offset(),
            done: text.raw().is_empty(),
        }
    }
}

/// Is the escape at `i` of `b` a comma (`\u002c` or `\u002C`)?
fn escaped_comma(b: &[u8], i: usize) -> bool {
    b.get(i..i.saturating_add(6))
        .is_some_and(|e| e.eq_ignore_ascii_case(b"\\u002c"))
}

impl<'a> Iterator for JoinedScan<'a> {
    type Item = JsonStr<'a>;

    fn next(&mut self) -> Option<JsonStr<'a>> {
        if self.done {
            return None;
        }
        let b = self.raw.as_bytes();
        let start = self.pos;
        let mut i = start;
        let mut escaped = false;
        let (end, next) = loop {
            match b.get(i) {
                None => {
                    self.done = true;
                    break (i.min(b.len()), i);
                }
                Some(b',') => break (i, i.saturating_add(1)),
                Some(b'\\') if escaped_comma(b, i) => break (i, i.saturating_add(6)),
                Some(b'\\') => {
                    escaped = true;
                    let step = if b.get(i.saturating_add(1)) == Some(&b'u') {
                        6
                    } else {
                        2
                    };
                    i = i.saturating_add(step);
                }
                Some(_) => i = i.saturating_add(1),
            }
        };
        self.pos = next;
        let raw = self.raw.get(start..end).unwrap_or("");
        Some(JsonStr::from_raw_parts(
            raw,
            escaped,
            self.base.saturating_add(start),
        ))
    }
}

/// Iterator over [`Accounts`].
#[derive(Debug, Clone)]
pub struct AccountsIter<'a>(IterInner<'a>);

#[derive(Debug, Clone)]
enum IterInner<'a> {
    Json {
        items: StrScan<'a>,
        remaining: usize,
    },
    Slice(core::slice::Iter<'a, &'a str>),
    Joined {
        items: JoinedScan<'a>,
        remaining: usize,
    },
}

impl<'a> Iterator for AccountsIter<'a> {
    type Item = JsonStr<'a>;

    fn next(&mut self) -> Option<JsonStr<'a>> {
        match &mut self.0 {
            IterInner::Json { items, remaining } => {
                // Validated and counted when the list was read: `remaining` strings follow.
                if *remaining == 0 {
                    return None;
                }
                *remaining -= 1;
                items.next_validated()
            }
            IterInner::Slice(it) => it.next().map(|s| JsonStr::new(s)),
            IterInner::Joined { items, remaining } => {
                let s = items.next()?;
                *remaining = remaining.saturating_sub(1);
                Some(s)
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = match &self.0 {
            IterInner::Json { remaining, .. } | IterInner::Joined { remaining, .. } => *remaining,
            IterInner::Slice(it) => it.len(),
        };
        (n, Some(n))
    }
}

impl ExactSizeIterator for AccountsIter<'_> {}
impl core::iter::FusedIterator for AccountsIter<'_> {}

#[cfg(test)]
mod tests {
    use super::*;
    use core::cell::Cell;
    use std::format;
    use std::string::String;
    use std::vec::Vec;

    std::thread_local! {
        /// How many [`Counted`] elements were decoded on this thread.
        static DECODED: Cell<usize> = const { Cell::new(0) };
    }

    /// An element whose every decode is counted.
    #[derive(Debug, PartialEq)]
    struct Counted(u64);

    impl<'a> FromData<'a> for Counted {
        fn from_raw(data: RawJson<'a>) -> Result<Self> {
            DECODED.with(|n| n.set(n.get() + 1));
            JsonU64::from_json(&data).map(|id| Counted(id.get()))
        }
    }

    fn decoded() -> usize {
        DECODED.with(|n| n.replace(0))
    }

    /// `[0,1,...,n-1]`, written with uneven spacing and forms so that skipping must find each boundary.
    fn numbers(n: u64) -> String {
        let items: Vec<String> = (0..n)
            .map(|i| match i % 3 {
                0 => format!("{i}"),
                1 => format!("\"{i}\""),
                _ => format!(" {i} "),
            })
            .collect();
        format!("[{}]", items.join(","))
    }

    #[test]
    fn indexing_decodes_only_the_element_asked_for() {
        const N: u64 = 20_000;
        let text = numbers(N);
        let list = List::<Counted>::from_raw(RawJson::parse(&text).unwrap()).unwrap();
        assert_eq!((list.len(), decoded()), (20_000, 20_000));
        assert_eq!(list.get(19_999), Some(Counted(19_999)));
        assert_eq!(decoded(), 1);
        assert_eq!(list.get(0), Some(Counted(0)));
        assert_eq!(list.get(12_345), Some(Counted(12_345)));
        assert_eq!(decoded(), 2);
        assert_eq!(list.get(20_000), None);
        assert_eq!(list.get(usize::MAX), None);
        assert_eq!(decoded(), 0);
        // `nth` on a running iterator skips the same way, and the count stays exact.
        let mut it = list.iter();
        assert_eq!(it.next(), Some(Counted(0)));
        assert_eq!(it.nth(9_998), Some(Counted(9_999)));
        assert_eq!(it.len(), 10_000);
        assert_eq!(it.nth(9_999), Some(Counted(19_999)));
        assert_eq!((it.next(), it.len()), (None, 0));
        assert_eq!(decoded(), 3);
        // Walking the whole list decodes each element once.
        assert_eq!(list.iter().count(), 20_000);
        assert_eq!(decoded(), 20_000);
    }

    #[test]
    fn ids_given_in_code_are_indexed_directly() {
        let ids: Vec<u64> = (0..20_000u64).map(|i| i * 7).collect();
        let list = List::from_ids(&ids);
        assert_eq!(list.len(), 20_000);
        assert_eq!(list.get(19_999), Some(JsonU64::new(19_999 * 7)));
        assert_eq!(list.get(20_000), None);
        assert_eq!(list.iter().nth(3), Some(JsonU64::new(21)));
        assert_eq!(list.iter().skip(19_998).count(), 2);
        assert!(list.contains(7 * 123) && !list.contains(8));
        assert!(list.raw().is_none() && list.text().is_none());
        let numbers = list.with_quoted(false);
        assert_eq!(numbers.get(1), Some(JsonU64::number(7)));
        let mut out = [None; 2];
        assert!(numbers.fill(&mut out).is_err());
        let two = List::from_ids(&ids[..2]);
        assert_eq!(two.fill(&mut out).unwrap(), 2);
        assert_eq!(out, [Some(JsonU64::new(0)), Some(JsonU64::new(7))]);
    }

    #[cfg(feature = "alloc")] // to_json_string
    #[test]
    fn id_lists_keep_or_take_a_form() {
        let raw = RawJson::parse(r#"[ 1 , "2",3 ]"#).unwrap();
        let read = List::<JsonU64>::from_raw(raw).unwrap();
        let forms: Vec<bool> = read.iter().map(|id| id.is_quoted()).collect();
        assert_eq!(forms, [false, true, false]);
        // Written canonically (as ids), or as received when the list is a member (`text`).
        assert_eq!(read.to_json_string().unwrap(), r#"[1,"2",3]"#);
        assert_eq!(read.text().unwrap().as_str(), r#"[ 1 , "2",3 ]"#);
        let strings = read.with_quoted(true);
        assert_eq!(strings.get(2), Some(JsonU64::new(3)));
        assert!(strings.text().is_none());
        assert_eq!(strings.to_json_string().unwrap(), r#"["1","2","3"]"#);
        let mut text = Vec::new();
        strings.with_quoted(false).write_text(&mut text).unwrap();
        assert_eq!(text, b"[1,2,3]");
        assert_eq!(
            List::from_ids(&[1, 2, 3]).to_json_string().unwrap(),
            r#"["1","2","3"]"#
        );
        assert_eq!(List::from_ids(&[1, 2, 3]), strings);
        assert_ne!(List::from_ids(&[1, 2, 3]), read);
        assert_eq!(format!("{read:?}"), "[1, \"2\", 3]");
    }

    #[test]
    fn a_list_of_another_type_reads_no_ids() {
        // Only `JsonU64` is made from an id: the hook's default ends any other list.
        assert_eq!(<Counted as FromData<'_>>::from_id(JsonU64::new(1)), None);
        assert_eq!(
            <JsonU64 as FromData<'_>>::from_id(JsonU64::number(1)),
            Some(JsonU64::number(1))
        );
    }

    #[test]
    fn counted_lists_iterate_like_checked_ones() {
        // Compact, loose, escaped, empty: the scan's count and the element-by-element reading agree,
        // offsets included.
        for text in [
            r#"["user_lei","10","13800000042"]"#,
            r#"[ "user_lei" , "10","13800000042" ]"#,
            r#"["user_lei","1\u0030","a\"b\\","13800000042"]"#,
            r#"["","x",""]"#,
            "[]",
            "[ ]",
        ] {
            let raw = RawJson::parse(text).unwrap();
            assert!(raw.string_count().is_some(), "{text}");
            let counted = Accounts::from_json(&raw).unwrap();
            let mut scan = StrScan::new(&raw).unwrap();
            let mut checked = std::vec::Vec::new();
            while let Some(s) = scan.next_str().unwrap() {
                checked.push((s.raw(), s.offset(), s.is_escaped()));
            }
            let got: std::vec::Vec<_> = counted
                .iter()
                .map(|s| (s.raw(), s.offset(), s.is_escaped()))
                .collect();
            assert_eq!(got, checked, "{text}");
            assert_eq!(counted.len(), checked.len(), "{text}");
        }
    }

    #[cfg(feature = "alloc")] // to_json_string
    #[test]
    fn accounts_iterate_lazily_and_exactly() {
        let raw = RawJson::parse(r#"[ "a" , "b\u0020c", "" ]"#).unwrap();
        let acc = Accounts::from_json(&raw).unwrap();
        assert_eq!(acc.len(), 3);
        let mut it = acc.iter();
        assert_eq!(it.len(), 3);
        let all: Vec<_> = it.by_ref().collect();
        assert_eq!(all, ["a", "b c", ""]);
        assert_eq!(it.len(), 0);
        assert!(it.next().is_none());
        assert!(acc.contains("b c") && acc.contains("") && !acc.contains("b"));
        assert_eq!(acc.to_json_string().unwrap(), r#"["a","b c",""]"#);
        assert_eq!(acc, Accounts::from_slice(&["a", "b c", ""]));
        assert_ne!(acc, Accounts::from_slice(&["a", "b c"]));
        let empty = Accounts::from_json(&RawJson::parse("[]").unwrap()).unwrap();
        assert!(empty.is_empty());
        assert_eq!(empty.to_json_string().unwrap(), "[]");
    }

    #[test]
    fn accounts_reject_non_strings_at_the_element() {
        let e = Accounts::from_json(&RawJson::parse(r#"["a", 10]"#).unwrap()).unwrap_err();
        assert_eq!(
            (e.kind(), e.offset()),
            (
                ErrorKind::WrongType {
                    expected: ValueKind::String,
                    found: ValueKind::Number
                },
                Some(6)
            )
        );
        let e = Accounts::from_json(&RawJson::parse(r#""a,b""#).unwrap()).unwrap_err();
        assert_eq!(
            (e.kind(), e.offset()),
            (
                ErrorKind::WrongType {
                    expected: ValueKind::Array,
                    found: ValueKind::String
                },
                Some(0)
            )
        );
    }

    #[test]
    fn accounts_debug_is_bounded() {
        let names: Vec<String> = (0..20).map(|i| format!("u{i}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let d = format!("{:?}", Accounts::from_slice(&refs));
        assert_eq!(
            d,
            r#"["u0", "u1", "u2", "u3", "u4", "u5", "u6", "u7", … 12 more]"#
        );
    }
}
