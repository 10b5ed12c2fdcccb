//! Hostile input (issue 12, items 3, 9, 10, 11): terminal escapes, bidi controls and invisible characters
//! from the input never reach the terminal raw; input size is bounded and views and reports stay small;
//! secrets are redacted at any depth and in error snippets; `--relaxed` conversion errors keep their spot.

use std::process::Output;

use mimc_codec::ToJson;

use crate::{assert_clean, code, fixture, fixture_path, mimc, path, stderr, stdout};

/// Characters that must not reach a terminal raw: C0 controls other than LF and tab (CR included), DEL,
/// C1 controls, bidi controls, line and paragraph separators, invisible characters.
fn is_raw_hazard(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(
            c,
            '\u{061C}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{200B}'
                | '\u{2060}'..='\u{2064}'
                | '\u{FEFF}'
        )
}

fn hazards(bytes: &[u8]) -> Vec<char> {
    String::from_utf8_lossy(bytes)
        .chars()
        .filter(|&c| is_raw_hazard(c))
        .collect()
}

/// stdout and stderr hold no raw hazard, no colour code, no panic.
fn assert_inert(what: &str, out: &Output) {
    assert_clean(out);
    assert!(
        hazards(&out.stdout).is_empty(),
        "{what}: stdout has {:?}\n{}",
        hazards(&out.stdout),
        stdout(out)
    );
    assert!(
        hazards(&out.stderr).is_empty(),
        "{what}: stderr has {:?}\n{}",
        hazards(&out.stderr),
        stderr(out)
    );
}

/// The hostile fixtures and the ways they are read: `(file, extra arguments)`.
const HOSTILE: [(&str, &[&str]); 11] = [
    ("envelope_text.json", &[]),
    ("envelope_custom.json", &[]),
    ("envelope_recall.json", &[]),
    ("callback_normal_msg.json", &[]),
    ("callback_raw_bytes.json", &[]),
    ("callback_custom.json", &["--as", "callback"]),
    ("reply.json", &[]),
    ("request_push_p2p.json", &["--as", "request:push-p2p"]),
    ("unknown_keys.json", &[]),
    ("broken_controls.txt", &[]),
    ("broken_secrets.txt", &[]),
];

/// The secret values the fixtures hold: never in a view or a report.
const SECRETS: [&str; 6] = [
    "s3cr3t-deep-token",
    "s3cr3t-app-secret",
    "s3cr3t-security-key",
    "s3cr3t-app-key",
    "s3cr3t-case-token",
    "s3cr3t-token",
];

fn assert_no_secret(what: &str, text: &str) {
    for s in SECRETS {
        assert!(!text.contains(s), "{what}: shows {s}\n{text}");
    }
}

#[test]
fn views_and_reports_of_hostile_input_are_inert() {
    let mut views = 0;
    let mut reports = 0;
    for (name, extra) in HOSTILE {
        let file = path(&format!("hostile/{name}"));
        for mode in [
            &[][..],
            &["--unwrap"],
            &["--relaxed"],
            &["--as", "response:contacts"],
        ] {
            let mut args = vec!["decode"];
            args.extend_from_slice(mode);
            if !mode.contains(&"--as") {
                args.extend_from_slice(extra);
            }
            args.push(&file);
            let out = mimc(&args, None);
            let what = format!("{name} {args:?}");
            assert_inert(&what, &out);
            assert_no_secret(&what, &stdout(&out));
            assert_no_secret(&what, &stderr(&out));
            match code(&out) {
                0 => views += 1,
                1 => {
                    assert!(
                        stderr(&out).starts_with("error["),
                        "{what}: {}",
                        stderr(&out)
                    );
                    reports += 1;
                }
                c => panic!("{what}: exit {c}: {}", stderr(&out)),
            }
        }
    }
    assert!(
        views >= 10 && reports >= 10,
        "{views} views, {reports} reports"
    );
}

