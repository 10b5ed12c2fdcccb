//! The `mimc` command, run as a built binary: exit codes, `--json` round trips on every fixture, the caret
//! report on invalid input, `--relaxed` on the manual's literal samples, stdin.

use mimc_codec::api::Response;
use mimc_codec::{Callback, Envelope, JsonStr, Message, Payload, ToJson};

use crate::{
    assert_clean, biz_type, code, fixture, fixture_path, fixtures_in, mimc, path, stderr, stdout,
};

fn decode_envelope<'a>(bytes: &'a [u8], biz: Option<&'a str>) -> Envelope<'a> {
    match biz {
        Some(k) => Envelope::from_json_with_kind(bytes, k),
        None => Envelope::from_json(bytes),
    }
    .unwrap()
}

#[test]
fn readme_first_command_shows_the_manual_text_sample() {
    let out = mimc(&["decode", &path("envelope/text.json")], None);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_clean(&out);
    assert_eq!(
        stdout(&out),
        "envelope TEXT
  version    0
  msgId      TEXT_12345
  msgType    TEXT  (text message)
  timestamp  1516763973000  (2018-01-24T03:19:33.000Z)
  payload    Welcome to the Xiaomi instant message cloud (MIMC)  (text, 50 bytes)
"
    );
}

#[test]
fn every_envelope_fixture_json_output_decodes_to_the_same_value() {
    let all = fixtures_in("envelope");
    assert!(all.len() >= 20);
    for (name, bytes) in &all {
        let file = path(&format!("envelope/{name}"));
        let biz = biz_type(name);
        let mut args = vec!["decode", "--json"];
        if let Some(k) = biz {
            args.extend(["--type", k]);
        }
        args.push(&file);
        let out = mimc(&args, None);
        assert_eq!(code(&out), 0, "{name}: {}", stderr(&out));
        assert_clean(&out);
        let line = out.stdout.strip_suffix(b"\n").expect("ends with a newline");
        assert!(!line.contains(&b'\n'), "{name}: one line");
        let want = decode_envelope(bytes, biz);
        let got = decode_envelope(line, biz);
        assert_eq!(got, want, "{name}");
        // It is our canonical writer's output, byte for byte.
        assert_eq!(line, want.to_json_vec().unwrap(), "{name}");

        // `encode --to json` says the same; the readable view works too.
        args[0] = "encode";
        args[1] = "--to=json";
        let enc = mimc(&args, None);
        assert_eq!((code(&enc), &enc.stdout), (0, &out.stdout), "{name}");
        args.remove(1);
        args[0] = "decode";
        let view = mimc(&args, None);
        assert_eq!(code(&view), 0, "{name}: {}", stderr(&view));
        assert!(stdout(&view).starts_with("envelope "), "{name}");
    }
}

/// Line, column (in characters) and the character at `offset`, computed independently of the tool.
fn expected_position(input: &[u8], offset: usize) -> (usize, usize, Option<char>) {
    let before = &input[..offset.min(input.len())];
    let line = before.split(|&b| b == b'\n').count();
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
    let at = String::from_utf8_lossy(&input[offset.min(input.len())..])
        .chars()
        .next();
    (line, column, at)
}

