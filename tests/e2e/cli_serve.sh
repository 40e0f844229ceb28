# cli_serve.sh - `embargo serve`: the real HTTP server on a loopback port,
# every endpoint with curl (the yente /match shape, search, entities, catalog,
# health, metrics, OpenAPI, web UI), bad input and limits (4xx JSON errors),
# API keys and scopes, the loopback-only rule, a taken port, and a live
# reload under load (a new list version imported by the CLI while requests
# run: no request fails, results then come from the new version).
. "$(dirname "$0")/testlib.inc"
command -v curl >/dev/null 2>&1 || { echo "skipped: curl is missing (scripts/install-deps.sh installs it)"; exit 77; }
H="$TEST_TMP_DIR/home"
HDR="$TEST_TMP_DIR/headers.txt"
PIDS=""
cleanup() {
    for p in $PIDS; do kill "$p" 2>/dev/null; done
    [ -n "${STOP:-}" ] && touch "$STOP"
    return 0
}
trap cleanup EXIT INT TERM

# start_server LOGNAME ARGS...: picks a free port (retrying when taken), starts
# `embargo serve` in the background, waits for /readyz; sets PORT, SPID, BASE
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

# req METHOD PATH [CURL ARGS...]: body in $OUT, headers in $HDR, status in $CODE
req() {
    m=$1
    p=$2
    shift 2
    CODE=$(curl -s -X "$m" -o "$OUT" -D "$HDR" -w '%{http_code}' "$@" "$BASE$p")
    : >"$ERR"
}
post() { # post PATH BODY [CURL ARGS...]
    p=$1
    b=$2
    shift 2
    req POST "$p" -H 'Content-Type: application/json' --data-binary "$b" "$@"
}
expect_code() { [ "$CODE" = "$1" ] || fail "expected HTTP $1, got $CODE ($2)"; }
expect_hdr() { grep -qiF -- "$1" "$HDR" || fail "headers lack '$1' ($2)"; }
expect_starts() { head -c ${#1} "$OUT" | grep -qF -- "$1" || fail "body does not start with '$1' ($2)"; }
# the value of a metric line (exact name and labels)
metric() { awk -v n="$1" '$1 == n { print $2; exit }' "$OUT"; }

run --home "$H" lists
expect_rc 0 "seed the home"

start_server srv1 --access-log "$TEST_TMP_DIR/access.log"
# the banner is printed right after the server answers, so give it a moment
i=0
while ! grep -q "ofac_sdn" "$TEST_TMP_DIR/srv1.out" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
grep -q "listening on http://127.0.0.1:$PORT/" "$TEST_TMP_DIR/srv1.out" || fail "start banner says where it listens"
grep -q "ofac_sdn" "$TEST_TMP_DIR/srv1.out" || fail "start banner lists the loaded lists"
grep -q "no API keys: listening on loopback only" "$TEST_TMP_DIR/srv1.err" || fail "warning without keys"

# ---- health, readiness
req GET /healthz
expect_code 200 "healthz"
expect_out '"status":"ok"' "healthz body"
req GET /readyz
expect_code 200 "readyz"
# the bundled lists of this home are years old: the service screens (200), "degraded"
expect_out '"status":"degraded"' "readyz body: stale lists"
grep -o '"stale":\[[^]]*\]' "$OUT" | grep -q '"ofac_sdn"' || fail "readyz names the stale lists"
expect_out '"max_age_days":7' "readyz gives OFAC's maximum age"

# ---- /match, yente shape
KHATIB='{"queries": {"q1": {"schema": "Person", "properties": {"name": ["Esmail Khatib"], "birthDate": ["1960"]}}}}'
post /match/default "$KHATIB"
expect_code 200 "match default"
expect_starts '{"responses":{"q1":{"status":200,"results":[{"id":"ofac-39017","schema":"Person","caption":"KHATIB, Esmail",' "first result ofac-39017"
expect_out '"match":true' "Esmail Khatib matches"
expect_out '"datasets":["ofac_sdn"]' "datasets"
expect_out '"referents":[]' "referents"
expect_out '"target":true' "target"
expect_out '"features":{"name":1.000,"birth_date":' "features"
expect_out '"explanation":{"score":' "explanation object"
expect_out '"program":["IFSR","IRAN-HR","CYBER2"]' "programs as FtM property"
expect_out '"total":{"value":' "total"
expect_out '"query":{"id":null,"schema":"Person","properties":{"name":["Esmail Khatib"],"birthDate":["1960"]}}' "query echoed"
expect_out '"limit":5}' "default limit 5"
expect_hdr "Content-Type: application/json" "JSON content type"

# two queries; an identifier alone (crypto wallet), a vessel by IMO number
post /match/default '{"queries": {"a": {"schema": "Person", "properties": {"name": ["KHATIB, Seyed Esmaeil"]}}, "b": {"schema": "Vessel", "properties": {"name": ["Ocean Trader"], "imoNumber": ["9187629"]}}, "c": {"schema": "Thing", "properties": {"publicKey": ["12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h"]}}}}'
expect_code 200 "three queries"
expect_out '"a":{"status":200,"results":[{"id":"ofac-39017"' "query a"
expect_out '"b":{"status":200,"results":[{"id":"ofac-15036"' "query b: IMO number"
expect_out '"c":{"status":200,"results":[{"id":"ofac-25308"' "query c: wallet alone"
expect_out '"identifier":1.0' "identifier feature"
post /match/default '{"queries": {"p": {"schema": "Person", "properties": {"idNumber": ["1084010"]}}}}'
expect_out '"p":{"status":200,"results":[{"id":"ofac-2676"' "an idNumber alone (a passport number)"
expect_out '"passportNumber":["1084010"' "identifiers as FtM properties"
post /match/default '{"queries": {"q": {"schema": "Person", "properties": {"firstName": ["Esmail"], "lastName": ["Khatib"]}}}}'
expect_out '"results":[{"id":"ofac-39017"' "first and last name compose a name"

# threshold, limit, cutoff
post "/match/default?limit=1&threshold=0.2&cutoff=0.1" '{"queries": {"q1": {"schema": "Person", "properties": {"name": ["Mohammad Ali"]}}}}'
expect_code 200 "limit and threshold"
[ "$(grep -o '"token":' "$OUT" | wc -l)" -eq 1 ] || fail "limit=1 gives one result"
expect_out '"total":{"value":' "total: the matches before limit (yente)"
expect_out '"threshold":0.200' "threshold echoed"
expect_out '"limit":1}' "limit echoed"
post "/match/default?threshold=0.99&cutoff=0.2" '{"queries": {"q1": {"schema": "Person", "properties": {"name": ["Esmaeil Khateeb"]}}}}'
expect_out '"match":false' "threshold 0.99 makes a near match a non-match"
post "/match/default?threshold=abc" "$KHATIB"
expect_code 400 "bad threshold"
expect_out '"error": "invalid_parameter"' "bad threshold error"

# datasets
ZAWAHIRI='{"queries": {"q1": {"schema": "Person", "properties": {"name": ["Ayman al-Zawahiri"]}}}}'
post "/match/default?include_dataset=un_sc" "$ZAWAHIRI"
expect_code 200 "include_dataset"
expect_out '"results":[{"id":"un-' "include_dataset=un_sc gives UN results"
expect_out '"datasets":["un_sc"]' "UN results name their dataset"
expect_no_out '"datasets":["ofac_sdn"]' "include_dataset=un_sc filters out OFAC"
post "/match/default?exclude_dataset=un_sc" "$ZAWAHIRI"
expect_no_out '"datasets":["un_sc"]' "exclude_dataset"
post /match/un_sc "$ZAWAHIRI"
expect_code 200 "a dataset by name"
expect_no_out '"datasets":["ofac_sdn"]' "/match/un_sc is UN only"
post "/match/default?exclude_entity_ids=ofac-39017" "$KHATIB"
expect_no_out '"id":"ofac-39017"' "exclude_entity_ids"
post /match/unknown "$KHATIB"
expect_code 404 "unknown dataset"
expect_out '"error": "unknown_dataset"' "unknown dataset error"

# ---- search
req GET "/search?q=Esmail+Khatib"
expect_code 200 "search"
expect_starts '{"results":[{"id":"ofac-39017"' "search finds ofac-39017"
req GET "/search?q=Ayman+al-Zawahiri&schema=Person&dob=1951&country=eg&limit=3"
expect_code 200 "search with qualifiers"
expect_out '"limit":3' "search limit"
req GET "/search/un_sc?q=Ayman+al-Zawahiri"
expect_no_out '"datasets":["ofac_sdn"]' "search in one dataset"
req GET "/search?limit=2"
expect_code 200 "search without q lists the entities (yente)"
expect_out '"total":{"value":' "a listing has a total"

# ---- entities
req GET /entities/ofac-39017
expect_code 200 "entity"
expect_out '"id":"ofac-39017"' "entity id"
expect_out 'CYBER2' "programs include CYBER2"
expect_out '"embargo":{' "stored form"
req GET /entities/ofac-2676
expect_code 200 "entity on several lists"
expect_out '"related":[{"id":"un-111923"' "the UN listing of the same person"
req GET "/search?q=Ayman+al-Zawahiri&limit=1"
expect_out '"related":[' "results carry the other listings"
req GET /entities/nope
expect_code 404 "unknown entity"
expect_out '"status": 404' "404 JSON"

# ---- catalog
req GET /catalog
expect_code 200 "catalog"
expect_out '"name":"ofac_sdn"' "catalog lists ofac_sdn"
expect_out '"name":"un_sc"' "catalog lists un_sc"
expect_out '"published":"2026-02-27"' "publication date"
expect_out '"imported_at":' "import time"
expect_out '"entity_count":' "counts"
SDN_VERSION=$(grep -o '"name":"ofac_sdn","list_version":[0-9]*' "$OUT" | grep -o '[0-9]*$')

# ---- openapi: every routed path is documented
req GET /openapi.json
expect_code 200 "openapi"
expect_out '"openapi": "3.0.3"' "OpenAPI 3"
for p in /match/{dataset} /search /search/{dataset} /entities/{id} /catalog /healthz /readyz /metrics /openapi.json /admin/reload; do
    expect_out "\"$p\": {" "openapi documents $p"
done
expect_out '"bearerAuth"' "bearer auth documented"
if command -v jq >/dev/null 2>&1; then jq -e .paths "$OUT" >/dev/null || fail "openapi.json is valid JSON"; fi
# the embedded src/server/openapi.json, its run-time fills: valid JSON, every
# path, info.version = EMBARGO_VERSION, the schema enums from the schema table
VERSION=$("$EMBARGO" --version | sed 's/^embargo //')
if command -v python3 >/dev/null 2>&1; then
    python3 - "$OUT" "$VERSION" <<'PY' || fail "openapi.json: valid JSON with the expected paths, version and schema enums"
import json, sys
d = json.load(open(sys.argv[1]))
want = ["/match/{dataset}", "/search", "/search/{dataset}", "/entities/{id}", "/catalog",
        "/healthz", "/readyz", "/metrics", "/openapi.json", "/admin/reload"]
missing = [p for p in want if p not in d["paths"]]
assert not missing, "missing paths: %s" % missing
assert d["info"]["version"] == sys.argv[2], "info.version %r" % d["info"]["version"]
text = json.dumps(d)
assert "@SCHEMAS@" not in text and "@EMBARGO_VERSION@" not in text, "a placeholder left"
enums = []
def walk(x):
    if isinstance(x, dict):
        if isinstance(x.get("enum"), list) and "Person" in x["enum"]:
            enums.append(x["enum"])
        for v in x.values(): walk(v)
    elif isinstance(x, list):
        for v in x: walk(v)
walk(d)
assert len(enums) >= 2 and all("Vessel" in e and "Company" in e for e in enums), "schema enums %r" % enums
PY
else
    echo "note: python3 missing, the openapi.json structure check is skipped"
fi

# ---- web UI
req GET /
expect_code 200 "web UI"
expect_hdr "Content-Type: text/html" "HTML"
expect_hdr "Content-Security-Policy: default-src 'self'" "strict CSP"
expect_out "<html" "an HTML page"

# ---- errors: every one a JSON object with status, error, detail
post /match/default '{"queries": {"q1": '
expect_code 400 "truncated JSON"
expect_out '"error": "invalid_json"' "malformed JSON error"
expect_out 'line 1, column' "JSON error position"
post /match/default '{"queries": []}'
expect_code 400 "queries not an object"
expect_out 'queries must be an object' "wrong type message"
post /match/default '{"queries": {"q1": {"schema": "Person", "properties": {"name": [42]}}}}'
expect_code 200 "a number as a value is its text (yente)"
post /match/default '{"queries": {"q1": {"schema": "Person", "properties": {"name": [{"x": 1}]}}}}'
expect_code 400 "an object as a name"
expect_out 'must be a list of strings' "property type message"
post /match/default '{"queries": {"q1": {"schema": "Dragon", "properties": {"name": ["x"]}}}}'
expect_code 400 "unknown schema"
post /match/default '{"queries": {"cust42": {"schema": "Person", "properties": {"name": ["Esmail Khatib"], "nationality": ["Narnia"]}}}}'
expect_code 422 "a country that is no country"
expect_out '"error": "invalid_value"' "refused value error"
expect_out "query 'cust42': properties.nationality" "refused value names query and property"
post /match/default '{"queries": {"q1": {"schema": "individual", "properties": {"alias": ["Esmail Khatib"], "birthDate": ["1955", "1960"], "nationality": ["Iran"]}}}}'
expect_code 200 "alias, two birth dates, a country name"
expect_starts '{"responses":{"q1":{"status":200,"results":[{"id":"ofac-39017"' "alias alone finds ofac-39017"
expect_out '"query":{"id":null,"schema":"Person","properties":{"alias":["Esmail Khatib"],"birthDate":["1955","1960"],"nationality":["ir"]}}' "query echoed as understood"
printf '{"queries": {"q1": {"schema": "Person", "properties": {"name": ["Esm\377il"]}}}}' >"$TEST_TMP_DIR/badutf8.json"
req POST /match/default --data-binary "@$TEST_TMP_DIR/badutf8.json"
expect_code 400 "bad UTF-8"
expect_out '"error": "invalid_utf8"' "bad UTF-8 error"
head -c 2097152 /dev/zero | tr '\0' ' ' >"$TEST_TMP_DIR/big.json"
req POST /match/default --data-binary "@$TEST_TMP_DIR/big.json"
expect_code 413 "2 MiB body"
expect_out '"error": "payload_too_large"' "413 JSON"
req POST /match/default -H 'Transfer-Encoding: chunked' --data-binary "@$TEST_TMP_DIR/big.json"
expect_code 413 "2 MiB chunked body"
Q=""
i=0
while [ $i -lt 101 ]; do
    Q="$Q${Q:+,}\"q$i\": {\"schema\": \"Person\", \"properties\": {\"name\": [\"Name $i\"]}}"
    i=$((i + 1))
done
post /match/default "{\"queries\": {$Q}}"
expect_code 413 "101 queries"
expect_out '"error": "too_many_queries"' "too many queries"
req GET /match/default
expect_code 405 "GET /match"
expect_hdr "Allow: POST, OPTIONS" "405 Allow header"
expect_out '"status": 405' "405 JSON"
req DELETE /catalog
expect_code 405 "DELETE /catalog"
req GET /no/such/path
expect_code 404 "unknown path"
expect_out '"error": "not_found"' "404 JSON"
post /match/default ''
expect_code 400 "empty body"

# ---- metrics: counters increase
req GET /metrics
expect_code 200 "metrics"
for m in embargo_requests_total embargo_request_duration_seconds_bucket embargo_matches_total embargo_list_entities embargo_list_age_seconds embargo_reloads_total embargo_snapshot_generation; do
    expect_out "$m" "metric $m"
done
expect_out 'embargo_request_duration_seconds_bucket{endpoint="match",le="0.0001"}' "histogram buckets"
N1=$(metric 'embargo_requests_total{endpoint="match",status="200"}')
M1=$(metric embargo_matches_total)
post /match/default "$KHATIB"
req GET /metrics
N2=$(metric 'embargo_requests_total{endpoint="match",status="200"}')
M2=$(metric embargo_matches_total)
[ "${N2:-0}" -gt "${N1:-0}" ] || fail "match request counter increases ($N1 -> $N2)"
[ "${M2:-0}" -gt "${M1:-0}" ] || fail "matches counter increases ($M1 -> $M2)"

# ---- the access log: JSON lines, no names
grep -q '"path":"/match/default","status":200' "$TEST_TMP_DIR/access.log" || fail "access log line"
! grep -q "Khatib" "$TEST_TMP_DIR/access.log" || fail "access log has no names"

# ---- a taken port, and a public address without keys
run --home "$H" serve --listen "127.0.0.1:$PORT"
[ "$RC" -ne 0 ] || fail "a taken port is refused"
expect_err "Address already in use" "a taken port is explained"
run --home "$H" serve --listen "0.0.0.0:$PORT"
[ "$RC" -ne 0 ] || fail "a public address without keys is refused"
expect_err "without API keys" "refusal explained"

# ---- API keys and scopes
KEYS="$TEST_TMP_DIR/keys.txt"
printf '# key scope\nscreen-key-0123456789 screen\nadmin-key-0123456789 admin\n' >"$KEYS"
FIRST_BASE=$BASE
FIRST_PID=$SPID
start_server srv2 --api-keys "$KEYS" --cors https://app.example.org
post /match/default "$KHATIB"
expect_code 401 "no token"
expect_out '"error": "unauthorized"' "401 JSON"
expect_hdr "WWW-Authenticate: Bearer" "WWW-Authenticate"
post /match/default "$KHATIB" -H 'Authorization: Bearer wrong-key-0123456789'
expect_code 401 "wrong token"
post /match/default "$KHATIB" -H 'Authorization: Bearer screen-key-0123456789'
expect_code 200 "screen token on /match"
expect_hdr "Access-Control-Allow-Origin: https://app.example.org" "CORS origin"
req POST /admin/reload -H 'Authorization: Bearer screen-key-0123456789'
expect_code 403 "screen token on /admin/reload"
req POST /admin/reload -H 'Authorization: Bearer admin-key-0123456789'
expect_code 200 "admin token on /admin/reload"
expect_out '"status":"reloaded"' "reload answer"
post /match/default "$KHATIB" -H 'Authorization: Bearer admin-key-0123456789'
expect_code 200 "admin implies screen"
req GET /healthz
expect_code 200 "healthz needs no key"
req GET /readyz
expect_code 200 "readyz needs no key"
req OPTIONS /match/default -H 'Origin: https://app.example.org' -H 'Access-Control-Request-Method: POST'
expect_code 204 "CORS preflight"
expect_hdr "Access-Control-Allow-Methods:" "preflight methods"
kill "$SPID"
wait "$SPID"
[ $? -eq 0 ] || fail "the server stops cleanly on SIGTERM"
BASE=$FIRST_BASE
SPID=$FIRST_PID

# ---- live reload under load
STOP="$TEST_TMP_DIR/stop"
rm -f "$STOP" "$TEST_TMP_DIR"/codes.*
WPIDS=""
for w in 1 2 3 4; do
    (while [ ! -f "$STOP" ]; do
        curl -s -o /dev/null -w '%{http_code}\n' -H 'Content-Type: application/json' \
            --data-binary "$KHATIB" "$BASE/match/default"
    done) >"$TEST_TMP_DIR/codes.$w" &
    WPIDS="$WPIDS $!"
done
sleep 1
run --home "$H" import --force "$TEST_DATA_DIR/ofac/sdn_2022-09-09.csv.gz"
expect_rc 0 "import a new SDN version while the server runs"
waited=0
NEW=""
while [ $waited -lt 300 ]; do
    req GET /catalog
    NEW=$(grep -o '"name":"ofac_sdn","list_version":[0-9]*' "$OUT" | grep -o '[0-9]*$')
    [ -n "$NEW" ] && [ "$NEW" != "$SDN_VERSION" ] && break
    sleep 0.2
    waited=$((waited + 1))
done
[ -n "$NEW" ] && [ "$NEW" != "$SDN_VERSION" ] || fail "the catalog shows the new version ($SDN_VERSION -> $NEW)"
sleep 1
touch "$STOP"
for w in $WPIDS; do wait "$w"; done
TOTAL=$(cat "$TEST_TMP_DIR"/codes.* | wc -l)
BAD=$(cat "$TEST_TMP_DIR"/codes.* | grep -vc '^200$')
echo "live reload: $TOTAL requests during the swap, $BAD not 200"
[ "$TOTAL" -gt 10 ] || fail "requests ran during the reload ($TOTAL)"
[ "$BAD" -eq 0 ] || fail "$BAD requests failed during the reload"
post /match/default "$KHATIB"
expect_out "\"source\":{\"dataset\":\"ofac_sdn\",\"version\":$NEW}" "results come from the new version"
req GET /metrics
R=$(metric embargo_reloads_total)
[ "${R:-0}" -ge 1 ] || fail "embargo_reloads_total counts the swap"

kill "$SPID"
wait "$SPID" || fail "the server stops cleanly after the reload"
finish
