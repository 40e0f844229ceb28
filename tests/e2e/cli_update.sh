# cli_update.sh - `embargo update` against a misbehaving HTTP server on loopback
# (tests/tools/test_http_server.c): good updates, 304s, forced downloads, then
# slow, dropped, truncated, cut, failing, wrong, empty and missing downloads, a
# publisher that wants a browser's User-Agent, errors that cannot heal (no retry).
# After every failure the active versions must be exactly what they were.
. "$(dirname "$0")/testlib.inc"
: "${TEST_HTTP_SERVER:?the test HTTP server (set by tests/CMakeLists.txt)}"
H="$TEST_TMP_DIR/home"
W="$TEST_TMP_DIR/www"
mkdir -p "$W"
zcat "$TEST_DATA_DIR/ofac/sdn_2022-09-08.csv.gz" >"$W/sdn.csv"
zcat "$BUNDLED_DATA_DIR/lists/un_sc/UN_consolidated_2026-02-27.xml.gz" >"$W/consolidated.xml"

"$TEST_HTTP_SERVER" "$W" "$TEST_TMP_DIR/port" >"$TEST_TMP_DIR/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null' EXIT
trap 'kill $SERVER 2>/dev/null; exit 1' INT TERM
i=0
while [ ! -s "$TEST_TMP_DIR/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
[ -s "$TEST_TMP_DIR/port" ] || { echo "FAIL: test HTTP server did not start" >&2; exit 1; }
B="http://127.0.0.1:$(cat "$TEST_TMP_DIR/port")"
C="$TEST_TMP_DIR/update.conf"
FAST="--retries 2 --retry-delay 0.05 --low-speed-time 1 --timeout 20"

# conf LINE...: writes the update config used by `up`
conf() { printf '%s\n' "# test config" "$@" >"$C"; }
up() { run --home "$H" --no-seed update --config "$C" $FAST "$@"; }
# requests the server saw for a path
served() { grep -c " $1 " "$TEST_TMP_DIR/server.log"; }
# nothing that was active may be lost: ofac_sdn version $1 and un_sc version $2 active
# (ends with `lists`, so its output can be checked further)
kept() {
    run --home "$H" show ofac-12111
    expect_rc 0 "ofac-12111 still there ($3)"
    if [ "$1" -ge 3 ]; then
        run --home "$H" show ofac-39017
        expect_rc 0 "ofac-39017 still there ($3)"
    fi
    run --home "$H" lists
    expect_rc 0 "lists ($3)"
    expect_lines "^ofac_sdn +$1 active" 1 "ofac_sdn version $1 still active ($3)"
    expect_lines "^un_sc +$2 active" 1 "un_sc version $2 still active ($3)"
}

# ---- good update of both sources
conf "ofac_sdn $B/ok/sdn.csv" "un_sc $B/ok/consolidated.xml"
up
expect_rc 0 "first update"
expect_out "ofac_sdn   updated to version 1: 10483 entities" "ofac_sdn imported"
expect_out "un_sc      updated to version 2: 1003 entities" "un_sc imported"
# the default User-Agent has a browser's shape: "Mozilla/" and a digit, 40 characters or more
UA=$(sed -n 's/.* ua=\[\([^]]*\)\].*/\1/p' "$TEST_TMP_DIR/server.log" | head -1)
case "$UA" in Mozilla/[0-9]*) ;; *) fail "default User-Agent is browser-shaped: [$UA]" ;; esac
[ "${#UA}" -ge 40 ] || fail "default User-Agent has 40 characters or more: [$UA]"
echo "$UA" | grep -q "embargo/" || fail "the User-Agent still names embargo: [$UA]"
kept 1 2 "after the first update"
# sdn.csv states no date: the publisher's Last-Modified (here the file's mtime) dates it
LM=$(date -u -r "$W/sdn.csv" +%Y-%m-%d)
expect_lines "^ofac_sdn +1 active +$LM " 1 "the SDN CSV is dated by Last-Modified"
expect_out "last successful update" "lists shows the last success"
expect_out "no failed update" "no failure yet"
run --home "$H" show ofac-39017
expect_rc 1 "ofac-39017 is not in the 2022-09-08 list"

