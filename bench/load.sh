#!/usr/bin/env bash
# bench/load.sh: the HTTP comparisons, framework against the same work
# written by hand (bench/servers), in one run, for each pair of ADAPTERS:
#   actix           callback-actix against a hand-written actix-web handler
#   axum            callback-axum against a hand-written axum handler
#   store-sqlite    the sample callback with the framework's installation
#                   store against a hand-written sqlx upsert sealing the
#                   context alike, on a fresh SQLite file per run (issue 16)
#   store-postgres  the same on PostgreSQL: $DATABASE_URL if it is a
#                   postgres:// URL, else $CALLBACK_TEST_POSTGRES_URL (what
#                   `scripts/with-postgres.sh bench/load.sh` sets), else the
#                   pair is skipped with a line saying so; each server drops
#                   and makes again a schema of its own at every start
#   desk-1, desk-10 a Desk delivery of 1 or 10 Ticket_Add events (TEST key)
#                   to the framework's webhook against a hand-written
#                   actix-web handler (issue 15)
#
# Builds the servers in release mode, then for ROUNDS rounds starts each in
# turn (the order of each pair flips every round) pinned to one core, drives it with wrk
# pinned to the other core with the same request, connections and
# duration, and records req/s, p50, p99, server CPU time per request
# (user + system of the server process, from /proc/<pid>/stat, over the
# measured run only; not PostgreSQL's own processes) and peak RSS (VmHWM).
# It prints each run, the median of each figure, the median of the
# per-round ratios framework/hand-written and each pair's targets: load
# from other processes hits the two runs of a round alike, so ratios
# within a round are steadier than absolute figures.
#
# With STORE_FLAT=1, for each store pair in ADAPTERS it also serves each
# side FLAT_TOTAL (100,000) callbacks and prints the server's VmHWM and
# VmRSS (/proc/<pid>/status) after the first FLAT_WARMUP (10,000) and after
# all of them (memory flat: the two alike). The callbacks are counted: wrk
# (CONNECTIONS connections) stops at the FLAT_WARMUP-th 200 reply, the
# figures are read, then a second wrk stops at the rest; any other status
# fails the run.
#
# With --build-time it also times clean release builds of examples/hello and
# of the hand-written server, each into a fresh target directory under /tmp
# (wall time, and the user + system CPU time of the whole build).
#
# Usage: bench/load.sh [--build-time]
# Environment: ADAPTERS (all the pairs above that can run), ROUNDS (5; 0
# skips the load comparison), DURATION seconds per run (8), CONNECTIONS
# (32), WARMUP seconds (2), STORE_FLAT (0), FLAT_WARMUP (10000), FLAT_TOTAL
# (100000), BUILD_ROUNDS (1), SERVER_CPU (0), LOAD_CPU (1), BENCH_PORT
# (18080), DATABASE_URL. The defaults take about 2 minutes per pair once
# built; --build-time adds about 4 minutes per build round on a 2-core
# machine.
# Only 127.0.0.1 (and the PostgreSQL of the URL) is contacted; every run
# is bounded by DURATION, a counted run by 10 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."

ALL_PAIRS="actix axum store-sqlite store-postgres desk-1 desk-10"
ADAPTERS=${ADAPTERS:-$ALL_PAIRS}
STORE_FLAT=${STORE_FLAT:-0}
FLAT_WARMUP=${FLAT_WARMUP:-10000}
FLAT_TOTAL=${FLAT_TOTAL:-100000}
ROUNDS=${ROUNDS:-5}
DURATION=${DURATION:-8}
CONNECTIONS=${CONNECTIONS:-32}
WARMUP=${WARMUP:-2}
BUILD_ROUNDS=${BUILD_ROUNDS:-1}
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
PORT=${BENCH_PORT:-18080}
BUILD_TIME=0
for arg in "$@"; do
    case "$arg" in
        --build-time) BUILD_TIME=1 ;;
        -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 0 ;;
        *) echo "unknown argument: $arg" >&2; exit 2 ;;
    esac
done

# shellcheck source=bench/common.sh
. bench/common.sh
# wrk is Debian's; install it when missing.
install_missing wrk wrk
for tool in taskset openssl python3 curl; do
    command -v "$tool" >/dev/null || { echo "$tool is required" >&2; exit 1; }
done

echo "== machine"
echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "cpus:    $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "sha_ni:  $(grep -qw sha_ni /proc/cpuinfo && echo present || echo absent)"
echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min)"
echo "rustc:   $(rustc --version)"
echo "wrk:     $(wrk --version 2>&1 | head -1)"

# The PostgreSQL the store-postgres pair runs on, if any.
PG_URL=
case "${DATABASE_URL:-}" in
    postgres://* | postgresql://*) PG_URL=$DATABASE_URL ;;
    *) PG_URL=${CALLBACK_TEST_POSTGRES_URL:-} ;;
