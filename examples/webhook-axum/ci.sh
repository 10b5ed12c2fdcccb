#!/usr/bin/env bash
# CI check of the webhook example: starts it on a free port of 127.0.0.1, POSTs every callback fixture
# (one of them twice: a retry) and bodies it cannot read with curl, and checks each status code, the reply
# body and the line the server prints. Run from anywhere, after `cargo build -p webhook-axum`.
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${WEBHOOK_BIN:-target/debug/webhook-axum}
work=$(mktemp -d)
"$bin" 0 >"$work/server.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT

# The server prints its address first (bounded wait: 20 s at most).
addr=""
for _ in $(seq 200); do
    addr=$(sed -n 's/^listening on //p' "$work/server.log")
    [ -n "$addr" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
[ -n "$addr" ] || { echo "webhook-axum did not start:"; cat "$work/server.log"; exit 1; }
echo "webhook-axum at $addr"

posts=0 passed=0 failures=0
# check FILE STATUS LINE: POSTs FILE, wants STATUS and LINE as the reply body (and in the server's log).
check() {
    local file=$1 want_status=$2 want_line=$3 status body name
    name=$(basename "$file")
    status=$(curl -sS --max-time 10 -o "$work/reply" -w '%{http_code}' \
        -H 'Content-Type: application/json' --data-binary @"$file" "$addr")
    body=$(cat "$work/reply")
    posts=$((posts + 1))
    if [ "$status" != "$want_status" ] || [ "$body" != "$want_line" ]; then
        failures=$((failures + 1))
        printf 'FAIL %s: got %s %s\n     want %s %s\n' "$name" "$status" "$body" "$want_status" "$want_line"
    elif ! grep -qxF "$want_status $want_line" "$work/server.log"; then
        failures=$((failures + 1))
        echo "FAIL $name: the server did not print: $want_status $want_line"
    else
        passed=$((passed + 1))
        echo "ok   $status $name"
    fi
}

fx=tests/fixtures/callback
check $fx/normal_msg.json 200 'accepted NORMAL_MSG from "user_lei" to "10": TEXT Xk9pQ-0 "你好，小米即时消息云😀欢迎欢迎欢迎"'
# The same message again, its base64 written with `\/` escapes: a retry, recognised by its values.
check $fx/normal_msg_escaped_base64.json 200 'duplicate NORMAL_MSG from "user_lei" to "10": TEXT Xk9pQ-0 "你好，小米即时消息云😀欢迎欢迎欢迎"'
check $fx/normal_msg_kind_last.json 200 'accepted NORMAL_MSG from "user_lei" to "10": TEXT TEXT_12345 "Welcome to the Xiaomi instant message cloud (MIMC)"'
check $fx/normal_msg_raw_payload.json 200 'accepted NORMAL_MSG from "10" to "user_lei": 4 raw bytes'
check $fx/normal_msg_unpadded.json 200 'accepted NORMAL_MSG from "10" to "user_lei": TEXT_READ TEXT_READ_12345'
check $fx/normal_topic_msg.json 200 'accepted NORMAL_TOPIC_MSG from "user_lei" to topic 30094929200414721 (500 accounts): TEXT TEXT_12345 "欢迎使用小米即时消息云(MIMC)"'
check $fx/offline_msg.json 200 'accepted OFFLINE_MSG from "user_lei" to "10": TEXT TEXT_12345 "Welcome to the Xiaomi instant message cloud (MIMC)"'
check $fx/offline_topic_msg.json 200 'accepted OFFLINE_TOPIC_MSG from "user_lei" to topic 30094929200414721 (3 accounts): PIC_FILE PIC_FILE_12345'
# MIMC's retry of the first: answered 200 again, handled once.
check $fx/normal_msg.json 200 'duplicate NORMAL_MSG from "user_lei" to "10": TEXT Xk9pQ-0 "你好，小米即时消息云😀欢迎欢迎欢迎"'
# Bodies it cannot read: 400 with the error and its byte offset.
printf '{"msgType":"NORMAL_MSG"' >"$work/truncated.json"
check "$work/truncated.json" 400 'not a callback: unexpected end of input at byte 23'
sed 's/"payload":"eyJ/"payload":"e!J/' $fx/normal_msg.json >"$work/bad_base64.json"
check "$work/bad_base64.json" 400 'unreadable payload: invalid base64 in `payload` at byte 144'

# Every request got its line in the log, and nothing else was printed.
lines=$(grep -cE '^(200|400) ' "$work/server.log" || true)
[ "$lines" -eq "$posts" ] || { failures=$((failures + 1)); echo "FAIL: $lines log lines for $posts requests"; }
[ "$(wc -l <"$work/server.log")" -eq $((posts + 1)) ] || { failures=$((failures + 1)); echo "FAIL: unexpected output:"; cat "$work/server.log"; }
echo "webhook-axum: $passed passed, $failures failed"
[ "$failures" -eq 0 ]