# ---- the same again: conditional requests, 304
up
expect_rc 0 "second update"
expect_out "ofac_sdn   not modified since the last update; version 1 stays active" "304 sdn"
expect_out "un_sc      not modified" "304 un"
grep " /ok/sdn.csv " "$TEST_TMP_DIR/server.log" | tail -1 | grep -q 'inm=\["' ||
    fail "second request carries If-None-Match"
run --home "$H" lists
expect_out "(not_modified)" "lists shows the 304 as the last success"

# ---- new content, --force: a new version
zcat "$TEST_DATA_DIR/ofac/sdn_2022-09-09.csv.gz" >"$W/sdn.csv"
up --force --source ofac_sdn
expect_rc 0 "forced update"
expect_out "ofac_sdn   updated to version 3: 10484 entities" "2022-09-09 imported"
expect_no_out "un_sc" "--source limits the run"
grep " /ok/sdn.csv " "$TEST_TMP_DIR/server.log" | tail -1 | grep -q 'inm=\[-\]' ||
    fail "--force sends no If-None-Match"
kept 3 2 "after the forced update"
up --force --source ofac_sdn --json
expect_rc 0 "forced update, same content"
expect_out '"outcome": "unchanged"' "identical download makes no version"
expect_out '"version": 3' "JSON names the active version"

# gzip Content-Encoding, a redirect and a file:// mirror all give the same content
cp "$TEST_DATA_DIR/ofac/sdn_2022-09-09.csv.gz" "$W/sdn.csv.gz"
conf "ofac_sdn $B/gz/sdn.csv"
up
expect_rc 0 "gzip-encoded download"
expect_out "ofac_sdn   unchanged" "gzip body decoded"
conf "ofac_sdn $B/redirect/sdn.csv"
up
expect_rc 0 "redirect followed"
expect_out "ofac_sdn   unchanged" "redirect gives the same list"
conf "ofac_sdn file://$W/sdn.csv"
up
expect_rc 0 "file:// mirror"
expect_out "ofac_sdn   unchanged" "file mirror gives the same list"

# ---- outages: every one fails clearly and loses nothing
conf "ofac_sdn $B/slow/sdn.csv"
up --retries 1
expect_rc 1 "slow server"
expect_out "ofac_sdn   FAILED:" "slow: failed"
expect_out "too slow" "slow: says why"
expect_out "gave up after 2 tries" "slow: retried"
expect_out "version 3 stays active" "slow: previous version stays"
expect_err "1 of 1 source(s) failed" "slow: summary"
kept 3 2 "after a slow server"

up --retries 0 --low-speed-time 30 --timeout 1.5
expect_rc 1 "total timeout"
expect_out "timed out" "timeout: says why"
kept 3 2 "after a timeout"

conf "ofac_sdn $B/drop/sdn.csv"
up
expect_rc 1 "dropped connection"
expect_out "ofac_sdn   FAILED:" "drop: failed"
expect_out "gave up after 3 tries" "drop: retried twice"
[ "$(served /drop/sdn.csv)" -eq 3 ] || fail "drop: 3 requests"
kept 3 2 "after a dropped connection"

conf "ofac_sdn $B/trunc/sdn.csv"
up
expect_rc 1 "truncated body"
expect_out "bytes remaining" "trunc: curl sees the short body"
kept 3 2 "after a truncated body"

conf "ofac_sdn $B/cut/sdn.csv"
up
expect_rc 1 "body cut with a clean close"
expect_out "was refused" "cut: the import refuses the partial list"
kept 3 2 "after a cut body"

conf "ofac_sdn $B/flaky2/sdn.csv"
up
expect_rc 0 "500 twice, then OK"
expect_out "ofac_sdn   unchanged" "retries got the list"
[ "$(served /flaky2/sdn.csv)" -eq 3 ] || fail "flaky: 3 requests"

conf "ofac_sdn $B/500/sdn.csv"
up
expect_rc 1 "500 forever"
expect_out "HTTP 500" "500: says the status"
expect_out "gave up after 3 tries" "500: retried"
kept 3 2 "after 500s"

conf "ofac_sdn $B/404/sdn.csv"
up
expect_rc 1 "404"
expect_out "HTTP 404" "404: says the status"
expect_no_out "gave up" "404: no retry"
[ "$(served /404/sdn.csv)" -eq 1 ] || fail "404: exactly one request"
kept 3 2 "after a 404"
expect_out "(2 in a row)" "lists counts consecutive failures"
expect_out "HTTP 404" "lists shows the last error"

