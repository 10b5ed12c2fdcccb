//! `mimc`: inspect, validate and convert Xiaomi MIMC messages from the shell.
//!
//! ```sh
//! mimc decode tests/fixtures/envelope/text.json            # readable view
//! mimc decode --json --type TEXT android_message.json      # canonical JSON, kind given as bizType
//! mimc decode --relaxed manual_sample.jsonc                # the manual's JavaScript-literal style
//! curl ... | mimc decode --as response:topic-query         # stdin
//! ```
//!
//! Exit status: 0 valid, 1 invalid input (with the spot shown on stderr), 2 usage error.
#![allow(clippy::std_instead_of_core, clippy::std_instead_of_alloc)] // a std binary

mod api;
mod callback;
mod connect;
mod envelope;
mod formats;
mod hint;
mod inert;
mod message;
mod packet;
mod relaxed;
mod report;
mod request;
mod style;
mod time;
mod view;

use std::io::{self, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use mimc_codec::DecodeOptions;

use crate::formats::{Ctx, FORMATS, Failure, Invalid, Rendered, Target};
use crate::report::Problem;
use crate::style::Style;

/// Inspect, validate and convert Xiaomi MIMC messages: envelopes, webhook callbacks, HTTP API bodies.
#[derive(Debug, Parser)]
#[command(
    name = "mimc",
    version,
    after_help = "Exit status: 0 valid, 1 invalid input (the spot is shown on stderr), \
                  2 usage error (bad arguments, unreadable FILE, KIND not supported by this build)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Decode and validate one message; print a readable view, or canonical JSON with --json.
    Decode {
        #[command(flatten)]
        input: InputArgs,
        /// Print the canonical JSON re-encoding of the decoded value on one line.
        #[arg(long)]
        json: bool,
        /// Follow base64 payloads (callbacks, history messages) into the envelope inside.
        #[arg(long)]
        unwrap: bool,
    },
    /// Re-encode one message as canonical JSON or as postcard bytes.
    Encode {
        #[command(flatten)]
        input: InputArgs,
        /// Output form.
        #[arg(long, value_name = "FORM")]
        to: Form,
        /// Write postcard bytes raw even on a terminal (they are raw whenever stdout is not one).
        #[arg(long)]
        raw: bool,
    },
    /// List the KINDs that --as takes and what this build can do with each.
    Kinds,
    /// MIMC's binary client protocol (v6 TCP frames, WebJS frames).
    #[command(subcommand)]
    Packet(PacketCommand),
    /// Log in to a MIMC front end over TCP with a token reply, send P2P TEXT messages (each waits for
    /// its ack), then wait for inbound messages; one line per event, or one JSON object per line with
    /// --json. Exit 0 when done, 1 on a failed bind, a kick, a protocol error, a missing ack or the
    /// timeout.
    Connect(connect::ConnectArgs),
}

#[derive(Debug, Subcommand)]
enum PacketCommand {
    /// Decode back-to-back frames: a readable view per frame, or one JSON object per line with
    /// --json. Exit 1 on a bad frame (bad magic or version, checksum or length mismatch, truncated
    /// stream), with the error kind and its byte offset in the stream.
    Decode(packet::DecodeArgs),
}

#[derive(Debug, Args)]
struct InputArgs {
    /// What the input is (`mimc kinds` lists the KINDs).
    #[arg(
        long = "as",
        value_name = "KIND",
        default_value = "auto",
        value_parser = Target::parse,
        help = "What the input is: auto, envelope, callback, response, response:<call> or \
                request:<call> (`mimc kinds` lists them)"
    )]
    kind: Target,
    /// The envelope's kind when the JSON has no msgType/type key (MIMC's bizType), e.g. TEXT.
    #[arg(long = "type", value_name = "BIZTYPE")]
    biz_type: Option<String>,
    /// Accept the manual's JavaScript-literal style: unquoted keys, // and /* */ comments, trailing
    /// commas, no-break and full-width spaces, full-width commas between items.
    #[arg(long, conflicts_with = "from")]
    relaxed: bool,
    /// What the input is written in: JSON, or the compact binary form (raw bytes, or the hex that
    /// `mimc encode --to postcard` prints on a terminal).
    #[arg(long, value_name = "FORM", default_value = "json")]
    from: Form,
    /// The input is base64 of the message (as the Flutter plugin logs it): decode it first. A JSON
    /// input that is one base64 text is recognised without it.
    #[arg(long)]
    base64: bool,
    /// The largest input read, in bytes (suffixes K, M, G: KiB, MiB, GiB); larger input is refused
    /// (exit 1) before it is read whole.
    #[arg(long, value_name = "SIZE", default_value = "16M", value_parser = parse_size)]
    max_size: u64,
    /// The input file; `-` or none reads stdin.
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,
}

