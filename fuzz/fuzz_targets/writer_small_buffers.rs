//! Encoding into every buffer length below the exact size fails cleanly with `BufferTooSmall` and writes
//! nothing past the buffer; at exactly `json_len()` it succeeds with the bytes of `to_json_vec`. Values
//! built in code and values decoded from (escaped) text both, since they take different writer paths.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use mimc_codec::{Callback, DecodeOptions, Envelope};
use mimc_fuzz::check_writer;
use mimc_fuzz::generate::{CallbackSpec, EnvSpec, Expect, Prepared, PreparedCallback};

#[derive(Arbitrary, Debug)]
enum Input {
    Envelope(EnvSpec),
    Callback(CallbackSpec),
}

fuzz_target!(|input: Input| match input {
    Input::Envelope(spec) => {
        let p = Prepared::new(spec);
        let Expect::Value(built) = p.expected() else {
            return;
        };
        let a = check_writer(&built);
        let text = p.render();
        let decoded = Envelope::from_json_with_kind_and_options(
            text.as_bytes(),
            p.biz_type(),
            &DecodeOptions::new(),
        )
        .unwrap_or_else(|e| panic!("generated text rejected: {e}\n{text}"));
        let b = check_writer(&decoded);
        assert_eq!(a, b, "built and decoded values encode differently");
    }
    Input::Callback(spec) => {
        let p = PreparedCallback::new(spec);
        p.with_value(|built| {
            check_writer(built);
        });
        if !p.too_large() {
            let text = p.render();
            let decoded = Callback::from_json(text.as_bytes())
                .unwrap_or_else(|e| panic!("generated text rejected: {e}\n{text}"));
            check_writer(&decoded);
        }
    }
});