/// Checks the report: the `--> origin:L:C (byte B)` line, and the caret under the character at `offset`.
fn assert_report(report: &str, origin: &str, input: &[u8], offset: usize) {
    let (line, column, at) = expected_position(input, offset);
    let location = format!("--> {origin}:{line}:{column} (byte {offset})");
    assert!(report.contains(&location), "want {location}\n{report}");
    let lines: Vec<&str> = report.lines().collect();
    let src = lines
        .iter()
        .position(|l| l.starts_with(&format!("{line} | ")))
        .unwrap_or_else(|| panic!("no source line\n{report}"));
    let prefix = format!("{line} | ").chars().count();
    let shown: Vec<char> = lines[src].chars().skip(prefix).collect();
    let caret_line: Vec<char> = lines[src + 1].chars().skip(prefix).collect();
    assert!(caret_line.contains(&'^'), "no caret\n{report}");
    // Walk the shown line and the caret line together: a tab is copied, a wide (CJK) character
    // takes two spaces, any other one space.
    let wide = |c: char| matches!(c, '\u{3000}'..='\u{9FFF}' | '\u{FF00}'..='\u{FF60}');
    let mut col = 0;
    let mut spot = None;
    for (i, &c) in shown.iter().enumerate() {
        if caret_line.get(col) == Some(&'^') {
            spot = Some(i);
            break;
        }
        let pad: &[char] = if c == '\t' {
            &['\t']
        } else if wide(c) {
            &[' ', ' ']
        } else {
            &[' ']
        };
        assert_eq!(
            &caret_line[col..col + pad.len()],
            pad,
            "caret padding\n{report}"
        );
        col += pad.len();
    }
    let spot = spot.unwrap_or(shown.len());
    match at {
        Some('\n') | None => assert_eq!(spot, shown.len(), "caret at the line's end\n{report}"),
        Some(c) => assert_eq!(shown.get(spot), Some(&c), "caret position\n{report}"),
    }
}

#[test]
fn invalid_envelopes_exit_1_with_offset_line_column_and_caret() {
    let dir = fixture_path("envelope/invalid");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let p = entry.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&p).unwrap();
        let err = Envelope::from_json(&bytes).unwrap_err();
        let file = p.to_string_lossy().into_owned();
        let out = mimc(&["decode", &file], None);
        assert_eq!(code(&out), 1, "{name}");
        assert_clean(&out);
        assert!(out.stdout.is_empty(), "{name}: nothing on stdout");
        let report = stderr(&out);
        // The error kind as the library names it.
        let kind = err.kind().name();
        assert!(
            report.starts_with(&format!("error[{kind}]: ")),
            "{name}: {report}"
        );
        assert_report(&report, &file, &bytes, err.offset().unwrap());
        seen += 1;
    }
    assert!(seen >= 9);
}

#[test]
fn a_wrong_type_is_reported_under_the_value() {
    let file = path("envelope/invalid/wrong_type_msgid.json");
    let out = mimc(&["decode", "--json", &file], None);
    assert_eq!(code(&out), 1);
    let report = stderr(&out);
    assert!(report.starts_with(
        "error[WrongType]: wrong type: expected a string, found a number in `msgId`\n"
    ));
    assert!(report.contains(":1:22 (byte 21)"), "{report}");
    assert!(
        report.contains("\n  |                      ^\n"),
        "{report}"
    );
}

#[test]
fn multi_line_input_reports_line_and_character_column() {
    // Chinese text before the spot: the column counts characters, the caret sits under the value
    // (one terminal column for each space, two for each wide character).
    let input = "{\n  \"msgId\": \"中文\", \"timestamp\": -1,\n  \"version\": 0\n}".as_bytes();
    let out = mimc(&["decode", "--as", "envelope"], Some(input));
    assert_eq!(code(&out), 1);
    let report = stderr(&out);
    let offset = input.iter().position(|&b| b == b'-').unwrap();
    assert_report(&report, "<stdin>", input, offset);
    assert!(report.contains("<stdin>:2:31 (byte 36)"), "{report}");
}

#[test]
fn long_lines_show_a_window_around_the_spot() {
    let mut input =
        br#"{"version":0,"msgId":"M","msgType":"TEXT","timestamp":"1","payload":""#.to_vec();
    input.extend(std::iter::repeat_n(b'x', 5000));
    input.extend(b"\\q\"}");
    let offset = input.len() - 4;
    let out = mimc(&["decode"], Some(&input));
    assert_eq!(code(&out), 1);
    let report = stderr(&out);
    assert!(report.lines().all(|l| l.chars().count() < 200), "{report}");
    assert!(report.contains("…xxx"), "{report}");
    assert_report(&report, "<stdin>", &input, offset);
}

