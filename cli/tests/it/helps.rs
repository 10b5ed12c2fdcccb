//! A CLI that helps (issue 16): the compact form read back, the manual's `$placeholder` templates named,
//! the "try --relaxed" hint right both ways, invisible characters named, an envelope given as a callback
//! said to be one, request bodies recognised, a bare base64 envelope decoded. Fixtures of real shapes:
//! `tests/fixtures/cli/` (provenance in `tests/fixtures/README.md`) and the pinned `wire/*.hex` vectors.

use crate::{assert_clean, biz_type, code, fixture, fixtures_in, mimc, path, stderr, stdout};

/// `decode --from postcard` of every pinned compact vector gives the JSON fixture's canonical JSON, the
/// KIND recognised from the bytes; `encode --to json --from postcard` says the same, and raw bytes
/// piped from `encode --to postcard` read back too.
#[test]
fn the_compact_form_reads_back() {
    let mut checked = 0;
    for dir in ["envelope", "callback", "api"] {
        for (name, _) in fixtures_in(dir) {
            if dir == "api" && !name.contains(".response") {
                continue;
            }
            let stem = name.strip_suffix(".json").unwrap();
            let json_file = path(&format!("{dir}/{name}"));
            let hex_file = path(&format!("wire/{dir}/{stem}.hex"));
            let mut want_args = vec!["decode", "--json"];
            if let Some(k) = biz_type(&name) {
                want_args.extend(["--type", k]);
            }
            want_args.push(&json_file);
            let want = mimc(&want_args, None);
            assert_eq!(code(&want), 0, "{name}: {}", stderr(&want));

            let kind = if dir == "api" { "response" } else { "auto" };
            let pinned = mimc(
                &[
                    "decode", "--json", "--from", "postcard", "--as", kind, &hex_file,
                ],
                None,
            );
            assert_clean(&pinned);
            assert_eq!(code(&pinned), 0, "{dir}/{stem}.hex: {}", stderr(&pinned));
            let enc = mimc(
                &[
                    "encode",
                    "--to=json",
                    "--from",
                    "postcard",
                    "--as",
                    kind,
                    &hex_file,
                ],
                None,
            );
            assert_eq!(enc.stdout, pinned.stdout, "{dir}/{stem}.hex");
            // The same value as the JSON fixture: the same compact bytes (payload bytes travel raw, so an
            // unpadded base64 text comes back padded).
            let compact = |json: &[u8]| {
                let mut args = vec!["encode", "--to", "postcard", "--as", kind];
                if kind == "auto" {
                    args.truncate(3);
                }
                if let Some(k) = biz_type(&name) {
                    args.extend(["--type", k]);
                }
                mimc(&args, Some(json)).stdout
            };
            assert_eq!(
                compact(&pinned.stdout),
                compact(&want.stdout),
                "{dir}/{stem}.hex"
            );
            if !name.contains("unpadded") && !name.contains("escaped") {
                assert_eq!(stdout(&pinned), stdout(&want), "{dir}/{stem}.hex");
            }
            // Raw bytes on stdin, from `encode --to postcard` in a pipe.
            let mut enc = vec!["encode", "--to", "postcard", "--as", kind];
            if kind == "auto" {
                enc.truncate(3);
            }
            if let Some(k) = biz_type(&name) {
                enc.extend(["--type", k]);
            }
            enc.push(&json_file);
            let bytes = mimc(&enc, None).stdout;
            let back = mimc(
                &["decode", "--json", "--from", "postcard", "--as", kind],
                Some(&bytes),
            );
            assert_eq!(back.stdout, pinned.stdout, "{name}: raw bytes");
            // The readable view works from the compact form.
            let view = mimc(
                &["decode", "--from", "postcard", "--as", kind, &hex_file],
                None,
            );
            assert_eq!(code(&view), 0, "{name}: {}", stderr(&view));
            checked += 1;
        }
    }
    assert!(checked >= 50, "{checked}");
    // Before: its bytes fed back gave "invalid UTF-8". Bytes that are no compact value are an error at
    // their offset, shown in hex.
    let out = mimc(
        &["decode", "--from", "postcard", &path("envelope/text.json")],
        None,
    );
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("(byte "), "{}", stderr(&out));
    assert!(stderr(&out).contains("7b 22 76"), "{}", stderr(&out));
}

#[test]
fn placeholders_of_the_manuals_templates_are_named() {
    let file = path("cli/callback_template_001.txt");
    for extra in [&[][..], &["--relaxed"][..]] {
        let mut args = vec!["decode"];
        args.extend_from_slice(extra);
        args.push(&file);
        let out = mimc(&args, None);
        assert_eq!(code(&out), 1);
        let e = stderr(&out);
        assert!(
            e.starts_with(
                "error[Placeholder]: `$fromAppId` is a template placeholder: put a value in its place"
            ),
            "{e}"
        );
        assert!(e.contains(":3:17 (byte 46)"), "{e}");
        assert!(!e.contains("try --relaxed"), "{e}");
        assert!(!e.contains("expected a JSON value"), "{e}");
    }
}