esac
selected=
for adapter in $ADAPTERS; do
    case "$adapter" in
        actix | axum | store-sqlite | desk-1 | desk-10) ;;
        store-postgres)
            if [ -z "$PG_URL" ]; then
                echo "skipping store-postgres: set DATABASE_URL to a postgres:// URL, or run" \
                    "scripts/with-postgres.sh bench/load.sh"
                continue
            fi
            ;;
        *) echo "unknown pair in ADAPTERS: $adapter (known: $ALL_PAIRS)" >&2; exit 2 ;;
    esac
    selected="$selected $adapter"
done
ADAPTERS=${selected# }
[ -n "$ADAPTERS" ] || { echo "no pair to run" >&2; exit 2; }
wants() { case " $ADAPTERS " in *" $1"*) return 0 ;; *) return 1 ;; esac; }

echo "== building (release)"
# Each group in a build of its own, so that each server has the framework
# with the features it needs and no other (the store is compiled only into
# the store servers).
cargo build --release -p bench-servers --bins
if wants store-; then
    cargo build --release -p bench-servers --features store \
        --bin store-framework-server --bin store-hand-written-server
fi
if wants desk-; then
    cargo build --release -p bench-servers --features desk \
        --bin desk-framework-server --bin desk-hand-written-server --bin desk-delivery
fi
TARGET_DIR=$(target_dir)

WORK=$(mktemp -d /tmp/bench-load.XXXXXX)
SERVER_PID=
cleanup() {
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

CALLBACK_URL="http://127.0.0.1:$PORT/callbacks/onZohoAuthorise"
write_wrk_script "$WORK/request.lua"

# The Desk deliveries: what desk-delivery prints (the path with its query,
# the token, the body), a wrk script sending it, and the reply expected.
for adapter in $ADAPTERS; do
    case "$adapter" in desk-*) ;; *) continue ;; esac
    events=${adapter#desk-}
    "$TARGET_DIR/release/desk-delivery" "$events" >"$WORK/$adapter.delivery"
    sed -n 2p "$WORK/$adapter.delivery" >"$WORK/$adapter.token"
    sed -n 3p "$WORK/$adapter.delivery" | tr -d '\n' >"$WORK/$adapter.body"
    {
        echo 'wrk.method = "POST"'
        echo "wrk.body = [==[$(cat "$WORK/$adapter.body")]==]"
        echo 'wrk.headers["Content-Type"] = "application/json"'
        echo "wrk.headers[\"X-ZDesk-JWT\"] = \"$(cat "$WORK/$adapter.token")\""
    } >"$WORK/$adapter.lua"
done

# url ADAPTER: what wrk and the check request.
url() {
    case "$1" in
        desk-*) echo "http://127.0.0.1:$PORT$(sed -n 1p "$WORK/$1.delivery")" ;;
        *) echo "$CALLBACK_URL" ;;
    esac
}

# script ADAPTER: wrk's script for it.
script() {
    case "$1" in
        desk-*) echo "$WORK/$1.lua" ;;
        *) echo "$WORK/request.lua" ;;
    esac
}

# check ADAPTER SIDE: the pair's request must get 200 and the same body
# from both sides.
check() {
    case "$1" in
        desk-*)
            check_reply "$2" "{\"ok\":true,\"events\":${1#desk-}} 200" -X POST \
                -H 'Content-Type: application/json' -H "X-ZDesk-JWT: $(cat "$WORK/$1.token")" \
                --data-binary @"$WORK/$1.body" "$(url "$1")"
            ;;
        *)
            check_reply "$2" "$OK_REPLY" -X POST -H 'Content-Type: application/json' \
                -H "HASH: $HASH" --data-binary "$BODY" "$CALLBACK_URL"
            ;;
    esac
}

# user + system clock ticks of a process (all its threads).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# start ADAPTER SIDE TAG: starts SIDE's server for ADAPTER (its database,
# for a store pair, fresh: a new SQLite file named by TAG, or the server's
# own PostgreSQL schema made again), checked with the pair's request;
# SERVER_PID is its process.
start() {
    local adapter=$1 side=$2 tag=$3
    local vars=(ZOHO_EXTENSION_SECRET="$SECRET" BENCH_PORT="$PORT")
    case "$adapter" in
        store-sqlite) vars+=(DATABASE_URL="sqlite://$WORK/$side-$tag.db" ZOHO_STORE_KEY="$STORE_KEY") ;;
        store-postgres) vars+=(DATABASE_URL="$PG_URL" ZOHO_STORE_KEY="$STORE_KEY") ;;
    esac
    env "${vars[@]}" taskset -c "$SERVER_CPU" "$TARGET_DIR/release/$side-server" &
    SERVER_PID=$!
    wait_listening "$PORT" "$SERVER_PID" "$side"
    check "$adapter" "$side"
}

