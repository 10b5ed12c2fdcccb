//! The compact (postcard) form. The leading byte picks a mode:
//!
//! - 0, 1: a generated envelope / callback (as in `roundtrip_json`): the typed value and the value decoded
//!   from its independently written JSON text both go typed → postcard → typed and come back equal, with
//!   identical bytes;
//! - 2: the next byte picks a model (`MODELS`), the rest is read as its compact form: a value or an error
//!   (offset inside the input), never a panic; a value re-encodes to a fixed point that decodes back equal,
//!   `postcard_len` is exact and a buffer one byte short is refused; envelopes and callbacks also go
//!   through JSON and back equal (compact and JSON forms agree);
//! - 3: the next byte picks an API call, the rest is a JSON reply body; a typed reply goes through the
//!   compact form and back equal;
//! - 4: compact envelope bytes written by hand around kind names made like the modelled families (an
//!   arbitrary stem, then `_RECALL`, `_READ`, `_FILE`, `_FILE_RECALL`, ... or a fixed name), as a custom
//!   kind, a `FileKind` other or a `ContentKind` other, with an arbitrary payload: the compact reader must
//!   classify each name as the JSON reader does (compact value → JSON → equal value) or refuse it.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use mimc_codec::api::{
    Contact, Contacts, FromData, History, HistoryMessage, LastMessage, Member, PacketId, PacketIds,
    Response, TokenData, TopicData, TopicInfo, TopicList,
};
use mimc_codec::wire::{from_postcard, postcard_len, to_postcard_slice, to_postcard_vec};
use mimc_codec::{Callback, DecodeOptions, Envelope, ErrorKind, KindKey, ToJson};
use mimc_fuzz::check_error;
use mimc_fuzz::generate::{CallbackSpec, EnvSpec, Expect, Prepared, PreparedCallback};

/// The models of mode 2, by the second byte (modulo their number); `fuzz/seeds.sh` uses this order.
pub const MODELS: [&str; 15] = [
    "Envelope",
    "Callback",
    "Response",
    "TokenData",
    "PacketId",
    "PacketIds",
    "TopicInfo",
    "Member",
    "TopicData",
    "History",
    "HistoryMessage",
    "Contact",
    "LastMessage",
    "TopicList",
    "Contacts",
];

/// Compact bytes of a value: exact length, fixed size buffers, and the bytes.
macro_rules! encode {
    ($v:expr) => {{
        let out = to_postcard_vec($v).expect("encode");
        assert_eq!(postcard_len($v).expect("len"), out.len());
        let mut buf = vec![0u8; out.len()];
        assert_eq!(
            to_postcard_slice($v, &mut buf).expect("exact buffer"),
            &out[..]
        );
        if !out.is_empty() {
            let e = to_postcard_slice($v, &mut buf[..out.len() - 1]).unwrap_err();
            assert_eq!(
                e.kind(),
                ErrorKind::BufferTooSmall { needed: out.len() },
                "{e}"
            );
        }
        out
    }};
}

/// Value → compact → value, equal, and the compact form a fixed point. Evaluates to the bytes.
macro_rules! roundtrip {
    ($ty:ty, $v:expr) => {{
        let v: &$ty = $v;
        let out = encode!(v);
        let back: $ty = from_postcard(&out)
            .unwrap_or_else(|e| panic!("own compact form does not decode: {e}\n{v:?}\n{out:02x?}"));
        assert_eq!(&back, v, "compact round trip");
        assert_eq!(encode!(&back), out, "not a fixed point");
        out
    }};
}

/// Arbitrary bytes as the compact form of `$ty`.
macro_rules! compact {
    ($ty:ty, $bytes:expr, $then:expr) => {{
        let bytes: &[u8] = $bytes;
        match from_postcard::<$ty>(bytes) {
            Ok(v) => {
                let _ = format!("{v:?}");
                roundtrip!($ty, &v);
                #[allow(clippy::redundant_closure_call)]
                ($then)(&v);
            }
            Err(e) => check_error(&e, bytes.len()),
        }
    }};
}

fn envelope_via_json(env: &Envelope<'_>) {
    let json = env.to_json_vec().expect("encode");
    let biz = env.kind().to_string();
    let biz = (env.kind_key() == KindKey::Absent).then_some(biz.as_str());
    let back = Envelope::from_json_with_kind_and_options(
        &json,
        biz,
        &DecodeOptions::new().with_max_depth(1024),
    )
    .unwrap_or_else(|e| panic!("JSON of a compact value does not decode: {e}\n{env:?}"));
    assert_eq!(&back, env, "compact and JSON forms disagree");
}

fn callback_via_json(cb: &Callback<'_>) {
    let json = cb.to_json_vec().expect("encode");
    let opts = DecodeOptions::new()
        .with_max_depth(1024)
        .with_max_payload(usize::MAX);
    let back = Callback::from_json_with(&json, &opts)
        .unwrap_or_else(|e| panic!("JSON of a compact value does not decode: {e}\n{cb:?}"));
    assert_eq!(&back, cb, "compact and JSON forms disagree");
}

fn generated_envelope(spec: EnvSpec) {
    let p = Prepared::new(spec);
    let Expect::Value(built) = p.expected() else {
        return;
    };
    let a = roundtrip!(Envelope, &built);
    let text = p.render();
    let decoded = Envelope::from_json_with_kind_and_options(
        text.as_bytes(),
        p.biz_type(),
        &DecodeOptions::new(),
    )
    .unwrap_or_else(|e| panic!("generated text rejected: {e}\n{text}"));
    let b = roundtrip!(Envelope, &decoded);
    assert_eq!(
        a, b,
        "built and decoded values have different compact forms"
    );
}

