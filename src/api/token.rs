//! The token service: `POST /api/account/token`.

use crate::error::Result;
use crate::json::{JsonStr, JsonU64, Sink};

use super::{ApiRequest, Auth, Headers, Method, Secret, typed_reply};
use crate::error::Error;
use crate::model::model;
use crate::payload::Payload;

model! {
    /// Asks the token service for a user's token (call `token`): `POST /api/account/token` with
    /// `{appId, appKey, appSecret, appAccount}`. The credentials travel in the body; no auth headers.
    ///
    /// `appId` is written as a string unless given as [`JsonU64::number`] (Go, Android and iOS send a number,
    /// C++, C#, WebJS and Flutter a string; the server accepts both).
    ///
    /// The body carries `appKey` and `appSecret` in clear (the API wants them there): `Debug` of this value
    /// redacts them, the encoded body (`to_json_vec`, the body of `to_http_request`, whose `Debug` prints
    /// it) does not. Do not log the body or the whole `http::Request`.
    ///
    /// ```
    /// use mimc_codec::api::{ApiRequest, TokenRequest};
    /// use mimc_codec::{JsonU64, ToJson};
    /// let req = TokenRequest::new(JsonU64::number(2882303761517669588), "5966086406018",
    ///     "gTO8Jb0wbLaxIzAcRc+O3A==", "user_lei");
    /// assert_eq!(req.path_into(&mut [0; 32])?, "/api/account/token");
    /// let mut buf = [0u8; 256];
    /// let json = req.to_json_slice(&mut buf)?;
    /// assert_eq!(json, br#"{"appId":2882303761517669588,"appKey":"5966086406018","appSecret":"gTO8Jb0wbLaxIzAcRc+O3A==","appAccount":"user_lei"}"#);
    /// assert!(!format!("{req:?}").contains("gTO8Jb0w"));
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    #[allow(clippy::struct_field_names)] // the wire names all start with `app`
    pub struct TokenRequest<'a> in "body" {
        /// `appId`.
        app_id: JsonU64 = "appId",
        /// `appKey`.
        app_key: Secret<'a> = "appKey",
        /// `appSecret`.
        app_secret: Secret<'a> = "appSecret",
        /// `appAccount`: the account the token is for.
        app_account: JsonStr<'a> = "appAccount",
    }
}

impl<'a> TokenRequest<'a> {
    /// A token request for `app_account`.
    pub fn new(
        app_id: impl Into<JsonU64>,
        app_key: impl Into<Secret<'a>>,
        app_secret: impl Into<Secret<'a>>,
        app_account: impl Into<JsonStr<'a>>,
    ) -> Self {
        TokenRequest {
            app_id: app_id.into(),
            app_key: app_key.into(),
            app_secret: app_secret.into(),
            app_account: app_account.into(),
        }
    }

    /// Decodes a request body (the whole request: the credentials travel in it). Keys may come in any
    /// order, unknown keys are ignored, `appId` may be a number or a string (kept as it came).
    ///
    /// ```
    /// use mimc_codec::api::TokenRequest;
    /// let req = TokenRequest::from_json(br#"{"appAccount":"user_lei","appId":"2882303761517669588",
    ///     "appKey":"5966086406018","appSecret":"gTO8Jb0wbLaxIzAcRc+O3A=="}"#)?;
    /// assert_eq!(req.app_account(), "user_lei");
    /// assert!(req.app_id().is_quoted());
    /// # Ok::<(), mimc_codec::Error>(())
    /// ```
    pub fn from_json(body: &'a [u8]) -> Result<Self> {
        Self::read_members(&mut super::body_object(body)?)
    }
}
impl ApiRequest for TokenRequest<'_> {
    type Reply<'r> = TokenData<'r>;
    const CALL: &'static str = "token";

    fn method(&self) -> Method {
        Method::Post
    }

    fn write_path<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<()> {
        sink.put(b"/api/account/token")
    }

    fn headers(&self) -> Headers<'_> {
        Headers::new(true)
    }
}

