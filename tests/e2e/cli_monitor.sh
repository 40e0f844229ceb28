# cli_monitor.sh - the monitoring commands as a user runs them, on the real
# OFAC 2022-09-08 -> 2022-09-09 change: a register imported and screened,
# the list import that re-screens it by delta (a new alert for KHATIB,
# Esmail; a context note for the ministry), alerts listed and decided (four
# eyes), the good-guy list, the audit verified, replayed and exported, and
# the usage errors.
. "$(dirname "$0")/testlib.inc"
H="$TEST_TMP_DIR/home"
R="$TEST_TMP_DIR/customers.csv"
cat >"$R" <<'CSV'
id,name,schema,birth_date,nationality,branch
K1,Esmail Khatib,Person,,Iran,Tehran
M1,Iranian Ministry of Intelligence and Security,Organization,,,
G1,Hojjat Gholizadeh,Person,1980-01-30,Iran,
I1,John Smith,Person,1970-03-01,United Kingdom,London
I2,Maria Garcia Lopez,Person,1985-11-20,Spain,Madrid
CSV

run --home "$H" --no-seed import "$TEST_DATA_DIR/ofac/sdn_2022-09-08.csv.gz"
expect_rc 0 "import 2022-09-08"
expect_no_out "register" "no register yet: nothing re-screened"

run --home "$H" register import --register bank "$R"
expect_rc 0 "register import"
expect_out "register bank: 5 records (5 added" "import counts"
expect_out "full screen of 5 records" "first import screens in full"
expect_out "2 opened" "the ministry and Gholizadeh"

run --home "$H" register list --json
expect_rc 0 "register list --json"
expect_out '"name": "bank"' "the register"
expect_out '"records": 5' "its records"

run --home "$H" alerts --register bank --json
expect_rc 0 "alerts --json"
expect_out '"entity_id": "ofac-12111"' "ministry alert"
expect_out '"entity_id": "ofac-29802"' "Gholizadeh alert"
expect_no_out '"record_id": "I1"' "innocent people do not alert"

run --home "$H" import "$TEST_DATA_DIR/ofac/sdn_2022-09-09.csv.gz"
expect_rc 0 "import 2022-09-09"
expect_out "register bank: delta screen of" "the list import re-screens by delta"
expect_out "1 opened" "Khatib"

run --home "$H" alerts --state open
expect_rc 0 "alerts"
expect_out "KHATIB, Esmail" "the new alert is listed"
KID=$(grep "ofac-39017" "$OUT" | awk '{print $1}')
MID=$(grep "ofac-12111" "$OUT" | awk '{print $1}')
GID=$(grep "ofac-29802" "$OUT" | awk '{print $1}')
[ -n "$KID" ] && [ -n "$MID" ] && [ -n "$GID" ] || fail "alert numbers"

run --home "$H" alert show "$MID"
expect_rc 0 "alert show"
expect_out '"kind": "context"' "the ministry's change is noted"
expect_out "CYBER2" "with what changed"
expect_out '"record":' "the record side"
expect_out '"entity":' "the listed side"

run --home "$H" alert decide "$MID" --decision false_positive --user ann
expect_rc 1 "a false positive needs a comment"
expect_err "comment" "says so"
run --home "$H" alert decide "$MID" --decision false_positive --comment "the canteen, not the ministry" --user ann
expect_rc 0 "false positive"
expect_out "is now false_positive" "state"
run --home "$H" goodguy list
expect_rc 0 "goodguy list"
expect_out "the canteen" "the suppression is visible"

run --home "$H" alert decide "$KID" --decision true_match --comment "same person" --user ann
expect_rc 0 "true match proposed"
expect_out "is now pending" "four eyes: pending"
run --home "$H" alert decide "$KID" --decision true_match --comment "me again" --user ann
expect_rc 1 "the proposer cannot confirm"
expect_err "another analyst" "four eyes"
run --home "$H" alert decide "$KID" --decision true_match --comment "confirmed" --user bob
expect_rc 0 "a second analyst confirms"
expect_out "is now true_match" "confirmed"
run --home "$H" alert decide "$KID" --decision maybe --user bob
expect_rc 1 "unknown decision"
run --home "$H" alert assign "$GID" --user carol
expect_rc 0 "assign"
run --home "$H" alerts --assignee carol --json
expect_out '"total": 1' "filter by assignee"
run --home "$H" alerts --state nonsense
expect_rc 1 "unknown state"
expect_err "unknown alert state" "says which"

# the audit: every search is an entry that replays, the chain verifies
run --home "$H" search --user ann "Esmail Khatib"
expect_rc 0 "search"
SEQ=$(sed -n 's/^audit entry \([0-9]*\)$/\1/p' "$OUT")
[ -n "$SEQ" ] || fail "search prints its audit entry"
run --home "$H" audit replay "$SEQ"
expect_rc 0 "replay"
expect_out "the same results" "replayed"
run --home "$H" audit verify
expect_rc 0 "verify"
expect_out "audit chain verified" "whole chain"
run --home "$H" audit export --format csv
expect_rc 0 "export csv"
expect_out "seq,at,kind,user,list_versions,query,hits,scores,decision,hash" "header"
expect_out '"alert_decision","bob"' "bob's decision"
expect_out "Esmail Khatib" "the search"
run --home "$H" audit export --format json --from 2000-01-01 --to 2000-01-02
expect_rc 0 "export json, empty range"
expect_out "[]" "nothing in 2000"
run --home "$H" audit replay 0
expect_rc 2 "bad entry number"
run --home "$H" audit frobnicate
expect_rc 2 "unknown audit command"

# a register file that is not one changes nothing
printf 'name\nJohn\n' >"$TEST_TMP_DIR/bad.csv"
run --home "$H" register import --register bank "$TEST_TMP_DIR/bad.csv"
expect_rc 1 "no id column"
expect_err "'id' column" "says what to do"
run --home "$H" register list --json
expect_out '"records": 5' "the register is unchanged"
run --home "$H" register show --register bank K1
expect_rc 0 "register show"
expect_out '"revisions"' "with its revisions"
run --home "$H" register show --register nosuch K1
expect_rc 1 "unknown register"
run --home "$H" sync
expect_rc 0 "sync"
expect_out "up to date" "nothing to do"
run --home "$H" register
expect_rc 2 "register without a command"
finish
