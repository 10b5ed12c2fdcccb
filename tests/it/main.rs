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
#[cfg(feature = "protocol")]
mod connection;
#[cfg(feature = "testing")]
mod connection_server;
#[cfg(feature = "testing")]
mod connection_tcp;
mod envelope;
mod hostile;
mod json_suite;
#[cfg(feature = "alloc")]
mod names;
#[cfg(all(feature = "alloc", feature = "heapless"))]
mod owned;
mod payload;
#[cfg(feature = "protocol")]
mod protocol;
#[cfg(feature = "protocol")]
mod protocol_pb;
#[cfg(feature = "protocol")]
mod protocol_prost;
#[cfg(feature = "serde_json")]
mod serde;
#[cfg(all(feature = "postcard", feature = "alloc", feature = "heapless"))]
mod wire;

use std::path::{Path, PathBuf};

use mimc_codec::{Payload, ToJson};

/// The JSON a model writes, through the allocation-free writer (`json_len`, then `to_json_slice` into a
/// buffer of that size), so the tests run in every feature set, `--no-default-features` included. With
/// `alloc`, each call also checks that `to_json_vec` gives the same result, so both writers stay covered.
pub trait JsonOut: ToJson {
    fn json_vec(&self) -> mimc_codec::Result<Vec<u8>> {
        let mut buf = vec![0; self.json_len()];
        let out = self.to_json_slice(&mut buf).map(|json| json.to_vec());
        #[cfg(feature = "alloc")]
        assert_eq!(
            out,
            self.to_json_vec(),
            "to_json_slice and to_json_vec differ"
        );
        out
    }

    fn json_string(&self) -> mimc_codec::Result<String> {
        self.json_vec()
            .map(|v| String::from_utf8(v).expect("the writer emits UTF-8"))
    }
}

impl<T: ToJson + ?Sized> JsonOut for T {}

/// A payload's bytes through `decoded_len` and `decode_into` (no allocator needed); with `alloc`, also
/// checks that `decode_vec` gives the same result.
pub fn decoded(p: &Payload<'_>) -> mimc_codec::Result<Vec<u8>> {
    let out = p.decoded_len().and_then(|len| {
        let mut buf = vec![0; len];
        p.decode_into(&mut buf).map(<[u8]>::to_vec)
    });
    #[cfg(feature = "alloc")]
    assert_eq!(out, p.decode_vec(), "decode_into and decode_vec differ");
    out
}

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