model! {
    /// The `data` of a token reply: who the user is and the credentials to act as them.
    ///
    /// Real servers send `appId` and `miUserId` as strings (both forms are read), `miChid` as a number, and
    /// undocumented keys (`regionBucket`, `feDomainName`, `relayDomainName`, `ppsMiotDomainName`) that SDKs read:
    /// they are exposed when present; any other key is ignored. `token` and `miUserSecurityKey` are
    /// [`Secret`]s: `Debug` never shows them.
    ///
    /// ```
    /// use mimc_codec::api::{Auth, TokenData};
    /// let data = TokenData::from_json(br#"{"code":200,"message":"success","data":{
    ///     "appId":"2882303761517669588","appPackage":"com.xiaomi.mimcdemo","appAccount":"user_lei",
    ///     "miChid":9,"miUserId":"27331892437057537","miUserSecurityKey":"gl8D/DIg8f3zl1iFiKtSOg==",
    ///     "token":"cUyhSzbqwAwKD4GG","regionBucket":153}}"#)?;
    /// assert_eq!(data.mi_user_id().get(), 27331892437057537);
    /// let mut key = [0u8; 16];
    /// assert_eq!(data.security_key_into(&mut key)?.len(), 16);
    /// assert!(data.auth()?.is_token());
    /// assert!(!format!("{data:?}").contains("cUyhSzbq"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub struct TokenData<'a> in "data" {
        /// `appId`.
        app_id: JsonU64 = "appId",
        /// `appPackage`: the app's package name.
        app_package: JsonStr<'a> = "appPackage",
        /// `appAccount`: the account the token is for.
        app_account: JsonStr<'a> = "appAccount",
        /// `miChid`: the channel id, always 9.
        mi_chid: JsonU64 = "miChid",
        /// `miUserId`: the user's uuid.
        mi_user_id: JsonU64 = "miUserId",
        /// `miUserSecurityKey`: the per-user key as base64 text (see
        /// [`security_key_into`](Self::security_key_into) for its bytes).
        ///
        /// It is deliberately not a [`Payload`], whose `Debug` shows the first decoded bytes: for a
        /// 16-byte key, all of it.
        mi_user_security_key: Secret<'a> = "miUserSecurityKey",
        /// `token`: send it as the `token` header ([`auth`](Self::auth)).
        token: Secret<'a> = "token",
        /// `regionBucket` (undocumented), when sent.
        region_bucket: Option<JsonU64> = "regionBucket",
        /// `feDomainName` (undocumented): the front-end host of the binary protocol, when sent.
        fe_domain_name: Option<JsonStr<'a>> = "feDomainName",
        /// `relayDomainName` (undocumented), when sent.
        relay_domain_name: Option<JsonStr<'a>> = "relayDomainName",
        /// `ppsMiotDomainName` (undocumented), when sent.
        pps_miot_domain_name: Option<JsonStr<'a>> = "ppsMiotDomainName",
    }
}

typed_reply!(TokenData);

impl<'a> TokenData<'a> {
    /// `miUserSecurityKey` (the same as the field [`mi_user_security_key`](Self::mi_user_security_key)).
    pub const fn security_key(&self) -> Secret<'a> {
        self.mi_user_security_key
    }

    fn security_payload(&self) -> Payload<'a> {
        Payload::from_json_str(self.mi_user_security_key.expose())
    }

    /// The number of bytes `miUserSecurityKey` decodes to.
    pub fn security_key_len(&self) -> Result<usize> {
        self.security_payload().decoded_len().map_err(rename_key)
    }

    /// Decodes `miUserSecurityKey` (base64, as [`Payload::decode_into`]) into `out`, returning the key.
    pub fn security_key_into<'b>(&self, out: &'b mut [u8]) -> Result<&'b [u8]> {
        self.security_payload().decode_into(out).map_err(rename_key)
    }

    /// Token authentication with this token, checked as by [`Auth::token`]: a token that cannot travel
    /// in an HTTP header (an escaped `\r\n` in the reply, say) is an `InvalidValue` naming `token`, at
    /// its offset in the reply body.
    pub fn auth(&self) -> Result<Auth<'a>> {
        Auth::token(self.token)
    }
}

/// A payload error, about the key field instead of `payload`.
fn rename_key(e: Error) -> Error {
    e.without_field().in_field("miUserSecurityKey")
}