#[test]
fn every_callback_fixture_json_output_decodes_to_the_same_value() {
    let all = fixtures_in("callback");
    assert!(all.len() >= 8);
    for (name, bytes) in &all {
        let file = path(&format!("callback/{name}"));
        let want = Callback::from_json(bytes).unwrap();
        // Recognised by its msgType without --as, and with it.
        for args in [
            &["decode", "--json", &file][..],
            &["decode", "--json", "--as", "callback", &file][..],
        ] {
            let out = mimc(args, None);
            assert_eq!(code(&out), 0, "{name}: {}", stderr(&out));
            assert_clean(&out);
            let line = out.stdout.strip_suffix(b"\n").unwrap();
            assert_eq!(Callback::from_json(line).unwrap(), want, "{name}");
            assert_eq!(line, want.to_json_vec().unwrap(), "{name}");
        }
        let view = mimc(&["decode", &file], None);
        assert_eq!(code(&view), 0, "{name}");
        let shown = stdout(&view);
        assert!(
            shown.starts_with(&format!("callback {}\n", want.kind())),
            "{shown}"
        );
        assert!(shown.contains("--unwrap shows them"), "{shown}");

        // --unwrap follows the base64 payload into the envelope inside.
        let mut buf = vec![0u8; 16 * 1024];
        let message = want.decode_message(&mut buf).unwrap();
        let out = mimc(&["decode", "--unwrap", "--json", &file], None);
        let view = mimc(&["decode", "--unwrap", &file], None);
        assert_eq!(code(&view), 0, "{name}");
        match message {
            Message::Envelope(env) => {
                assert_eq!(code(&out), 0, "{name}: {}", stderr(&out));
                let line = out.stdout.strip_suffix(b"\n").unwrap();
                assert_eq!(line, env.to_json_vec().unwrap(), "{name}");
                assert!(
                    stdout(&view).contains(&format!("payload      envelope {}\n", env.kind())),
                    "{}",
                    stdout(&view)
                );
            }
            Message::Raw(raw) => {
                // Not an envelope: the view shows the bytes, --json reports where they break.
                assert_eq!(code(&out), 1, "{name}");
                let report = stderr(&out);
                assert!(
                    report.contains("payload (decoded):1:1 (byte 0)"),
                    "{report}"
                );
                assert_report(&report, &format!("{file} › payload (decoded)"), raw, 0);
                assert!(
                    stdout(&view).contains("not an envelope"),
                    "{}",
                    stdout(&view)
                );
            }
            _ => unreachable!(),
        }
    }
}

#[test]
fn bad_base64_in_a_callback_is_reported_in_the_input() {
    let mut bytes = fixture("callback/offline_msg.json");
    let at = bytes
        .windows(11)
        .position(|w| w == b"\"payload\":\"")
        .unwrap()
        + 11
        + 20;
    bytes[at] = b'!';
    let out = mimc(&["decode", "--unwrap"], Some(&bytes));
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let report = stderr(&out);
    assert!(report.starts_with("error[InvalidBase64]"), "{report}");
    assert_report(&report, "<stdin>", &bytes, at);
}

/// The API call a reply fixture belongs to: `topic-query.response_numbers.json` -> `topic-query`.
fn reply_call(name: &str) -> Option<&str> {
    let call = name.split_once(".response")?.0;
    let call = call.strip_suffix("-100").unwrap_or(call);
    (call != "error").then_some(call)
}

