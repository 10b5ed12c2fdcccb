//! Structure-aware generation: `arbitrary` picks a logical envelope ([`EnvSpec`]); from it we build the
//! typed value ([`Prepared::expected`]) and, independently, the JSON text of the same value
//! ([`Prepared::render`]) with keys in any order, unknown members anywhere, strings escaped at random
//! (`\uXXXX`, surrogate pairs, `\/`, short escapes) and whitespace between tokens.
//!
//! The kind is generated as a *name* and classified with `Kind::parse`, so typed values are always the
//! canonical ones the documentation allows (`FileKind::Other` never holds `PIC`, and so on).

use arbitrary::Arbitrary;
use mimc_codec::json::{JsonStr, JsonU64, RawJson};
use mimc_codec::{Body, Envelope, ErrorKind, Kind, KindKey, PayloadKey};

/// Containers deeper than this in generated free-form JSON are written as `null`.
pub const MAX_GEN_DEPTH: usize = 12;

/// Keys the envelope decoder knows at the top level.
pub const KNOWN_TOP: [&str; 7] = [
    "version",
    "msgId",
    "msgType",
    "type",
    "timestamp",
    "payload",
    "content",
];

/// One character, biased toward what escaping and the kind classifier care about.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Ch {
    Upper(u8),
    Lower(u8),
    Digit(u8),
    Underscore,
    Quote,
    Backslash,
    Slash,
    Control(u8),
    Del,
    Latin1(u8),
    Cjk(u16),
    Emoji(u8),
    FullWidth(u8),
    Any(char),
}

impl Ch {
    /// The character.
    pub fn to_char(self) -> char {
        let from = |base: u32, x: u32, span: u32| char::from_u32(base + x % span).unwrap_or('?');
        match self {
            Ch::Upper(b) => from(u32::from(b'A'), b.into(), 26),
            Ch::Lower(b) => from(u32::from(b'a'), b.into(), 26),
            Ch::Digit(b) => from(u32::from(b'0'), b.into(), 10),
            Ch::Underscore => '_',
            Ch::Quote => '"',
            Ch::Backslash => '\\',
            Ch::Slash => '/',
            Ch::Control(b) => from(0, b.into(), 0x20),
            Ch::Del => '\u{7f}',
            Ch::Latin1(b) => from(0xA0, b.into(), 0x60),
            Ch::Cjk(x) => from(0x4E00, x.into(), 0x5000),
            Ch::Emoji(x) => from(0x1F600, x.into(), 0x50),
            Ch::FullWidth(x) => from(0xFF01, x.into(), 0x5E),
            Ch::Any(c) => c,
        }
    }
}

/// A string made of [`Ch`]s.
#[derive(Arbitrary, Debug, Clone, Default)]
pub struct Text(pub Vec<Ch>);

impl Text {
    /// The text.
    pub fn string(&self) -> String {
        self.0.iter().map(|c| c.to_char()).collect()
    }
}

/// A 64-bit id, biased toward the edges.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum Id {
    Zero,
    Max,
    AboveF64(u32),
    Small(u16),
    Any(u64),
}

/// An id and its representation (string or number).
#[derive(Arbitrary, Debug, Clone, Copy)]
pub struct IdSpec {
    pub id: Id,
    pub quoted: bool,
}

impl IdSpec {
    /// The value.
    pub fn value(self) -> u64 {
        match self.id {
            Id::Zero => 0,
            Id::Max => u64::MAX,
            // Odd values above 2^53: not representable as f64.
            Id::AboveF64(x) => (1u64 << 53) + 1 + 2 * u64::from(x),
            Id::Small(x) => x.into(),
            Id::Any(v) => v,
        }
    }

    /// As the crate models it.
    pub fn json_u64(self) -> JsonU64 {
        JsonU64::new(self.value()).with_quoted(self.quoted)
    }

