#!/bin/sh
# run_load.sh - load benchmark of `embargo serve` with wrk: single-name
# POST /match/default requests with varied names (2 threads, 64 connections,
# 20 s), then a second run during which a new list version is imported by the
# CLI mid-run (the server swaps matchers live). Prints requests/s, p50/p99
# latency and the non-2xx count of each run (target: >= 10,000 req/s,
# p99 <= 5 ms, 0 errors during the reload). Reports, does not assert.
#
# Environment: EMBARGO (binary; default: a Release build in build-bench/),
# DURATION (default 20s), CONNECTIONS (64), THREADS (wrk threads, 2),
# SERVER_THREADS (default: number of CPUs), PORT (default: a free one).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}

if ! command -v wrk >/dev/null 2>&1; then
    echo "run_load: installing wrk" >&2
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get install -y -qq wrk >/dev/null || { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq wrk; }
fi
command -v curl >/dev/null 2>&1 || { echo "run_load: curl is needed" >&2; exit 1; }

if [ -z "${EMBARGO:-}" ]; then
    B="$ROOT/build-bench"
    cmake -S "$ROOT" -B "$B" -DCMAKE_BUILD_TYPE=Release -DEMBARGO_TESTS=OFF >/dev/null
    cmake --build "$B" -j"$(nproc)" --target embargo_cli >/dev/null
    EMBARGO="$B/embargo"
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/embargo-load.XXXXXX")
SPID=""
cleanup() {
    [ -n "$SPID" ] && kill "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

# the wrk script: varied single-name yente requests; counts non-2xx answers
cat >"$WORK/match.lua" <<'LUA'
local names = {
  "Esmail Khatib", "KHATIB, Seyed Esmaeil", "Ayman al-Zawahiri", "Ocean Trader",
  "Islamic Revolutionary Guard Corps", "Kim Jong Un", "Viktor Bout", "Joaquin Guzman Loera",
  "Banco Nacional de Cuba", "Hezbollah", "Ali Khamenei", "Qasem Soleimani", "Mahan Air",
  "John Smith", "Maria Garcia", "Mohammad Ali", "Acme Trading LLC", "Wei Zhang", "Olga Petrova",
  "Ahmed Hassan", "Juan Perez", "Fatima Zahra", "Sergei Ivanov", "Global Shipping Ltd",
  "Kathryn Barr", "Ibrahim al-Badri", "Hamza bin Laden", "Rosneft", "Sberbank", "Aeroflot",
  "Nasrallah Hassan", "Tariq Aziz", "Pablo Escobar", "Lin Mei", "Yusuf Qaradawi", "Otto Weber",
}
local schemas = { "Person", "Person", "Person", "Vessel", "Organization", "Person", "Person",
  "Person", "Organization", "Organization", "Person", "Person", "Organization" }
local bodies = {}
local counter = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  errors = 0
  for i, n in ipairs(names) do
    local schema = schemas[i] or "Person"
    bodies[i] = string.format(
      '{"queries": {"q1": {"schema": "%s", "properties": {"name": ["%s"]}}}}', schema, n)
  end
end

function request()
  counter = counter + 1
  local body = bodies[(counter % #bodies) + 1]
  return wrk.format("POST", "/match/default", { ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body)
  if status < 200 or status > 299 then errors = errors + 1 end
end

function done(summary, latency, requests)
  local e = 0
  for _, t in ipairs(threads) do e = e + (t:get("errors") or 0) end
  io.write(string.format("RESULT requests=%d duration_s=%.2f rps=%.0f p50_ms=%.3f p99_ms=%.3f " ..
    "max_ms=%.3f non2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000, e,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA

start_server() {
    H="$WORK/home"
    "$EMBARGO" --home "$H" lists >/dev/null # seed from the bundled lists
    tries=0
    while :; do
        tries=$((tries + 1))
        P=${PORT:-$(shuf -i 20000-60000 -n 1)}
        set -- --home "$H" serve --listen "127.0.0.1:$P" --access-log "$WORK/access.log"
        [ -n "${SERVER_THREADS:-}" ] && set -- "$@" --threads "$SERVER_THREADS"
        "$EMBARGO" "$@" >"$WORK/server.out" 2>"$WORK/server.err" &
        SPID=$!
        i=0
        while [ $i -lt 600 ]; do
            kill -0 "$SPID" 2>/dev/null || break
            [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$P/readyz")" = 200 ] && break
            sleep 0.1
            i=$((i + 1))
        done
        if kill -0 "$SPID" 2>/dev/null; then break; fi
        SPID=""
        if [ $tries -ge 10 ] || ! grep -q "Address already in use" "$WORK/server.err"; then
            cat "$WORK/server.err" >&2
            exit 1
        fi
    done
    URL="http://127.0.0.1:$P"
    # warm the entity cache and the searchers
    for n in 1 2 3; do curl -s -o /dev/null "$URL/search?q=warm+up"; done
}

echo "embargo load benchmark: $(nproc) CPUs, wrk -t$THREADS -c$CONNECTIONS -d$DURATION"
start_server
cat "$WORK/server.out"

echo
echo "== run 1: steady state"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$WORK/match.lua" "$URL" \
    | tee "$WORK/run1.txt"

echo
echo "== run 2: a new list version is imported and swapped in mid-run"
(
    sleep 5
    t0=$(date +%s.%N)
    "$EMBARGO" --home "$H" import --force "$ROOT/tests/data/ofac/sdn_2022-09-09.csv.gz" >"$WORK/import.txt" 2>&1
    echo "import (5 s into run 2) took $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }') s" >>"$WORK/import.txt"
) &
IPID=$!
GEN0=$(curl -s "$URL/readyz" | grep -o '"generation":[0-9]*' | grep -o '[0-9]*$')
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$WORK/match.lua" "$URL" \
    | tee "$WORK/run2.txt"
wait "$IPID" || true
GEN1=$(curl -s "$URL/readyz" | grep -o '"generation":[0-9]*' | grep -o '[0-9]*$')
cat "$WORK/import.txt"
RELOADS=$(curl -s "$URL/metrics" | awk '$1 == "embargo_reloads_total" { print $2 }')

echo
echo "== summary"
r1=$(grep '^RESULT' "$WORK/run1.txt")
r2=$(grep '^RESULT' "$WORK/run2.txt")
echo "steady:        $r1"
echo "during reload: $r2"
echo "matcher generation before/after run 2: $GEN0 -> $GEN1 (embargo_reloads_total $RELOADS)"
echo "targets: >= 10000 req/s, p99 <= 5 ms, 0 non-2xx during the reload"