/// Parses a size: digits, optionally followed by K, M or G (powers of 1024; `KiB`, `MB`... also read).
fn parse_size(s: &str) -> Result<u64, String> {
    let digits = s.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let unit = s.get(digits.len()..).unwrap_or("");
    let scale: u64 = match unit.to_ascii_uppercase().as_str() {
        "" | "B" => 1,
        "K" | "KB" | "KIB" => 1 << 10,
        "M" | "MB" | "MIB" => 1 << 20,
        "G" | "GB" | "GIB" => 1 << 30,
        _ => return Err(format!("unknown unit `{unit}`: use K, M or G")),
    };
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(scale))
        .filter(|&n| n > 0)
        .ok_or_else(|| "expected a positive number of bytes, such as 16M or 1048576".to_owned())
}

/// `n` bytes for a message: `16 MiB (16777216 bytes)`.
fn size_text(n: u64) -> String {
    match n {
        n if n >= 1 << 30 && n.is_multiple_of(1 << 30) => format!("{} GiB ({n} bytes)", n >> 30),
        n if n >= 1 << 20 && n.is_multiple_of(1 << 20) => format!("{} MiB ({n} bytes)", n >> 20),
        n if n >= 1 << 10 && n.is_multiple_of(1 << 10) => format!("{} KiB ({n} bytes)", n >> 10),
        n => format!("{n} bytes"),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Form {
    /// Canonical compact JSON.
    Json,
    /// The compact binary form (hex on a terminal).
    Postcard,
}

/// Prints one line instead of a panic trace, and exits 101.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let _ = writeln!(
            io::stderr(),
            "mimc: internal error{at}: {what} (this is a bug in mimc; please report it)"
        );
        std::process::exit(101);
    }));
}

fn main() -> ExitCode {
    install_panic_hook();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // clap quotes the arguments it rejects: made inert like everything else printed.
            let text = e.render().to_string();
            let safe: Vec<_> = text.split('\n').map(inert::inert).collect();
            let safe = safe.join("\n");
            let _ = if e.use_stderr() {
                io::stderr().write_all(safe.as_bytes())
            } else {
                io::stdout().write_all(safe.as_bytes())
            };
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    let result = match &cli.command {
        Command::Packet(PacketCommand::Decode(args)) => packet::run(args),
        Command::Connect(args) => connect::run(args),
        _ => run(&cli),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}

/// The input as read, and the strict JSON to decode (converted when `--relaxed`).
struct Input {
    origin: String,
    bytes: Vec<u8>,
    /// `--relaxed` was given.
    relaxed_asked: bool,
    relaxed: Option<relaxed::Converted>,
    /// `--from postcard`: `bytes` are the compact form.
    postcard: bool,
    /// `--base64` was given, or the input was recognised as one base64 text.
    base64_asked: bool,
}

impl Input {
    fn json(&self) -> &[u8] {
        self.relaxed
            .as_ref()
            .map_or(&self.bytes, |c| c.json.as_bytes())
    }

    /// Decodes base64 (`--base64`) and hex (`--from postcard` on a terminal's hex), converts the relaxed
    /// dialect (`--relaxed`); errors point into `bytes` as it was.
    fn prepare(&mut self) -> Result<(), Failure> {
        if self.base64_asked || (!self.postcard && !self.relaxed_asked && base64_json(&self.bytes))
        {
            self.bytes = decode_base64(&self.bytes)?;
            self.origin.push_str(" › base64-decoded");
            self.base64_asked = true;
        }
        if self.postcard {
            if let Some(bytes) = from_hex(&self.bytes) {
                self.bytes = bytes;
                self.origin.push_str(" › hex-decoded");
            }
        }
        if self.relaxed_asked {
            let text = std::str::from_utf8(&self.bytes)
                .map_err(|e| Problem::new("InvalidUtf8", "invalid UTF-8", e.valid_up_to()))?;
            self.relaxed = Some(relaxed::to_strict(text)?);
        }
        Ok(())
    }
}

/// Reads at most `limit` bytes from `reader`: more is an `InputTooLarge` error, found after reading one
/// byte past the limit (so `/dev/zero` stops there).
fn read_bounded(reader: impl Read, limit: u64, origin: &str) -> Result<Vec<u8>, Failure> {
    let mut bytes = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Failure::Usage(format!("cannot read {origin}: {e}")))?;
    if bytes.len() as u64 > limit {
        return Err(too_large(limit));
    }
    Ok(bytes)
}

