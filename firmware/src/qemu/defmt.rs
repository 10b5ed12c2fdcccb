//! The library's `defmt::Format` impls on the board (QEMU `mps2-an386`, `firmware/qemu.sh`): logs one
//! value of each type with `defmt::println!` over semihosting (defmt-semihosting) and exits. The host
//! decodes the frames with `defmt-print` and compares the text with `firmware/defmt.expected`, line for
//! line: the sentences, the wire names, the escaped control characters, the redacted secret.
#![no_std]
#![no_main]

use core::hint::black_box;

use cortex_m_rt::entry;
use cortex_m_semihosting::debug;
use defmt_semihosting as _;
use mimc_codec::api::{Method, Secret};
use mimc_codec::json::{JsonStr, JsonU64, RawJson, ValueKind};
use mimc_codec::{CallbackKind, Envelope, ErrorKind, Kind, KindKey, PayloadKey};

/// The `JsonStr` of a JSON string literal (escapes and all).
fn json_str(literal: &'static str) -> JsonStr<'static> {
    RawJson::parse(black_box(literal))
        .and_then(|v| v.to_json_str())
        .unwrap_or_default()
}

#[entry]
fn main() -> ! {
    // Errors, as their Display sentence.
    if let Err(e) = Envelope::from_json(black_box(br#"{"msgId" "x"}"#)) {
        defmt::println!("{}", e);
    }
    let wrong = include_bytes!("../../../tests/fixtures/envelope/invalid/wrong_type_msgid.json");
    if let Err(e) = Envelope::from_json(black_box(wrong)) {
        defmt::println!("{}", e);
    }
    defmt::println!(
        "{}",
        ErrorKind::CapacityExceeded {
            needed: 300,
            capacity: 256
        }
    );
    defmt::println!("{}", ErrorKind::InvalidBase64);
    // Kinds, as their wire names.
    for name in [
        "TEXT",
        "PIC_FILE",
        "VIDEO_FILE",
        "PIC_FILE_RECALL",
        "TEXT_READ",
        "LOCATION_RECALL",
        "ADD_FRIEND_RESPONSE",
        "LOCATION",
    ] {
        defmt::println!("{}", Kind::parse(black_box(name)));
    }
    defmt::println!(
        "{}",
        Kind::from_json_str(json_str(r#""LOC\u0041TION_READ""#))
    );
    defmt::println!("{}", CallbackKind::parse(black_box("NORMAL_TOPIC_MSG")));
    defmt::println!("{}", CallbackKind::parse(black_box("RECALL_MSG")));
    defmt::println!(
        "{} {} {}",
        KindKey::Type,
        PayloadKey::Content,
        ValueKind::String
    );
    defmt::println!("{}", Method::Delete);
    // Ids, as their value (quoted or not on the wire).
    defmt::println!("{}", JsonU64::new(black_box(2_882_303_761_517_669_588)));
    // Strings: unescaped, control characters as \uXXXX (a terminal escape, a line break, C1, DEL).
    defmt::println!(
        "{}",
        json_str(r#""TEXT\/中 \"MIMC\"\n\u001b[31m red \ud83d\ude00""#)
    );
    defmt::println!(
        "{}",
        JsonStr::new(black_box("raw \u{1b}]0;title\u{7} \u{9b}2J \u{7f} end"))
    );
    // A credential never shows.
    defmt::println!(
        "token {}",
        Secret::from(black_box("gTO8Jb0wbLaxIzAcRc+O3A=="))
    );
    debug::exit(debug::EXIT_SUCCESS);
    loop {
        cortex_m::asm::wfi();
    }
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo<'_>) -> ! {
    debug::exit(debug::EXIT_FAILURE);
    loop {
        cortex_m::asm::wfi();
    }
}