    /// As JSON text.
    pub fn render(self) -> String {
        if self.quoted {
            format!("\"{}\"", self.value())
        } else {
            self.value().to_string()
        }
    }
}

/// `X` of `X_FILE`.
#[derive(Arbitrary, Debug, Clone)]
pub enum FileSpec {
    Pic,
    Audio,
    Bin,
    Other(Text),
}

impl FileSpec {
    fn name(&self) -> String {
        match self {
            FileSpec::Pic => "PIC_FILE".into(),
            FileSpec::Audio => "AUDIO_FILE".into(),
            FileSpec::Bin => "BIN_FILE".into(),
            FileSpec::Other(t) => t.string() + "_FILE",
        }
    }
}

/// `X` of `X_RECALL` / `X_READ`.
#[derive(Arbitrary, Debug, Clone)]
pub enum ContentSpec {
    Text,
    File(FileSpec),
    Other(Text),
}

impl ContentSpec {
    fn name(&self) -> String {
        match self {
            ContentSpec::Text => "TEXT".into(),
            ContentSpec::File(f) => f.name(),
            ContentSpec::Other(t) => t.string(),
        }
    }
}

/// The kind, as a name to be classified.
#[derive(Arbitrary, Debug, Clone)]
pub enum KindSpec {
    Ping,
    Pong,
    Text,
    AddFriendRequest,
    AddFriendResponse,
    File(FileSpec),
    Recall(ContentSpec),
    Read(ContentSpec),
    Custom(Text),
}

impl KindSpec {
    /// The kind's name on the wire.
    pub fn name(&self) -> String {
        match self {
            KindSpec::Ping => "PING".into(),
            KindSpec::Pong => "PONG".into(),
            KindSpec::Text => "TEXT".into(),
            KindSpec::AddFriendRequest => "ADD_FRIEND_REQUEST".into(),
            KindSpec::AddFriendResponse => "ADD_FRIEND_RESPONSE".into(),
            KindSpec::File(f) => f.name(),
            KindSpec::Recall(c) => c.name() + "_RECALL",
            KindSpec::Read(c) => c.name() + "_READ",
            KindSpec::Custom(t) => t.string(),
        }
    }
}

/// Where the kind travels.
#[derive(Arbitrary, Debug, Clone, Copy, PartialEq, Eq)]
pub enum KindKeySpec {
    MsgType,
    Type,
    Absent,
}

/// A free-form JSON value (custom payloads, unknown members).
#[derive(Arbitrary, Debug, Clone)]
pub enum JsonSpec {
    Null,
    True,
    False,
    Int(i64),
    Uint(u64),
    NegZero,
    Decimal {
        int: i64,
        frac: u32,
        exp: Option<i16>,
        upper_e: bool,
        plus: bool,
    },
    /// A long run of digits (big integers, up to thousands of digits).
    LongNumber(Vec<u8>),
    Str(Text),
    Arr(Vec<JsonSpec>),
    Obj(Vec<(Text, JsonSpec)>),
}

/// A deterministic stream of choices drawn (cyclically) from fuzzer bytes.
#[derive(Debug, Clone)]
pub struct Noise<'a> {
    bytes: &'a [u8],
    i: usize,
}

impl<'a> Noise<'a> {
    /// Choices from `bytes` (all zero when empty: no escapes, no whitespace).
    pub fn new(bytes: &'a [u8]) -> Self {
        Noise { bytes, i: 0 }
    }

    /// The next choice.
    pub fn next(&mut self) -> u8 {
        if self.bytes.is_empty() {
            return 0;
        }
        let round = (self.i / self.bytes.len()) as u8;
        let b = self.bytes[self.i % self.bytes.len()];
        self.i += 1;
        b.wrapping_add(round.wrapping_mul(37))
    }
}

/// Writes JSON text with the choices of a [`Noise`].
#[derive(Debug)]
pub struct Writer<'a> {
    pub out: String,
    noise: Noise<'a>,
}