stop() {
    kill "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
}

# run_one ADAPTER SIDE ROUND: one measured run, appended to $WORK/runs.
run_one() {
    local adapter=$1 side=$2 round=$3
    start "$adapter" "$side" "round$round"
    local url script
    url=$(url "$adapter")
    script=$(script "$adapter")

    taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" -s "$script" "$url" >/dev/null
    local before after
    before=$(cpu_ticks "$SERVER_PID")
    taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency \
        -s "$script" "$url" >"$WORK/wrk.out"
    after=$(cpu_ticks "$SERVER_PID")
    local hwm
    hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$SERVER_PID/status")
    stop
    if grep -q 'Non-2xx' "$WORK/wrk.out"; then
        echo "$side ($adapter) answered errors under load:" >&2
        cat "$WORK/wrk.out" >&2
        exit 1
    fi
    python3 - "$WORK/wrk.out" "$adapter/$side" "$round" "$((after - before))" "$(getconf CLK_TCK)" "$hwm" \
        >>"$WORK/runs" <<'PY'
import re, sys
path, side, rnd, ticks, hz, hwm = sys.argv[1:]
out = open(path).read()
def us(text):
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 1, "ms": 1e3, "s": 1e6}[unit]
requests = int(re.search(r"(\d+) requests in", out).group(1))
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
p50 = us(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
p99 = us(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))
cpu = int(ticks) / int(hz) * 1e6 / requests
print(side, rnd, requests, f"{rps:.1f}", f"{p50:.1f}", f"{p99:.1f}", f"{cpu:.3f}", hwm)
PY
    tail -1 "$WORK/runs" | awk '{ printf "  %-36s round %s: %8s req/s  p50 %7s us  p99 %7s us  cpu %7s us/req  VmHWM %s kB\n", $1, $2, $4, $5, $6, $7, $8 }'
}

# pair ADAPTER: the framework's side and the hand-written side for it, as
# named by their binaries (`<side>-server`).
pair() {
    case "$1" in
        actix) echo "framework hand-written" ;;
        axum) echo "axum-framework axum-hand-written" ;;
        store-*) echo "store-framework store-hand-written" ;;
        desk-*) echo "desk-framework desk-hand-written" ;;
    esac
}

# targets ADAPTER: the pair's targets, "figure=bound" separated by commas.
targets() {
    case "$1" in
        actix | axum) echo "req/s=>= 0.97,p99 us=<= 1.10,cpu us/req=<= 1.03,VmHWM kB=<= 1.10" ;;
        store-*) echo "req/s=>= 0.90,cpu us/req=<= 1.15" ;;
        desk-*) echo "cpu us/req=<= 1.05" ;;
    esac
}

if [ "$ROUNDS" -gt 0 ]; then
echo "== load: $ROUNDS rounds of $ADAPTERS, ${DURATION}s each side, $CONNECTIONS connections, wrk -t1 on cpu $LOAD_CPU, server (1 worker) on cpu $SERVER_CPU"
for round in $(seq 1 "$ROUNDS"); do
    for adapter in $ADAPTERS; do
        read -r fw hw <<<"$(pair "$adapter")"
        if [ $((round % 2)) -eq 1 ]; then order="$fw $hw"; else order="$hw $fw"; fi
        for side in $order; do run_one "$adapter" "$side" "$round"; done
    done
done

for adapter in $ADAPTERS; do
read -r fw hw <<<"$(pair "$adapter")"
python3 - "$WORK/runs" "$adapter" "$adapter/$fw" "$adapter/$hw" "$(targets "$adapter")" <<'PY'
import statistics, sys
path, adapter, fw_side, hw_side, target_list = sys.argv[1:]
runs = [line.split() for line in open(path)]
names = ["req/s", "p50 us", "p99 us", "cpu us/req", "VmHWM kB"]
targets = dict(item.split("=", 1) for item in target_list.split(","))
by = {}
for side, rnd, _req, *figures in runs:
    by.setdefault(side, {})[rnd] = [float(f) for f in figures]
rounds = sorted(by[fw_side], key=int)
print("== %s: medians over %d rounds (ratio = median of per-round %s / %s)" % (
    adapter, len(rounds), fw_side.split("/")[1], hw_side.split("/")[1]))
