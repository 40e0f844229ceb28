# cli_versions.sh - import, lists, show, diff and atomicity of the CLI on real
# OFAC files: the 2022-09-08 -> 2022-09-09 change that added KHATIB, Esmail
# (ofac-39017) and the CYBER2 program to the Iranian ministry (ofac-12111).
. "$(dirname "$0")/testlib.inc"
H="$TEST_TMP_DIR/home"

run --home "$H" --no-seed lists
expect_rc 0 "lists on an empty home"
expect_out "no lists" "empty home says so"

run --home "$H" import "$TEST_DATA_DIR/ofac/sdn_2022-09-08.csv.gz"
expect_rc 0 "import 2022-09-08"
expect_out "ofac_sdn   version 1 active: 10483 entities" "first version"

run --home "$H" show ofac-12111
expect_rc 0 "show 12111 in v1"
expect_no_out "CYBER2" "no CYBER2 before 2022-09-09"
run --home "$H" show ofac-39017
expect_rc 1 "39017 not listed before 2022-09-09"
expect_err "no entity ofac-39017" "clear message"

run --home "$H" import "$TEST_DATA_DIR/ofac/sdn_2022-09-09.csv.gz"
expect_rc 0 "import 2022-09-09"
expect_out "ofac_sdn   version 2 active: 10484 entities" "second version"

run --home "$H" import "$TEST_DATA_DIR/ofac/sdn_2022-09-09.csv.gz"
expect_rc 0 "re-import of the same file"
expect_out "unchanged" "same file makes no new version"

run --home "$H" diff --source ofac_sdn
expect_rc 0 "diff"
expect_out "diff of versions 1 -> 2" "default range is previous -> active"
expect_out "+ ofac-39017   KHATIB, Esmail [Person]" "KHATIB added"
expect_out "~ ofac-12111   IRANIAN MINISTRY OF INTELLIGENCE AND SECURITY [Organization]" "MOIS changed"
expect_out 'programs: +["CYBER2"]' "CYBER2 added to the programs"
expect_out "properties.target_type: +[\"Government Entity\"]" "new Target Type fact"
expect_out "1 added, 0 removed, 1 changed" "nothing else changed"

run --home "$H" diff --from 2 --to 1 --json
expect_rc 0 "reverse diff as JSON"
expect_out '"change": "removed", "id": "ofac-39017"' "reverse: KHATIB removed"
expect_out '"removed": ["CYBER2"]' "reverse: CYBER2 removed"

run --home "$H" show ofac-39017
expect_rc 0 "show 39017"
expect_out "1960 to 1961" "birth date range"
expect_out "Ghayenat, South Khorasan Province, Iran" "place of birth"
expect_out "male" "gender"
expect_out "linked_to IRANIAN MINISTRY OF INTELLIGENCE AND SECURITY (ofac-12111)" "link resolved"

run --home "$H" show --version 1 ofac-12111
expect_rc 0 "show an old version"
expect_no_out "CYBER2" "old version kept as it was"

# A truncated file is refused and the active version stays.
zcat "$TEST_DATA_DIR/ofac/sdn_2022-09-09.csv.gz" | head -c 1500000 >"$TEST_TMP_DIR/sdn.csv"
run --home "$H" import "$TEST_TMP_DIR/sdn.csv"
expect_rc 1 "truncated file refused"
expect_err "sdn.csv" "error names the file"
expect_err "nothing was imported" "says nothing changed"
# A file cut exactly at a line end (no end-of-file marker) is refused too.
zcat "$TEST_DATA_DIR/ofac/sdn_2022-09-09.csv.gz" | head -n 5000 >"$TEST_TMP_DIR/sdn.csv"
run --home "$H" import "$TEST_TMP_DIR/sdn.csv"
expect_rc 1 "file cut at a line boundary refused"
# Garbage and empty files are refused.
head -c 3000 /dev/urandom >"$TEST_TMP_DIR/garbage.bin"
run --home "$H" import "$TEST_TMP_DIR/garbage.bin"
expect_rc 1 "garbage refused"
expect_err "garbage.bin" "error names the garbage file"
: >"$TEST_TMP_DIR/empty.csv"
run --home "$H" import "$TEST_TMP_DIR/empty.csv"
expect_rc 1 "empty file refused"
expect_err "empty" "says the file is empty"
run --home "$H" import "$TEST_TMP_DIR/does-not-exist.csv"
expect_rc 1 "missing file refused"

run --home "$H" lists
expect_rc 0 "lists after failures"
expect_lines "^ofac_sdn +2 active" 1 "version 2 still active"
expect_lines "^ofac_sdn " 2 "exactly two versions kept"
run --home "$H" show ofac-39017
expect_rc 0 "data still there after failed imports"

run --home "$H" lists --json
expect_out '"version": 2, "active": true' "JSON lists"

run --home "$H" bogus
expect_rc 2 "unknown command"
run --home "$H" diff
expect_rc 2 "diff without arguments is a usage error"
finish
