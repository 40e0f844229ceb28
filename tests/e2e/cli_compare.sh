# cli_compare.sh - pair scores: two names on the command line, or a CSV of pairs.
. "$(dirname "$0")/testlib.inc"

run compare "Esmail Khatib" "KHATIB, Esmail"
expect_rc 0 "compare two names"
expect_out "score: " "prints the score"
expect_out "match: yes" "reordered name matches"
expect_out "explanation:" "and why"
run compare --json --schema Person "Esmail Khatib" "KHATIB, Esmail"
expect_rc 0 "compare --json"
expect_out '"match": true' "JSON match"
expect_out '"explanation": {' "explanation as a JSON object"
run compare "Angela Merkel" "Angelo Cruz"
expect_rc 0 "no match is not an error"
expect_out "match: no" "different people"
run compare --threshold 0.01 "Angela Merkel" "Angelo Cruz"
expect_out "threshold 0.01" "--threshold"

P="$TEST_TMP_DIR/pairs.csv"
cat >"$P" <<'CSV'
schema,name1,name2,note
Person,Esmail Khatib,"KHATIB, Esmail",reordered
Person,Angela Merkel,Angelo Cruz,"different, people"
,Vladimir Putin,Vladimir Putin,"same ""name"""
Organization,Acme Trading LLC,Zenith Shipping Ltd,
CSV
run compare --pairs "$P"
expect_rc 0 "compare --pairs"
expect_lines '.' 5 "header and 4 rows"
expect_lines '^schema,name1,name2,note,score,match$' 1 "header with score and match"
expect_lines '^Person,Esmail Khatib,"KHATIB, Esmail",reordered,[01]\.[0-9]{3},true$' 1 "row 1"
expect_lines '^Person,Angela Merkel,Angelo Cruz,"different, people",[01]\.[0-9]{3},false$' 1 "row 2"
expect_lines '^,Vladimir Putin,Vladimir Putin,"same ""name""",1\.000,true$' 1 "row 3 quoted"
expect_lines '^Organization,Acme Trading LLC,Zenith Shipping Ltd,,[01]\.[0-9]{3},false$' 1 "row 4"
run compare --pairs "$P" --output "$TEST_TMP_DIR/scored.csv"
expect_rc 0 "--output"
[ "$(wc -l <"$TEST_TMP_DIR/scored.csv")" -eq 5 ] || fail "--output file has 5 lines"

run compare "Esmail Khatib"
expect_rc 2 "one name"
run compare
expect_rc 2 "no names"
run compare a b c
expect_rc 2 "three names"
run compare --bogus a b
expect_rc 2 "unknown option"
run compare --pairs "$P" a
expect_rc 2 "names and --pairs"
run compare --pairs "$TEST_TMP_DIR/missing.csv"
expect_rc 1 "missing pairs file"
finish
