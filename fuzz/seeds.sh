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

# decode_response: a leading byte picks the call (the order of CALLS in fuzz_targets/decode_response.rs).
seed_responses() {
    local dir=$here/corpus/decode_response f name call
    mkdir -p "$dir"
    for f in "$fx"/api/*.response*.json; do
        [ "$(stat -c %s "$f")" -le "$max" ] || continue
        name=$(basename "$f")
        case $name in
            token.*) call=0 ;;
            push-p2p.*) call=1 ;;
            push-p2p-more.*) call=2 ;;
            push-p2t.*) call=3 ;;
            push-p2t-more.*) call=4 ;;
            topic-create.* | topic-query.* | topic-join.* | topic-kick.* | topic-update.*) call=5 ;;
            topic-mine.*) call=6 ;;
            topic-quit.*) call=7 ;;
            topic-dismiss.*) call=8 ;;
            history-p2p.*) call=9 ;;
            history-p2t.*) call=10 ;;
            contacts.*) call=11 ;;
            *) call=12 ;;
        esac
        { printf "\\$(printf %03o "$call")"; cat "$f"; } >"$dir/seed-$name"
    done
}

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(decode_envelope decode_callback decode_response json_differential
    roundtrip_json writer_small_buffers payload_base64)
for t in "${targets[@]}"; do
    case $t in
        decode_envelope) seed "$t" "${envelopes[@]}" ;;
        decode_callback) seed "$t" "${callbacks[@]}" ;;
        decode_response) seed_responses ;;
        json_differential) seed "$t" "${all_json[@]}" ;;
        # Structure-aware targets read the bytes through `arbitrary`; fixtures still give them variety.
        roundtrip_json | writer_small_buffers) seed "$t" "${envelopes[@]}" "${callbacks[@]}" ;;
        payload_base64) seed "$t" "${callbacks[@]}" ;;
        *) echo "seeds.sh: no seeds defined for $t" >&2 ;;
    esac
done
