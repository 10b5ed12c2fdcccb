//! The size program, mimc-codec: decode the manual's TEXT and TEXT_RECALL envelopes and encode a TEXT
//! reply (`work/mimc.rs`), from inputs in flash the optimizer cannot see through, into a stack buffer
//! handed to the same barrier: the code a device needs for envelope decode + encode, and nothing else
//! (no runtime, no vector table: `firmware/size.sh` reads its `.text`). The QEMU program
//! `mimc-codec-qemu` runs the same `work::run` on the emulated board and checks what it writes.
#![no_std]
#![no_main]
// The size programs never run (no runtime, no vector table): their loops only end the entry point.
#![allow(clippy::empty_loop)]

use core::hint::black_box;

#[path = "work/inputs.rs"]
mod inputs;
#[path = "work/mimc.rs"]
mod work;

/// The entry point the linker keeps (everything it does not reach is dropped).
#[unsafe(no_mangle)]
pub extern "C" fn _start() -> ! {
    let mut out = [0u8; 256];
    let result = match work::run(black_box(inputs::TEXT), black_box(inputs::RECALL), &mut out) {
        Ok(o) => (o.len, o.recalled),
        Err(e) => (e.offset().unwrap_or(usize::MAX), false),
    };
    black_box((&out, result));
    loop {}
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {}
}