impl<'a> Writer<'a> {
    /// An empty text.
    pub fn new(noise: Noise<'a>) -> Self {
        Writer {
            out: String::new(),
            noise,
        }
    }

    /// Optional whitespace.
    pub fn ws(&mut self) {
        let ws = match self.noise.next() % 16 {
            0 => " ",
            1 => "\n",
            2 => "\t",
            3 => "\r\n  ",
            _ => "",
        };
        self.out.push_str(ws);
    }

    fn u_escape(&mut self, c: char) {
        let upper = self.noise.next() % 2 == 0;
        let mut units = [0u16; 2];
        for unit in c.encode_utf16(&mut units) {
            let hex = if upper {
                format!("\\u{unit:04X}")
            } else {
                format!("\\u{unit:04x}")
            };
            self.out.push_str(&hex);
        }
    }

    /// A quoted string, escaped at random (but always validly).
    pub fn string(&mut self, s: &str) {
        self.out.push('"');
        for c in s.chars() {
            let n = self.noise.next();
            let short = match c {
                '"' => Some("\\\""),
                '\\' => Some("\\\\"),
                '\n' => Some("\\n"),
                '\r' => Some("\\r"),
                '\t' => Some("\\t"),
                '\u{8}' => Some("\\b"),
                '\u{c}' => Some("\\f"),
                '/' => Some("\\/"),
                _ => None,
            };
            let must_escape = c == '"' || c == '\\' || c < ' ';
            if must_escape || n % 8 == 0 {
                match short {
                    Some(e) if n % 16 != 0 => self.out.push_str(e),
                    _ => self.u_escape(c),
                }
            } else if c == '/' && n % 8 == 1 {
                self.out.push_str("\\/");
            } else {
                self.out.push(c);
            }
        }
        self.out.push('"');
    }

    /// A free-form value.
    pub fn value(&mut self, v: &JsonSpec, depth: usize) {
        match v {
            JsonSpec::Null => self.out.push_str("null"),
            JsonSpec::True => self.out.push_str("true"),
            JsonSpec::False => self.out.push_str("false"),
            JsonSpec::Int(i) => self.out.push_str(&i.to_string()),
            JsonSpec::Uint(u) => self.out.push_str(&u.to_string()),
            JsonSpec::NegZero => self.out.push_str("-0"),
            JsonSpec::Decimal {
                int,
                frac,
                exp,
                upper_e,
                plus,
            } => {
                self.out.push_str(&format!("{int}.{frac}"));
                if let Some(e) = exp {
                    self.out.push(if *upper_e { 'E' } else { 'e' });
                    if *plus && *e >= 0 {
                        self.out.push('+');
                    }
                    self.out.push_str(&e.to_string());
                }
            }
            JsonSpec::LongNumber(digits) => {
                self.out.push('1');
                for d in digits {
                    self.out.push(char::from(b'0' + d % 10));
                }
            }
            JsonSpec::Str(t) => self.string(&t.string()),
            JsonSpec::Arr(items) if depth < MAX_GEN_DEPTH => {
                self.out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.ws();
                    self.value(item, depth + 1);
                    self.ws();
                }
                self.out.push(']');
            }
            JsonSpec::Obj(members) if depth < MAX_GEN_DEPTH => {
                let members: Vec<(String, &JsonSpec)> =
                    members.iter().map(|(k, v)| (k.string(), v)).collect();
                self.object(&members, depth);
            }
            JsonSpec::Arr(_) | JsonSpec::Obj(_) => self.out.push_str("null"),
        }
    }

    fn object(&mut self, members: &[(String, &JsonSpec)], depth: usize) {
        self.out.push('{');
        for (i, (k, v)) in members.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            self.ws();
            self.string(k);
            self.ws();
            self.out.push(':');
            self.ws();
            self.value(v, depth + 1);
            self.ws();
        }
        self.out.push('}');
    }

    /// An object from already rendered member values, in the given order.
    pub fn object_of(&mut self, members: &[(String, String)]) {
        self.ws();
        self.out.push('{');
        for (i, (k, v)) in members.iter().enumerate() {
            if i > 0 {
                self.out.push(',');
            }
            self.ws();
            self.string(k);
            self.ws();
            self.out.push(':');
            self.ws();
            self.out.push_str(v);
            self.ws();
        }
        self.out.push('}');
        self.ws();
    }
}

