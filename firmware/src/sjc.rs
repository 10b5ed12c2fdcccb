//! The reference size program: the same work as `main.rs` with serde-json-core and flat structs whose
//! kind is known in advance (`work/sjc.rs`; see BENCHMARKS.md for what it does not do). The QEMU program
//! `serde-json-core-qemu` runs the same `work::run` on the emulated board.
#![no_std]
#![no_main]
// The size programs never run (no runtime, no vector table): their loops only end the entry point.
#![allow(clippy::empty_loop)]

use core::hint::black_box;

#[path = "work/inputs.rs"]
mod inputs;
#[path = "work/sjc.rs"]
mod work;

/// The entry point the linker keeps.
#[unsafe(no_mangle)]
pub extern "C" fn _start() -> ! {
    let mut out = [0u8; 256];
    let result = match work::run(black_box(inputs::TEXT), black_box(inputs::RECALL), &mut out) {
        Ok(o) => (o.len, o.recalled),
        Err(_) => (0, false),
    };
    black_box((&out, result));
    loop {}
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {}
}