#[test]
fn every_api_reply_fixture_json_output_decodes_to_the_same_value() {
    let all: Vec<_> = fixtures_in("api")
        .into_iter()
        .filter(|(n, _)| n.contains(".response"))
        .collect();
    assert!(all.len() >= 20);
    for (name, bytes) in &all {
        let file = path(&format!("api/{name}"));
        let want = Response::from_json(bytes).unwrap();
        let want_data: serde_json::Value = serde_json::from_str(want.data().as_str()).unwrap();
        let typed = reply_call(name).map(|c| format!("response:{c}"));
        let mut runs = vec![vec!["decode", "--json", file.as_str()]];
        if let Some(kind) = &typed {
            runs.push(vec!["decode", "--json", "--as", kind, &file]);
        }
        for args in runs {
            let out = mimc(&args, None);
            assert_eq!(code(&out), 0, "{name} {args:?}: {}", stderr(&out));
            assert_clean(&out);
            let line = out.stdout.strip_suffix(b"\n").unwrap();
            assert!(!line.contains(&b'\n'), "{name}: one line");
            let got = Response::from_json(line).unwrap();
            assert_eq!(
                (got.code(), got.message()),
                (want.code(), want.message()),
                "{name}"
            );
            let got_data: serde_json::Value = serde_json::from_str(got.data().as_str()).unwrap();
            assert_eq!(got_data, want_data, "{name}");
        }
        // The view: typed title, secrets redacted.
        let mut args = vec!["decode"];
        if let Some(kind) = &typed {
            args.extend(["--as", kind]);
        }
        args.push(&file);
        let out = mimc(&args, None);
        assert_eq!(code(&out), 0, "{name}: {}", stderr(&out));
        let shown = stdout(&out);
        let title = typed.clone().unwrap_or_else(|| "response".to_owned());
        assert!(shown.starts_with(&format!("{title}\n")), "{shown}");
        if let Some(token) = want_data.get("token").and_then(|t| t.as_str()) {
            assert!(!shown.contains(token), "secret shown");
            assert!(shown.contains("<redacted>"));
            assert!(stdout(&mimc(&["decode", "--json", &file], None)).contains(token));
        }
    }
}

#[test]
fn a_reply_read_as_the_wrong_call_is_invalid() {
    let file = path("api/topic-query.response.json");
    let out = mimc(&["decode", "--as", "response:token", &file], None);
    assert_eq!(code(&out), 1);
    let report = stderr(&out);
    assert!(report.starts_with("error[MissingField]"), "{report}");
    assert!(report.contains("reply of `token`"), "{report}");
    // A failed call is a valid reply whatever the call.
    let out = mimc(
        &[
            "decode",
            "--as",
            "response:topic-quit",
            &path("api/error.response.json"),
        ],
        None,
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("500  (MIMC API error)"));
}

#[test]
fn history_unwrap_json_gives_one_envelope_per_message() {
    for (call, file) in [
        ("history-p2p", "api/history-p2p-100.response.json"),
        ("history-p2t", "api/history-p2t.response.json"),
    ] {
        let bytes = fixture(file);
        let doc: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let messages = doc["data"]["messages"].as_array().unwrap();
        let kind = format!("response:{call}");
        let out = mimc(
            &[
                "decode",
                "--unwrap",
                "--json",
                "--type",
                "TEXT",
                "--as",
                &kind,
                &path(file),
            ],
            None,
        );
        assert_eq!(code(&out), 0, "{file}: {}", stderr(&out));
        let text = stdout(&out);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), messages.len(), "{file}");
        for (line, m) in lines.iter().zip(messages) {
            let b64 = m["payload"].as_str().unwrap();
            let inner = Payload::from_json_str(JsonStr::new(b64))
                .decode_vec()
                .unwrap();
            let env = Envelope::from_json_with_kind(&inner, "TEXT").unwrap();
            assert_eq!(
                line.as_bytes(),
                env.to_json_vec().unwrap().as_slice(),
                "{file}"
            );
        }
        // The view follows them too.
        let out = mimc(
            &[
                "decode",
                "--unwrap",
                "--type",
                "TEXT",
                "--as",
                &kind,
                &path(file),
            ],
            None,
        );
        assert_eq!(code(&out), 0);
        assert!(
            stdout(&out).contains("payload      envelope "),
            "{}",
            stdout(&out)
        );
    }
}

