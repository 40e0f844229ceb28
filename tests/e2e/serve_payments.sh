# serve_payments.sh - POST /payments/screen: raw MT and ISO 20022 bodies
# answered with the verdict of each message and its field-level hits, 400 for
# an empty body or one that is neither MT nor XML, 422 when no message can be
# read, the screen scope (a screen key may, no key may not), the verdict in
# the audit chain, the route in /openapi.json and in /metrics.
. "$(dirname "$0")/testlib.inc"
command -v curl >/dev/null 2>&1 || { echo "skipped: curl is missing (scripts/install-deps.sh installs it)"; exit 77; }
command -v jq >/dev/null 2>&1 || { echo "skipped: jq is missing (scripts/install-deps.sh installs it)"; exit 77; }
H="$TEST_TMP_DIR/home"
P="$TEST_DATA_DIR/payments"
. "$(dirname "$0")/serve.inc"

pay() { req POST /payments/screen -H "Authorization: Bearer $SK" --data-binary "@$P/$1"; }
jqt() { jq -e "$1" "$OUT" >/dev/null 2>&1 || fail "jq '$1' is not true ($2)"; }

run --home "$H" lists
expect_rc 0 "seed the home"
KEYS="$TEST_TMP_DIR/keys.txt"
printf 'screen-key-0123456789 screen\nadmin-key-0123456789 admin\n' >"$KEYS"
SK=screen-key-0123456789
start_server srv --api-keys "$KEYS"

pay mt103_clean.txt
expect_code 200 "a clean MT103"
jqt '.messages == 1 and .verdict == "pass" and .results[0].hits == [] and (.results[0].audit > 0)' "passes, audited"
pay mt103_bic_57a.txt
expect_code 200 "57A"
jqt '.verdict == "block"' "blocked"
jqt '[.results[0].hits[] | select(.field == "57A" and .kind == "bic" and .entity.id == "ofac-13133")] | length == 1' "the 57A hit"
pay mt202cov_ministry.txt
jqt '.verdict == "review" and ([.results[0].hits[] | select(.field == "B/50K" and .entity.id == "ofac-12111")] | length == 1)' "the ministry in sequence B"
pay pacs008_vessel_rmtinf.xml
jqt '.verdict == "block" and ([.results[0].hits[] | select(.kind == "imo" and .field == "CdtTrfTxInf[1]/RmtInf/Ustrd" and .transaction == "E2E-0002")] | length == 1)' "the IMO number in RmtInf"
pay pacs009_cov_embargoed_agent.xml
jqt '.verdict == "block" and ([.results[0].hits[] | select(.kind == "jurisdiction" and .jurisdiction == "CU")] | length >= 1)' "the Cuban agent"
pay pain001_batch100.xml
jqt '.results[0].transactions == 100 and ([.results[0].hits[].transaction] | unique == ["BATCH-E2E-017", "BATCH-E2E-064"])' "two of 100 transfers hit"
pay mt103_batch_with_bad.txt
expect_code 200 "a batch with a bad message"
jqt '.messages == 3 and .invalid == 1 and .verdict == "pass" and .results[1].verdict == "invalid" and (.results[1].error | test("32A"))' "the bad one reported, the others screened"

# ---- bad input -------------------------------------------------------------------------
pay mt103_bad_32a.txt
expect_code 422 "no message readable"
jqt '.error == "invalid_message" and (.detail | test("field 32A: bad value date 261399"))' "names the field and why"
pay pacs008_not_iso.xml
expect_code 422 "XML that is not ISO 20022"
jqt '.detail | test("not ISO 20022")' "says so"
req POST /payments/screen -H "Authorization: Bearer $SK" --data-binary 'hello'
expect_code 400 "neither MT nor XML"
jqt '.error == "not_a_payment"' "not_a_payment"
req POST /payments/screen -H "Authorization: Bearer $SK"
expect_code 400 "empty body"
jqt '.error == "empty_body"' "empty_body"
req GET /payments/screen -H "Authorization: Bearer $SK"
expect_code 405 "GET is not allowed"

# ---- scope -----------------------------------------------------------------------------
req POST /payments/screen --data-binary "@$P/mt103_clean.txt"
expect_code 401 "no key"
req POST /payments/screen -H "Authorization: Bearer wrong-key-000000000" --data-binary "@$P/mt103_clean.txt"
expect_code 401 "a wrong key"

# ---- documented, counted, audited --------------------------------------------------------
req GET /openapi.json
jqt '.paths["/payments/screen"].post.operationId == "screenPayment"' "in the OpenAPI document"
req GET /metrics -H "Authorization: Bearer $SK"
expect_out 'endpoint="payments",status="200"' "counted in /metrics"
kill "$SPID" 2>/dev/null
wait "$SPID" 2>/dev/null
run --home "$H" audit verify
expect_rc 0 "the chain verifies"
run --home "$H" audit export --format json
expect_out '"kind":"payment"' "verdicts are audit entries"
finish
