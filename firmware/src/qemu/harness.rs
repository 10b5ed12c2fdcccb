//! The harness of the QEMU programs: counts checks, measures the stack, reports over semihosting and exits
//! with the status (0 only when every check passed and at least one ran). Runs on QEMU's `mps2-an386`
//! (`firmware/qemu.sh`); any Cortex-M with a semihosting debugger would do.
//!
//! Stack: cortex-m-rt's `paint-stack` feature paints the whole stack region (`_stack_end` up to
//! `_stack_start`, the top of RAM) with [`PAINT`] in the reset handler, before `main`, in assembly. The
//! lowest word that no longer holds the paint is the high-water mark. To measure one phase alone,
//! [`Stack::measure`] paints again the free stack below its own frame, runs the phase, and looks for the
//! lowest word the phase changed.
//!
//! The only `unsafe` is reading and painting the free stack (raw volatile word accesses, two blocks,
//! below) and the fault handler's signature, which cortex-m-rt requires.

use core::fmt::Debug;
use core::ptr;

pub use cortex_m_rt::entry;
use cortex_m_rt::{ExceptionFrame, exception};
use cortex_m_semihosting::{debug, hprintln};

/// The word cortex-m-rt's reset handler paints the stack with.
const PAINT: u32 = cortex_m_rt::STACK_PAINT_VALUE;

unsafe extern "C" {
    /// Lowest address of the stack region (the end of the statics), from cortex-m-rt's `link.x`.
    safe static _stack_end: u32;
    /// Highest address of the stack region (the initial stack pointer: the top of RAM).
    safe static _stack_start: u32;
}

fn stack_end() -> usize {
    ptr::addr_of!(_stack_end) as usize
}

fn stack_start() -> usize {
    ptr::addr_of!(_stack_start) as usize
}

/// The current stack pointer.
#[inline(always)]
fn sp() -> usize {
    cortex_m::register::msp::read() as usize
}

/// Lowest address in `[from, below)` whose word is no longer the paint (`below` if none).
#[inline(never)]
fn lowest_used(from: usize, below: usize) -> usize {
    let mut at = from;
    while at < below {
        // SAFETY: `at` is word-aligned (both bounds are: `_stack_end` by link.x's ALIGN(4), the stack
        // pointer by the AAPCS) and inside the stack region, which is RAM that nothing else aliases as a
        // Rust object: reading it as a plain `u32` is defined whatever it holds.
        if unsafe { ptr::read_volatile(at as *const u32) } != PAINT {
            return at;
        }
        at += 4;
    }
    below
}

/// Paints `[stack_end, sp)`: the free stack below this function's own frame.
#[inline(never)]
fn repaint() {
    let below = sp() & !3;
    let mut at = stack_end();
    while at < below {
        // SAFETY: the words below the stack pointer belong to no live frame (the AAPCS has no red zone;
        // no interrupt is enabled, and an exception would only push below the stack pointer, over paint),
        // so writing them changes no value the program holds. `at` is word-aligned and in RAM, as above.
        unsafe { ptr::write_volatile(at as *mut u32, PAINT) };
        at += 4;
    }
}

/// Calls `f` in a frame of its own, below the measuring frame (were `f` inlined into
/// [`Stack::measure`], its locals would sit in the measuring frame, above the mark, and not be counted).
#[inline(never)]
fn call<R>(f: impl FnOnce() -> R) -> R {
    f()
}

/// Stack measurements: per phase, and the peak since reset.
pub struct Stack {
    /// Lowest address used so far (by anything since reset).
    lowest: usize,
}

impl Stack {
    /// Starts measuring; what reset and `main` used so far is counted in the peak.
    #[inline(never)]
    pub fn new() -> Self {
        Stack {
            lowest: lowest_used(stack_end(), stack_start()),
        }
    }

