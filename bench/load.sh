#!/usr/bin/env bash
# bench/load.sh: the HTTP comparison of issue 8, framework against the same
# work written by hand (bench/servers), in one run, for each adapter:
# callback-actix against a hand-written actix-web handler, and callback-axum
# against a hand-written axum handler.
#
# Builds the servers in release mode, then for ROUNDS rounds starts each in
# turn (the order of each pair flips every round) pinned to one core, drives it with wrk
# pinned to the other core with the same signed request, connections and
# duration, and records req/s, p50, p99, server CPU time per request
# (user + system of the server process, from /proc/<pid>/stat, over the
# measured run only) and peak RSS (VmHWM). It prints each run, the median of
# each figure, and the median of the per-round ratios framework/hand-written:
# load from other processes hits the two runs of a round alike, so ratios
# within a round are steadier than absolute figures.
#
# With --build-time it also times clean release builds of examples/hello and
# of the hand-written server, each into a fresh target directory under /tmp
# (wall time, and the user + system CPU time of the whole build).
#
# Usage: bench/load.sh [--build-time]
# Environment: ADAPTERS ("actix axum": the pairs to compare), ROUNDS (5; 0
# skips the load comparison), DURATION seconds
# per run (8), CONNECTIONS (32), WARMUP seconds (2), BUILD_ROUNDS (1),
# SERVER_CPU (0), LOAD_CPU (1), BENCH_PORT (18080). The defaults take about
# 2 minutes per adapter once built; --build-time adds about 4 minutes per
# build round on a 2-core machine.
# Only 127.0.0.1 is contacted; every run is bounded by DURATION.
set -euo pipefail
cd "$(dirname "$0")/.."

ADAPTERS=${ADAPTERS:-actix axum}
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
        -h | --help) sed -n '2,28p' "$0"; exit 0 ;;
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

echo "== building (release)"
cargo build --release -p bench-servers --bins
TARGET_DIR=$(target_dir)

WORK=$(mktemp -d /tmp/bench-load.XXXXXX)
SERVER_PID=
cleanup() {
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

URL="http://127.0.0.1:$PORT/callbacks/onZohoAuthorise"
write_wrk_script "$WORK/request.lua"

# user + system clock ticks of a process (all its threads).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# run_one SIDE ROUND: one measured run, appended to $WORK/runs.
run_one() {
    local side=$1 round=$2
    ZOHO_EXTENSION_SECRET=$SECRET BENCH_PORT=$PORT \
        taskset -c "$SERVER_CPU" "$TARGET_DIR/release/$side-server" &
    SERVER_PID=$!
    # The same signed request must succeed with the same body on both.
    await_server "$PORT" "$SERVER_PID" "$side"

    taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" -s "$WORK/request.lua" "$URL" >/dev/null
    local before after
    before=$(cpu_ticks "$SERVER_PID")
    taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency \
        -s "$WORK/request.lua" "$URL" >"$WORK/wrk.out"
    after=$(cpu_ticks "$SERVER_PID")
    local hwm
    hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$SERVER_PID/status")
    kill "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
    if grep -q 'Non-2xx' "$WORK/wrk.out"; then
        echo "$side answered errors under load:" >&2
        cat "$WORK/wrk.out" >&2
        exit 1
    fi
    python3 - "$WORK/wrk.out" "$side" "$round" "$((after - before))" "$(getconf CLK_TCK)" "$hwm" \
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
    tail -1 "$WORK/runs" | awk '{ printf "  %-17s round %s: %8s req/s  p50 %7s us  p99 %7s us  cpu %6s us/req  VmHWM %s kB\n", $1, $2, $4, $5, $6, $7, $8 }'
}

# pair ADAPTER: the framework's side and the hand-written side for it, as
# named by their binaries (`<side>-server`).
pair() {
    case "$1" in
        actix) echo "framework hand-written" ;;
        axum) echo "axum-framework axum-hand-written" ;;
        *) echo "unknown adapter in ADAPTERS: $1" >&2; exit 2 ;;
    esac
}

if [ "$ROUNDS" -gt 0 ]; then
echo "== load: $ROUNDS rounds of $ADAPTERS, ${DURATION}s each side, $CONNECTIONS connections, wrk -t1 on cpu $LOAD_CPU, server (1 worker) on cpu $SERVER_CPU"
for round in $(seq 1 "$ROUNDS"); do
    for adapter in $ADAPTERS; do
        read -r fw hw <<<"$(pair "$adapter")"
        if [ $((round % 2)) -eq 1 ]; then order="$fw $hw"; else order="$hw $fw"; fi
        for side in $order; do run_one "$side" "$round"; done
    done
done

for adapter in $ADAPTERS; do
python3 - "$WORK/runs" "$adapter" $(pair "$adapter") <<'PY'
import statistics, sys
path, adapter, fw_side, hw_side = sys.argv[1:]
runs = [line.split() for line in open(path)]
names = ["req/s", "p50 us", "p99 us", "cpu us/req", "VmHWM kB"]
targets = {"req/s": ">= 0.97", "p99 us": "<= 1.10", "cpu us/req": "<= 1.03", "VmHWM kB": "<= 1.10"}
by = {}
for side, rnd, _req, *figures in runs:
    by.setdefault(side, {})[rnd] = [float(f) for f in figures]
rounds = sorted(by[fw_side], key=int)
print("== %s: medians over %d rounds (ratio = median of per-round %s/%s)" % (adapter, len(rounds), fw_side, hw_side))
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