/// A logical envelope plus the choices for writing it as text.
#[derive(Arbitrary, Debug, Clone)]
pub struct EnvSpec {
    pub version: IdSpec,
    pub msg_id: Option<Text>,
    pub timestamp: IdSpec,
    pub kind: KindSpec,
    pub kind_key: KindKeySpec,
    pub content_key: bool,
    /// The string payload, or the one string of an object payload.
    pub text: Text,
    pub accepted: bool,
    pub custom_payload: Option<JsonSpec>,
    /// Unknown members of the envelope.
    pub unknown: Vec<(Text, JsonSpec)>,
    /// Unknown members of an object payload (recall, read, add friend).
    pub payload_unknown: Vec<(Text, JsonSpec)>,
    /// Seeds for the order of the members.
    pub order: Vec<u8>,
    /// Escaping and whitespace choices.
    pub noise: Vec<u8>,
}

/// An [`EnvSpec`] with its strings made, ready to build values that borrow them.
#[derive(Debug)]
pub struct Prepared {
    pub spec: EnvSpec,
    pub name: String,
    pub msg_id: Option<String>,
    pub text: String,
    /// The custom payload's JSON text (custom kinds only).
    pub custom_payload: Option<String>,
}

/// What decoding the rendered text must give.
#[derive(Debug)]
pub enum Expect<'a> {
    Value(Envelope<'a>),
    Error(ErrorKind, &'static str),
}

impl Prepared {
    /// Makes the strings of `spec`.
    pub fn new(spec: EnvSpec) -> Self {
        let name = spec.kind.name();
        let custom_payload = match Kind::parse(&name) {
            Kind::_Custom(_) => spec.custom_payload.as_ref().map(|p| {
                let mut w = Writer::new(Noise::new(&spec.noise));
                w.value(p, 1);
                w.out
            }),
            _ => None,
        };
        Prepared {
            name,
            msg_id: spec.msg_id.as_ref().map(Text::string),
            text: spec.text.string(),
            custom_payload,
            spec,
        }
    }

    /// Does the envelope carry a payload (every modelled kind does; a custom kind may not)?
    pub fn has_payload(&self) -> bool {
        !matches!(Kind::parse(&self.name), Kind::_Custom(_)) || self.custom_payload.is_some()
    }

    /// The bizType to decode with: the kind's name when the JSON has no kind key.
    pub fn biz_type(&self) -> Option<&str> {
        (self.spec.kind_key == KindKeySpec::Absent).then_some(self.name.as_str())
    }

    /// The typed value (or the error decoding its text must give).
    pub fn expected(&self) -> Expect<'_> {
        if self.spec.kind_key != KindKeySpec::Absent && self.msg_id.is_none() {
            return Expect::Error(ErrorKind::MissingField, "msgId");
        }
        let msg_id = self.msg_id.as_deref().unwrap_or("");
        let ts = self.spec.timestamp.value();
        let text = JsonStr::new(&self.text);
        let body = match Kind::parse(&self.name) {
            Kind::Ping => Body::Ping(text),
            Kind::Pong => Body::Pong(text),
            Kind::Text => Body::Text(text),
            Kind::File(kind) => Body::File { kind, url: text },
            Kind::Recall(of) => Body::Recall { of, msg_id: text },
            Kind::Read(of) => Body::Read { of, msg_id: text },
            Kind::AddFriendRequest => Body::AddFriendRequest { requester: text },
            Kind::AddFriendResponse => Body::AddFriendResponse {
                responser: text,
                accepted: self.spec.accepted,
            },
            Kind::_Custom(_) => {
                let payload = self.custom_payload.as_deref().map(|p| {
                    RawJson::parse(p).unwrap_or_else(|e| panic!("generated payload {p}: {e}"))
                });
                let env = Envelope::custom(&self.name, msg_id, ts, payload)
                    .unwrap_or_else(|e| panic!("custom kind {:?}: {e}", self.name));
                return Expect::Value(self.finish(env));
            }
            other => panic!("a kind the generator does not know: {other:?}"),
        };
        Expect::Value(self.finish(Envelope::new(msg_id, ts, body)))
    }

    fn finish<'a>(&'a self, env: Envelope<'a>) -> Envelope<'a> {
        env.with_msg_id(self.msg_id.as_deref())
            .with_version(self.spec.version.json_u64())
            .with_timestamp(self.spec.timestamp.json_u64())
            .with_kind_key(match self.spec.kind_key {
                KindKeySpec::MsgType => KindKey::MsgType,
                KindKeySpec::Type => KindKey::Type,
                KindKeySpec::Absent => KindKey::Absent,
            })
            // Without a payload the key is not written, so it cannot come back as `content`.
            .with_payload_key(if self.spec.content_key && self.has_payload() {
                PayloadKey::Content
            } else {
                PayloadKey::Payload
            })
    }

    /// The names the payload object of a modelled kind knows (unknown members must avoid them).
    pub fn payload_keys(&self) -> &'static [&'static str] {
        match Kind::parse(&self.name) {
            Kind::Recall(_) => &["recall_msgId"],
            Kind::Read(_) => &["read_msgId"],
            Kind::AddFriendRequest => &["add_requester"],
            Kind::AddFriendResponse => &["add_responser", "accepted"],
            _ => &[],
        }
    }

    /// The JSON text of the value: members shuffled, unknown members mixed in, random escapes and
    /// whitespace.
    pub fn render(&self) -> String {
        let spec = &self.spec;
        let mut w = Writer::new(Noise::new(&spec.noise));
        let mut members: Vec<(String, String)> = Vec::new();
        members.push(("version".into(), spec.version.render()));
        if let Some(id) = &self.msg_id {
            members.push(("msgId".into(), render_string(&mut w, id)));
        }
        match spec.kind_key {
            KindKeySpec::MsgType => {
                members.push(("msgType".into(), render_string(&mut w, &self.name)))
            }
            KindKeySpec::Type => members.push(("type".into(), render_string(&mut w, &self.name))),
            KindKeySpec::Absent => {}
        }
        members.push(("timestamp".into(), spec.timestamp.render()));
        let payload_key = if spec.content_key {
            "content"
        } else {
            "payload"
        };
        let payload = match Kind::parse(&self.name) {
            Kind::Ping | Kind::Pong | Kind::Text | Kind::File(_) => {
                Some(render_string(&mut w, &self.text))
            }
            Kind::_Custom(_) => self.custom_payload.clone(),
            _ => {
                let keys = self.payload_keys();
                let mut inner: Vec<(String, String)> =
                    vec![(keys[0].to_string(), render_string(&mut w, &self.text))];
                if let Some(&accepted) = keys.get(1) {
                    inner.push((accepted.into(), spec.accepted.to_string()));
                }
                add_unknown(&mut w, &mut inner, &spec.payload_unknown, keys);
                shuffle(&mut inner, spec.order.iter().rev().copied());
                let mut pw = Writer::new(Noise::new(&spec.order));
                pw.object_of(&inner);
                Some(pw.out)
            }
        };
        if let Some(p) = payload {
            members.push((payload_key.into(), p));
        }
        add_unknown(&mut w, &mut members, &spec.unknown, &KNOWN_TOP);
        shuffle(&mut members, spec.order.iter().copied());
        w.object_of(&members);
        w.out
    }
}

