#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seeds made from tests/fixtures, so nothing big is committed.
# Usage: fuzz/seeds.sh [target...]   (default: every target). Existing corpus files are kept.
# The JSONTestSuite is not copied: ci.sh and the README pass its folder to libFuzzer as a second corpus.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
fx=$(dirname "$here")/tests/fixtures
max=8192 # bytes; larger fixtures would only slow the short CI runs

small() { [ -f "$1" ] && [ "$(stat -c %s "$1")" -le "$max" ]; }

# seed TARGET FILE... : copies each (small) file under a name that says where it came from.
seed() {
    local target=$1 f
    shift
    mkdir -p "$here/corpus/$target"
    for f in "$@"; do
        small "$f" || continue
        cp "$f" "$here/corpus/$target/seed-$(basename "$(dirname "$f")")-$(basename "$f")"
    done
}

# byte N: one raw byte, for the selector prefixes of some targets.
byte() { printf "\\$(printf %03o "$1")"; }

# unhex: lowercase hex (any whitespace) on stdin to bytes on stdout.
unhex() { printf "$(tr -d ' \n' | sed 's/../\\x&/g')"; }

# The call byte of an API reply fixture: the order of CALLS in fuzz_targets/decode_response.rs.
call_of() {
    case $1 in
        token.*) echo 0 ;;
        push-p2p.*) echo 1 ;;
        push-p2p-more.*) echo 2 ;;
        push-p2t.*) echo 3 ;;
        push-p2t-more.*) echo 4 ;;
        topic-create.* | topic-query.* | topic-join.* | topic-kick.* | topic-update.*) echo 5 ;;
        topic-mine.*) echo 6 ;;
        topic-quit.*) echo 7 ;;
        topic-dismiss.*) echo 8 ;;
        history-p2p.* | history-p2p-100.*) echo 9 ;;
        history-p2t.*) echo 10 ;;
        contacts.*) echo 11 ;;
        *) echo 12 ;;
    esac
}

