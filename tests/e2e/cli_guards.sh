# cli_guards.sh - never screen against less than you think (issue 8, findings
# 1-5 and 9): an interrupted first use, a 0-byte or empty store, a list cut at
# a line end, a list of another kind under a configured source, limits on what
# an import may expand to, bad CLI input, leftovers of killed updates. Each
# check failed on the code before the guards.
. "$(dirname "$0")/testlib.inc"
: "${TEST_HTTP_SERVER:?the test HTTP server (set by tests/CMakeLists.txt)}"
T="$TEST_TMP_DIR"

# ---- 1. an interrupted first use never leaves a home without lists
for delay in 0.05 0.2 0.5 1 2; do
    H="$T/killed-$delay"
    "$EMBARGO" --home "$H" search "Esmail Khatib" >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    run --home "$H" search "Esmail Khatib"
    expect_rc 0 "search after a first use killed at ${delay}s"
    expect_out "ofac-39017" "the home was seeded whole after a kill at ${delay}s"
    ls "$H" | grep -q 'seed' && fail "a temporary seed is left in $H after ${delay}s"
done

# a 0-byte store file is a new home, seeded
H="$T/zero"
mkdir -p "$H" && : >"$H/embargo.db"
run --home "$H" search "Esmail Khatib"
expect_rc 0 "search on a 0-byte store"
expect_out "ofac-39017" "a 0-byte store is seeded"

# a store without active lists is an error for every screening command, never "no match"
H="$T/empty"
run --home "$H" --no-seed lists
expect_rc 0 "an empty home can be listed"
run --home "$H" search "Esmail Khatib"
expect_rc 1 "search on a home without lists"
expect_err "holds no active list" "search says the home has no lists"
expect_err "embargo import --bundled" "search says what to do"
expect_no_out "no listed party" "search never says 'no match' without lists"
printf 'name\nEsmail Khatib\n' >"$T/one.csv"
run --home "$H" screen --input "$T/one.csv"
expect_rc 1 "screen on a home without lists"
expect_err "holds no active list" "screen says the home has no lists"
run --home "$H" import --bundled
expect_rc 0 "import --bundled fills the empty home"
run --home "$H" search "Esmail Khatib"
expect_rc 0 "search after import --bundled"
expect_out "screened against: " "search says which list versions it screened against"
expect_out "ofac_sdn version" "the text output names the SDN version"
run --home "$H" search --json "Esmail Khatib"
expect_out '"lists": [{"source": "ofac_cons", "version": ' "search --json lists the versions"

# ---- 2 and 3: updates that deliver less, or another kind of list
W="$T/www"
mkdir -p "$W"
zcat "$TEST_DATA_DIR/uk/FCDO_UK_Sanctions_List_summary_2025-08-11.DERIVED.csv.gz" >"$W/fcdo.csv"
head -n 2000 "$W/fcdo.csv" >"$W/fcdo_cut.csv" # cut at a line end: parses
zcat "$TEST_DATA_DIR/uk/OFSI_ConList_2018-04-13.csv.gz" >"$W/ofsi.csv"
head -n 3000 "$W/ofsi.csv" >"$W/ofsi_cut.csv"
zcat "$TEST_DATA_DIR/eu/EU_FSF_csv1.0_2018-07-04_first999rows.csv.gz" >"$W/eu.csv"
head -n 300 "$W/eu.csv" >"$W/eu_cut.csv"
{
    echo "id,schema,name"
    i=1
    while [ $i -le 300 ]; do echo "$i,Person,Person Number$i Testname"; i=$((i + 1)); done
} >"$W/custom.csv"
head -n 101 "$W/custom.csv" >"$W/custom_cut.csv"
head -n 11 "$W/custom.csv" >"$W/custom10.csv"
zcat "$TEST_DATA_DIR/ofac/consolidated_2024-05-06.xml.gz" >"$W/cons.xml"
zcat "$BUNDLED_DATA_DIR/lists/un_sc/UN_consolidated_2026-02-27.xml.gz" >"$W/un.xml"

