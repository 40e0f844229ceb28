# bench_gen_list.sh - the scale benchmark's list generator (bench/gen_list.c):
# says "skipped" without the name lists; with them (../shared/data/names) its
# output is the same for the same seed and another for another seed, every
# line imports as FtM JSON, a listed party is found again by its name, and the
# queries screen one result line per row. Exit 77 when gen_list is not built
# (it lives in bench/ of the build tree) or the name lists are absent.
. "$(dirname "$0")/testlib.inc"
GEN="$(dirname "$EMBARGO")/bench/gen_list"
if [ ! -x "$GEN" ]; then
    echo "skipped: $GEN is not built"
    exit 77
fi
T="$TEST_TMP_DIR"
H="$T/home"

# no name lists: a message and exit 0, nothing written
"$GEN" --data "$T/no-such-dir" 10 "$T/none.json" >"$OUT" 2>"$ERR"
RC=$?
expect_rc 0 "gen_list without data"
expect_err "skipped: " "says it skipped"
[ ! -e "$T/none.json" ] || fail "wrote a list without data"
"$GEN" >"$OUT" 2>"$ERR"
RC=$?
expect_rc 2 "gen_list without N"
expect_err "usage: gen_list" "usage"

if [ ! -d "$BUNDLED_DATA_DIR/../../shared/data/names" ]; then
    [ "$FAILS" -eq 0 ] || finish
    echo "skipped: ../shared/data/names is absent"
    exit 77
fi

"$GEN" --queries 40 "$T/q1.csv" 300 "$T/l1.json" >"$OUT" 2>"$ERR"
RC=$?
expect_rc 0 "gen_list 300"
expect_err "gen_list: 300 entities:" "its figures"
expect_err "distinct tokens" "its token figures"
"$GEN" --queries 40 "$T/q2.csv" 300 "$T/l2.json" 2>/dev/null
cmp -s "$T/l1.json" "$T/l2.json" || fail "the same seed gave another list"
cmp -s "$T/q1.csv" "$T/q2.csv" || fail "the same seed gave other queries"
"$GEN" --seed 7 300 "$T/l3.json" 2>/dev/null
! cmp -s "$T/l1.json" "$T/l3.json" || fail "another seed gave the same list"
n=$(grep -c '^{"id": "scale-' "$T/l1.json")
[ "$n" -eq 300 ] || fail "expected 300 entity lines, got $n"
n=$(grep -c '^Q[0-9]*,' "$T/q1.csv")
[ "$n" -eq 40 ] || fail "expected 40 query rows, got $n"

run --home "$H" --no-seed import "$T/l1.json"
expect_rc 0 "import the generated list"
expect_out "300 entities, format ftm-json" "every line imported"

# the first party's name finds it
name=$(head -1 "$T/l1.json" | sed 's/^.*"caption": "\([^"]*\)".*$/\1/')
run --home "$H" search --json "$name"
expect_rc 0 "search a listed name"
expect_out '"id": "os-scale-000000001"' "the listed party found by its name"

run --home "$H" screen --input "$T/q1.csv" --threads 2 --quiet
expect_rc 0 "screen the queries"
expect_lines '^\{' 40 "one result line per query"
finish