/// The pinned compact vector `tests/fixtures/wire/<rel>.hex` as bytes.
fn pinned(rel: &str) -> Vec<u8> {
    let hex: String = String::from_utf8(fixture(&format!("wire/{rel}.hex")))
        .unwrap()
        .split_whitespace()
        .collect();
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

/// `encode --to postcard` writes raw bytes into a pipe: exactly the pinned vector of every envelope,
/// callback and reply fixture (KIND recognised, or named).
#[test]
fn encode_to_postcard_matches_the_pinned_vectors() {
    let mut checked = 0;
    for dir in ["envelope", "callback", "api"] {
        for (name, _) in fixtures_in(dir) {
            if dir == "api" && !name.contains(".response") {
                continue;
            }
            let stem = name.strip_suffix(".json").unwrap();
            let file = path(&format!("{dir}/{name}"));
            let mut args = vec!["encode", "--to", "postcard"];
            if let Some(k) = biz_type(&name) {
                args.extend(["--type", k]);
            }
            let typed = reply_call(&name).map(|c| format!("response:{c}"));
            if let Some(kind) = &typed {
                args.extend(["--as", kind]);
            }
            args.push(&file);
            let out = mimc(&args, None);
            assert_eq!(code(&out), 0, "{name}: {}", stderr(&out));
            assert_eq!(out.stdout, pinned(&format!("{dir}/{stem}")), "{dir}/{name}");
            // --raw changes nothing in a pipe.
            args.insert(1, "--raw");
            assert_eq!(mimc(&args, None).stdout, out.stdout, "{name} --raw");
            checked += 1;
        }
    }
    assert!(checked >= 50, "{checked}");
}

const LITERAL_ENVELOPES: [(&str, &str); 4] = [
    ("ping.jsonc", "ping.json"),
    ("text.jsonc", "text.json"),
    ("text_recall.jsonc", "text_recall.json"),
    ("add_friend_response.jsonc", "add_friend_response.json"),
];

#[test]
fn manual_literal_samples_decode_with_relaxed_only() {
    for (lit, strict) in LITERAL_ENVELOPES {
        let file = path(&format!("literal/{lit}"));
        let out = mimc(&["decode", "--relaxed", "--json", &file], None);
        assert_eq!(code(&out), 0, "{lit}: {}", stderr(&out));
        let want = fixture(&format!("envelope/{strict}"));
        let line = out.stdout.strip_suffix(b"\n").unwrap();
        assert_eq!(
            decode_envelope(line, None),
            decode_envelope(&want, None),
            "{lit}"
        );

        let view = mimc(&["decode", "--relaxed", &file], None);
        assert_eq!(code(&view), 0, "{lit}");
        assert!(stdout(&view).starts_with("envelope "), "{lit}");

        // The strict path stays strict, and says what to try.
        let out = mimc(&["decode", &file], None);
        assert_eq!(code(&out), 1, "{lit}");
        assert_clean(&out);
        let report = stderr(&out);
        assert!(report.contains("try --relaxed"), "{lit}: {report}");
        assert!(
            report.contains(":2:"),
            "{lit}: the first bare key\n{report}"
        );
    }
}

#[test]
fn manual_callback_template_decodes_with_relaxed() {
    let file = path("literal/normal_topic_msg.jsonc");
    let out = mimc(&["decode", "--relaxed", "--unwrap", &file], None);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let shown = stdout(&out);
    assert!(shown.starts_with("callback NORMAL_TOPIC_MSG\n"), "{shown}");
    assert!(shown.contains("[4 items]"), "{shown}");
    assert!(
        shown.contains("Welcome to the Xiaomi instant message cloud (MIMC)"),
        "{shown}"
    );
    let out = mimc(&["decode", "--relaxed", "--unwrap", "--json", &file], None);
    assert_eq!(
        out.stdout.strip_suffix(b"\n").unwrap(),
        fixture("envelope/text.json").as_slice()
    );
    let out = mimc(&["decode", &file], None);
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("try --relaxed"), "{}", stderr(&out));
}