/// In a pipe `--json` is the library's JSON byte for byte (its value is the input's); the escapes are
/// what the view shows instead.
#[test]
fn json_in_a_pipe_is_the_librarys_bytes() {
    for name in [
        "envelope_text.json",
        "envelope_custom.json",
        "envelope_recall.json",
    ] {
        let bytes = fixture(&format!("hostile/{name}"));
        let want = mimc_codec::Envelope::from_json(&bytes)
            .unwrap()
            .to_json_vec()
            .unwrap();
        let out = mimc(
            &["decode", "--json", &path(&format!("hostile/{name}"))],
            None,
        );
        assert_eq!(code(&out), 0, "{name}: {}", stderr(&out));
        assert_eq!(
            out.stdout.strip_suffix(b"\n").unwrap(),
            want.as_slice(),
            "{name}"
        );
        // The text itself is hostile: the view escapes what this JSON carries raw.
        assert!(!hazards(&want).is_empty(), "{name}: not hostile");
    }
}

/// Runs `mimc args` with stdout on a pseudo-terminal (util-linux `script`), returning what it printed;
/// `None` when `script` is not installed.
fn on_a_terminal(args: &[&str]) -> Option<Vec<u8>> {
    let mut command = String::from(env!("CARGO_BIN_EXE_mimc"));
    for a in args {
        command.push_str(" '");
        command.push_str(&a.replace('\'', "'\\''"));
        command.push('\'');
    }
    let out = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .output()
        .ok()?;
    out.status.success().then_some(out.stdout)
}

#[test]
fn json_on_a_terminal_escapes_c1_bidi_and_invisibles_with_the_same_value() {
    let file = path("hostile/envelope_text.json");
    let Some(shown) = on_a_terminal(&["decode", "--json", &file]) else {
        eprintln!(
            "SKIPPED: `script` (util-linux) is not installed, no pseudo-terminal to test with"
        );
        return;
    };
    // The terminal turns LF into CR LF.
    let text = String::from_utf8(shown).unwrap().replace("\r\n", "\n");
    assert!(hazards(text.as_bytes()).is_empty(), "{text:?}");
    assert!(text.contains("\\u009b") && text.contains("\\u202e") && text.contains("\\u007f"));
    let line = text.trim_end();
    let bytes = fixture("hostile/envelope_text.json");
    let want = mimc_codec::Envelope::from_json(&bytes).unwrap();
    assert_eq!(
        mimc_codec::Envelope::from_json(line.as_bytes()).unwrap(),
        want
    );
}

