#!/bin/sh
# run_soak.sh - soak benchmark of `embargo serve`: a Release server over a home
# seeded from the bundled lists, first /healthz latency while four heavy
# /match requests (500 names each, the most one request may carry) run, then
# N minutes (default 10) of wrk sending good single-name POST /match requests,
# while a second loop sends malformed requests (garbage and truncated JSON,
# bad UTF-8, deep nesting, 2,000 and 10,000 query parameters, a 100 KB URL,
# %00, numbers that are not decimals, a body over the limit, too many names)
# and a new list version is imported every 30 s (tests/data OFAC SDN
# 2022-09-08 and 2022-09-09, alternately, as source ofac_sdn: the server
# swaps matchers live). Prints requests, errors (non-2xx answers to good
# requests, socket errors, 5xx or empty answers to the malformed ones), the
# reloads, and RSS after warm-up, every 30 s and at the end. Reports, does
# not assert.
#
# Usage: bench/run_soak.sh [--minutes N]
# Environment: EMBARGO (binary; default: a Release build in build-bench/),
# CONNECTIONS (wrk connections, 32), THREADS (wrk threads, 2),
# SERVER_THREADS (default: number of CPUs), RELOAD_EVERY (seconds, 30).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
MINUTES=10
while [ $# -gt 0 ]; do
    case $1 in
    --minutes) MINUTES=$2; shift 2 ;;
    --minutes=*) MINUTES=${1#--minutes=}; shift ;;
    -h | --help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run_soak: unknown argument $1 (see --help)" >&2; exit 2 ;;
    esac
done
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
RELOAD_EVERY=${RELOAD_EVERY:-30}

if ! command -v wrk >/dev/null 2>&1; then
    echo "run_soak: installing wrk" >&2
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get install -y -qq wrk >/dev/null || { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq wrk; }
fi
command -v curl >/dev/null 2>&1 || { echo "run_soak: curl is needed" >&2; exit 1; }

if [ -z "${EMBARGO:-}" ]; then
    B="$ROOT/build-bench"
    cmake -S "$ROOT" -B "$B" -DCMAKE_BUILD_TYPE=Release -DEMBARGO_TESTS=OFF >/dev/null
    cmake --build "$B" -j2 --target embargo_cli >/dev/null
    EMBARGO="$B/embargo"
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/embargo-soak.XXXXXX")
SPID=""
BG=""
cleanup() {
    touch "$WORK/stop"
    for p in $BG; do kill "$p" 2>/dev/null || true; done
    [ -n "$SPID" ] && kill "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$SPID/status" 2>/dev/null || echo 0; }
generation() { curl -s --max-time 5 "$URL/readyz" | grep -o '"generation":[0-9]*' | grep -o '[0-9]*$' || true; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# ---- the wrk script: varied single-name yente requests; counts non-2xx answers
cat >"$WORK/match.lua" <<'LUA'
local names = {
  "Esmail Khatib", "KHATIB, Seyed Esmaeil", "Ayman al-Zawahiri", "Ocean Trader",
  "Islamic Revolutionary Guard Corps", "Kim Jong Un", "Viktor Bout", "Joaquin Guzman Loera",
  "Banco Nacional de Cuba", "Hezbollah", "Ali Khamenei", "Qasem Soleimani", "Mahan Air",
  "John Smith", "Maria Garcia", "Mohammad Ali", "Acme Trading LLC", "Wei Zhang", "Olga Petrova",
  "Ahmed Hassan", "Juan Perez", "Fatima Zahra", "Sergei Ivanov", "Global Shipping Ltd",
}
local bodies = {}
local counter = 0
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  errors = 0
  for i, n in ipairs(names) do
    bodies[i] = string.format('{"queries": {"q1": {"schema": "%s", "properties": {"name": ["%s"]}}}}',
      (i % 5 == 4) and "Organization" or "Person", n)
  end
end
function request()
  counter = counter + 1
  return wrk.format("POST", "/match/default", { ["Content-Type"] = "application/json" },
    bodies[(counter % #bodies) + 1])
end
function response(status, headers, body)
  if status < 200 or status > 299 then errors = errors + 1 end
end
function done(summary, latency, requests)
  local e = 0
  for _, t in ipairs(threads) do e = e + (t:get("errors") or 0) end
  io.write(string.format("RESULT requests=%d duration_s=%.1f rps=%.0f p50_ms=%.3f p99_ms=%.3f " ..
    "max_ms=%.1f non2xx=%d socket_errors=%d (connect %d, read %d, write %d, timeout %d)\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000, e,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
end
LUA

# ---- the bodies of the malformed requests, and one heavy (500 names) request
awk 'BEGIN {
    printf "{\"queries\": {"
    for (i = 0; i < 100; i++) {
        printf "%s\"q%d\": {\"schema\": \"Person\", \"properties\": {\"name\": [", i ? "," : "", i
        for (j = 0; j < 5; j++) printf "%s\"Person %d Name %d\"", j ? "," : "", i, j
        printf "]}}"
    }
    printf "}}"
}' >"$WORK/heavy.json"
awk 'BEGIN { printf "{\"queries\": {"; for (i = 0; i < 100; i++) { printf "%s\"q%d\": {\"properties\": {\"name\": [", i ? "," : "", i; for (j = 0; j < 16; j++) printf "%s\"N %d %d\"", j ? "," : "", i, j; printf "]}}" }; printf "}}" }' >"$WORK/toomany.json"
head -c 2000000 /dev/zero | tr '\0' ' ' >"$WORK/big.json"
head -c 50000 /dev/zero | tr '\0' '[' >"$WORK/deep.json"
printf '{"queries": {"q1": {"properties": {"name": ["Esm\377il"]}}}}' >"$WORK/badutf8.json"
head -c 4096 /dev/urandom >"$WORK/garbage.bin"
P2000=$(awk 'BEGIN { s = "q=x"; for (i = 1; i < 2000; i++) s = s "&p" i "=1"; print s }')
P10000=$(awk 'BEGIN { s = "q=x"; for (i = 1; i < 10000; i++) s = s "&p" i "=1"; print s }')
URL100K=$(head -c 100000 /dev/zero | tr '\0' 'a')

# ---- the server
H="$WORK/home"
"$EMBARGO" --home "$H" lists >/dev/null # seed from the bundled lists
tries=0
while :; do
    tries=$((tries + 1))
    P=$(shuf -i 20000-60000 -n 1)
    set -- --home "$H" serve --listen "127.0.0.1:$P" --no-access-log
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
echo "embargo soak: $(nproc) CPUs, $MINUTES min, wrk -t$THREADS -c$CONNECTIONS, a list import every ${RELOAD_EVERY} s"
echo "binary: $EMBARGO"
echo "RSS after start: $(rss_kb) KB"

# ---- warm-up: searchers, entity cache, one reload
wrk -t"$THREADS" -c"$CONNECTIONS" -d15s -s "$WORK/match.lua" "$URL" >/dev/null
"$EMBARGO" --home "$H" import --force --source ofac_sdn "$ROOT/tests/data/ofac/sdn_2022-09-09.csv.gz" >/dev/null 2>&1
sleep 3
wrk -t"$THREADS" -c"$CONNECTIONS" -d10s -s "$WORK/match.lua" "$URL" >/dev/null
sleep 3 # the poller trims after a reload
RSS0=$(rss_kb)
echo "RSS after warm-up (one reload): $RSS0 KB"

# ---- /healthz while four heavy matches run
lat() { curl -s -o /dev/null -w '%{time_total}\n' --max-time 60 "$URL$1" || true; }
stats() { sort -n | awk '{ v[NR] = $1 * 1000 } END { printf "n=%d p50=%.1f ms p90=%.1f ms max=%.1f ms", NR, v[int(NR * 0.5 + 0.5)], v[int(NR * 0.9 + 0.5)], v[NR] }'; }
i=0
while [ $i -lt 20 ]; do lat /healthz; i=$((i + 1)); done >"$WORK/idle.txt"
t0=$(now)
curl -s -o "$WORK/heavy.out" -w '%{http_code} %{time_total}\n' -H 'Content-Type: application/json' \
    --data-binary "@$WORK/heavy.json" "$URL/match/default" >"$WORK/heavy1.txt"
HEAVY1=$(cat "$WORK/heavy1.txt")
for w in 1 2 3 4; do
    (while [ ! -f "$WORK/heavy.stop" ]; do
        curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H 'Content-Type: application/json' \
            --data-binary "@$WORK/heavy.json" "$URL/match/default" || true
    done) >"$WORK/heavy.$w" &
    BG="$BG $!"
done
sleep 1
i=0
while [ $i -lt 40 ]; do lat /healthz; sleep 0.2; i=$((i + 1)); done >"$WORK/busy.txt"
i=0
while [ $i -lt 20 ]; do lat /readyz; sleep 0.2; i=$((i + 1)); done >"$WORK/busy_ready.txt"
touch "$WORK/heavy.stop"
for p in $BG; do wait "$p" 2>/dev/null || true; done
BG=""
echo
echo "== /healthz while 4 heavy /match requests (100 queries x 5 names) run"
echo "one heavy request alone: HTTP ${HEAVY1% *}, ${HEAVY1#* } s"
echo "heavy requests during the probe: $(cat "$WORK"/heavy.[1-4] | wc -l), statuses: $(cat "$WORK"/heavy.[1-4] | awk '{ print $1 }' | sort | uniq -c | tr -s ' ' | tr '\n' ' ')"
echo "/healthz idle:          $(stats <"$WORK/idle.txt")"
echo "/healthz under 4 heavy: $(stats <"$WORK/busy.txt")"
echo "/readyz under 4 heavy:  $(stats <"$WORK/busy_ready.txt")"

# ---- the soak
END=$(($(date +%s) + MINUTES * 60))
rm -f "$WORK/stop"
# malformed requests: each answer's status ("000" = no answer at all)
(
    n=0
    # curl prints 000 when there is no answer; its exit status must not end the loop
    c() { curl -s --max-time 40 -o /dev/null -w '%{http_code}\n' "$@" || true; }
    while [ ! -f "$WORK/stop" ]; do
        n=$((n + 1))
        J='Content-Type: application/json'
        case $((n % 16)) in
        0) c -H "$J" --data-binary '{"queries": {"q1": ' "$URL/match/default" ;;
        1) c -H "$J" --data-binary "@$WORK/garbage.bin" "$URL/match/default" ;;
        2) c -H "$J" --data-binary "@$WORK/badutf8.json" "$URL/match/default" ;;
        3) c -H "$J" --data-binary "@$WORK/deep.json" "$URL/match/default" ;;
        4) c "$URL/search?$P2000" ;;
        5) c "$URL/search?$P10000" ;;
        6) c "$URL/search?q=$URL100K" ;;
        7) c "$URL/search?q=Esm%00ail" ;;
        8) c "$URL/search?q=Khatib&limit=0x10" ;;
        9) c -H "$J" --data-binary "@$WORK/big.json" "$URL/match/default" ;;
        10) c -H "$J" -H 'Transfer-Encoding: chunked' --data-binary "@$WORK/big.json" "$URL/match/default" ;;
        11) c -H "$J" --data-binary "@$WORK/toomany.json" "$URL/match/default" ;;
        12) c -H "$J" --data-binary '{"queries": []}' "$URL/match/default?threshold=1e-1" ;;
        13) c -X DELETE "$URL/catalog" ;;
        14) c -H "$J" --data-binary '{"queries": {"q": {"schema": "Dragon", "properties": {"name": ["x"]}}}}' "$URL/match/nope" ;;
        15) c -H "$J" --data-binary '{"queries":{"q":{"properties":{"name":[1,{"a":null}]}}}}' "$URL/match/default?limit=-1" ;;
        esac
    done
) >"$WORK/bad.codes" &
BG="$BG $!"
# a new list version every RELOAD_EVERY seconds
(
    k=0
    while [ ! -f "$WORK/stop" ]; do
        sleep "$RELOAD_EVERY"
        [ -f "$WORK/stop" ] && break
        k=$((k + 1))
        if [ $((k % 2)) -eq 1 ]; then f=sdn_2022-09-08.csv.gz; else f=sdn_2022-09-09.csv.gz; fi
        if "$EMBARGO" --home "$H" import --force --source ofac_sdn "$ROOT/tests/data/ofac/$f" >>"$WORK/imports.log" 2>&1; then
            echo ok
        else
            echo failed
        fi
    done
) >"$WORK/imports.txt" &
BG="$BG $!"
# RSS every 30 s
T0=$(now)
(
    while [ ! -f "$WORK/stop" ]; do
        echo "$(since "$T0") $(rss_kb) $(generation)"
        sleep 30
    done
) >"$WORK/rss.txt" &
BG="$BG $!"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$((END - $(date +%s)))s" --timeout 10s --latency \
    -s "$WORK/match.lua" "$URL" >"$WORK/wrk.txt"
