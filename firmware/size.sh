#!/usr/bin/env bash
# Builds the firmware programs for thumbv7em-none-eabihf (opt-level "z", fat LTO, panic=abort) and prints
# the sizes of their ELF sections. Needs only cargo, the target (`rustup target add
# thumbv7em-none-eabihf`) and python3: the section headers are read directly from the ELF.
#   firmware/size.sh
#
# The first table is the size programs: `_start` and the work, no runtime. The size targets (issue 13:
# ".text of the decode + encode program" against "the same program on serde-json-core") compare
# `mimc-codec-envelope` with `serde-json-core-envelope`. `mimc-codec-protocol-p2p`, `mimc-codec-protocol`
# and `mimc-codec-connection` (feature `protocol`) are the binary protocol's: one SECMSG frame to its P2P
# message; the same to every app message and its envelope; a client session through
# `protocol::Connection` (issues 14 and 15). The second table is the QEMU programs
# (`qemu.sh`): the same work plus the checks, cortex-m-rt and semihosting with `core::fmt`, for reference.
set -euo pipefail
cd "$(dirname "$0")"
target=thumbv7em-none-eabihf

# One line per program: the bin (Cargo.toml) and the features it needs ("-" for none). A new program is
# a new [[bin]] in Cargo.toml and a line here.
size_programs=(
    "mimc-codec-envelope -"
    "serde-json-core-envelope reference"
    "mimc-codec-protocol-p2p protocol"
    "femtopb-protocol-p2p femtopb"
    "mimc-codec-protocol protocol"
    "mimc-codec-connection protocol"
)
qemu_programs=(
    "mimc-codec-qemu -"
    "serde-json-core-qemu reference"
    "mimc-codec-protocol-qemu protocol"
)

build() {
    local bin=$1 features=$2
    if [ "$features" = "-" ]; then
        cargo build --quiet --release --target "$target" --bin "$bin"
    else
        cargo build --quiet --release --target "$target" --features "$features" --bin "$bin"
    fi
    echo "target/$target/release/$bin"
}

table() {
    local paths=()
    for program in "$@"; do
        # shellcheck disable=SC2086 # "bin features" splits on purpose
        paths+=("$(build $program)")
    done
    python3 - "${paths[@]}" <<'PY'
import struct, sys

def sections(path):
    data = open(path, "rb").read()
    assert data[:4] == b"\x7fELF" and data[4] == 1, "expected a 32-bit ELF"
    end = "<" if data[5] == 1 else ">"
    shoff, = struct.unpack_from(end + "I", data, 0x20)
    shentsize, shnum, shstrndx = struct.unpack_from(end + "HHH", data, 0x2E)
    heads = [struct.unpack_from(end + "IIIIIIIIII", data, shoff + i * shentsize) for i in range(shnum)]
    names = heads[shstrndx]
    strtab = data[names[4] : names[4] + names[5]]
    out = {}
    for h in heads:
        name = strtab[h[0] : strtab.index(b"\0", h[0])].decode()
        out[name] = h[5]
    return out

print("| program | .text (bytes) | .text (KiB) | .rodata (bytes) |")
print("|---|--:|--:|--:|")
for path in sys.argv[1:]:
    s = sections(path)
    print(f"| {path.rsplit('/', 1)[-1]} | {s.get('.text', 0)} | {s.get('.text', 0) / 1024:.1f} | {s.get('.rodata', 0)} |")
PY
}

table "${size_programs[@]}"
echo
table "${qemu_programs[@]}"
