#!/usr/bin/env bash
# Short, bounded fuzzing of every target, so a regression is caught on every change. Called by .ci/run.
# A fixed -seed keeps CI runs reproducible (the long runs in fuzz/README.md use random seeds).
# FUZZ_SECONDS per target (default 30); JSON_TEST_SUITE overrides where the JSONTestSuite's test_parsing
# folder is (default: ../shared beside the repository). Longer runs: fuzz/README.md.
set -euo pipefail
cd "$(dirname "$0")"
secs=${FUZZ_SECONDS:-30}
suite=${JSON_TEST_SUITE:-../../shared/testdata/JSONTestSuite/test_parsing}
start=$(date +%s)
say() { echo "[fuzz $(( $(date +%s) - start ))s] $*"; }

# cargo-fuzz needs nightly (sanitizer and coverage flags); a fresh machine may have neither.
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    say "installing the nightly toolchain"
    rustup toolchain install nightly --profile minimal
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    say "installing cargo-fuzz"
    cargo +nightly install cargo-fuzz --locked
fi

say "format of the fuzz crate"
cargo fmt --manifest-path Cargo.toml -- --check

say "seeds from tests/fixtures"
./seeds.sh

say "build (release, debug assertions on)"
cargo +nightly fuzz build

mkdir -p logs
for t in $(cargo +nightly fuzz list); do
    extra=()
    if [ "$t" = json_differential ] && [ -d "$suite" ]; then
        extra=("$suite") # read-only second corpus: the whole JSONTestSuite as seeds
    fi
    say "$t for ${secs}s"
    mkdir -p "corpus/$t" # a target without seeds (protocol_connection) starts from an empty corpus
    log=logs/$t.log
    if ! cargo +nightly fuzz run "$t" "corpus/$t" "${extra[@]}" -- \
        -max_total_time="$secs" -seed=1 -rss_limit_mb=2048 -timeout=10 -dict=json.dict \
        -print_final_stats=1 >"$log" 2>&1; then
        tail -n 60 "$log"
        say "FAILED: $t (the input is under fuzz/artifacts/$t/; reproduce with"
        say "  cargo +nightly fuzz run $t fuzz/artifacts/$t/<file>)"
        exit 1
    fi
    grep -E '^Done|stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$log" | tr '\n' ' '
    echo
done
say "all targets ran without a finding"
