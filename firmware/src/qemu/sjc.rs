//! The serde-json-core reference on the emulated board (QEMU `mps2-an386`, `firmware/qemu.sh`): runs the
//! reference size program's work (`work/sjc.rs`) with the harness of `mimc-codec-qemu`, checks that it
//! writes the same reply, and reports its peak stack next to ours.
#![no_std]
#![no_main]

use core::hint::black_box;

#[path = "harness.rs"]
mod harness;
#[path = "../work/inputs.rs"]
mod inputs;
#[path = "../work/sjc.rs"]
mod work;

use harness::{Checks, Stack, entry};

/// The size program's work (`work::run`, as `serde-json-core-envelope` runs it): is the reply the
/// expected one, and was the recall seen?
#[inline(never)]
fn size_program() -> Result<bool, work::Failure> {
    let mut out = [0u8; 256];
    let o = work::run(black_box(inputs::TEXT), black_box(inputs::RECALL), &mut out)?;
    Ok(out[..o.len] == *inputs::EXPECTED_REPLY && o.recalled)
}

#[entry]
fn main() -> ! {
    let mut c = Checks::new("serde-json-core");
    let mut stack = Stack::new();
    let (ok, pair) = stack.measure(size_program);
    match ok {
        Ok(ok) => c.check(ok, "size program: the expected reply, the recall seen"),
        Err(e) => c.fail("size program", &e),
    }
    c.check(!stack.overflowed(), "the stack stayed above the statics");
    harness::banner("serde-json-core");
    harness::report(harness::SIZE_PROGRAM, pair);
    harness::report("peak since reset (report printing excluded)", stack.peak());
    c.finish()
}
