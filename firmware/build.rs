//! Links the QEMU programs with cortex-m-rt's `link.x` and the board's `memory.x`. The size programs are
//! linked as before (their entry is `_start`, no vector table, no memory map): their `.text` is the code
//! under measurement and nothing else.
use std::{env, fs, path::PathBuf};

/// The bins that run on the emulated board (keep in step with `Cargo.toml` and `qemu.sh`).
const QEMU_BINS: &[&str] = &[
    "mimc-codec-qemu",
    "serde-json-core-qemu",
    "mimc-codec-defmt",
    "mimc-codec-protocol-qemu",
];

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    fs::copy("memory.x", out.join("memory.x")).expect("copy memory.x into OUT_DIR");
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=memory.x");
    println!("cargo:rerun-if-changed=build.rs");
    for bin in QEMU_BINS {
        println!("cargo:rustc-link-arg-bin={bin}=-Tlink.x");
    }
    // defmt's interned strings go to a section the host decoder reads (the script comes with defmt).
    println!("cargo:rustc-link-arg-bin=mimc-codec-defmt=-Tdefmt.x");
}