#[test]
fn a_path_with_escapes_is_shown_escaped() {
    let dir = std::env::temp_dir().join(format!("mimc-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("a\u{1b}]0;owned\u{7}\u{202e}.json");
    std::fs::write(&file, b"{\"version\":0,\"msgId\":1}").unwrap();
    let out = mimc(&["decode", file.to_str().unwrap()], None);
    assert_eq!(code(&out), 1);
    assert_inert("path", &out);
    assert!(
        stderr(&out).contains("a\\u{1b}]0;owned\\u{7}\\u{202e}.json"),
        "{}",
        stderr(&out)
    );
    let missing = dir.join("no\u{1b}[2Jsuch");
    let out = mimc(&["decode", missing.to_str().unwrap()], None);
    assert_eq!(code(&out), 2);
    assert_inert("missing path", &out);
    // clap quotes rejected arguments.
    let out = mimc(&["decode", "--as", "request:\u{1b}[2J"], None);
    assert_eq!(code(&out), 2);
    assert_inert("argument", &out);
    std::fs::remove_dir_all(&dir).unwrap();
}

// ---------------------------------------------------------------------------------------------------
// Item 9: bounded input, small views and reports

#[test]
fn dev_zero_stops_with_a_clear_error() {
    let out = mimc(&["decode", "--max-size", "1M", "/dev/zero"], None);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert_inert("/dev/zero", &out);
    let e = stderr(&out);
    assert!(
        e.starts_with("error[InputTooLarge]: the input is larger than 1 MiB"),
        "{e}"
    );
    assert!(e.contains("--max-size"), "{e}");
    // The default limit too (16 MiB): refused, not read to the end of memory.
    let out = mimc(&["decode", "/dev/zero"], None);
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).contains("larger than 16 MiB"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn input_over_the_limit_is_refused_and_the_limit_can_be_raised() {
    let text = fixture("envelope/text.json");
    let limit = (text.len() - 1).to_string();
    let file = path("envelope/text.json");
    // A file (its size known before reading) and stdin (read up to the limit).
    for (args, stdin) in [
        (vec!["decode", "--max-size", &limit, &file], None),
        (vec!["decode", "--max-size", &limit], Some(text.as_slice())),
    ] {
        let out = mimc(&args, stdin);
        assert_eq!(code(&out), 1, "{args:?}");
        assert!(
            stderr(&out).starts_with("error[InputTooLarge]"),
            "{}",
            stderr(&out)
        );
        assert!(out.stdout.is_empty());
    }
    let exact = text.len().to_string();
    let out = mimc(&["decode", "--max-size", &exact, &file], None);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    for bad in ["0", "x", "12Q", "99999999999999999999G"] {
        let out = mimc(&["decode", "--max-size", bad, &file], None);
        assert_eq!(code(&out), 2, "{bad}");
    }
    let out = mimc(&["decode", "--max-size", "1K", &file], None);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

#[test]
fn views_of_long_arrays_objects_and_texts_stay_small() {
    // A 2 MB array of numbers as a custom payload, an object of 100 000 members, a 1 MB text.
    let items = vec!["1"; 1_000_000].join(",");
    let array = format!(
        r#"{{"version":0,"msgId":"M","msgType":"CUSTOM","timestamp":"1","payload":[{items}]}}"#
    );
    let members: Vec<String> = (0..100_000).map(|i| format!("\"k{i}\":{i}")).collect();
    let object = format!(
        r#"{{"version":0,"msgId":"M","msgType":"CUSTOM","timestamp":"1","payload":{{{}}}}}"#,
        members.join(",")
    );
    let text = format!(
        r#"{{"version":0,"msgId":"M","msgType":"TEXT","timestamp":"1","payload":"{}"}}"#,
        "x".repeat(1_000_000)
    );
    for (what, input, says) in [
        ("array", array, "[1000000 items]"),
        ("object", object, "… 99936 more members"),
        ("text", text, "(text, 1000000 bytes)"),
    ] {
        let out = mimc(&["decode"], Some(input.as_bytes()));
        assert_eq!(code(&out), 0, "{what}: {}", stderr(&out));
        let view = stdout(&out);
        assert!(
            view.len() < 16 * 1024,
            "{what}: a view of {} bytes",
            view.len()
        );
        assert!(view.contains(says), "{what}: {view}");
        // --json still has everything.
        let out = mimc(&["decode", "--json"], Some(input.as_bytes()));
        assert_eq!(out.stdout.len(), input.len() + 1, "{what}");
    }
}

#[test]
fn the_report_on_a_long_single_line_is_a_window() {
    let mut input =
        br#"{"version":0,"msgId":"M","msgType":"TEXT","timestamp":"1","payload":""#.to_vec();
    input.extend(std::iter::repeat_n(b'x', 4_000_000));
    input.extend(b"\\q\"}");
    let out = mimc(&["decode"], Some(&input));
    assert_eq!(code(&out), 1);
    let e = stderr(&out);
    assert!(e.len() < 1024, "{e}");
    assert!(
        e.contains(&format!(
            "<stdin>:1:{} (byte {})",
            input.len() - 3,
            input.len() - 4
        )),
        "{e}"
    );
}

// ---------------------------------------------------------------------------------------------------
// Item 10: secrets at any depth, and in error snippets

#[test]
fn secrets_are_redacted_at_any_depth() {
    for (file, extra) in [
        ("hostile/reply.json", &[][..]),
        ("hostile/envelope_custom.json", &[][..]),
        ("hostile/callback_custom.json", &["--as", "callback"][..]),
    ] {
        let mut args = vec!["decode"];
        args.extend_from_slice(extra);
        let p = path(file);
        args.push(&p);
        let out = mimc(&args, None);
        assert_eq!(code(&out), 0, "{file}: {}", stderr(&out));
        let view = stdout(&out);
        assert_no_secret(file, &view);
        assert!(view.contains("<redacted>"), "{file}: {view}");
        // --json keeps them (it is the value).
        args.insert(1, "--json");
        let json = stdout(&mimc(&args, None));
        assert!(json.contains("s3cr3t-"), "{file}: {json}");
    }
    // A typed history reply shows a deep secret redacted too.
    let out = mimc(&["decode", &path("hostile/reply.json")], None);
    assert!(
        stdout(&out).contains(r#"{"level0":[{"token":"<redacted>"}]}"#),
        "{}",
        stdout(&out)
    );
}

#[test]
fn error_snippets_mask_secret_values() {
    let cases: [(&str, &[u8], &str); 5] = [
        // The secret before the spot on the same line.
        (
            "same line",
            br#"{"appSecret":"s3cr3t-app-secret", "x": tru}"#,
            "appSecret",
        ),
        // After the spot.
        ("after", br#"{"x": tru, "token":"s3cr3t-token"}"#, "token"),
        // The key on the line before the value.
        (
            "value line",
            b"{\"x\":1,\"miUserSecurityKey\":\n  \"s3cr3t-security-key\" oops}",
            "s3cr3t",
        ),
        // The relaxed dialect, key unquoted, value single-quoted.
        ("relaxed", b"{appKey: 's3cr3t-app-key', x: tru}", "appKey"),
        // Any letter case.
        ("case", br#"{"TOKEN" : "s3cr3t-case-token" ,, }"#, "TOKEN"),
    ];
    for (what, input, key) in cases {
        for relaxed in [false, true] {
            let mut args = vec!["decode", "--as", "envelope"];
            if relaxed {
                args.push("--relaxed");
            }
            let out = mimc(&args, Some(input));
            assert_eq!(code(&out), 1, "{what}");
            let e = stderr(&out);
            assert_no_secret(what, &e);
            if key != "s3cr3t" {
                assert!(e.contains(key), "{what}: the key stays visible\n{e}");
            }
            assert!(e.contains("****"), "{what}: {e}");
        }
    }
    let out = mimc(&["decode", &path("hostile/broken_secrets.txt")], None);
    assert_no_secret("broken_secrets", &stderr(&out));
}

// ---------------------------------------------------------------------------------------------------
// Item 11: --relaxed conversion errors keep line, column and offset

#[test]
fn relaxed_conversion_errors_keep_their_position() {
    let out = mimc(&["decode", "--relaxed"], Some(b"{\n  a: 1 /* open\n}"));
    assert_eq!(code(&out), 1);
    let e = stderr(&out);
    assert!(e.starts_with("error[UnterminatedComment]"), "{e}");
    assert!(e.contains("<stdin>:2:8 (byte 9)"), "{e}");
    assert!(e.contains("2 |   a: 1 /* open"), "{e}");
    assert!(!e.contains("try --relaxed"), "{e}");
    let out = mimc(&["decode", "--relaxed"], Some(b"{a: \"\xff\"}"));
    assert_eq!(code(&out), 1);
    let e = stderr(&out);
    assert!(e.starts_with("error[InvalidUtf8]"), "{e}");
    assert!(e.contains("<stdin>:1:6 (byte 5)"), "{e}");
    // Decoding errors after the conversion point into the original text, as before.
    let file = fixture_path("literal/text.jsonc");
    let src = std::fs::read_to_string(&file)
        .unwrap()
        .replace("\"TEXT\"", "1");
    let out = mimc(&["decode", "--relaxed"], Some(src.as_bytes()));
    assert_eq!(code(&out), 1);
    let e = stderr(&out);
    let at = src.find("msgType").unwrap();
    let value = at + src[at..].find('1').unwrap();
    assert!(e.contains(&format!("(byte {value})")), "{e}");
}
