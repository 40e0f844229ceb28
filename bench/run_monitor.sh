#!/bin/sh
# run_monitor.sh - the monitoring benchmark (issue 9): full and delta
# re-screening of synthetic registers, and a check that the delta is exact.
#
#   bench/run_monitor.sh                 N = 10000 100000 1000000
#   bench/run_monitor.sh 10000 100000    other sizes
#
# For each N: a register of N records (bench/gen_register, the same file for
# the same N) in a fresh home (--no-seed) holding OFAC SDN 2022-09-08:
#   1. `register import` = store the records, screen all of them (full
#      screen), compile the register's index of names for later deltas;
#   2. `import sdn_2022-09-09` = a new list version (1 entity added, 1 changed)
#      and the delta re-screen that import runs by itself;
#   3. a second fresh home with both versions imported first and the same
#      register imported (a full screen against 2022-09-09); the alerts of
#      both homes whose state is not "closed", as (record_id, entity_id), must
#      be the same set: the diff is printed and the script exits 1 if not.
# Wall time and peak RSS come from /usr/bin/time -v (Debian package "time"),
# else from the shell's clock and /proc/PID/status VmHWM polled. With
# script(1) (util-linux) the register import runs on a pseudo-terminal so that
# its progress lines, timed by `script -T`, split it into phases (store,
# screen, index build), to the granularity of those lines (every 1,000 records
# screened, 10,000 stored or indexed); without it those columns read "-".
#
# $BUILD: the build directory holding embargo and bench/gen_register (default
# build; configure it with -DCMAKE_BUILD_TYPE=Release: nothing is built here).
# $WORK: scratch directory (default $BUILD/bench-monitor); homes are removed
# after each N unless KEEP=1. $EMBARGO_SHARED_DATA overrides ../shared/data;
# when its names/ is absent the benchmark prints "skipped: ..." and exits 0.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-build}
case $build in /*) ;; *) build="$root/$build" ;; esac
data=${EMBARGO_SHARED_DATA:-$root/../shared/data}
work=${WORK:-$build/bench-monitor}
sdn8="$root/tests/data/ofac/sdn_2022-09-08.csv.gz"
sdn9="$root/tests/data/ofac/sdn_2022-09-09.csv.gz"
embargo="$build/embargo"
gen="$build/bench/gen_register"

if [ ! -d "$data/names" ]; then
    echo "skipped: $data/names is absent (the shared name lists)"
    exit 0
fi
for f in "$embargo" "$gen"; do
    if [ ! -x "$f" ]; then
        echo "run_monitor: $f is missing: cmake --build $build (a Release build)" >&2
        exit 1
    fi
done
[ $# -gt 0 ] || set -- 10000 100000 1000000
mkdir -p "$work"
export EMBARGO_NO_FOUR_EYES=1 LC_ALL=C

have_time=0
[ -x /usr/bin/time ] && /usr/bin/time -v true >/dev/null 2>&1 && have_time=1
have_script=0
command -v script >/dev/null 2>&1 && script -q -T /dev/null -c true /dev/null >/dev/null 2>&1 &&
    have_script=1

now() { date +%s.%N; }

# time_file F: "wall_s rss_kb" of a /usr/bin/time -v report
time_file() {
    awk '/Elapsed \(wall clock\)/ { n = split($NF, p, ":"); s = 0;
             for (i = 1; i <= n; i++) s = s * 60 + p[i]; w = s }
         /Maximum resident set size/ { r = $NF }
         END { print w, r }' "$1"
}

# measure OUT TFILE CMD...: runs CMD with stdout+stderr into OUT; writes
# "wall_s rss_kb" into TFILE; returns CMD's status.
measure() {
    _out=$1 _tf=$2
    shift 2
    if [ $have_time = 1 ]; then
        _rc=0
        /usr/bin/time -v -o "$_tf.raw" "$@" >"$_out" 2>&1 || _rc=$?
        time_file "$_tf.raw" >"$_tf"
        return $_rc
    fi
    _t0=$(now)
    "$@" >"$_out" 2>&1 &
    _pid=$! _hwm=0
    while kill -0 $_pid 2>/dev/null; do
        _h=$(awk '/^VmHWM:/ { print $2 }' /proc/$_pid/status 2>/dev/null || true)
        [ -n "$_h" ] && [ "$_h" -gt "$_hwm" ] && _hwm=$_h
        sleep 0.2
    done
    _rc=0
    wait $_pid || _rc=$?
    _t1=$(now)
    echo "$_t0 $_t1 $_hwm" | awk '{ printf "%.2f %d\n", $2 - $1, $3 }' >"$_tf"
    return $_rc
}

# phases TYPESCRIPT TIMING: "store screen index" seconds of a register import
# run under script -T, from the times its progress lines were written: store
# (with the start of the process) until the line before the first "screen:"
# line, screen until the last, index build (and the commit) until the report.
phases() {
    awk -v T="$2" 'BEGIN { RS = "\001" } { data = data $0 }
        END {
            # the header line script writes is not timed
            pos = index(data, "\n") + 1; t = 0; first_screen = -1; last_screen = -1
            RS = "\n"
            while ((getline l < T) > 0) {
                split(l, a, " "); t += a[1]
                chunk = substr(data, pos, a[2]); pos += a[2]
                if (chunk ~ /screen:/) {
                    # (without an "import:" line before, the first 1000 screened count as store)
                    if (first_screen < 0) first_screen = prev > 0 ? prev : t
                    last_screen = t
                }
                prev = t
                if (chunk ~ /register [^:]*: full screen/) done = t
            }
            if (first_screen < 0 || !done) { print "- - -"; exit }
            printf "%.2f %.2f %.2f\n", first_screen, last_screen - first_screen, done - last_screen
        }' "$1"
}

# open_alerts HOME OUT: the sorted "record_id entity_id" of the alerts whose
# state is not closed; checks that every alert of the listing was read.
open_alerts() {
    "$embargo" --home "$1" alerts --json --limit 1000000000 >"$2.json"
    awk '/^  "total": / { total = $2 + 0 }
         /^      "record_id": / { r = $2 }
         /^      "entity_id": / { e = $2 }
         /^      "state": / { n++; s = $2; gsub(/[",]/, "", s)
                              if (s != "closed") { gsub(/[",]/, "", r); gsub(/[",]/, "", e); print r, e } }
         END { if (n != total) { print "run_monitor: read " n " alerts of " total > "/dev/stderr"; exit 1 } }' \
        "$2.json" | sort >"$2"
}

mb() { awk -v k="$1" 'BEGIN { if (k == "" || k == 0) print "-"; else printf "%.0f", k / 1024 }'; }

echo "embargo monitoring benchmark: $(date -u +%Y-%m-%dT%H:%MZ), $(uname -srm)"
echo "cpu: $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(nproc) cores;" \
    "memory: $(awk '/^MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo)"
echo "embargo: $("$embargo" --version 2>/dev/null || echo '?') at $embargo;" \
    "timing: $([ $have_time = 1 ] && echo '/usr/bin/time -v' || echo 'shell clock + /proc VmHWM');" \
    "phases: $([ $have_script = 1 ] && echo 'script -T' || echo 'n/a')"
echo

table="$work/table.txt"
: >"$table"
status=0
for n in "$@"; do
    d="$work/n$n"
    rm -rf "$d"
    mkdir -p "$d"
    reg="$work/register_$n.csv"
    "$gen" "$n" "$reg" 2>"$d/planted.txt"
    echo "== N=$n: register $reg ($(grep -c '^planted' "$d/planted.txt") planted)"

    # 1. full screen against 2022-09-08
    "$embargo" --home "$d/a" --no-seed import "$sdn8" >"$d/a_import8.txt" 2>&1
    rc=0
    if [ $have_script = 1 ] && [ $have_time = 1 ]; then
        # on a pseudo-terminal, so that embargo writes its progress lines
        script -q -e -T "$d/full.timing" -c "/usr/bin/time -v -o '$d/full.t.raw' '$embargo' \
--home '$d/a' register import '$reg'" "$d/full.tty" >/dev/null </dev/null || rc=$?
        phases "$d/full.tty" "$d/full.timing" >"$d/phases"
        read -r p_store p_screen p_index <"$d/phases"
        sed '1d;/^Script done on/d' "$d/full.tty" >"$d/full.txt"
        time_file "$d/full.t.raw" >"$d/full.t"
    else
        measure "$d/full.txt" "$d/full.t" "$embargo" --home "$d/a" register import "$reg" || rc=$?
        p_store=- p_screen=- p_index=-
    fi
    tr '\r' '\n' <"$d/full.txt" | grep -v '^  [a-z]*: [0-9]* \(of [0-9]* \)*records' | grep -v '^ *$' || true
    if [ $rc != 0 ]; then
        echo "run_monitor: N=$n: register import failed ($rc)" >&2
        status=1
        continue
    fi
    read -r full_wall full_rss <"$d/full.t"

    # 2. the new list version: import + delta
    rc=0
    measure "$d/delta.txt" "$d/delta.t" "$embargo" --home "$d/a" import --source ofac_sdn "$sdn9" ||
        rc=$?
    cat "$d/delta.txt"
    if [ $rc != 0 ]; then
        echo "run_monitor: N=$n: import of 2022-09-09 failed ($rc)" >&2
        status=1
        continue
    fi
    read -r delta_wall delta_rss <"$d/delta.t"
    dline=$(grep 'delta screen of' "$d/delta.txt" | head -1 || true)
    delta_s=$(echo "$dline" | sed -n 's/.* in \([0-9.]*\) s$/\1/p')
    delta_n=$(echo "$dline" | sed -n 's/.*delta screen of \([0-9]*\) records.*/\1/p')
    [ -n "$dline" ] || {
        echo "run_monitor: N=$n: no delta screen after the import (a full screen instead?)" >&2
        status=1
    }

    # 3. the reference: both versions first, then the register (full on 2022-09-09)
    "$embargo" --home "$d/b" --no-seed import "$sdn8" >"$d/b_import8.txt" 2>&1
    "$embargo" --home "$d/b" --no-seed import --source ofac_sdn "$sdn9" >"$d/b_import9.txt" 2>&1
    rc=0
    measure "$d/ref.txt" "$d/ref.t" "$embargo" --home "$d/b" register import "$reg" || rc=$?
    echo "reference home (2022-09-09 first):"
    cat "$d/ref.txt"
    if [ $rc != 0 ]; then
        echo "run_monitor: N=$n: reference register import failed ($rc)" >&2
        status=1
        continue
    fi
    open_alerts "$d/a" "$d/alerts_delta.txt"
    open_alerts "$d/b" "$d/alerts_full.txt"
    na=$(wc -l <"$d/alerts_delta.txt" | tr -d ' ')
    nb=$(wc -l <"$d/alerts_full.txt" | tr -d ' ')
    if cmp -s "$d/alerts_delta.txt" "$d/alerts_full.txt"; then
        same=yes
    else
        same=NO
        status=1
        echo "run_monitor: N=$n: delta and full differ (< only after the delta, > only in the full screen):"
        diff "$d/alerts_delta.txt" "$d/alerts_full.txt" | grep '^[<>]' || true
    fi
    planted_hits=$(awk '{ print $1 }' "$d/alerts_delta.txt" | sort -u |
        grep -c -F -f "$(awk '/^planted/ { print $2 }' "$d/planted.txt" >"$d/planted.ids" && echo "$d/planted.ids")" || true)
    khatib=$(grep -c ' ofac-39017$' "$d/alerts_delta.txt" || true)
    echo "alerts not closed: $na after the delta, $nb in the full screen on 2022-09-09;" \
        "$planted_hits of $(wc -l <"$d/planted.ids" | tr -d ' ') planted records alert;" \
        "$khatib on ofac-39017 (KHATIB, Esmail); identical: $same"
    echo
    awk -v n="$n" -v fw="$full_wall" -v ps="$p_store" -v pc="$p_screen" -v pi="$p_index" \
        -v fr="$(mb "$full_rss")" -v dw="$delta_wall" -v ds="${delta_s:--}" \
        -v dr="$(mb "$delta_rss")" -v dn="${delta_n:--}" -v na="$na" -v nb="$nb" -v same="$same" \
        'BEGIN { rps = (pc != "-" && pc > 0) ? sprintf("%.0f", n / pc) : sprintf("%.0f", n / fw)
                 printf "| %s | %.2f | %s | %s | %s | %s | %s | %.2f | %s | %s | %s | %s / %s | %s |\n",
                        n, fw, ps, pc, pi, rps, fr, dw, ds, dr, dn, na, nb, same }' >>"$table"
    [ "${KEEP:-0}" = 1 ] || rm -rf "$d/a" "$d/b"
done

echo "| N records | register import s | store s | full screen s | index build s | records/s (screen) | peak RSS MB | list import + delta s | delta s | peak RSS MB | records screened by the delta | alerts delta / full | identical |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|"
cat "$table"
exit $status
