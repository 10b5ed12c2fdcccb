//! Integration tests: one binary, a module per area.
#![allow(unreachable_pub, missing_docs)]
#![allow(
    clippy::std_instead_of_core,
    clippy::missing_panics_doc,
    clippy::struct_excessive_bools,
    clippy::too_many_lines
)]

mod alloc_count;
mod api;
#[allow(dead_code)]
mod arb;
mod callback;
mod envelope;
mod hostile;
mod json_suite;
#[cfg(all(feature = "alloc", feature = "heapless"))]
mod owned;
mod payload;
#[cfg(feature = "protocol")]
mod protocol;
#[cfg(feature = "serde_json")]
mod serde;
#[cfg(all(feature = "postcard", feature = "alloc", feature = "heapless"))]
mod wire;

use std::path::{Path, PathBuf};

/// The bizType a dialect fixture carries in its file name after `__` (`dialect_android__TEXT.json` →
/// `TEXT`); accepts a bare name or a path.
pub fn biz_type(name: &str) -> Option<&str> {
    let name = name.rsplit('/').next()?;
    name.strip_suffix(".json")?.split_once("__").map(|(_, k)| k)
}

/// Path of a fixture under `tests/fixtures/`.
pub fn fixture_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// Bytes of a fixture under `tests/fixtures/`.
pub fn fixture(rel: &str) -> Vec<u8> {
    std::fs::read(fixture_path(rel)).unwrap_or_else(|e| panic!("fixture {rel}: {e}"))
}

/// `(file name, bytes)` of every `*.json` directly in a fixture folder, sorted.
pub fn fixtures_in(dir: &str) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<_> = std::fs::read_dir(fixture_path(dir))
        .unwrap_or_else(|e| panic!("fixture dir {dir}: {e}"))
        .filter_map(|e| {
            let p = e.ok()?.path();
            (p.extension()? == "json").then(|| {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                let bytes = std::fs::read(&p).unwrap();
                (name, bytes)
            })
        })
        .collect();
    out.sort();
    out
}