fn too_large(limit: u64) -> Failure {
    Problem::new(
        "InputTooLarge",
        format!(
            "the input is larger than {}, the most --max-size lets mimc read; give a larger \
             --max-size (such as --max-size {}M) to read it",
            size_text(limit),
            (limit >> 20).saturating_mul(4).max(64)
        ),
        0,
    )
    .into()
}

fn read_input(args: &InputArgs) -> Result<Input, Failure> {
    let from_stdin = args.file.as_ref().is_none_or(|p| p.as_os_str() == "-");
    let (origin, bytes) = if from_stdin {
        let stdin = io::stdin();
        if stdin.is_terminal() {
            return Err(Failure::Usage(
                "no input: give a FILE, or pipe the JSON into stdin (`-`)".to_owned(),
            ));
        }
        let bytes = read_bounded(stdin.lock(), args.max_size, "stdin")?;
        ("<stdin>".to_owned(), bytes)
    } else {
        let path = args.file.clone().unwrap_or_default();
        let origin = path.display().to_string();
        let file = std::fs::File::open(&path)
            .map_err(|e| Failure::Usage(format!("cannot read {origin}: {e}")))?;
        // A regular file says its size: refuse a large one without reading it.
        if file
            .metadata()
            .is_ok_and(|m| m.is_file() && m.len() > args.max_size)
        {
            return Err(too_large(args.max_size));
        }
        let bytes = read_bounded(file, args.max_size, &origin)?;
        (origin, bytes)
    };
    Ok(Input {
        origin,
        bytes,
        relaxed_asked: args.relaxed,
        relaxed: None,
        postcard: args.from == Form::Postcard,
        base64_asked: args.base64,
    })
}

/// Is `bytes` one base64 text whose decoded bytes are a JSON object (a message logged as base64)?
fn base64_json(bytes: &[u8]) -> bool {
    hint::is_base64_text(bytes)
        && decode_base64(bytes).is_ok_and(|b| b.trim_ascii_start().first() == Some(&b'{'))
}

/// Decodes base64 text (standard or URL-safe alphabet, padding optional, surrounding whitespace
/// ignored) with the library's decoder; errors point at the bad character.
fn decode_base64(bytes: &[u8]) -> Result<Vec<u8>, Failure> {
    let start = bytes.len() - bytes.trim_ascii_start().len();
    let text = bytes.trim_ascii();
    let text = std::str::from_utf8(text)
        .map_err(|e| Problem::new("InvalidUtf8", "invalid UTF-8", start + e.valid_up_to()))?;
    // JSON-escape-free text: the payload reader takes it as the body of a JSON string.
    if let Some(i) = text.find(['\\', '"']) {
        return Err(Problem::new(
            "InvalidBase64",
            "not base64: a quote or backslash",
            start + i,
        )
        .into());
    }
    let opts = DecodeOptions::new().with_max_payload(text.len());
    mimc_codec::Payload::from_json_str(mimc_codec::JsonStr::new(text))
        .decode_vec_with(&opts)
        .map_err(|e| {
            let mut p = Problem::from(e);
            p.offset += start;
            Failure::from(p)
        })
}

