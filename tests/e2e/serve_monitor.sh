# serve_monitor.sh - monitoring over HTTP (issue 9): `embargo serve` with API
# keys of every scope on a home holding OFAC SDN 2022-09-08; a register
# imported through the API; the alerts queue and its filters; decisions, with
# the analyst named by the key (never by the body) and the four-eyes rule (the
# key that proposed a true match cannot confirm it, another analyst can);
# scopes (a screen key gets 403 on monitoring, an analyst key 403 on admin
# routes); 4xx on bad input; the good-guy list; the audit chain (a /match is
# an entry of the export, verify, replay); and a new list version imported by
# the CLI while the server runs: the server re-screens and KHATIB, Esmail
# (added on 2022-09-09) alerts.
. "$(dirname "$0")/testlib.inc"
command -v curl >/dev/null 2>&1 || { echo "skipped: curl is missing (scripts/install-deps.sh installs it)"; exit 77; }
command -v jq >/dev/null 2>&1 || { echo "skipped: jq is missing"; exit 77; }
H="$TEST_TMP_DIR/home"
HDR="$TEST_TMP_DIR/headers.txt"
PIDS=""
cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null; done
    return 0
}
trap cleanup EXIT INT TERM

# start_server LOGNAME ARGS...: a free port, `embargo serve` in the background,
# waits for /readyz; sets PORT, SPID, BASE
start_server() {
    log="$TEST_TMP_DIR/$1"
    shift
    tries=0
    while [ $tries -lt 10 ]; do
        tries=$((tries + 1))
        PORT=$(shuf -i 20000-60000 -n 1)
        "$EMBARGO" --home "$H" serve --listen "127.0.0.1:$PORT" "$@" >"$log.out" 2>"$log.err" &
        SPID=$!
        PIDS="$PIDS $SPID"
        BASE="http://127.0.0.1:$PORT"
        waited=0
        while [ $waited -lt 600 ]; do
            if ! kill -0 "$SPID" 2>/dev/null; then break; fi
            if [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/readyz")" = "200" ]; then
                return 0
            fi
            sleep 0.2
            waited=$((waited + 1))
        done
        kill "$SPID" 2>/dev/null
        wait "$SPID" 2>/dev/null
        grep -q "Address already in use" "$log.err" && continue
        echo "FAIL: the server did not become ready" >&2
        cat "$log.out" "$log.err" >&2
        exit 1
    done
    echo "FAIL: no free port found" >&2
    exit 1
}

# req KEY METHOD PATH [CURL ARGS...]: KEY "-" for none; body in $OUT, status in $CODE
req() {
    k=$1
    m=$2
    p=$3
    shift 3
    if [ "$k" = "-" ]; then
        CODE=$(curl -s -X "$m" -o "$OUT" -D "$HDR" -w '%{http_code}' "$@" "$BASE$p")
    else
        CODE=$(curl -s -X "$m" -o "$OUT" -D "$HDR" -w '%{http_code}' \
            -H "Authorization: Bearer $k" "$@" "$BASE$p")
    fi
    : >"$ERR"
}
post() { # post KEY PATH JSON
    req "$1" POST "$2" -H 'Content-Type: application/json' --data-binary "$3"
}
expect_code() { [ "$CODE" = "$1" ] || fail "expected HTTP $1, got $CODE ($2)"; }
# jqv FILTER: a value of the response body
jqv() { jq -r "$1" "$OUT" 2>/dev/null; }
expect_jq() { v=$(jqv "$1"); [ "$v" = "$2" ] || fail "$1 is '$v', expected '$2' ($3)"; }

ADMIN=admin-key-0123456789
ANN=ann-key-0123456789
BOB=bob-key-0123456789
ANON=anon-analyst-0123456789
SCREEN=screen-key-0123456789

run --home "$H" --no-seed import "$TEST_DATA_DIR/ofac/sdn_2022-09-08.csv.gz"
expect_rc 0 "import SDN 2022-09-08"
KEYS="$TEST_TMP_DIR/keys.txt"
printf '# key scope name\n%s admin ops\n%s analyst ann\n%s analyst bob\n%s analyst\n%s screen onboarding\n' \
    "$ADMIN" "$ANN" "$BOB" "$ANON" "$SCREEN" >"$KEYS"
start_server srv --api-keys "$KEYS"

