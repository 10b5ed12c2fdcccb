#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seeds made from tests/fixtures, so nothing big is committed.
# Usage: fuzz/seeds.sh [target...]   (default: every target). Existing corpus files are kept.
# The JSONTestSuite is not copied: ci.sh and the README pass its folder to libFuzzer as a second corpus.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
fx=$(dirname "$here")/tests/fixtures
max=8192 # bytes; larger fixtures would only slow the short CI runs

# seed TARGET FILE... : copies each file (if small enough) under a name that says where it came from.
seed() {
    local target=$1 f
    shift
    mkdir -p "$here/corpus/$target"
    for f in "$@"; do
        [ -f "$f" ] || continue
        [ "$(stat -c %s "$f")" -le "$max" ] || continue
        cp "$f" "$here/corpus/$target/seed-$(basename "$(dirname "$f")")-$(basename "$f")"
    done
}

envelopes=("$fx"/envelope/*.json "$fx"/envelope/invalid/*.json "$fx"/bench/text_150*.json "$fx"/bench/custom_1k.json)
callbacks=("$fx"/callback/*.json "$fx"/bench/callback_b64_*.json "$fx"/bench/topic_500.json)
all_json=("$fx"/*/*.json "$fx"/envelope/invalid/*.json)

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(decode_envelope decode_callback json_differential roundtrip_json
    writer_small_buffers payload_base64)
for t in "${targets[@]}"; do
    case $t in
        decode_envelope) seed "$t" "${envelopes[@]}" ;;
        decode_callback) seed "$t" "${callbacks[@]}" ;;
        json_differential) seed "$t" "${all_json[@]}" ;;
        # Structure-aware targets read the bytes through `arbitrary`; fixtures still give them variety.
        roundtrip_json | writer_small_buffers) seed "$t" "${envelopes[@]}" "${callbacks[@]}" ;;
        payload_base64) seed "$t" "${callbacks[@]}" ;;
        *) echo "seeds.sh: no seeds defined for $t" >&2 ;;
    esac
done