/// The bytes of hex text (`0a1b...`, whitespace between digits allowed), or `None` when it is not hex.
fn from_hex(bytes: &[u8]) -> Option<Vec<u8>> {
    let digits: Vec<u8> = bytes
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    if digits.is_empty()
        || !digits.len().is_multiple_of(2)
        || !digits.iter().all(u8::is_ascii_hexdigit)
    {
        return None;
    }
    digits
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok())
        .collect()
}

/// Looks up the table row for the input, recognising it when `--as auto`.
fn resolve(args: &InputArgs, inp: &Input, opts: &DecodeOptions) -> Result<&'static str, Failure> {
    match &args.kind {
        Target::Kind(k) => Ok(*k),
        Target::Auto if inp.postcard => formats::detect_postcard(inp.json()),
        Target::Auto => formats::detect(inp.json(), opts),
    }
}

fn run(cli: &Cli) -> Result<(), ExitCode> {
    let stderr_style = Style::stderr();
    let mut input = None;
    let result = (|| match &cli.command {
        // Binary frames have their own input and output; `main` sends them to `packet::run`.
        Command::Packet(_) | Command::Connect(_) => Ok(()),
        Command::Kinds => {
            write_out(kinds_table().as_bytes())?;
            Ok(())
        }
        Command::Decode {
            input: args,
            json,
            unwrap,
        } => {
            let inp = input.insert(read_input(args)?);
            inp.prepare()?;
            emit(decode(args, inp, *json, *unwrap)?)
        }
        Command::Encode {
            input: args,
            to,
            raw,
        } => {
            let inp = input.insert(read_input(args)?);
            inp.prepare()?;
            match to {
                Form::Json => emit(decode(args, inp, true, false)?),
                Form::Postcard => {
                    let bytes = postcard(args, inp)?;
                    if *raw || !io::stdout().is_terminal() {
                        write_out(&bytes)
                    } else {
                        let mut hex = view::hex_plain(&bytes);
                        hex.push('\n');
                        write_out(hex.as_bytes())
                    }
                }
            }
        }
    })();
    match result {
        Ok(()) => Ok(()),
        Err(Failure::Usage(msg)) => {
            let _ = writeln!(
                io::stderr(),
                "{}: {}",
                stderr_style.error("error"),
                inert::inert(&msg)
            );
            Err(ExitCode::from(2))
        }
        Err(Failure::Invalid(invalid)) => {
            let Invalid {
                problem,
                mut notes,
                nested,
            } = *invalid;
            let text = match (&input, nested) {
                (_, Some((what, bytes))) => {
                    let origin = input.as_ref().map_or("<input>", |i| i.origin.as_str());
                    report::render(
                        stderr_style,
                        &format!("{origin} › {what}"),
                        &bytes,
                        &problem,
                        &notes,
                    )
                }
                (Some(inp), None) if inp.postcard => {
                    report::render_binary(stderr_style, &inp.origin, &inp.bytes, &problem, &notes)
                }
                (Some(inp), None) => {
                    let mut problem = problem;
                    if let Some(conv) = &inp.relaxed {
                        problem.offset = conv.original_offset(problem.offset);
                        notes.push(
                            "read with --relaxed; the position is in the original text".into(),
                        );
                    }
                    advise(inp, &mut problem, &mut notes);
                    report::render(stderr_style, &inp.origin, &inp.bytes, &problem, &notes)
                }
                (None, None) => format!(
                    "{}: {}\n",
                    stderr_style.error(&format!("error[{}]", problem.name)),
                    stderr_style.bold(&inert::inert(&problem.message))
                ),
            };
            let _ = io::stderr().write_all(text.as_bytes());
            Err(ExitCode::from(1))
        }
    }
}