"$TEST_HTTP_SERVER" "$W" "$T/port" >"$T/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null' EXIT
trap 'kill $SERVER 2>/dev/null; exit 1' INT TERM
i=0
while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
[ -s "$T/port" ] || { echo "FAIL: test HTTP server did not start" >&2; exit 1; }
B="http://127.0.0.1:$(cat "$T/port")"
C="$T/update.conf"
FAST="--retries 1 --retry-delay 0.05 --low-speed-time 1 --timeout 20"
H="$T/home"
conf() { printf '%s\n' "# test config" "$@" >"$C"; }
up() { run --home "$H" update --config "$C" $FAST "$@"; }
conf "uk_fcdo $B/ok/fcdo.csv" "uk_ofsi $B/ok/ofsi.csv" "eu_fsf $B/ok/eu.csv" \
    "internal $B/ok/custom.csv"
up
expect_rc 0 "first update of the CSV sources"
run --home "$H" lists
cp "$OUT" "$T/lists.before"
for pair in "uk_fcdo fcdo_cut.csv" "uk_ofsi ofsi_cut.csv" "eu_fsf eu_cut.csv" \
    "internal custom_cut.csv"; do
    set -- $pair
    conf "$1 $B/ok/$2"
    up --source "$1"
    expect_rc 1 "a $1 download cut at a line end is refused"
    expect_out "it would drop" "the refusal says how much the list would drop ($1)"
done
run --home "$H" lists
grep -E '^(uk_fcdo|uk_ofsi|eu_fsf|internal) .*active' "$T/lists.before" >"$T/a"
grep -E '^(uk_fcdo|uk_ofsi|eu_fsf|internal) .*active' "$OUT" >"$T/b"
cmp -s "$T/a" "$T/b" || fail "the active versions changed after refused cut downloads"
# the publisher really removed parties: --force takes it
conf "internal $B/ok/custom_cut.csv"
up --source internal --force
expect_rc 0 "--force accepts a real shrink"
expect_out "100 entities" "the shrunken list is active with --force"

# another kind of list under a configured source
conf "ofac_sdn $B/ok/custom10.csv"
up --source ofac_sdn
expect_rc 1 "a custom CSV at the ofac_sdn URL is refused"
expect_out "takes only ofac lists" "the refusal names the source's family"
conf "un_sc $B/ok/cons.xml"
up --source un_sc
expect_rc 1 "OFAC XML at the UN URL is refused"
conf "un_sc $B/ok/fcdo.csv"
up --source un_sc --force
expect_rc 1 "an FCDO CSV at the UN URL is refused, even with --force"
run --home "$H" search "Esmail Khatib"
expect_out "ofac-39017" "the SDN list is intact"
# a source of the user's own is bound to the kind of its first version
conf "internal $B/ok/un.xml"
up --source internal
expect_rc 1 "a UN XML under a custom-CSV source is refused"
# import by hand goes through the same guards
run --home "$H" import --source un_sc "$W/fcdo.csv"
expect_rc 1 "import of an FCDO CSV as un_sc is refused"
expect_err "takes only un lists" "import names the family"
run --home "$H" import --source ofac_sdn "$TEST_DATA_DIR/ofac/sdn_2022-09-08.csv.gz"
expect_rc 1 "import of a much smaller SDN list is refused"
expect_err "--force" "the refusal says how to accept it"

# the publisher's own record count (OFAC XML Record_Count): a file that holds fewer
# records than it says is refused; one that holds what it says vouches for a shrink
X="$T/xml"
mkdir -p "$X"
zcat "$TEST_DATA_DIR/ofac/consolidated_2024-05-06.xml.gz" >"$X/CONSOLIDATED.XML"
awk '/<\/sdnEntry>/ { n++ } { print } n == 100 && /<\/sdnEntry>/ { print "</sdnList>"; exit }' \
    "$X/CONSOLIDATED.XML" >"$X/cons_cut.xml"
sed 's|<Record_Count>443</Record_Count>|<Record_Count>100</Record_Count>|' "$X/cons_cut.xml" \
    >"$X/cons_small.xml"
