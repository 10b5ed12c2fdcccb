//! Decode the TEXT envelope from a buffer the optimizer cannot see through, re-encode it into a stack
//! buffer, and hand the result to the same barrier: the code a device needs for envelope decode + encode.
#![no_std]
#![no_main]

use core::hint::black_box;

use mimc_codec::{Envelope, ToJson};

/// The input, in flash; read through `black_box` so that nothing is evaluated at compile time.
static INPUT: &[u8] = include_bytes!("../../tests/fixtures/bench/text_150.json");

/// The entry point the linker keeps (everything it does not reach is dropped).
#[unsafe(no_mangle)]
pub extern "C" fn _start() -> ! {
    let mut out = [0u8; 256];
    let n = match Envelope::from_json(black_box(INPUT)) {
        Ok(env) => env.to_json_slice(&mut out).unwrap_or(0),
        Err(e) => e.offset(),
    };
    black_box((&out, n));
    loop {}
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {}
}
