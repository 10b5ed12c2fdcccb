#!/usr/bin/env bash
# Builds the firmware-shaped programs for thumbv7em-none-eabihf (opt-level "z", fat LTO, panic=abort) and
# prints the sizes of their ELF sections. Needs only cargo, the target (`rustup target add
# thumbv7em-none-eabihf`) and python3: the section headers are read directly from the ELF.
#   firmware/size.sh
set -euo pipefail
cd "$(dirname "$0")"
target=thumbv7em-none-eabihf
cargo build --quiet --release --target "$target" --bin mimc-codec-envelope
cargo build --quiet --release --target "$target" --features reference --bin serde-json-core-envelope
python3 - "target/$target/release/mimc-codec-envelope" "target/$target/release/serde-json-core-envelope" <<'PY'
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
