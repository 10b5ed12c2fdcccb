//! token → create group → push → history, through a real HTTP client, against a stub of MIMC.
//!
//! The crate does no I/O: each request becomes an `http::Request` (feature `http`), `ureq` sends it, and
//! the reply body is decoded into the call's typed data. The stub server (`common/mod.rs`) runs on
//! 127.0.0.1 in a thread, answers with the manual's replies (the fixtures), and stops after the four calls.
//!
//! Run with `cargo run --example api_roundtrip --features http`.

#[path = "common/mod.rs"]
mod common;

use core::error::Error;
use core::time::Duration;

use mimc_codec::api::{
    ApiRequest, HistoryP2t, PushMessage, PushP2t, PushSender, TimeWindow, TokenRequest, TopicCreate,
};
use mimc_codec::{Envelope, JsonU64};

const APP_ID: u64 = 2_882_303_761_517_669_588;
const APP_KEY: &str = "5966086406018";
const APP_SECRET: &str = "gTO8Jb0wbLaxIzAcRc+O3A==";

fn main() -> Result<(), Box<dyn Error>> {
    let (base, stub) = common::start_stub(4)?;

    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into();

    // 1. A token for user_lei, with the app's credentials.
    let req = TokenRequest::new(JsonU64::number(APP_ID), APP_KEY, APP_SECRET, "user_lei");
    let body = send(&agent, &base, &req)?;
    let token = req.parse_reply(&body)?;
    println!("   reply: {token:#?}");

    // 2. user_lei creates a group with three friends, authenticated by the token.
    let friends = ["10", "user_jun", "user_bin"];
    let req = TopicCreate::new(APP_ID, token.auth()?, "小米即时消息云开发群", &friends)?;
    let body = send(&agent, &base, &req)?;
    let group = req.parse_reply(&body)?;
    let info = group.topic_info();
    println!(
        "   reply: group {} \"{}\" owned by {} ({} members)",
        info.topic_id(),
        info.topic_name(),
        info.owner_account().unwrap_or_default(),
        group.members().len()
    );
    for m in group.members() {
        println!("          member {} (uuid {})", m.account(), m.uuid());
    }

    // 3. The server pushes an envelope to the new group.
    let sender = PushSender::new(APP_ID, APP_KEY, APP_SECRET, "user_lei", "push_server");
    let envelope = Envelope::text("TEXT_12345", 1_516_763_973_000, "群公告：今晚 8 点发布会😀");
    let mut text = [0u8; 256];
    let msg = PushMessage::bytes(mimc_codec::ToJson::to_json_slice(&envelope, &mut text)?);
    let req = PushP2t::new(sender, info.topic_id(), msg)?;
    let body = send(&agent, &base, &req)?;
    let packet = req.parse_reply(&body)?;
    println!("   reply: packetId {}", packet.packet_id());

    // 4. user_lei reads the group's history of one day.
    let window = TimeWindow::new(1_597_968_000_000u64, 1_598_054_400_000u64)?;
    let req = HistoryP2t::new(APP_ID, token.auth()?, "user_lei", info.topic_id(), window);
    let body = send(&agent, &base, &req)?;
    let history = req.parse_reply(&body)?;
    println!(
        "   reply: {} messages of topic {}",
        history.messages().len(),
        history.topic_id().map_or(0, |t| t.get())
    );
    common::show_history(history.messages())?;

    stub.join().map_err(|_| "stub server panicked")??;
    println!("done: 4 calls, stub stopped");
    Ok(())
}

/// Sends `req` with ureq and returns the reply body, printing what goes over the wire.
fn send<R: ApiRequest>(
    agent: &ureq::Agent,
    base: &str,
    req: &R,
) -> Result<Vec<u8>, Box<dyn Error>> {
    let http_req = req.to_http_request(base)?;
    common::show(req, http_req.method(), http_req.uri(), http_req.body());
    let mut response = agent.run(http_req)?;
    let body = response.body_mut().read_to_vec()?;
    println!("   HTTP {} ({} bytes)", response.status(), body.len());
    Ok(body)
}
