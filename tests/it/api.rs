//! The HTTP API: every request against the manual's bodies, every reply against its samples.

mod props;
mod replies;
mod request_decode;
mod requests;
mod rules;

use mimc_codec::api::{ApiRequest, Auth};

use crate::{JsonOut, fixture};

pub const APP_ID: u64 = 2_882_303_761_517_669_588;
pub const APP_KEY: &str = "5966086406018";
pub const APP_SECRET: &str = "gTO8Jb0wbLaxIzAcRc+O3A==";
pub const TOPIC_ID: u64 = 30_094_929_200_414_721;
/// The token of `api/token.response.json`.
pub const TOKEN: &str = "cUyhSzbqwAwKD4GGcPnQ0IL9ITlrI5i4FlhxE0SEUHxm0571IVL9RCD2Q2SgJW8BjjLcXBqPMUPkZFJ3LtqAhiMQMrLQqcB5E6kHw26ujoUhtSkdpFu9Kq7CkfAzlVrVK0oNBXBcS9uDcvFv28AHjd+wsQZH76umPVnTlrR9J47Or/+H9AB2JvHCH5b4wg80UERryIAFbyylsqv2ZH2P9lX7BcX45F+BVrSs2j3W/MREKzsDO9KIABPm+r26yxGPqdi5DPeaYdPX4mbyovIkQbxekYoI0EtaY6OlNGg5SS4WFl3wW1PckdHxlsCO3H3euVq2b4E1u359OxTvo6pkdEkVJq+WbYKrho7S8smvFVLwsN1TIz8A7wUa";

pub fn token_auth() -> Auth<'static> {
    Auth::token(TOKEN).unwrap()
}

pub fn app_auth(account: &'static str) -> Auth<'static> {
    Auth::app(APP_KEY, APP_SECRET, account).unwrap()
}

/// Bytes of `api/<name>`.
pub fn api_fixture(name: &str) -> Vec<u8> {
    fixture(&format!("api/{name}"))
}

/// The fixture with the whitespace between tokens removed (strings kept byte for byte,
/// `RawJson::write_compact`): the compact form our writer must produce, key order included.
pub fn minify(json: &[u8]) -> Vec<u8> {
    let text = std::str::from_utf8(json).unwrap();
    // Never longer than the input; a slice sink, so this runs without `alloc` too.
    let mut out = vec![0u8; json.len()];
    let mut sink = mimc_codec::json::SliceSink::new(&mut out);
    mimc_codec::RawJson::parse(text)
        .unwrap()
        .write_compact(&mut sink)
        .unwrap();
    let n = sink.len();
    out.truncate(n);
    // The minified text is the same JSON value as the fixture, with no whitespace outside strings.
    let a: serde_json::Value = serde_json::from_slice(json).unwrap();
    let b: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(a, b);
    out
}

/// Checks everything a client needs to send `req`: method, path, headers in order, and the body bytes
/// (the minified fixture, or nothing). With the `http` feature, also the `http::Request`.
pub fn check_request<R: ApiRequest>(
    req: &R,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body_fixture: Option<&str>,
) {
    assert_eq!(req.method().as_str(), method, "{}", R::CALL);
    #[cfg(feature = "alloc")]
    assert_eq!(req.path().unwrap(), path, "{}", R::CALL);
    assert_eq!(req.path_len(), path.len());
    let mut buf = [0u8; 256];
    assert_eq!(req.path_into(&mut buf).unwrap(), path);
    assert!(req.path_into(&mut buf[..path.len() - 1]).is_err());

    let got: Vec<(String, String)> = req
        .headers()
        .map(|(n, v)| (n.to_owned(), v.to_string()))
        .collect();
    let want: Vec<(String, String)> = headers
        .iter()
        .map(|&(n, v)| (n.to_owned(), v.to_owned()))
        .collect();
    assert_eq!(got, want, "{}: headers", R::CALL);
    assert_eq!(req.headers().len(), headers.len());

    let body = req.json_vec().unwrap();
    assert_eq!(req.json_len(), body.len());
    if let Some(name) = body_fixture {
        assert!(req.has_body(), "{}", R::CALL);
        let want = minify(&api_fixture(name));
        assert_eq!(
            String::from_utf8(body.clone()).unwrap(),
            String::from_utf8(want).unwrap(),
            "{}: body",
            R::CALL
        );
        let mut slice = vec![0u8; body.len()];
        assert_eq!(req.to_json_slice(&mut slice).unwrap(), body);
    } else {
        assert!(!req.has_body(), "{}", R::CALL);
        assert!(body.is_empty(), "{}", R::CALL);
    }

    #[cfg(feature = "http")]
    {
        let http_req = req.to_http_request(mimc_codec::api::BASE_URL).unwrap();
        assert_eq!(http_req.method().as_str(), method);
        assert_eq!(
            http_req.uri().to_string(),
            format!("https://mimc.chat.xiaomi.net{path}")
        );
        let sent: Vec<(String, String)> = http_req
            .headers()
            .iter()
            .map(|(n, v)| (n.as_str().to_owned(), v.to_str().unwrap().to_owned()))
            .collect();
        let lower: Vec<(String, String)> = want_lower(headers);
        assert_eq!(sent, lower, "{}: http headers", R::CALL);
        assert_eq!(http_req.body(), &body);
        // A trailing slash on the base changes nothing.
        let again = req
            .to_http_request("https://mimc.chat.xiaomi.net/")
            .unwrap();
        assert_eq!(again.uri(), http_req.uri());
    }
}

#[cfg(feature = "http")]
fn want_lower(headers: &[(&str, &str)]) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|&(n, v)| (n.to_ascii_lowercase(), v.to_owned()))
        .collect()
}
