#!/bin/sh
# run_scale.sh - the scale benchmark of issue 13 in one command: for each list
# size, a synthetic list and its queries from bench/gen_list.c, imported into a
# fresh home (--no-seed), the snapshot compiled, then searched and screened.
# Prints markdown tables for docs/PERFORMANCE.md ("Scale (issue 13)").
#
#   bench/run_scale.sh                  100k and 1M entities
#   bench/run_scale.sh --5m             and 5M (needs ~10x the 1M figures)
#   bench/run_scale.sh 100000 250000    the sizes given
#
# Per size: gen_list (wall), `embargo import` (wall, CPU, peak RSS from
# /usr/bin/time -v), the snapshot compile (what the first search after an
# import does; bench/scale_search.c --compile, under /usr/bin/time -v), the
# snapshot's size, the matcher's open (median of 5, the snapshot fresh), the
# latency of each em_search over the queries (p50 / mean / p99, one searcher,
# after 200 warm-up searches; the CPU time per search beside it), and the
# batch throughput of `embargo screen` with --threads 1 and 2 (the rows/s it
# reports itself, its audit log included; the whole command's wall and CPU
# time, engine open included, beside it). The machine is shared: CPU time is given
# beside wall time.
#
# Release build in build-scale/ ($SCALE_BUILD moves it); scratch in build-scale/scale-work/N (kept, so
# the logs can be read; $SCALE_WORK moves it). $SCALE_QUERIES sets the number
# of queries (default 10000). Needs ../shared/data/names
# ($EMBARGO_SHARED_DATA): without it, "skipped: ..." and exit 0.
#
# Before and after on the same lists: $SCALE_LISTS=DIR keeps each list and its
# queries in DIR (N.ftm.json, N.queries.csv, N.gen.log), generated there the
# first time and reused after; $SCALE_PREBUILT=1 measures the binaries already
# in $SCALE_BUILD (another commit's: embargo and bench/scale_search) without
# building:
#   SCALE_LISTS=/tmp/lists SCALE_BUILD=/tmp/old/build-scale SCALE_PREBUILT=1 \
#       SCALE_WORK=/tmp/before bench/run_scale.sh 100000
#   SCALE_LISTS=/tmp/lists SCALE_WORK=/tmp/after bench/run_scale.sh 100000
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
build="${SCALE_BUILD:-$root/build-scale}"
shared="${EMBARGO_SHARED_DATA:-$root/../shared/data}"
if [ ! -d "$shared/names" ]; then
    echo "skipped: $shared/names not found; set EMBARGO_SHARED_DATA"
    exit 0
fi
if [ ! -x /usr/bin/time ]; then
    echo "run_scale: /usr/bin/time is needed (apt-get install time)" >&2
    exit 1
fi

sizes="100000 1000000"
if [ "${1:-}" = "--5m" ]; then
    sizes="$sizes 5000000"
