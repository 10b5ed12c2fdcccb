//! The binary protocol's full size program: one received v6 frame (the vectors' SECMSG with a P2P message,
//! decoded from `../shared` at compile time into flash) copied into a RAM buffer, then `work/protocol.rs`:
//! body key from the challenge and udid, payload key from the security key, Adler-32, RC4 in place,
//! `ClientHeader`, `MIMCPacket`, its app messages and their envelopes. Inputs go through `black_box`;
//! no runtime, no vector table: `firmware/size.sh` reads its `.text`. The QEMU program
//! `mimc-codec-protocol-qemu` runs the same `work::run` and checks what it reads.
#![no_std]
#![no_main]
// The size programs never run (no runtime, no vector table): their loops only end the entry point.
#![allow(clippy::empty_loop)]

use core::hint::black_box;

#[path = "work/v6.rs"]
mod v6;
#[path = "work/protocol.rs"]
mod work;

/// The entry point the linker keeps (everything it does not reach is dropped).
#[unsafe(no_mangle)]
pub extern "C" fn _start() -> ! {
    let mut buf = [0u8; 512];
    let input: &[u8] = black_box(v6::P2P_FRAME);
    let n = input.len().min(buf.len());
    buf[..n].copy_from_slice(&input[..n]);
    let (challenge, udid, key) = black_box((v6::CHALLENGE, v6::UDID, v6::SECURITY_KEY));
    match work::run(&mut buf[..n], challenge, udid, key) {
        Ok(o) => {
            black_box(&o);
        }
        Err(e) => {
            black_box(e.offset());
        }
    }
    loop {}
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    loop {}
}