fn render_string(w: &mut Writer<'_>, s: &str) -> String {
    let start = w.out.len();
    w.string(s);
    w.out.split_off(start)
}

fn add_unknown(
    w: &mut Writer<'_>,
    members: &mut Vec<(String, String)>,
    unknown: &[(Text, JsonSpec)],
    known: &[&str],
) {
    for (k, v) in unknown {
        let k = k.string();
        if known.contains(&k.as_str()) {
            continue;
        }
        let start = w.out.len();
        w.value(v, 2);
        let v = w.out.split_off(start);
        members.push((k, v));
    }
}

/// Fisher-Yates with the given choices.
fn shuffle<T>(items: &mut [T], mut choices: impl Iterator<Item = u8>) {
    for i in (1..items.len()).rev() {
        let Some(c) = choices.next() else { return };
        items.swap(i, usize::from(c) % (i + 1));
    }
}

/// Removes from a serde_json view of an envelope what the decoder drops: unknown members at the top and
/// inside modelled object payloads.
pub fn prune_unknown(v: &mut serde_json::Value, payload_keys: &[&str]) {
    let Some(obj) = v.as_object_mut() else { return };
    obj.retain(|k, _| KNOWN_TOP.contains(&k.as_str()));
    if payload_keys.is_empty() {
        return;
    }
    for key in ["payload", "content"] {
        if let Some(p) = obj.get_mut(key).and_then(serde_json::Value::as_object_mut) {
            p.retain(|k, _| payload_keys.contains(&k.as_str()));
        }
    }
}