elif [ $# -gt 0 ]; then
    sizes="$*"
fi
nq="${SCALE_QUERIES:-10000}"
work="${SCALE_WORK:-$build/scale-work}"

lists="${SCALE_LISTS:-}"
if [ "${SCALE_PREBUILT:-0}" = 1 ]; then
    for b in "$build/embargo" "$build/bench/scale_search"; do
        [ -x "$b" ] || { echo "run_scale: SCALE_PREBUILT=1 but $b is missing" >&2; exit 1; }
    done
else
    echo "run_scale: building embargo, gen_list, scale_search (Release) in $build ..." >&2
    cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DEMBARGO_TESTS=OFF >/dev/null
    cmake --build "$build" --target embargo_cli gen_list scale_search -j2 >/dev/null
fi
embargo="$build/embargo"
export EMBARGO_SHARED_DATA="$shared"

# /usr/bin/time -v log -> "wall_s cpu_s rss_mb"
time_of() {
    awk -F': ' '
        /Elapsed \(wall clock\)/ { n = split($2, t, ":"); w = 0; for (i = 1; i <= n; i++) w = w * 60 + t[i] }
        /User time/ { c += $2 } /System time/ { c += $2 }
        /Maximum resident set size/ { r = $2 / 1024 }
        END { printf "%.1f %.1f %.0f\n", w, c, r }' "$1"
}
# key=value output -> value
val() { sed -n "s/^$2=//p" "$1"; }

rows_build=""
rows_query=""
for n in $sizes; do
    d="$work/$n"
    rm -rf "$d"
    mkdir -p "$d"
    if [ -n "$lists" ] && [ -s "$lists/$n.ftm.json" ] && [ -s "$lists/$n.queries.csv" ]; then
        echo "run_scale: $n entities: the list kept in $lists ..." >&2
        ln -s "$lists/$n.ftm.json" "$d/list.ftm.json"
        ln -s "$lists/$n.queries.csv" "$d/queries.csv"
        cp "$lists/$n.gen.log" "$d/gen.log" 2>/dev/null || : >"$d/gen.log"
        gen="kept"
    else
        [ -x "$build/bench/gen_list" ] ||
            cmake --build "$build" --target gen_list -j2 >/dev/null
        echo "run_scale: $n entities: generating ..." >&2
        /usr/bin/time -v "$build/bench/gen_list" --queries "$nq" "$d/queries.csv" "$n" \
            "$d/list.ftm.json" 2>"$d/gen.log"
        set -- $(time_of "$d/gen.log")
        gen="$1 s"
        if [ -n "$lists" ]; then
            mkdir -p "$lists"
            mv "$d/list.ftm.json" "$lists/$n.ftm.json"
            mv "$d/queries.csv" "$lists/$n.queries.csv"
            cp "$d/gen.log" "$lists/$n.gen.log"
            ln -s "$lists/$n.ftm.json" "$d/list.ftm.json"
            ln -s "$lists/$n.queries.csv" "$d/queries.csv"
        fi
    fi
    grep '^gen_list:' "$d/gen.log" >&2 || :
    list_mb=$(du -mL "$d/list.ftm.json" | cut -f1)

    echo "run_scale: $n entities: import ..." >&2
    # above the default limit of 2M entities per list (5M): raised to the list's size
    /usr/bin/time -v "$embargo" --home "$d/home" --no-seed import --max-entities "$((n + 1))" \
        "$d/list.ftm.json" >"$d/import.out" 2>"$d/import.log"
    set -- $(time_of "$d/import.log")
    imp="$1 s / $2 s / $3 MB"

    echo "run_scale: $n entities: snapshot compile ..." >&2
    /usr/bin/time -v "$build/bench/scale_search" --compile "$d/home" >"$d/compile.out" \
        2>"$d/compile.log"
    set -- $(time_of "$d/compile.log")
    comp="$1 s / $2 s / $3 MB"
    snap_mb=$(awk -v b="$(val "$d/compile.out" snapshot_bytes)" 'BEGIN { printf "%.0f", b / 1048576 }')

    echo "run_scale: $n entities: $nq searches ..." >&2
    "$build/bench/scale_search" "$d/home" "$d/queries.csv" >"$d/search.out"
    lat="$(val "$d/search.out" p50_us) / $(val "$d/search.out" mean_us) / $(val "$d/search.out" p99_us) µs"
    lat_cpu="$(val "$d/search.out" cpu_p50_us) / $(val "$d/search.out" cpu_mean_us) / $(val "$d/search.out" cpu_p99_us) µs"
    open="$(val "$d/search.out" open_ms) ms"
    hits="$(val "$d/search.out" matches)"

    thr=""
    for t in 1 2; do
        echo "run_scale: $n entities: screen --threads $t ..." >&2
        /usr/bin/time -v "$embargo" --home "$d/home" screen --input "$d/queries.csv" \
            --output "$d/screen$t.jsonl" --threads "$t" 2>"$d/screen$t.log" || {
            echo "run_scale: screen failed, see $d/screen$t.log" >&2
            exit 1
        }
        # its own "screened N rows: ... R rows/s" (the screening, without the open)
        rps=$(sed -n 's/^screened .* \([0-9]*\) rows\/s$/\1/p' "$d/screen$t.log")
        set -- $(time_of "$d/screen$t.log")
        thr="$thr | $rps rows/s (command: wall $1 s, CPU $2 s)"
    done
    names=$(sed -n 's/^gen_list: [0-9]* entities.*//; s/^gen_list: \([0-9]*\) names.*/\1/p' "$d/gen.log")
    tokens=$(sed -n 's/^gen_list: \([0-9]*\) distinct tokens.*/\1/p' "$d/gen.log")
    rows_build="$rows_build| $n | $names / $tokens | $list_mb MB, $gen | $imp | $comp | $snap_mb MB |
"
    rows_query="$rows_query| $n | $open | $lat | $lat_cpu | $hits$thr |
"
done

echo
echo "Machine: $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo), load $(cut -d' ' -f1-3 /proc/loadavg); queries: $nq (gen_list --queries)"
echo
echo "| entities | names / distinct tokens | list (FtM JSON), generated in | import wall / CPU / peak RSS | snapshot compile wall / CPU / peak RSS | snapshot |"
echo "|---|---|---|---|---|---|"
printf '%s' "$rows_build"
echo
echo "| entities | open | search wall p50 / mean / p99 | search CPU p50 / mean / p99 | queries matched | screen --threads 1 | screen --threads 2 |"
echo "|---|---|---|---|---|---|---|"
printf '%s' "$rows_query"