conf "ofac_sdn $B/wrong/sdn.csv"
up
expect_rc 1 "HTML instead of a list"
expect_out "was refused" "wrong: refused"
expect_out "sdn.csv: XML of an unknown layout" "wrong: says why"
kept 3 2 "after wrong content"

conf "un_sc $B/empty/consolidated.xml"
up
expect_rc 1 "valid but empty list"
expect_out "un_sc      FAILED:" "empty: failed"
expect_out "no entities" "empty: says why"
expect_out "version 2 stays active" "empty: previous version stays"
kept 3 2 "after an empty list"

conf "ofac_sdn $B/ok/sdn.csv"
up --force --max-bytes 100000
expect_rc 1 "too large"
expect_out "larger than the limit" "max-bytes"
kept 3 2 "after a too-large download"

# ---- a publisher that refuses clients without a browser's User-Agent (as OFAC's does)
conf "ofac_sdn $B/browser/sdn.csv"
up
expect_rc 0 "browser-shaped default User-Agent accepted"
expect_out "ofac_sdn   unchanged" "the list came through"
up --user-agent "curl/7.88.1"
expect_rc 1 "a non-browser User-Agent is refused"
expect_out "HTTP 403" "403: says the status"
expect_out "User-Agent" "403: points at the User-Agent"
expect_no_out "gave up" "403: no retry"
grep -q 'GET /browser/sdn.csv ua=\[curl/7.88.1\]' "$TEST_TMP_DIR/server.log" || fail "--user-agent is sent"
export EMBARGO_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) test-mirror-client/1.0 like Gecko"
up --force
unset EMBARGO_USER_AGENT
expect_rc 0 "\$EMBARGO_USER_AGENT is used"
grep -q 'ua=\[Mozilla/5.0 (X11; Linux x86_64) test-mirror-client/1.0' "$TEST_TMP_DIR/server.log" ||
    fail "\$EMBARGO_USER_AGENT is sent"
kept 3 2 "after the User-Agent checks"

# ---- errors that cannot heal are not retried: an unresolvable name, a TLS failure
conf "ofac_sdn http://embargo-test.invalid/sdn.csv"
up --retries 3 --retry-delay 5
expect_rc 1 "host that does not resolve"
expect_out "ofac_sdn   FAILED:" "unresolvable: failed"
expect_no_out "gave up" "unresolvable: no retry (with --retry-delay 5 a retry would show)"
expect_lines "downloading" 0 "progress lines go to stderr"
[ "$(grep -c "downloading" "$ERR")" -eq 1 ] || fail "unresolvable: one attempt"
conf "ofac_sdn https://127.0.0.1:${B##*:}/ok/sdn.csv"
up --retries 3 --retry-delay 5
expect_rc 1 "TLS to a plain HTTP server"
expect_no_out "gave up" "TLS failure: no retry"
[ "$(grep -c "downloading" "$ERR")" -eq 1 ] || fail "TLS failure: one attempt"
expect_err "ofac_sdn keeps its previous version" "the summary says the version is kept"
kept 3 2 "after errors that cannot heal"

# a source that never had a version is not said to keep one
H2="$TEST_TMP_DIR/home2"
conf "ofac_sdn $B/ok/sdn.csv" "un_sc $B/404/consolidated.xml"
run --home "$H2" --no-seed update --config "$C" $FAST
expect_rc 1 "first update of a new home, one source fails"
expect_out "no version of un_sc is active" "the failure line says so"
expect_err "un_sc never had a version and is not screened" "the summary says so"
grep -q "previous version" "$ERR" && fail "no 'previous version' for a source that had none"

# ---- two sources, one fails, the other is imported
sed 's/dateGenerated="[^"]*"/dateGenerated="2026-03-01T00:00:00.000Z"/' "$W/consolidated.xml" >"$W/un2.xml"
conf "ofac_sdn $B/404/sdn.csv" "un_sc $B/ok/un2.xml"
up
expect_rc 1 "one of two failed"
expect_out "ofac_sdn   FAILED:" "the failure is reported"
expect_out "un_sc      updated to version 4" "the other is imported"
kept 3 4 "after a mixed run"
expect_out "(3 in a row)" "ofac_sdn failures counted (after the success through /browser/)"
expect_lines "un_sc .*last failed update .*: the download from .*no entities" 1 "un_sc keeps its last failure"
run --home "$H" lists --json
expect_rc 0 "lists --json"
expect_out '"last_failure_error": "http' "JSON last failure"
expect_out '"last_success_outcome": "updated"' "JSON last success"