/// Restates a problem on a `$placeholder`, names an invisible character at the spot, and suggests
/// `--relaxed` or `--base64` only when it would help.
fn advise(inp: &Input, problem: &mut Problem, notes: &mut Vec<String>) {
    let text = &inp.bytes;
    if let Some(p) = hint::placeholder_problem(text, problem) {
        *problem = p;
        notes.push(
            "the manual writes its samples as templates: each `$name` stands for a value"
                .to_owned(),
        );
        return;
    }
    if let Some(note) = hint::unusual_char(text, problem.offset) {
        notes.push(note);
    }
    if inp.relaxed_asked || inp.base64_asked {
        return;
    }
    if hint::relaxed_fixes(text) {
        notes.push(
            "this is the manual's JavaScript-literal style (or JSON with a BOM, odd spaces or \
             trailing commas): try --relaxed"
                .to_owned(),
        );
    } else if hint::is_base64_text(text) {
        notes.push(
            "the input is one base64 text: --base64 decodes it first (it does not hold JSON here)"
                .to_owned(),
        );
    } else if hint::is_map_print(text) {
        notes.push(
            "this looks like a printed map (Dart's `Map.toString()`, Java's `toString()`): its \
             values are not quoted, so it is not JSON; log the message with `jsonEncode` instead"
                .to_owned(),
        );
    }
}

fn decode(args: &InputArgs, inp: &Input, json: bool, unwrap: bool) -> Result<Rendered, Failure> {
    let opts = DecodeOptions::new();
    let data = inp.json();
    let kind = resolve(args, inp, &opts)?;
    let format =
        formats::format(kind).ok_or_else(|| Failure::Usage(format!("unknown KIND {kind}")))?;
    let Some(decode) = format.decode else {
        return Err(formats::not_supported(format, "decoding"));
    };
    if inp.postcard && format.postcard.is_none() {
        return Err(formats::not_supported(
            format,
            "reading the compact form of",
        ));
    }
    let ctx = Ctx {
        biz_type: args.biz_type.as_deref(),
        unwrap,
        opts,
        postcard: inp.postcard,
    };
    decode(data, &ctx, json)
}

fn postcard(args: &InputArgs, inp: &Input) -> Result<Vec<u8>, Failure> {
    let opts = DecodeOptions::new();
    let data = inp.json();
    let kind = resolve(args, inp, &opts)?;
    let format =
        formats::format(kind).ok_or_else(|| Failure::Usage(format!("unknown KIND {kind}")))?;
    let Some(encode) = format.postcard else {
        return Err(formats::not_supported(format, "postcard encoding of"));
    };
    let ctx = Ctx {
        biz_type: args.biz_type.as_deref(),
        unwrap: false,
        opts,
        postcard: inp.postcard,
    };
    encode(data, &ctx)
}

/// Prints a decode result: the view (coloured on a terminal) or the JSON line.
fn emit(out: Rendered) -> Result<(), Failure> {
    match out {
        Rendered::View(node) => write_out(node.render(Style::stdout()).as_bytes()),
        Rendered::Json(bytes) => {
            // In a pipe the bytes are the library's, exactly; on a terminal, C1 controls, DEL, bidi
            // controls and invisible characters inside strings are written as `\uXXXX` (same value).
            let mut bytes = if io::stdout().is_terminal() {
                inert::json_inert(&bytes).into_owned()
            } else {
                bytes
            };
            bytes.push(b'\n');
            write_out(&bytes)
        }
    }
}

/// Writes to stdout; a closed pipe (`mimc decode ... | head`) ends quietly.
fn write_out(bytes: &[u8]) -> Result<(), Failure> {
    let mut out = io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Failure::Usage(format!("cannot write the output: {e}"))),
    }
}

fn kinds_table() -> String {
    use std::fmt::Write as _;
    let width = FORMATS.iter().map(|f| f.kind.len()).max().unwrap_or(0);
    let decode = |f: &formats::Format| match (f.decode.is_some(), f.no_body().is_some()) {
        (true, _) => "yes",
        (false, true) => "no body",
        (false, false) => "not yet",
    };
    let postcard =
        |f: &formats::Format| match (f.postcard.is_some(), f.kind.starts_with("request:")) {
            (true, _) => "yes",
            (false, true) => "no",
            (false, false) => "not yet",
        };
    let mut out = format!("{:width$}  decode   postcard  what\n", "KIND");
    let _ = writeln!(
        out,
        "{:width$}  yes      yes       recognise envelope, callback or API reply by its keys",
        "auto"
    );
    for f in FORMATS {
        let _ = writeln!(
            out,
            "{:width$}  {:7}  {:8}  {}",
            f.kind,
            decode(f),
            postcard(f),
            f.about
        );
    }
    out
}