/// The hint fires where `--relaxed` helps (and then `--relaxed` decodes), and only there.
#[test]
fn the_relaxed_hint_is_right_both_ways() {
    for (file, named) in [
        ("cli/text_bom.txt", Some("U+FEFF (byte order mark)")),
        ("cli/text_nbsp.txt", Some("U+00A0 (no-break space)")),
        ("cli/text_trailing_comma.txt", None),
        ("literal/text.jsonc", None),
    ] {
        let out = mimc(&["decode", &path(file)], None);
        assert_eq!(code(&out), 1, "{file}");
        let e = stderr(&out);
        assert!(e.contains("try --relaxed"), "{file}: {e}");
        if let Some(name) = named {
            assert!(
                e.contains(name),
                "{file}: the invisible character is named\n{e}"
            );
        }
        let fixed = mimc(&["decode", "--relaxed", "--json", &path(file)], None);
        assert_eq!(code(&fixed), 0, "{file}: {}", stderr(&fixed));
        assert_eq!(
            fixed.stdout.strip_suffix(b"\n").unwrap(),
            fixture("envelope/text.json").as_slice(),
            "{file}"
        );
    }
    for (file, says) in [
        ("cli/base64_protobuf.txt", "--base64"),
        ("cli/dart_map_print.txt", "printed map"),
        ("cli/callback_template_001.txt", "placeholder"),
        ("envelope/invalid/wrong_type_msgid.json", "msgId"),
    ] {
        let out = mimc(&["decode", &path(file)], None);
        assert_eq!(code(&out), 1, "{file}");
        let e = stderr(&out);
        assert!(
            !e.contains("--relaxed"),
            "{file}: --relaxed cannot fix it\n{e}"
        );
        assert!(e.contains(says), "{file}: {e}");
    }
}

#[test]
fn an_envelope_given_as_a_callback_is_said_to_be_one() {
    for (file, args) in [
        ("envelope/text.json", &["--as", "callback"][..]),
        ("cli/callback_envelope_kind.json", &[][..]),
        (
            "cli/callback_envelope_kind.json",
            &["--as", "callback", "--unwrap"][..],
        ),
    ] {
        let mut all = vec!["decode"];
        all.extend_from_slice(args);
        let p = path(file);
        all.push(&p);
        let out = mimc(&all, None);
        assert_eq!(code(&out), 1, "{file} {args:?}");
        let e = stderr(&out);
        assert!(e.starts_with("error[EnvelopeAsCallback]"), "{file}: {e}");
        assert!(e.contains("an envelope given as a callback"), "{e}");
        assert!(!e.contains("InvalidBase64"), "{e}");
        // The spot is the msgType value.
        let at = fixture(file)
            .windows(11)
            .position(|w| w == b"\"msgType\":\"")
            .unwrap()
            + 10;
        assert!(e.contains(&format!("(byte {at})")), "{e}");
    }
    // Text that is not base64 is never called "base64 of N bytes".
    let out = mimc(&["decode", &path("cli/callback_text_payload.json")], None);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let view = stdout(&out);
    assert!(!view.contains("base64 of"), "{view}");
    assert!(view.contains("not valid base64"), "{view}");
}

/// Every request fixture is recognised as its call's request body without `--as` (a push has
/// `msgType: ""` or `"base64"`, and used to be taken for an envelope).
#[test]
fn request_bodies_are_recognised() {
    let all: Vec<_> = fixtures_in("api")
        .into_iter()
        .filter(|(n, _)| n.ends_with(".request.json"))
        .collect();
    assert_eq!(all.len(), 11);
    for (name, _) in all {
        let call = name.strip_suffix(".request.json").unwrap();
        let call = call.strip_suffix(".base64").unwrap_or(call);
        let out = mimc(&["decode", &path(&format!("api/{name}"))], None);
        assert_eq!(code(&out), 0, "{name}: {}", stderr(&out));
        assert!(
            stdout(&out).starts_with(&format!("request:{call}\n")),
            "{name}: {}",
            stdout(&out)
        );
        let json = mimc(&["decode", "--json", &path(&format!("api/{name}"))], None);
        let want = mimc(
            &[
                "decode",
                "--json",
                "--as",
                &format!("request:{call}"),
                &path(&format!("api/{name}")),
            ],
            None,
        );
        assert_eq!(json.stdout, want.stdout, "{name}");
    }
}

/// What the Flutter plugin logs: the message JSON as one base64 text (a real capture, flutter_mimc
/// issue 12). Recognised on stdin, or named with `--base64`.
#[test]
fn a_bare_base64_envelope_decodes() {
    let text = fixture("cli/flutter_base64_envelope.txt");
    let want = mimc(
        &["decode", "--json", "--type", "TEXT"],
        Some(&fixture("envelope/dialect_flutter__TEXT.json")),
    );
    assert_eq!(code(&want), 0, "{}", stderr(&want));
    for args in [
        &["decode", "--json", "--type", "TEXT"][..],
        &["decode", "--json", "--type", "TEXT", "--base64"][..],
    ] {
        let out = mimc(args, Some(&text));
        assert_eq!(code(&out), 0, "{args:?}: {}", stderr(&out));
        assert_eq!(stdout(&out), stdout(&want), "{args:?}");
    }
    let view = mimc(&["decode", "--type", "TEXT"], Some(&text));
    assert!(
        stdout(&view).starts_with("envelope TEXT\n"),
        "{}",
        stdout(&view)
    );
    assert!(stdout(&view).contains("899we"), "{}", stdout(&view));
    // Errors point into the decoded JSON, and say so.
    let out = mimc(&["decode"], Some(&text));
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).contains("<stdin> › base64-decoded:1:"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("--type"), "{}", stderr(&out));
    // --base64 on text that is not base64: the bad character.
    let out = mimc(&["decode", "--base64"], Some(b"eyJh!IjoxfQ=="));
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("(byte 4)"), "{}", stderr(&out));
}
