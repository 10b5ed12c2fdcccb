//! The reference: the same program with serde-json-core and a flat struct whose kind is known in
//! advance (serde-json-core cannot dispatch on an internally tagged kind, and returns escaped strings
//! still escaped; see BENCHMARKS.md).
#![no_std]
#![no_main]

use core::hint::black_box;

use serde::{Deserialize, Serialize};

static INPUT: &[u8] = include_bytes!("../../tests/fixtures/bench/text_150.json");

#[derive(Deserialize, Serialize)]
struct Flat<'a> {
    version: u64,
    #[serde(rename = "msgId")]
    msg_id: &'a str,
    #[serde(rename = "msgType")]
    msg_type: &'a str,
    timestamp: &'a str,
    payload: &'a str,
}

/// The entry point the linker keeps.
#[unsafe(no_mangle)]
pub extern "C" fn _start() -> ! {
    let mut out = [0u8; 256];
    let n = match serde_json_core::from_slice::<Flat<'_>>(black_box(INPUT)) {
        Ok((env, _)) => serde_json_core::to_slice(&env, &mut out).unwrap_or(0),
        Err(_) => 1,
    };
    black_box((&out, n));
    loop {}
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {}
}
