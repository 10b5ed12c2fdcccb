//! Envelopes whose kind is not where the manual puts it: numeric or app-named bizTypes that a caller
//! maps to kinds ([`BizTypes`]), and the Flutter plugin's message JSON, whose kind is its own `biz_type`
//! key and which travels as base64 text ([`Envelope::from_flutter_json`], [`Envelope::from_flutter_base64`]).
//!
//! Real clients (`../shared/research/real-clients.md`): the Java desktop demo sends bizType `103` for a
//! TEXT message; the Flutter plugin writes `{"from_account":…,"biz_type":"text","version":"0",…,
//! "payload":"…"}` with snake_case keys, its own lowercase `biz_type` inside the JSON, and hands the SDK
//! the base64 of that JSON as the message bytes.

use crate::envelope::{Envelope, Kind};
use crate::error::{Error, ErrorKind, Result};
use crate::json::{self, DecodeOptions};
use crate::payload::Payload;

/// A caller's table from bizType values to envelope kind names, for clients whose bizTypes are not the
/// manual's kind names. A bizType the table does not list stands for itself (as
/// [`Envelope::from_json_with_kind`] takes it).
///
/// ```
/// use mimc_codec::{BizTypes, Envelope, Kind};
/// // The Java desktop demo's numeric bizTypes.
/// const JAVA_DEMO: BizTypes<'static> = BizTypes::new(&[("103", "TEXT"), ("104", "PIC_FILE")]);
/// let json = br#"{"content":"5bCP57Gz","from":"a","to":"b","timestamp":1598006351955,"version":0}"#;
/// let env = Envelope::from_json_mapped(json, "103", &JAVA_DEMO)?;
/// assert_eq!(env.kind(), Kind::Text);
/// assert_eq!(JAVA_DEMO.kind_name("TEXT"), "TEXT"); // not in the table: itself
/// # Ok::<(), mimc_codec::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BizTypes<'m> {
    pairs: &'m [(&'m str, &'m str)],
}

impl<'m> BizTypes<'m> {
    /// A table of `(bizType, kind name)` pairs; the first pair for a bizType wins.
    pub const fn new(pairs: &'m [(&'m str, &'m str)]) -> Self {
        BizTypes { pairs }
    }

    /// The kind name `biz_type` stands for: its entry, or `biz_type` itself.
    pub fn kind_name<'k>(&self, biz_type: &'k str) -> &'k str
    where
        'm: 'k,
    {
        self.pairs
            .iter()
            .find(|(b, _)| *b == biz_type)
            .map_or(biz_type, |(_, k)| k)
    }
}

impl<'a> Envelope<'a> {
    /// Decodes an envelope whose kind travels outside it as a bizType that `map` translates (a kind
    /// key in the JSON, when there is one, still wins, as in [`from_json_with_kind`](Self::from_json_with_kind)).
    pub fn from_json_mapped(
        input: &'a [u8],
        biz_type: &'a str,
        map: &BizTypes<'a>,
    ) -> Result<Self> {
        Self::from_json_with_kind(input, map.kind_name(biz_type))
    }

    /// Decodes the Flutter plugin's message JSON: the kind is its `biz_type` member (a string, looked up
    /// in `map`: the plugin's apps write their own names, such as `text`), its snake_case keys other than
    /// `payload` and `version` are not envelope members and are skipped, `"version":"0"` is read as a
    /// string id. A missing `biz_type` is a `MissingField` error at the closing brace; an escaped one
    /// must be in `map`.
    ///
    /// ```
    /// use mimc_codec::{BizTypes, Envelope, Kind};
    /// let json = br#"{"from_account":"10","to_account":"30094929200414721","biz_type":"text",
    ///     "version":"0","timestamp":1598006351955,"read":0,"transfer_account":0,"payload":"899we"}"#;
    /// let env = Envelope::from_flutter_json(json, &BizTypes::new(&[("text", "TEXT")]))?;
    /// assert_eq!(env.kind(), Kind::Text);
    /// assert_eq!(env.payload_str().unwrap(), "899we");
    /// assert_eq!(env.timestamp().get(), 1598006351955);
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    pub fn from_flutter_json(input: &'a [u8], map: &BizTypes<'a>) -> Result<Self> {
        let mut obj = json::top_object(input, &DecodeOptions::new())?;
        let mut biz = None;
        let end = obj.read_known(&["biz_type"], |_, value| {
            biz = Some(value.to_json_str().map_err(|e| e.in_field("biz_type"))?);
            Ok(())
        })??;
        let biz = json::required(biz, "biz_type", end)?;
        let kind = match biz.as_str() {
            Some(text) => map.kind_name(text),
            None => map
                .pairs
                .iter()
                .find(|(b, _)| biz.eq_str(b))
                .map(|(_, k)| *k)
                .ok_or(
                    Error::new(
                        ErrorKind::InvalidValue("an escaped biz_type that the map does not list"),
                        biz.offset(),
                    )
                    .in_field("biz_type"),
                )?,
        };
        Self::from_json_outside(input, Some(Kind::parse(kind)), &DecodeOptions::new())
    }

    /// Decodes what the Flutter plugin hands the SDK as the message bytes: the base64 text of its message
    /// JSON (so a webhook callback's payload is base64 twice). The JSON is decoded into `buf`, then read
    /// as [`from_flutter_json`](Self::from_flutter_json) does; errors in the JSON are at offsets in `buf`.
    ///
    /// ```
    /// use mimc_codec::{BizTypes, Envelope, Kind};
    /// // base64 of {"biz_type":"text","version":"0","timestamp":1,"payload":"hi"}
    /// let bytes = b"eyJiaXpfdHlwZSI6InRleHQiLCJ2ZXJzaW9uIjoiMCIsInRpbWVzdGFtcCI6MSwicGF5bG9hZCI6ImhpIn0=";
    /// let mut buf = [0u8; 128];
    /// let env = Envelope::from_flutter_base64(bytes, &mut buf, &BizTypes::new(&[("text", "TEXT")]))?;
    /// assert_eq!((env.kind(), env.payload_str().unwrap()), (Kind::Text, "hi".into()));
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    pub fn from_flutter_base64(
        bytes: &[u8],
        buf: &'a mut [u8],
        map: &BizTypes<'a>,
    ) -> Result<Self> {
        let text = json::utf8(bytes)?;
        let json = Payload::from_json_str(crate::JsonStr::new(text)).decode_into(buf)?;
        Self::from_flutter_json(json, map)
    }
}
