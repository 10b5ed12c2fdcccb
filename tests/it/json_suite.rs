//! The JSONTestSuite conformance files, each embedded as the payload of a custom-kind envelope.
//!
//! The suite lives in `../shared/testdata/JSONTestSuite/test_parsing` beside the repository (never copied
//! in). When the folder is absent the test says so plainly and checks nothing else.

use std::path::PathBuf;

use mimc_codec::{Envelope, RawJson};

use crate::JsonOut;

fn suite_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/testdata/JSONTestSuite/test_parsing");
    dir.is_dir().then_some(dir)
}

/// Wraps `doc` as the payload of a custom-kind envelope, byte for byte.
fn embed(doc: &[u8]) -> Vec<u8> {
    let mut v = br#"{"version":0,"msgId":"SUITE_1","msgType":"SUITE","timestamp":"1516763973000","payload":"#.to_vec();
    v.extend_from_slice(doc);
    v.push(b'}');
    v
}

#[test]
fn json_test_suite_embedded_as_custom_payload() {
    let Some(dir) = suite_dir() else {
        eprintln!(
            "SKIPPED: JSONTestSuite not found beside the repository (../shared/testdata/JSONTestSuite)"
        );
        return;
    };
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let (mut y, mut n, mut i) = (0, 0, 0);
    let mut failures = Vec::new();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let doc = std::fs::read(&path).unwrap();
        let input = embed(&doc);
        let result = Envelope::from_json(&input);
        match name.as_bytes()[0] {
            b'y' => {
                y += 1;
                match result {
                    Ok(env) => {
                        // The payload is kept verbatim and re-encodes to bytes serde_json accepts.
                        let out = env.json_vec().unwrap();
                        if serde_json::from_slice::<serde_json::Value>(&out).is_err() {
                            failures
                                .push(format!("{name}: re-encoding not accepted by serde_json"));
                        }
                    }
                    Err(e) => failures.push(format!("{name}: rejected: {e}")),
                }
            }
            b'n' => {
                n += 1;
                match result {
                    Ok(_) => failures.push(format!("{name}: accepted")),
                    Err(e) => {
                        if e.offset().is_some_and(|o| o > input.len()) {
                            failures.push(format!(
                                "{name}: offset {} past the input",
                                e.offset().unwrap()
                            ));
                        }
                    }
                }
            }
            _ => {
                // Implementation-defined: either answer is fine, a panic is not (reaching here means none).
                i += 1;
                // Standalone, the same verdict must come from RawJson (when the file is UTF-8).
                if let Ok(text) = std::str::from_utf8(&doc) {
                    let standalone = RawJson::parse(text).is_ok();
                    if standalone != result.is_ok() {
                        failures.push(format!("{name}: embedded and standalone verdicts differ"));
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        y > 90 && n > 180 && i > 30,
        "suite incomplete: y={y} n={n} i={i}"
    );
    eprintln!("JSONTestSuite: {y} y_ accepted, {n} n_ rejected, {i} i_ answered without panic");
}