#[test]
fn relaxed_errors_point_into_the_original_text() {
    // The manual's `accepted:true/false` placeholder is not made valid; the report shows it where
    // the user wrote it, NBSP indentation and comments included.
    let input = "{\n\u{a0}\u{a0}version: 0, // keep\n\tmsgId: \"A\", msgType: \"ADD_FRIEND_RESPONSE\",\n\ttimestamp: \"1516763973134\",\n\tpayload: {add_responser: \"accountB\", accepted:true/false},\n}"
        .as_bytes();
    let out = mimc(&["decode", "--relaxed", "-"], Some(input));
    assert_eq!(code(&out), 1);
    let report = stderr(&out);
    let offset = input.windows(10).position(|w| w == b"true/false").unwrap() + 4;
    assert_eq!(&input[offset..offset + 6], b"/false");
    assert_report(&report, "<stdin>", input, offset);
    assert!(report.contains("--relaxed"), "{report}");
    // The same text with its placeholder resolved decodes.
    let fixed = String::from_utf8(input.to_vec())
        .unwrap()
        .replace("true/false", "true");
    let out = mimc(&["decode", "--relaxed", "--json"], Some(fixed.as_bytes()));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains(r#""payload":{"add_responser":"accountB","accepted":true}"#));
}

#[test]
fn stdin_input_works_with_dash_and_without_a_file() {
    let bytes = fixture("envelope/text_chinese_emoji.json");
    let want = Envelope::from_json(&bytes).unwrap().to_json_vec().unwrap();
    for args in [&["decode", "--json", "-"][..], &["decode", "--json"][..]] {
        let out = mimc(args, Some(&bytes));
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        assert_eq!(out.stdout.strip_suffix(b"\n").unwrap(), want.as_slice());
    }
    let out = mimc(
        &["decode", "--type", "TEXT", "-"],
        Some(&fixture("envelope/dialect_android__TEXT.json")),
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("as base64  你好，小米即时消息云"));
}

#[test]
fn missing_kind_key_hints_at_type() {
    let file = path("envelope/dialect_android__TEXT.json");
    let out = mimc(&["decode", &file], None);
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("--type BIZTYPE"), "{}", stderr(&out));
}

