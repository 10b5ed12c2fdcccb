//! Interleaved ratio runner: the table of BENCHMARKS.md.
//!
//! On a shared, noisy machine absolute times drift between runs; ratios measured in the same round do
//! not. For every case, each round runs every candidate once (a batch of about 2 ms, starting with a
//! different candidate each round); the table gives the minimum and median ns per message, the median
//! throughput, and the **median of the per-round speed ratios** against ours. Allocations per message
//! are counted once per candidate with a counting global allocator that is switched off while timing.
//!
//! `cargo bench --bench ratios` (all cases), `cargo bench --bench ratios -- text_150` (a filter),
//! `MIMC_BENCH_ROUNDS=61` for more rounds (default 31).
#![allow(missing_docs, unreachable_pub, unsafe_code)]
#![allow(
    clippy::std_instead_of_core,
    clippy::cast_possible_truncation,
    clippy::cast_precision_loss,
    clippy::cast_sign_loss,
    clippy::many_single_char_names
)]

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
static ALLOCS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: defers to `System` for every operation; besides, only two atomics are touched.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCS.fetch_add(1, Ordering::Relaxed);
        }
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCS.fetch_add(1, Ordering::Relaxed);
        }
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made by one call of `f` (after one warm-up call).
fn allocs(f: &dyn Fn() -> u64) -> usize {
    black_box(f());
    ALLOCS.store(0, Ordering::Relaxed);
    COUNTING.store(true, Ordering::Relaxed);
    black_box(f());
    COUNTING.store(false, Ordering::Relaxed);
    ALLOCS.load(Ordering::Relaxed)
}

/// Iterations for one batch of about `target`.
fn calibrate(f: &dyn Fn() -> u64, target: Duration) -> u64 {
    let mut n = 1u64;
    loop {
        let t = Instant::now();
        for _ in 0..n {
            black_box(f());
        }
        let el = t.elapsed();
        if el >= target / 4 || n >= 1 << 30 {
            let per = el.as_secs_f64() / n as f64;
            return ((target.as_secs_f64() / per) as u64).max(1);
        }
        n *= 2;
    }
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        f64::midpoint(v[m - 1], v[m])
    }
}

fn main() {
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let rounds: usize = std::env::var("MIMC_BENCH_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(31);
    let batch = Duration::from_millis(2);
    let cases = common::all_cases();
    common::smoke(&cases);
    println!(
        "| case | candidate | min ns/msg | median ns/msg | GB/s (median) | ours is (median of per-round ratios) | ours is (ratio of minimums) | allocs/msg |"
    );
    println!("|---|---|--:|--:|--:|--:|--:|--:|");
    for case in &cases {
        if !filter.is_empty() && !filter.iter().any(|f| case.name.contains(f.as_str())) {
            continue;
        }
        let k = case.candidates.len();
        let iters: Vec<u64> = case
            .candidates
            .iter()
            .map(|c| calibrate(&*c.run, batch))
            .collect();
        let mut ns = vec![Vec::with_capacity(rounds); k];
        for r in 0..rounds {
            for j in 0..k {
                let i = (r + j) % k;
                let f = &*case.candidates[i].run;
                let n = iters[i];
                let t = Instant::now();
                for _ in 0..n {
                    black_box(f());
                }
                ns[i].push(t.elapsed().as_nanos() as f64 / n as f64);
            }
        }
        let min_ours = ns[0].iter().copied().fold(f64::INFINITY, f64::min);
        for (i, c) in case.candidates.iter().enumerate() {
            let mut ratios: Vec<f64> = (0..rounds).map(|r| ns[i][r] / ns[0][r]).collect();
            let ratio = median(&mut ratios);
            let min = ns[i].iter().copied().fold(f64::INFINITY, f64::min);
            let med = median(&mut ns[i].clone());
            let gbs = case.bytes as f64 / med;
            let (shown, shown_min) = if i == 0 {
                ("1.00x (ours)".to_string(), "1.00x".to_string())
            } else {
                (format!("{ratio:.2}x"), format!("{:.2}x", min / min_ours))
            };
            println!(
                "| {} | {} | {:.0} | {:.0} | {:.2} | {} | {} | {} |",
                case.name,
                c.name,
                min,
                med,
                gbs,
                shown,
                shown_min,
                allocs(&*c.run)
            );
        }
    }
}