// -------------------------------------------------------------------------------------------------------
// Callbacks

/// Keys the callback decoder knows.
pub const KNOWN_CALLBACK: [&str; 10] = [
    "msgType",
    "fromAppId",
    "fromAccount",
    "toAppId",
    "toAccount",
    "appId",
    "topicId",
    "toAccounts",
    "payload",
    "timestamp",
];

/// The four webhook kinds.
#[derive(Arbitrary, Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallbackKindSpec {
    Normal,
    Offline,
    NormalTopic,
    OfflineTopic,
}

impl CallbackKindSpec {
    /// The `msgType`.
    pub fn name(self) -> &'static str {
        match self {
            CallbackKindSpec::Normal => "NORMAL_MSG",
            CallbackKindSpec::Offline => "OFFLINE_MSG",
            CallbackKindSpec::NormalTopic => "NORMAL_TOPIC_MSG",
            CallbackKindSpec::OfflineTopic => "OFFLINE_TOPIC_MSG",
        }
    }

    fn topic(self) -> bool {
        matches!(
            self,
            CallbackKindSpec::NormalTopic | CallbackKindSpec::OfflineTopic
        )
    }
}

/// A logical callback plus the choices for writing it as text.
#[derive(Arbitrary, Debug, Clone)]
pub struct CallbackSpec {
    pub kind: CallbackKindSpec,
    /// `fromAppId` or `appId`.
    pub app_id: IdSpec,
    /// `toAppId` or `topicId`.
    pub target_id: IdSpec,
    pub from_account: Text,
    pub to_account: Text,
    pub to_accounts: Vec<Text>,
    pub payload: Vec<u8>,
    /// Drop the `=` padding of the payload's base64.
    pub unpadded: bool,
    pub timestamp: IdSpec,
    pub unknown: Vec<(Text, JsonSpec)>,
    pub order: Vec<u8>,
    pub noise: Vec<u8>,
}

/// A [`CallbackSpec`] with its strings made.
#[derive(Debug)]
pub struct PreparedCallback {
    pub spec: CallbackSpec,
    pub from_account: String,
    pub to_account: String,
    pub to_accounts: Vec<String>,
}