# ---- a register imported through the API (admin)
REG="$TEST_TMP_DIR/customers.csv"
cat >"$REG" <<'EOF'
id,name,schema,birth_date,nationality
C1,Esmail Khatib,Person,1960,Iran
C2,Iranian Ministry of Intelligence and Security,Organization,,
C3,Hojjat Gholizadeh,Person,1980-01-30,Iran
C4,Maria Gonzalez,Person,1985-03-02,Spain
C5,John Smith,Person,1970,United Kingdom
EOF
req "$ANN" POST /registers/customers/import --data-binary "@$REG"
expect_code 403 "an analyst key may not import a register"
req "$SCREEN" POST /registers/customers/import --data-binary "@$REG"
expect_code 403 "a screen key may not import a register"
req "$ADMIN" POST /registers/customers/import
expect_code 400 "an import without a body"
printf 'name,schema\nSomeone,Person\n' >"$TEST_TMP_DIR/noid.csv"
req "$ADMIN" POST /registers/customers/import --data-binary "@$TEST_TMP_DIR/noid.csv"
expect_code 422 "a register file without ids"
expect_out "an 'id' column" "the refusal says why"
expect_no_out "$H" "the home's path is not shown"
expect_no_out "upload-" "the temporary file name is not shown"
req "$ADMIN" POST /registers/customers/import --data-binary "@$REG"
expect_code 200 "import the register"
expect_jq .added 5 "five records added"
expect_jq .full true "the first import is a full screen"
expect_jq .alerts_opened 2 "the ministry and Gholizadeh alert (Khatib is not listed yet)"
ls "$H"/upload-* >/dev/null 2>&1 && fail "the uploaded file is removed"

req "$ANN" GET /registers
expect_code 200 "registers"
expect_jq '.[0].name' customers "the register is listed"
expect_jq '.[0].records' 5 "with its records"
req "$ANN" GET /registers/customers/records/C3
expect_code 200 "one record"
expect_out "Hojjat Gholizadeh" "the record's name"
req "$ANN" GET /registers/customers/records/NOPE
expect_code 404 "an unknown record"
req "$ANN" GET /registers/nosuch/records/C3
expect_code 404 "an unknown register"

# ---- scopes and keys
req - GET /alerts
expect_code 401 "no key"
req "$SCREEN" GET /alerts
expect_code 403 "a screen key may not read alerts"
expect_out "analyst" "the 403 names the scope needed"
req "$SCREEN" GET /goodguys
expect_code 403 "a screen key may not read the good-guy list"
req "$ANN" GET /audit/verify
expect_code 403 "an analyst key may not read the audit chain"
req "$ANN" POST /registers/customers/screen
expect_code 403 "an analyst key may not screen a register"

# ---- the queue and its filters
req "$ANN" GET /alerts
expect_code 200 "the queue"
expect_jq .total 2 "two alerts"
MIN=$(jqv '.alerts[] | select(.record_id == "C2") | .id')
GHO=$(jqv '.alerts[] | select(.record_id == "C3") | .id')
[ -n "$MIN" ] && [ -n "$GHO" ] || fail "alerts for C2 and C3 ($MIN, $GHO)"
expect_jq '.alerts[] | select(.record_id == "C3") | .caption' "GHOLIZADEH, Hojjat" "the listed party"
req "$ANN" GET "/alerts?register=customers&state=open&older_than=0s&limit=1&offset=1"
expect_code 200 "all filters"
expect_jq '.alerts | length' 1 "limit 1"
req "$ANN" GET "/alerts?state=true_match"
expect_jq .total 0 "no true match yet"
req "$ANN" GET "/alerts?older_than=7d"
expect_jq .total 0 "no alert older than 7 days"
req "$ANN" GET "/alerts?state=bogus"
expect_code 400 "an unknown state"
expect_out "unknown alert state" "the reason"
req "$ANN" GET "/alerts?older_than=soon"
expect_code 400 "a bad age"
req "$ANN" GET "/alerts?limit=0"
expect_code 400 "a bad limit"
req "$ANN" GET /alerts/abc
expect_code 400 "a bad alert id"
req "$ANN" GET /alerts/999999
expect_code 404 "an unknown alert"
req "$ANN" GET "/alerts/$GHO"
expect_code 200 "one alert"
expect_jq .record.id C3 "the customer record"
expect_jq .entity.caption "GHOLIZADEH, Hojjat" "the listed entity"
expect_jq '.explanation.name.alignment.parts | length' 2 "the explanation"
expect_jq '.history[0].kind' opened "the history"