#[test]
fn usage_errors_exit_2() {
    let text = path("envelope/text.json");
    for args in [
        &["frobnicate"][..],
        &[][..],
        &["decode", "--as", "bogus", &text][..],
        &["decode", "--as", "response:no-such-call", &text][..],
        &["decode", "--no-such-flag", &text][..],
        &["encode", &text][..],
        &["encode", "--to", "xml", &text][..],
        &["decode", "/no/such/file.json"][..],
    ] {
        let out = mimc(args, None);
        assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
        assert_clean(&out);
        assert!(!stderr(&out).is_empty(), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    let out = mimc(&["decode", "--as", "response:no-such-call", &text], None);
    assert!(stderr(&out).contains("topic-dismiss"), "lists the calls");
    for args in [
        &["--help"][..],
        &["decode", "--help"][..],
        &["--version"][..],
    ] {
        let out = mimc(args, None);
        assert_eq!(code(&out), 0, "{args:?}");
        assert!(!out.stdout.is_empty());
    }
}

/// Every KIND that `mimc kinds` lists as not yet supported is a clear usage error, never output.
#[test]
fn pending_kinds_are_usage_errors_saying_so() {
    let out = mimc(&["kinds"], None);
    assert_eq!(code(&out), 0);
    let table = stdout(&out);
    let header = table.lines().next().unwrap();
    let (dec, pc) = (
        header.find("decode").unwrap(),
        header.find("postcard").unwrap(),
    );
    assert!(table.lines().any(|l| l.starts_with("envelope ")));
    let text = path("envelope/text.json");
    let mut checked = 0;
    for row in table.lines().skip(1) {
        let kind = row.split_whitespace().next().unwrap();
        let mut cases: Vec<Vec<&str>> = Vec::new();
        if row.get(dec..).is_some_and(|c| c.starts_with("not yet")) {
            cases.push(vec!["decode", "--as", kind, &text]);
            cases.push(vec!["encode", "--to", "json", "--as", kind, &text]);
        }
        if row.get(pc..).is_some_and(|c| c.starts_with("not yet")) {
            cases.push(vec!["encode", "--to", "postcard", "--as", kind, &text]);
        }
        for args in cases {
            let out = mimc(&args, None);
            assert_eq!(code(&out), 2, "{args:?}: {}", stderr(&out));
            assert!(stderr(&out).contains("not supported yet"), "{args:?}");
            assert!(out.stdout.is_empty(), "{args:?}");
            checked += 1;
        }
    }
    // Nothing pending is fine too (everything landed); the table itself must be complete.
    assert!(table.lines().count() >= 36, "{table}");
    let _ = checked;
}

#[test]
fn garbage_never_panics() {
    let deep = "[".repeat(100_000);
    let inputs: [&[u8]; 8] = [
        b"",
        b"[",
        b"{",
        b"\xff\xfe",
        b"null",
        deep.as_bytes(),
        b"{\"msgId\":\"\\ud83d\"}",
        b"{\"a\":1}",
    ];
    for input in inputs {
        for relaxed in [false, true] {
            let mut args = vec!["decode"];
            if relaxed {
                args.push("--relaxed");
            }
            let out = mimc(&args, Some(input));
            assert_eq!(
                code(&out),
                1,
                "{:?}: {}",
                String::from_utf8_lossy(input),
                stderr(&out)
            );
            assert_clean(&out);
            assert!(stderr(&out).starts_with("error["), "{}", stderr(&out));
        }
    }
}

/// The call a request fixture is for (`push-p2p.base64.request.json` is push-p2p).
fn request_call(name: &str) -> &str {
    let call = name.strip_suffix(".request.json").unwrap();
    call.strip_suffix(".base64").unwrap_or(call)
}

/// Do `a` and `b` decode, as the body of `call`, to the same request?
fn same_request(call: &str, a: &[u8], b: &[u8]) -> bool {
    use mimc_codec::api::{
        HistoryP2pBody, HistoryP2tBody, PushP2p, PushP2pMore, PushP2t, PushP2tMore, TokenRequest,
        TopicCreateBody, TopicJoinBody, TopicUpdateBody,
    };
    match call {
        "token" => TokenRequest::from_json(a).unwrap() == TokenRequest::from_json(b).unwrap(),
        "push-p2p" => PushP2p::from_json(a).unwrap() == PushP2p::from_json(b).unwrap(),
        "push-p2p-more" => PushP2pMore::from_json(a).unwrap() == PushP2pMore::from_json(b).unwrap(),
        "push-p2t" => PushP2t::from_json(a).unwrap() == PushP2t::from_json(b).unwrap(),
        "push-p2t-more" => PushP2tMore::from_json(a).unwrap() == PushP2tMore::from_json(b).unwrap(),
        "topic-create" => {
            TopicCreateBody::from_json(a).unwrap() == TopicCreateBody::from_json(b).unwrap()
        }
        "topic-join" => {
            TopicJoinBody::from_json(a).unwrap() == TopicJoinBody::from_json(b).unwrap()
        }
        "topic-update" => {
            TopicUpdateBody::from_json(a).unwrap() == TopicUpdateBody::from_json(b).unwrap()
        }
        "history-p2p" => {
            HistoryP2pBody::from_json(a).unwrap() == HistoryP2pBody::from_json(b).unwrap()
        }
        "history-p2t" => {
            HistoryP2tBody::from_json(a).unwrap() == HistoryP2tBody::from_json(b).unwrap()
        }
        other => panic!("no request body for {other}"),
    }
}

#[test]
fn every_request_fixture_json_output_decodes_to_the_same_value() {
    let fixtures: Vec<_> = fixtures_in("api")
        .into_iter()
        .filter(|(n, _)| n.ends_with(".request.json"))
        .collect();
    assert_eq!(fixtures.len(), 11);
    for (name, bytes) in fixtures {
        let call = request_call(&name);
        let kind = format!("request:{call}");
        let file = path(&format!("api/{name}"));
        let out = mimc(&["decode", "--as", &kind, "--json", &file], None);
        assert_clean(&out);
        assert_eq!(code(&out), 0, "{name}: {}", stderr(&out));
        let json = out.stdout.strip_suffix(b"\n").unwrap();
        assert!(same_request(call, json, &bytes), "{name}");
        // Canonical: decoding the output again and re-encoding gives the same line.
        let again = mimc(&["encode", "--to", "json", "--as", &kind, "-"], Some(json));
        assert_eq!(code(&again), 0, "{name}: {}", stderr(&again));
        assert_eq!(again.stdout.strip_suffix(b"\n").unwrap(), json, "{name}");
        // The view names the call and never shows a secret.
        let view = mimc(&["decode", "--as", &kind, &file], None);
        assert_eq!(code(&view), 0, "{name}");
        let text = stdout(&view);
        assert!(text.starts_with(&kind), "{text}");
        assert!(!text.contains("gTO8Jb0wbLaxIzAcRc+O3A=="), "{text}");
        if matches!(call, "topic-create" | "topic-join" | "topic-update") {
            assert!(text.contains("not in the body"), "{text}");
        }
    }
}

#[test]
fn a_bad_request_body_is_reported_at_the_value() {
    let input = br#"{"topicName":"g","accounts":"a,,b"}"#;
    let out = mimc(
        &["decode", "--as", "request:topic-create", "-"],
        Some(input),
    );
    assert_clean(&out);
    assert_eq!(code(&out), 1);
    assert_report(&stderr(&out), "<stdin>", input, 31);
    assert!(stderr(&out).contains("an account is empty"));
}

#[test]
fn requests_without_a_body_are_usage_errors_showing_the_route() {
    let routes = [
        ("topic-query", "GET /api/topic/{appId}/{topicId}"),
        ("topic-mine", "GET /api/topic/{appId}/account"),
        ("topic-quit", "DELETE /api/topic/{appId}/{topicId}/account"),
        (
            "topic-kick",
            "DELETE /api/topic/{appId}/{topicId}/accounts?accounts=",
        ),
        ("topic-dismiss", "DELETE /api/topic/{appId}/{topicId}`"),
        ("contacts", "GET /api/contact/"),
    ];
    let body = path("api/topic-join.request.json");
    for (call, route) in routes {
        let kind = format!("request:{call}");
        for args in [
            vec!["decode", "--as", &kind, &body],
            vec!["encode", "--to", "json", "--as", &kind, &body],
        ] {
            let out = mimc(&args, None);
            assert_clean(&out);
            assert_eq!(code(&out), 2, "{args:?}");
            let e = stderr(&out);
            assert!(e.contains("has no body") && e.contains(route), "{e}");
            assert!(out.stdout.is_empty());
        }
    }
    let table = stdout(&mimc(&["kinds"], None));
    for row in table.lines().filter(|l| l.starts_with("request:")) {
        let call = row.split_whitespace().next().unwrap();
        let no_body = routes.iter().any(|(c, _)| call == format!("request:{c}"));
        let decode = row.split_whitespace().nth(1).unwrap();
        assert_eq!(decode, if no_body { "no" } else { "yes" }, "{row}");
    }
}