impl PreparedCallback {
    /// Makes the strings of `spec`.
    pub fn new(spec: CallbackSpec) -> Self {
        PreparedCallback {
            from_account: spec.from_account.string(),
            to_account: spec.to_account.string(),
            to_accounts: spec.to_accounts.iter().map(Text::string).collect(),
            spec,
        }
    }

    /// Does decoding the text fail on the payload limit (and so must it)?
    pub fn too_large(&self) -> bool {
        self.spec.payload.len() > mimc_codec::json::DEFAULT_MAX_PAYLOAD
    }

    /// Calls `f` with the typed value (built in code: payload as bytes, accounts as a slice).
    pub fn with_value<R>(&self, f: impl FnOnce(&mimc_codec::Callback<'_>) -> R) -> R {
        use mimc_codec::{Accounts, Callback, P2pMsg, P2tMsg};
        let s = &self.spec;
        let accounts: Vec<&str> = self.to_accounts.iter().map(String::as_str).collect();
        let cb = if s.kind.topic() {
            let mut m = P2tMsg::new(
                0,
                0,
                &self.from_account,
                Accounts::from_slice(&accounts),
                &s.payload,
                0,
            );
            m.app_id = s.app_id.json_u64();
            m.topic_id = s.target_id.json_u64();
            m.timestamp = s.timestamp.json_u64();
            if s.kind == CallbackKindSpec::NormalTopic {
                Callback::NormalTopicMsg(m)
            } else {
                Callback::OfflineTopicMsg(m)
            }
        } else {
            let mut m = P2pMsg::new(0, &self.from_account, 0, &self.to_account, &s.payload, 0);
            m.from_app_id = s.app_id.json_u64();
            m.to_app_id = s.target_id.json_u64();
            m.timestamp = s.timestamp.json_u64();
            if s.kind == CallbackKindSpec::Normal {
                Callback::NormalMsg(m)
            } else {
                Callback::OfflineMsg(m)
            }
        };
        f(&cb)
    }

    /// The JSON text: members shuffled, unknown members mixed in, random escapes (`\/` in the base64
    /// too) and whitespace.
    pub fn render(&self) -> String {
        use base64::Engine as _;
        let s = &self.spec;
        let mut w = Writer::new(Noise::new(&s.noise));
        let mut members: Vec<(String, String)> =
            vec![("msgType".into(), render_string(&mut w, s.kind.name()))];
        let (a, b) = if s.kind.topic() {
            ("appId", "topicId")
        } else {
            ("fromAppId", "toAppId")
        };
        members.push((a.into(), s.app_id.render()));
        members.push((b.into(), s.target_id.render()));
        members.push((
            "fromAccount".into(),
            render_string(&mut w, &self.from_account),
        ));
        if s.kind.topic() {
            let start = w.out.len();
            w.out.push('[');
            for (i, acc) in self.to_accounts.iter().enumerate() {
                if i > 0 {
                    w.out.push(',');
                }
                w.ws();
                w.string(acc);
                w.ws();
            }
            w.out.push(']');
            members.push(("toAccounts".into(), w.out.split_off(start)));
        } else {
            members.push(("toAccount".into(), render_string(&mut w, &self.to_account)));
        }
        let mut b64 = base64::engine::general_purpose::STANDARD.encode(&s.payload);
        if s.unpadded {
            b64.truncate(b64.trim_end_matches('=').len());
        }
        members.push(("payload".into(), render_string(&mut w, &b64)));
        members.push(("timestamp".into(), s.timestamp.render()));
        add_unknown(&mut w, &mut members, &s.unknown, &KNOWN_CALLBACK);
        shuffle(&mut members, s.order.iter().copied());
        w.object_of(&members);
        w.out
    }
}

/// Removes from a serde_json view of a callback the unknown members the decoder drops.
pub fn prune_callback(v: &mut serde_json::Value) {
    if let Some(obj) = v.as_object_mut() {
        obj.retain(|k, _| KNOWN_CALLBACK.contains(&k.as_str()));
    }
}