fn generated_callback(spec: CallbackSpec) {
    let p = PreparedCallback::new(spec);
    let a = p.with_value(|built| roundtrip!(Callback, built));
    if !p.too_large() {
        let text = p.render();
        let decoded = Callback::from_json(text.as_bytes())
            .unwrap_or_else(|e| panic!("generated text rejected: {e}\n{text}"));
        let b = roundtrip!(Callback, &decoded);
        assert_eq!(
            a, b,
            "built and decoded values have different compact forms"
        );
    }
}

/// Endings that make a name belong to (or look like) a modelled family, and fixed names.
const FAMILY_ENDINGS: [&str; 12] = [
    "_RECALL",
    "_READ",
    "_FILE",
    "_FILE_RECALL",
    "_FILE_READ",
    "_FILE_FILE",
    "_RECALL_READ",
    "TEXT",
    "PIC",
    "PING",
    "ADD_FRIEND_REQUEST",
    "",
];

/// A postcard varint.
fn varint(out: &mut Vec<u8>, mut n: usize) {
    while n >= 0x80 {
        out.push(u8::try_from(n & 0x7f).unwrap_or(0) | 0x80);
        n >>= 7;
    }
    out.push(u8::try_from(n).unwrap_or(0));
}

fn pc_str(out: &mut Vec<u8>, s: &str) {
    varint(out, s.len());
    out.extend_from_slice(s.as_bytes());
}

/// Mode 4: a family-like name in each place a compact envelope holds a name.
#[derive(Debug, Arbitrary)]
struct FamilyName {
    stem: String,
    ending: u8,
    /// 0 custom kind, 1 file kind other, 2 recall of content other, 3 read of content other.
    place: u8,
    /// The custom payload's JSON text (or the url / msgId of the others).
    payload: Option<String>,
}

fn family_name(spec: FamilyName) {
    let name = format!(
        "{}{}",
        spec.stem,
        FAMILY_ENDINGS[usize::from(spec.ending) % FAMILY_ENDINGS.len()]
    );
    let text = spec.payload.unwrap_or_default();
    // flags 0 (msgType, numbers), version 0, msgId "m", timestamp 7.
    let mut bytes = vec![0, 0, 1, 1, b'm', 7];
    match spec.place % 4 {
        0 => {
            bytes.push(8);
            pc_str(&mut bytes, &name);
            bytes.push(1);
            pc_str(&mut bytes, &text);
        }
        1 => {
            bytes.extend_from_slice(&[3, 3]);
            pc_str(&mut bytes, &name);
            pc_str(&mut bytes, &text);
        }
        place => {
            bytes.extend_from_slice(&[place + 2, 2]);
            pc_str(&mut bytes, &name);
            pc_str(&mut bytes, &text);
        }
    }
    compact!(Envelope, &bytes, envelope_via_json);
}

/// A JSON reply body through the typed reply and the compact form.
macro_rules! reply {
    ($ty:ty, $body:expr) => {{
        if let Ok(v) = <$ty as FromData>::from_json($body) {
            roundtrip!($ty, &v);
        }
    }};
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    match mode % 5 {
        0 => {
            if let Ok(spec) = EnvSpec::arbitrary_take_rest(Unstructured::new(rest)) {
                generated_envelope(spec);
            }
        }
        1 => {
            if let Ok(spec) = CallbackSpec::arbitrary_take_rest(Unstructured::new(rest)) {
                generated_callback(spec);
            }
        }
        2 => {
            let Some((&model, bytes)) = rest.split_first() else {
                return;
            };
            match usize::from(model) % MODELS.len() {
                0 => compact!(Envelope, bytes, envelope_via_json),
                1 => compact!(Callback, bytes, callback_via_json),
                2 => compact!(Response, bytes, |_: &Response| {}),
                3 => compact!(TokenData, bytes, |_: &TokenData| {}),
                4 => compact!(PacketId, bytes, |_: &PacketId| {}),
                5 => compact!(PacketIds, bytes, |_: &PacketIds| {}),
                6 => compact!(TopicInfo, bytes, |_: &TopicInfo| {}),
                7 => compact!(Member, bytes, |_: &Member| {}),
                8 => compact!(TopicData, bytes, |_: &TopicData| {}),
                9 => compact!(History, bytes, |_: &History| {}),
                10 => compact!(HistoryMessage, bytes, |_: &HistoryMessage| {}),
                11 => compact!(Contact, bytes, |_: &Contact| {}),
                12 => compact!(LastMessage, bytes, |_: &LastMessage| {}),
                13 => compact!(TopicList, bytes, |_: &TopicList| {}),
                _ => compact!(Contacts, bytes, |_: &Contacts| {}),
            }
        }
        4 => {
            if let Ok(spec) = FamilyName::arbitrary_take_rest(Unstructured::new(rest)) {
                family_name(spec);
            }
        }
        _ => {
            let Some((&call, body)) = rest.split_first() else {
                return;
            };
            // The same call order as decode_response.
            match call % 13 {
                0 => reply!(TokenData, body),
                1 | 3 => reply!(PacketId, body),
                2 | 4 => reply!(PacketIds, body),
                5 | 7 => reply!(TopicData, body),
                6 => reply!(TopicList, body),
                9 | 10 => reply!(History, body),
                11 => reply!(Contacts, body),
                _ => {
                    if let Ok(r) = Response::from_json(body) {
                        roundtrip!(Response, &r);
                    }
                }
            }
        }
    }
});