# ---- config errors, default config, temp files
conf "ofac_sdn ftp://example.org/sdn.csv"
up
expect_rc 2 "bad config"
expect_err "line 2: unsupported URL scheme" "config error names the line"
run --home "$H" --no-seed update --source nosuch
expect_rc 2 "unknown source"
expect_err "no source 'nosuch'" "says which"
grep -q "^ofac_sdn  *https://sanctionslistservice.ofac.treas.gov/" "$H/update.conf" ||
    fail "the bundled default config is copied to HOME/update.conf"
[ -z "$(ls -A "$H/downloads")" ] || fail "temporary downloads left behind: $(ls -A "$H/downloads")"

# ---- embargo serve --update-every: scheduled updates reach the running server
sed 's/dateGenerated="[^"]*"/dateGenerated="2026-03-02T00:00:00.000Z"/' "$W/consolidated.xml" >"$W/un3.xml"
conf "un_sc $B/ok/un3.xml"
# port 0: the server takes a free port and says which in its banner
"$EMBARGO" --home "$H" --no-seed serve --listen "127.0.0.1:0" --update-every 1s \
    --update-config "$C" --no-access-log >"$TEST_TMP_DIR/serve.out" 2>"$TEST_TMP_DIR/serve.err" &
SERVE=$!
trap 'kill $SERVER $SERVE 2>/dev/null' EXIT
i=0
while ! grep -q "listening on http://127.0.0.1:" "$TEST_TMP_DIR/serve.out" && [ $i -lt 300 ]; do
    sleep 0.1
    i=$((i + 1))
done
PORT=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$TEST_TMP_DIR/serve.out")
[ -n "$PORT" ] || fail "serve --listen 127.0.0.1:0 says its port (stderr: $(cat "$TEST_TMP_DIR/serve.err"))"
i=0
until curl -sf "http://127.0.0.1:$PORT/catalog" 2>/dev/null | grep -q '"published":"2026-03-02"'; do
    i=$((i + 1))
    [ $i -gt 150 ] && break
    sleep 0.2
done
curl -sf "http://127.0.0.1:$PORT/catalog" | grep -q '"published":"2026-03-02"' ||
    fail "the scheduled update was not served (stderr: $(cat "$TEST_TMP_DIR/serve.err"))"
curl -sf "http://127.0.0.1:$PORT/metrics" >"$OUT"
expect_out 'embargo_update_consecutive_failures{source="un_sc"} 0' "update state in /metrics"
grep -q 'embargo_update_last_success_timestamp_seconds{source="un_sc"} [1-9]' "$OUT" ||
    fail "last successful update time in /metrics"
grep -q "scheduled update: un_sc updated" "$TEST_TMP_DIR/serve.err" || fail "the server logs its updates"
# list age: ofac_sdn is dated today (Last-Modified), un_sc 2026-03-02 is older than 30 days
expect_out 'embargo_list_stale{source="un_sc"} 1' "/metrics: un_sc is stale"
expect_out 'embargo_list_stale{source="ofac_sdn"} 0' "/metrics: ofac_sdn is fresh"
expect_out 'embargo_list_max_age_seconds{source="ofac_sdn"} 604800' "/metrics: OFAC's 7 days"
expect_out 'embargo_list_max_age_seconds{source="un_sc"} 2592000' "/metrics: the others' 30 days"
curl -s -w '\n%{http_code}\n' "http://127.0.0.1:$PORT/readyz" >"$OUT"
expect_out '"status":"degraded"' "/readyz: degraded while a list is stale"
expect_out '"stale":["un_sc"]' "/readyz names the stale list"
expect_lines '^200$' 1 "/readyz still answers 200: the service screens"
grep -q '"source":"un_sc"[^}]*"published":"2026-03-02"' "$OUT" || fail "/readyz gives each list's date"
grep -q "list(s) older than allowed" "$TEST_TMP_DIR/serve.err" || fail "serve warns at start"
kill $SERVE
wait $SERVE 2>/dev/null
finish
