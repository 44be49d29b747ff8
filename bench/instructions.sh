#!/usr/bin/env bash
# bench/instructions.sh: instructions per callback, framework against
# hand-written, counted by valgrind's callgrind. Unlike time, the count does
# not depend on what else the machine is doing, so these figures are steady
# on a shared machine where timings are not. They are not time ratios:
# callgrind's virtual CPU has no SHA extensions, so SHA-256 runs in software
# and weighs far more than on the real CPU; read the difference, framework
# minus hand-written, as the framework's own cost.
#
# Each side runs at two sizes and the difference is divided by the extra
# calls, so set-up (keying, signing, building the router, the app or the
# server, accepting connections) cancels out.
#   in process: callback-core/benches/paired.rs (Router::dispatch against
#               the hand-written verify + parse), the parse alone, and
#               verification of a 64 KiB body against raw hmac + sha2
#   actix-web:  bench/servers/benches/actix_paired.rs (test::call_service:
#               routing, extractors, body, verify, parse, response)
#   HTTP:       the two bench/servers binaries on 127.0.0.1 under wrk
#               (user-space instructions of the server process only; the
#               kernel's share of a request is not counted)
#
# Usage: bench/instructions.sh   (installs valgrind and wrk with apt-get if
# missing; about 2 minutes on a 2-core machine)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/common.sh
. bench/common.sh
N=${N:-5000}
PORT=${BENCH_PORT:-18090}

install_missing valgrind valgrind
install_missing wrk wrk

WORK=$(mktemp -d /tmp/bench-instructions.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

# bench_bin PACKAGE BENCH: the path of a bench binary, built if needed.
bench_bin() {
    cargo bench -p "$1" --bench "$2" --no-run --message-format=json 2>/dev/null |
        python3 -c '
import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == sys.argv[1] and m.get("executable"):
        print(m["executable"])' "$2"
}

# collected: the total instructions in a callgrind log on stdin.
collected() { awk '/Collected :/ { print $4 }'; }

# per_call BINARY SIDE [CALLS]: instructions per call of one side of a
# bench binary, over CALLS calls (default N).
per_call() {
    local low high calls=${3:-$N}
    low=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$1" "$2" 1 2>&1 | collected)
    high=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null "$1" "$2" $((calls + 1)) 2>&1 | collected)
    echo $(((high - low) / calls))
}

# http_run SERVER SECONDS: "requests instructions" for one run of the server
# under callgrind, driven by wrk for SECONDS.
http_run() {
    ZOHO_EXTENSION_SECRET=$SECRET BENCH_PORT=$PORT \
        valgrind --tool=callgrind --callgrind-out-file=/dev/null "$1" 2>"$WORK/valgrind.log" &
    local pid=$!
    await_server "$PORT" "$pid" "$(basename "$1")"
    wrk -t1 -c4 -d"${2}s" -s "$WORK/request.lua" "http://127.0.0.1:$PORT/callbacks/onZohoAuthorise" \
        >"$WORK/wrk.out"
    grep -q 'Non-2xx' "$WORK/wrk.out" && { cat "$WORK/wrk.out" >&2; exit 1; }
    kill -TERM "$pid"
    wait "$pid" || true
    echo "$(awk '/requests in/ { print $1 }' "$WORK/wrk.out") $(collected <"$WORK/valgrind.log")"
}

# http_per_request SERVER: instructions per request, from a short and a long run.
http_per_request() {
    local short long
    short=$(http_run "$1" 3)
    long=$(http_run "$1" 12)
    python3 -c 'import sys; n1, i1, n2, i2 = map(int, sys.argv[1:]); print((i2 - i1) // (n2 - n1))' \
        $short $long
}

report() {
    python3 -c 'import sys; t, a, b = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]); print(f"{t}\n  framework    {a:8d}\n  hand-written {b:8d}\n  difference   {a - b:8d}   ratio {a / b:.3f}")' \
        "$@"
}

core=$(bench_bin callback-core paired)
actix=$(bench_bin bench-servers actix_paired)
cargo build --release -p bench-servers --bins 2>/dev/null
servers="$(target_dir)/release"
write_wrk_script "$WORK/request.lua"

echo "instructions per callback (callgrind; in process: $N calls after one)"
hand_written=$(per_call "$core" hand_written)
report "in process: sample callback (Router::dispatch vs. hand-written; the handler takes an OrgId)" \
    "$(per_call "$core" framework)" "$hand_written"
report "in process: the same, the handler takes the whole Callback" \
    "$(per_call "$core" framework_callback)" "$hand_written"
report "in process: parse alone (Payload vs. borrowed struct)" \
    "$(per_call "$core" parse_framework)" "$(per_call "$core" parse_borrowed)"
report "in process: verify a 64 KiB body (Verifier::verify vs. raw pre-keyed HMAC)" \
    "$(per_call "$core" verify_framework 100)" "$(per_call "$core" verify_raw 100)"
report "actix-web test::call_service: sample callback" \
    "$(per_call "$actix" framework)" "$(per_call "$actix" hand_written)"
report "HTTP on loopback: server user-space instructions per request (wrk, 4 connections)" \
    "$(http_per_request "$servers/framework-server")" "$(http_per_request "$servers/hand-written-server")"
