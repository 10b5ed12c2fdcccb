//! Integration tests of the `mimc` binary: each runs the built command on the library's fixtures
//! (`../tests/fixtures`) or on input made here, and checks exit status, stdout and stderr.
#![allow(unreachable_pub, missing_docs)]
#![allow(
    clippy::std_instead_of_core,
    clippy::missing_panics_doc,
    clippy::too_many_lines
)]

mod decode;
mod helps;
mod hostile;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The bizType a dialect fixture carries in its file name after `__` (`dialect_android__TEXT.json` →
/// `TEXT`); accepts a bare name or a path.
pub fn biz_type(name: &str) -> Option<&str> {
    let name = name.rsplit('/').next()?;
    name.strip_suffix(".json")?.split_once("__").map(|(_, k)| k)
}

/// Path of a fixture under the library's `tests/fixtures/`.
pub fn fixture_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
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

/// Runs `mimc` with `args`, feeding `stdin` (or an empty, non-terminal stdin).
pub fn mimc(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mimc"))
        .args(args)
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run mimc");
    {
        let mut pipe = child.stdin.take().unwrap();
        // A command that stops reading early (a usage error) closes the pipe: not a test failure.
        let _ = pipe.write_all(stdin.unwrap_or_default());
    }
    child.wait_with_output().unwrap()
}

/// A fixture's path as a string argument.
pub fn path(rel: &str) -> String {
    fixture_path(rel).to_string_lossy().into_owned()
}

/// The exit status.
pub fn code(out: &Output) -> i32 {
    out.status.code().expect("exited normally")
}

/// stderr, lossily.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// stdout, lossily.
pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Nothing a user should never see: no panic trace, no colour codes in pipes.
pub fn assert_clean(out: &Output) {
    let (o, e) = (stdout(out), stderr(out));
    assert!(
        !e.contains("panicked") && !e.contains("RUST_BACKTRACE"),
        "{e}"
    );
    assert!(
        !o.contains('\x1b') && !e.contains('\x1b'),
        "colour in a pipe"
    );
}