envelopes=("$fx"/envelope/*.json "$fx"/envelope/invalid/*.json "$fx"/bench/text_150*.json "$fx"/bench/custom_1k.json)
callbacks=("$fx"/callback/*.json "$fx"/bench/callback_b64_*.json "$fx"/bench/topic_500.json)
replies=("$fx"/api/*.response*.json)
all_json=("$fx"/*/*.json "$fx"/envelope/invalid/*.json)

# decode_response: the call byte, then the reply body.
seed_responses() {
    local dir=$here/corpus/decode_response f name
    mkdir -p "$dir"
    for f in "${replies[@]}"; do
        small "$f" || continue
        name=$(basename "$f")
        { byte "$(call_of "$name")"; cat "$f"; } >"$dir/seed-$name"
    done
}

# decode_request: the call byte (the index among the calls with a body, in `api::Call::ALL` order: see
# call_with_body in fuzz_targets/decode_request.rs), then the request body.
seed_requests() {
    local dir=$here/corpus/decode_request f name call
    mkdir -p "$dir"
    for f in "$fx"/api/*.request*.json; do
        small "$f" || continue
        name=$(basename "$f")
        case $name in
            token.*) call=0 ;;
            push-p2p.*) call=1 ;;
            push-p2p-more.*) call=2 ;;
            push-p2t.*) call=3 ;;
            push-p2t-more.*) call=4 ;;
            topic-create.*) call=5 ;;
            topic-join.*) call=6 ;;
            topic-update.*) call=7 ;;
            history-p2p.*) call=8 ;;
            history-p2t.*) call=9 ;;
            *) continue ;;
        esac
        { byte "$call"; cat "$f"; } >"$dir/seed-$name"
    done
}

# roundtrip_postcard: a mode byte, then
#   mode 2: a model byte (MODELS in fuzz_targets/roundtrip_postcard.rs) and a pinned compact vector
#           from tests/fixtures/wire/ (hex);
#   mode 3: a call byte and a JSON reply;
#   modes 0, 1: envelope and callback fixtures (read through `arbitrary`, for variety).
seed_postcard() {
    local dir=$here/corpus/roundtrip_postcard f name model
    mkdir -p "$dir"
    for f in "$fx"/wire/*/*.hex; do
        [ -f "$f" ] && [ "$(stat -c %s "$f")" -le $((2 * max + max / 16)) ] || continue
        name=$(basename "$f" .hex)
        case $f in
            */envelope/*) model=0 ;;
            */callback/*) model=1 ;;
            *.data.hex)
                case $name in
                    token.*) model=3 ;;
                    push-p2p.* | push-p2t.*) model=4 ;;
                    push-*more.*) model=5 ;;
                    topic-mine.*) model=13 ;;
                    topic-*) model=8 ;;
                    history-*) model=9 ;;
                    contacts.*) model=14 ;;
                    *) continue ;;
                esac
                ;;
            *) model=2 ;;
        esac
        { byte 2; byte "$model"; unhex <"$f"; } >"$dir/seed-wire-$model-$name"
    done
    for f in "${replies[@]}"; do
        small "$f" || continue
        name=$(basename "$f")
        { byte 3; byte "$(call_of "$name")"; cat "$f"; } >"$dir/seed-json-$name"
    done
    for f in "${envelopes[@]}"; do
        small "$f" && { byte 0; cat "$f"; } >"$dir/seed-env-$(basename "$f")"
    done
    for f in "${callbacks[@]}"; do
        small "$f" && { byte 1; cat "$f"; } >"$dir/seed-cb-$(basename "$f")"
    done
    return 0
}

# header_values: two split bytes, then three values (the real credentials, and hostile ones with raw
# and escaped line breaks, NUL, edge spaces, UTF-8).
seed_headers() {
    local dir=$here/corpus/header_values
    mkdir -p "$dir"
    { byte 13; byte 24; printf '%s' '5966086406018gTO8Jb0wbLaxIzAcRc+O3A==user_lei'; } >"$dir/seed-app"
    { byte 8; byte 2; printf '%s' 'cUyhSzbq\r\nX-Evil: 1'; } >"$dir/seed-escaped-crlf"
    { byte 3; byte 3; printf '%s' 'a\r\nb\u0000c\u000d\/d'; } >"$dir/seed-escapes"
    { byte 2; byte 6; printf 'k\r s\t\0 \xe6\x9d\x8e\xe9\x9b\xb7'; } >"$dir/seed-raw"
    { byte 1; byte 1; printf '%s' ' a\tb \u00e9\ud83d\ude00\u007f'; } >"$dir/seed-edges"
}

# The protocol targets: the frames and protobufs of ../shared/testdata/mimc-v6/vectors.json (hex), behind
# the selector byte each target reads first. Absent test data: no protocol seeds (the targets still run).
seed_protocol() {
    local t=$1 v=$here/../../shared/testdata/mimc-v6/vectors.json dir=$here/corpus/$1 i=0 key hex
    [ -f "$v" ] || { echo "seeds.sh: $v absent, no seeds for $t" >&2; return 0; }
    mkdir -p "$dir"
    grep -oE '"(frame_hex|mimc_packet_hex|payload_hex|p2p_hex|uc_packet_hex)": "[0-9a-f]+"' "$v" |
        while IFS='"' read -r _ key _ hex _; do
            i=$((i + 1))
            case $t:$key in
                protocol_stream:frame_hex) { byte 12; unhex <<<"$hex"; } >"$dir/seed-$i" ;;
                protocol_messages:mimc_packet_hex) { byte 9; unhex <<<"$hex"; } >"$dir/seed-$i" ;;
                protocol_messages:p2p_hex) { byte 14; unhex <<<"$hex"; } >"$dir/seed-$i" ;;
                protocol_messages:uc_packet_hex) { byte 20; unhex <<<"$hex"; } >"$dir/seed-$i" ;;
                protocol_differential:mimc_packet_hex) { byte 1; unhex <<<"$hex"; } >"$dir/seed-$i" ;;
                protocol_differential:p2p_hex) { byte 2; unhex <<<"$hex"; } >"$dir/seed-$i" ;;
                protocol_roundtrip:*) unhex <<<"$hex" >"$dir/seed-$i" ;;
            esac
        done
}

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(decode_envelope decode_callback decode_request decode_response json_differential
    roundtrip_json roundtrip_postcard writer_small_buffers payload_base64 header_values
    protocol_stream protocol_messages protocol_roundtrip protocol_differential)
for t in "${targets[@]}"; do
    case $t in
        decode_envelope) seed "$t" "${envelopes[@]}" ;;
        decode_callback) seed "$t" "${callbacks[@]}" ;;
        decode_request) seed_requests ;;
        decode_response) seed_responses ;;
        json_differential) seed "$t" "${all_json[@]}" ;;
        roundtrip_postcard) seed_postcard ;;
        # Structure-aware targets read the bytes through `arbitrary`; fixtures still give them variety.
        roundtrip_json | writer_small_buffers) seed "$t" "${envelopes[@]}" "${callbacks[@]}" ;;
        payload_base64) seed "$t" "${callbacks[@]}" ;;
        header_values) seed_headers ;;
        protocol_*) seed_protocol "$t" ;;
        *) echo "seeds.sh: no seeds defined for $t" >&2 ;;
    esac
done
