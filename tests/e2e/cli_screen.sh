# cli_screen.sh - batch screening: CSV (header, quotes, BOM) and JSON lines in,
# JSON lines out in input order, identifiers, bad rows, threads, stdin.
. "$(dirname "$0")/testlib.inc"
H="$TEST_TMP_DIR/home"
IN="$TEST_TMP_DIR/in.csv"

# line N of the output
line() { sed -n "${1}p" "$OUT"; }
line_has() { line "$1" | grep -qF -- "$2" || fail "output row $1 lacks '$2' ($3)"; }
line_lacks() { ! line "$1" | grep -qF -- "$2" || fail "output row $1 has '$2' ($3)"; }

# IMO 9187629 is the vessel ARTAVIL (ofac-15036); the XBT address belongs to
# YAN, Xiaobing (ofac-25308) - both on the bundled SDN list.
printf '\357\273\277id,Name,schema,birth_date,nationality,imo,crypto\r\n' >"$IN"
cat >>"$IN" <<'CSV'
a1,Esmail Khatib,Person,1960,,,
a2,"KHATIB, Seyed Esmaeil",,,,,
a3,Kathryn Barr,Person,,,,
a4,"Barr, Kathryn ""Kate""",Person,,,,
a5,Ocean Trader,Vessel,,,9187629,
a6,,,,,,
a7,John Smithers,,,,,12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h
CSV

run --home "$H" screen --input "$IN" --threads 2
expect_rc 0 "screen a CSV file"
expect_lines '^\{"row": ' 7 "one output line per data row"
line_has 1 '"row": 1, "id": "a1"' "row number and caller id"
line_has 1 '"matched": true' "Esmail Khatib matches"
line_has 1 '"id": "ofac-39017"' "Esmail Khatib is ofac-39017"
line_has 1 '"dataset": "ofac_sdn"' "result source"
line_has 1 '"explanation": {' "explanation embedded as a JSON object"
line_has 1 '"birth_date": "1960"' "query echoed"
line_has 2 '"name": "KHATIB, Seyed Esmaeil"' "quoted name with a comma read whole"
line_has 2 '"id": "ofac-39017"' "listed alias order"
line_has 3 '"matched": false' "an innocent name"
line_has 3 '"results": []' "no non-matching results without --all"
line_has 4 '"name": "Barr, Kathryn \"Kate\""' "quoted field with a comma and \"\" escapes"
line_has 4 '"matched": false' "innocent, reordered"
line_has 5 '"id": "ofac-15036"' "vessel matched by its IMO number"
line_has 5 '"matched": true' "identifier match"
line_has 6 '"row": 6, "id": "a6", "error": ' "a row without name nor identifier is an error"
line_lacks 6 '"results"' "an error row has no results"
line_has 7 '"id": "ofac-25308"' "crypto wallet matched"
expect_err "screened 7 rows" "summary on stderr"
expect_err "1 errors" "summary counts the bad row"

# --all returns results below the threshold too
run --home "$H" screen --input "$IN" --all --limit 3
expect_rc 0 "screen --all"
line_has 1 '"match": false' "--all shows non-matching candidates"

# JSON lines: the same rows, identifiers as an array, a broken line
J="$TEST_TMP_DIR/in.jsonl"
cat >"$J" <<'JSONL'
{"id": 1, "name": "Esmail Khatib", "schema": "Person", "dob": "1960"}
{"id": 2, "name": "KHATIB, Seyed Esmaeil"}

{"id": 3, "name": "Kathryn Barr", "country": "us"}
{"id": 4, "name": "Ocean Trader", "identifiers": ["IMO 9187629"]}
{"id": 5, "name": "broken
{"id": 6, "name": ""}
{"id": 7, "name": "John Smithers", "wallet": "12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h"}
JSONL
run --home "$H" screen --input "$J"
expect_rc 0 "screen JSON lines"
expect_lines '^\{"row": ' 7 "one line per JSON row, blank lines skipped"
line_has 1 '"row": 1, "id": 1,' "numeric caller id echoed as a number"
line_has 1 '"id": "ofac-39017"' "JSONL Esmail Khatib"
line_has 2 '"id": "ofac-39017"' "JSONL reordered alias"
line_has 3 '"matched": false' "JSONL innocent"
line_has 4 '"id": "ofac-15036"' "JSONL identifiers array"
line_has 5 '"error": "invalid JSON' "a broken line is an error row"
line_has 6 '"error": ' "empty name is an error row"
line_has 7 '"id": "ofac-25308"' "JSONL wallet key"

# stdin, --output, --format
run --home "$H" screen --output "$TEST_TMP_DIR/out.jsonl" <"$IN"
expect_rc 0 "CSV from stdin to a file"
[ "$(wc -l <"$TEST_TMP_DIR/out.jsonl")" -eq 7 ] || fail "--output file has 7 lines"
grep -q '"id": "ofac-15036"' "$TEST_TMP_DIR/out.jsonl" || fail "--output content"
run --home "$H" screen --format jsonl <"$J"
expect_rc 0 "JSONL from stdin"
expect_lines '"matched": true' 4 "same matches from stdin"

# order: ~200 rows, 2 threads, results in input order
BIG="$TEST_TMP_DIR/big.csv"
echo "id,name,schema" >"$BIG"
i=1
while [ $i -le 200 ]; do
    case $((i % 5)) in
    0) echo "r$i,Esmail Khatib,Person" ;;
    1) echo "r$i,\"Barr, Kathryn\",Person" ;;
    2) echo "r$i,Maria Gonzalez Lopez $i," ;;
    3) echo "r$i,Acme Trading $i LLC,Organization" ;;
    *) echo "r$i,Henrietta Postlethwaite," ;;
    esac
    i=$((i + 1))
done >>"$BIG"
run --home "$H" screen --input "$BIG" --threads 2
expect_rc 0 "200 rows with 2 threads"
expect_lines '^\{"row": ' 200 "200 output lines"
sed 's/^{"row": \([0-9]*\), "id": "\([^"]*\)".*/\1 \2/' "$OUT" >"$TEST_TMP_DIR/order.txt"
i=1
while [ $i -le 200 ]; do echo "$i r$i"; i=$((i + 1)); done >"$TEST_TMP_DIR/expect.txt"
cmp -s "$TEST_TMP_DIR/order.txt" "$TEST_TMP_DIR/expect.txt" || fail "rows come back in input order"
expect_lines '"id": "r[0-9]*[05]", "query".*"matched": true' 40 "every 5th row (Khatib) matched"
expect_err "screened 200 rows: " "summary"

# errors of use
run --home "$H" screen --threads 0 --input "$IN"
expect_rc 2 "bad --threads"
run --home "$H" screen --format xml --input "$IN"
expect_rc 2 "bad --format"
run --home "$H" screen --input "$TEST_TMP_DIR/missing.csv"
expect_rc 1 "missing input file"
printf 'foo,bar\n1,2\n' >"$TEST_TMP_DIR/noname.csv"
run --home "$H" screen --input "$TEST_TMP_DIR/noname.csv"
expect_rc 1 "a CSV without a name column"
expect_err "name" "says which column is missing"
finish
