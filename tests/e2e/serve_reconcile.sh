# serve_reconcile.sh - yente's tests/test_reconcile.py ported to embargo's bundled lists
# (issue 10): the OpenRefine Reconciliation API at /reconcile/{dataset}: the manifest,
# queries (form-encoded queries=, a JSON body), extend, suggest/entity, suggest/type,
# suggest/property, extend/property. yente's Zakharov is KHATIB, Esmail (ofac-39017).
. "$(dirname "$0")/testlib.inc"
command -v curl >/dev/null 2>&1 || { echo "skipped: curl is missing (scripts/install-deps.sh --test installs it)"; exit 77; }
command -v jq >/dev/null 2>&1 || { echo "skipped: jq is missing (scripts/install-deps.sh --test installs it)"; exit 77; }
H="$TEST_TMP_DIR/home"
. "$(dirname "$0")/serve.inc"
jqt() { jq -e "$1" "$OUT" >/dev/null 2>&1 || fail "jq '$1' is not true ($2)"; }

run --home "$H" lists
expect_rc 0 "seed the home"
start_server srv
KHATIB=ofac-39017

req GET /reconcile/default                                    # test_reconcile_metadata
expect_code 200 "manifest"
jqt '.identifierSpace | startswith("https://www.opensanctions.org")' "identifierSpace"
jqt '(.defaultTypes | length) > 3 and has("suggest") and has("extend") and .versions == ["0.2"]' "defaultTypes, suggest, extend"
jqt '.suggest.entity.service_url == "/reconcile/default" and .suggest.entity.service_path == "/suggest/entity"' "the suggest service"
req GET "/reconcile/default?api_key=abc"
jqt '.suggest.entity.service_path == "/suggest/entity?api_key=abc"' "the key passed on"
req GET /reconcile/banana
expect_code 404 "unknown dataset"
req POST /reconcile/default --data-urlencode 'queries={"mutti": {"query": "Esmail KHATIB"}}'   # test_reconcile_post_query
expect_code 200 "form-encoded queries"
jqt ".mutti.result[0].id == \"$KHATIB\" and .mutti.result[0].match == true and (.mutti.result[0].score | type == \"number\") and .mutti.result[0].type[0].id == \"Person\"" "the candidate"
req POST /reconcile/us_ofac_sdn -H 'Content-Type: application/json' --data-binary '{"queries": {"q0": {"query": "Esmail Khatib", "type": "Person", "limit": 2, "properties": [{"pid": "Person:birthDate", "v": "1960"}]}}}'
expect_code 200 "a JSON body, a type, a property, an alias"
jqt ".q0.result[0].id == \"$KHATIB\" and (.q0.result | length) <= 2" "limit"
req POST /reconcile/un_sc --data-urlencode 'queries={"q0": {"query": "Esmail Khatib", "type": "Person"}}'
jqt "[.q0.result[] | select(.id == \"$KHATIB\")] | length == 0" "another list"
req POST /reconcile/default --data-urlencode "extend={\"ids\": [\"$KHATIB\"], \"properties\": [{\"id\": \"name\"}, {\"id\": \"birthDate\"}]}"   # test_reconcile_post_extend
expect_code 200 "extend"
jqt '(.meta | length == 2) and .meta[0].id == "name"' "meta"
jqt ".rows[\"$KHATIB\"].name | length > 0 and (map(.str) | join(\"\") | ascii_downcase | contains(\"khatib\"))" "rows"
jqt ".rows[\"$KHATIB\"].birthDate | map(.str) | index(\"1960\") != null" "birth dates"
req POST /reconcile/default --data-urlencode 'queries={"mutti": {"type": "Banana"}}'   # test_reconcile_invalid
expect_code 400 "an unknown type"
req POST /reconcile/default --data-urlencode 'queries=not json'
expect_code 400 "malformed JSON"
req POST /reconcile/default --data-urlencode 'nothing=1'
expect_code 400 "neither queries nor extend"
req GET /reconcile/default/suggest/entity                    # test_reconcile_suggest_entity_no_prefix
expect_code 200 "suggest without prefix"
jqt '.result == []' "nothing"
req GET "/reconcile/default/suggest/entity?prefix=esmail%20khat"   # test_reconcile_suggest_entity_prefix
jqt ".result[0].id == \"$KHATIB\" and (.result[0].name | ascii_downcase | contains(\"esmail\"))" "by prefix"
req GET "/reconcile/default/suggest/entity?prefix=banana%20man"    # ..._prefix_dummy
jqt '.result == []' "no banana man"
req GET /reconcile/default/suggest/property                  # test_reconcile_suggest_property_no_prefix
jqt '.result == []' "no prefix, no property"
req GET "/reconcile/default/suggest/property?prefix=country" # test_reconcile_suggest_property_prefix
jqt '[.result[].id] | index("LegalEntity:mainCountry") != null and index("Thing:country") != null' "country properties"
req GET "/reconcile/default/suggest/property?prefix=banana"
jqt '.result == []' "no banana property"
req GET /reconcile/default/suggest/type                      # test_reconcile_suggest_type_no_prefix
jqt '.result == []' "no prefix, no type"
req GET "/reconcile/default/suggest/type?prefix=organ"       # test_reconcile_suggest_type_prefix
jqt '.result | length == 1 and .[0].id == "Organization"' "Organization"
req GET "/reconcile/default/suggest/type?prefix=banana"
jqt '.result == []' "no banana type"
req GET "/reconcile/default/extend/property?limit=5&type=LegalEntity"   # test_reconcile_extend_properties
expect_code 200 "propose properties"
jqt '.type == "LegalEntity" and .limit == 5 and (.properties | length == 5) and ([.properties[].id] | index("name") != null and index("country") != null)' "five properties"
req GET "/reconcile/default/extend/property?limit=5&type=Banana"   # ..._invalid_type
expect_code 400 "an unknown type"

finish