# ---- decisions: bad input
post "$ANN" "/alerts/$GHO/decision" '{"decision": "maybe", "comment": "x"}'
expect_code 422 "an unknown decision"
expect_out "unknown decision" "the reason"
post "$ANN" "/alerts/$GHO/decision" '{"decision": "false_positive"}'
expect_code 422 "a false positive without a comment"
expect_out "comment" "the reason"
post "$ANN" "/alerts/$GHO/decision" '{"comment": "x"}'
expect_code 400 "no decision"
post "$ANN" "/alerts/$GHO/decision" '{"decision": '
expect_code 400 "malformed JSON"
post "$ANN" "/alerts/$GHO/decision" '{"decision": 7}'
expect_code 400 "a decision that is not a string"
post "$ANN" /alerts/0/decision '{"decision": "escalate"}'
expect_code 400 "alert 0"
post "$ANN" /alerts/999999/decision '{"decision": "escalate"}'
expect_code 404 "deciding an unknown alert"
post "$SCREEN" "/alerts/$GHO/decision" '{"decision": "escalate"}'
expect_code 403 "a screen key may not decide"

# ---- four eyes: ann proposes a true match; ann cannot confirm it, bob can
post "$ANN" "/alerts/$MIN/decision" '{"decision": "true_match", "comment": "the ministry itself", "user": "mallory"}'
expect_code 200 "ann proposes a true match"
expect_jq .state pending "pending a second analyst"
expect_jq .proposed_by ann "proposed by the key's analyst, not the body's user"
post "$ANN" "/alerts/$MIN/decision" '{"decision": "true_match", "comment": "confirming myself"}'
expect_code 409 "the same key cannot confirm its own proposal"
expect_out "four eyes" "the four-eyes reason"
req "$BOB" GET "/alerts?state=pending"
expect_jq .total 1 "the pending alert in the queue"
post "$BOB" "/alerts/$MIN/decision" '{"decision": "true_match", "comment": "confirmed: same name, organisation"}'
expect_code 200 "bob confirms"
expect_jq .state true_match "a true match"
expect_jq '[.history[] | .user] | index("mallory")' null "the body's user is never the analyst"
expect_jq '.history[-1].user' bob "the confirmation is bob's"

# ---- a false positive goes to the good-guy list; assign; revoke
post "$ANN" "/alerts/$GHO/decision" '{"decision": "false_positive", "comment": "our customer is a different person"}'
expect_code 200 "false positive"
expect_jq .state false_positive "cleared"
req "$BOB" GET /goodguys
expect_code 200 "the good-guy list"
expect_jq '.[0].by' ann "suppressed by ann"
SUP=$(jqv '.[0].id')
post "$ANON" "/alerts/$GHO/assign" '{"user": "bob"}'
expect_code 200 "assign"
expect_jq .assignee bob "assigned to bob"
U=$(jqv '.history[-1].user')
case "$U" in k:*) ;; *) fail "a key without a name acts as its id, got '$U'" ;; esac
grep -q "$ANON" "$OUT" && fail "the key itself never appears"
post "$ANN" /goodguys/abc/revoke '{}'
expect_code 400 "a bad suppression id"
post "$ANN" /goodguys/999999/revoke '{}'
expect_code 404 "an unknown suppression"
post "$ANN" "/goodguys/$SUP/revoke" '{}'
expect_code 200 "revoke"
req "$ANN" GET "/alerts/$GHO"
expect_jq .state open "the alert is open again"
post "$ANN" "/goodguys/$SUP/revoke" '{}'
expect_code 409 "revoking twice"
req "$ANN" GET "/goodguys?all=maybe"
expect_code 400 "a bad all"

# ---- webhooks (admin)
req "$ADMIN" PUT /registers/customers/webhook -H 'Content-Type: application/json' --data-binary '{"url": "ftp://x"}'
expect_code 422 "a webhook that is not http"
req "$ADMIN" PUT /registers/customers/webhook -H 'Content-Type: application/json' --data-binary '{"secret": "s"}'
expect_code 400 "a webhook without url"
req "$ANN" PUT /registers/customers/webhook -H 'Content-Type: application/json' --data-binary '{"url": ""}'
expect_code 403 "an analyst may not set a webhook"
req "$ADMIN" PUT /registers/customers/webhook -H 'Content-Type: application/json' --data-binary '{"url": ""}'
expect_code 200 "no webhook"