touch "$WORK/stop"
for p in $BG; do wait "$p" 2>/dev/null || true; done
BG=""
sleep 3
RSS1=$(rss_kb)
M=$(curl -s "$URL/metrics")
RELOADS=$(echo "$M" | awk '$1 == "embargo_reloads_total" { print $2 }')
RFAIL=$(echo "$M" | awk '$1 == "embargo_reload_failures_total" { print $2 }')
ALIVE=$(curl -s -o /dev/null -w '%{http_code}' "$URL/healthz")

echo
echo "== soak: $MINUTES min"
grep -E '^RESULT|Latency|requests in' "$WORK/wrk.txt" || cat "$WORK/wrk.txt"
BADN=$(wc -l <"$WORK/bad.codes")
echo "malformed requests: $BADN, answers: $(sort "$WORK/bad.codes" | uniq -c | awk '{ printf "%s x%s  ", $2, $1 }')"
echo "malformed answered 5xx: $(grep -c '^5' "$WORK/bad.codes" || true), not answered (000): $(grep -c '^000' "$WORK/bad.codes" || true), 2xx: $(grep -c '^2' "$WORK/bad.codes" || true)"
echo "list imports: $(grep -c ok "$WORK/imports.txt" || true) ok, $(grep -c failed "$WORK/imports.txt" || true) failed; embargo_reloads_total $RELOADS, embargo_reload_failures_total $RFAIL"
echo "RSS: after warm-up $RSS0 KB, at the end $RSS1 KB; /healthz at the end: $ALIVE"
echo "RSS every 30 s (seconds, KB, matcher generation):"
awk '{ printf "  %6s s  %7s KB  gen %s\n", $1, $2, $3 }' "$WORK/rss.txt"
awk 'NR > 1 { if (min == "" || $2 < min) min = $2; if ($2 > max) max = $2 } END { printf "RSS over the soak (after the first sample): min %s KB, max %s KB\n", min, max }' "$WORK/rss.txt"