run --home "$T/xmlhome" --no-seed import "$X/CONSOLIDATED.XML"
expect_rc 0 "import the consolidated XML (443 records, as it says)"
run --home "$T/xmlhome" import "$X/cons_cut.xml"
expect_rc 1 "an XML with fewer records than its Record_Count"
expect_err "says it holds 443 records, 100 were read" "the count mismatch is named"
run --home "$T/xmlhome" import "$X/cons_small.xml"
expect_rc 0 "a smaller list vouched for by its own Record_Count"
expect_out "100 entities" "the vouched list is active"

# ---- 5. limits on what an import may expand to
run --home "$H" import --source lim --max-entities 100 "$W/custom.csv"
expect_rc 1 "more entities than --max-entities"
expect_err "more than 100 entities" "the limit is named"
gzip -c "$W/custom.csv" >"$T/custom.csv.gz"
run --home "$H" import --source lim --max-bytes 1000 "$T/custom.csv.gz"
expect_rc 1 "a file that decompresses past --max-bytes"
expect_err "more than 1000 bytes once decompressed" "the byte limit is named"
printf 'id,schema,name,aliases\n1,Person,Ann Example,%s\n' \
    "$(i=0; while [ $i -lt 60 ]; do printf 'Alias%s Name|' $i; i=$((i + 1)); done)" >"$T/aliases.csv"
run --home "$H" import --source lim --max-names 50 "$T/aliases.csv"
expect_rc 1 "more names per entity than --max-names"
expect_err "more than the limit of 50" "the names limit is named"
run --home "$H" import --source lim --max-field-bytes 5 "$T/aliases.csv"
expect_rc 1 "a field longer than --max-field-bytes"
run --home "$H" lists
expect_no_out "lim " "nothing of the refused imports is stored"

# ---- 4 and 9: bad CLI input
run --home "$H" screen --input "$T/one.csv" --output "$T/no/such/dir/out.jsonl"
expect_rc 1 "screen --output into a missing directory"
expect_err "cannot write" "screen says it cannot write"
printf 'schema,name1,name2\nPerson,Ann,Anne\n' >"$T/pairs.csv"
run compare --pairs "$T/pairs.csv" --output "$T/no/such/dir/out.jsonl"
expect_rc 1 "compare --pairs --output into a missing directory"
run --home "$H" screen --input "$T"
expect_rc 1 "screen --input DIR"
expect_err "Is a directory" "screen says the input is a directory"
for t in nan inf -0.5 1.5 0 abc 0.7x; do
    run --home "$H" search --threshold "$t" "Esmail Khatib"
    expect_rc 2 "search --threshold $t"
    run --home "$H" screen --threshold "$t" --input "$T/one.csv"
    expect_rc 2 "screen --threshold $t"
done
run --home "$H" screen --input "$T/one.csv"
expect_rc 0 "screen"
expect_out '"lists": [' "each screened row says which list versions it was screened against"

# a country the table does not know: the row is still screened, with a warning
printf 'name,country\nEsmail Khatib,Narnia\n' >"$T/narnia.csv"
run --home "$H" screen --input "$T/narnia.csv"
expect_rc 0 "screen with an unknown country"
expect_out '"matched": true' "the row is screened all the same"
expect_out "unknown country 'Narnia'" "the row says which fact was not used"

# ---- 9. what a killed update leaves in HOME/downloads is removed by the next one
mkdir -p "$H/downloads/uk_fcdo.999999999.AbCdEf"
echo partial >"$H/downloads/uk_fcdo.999999999.AbCdEf/fcdo.csv"
conf "uk_fcdo $B/slow/fcdo.csv"
"$EMBARGO" --home "$H" update --config "$C" --timeout 60 >/dev/null 2>&1 &
pid=$!
sleep 1
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
conf "uk_fcdo $B/ok/fcdo.csv"
up --source uk_fcdo
expect_rc 0 "an update after a killed one"
left=$(find "$H/downloads" -mindepth 1 | wc -l)
[ "$left" -eq 0 ] || fail "downloads of killed updates are left: $(find "$H/downloads" -mindepth 1)"
finish