# ---- every API screening is audited, as the key's analyst
post "$SCREEN" /match/default '{"queries": {"q1": {"schema": "Person", "properties": {"name": ["Hojjat Gholizadeh"], "birthDate": ["1980"]}}}}'
expect_code 200 "a /match with the screen key"
req "$SCREEN" GET "/search?q=Hojjat+Gholizadeh"
expect_code 200 "a /search with the screen key"
req "$ADMIN" GET "/audit/export?format=json"
expect_code 200 "the export (JSON)"
expect_jq '[.[] | select(.kind == "match" and .user == "onboarding")] | length' 1 "the /match is an entry"
expect_jq '[.[] | select(.kind == "search" and .user == "onboarding")] | length' 1 "the /search is an entry"
expect_jq '[.[] | select(.kind == "alert_decision" and .user == "bob")] | length' 1 "bob's decision"
SEQ=$(jqv '[.[] | select(.kind == "match")][0].seq')
req "$ADMIN" GET "/audit/export?format=csv&from=2000-01-01&to=2999-12-31"
expect_code 200 "the export (CSV)"
expect_out "seq,at,kind,user,list_versions,query,hits,scores,decision,hash" "the CSV header"
expect_out '"match","onboarding","ofac_sdn=' "the /match row with its list version"
grep -qi "text/csv" "$HDR" || fail "CSV content type"
req "$ADMIN" GET "/audit/export?from=yesterday"
expect_code 400 "a bad date"
req "$ADMIN" GET "/audit/export?format=xml"
expect_code 400 "a bad format"
req "$ADMIN" GET /audit/verify
expect_code 200 "verify"
expect_jq .ok true "the chain is whole"
req "$ADMIN" POST "/audit/$SEQ/replay"
expect_code 200 "replay the /match"
expect_jq .same true "the same results"
req "$ADMIN" POST /audit/x/replay
expect_code 400 "a bad entry number"

# ---- a new list version imported by the CLI: the server re-screens
run --home "$H" import "$TEST_DATA_DIR/ofac/sdn_2022-09-09.csv.gz"
expect_rc 0 "import SDN 2022-09-09 while the server runs"
# wait for the re-screen's own line, not the first line naming generation 2 (the swap's
# comes before it: waiting on that raced the re-screen)
rescreened="register customers re-screened for generation 2|registers up to date with generation 2"
waited=0
while [ $waited -lt 150 ]; do
    grep -Eq "$rescreened" "$TEST_TMP_DIR/srv.err" && break
    sleep 0.2
    waited=$((waited + 1))
done
grep -Eq "$rescreened" "$TEST_TMP_DIR/srv.err" ||
    fail "the server re-screens after the swap (log line)"
req "$ANN" GET "/alerts?register=customers"
expect_jq '[.alerts[] | select(.caption == "KHATIB, Esmail" and .record_id == "C1")] | length' 1 \
    "an alert for KHATIB, Esmail"
req "$ADMIN" POST /registers/customers/screen
expect_code 200 "a full screen (admin)"
expect_jq .full true "full"
req "$ADMIN" GET /audit/verify
expect_jq .ok true "the chain is still whole"

kill "$SPID"
wait "$SPID" || fail "the server stops cleanly"
grep -q "ERROR: AddressSanitizer\|runtime error" "$TEST_TMP_DIR/srv.err" && fail "sanitizer report"

# ---- keys from $EMBARGO_API_KEYS: "key:scope:name"; a bad scope is refused at start
run --home "$H" serve --listen 127.0.0.1:0 --api-keys /dev/null
[ "$RC" -ne 0 ] || fail "an empty keys file is refused"
CAROL=carol-key-0123456789
EMBARGO_API_KEYS="$CAROL:analyst:carol,$SCREEN:screen" start_server srv_env
post "$CAROL" "/alerts/$GHO/assign" '{"user": "carol"}'
expect_code 200 "an analyst key from the environment"
expect_jq '.history[-1].user' carol "named by the environment"
req "$SCREEN" GET /alerts
expect_code 403 "a screen key from the environment"
kill "$SPID"
wait "$SPID" || fail "the second server stops cleanly"
EMBARGO_API_KEYS="$CAROL:auditor" "$EMBARGO" --home "$H" serve --listen 127.0.0.1:0 >"$OUT" 2>"$ERR"
RC=$?
[ "$RC" -ne 0 ] || fail "an unknown scope is refused"
expect_err "unknown API key scope 'auditor' (screen, analyst or admin)" "the refusal names the scopes"
finish