print("  %-11s %13s %13s %8s %8s %8s  %s" % ("figure", "framework", "hand-written", "ratio", "min", "max", "target"))
for i, name in enumerate(names):
    fw = statistics.median(by[fw_side][r][i] for r in rounds)
    hw = statistics.median(by[hw_side][r][i] for r in rounds)
    ratios = [by[fw_side][r][i] / by[hw_side][r][i] for r in rounds]
    print("  %-11s %13.1f %13.1f %8.3f %8.3f %8.3f  %s" % (
        name, fw, hw, statistics.median(ratios), min(ratios), max(ratios), targets.get(name, "")))
PY
done
fi

# counted SCRIPT URL COUNT: drives the server with wrk until exactly COUNT
# replies came, each checked to be 200 (wrk's Lua ends the process at the
# COUNT-th; requests still in flight are cut off), within 10 minutes.
counted() {
    local script=$1 url=$2 count=$3
    {
        cat "$script"
        cat <<LUA
local replies = 0
function response(status, headers, body)
    if status ~= 200 then
        io.stderr:write("reply " .. status .. " after " .. replies .. " replies\n")
        os.exit(1)
    end
    replies = replies + 1
    if replies >= $count then os.exit(0) end
end
LUA
    } >"$WORK/counted.lua"
    taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d600s -s "$WORK/counted.lua" "$url" >"$WORK/wrk.out" ||
        { echo "a counted run failed" >&2; exit 1; }
    # A summary means the time ran out first.
    if grep -q 'requests in' "$WORK/wrk.out"; then
        echo "a counted run did not reach $count replies in 10 minutes:" >&2
        cat "$WORK/wrk.out" >&2
        exit 1
    fi
}

# memory PID: "VmHWM N kB, VmRSS N kB" of a process.
memory() {
    awk '/^VmHWM:/ { hwm = $2 } /^VmRSS:/ { rss = $2 } END { printf "VmHWM %6d kB, VmRSS %6d kB", hwm, rss }' \
        "/proc/$1/status"
}

if [ "$STORE_FLAT" = 1 ]; then
    for adapter in $ADAPTERS; do
        case "$adapter" in store-*) ;; *) continue ;; esac
        echo "== memory over $FLAT_TOTAL callbacks: $adapter (after the first $FLAT_WARMUP, then after all; $CONNECTIONS connections)"
        for side in $(pair "$adapter"); do
            start "$adapter" "$side" flat
            counted "$WORK/request.lua" "$CALLBACK_URL" "$FLAT_WARMUP"
            after_warmup=$(memory "$SERVER_PID")
            counted "$WORK/request.lua" "$CALLBACK_URL" "$((FLAT_TOTAL - FLAT_WARMUP))"
            after_all=$(memory "$SERVER_PID")
            stop
            printf '  %-20s after %7d: %s   after %7d: %s\n' "$side" "$FLAT_WARMUP" \
                "$after_warmup" "$FLAT_TOTAL" "$after_all"
        done
    done
fi

if [ "$BUILD_TIME" = 1 ]; then
    echo "== clean release build time, fresh target directories, $BUILD_ROUNDS round(s)"
    for round in $(seq 1 "$BUILD_ROUNDS"); do
        if [ $((round % 2)) -eq 1 ]; then order="hello hand-written"; else order="hand-written hello"; fi
        for side in $order; do
            case "$side" in
                hello) args=(-p hello) ;;
                hand-written) args=(-p bench-servers --no-default-features --bin hand-written-server) ;;
            esac
            dir=$(mktemp -d /tmp/bench-build.XXXXXX)
            python3 - "$side" "$round" "$dir" cargo build --release --quiet "${args[@]}" \
                >>"$WORK/builds" <<'PY'
import os, resource, subprocess, sys, time
side, rnd, target, *cmd = sys.argv[1:]
start = time.monotonic()
subprocess.run(cmd, check=True, env=dict(os.environ, CARGO_TARGET_DIR=target))
wall = time.monotonic() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(side, rnd, f"{wall:.1f}", f"{usage.ru_utime + usage.ru_stime:.1f}")
PY
            rm -rf "$dir"
            tail -1 "$WORK/builds" | awk '{ printf "  %-13s round %s: wall %7s s  cpu (user+sys) %7s s\n", $1, $2, $3, $4 }'
        done
    done
    python3 - "$WORK/builds" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
by = {}
for side, rnd, wall, cpu in rows:
    by.setdefault(side, {})[rnd] = (float(wall), float(cpu))
rounds = sorted(by["hello"], key=int)
for i, name in enumerate(["wall s", "cpu s"]):
    a = statistics.median(by["hello"][r][i] for r in rounds)
    b = statistics.median(by["hand-written"][r][i] for r in rounds)
    ratio = statistics.median(by["hello"][r][i] / by["hand-written"][r][i] for r in rounds)
    print("  build %-6s hello %7.1f  hand-written %7.1f  ratio %.3f  (target <= 1.15)" % (name, a, b, ratio))
PY
fi
