//! The criterion suite: every case of `benches/common` in one group per case, ours against the peers.
//!
//! `cargo bench --bench codec` (all), `cargo bench --bench codec -- text_150` (a filter).
//! The ratio table of BENCHMARKS.md comes from the interleaved runner `benches/ratios.rs`, which is
//! steadier on a shared machine; this suite gives criterion's confidence intervals for the same cases.
#![allow(missing_docs, unreachable_pub)]
#![allow(
    clippy::std_instead_of_core,
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss,
    clippy::cast_sign_loss,
    clippy::many_single_char_names
)]

mod common;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn codec(c: &mut Criterion) {
    let cases = common::all_cases();
    common::smoke(&cases);
    for case in &cases {
        let mut g = c.benchmark_group(case.name);
        g.throughput(Throughput::Bytes(case.bytes as u64));
        for cand in &case.candidates {
            g.bench_function(cand.name, |b| b.iter(|| black_box((cand.run)())));
        }
        g.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(60)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = codec
}
criterion_main!(benches);