    /// Runs `phase` and returns its result and its peak stack in bytes: from the stack pointer at the
    /// call down to the lowest word the phase wrote, its call frames and local buffers included. (What
    /// the phase returns lives in the caller's frame and is not counted: return small results.)
    #[inline(never)]
    pub fn measure<R>(&mut self, phase: impl FnOnce() -> R) -> (R, usize) {
        repaint();
        let top = sp();
        let result = call(phase);
        let low = lowest_used(stack_end(), top);
        self.lowest = self.lowest.min(low);
        (result, top - low)
    }

    /// The peak since reset, in bytes below the top of RAM: the deepest of the measured phases, with the
    /// frames of `main` and of the harness above them. Code that `main` runs outside [`measure`] is not
    /// seen (the next phase paints over it): keep the work inside phases.
    ///
    /// [`measure`]: Self::measure
    pub fn peak(&self) -> usize {
        stack_start() - self.lowest
    }

    /// Did the stack reach the end of the statics (then the numbers mean nothing and statics may be
    /// overwritten)?
    pub fn overflowed(&self) -> bool {
        self.lowest <= stack_end()
    }
}

/// The label of the size program's line, the same in both QEMU programs.
#[allow(dead_code)] // the protocol program has size programs of its own
pub const SIZE_PROGRAM: &str =
    "size program: decode TEXT + TEXT_RECALL, encode a TEXT reply into 256 B";

/// The first line of the report.
pub fn banner(program: &str) {
    hprintln!(
        "{} on QEMU mps2-an386 (Cortex-M4F), thumbv7em-none-eabihf, opt-level z",
        program
    );
}

/// One line of the stack report.
pub fn report(what: &str, bytes: usize) {
    hprintln!("stack {:>6} B  {}", bytes, what);
}

/// Counts checks; prints each failure with what was expected.
pub struct Checks {
    program: &'static str,
    passed: u32,
    failed: u32,
}

impl Checks {
    /// No checks yet.
    pub fn new(program: &'static str) -> Self {
        Checks {
            program,
            passed: 0,
            failed: 0,
        }
    }

    /// `ok` must hold.
    pub fn check(&mut self, ok: bool, what: &str) {
        if ok {
            self.passed += 1;
        } else {
            self.failed += 1;
            hprintln!("FAIL: {}", what);
        }
    }

    /// `got` must equal `want`.
    #[allow(dead_code)] // not every program compares
    pub fn eq<T: PartialEq + Debug + ?Sized>(&mut self, what: &str, got: &T, want: &T) {
        if got == want {
            self.passed += 1;
        } else {
            self.failed += 1;
            hprintln!("FAIL: {}: got {:?}, expected {:?}", what, got, want);
        }
    }

    /// A failure that is not a comparison: `why` says what happened.
    pub fn fail(&mut self, what: &str, why: &dyn Debug) {
        self.failed += 1;
        hprintln!("FAIL: {}: {:?}", what, why);
    }

    /// Prints the closing line and exits QEMU: status 0 only if every check passed and there was one.
    pub fn finish(mut self) -> ! {
        if cfg!(feature = "inject-failure") {
            // `qemu.sh` builds with this feature once to see a failing check give a failing exit status.
            self.check(false, "the check injected by the `inject-failure` feature");
        }
        hprintln!(
            "{}: {} passed, {} failed",
            self.program,
            self.passed,
            self.failed
        );
        exit(self.failed == 0 && self.passed > 0)
    }
}

/// Ends the emulation with a status (QEMU exits 0 for success, 1 otherwise).
pub fn exit(success: bool) -> ! {
    debug::exit(if success {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    });
    // Without a semihosting host (real hardware, no debugger) there is nowhere to go.
    loop {
        cortex_m::asm::wfi();
    }
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    hprintln!("FAIL: panicked: {}", info);
    exit(false)
}

#[exception]
unsafe fn HardFault(frame: &ExceptionFrame) -> ! {
    hprintln!("FAIL: hard fault at pc {:#010x}", frame.pc());
    exit(false)
}

#[exception]
unsafe fn DefaultHandler(irqn: i16) {
    hprintln!("FAIL: unexpected exception or interrupt {}", irqn);
    exit(false)
}
