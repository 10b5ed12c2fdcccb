#!/usr/bin/env bash
# Instructions per message and per input byte under callgrind (exact, noise-free).
# Runs examples/decode_loop.rs with N and 2N iterations and divides the difference, so process start-up
# and fixture loading cancel out.
#   benches/instr.sh                       # the TEXT envelope decode, every candidate
#   benches/instr.sh "decode custom_1k"    # another case
#   N=20000 benches/instr.sh ...
#   benches/instr.sh --all                 # every candidate of every case (N: 200 below 4 KiB of
#                                          # input, else 20, unless N is set)
#   FEATURES=protocol benches/instr.sh "protocol decode MIMCPacket P2P (vectors)"   # cases behind a feature
set -euo pipefail
cd "$(dirname "$0")/.."
case_name=${1:-"decode text_150 (kind first)"}
cargo build --quiet --profile bench --example decode_loop ${FEATURES:+--features "$FEATURES"}
bin=target/release/examples/decode_loop
count() { # case candidate n -> instructions
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$1" "$2" "$3" 2>&1 |
    sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
echo "| case | candidate | instructions/msg | instructions/byte |"
echo "|---|---|--:|--:|"
# The listing also checks that the full candidates of every case agree (common::smoke).
"$bin" | awk -F'\t' -v c="$case_name" 'c == "--all" || $1 == c' | while IFS=$'\t' read -r c cand bytes; do
  bytes=${bytes% bytes}
  if [ -n "${N:-}" ]; then n=$N; elif [ "$case_name" = "--all" ]; then
    if [ "$bytes" -lt 4096 ]; then n=200; else n=20; fi
  else n=5000; fi
  a=$(count "$c" "$cand" "$n")
  b=$(count "$c" "$cand" $((2 * n)))
  awk -v a="$a" -v b="$b" -v n="$n" -v by="$bytes" -v c="$c" -v k="$cand" \
    'BEGIN { per = (b - a) / n; printf "| %s | %s | %.0f | %.2f |\n", c, k, per, per / by }'
done
