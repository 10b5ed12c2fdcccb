#!/usr/bin/env bash
# Runs the QEMU programs on an emulated Cortex-M4F (QEMU's `mps2-an386` board, the thumbv7em-none-eabihf
# target) with semihosting for output and exit status; fails unless every program exits 0. First, each
# program is built once with a failing check injected (`--features inject-failure`) and must then exit
# non-zero: a run that passes proves something only if a failing one fails.
#   firmware/qemu.sh
# Then the defmt program logs a value of each type with the library's `defmt::Format` impls; its frames
# are decoded by `defmt-print` and compared with `defmt.expected`.
# Needs cargo, the target (`rustup target add thumbv7em-none-eabihf`), qemu-system-arm (Debian:
# `apt-get install qemu-system-arm`) and defmt-print (`cargo install defmt-print --locked`); `.ci/run`
# installs both. Without defmt-print the defmt check is skipped, unless REQUIRE_DEFMT_PRINT=1 (as in
# .ci/run), where that fails.
set -euo pipefail
cd "$(dirname "$0")"
target=thumbv7em-none-eabihf

# One line per program: the bin (Cargo.toml, linked with cortex-m-rt by build.rs) and the features it
# needs ("-" for none). A new program is a new [[bin]], an entry in build.rs's QEMU_BINS and a line here.
programs=(
    "mimc-codec-qemu -"
    "serde-json-core-qemu reference"
    "mimc-codec-protocol-qemu protocol"
)

# No display, serial or monitor: semihosting writes to QEMU's stdout, and stdin may be absent (CI).
qemu=(qemu-system-arm -machine mps2-an386 -cpu cortex-m4 -display none -serial none -monitor none
      -semihosting-config enable=on,target=native)

# build BIN FEATURES [EXTRA_FEATURE]: prints the ELF's path.
build() {
    local bin=$1 features=$2 extra=${3:-}
    features=${features#-}
    features=${features:+$features${extra:+,}}$extra
    cargo build --quiet --release --target "$target" --bin "$bin" ${features:+--features "$features"}
    echo "target/$target/release/$bin"
}

# run ELF: the program's report on stdout; QEMU's exit status is the program's.
run() {
    timeout 120 "${qemu[@]}" -kernel "$1" </dev/null
}

command -v qemu-system-arm >/dev/null || { echo "qemu-system-arm not found (apt-get install qemu-system-arm)" >&2; exit 1; }

for program in "${programs[@]}"; do
    # shellcheck disable=SC2086 # "bin features" splits on purpose
    elf=$(build $program inject-failure)
    if out=$(run "$elf"); then
        echo "$out"
        echo "FAIL: ${program%% *} exited 0 with a failing check injected" >&2
        exit 1
    fi
    grep -q ' 1 failed$' <<<"$out" || { echo "$out"; echo "FAIL: ${program%% *}: no report of the injected failure" >&2; exit 1; }
    echo "${program%% *}: a failing check gives a failing exit status (good)"
done

status=0
for program in "${programs[@]}"; do
    # shellcheck disable=SC2086
    elf=$(build $program)
    echo
    run "$elf" || { status=$?; echo "FAIL: ${program%% *} exited with status $status" >&2; }
done
[ "$status" -eq 0 ] || exit "$status"

echo
if ! command -v defmt-print >/dev/null; then
    if [ "${REQUIRE_DEFMT_PRINT:-}" = 1 ]; then
        echo "FAIL: defmt-print not found (cargo install defmt-print --locked)" >&2
        exit 1
    fi
    echo "defmt check skipped: defmt-print not found (cargo install defmt-print --locked)"
    exit 0
fi
elf=$(build mimc-codec-defmt defmt)
frames=$(mktemp)
trap 'rm -f "$frames"' EXIT
run "$elf" >"$frames" || { echo "FAIL: mimc-codec-defmt exited with status $?" >&2; exit 1; }
if ! defmt-print -e "$elf" --log-format '{s}' <"$frames" | diff -u defmt.expected -; then
    echo "FAIL: the defmt output differs from firmware/defmt.expected (above)" >&2
    exit 1
fi
echo "mimc-codec-defmt: $(wc -l <defmt.expected) lines of defmt output decoded, as defmt.expected says"
