//! Runs one benchmark candidate N times, for instruction counts under callgrind.
//!
//! ```sh
//! cargo build --profile bench --example decode_loop
//! valgrind --tool=callgrind target/release/examples/decode_loop "decode text_150 (kind first)" mimc-codec 10000
//! ```
//! `benches/instr.sh` runs it twice (N and 2N) and divides the difference by N × input bytes, so
//! start-up costs cancel out. With no arguments it checks every case (`common::smoke`) and lists the
//! cases and candidates, tab-separated: case, candidate, input bytes.
#![allow(missing_docs, unreachable_pub)]
#![allow(
    clippy::std_instead_of_core,
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss,
    clippy::cast_sign_loss,
    clippy::many_single_char_names
)]

#[path = "../benches/common/mod.rs"]
mod common;

use std::hint::black_box;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let cases = common::all_cases();
    let (Some(case), Some(cand), Some(n)) = (args.first(), args.get(1), args.get(2)) else {
        // Listing (what `benches/instr.sh` reads first): every candidate runs once and the full ones
        // of each case must agree, so a count is never taken of a candidate that does less.
        common::smoke(&cases);
        for c in &cases {
            for k in &c.candidates {
                println!("{}\t{}\t{} bytes", c.name, k.name, c.bytes);
            }
        }
        return;
    };
    let n: u64 = n.parse().expect("N");
    let c = cases.iter().find(|c| c.name == *case).expect("case");
    let k = c
        .candidates
        .iter()
        .find(|k| k.name == *cand)
        .expect("candidate");
    let mut acc = 0u64;
    for _ in 0..n {
        acc = acc.wrapping_add(black_box((k.run)()));
    }
    println!("{} bytes {}", c.bytes, acc);
}
