//! token → push → history through an async client, hyper on tokio, against a local stub of MIMC.
//!
//! The crate does no I/O: each request becomes an `http::Request` (feature `http`), hyper sends it, and
//! `parse_http_response` reads the `http::Response` (`hyper::Response`) into the call's typed data. The stub
//! (`examples/common/mod.rs`, shared with `api_roundtrip.rs`) runs on 127.0.0.1 in a thread, answers
//! with the manual's replies and stops after the three calls.
//!
//! Run with `cargo run -p api-hyper`.

#[path = "../../common/mod.rs"]
mod common;

use core::error::Error;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use mimc_codec::api::{
    ApiRequest, HistoryP2p, PushMessage, PushP2p, PushSender, TimeWindow, TokenRequest,
};
use mimc_codec::{Envelope, JsonU64, ToJson};

const APP_ID: u64 = 2_882_303_761_517_669_588;
const APP_KEY: &str = "5966086406018";
const APP_SECRET: &str = "gTO8Jb0wbLaxIzAcRc+O3A==";

type HttpClient = Client<HttpConnector, Full<Bytes>>;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    let (base, stub) = common::start_stub(3)?;
    let client: HttpClient = Client::builder(TokioExecutor::new()).build_http();

    // 1. A token for user_lei, with the app's credentials.
    let req = TokenRequest::new(JsonU64::number(APP_ID), APP_KEY, APP_SECRET, "user_lei");
    let response = send(&client, &base, &req).await?;
    let token = req.parse_http_response(&response)?;
    println!(
        "   reply: token for {} (app {})",
        token.app_account(),
        token.app_id()
    );

    // 2. The server pushes an envelope from user_lei to 10.
    let sender = PushSender::new(APP_ID, APP_KEY, APP_SECRET, "user_lei", "push_server");
    let envelope = Envelope::text("TEXT_12346", 1_598_006_351_955, "你好 😀");
    let json = envelope.to_json_vec()?;
    let req = PushP2p::new(sender, "10", PushMessage::bytes(&json))?;
    let response = send(&client, &base, &req).await?;
    let packet = req.parse_http_response(&response)?;
    println!("   reply: packetId {}", packet.packet_id());

    // 3. user_lei reads the day's history with 10, authenticated by the token.
    let window = TimeWindow::new(1_597_968_000_000u64, 1_598_054_400_000u64)?;
    let req = HistoryP2p::new(APP_ID, token.auth()?, "user_lei", "10", window);
    let response = send(&client, &base, &req).await?;
    let history = req.parse_http_response(&response)?;
    println!("   reply: {} messages", history.messages().len());
    common::show_history(history.messages())?;

    stub.join().map_err(|_| "stub server panicked")??;
    println!("done: 3 calls, stub stopped");
    Ok(())
}

/// Sends `req` with hyper and returns the response with its whole body, printing what goes over the wire.
async fn send<R: ApiRequest>(
    client: &HttpClient,
    base: &str,
    req: &R,
) -> Result<hyper::Response<Bytes>, Box<dyn Error>> {
    let http_req = req.to_http_request(base)?;
    common::show(req, http_req.method(), http_req.uri(), http_req.body());
    let response = client
        .request(http_req.map(|body| Full::new(Bytes::from(body))))
        .await?;
    let (parts, body) = response.into_parts();
    let body = body.collect().await?.to_bytes();
    println!("   HTTP {} ({} bytes)", parts.status, body.len());
    Ok(hyper::Response::from_parts(parts, body))
}
