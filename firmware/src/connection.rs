//! The connection's size program: a whole client session through `mimc_codec::protocol::Connection`
//! (`work/connection.rs`: connect, handle_input, poll_transmit, poll_event, poll_message, send_p2p,
//! poll_timeout, handle_timeout) against the vectors' server frames (from `../shared`, decoded at
//! compile time into flash). Inputs go through `black_box`, every frame written is handed to it; no
//! runtime, no vector table: `firmware/size.sh` reads its `.text`. The QEMU program
//! `mimc-codec-protocol-qemu` runs the same `work::run` and checks every frame and event.
#![no_std]
#![no_main]
// The size programs never run (no runtime, no vector table): their loops only end the entry point.
#![allow(clippy::empty_loop)]

use core::hint::black_box;

use mimc_codec::protocol::{Config, Connection, TRANSMIT_CAPACITY};

#[path = "work/v6.rs"]
mod v6;
#[path = "work/connection.rs"]
mod work;

/// The entry point the linker keeps (everything it does not reach is dropped).
#[unsafe(no_mangle)]
pub extern "C" fn _start() -> ! {
    let (account, token, key, resource, udid) = black_box((
        v6::ACCOUNT,
        v6::TOKEN,
        v6::SECURITY_KEY,
        v6::RESOURCE,
        v6::UDID,
    ));
    let config = Config::new(
        black_box(v6::APP_ID),
        account,
        black_box(v6::UUID),
        token,
        key,
    )
    .with(|c| {
        c.resource = resource;
        c.udid = udid;
        c.id_prefix = black_box("p2p-");
    });
    let server = black_box(work::Server {
        conn_resp: v6::CONN_RESP_FRAME,
        bind_resp: v6::BIND_RESP_FRAME,
        compound: v6::COMPOUND_FRAME,
        packet_ack: v6::PACKET_ACK_FRAME,
        kick: v6::KICK_FRAME,
    });
    let message = black_box(work::Send {
        to: v6::PEER,
        payload: b"hello",
        biz_type: "TEXT",
    });
    let mut tx = [0u8; TRANSMIT_CAPACITY];
    match Connection::new(config) {
        Ok(mut conn) => match work::run(&mut conn, &server, &message, &mut tx, &mut |f| {
            black_box(f);
        }) {
            Ok(o) => {
                black_box(&o);
            }
            Err(e) => {
                black_box(e.offset());
            }
        },
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
