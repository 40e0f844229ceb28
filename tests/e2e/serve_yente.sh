# serve_yente.sh - `embargo serve` as a drop-in yente (issue 10): the three
# forms of API key (Authorization: Bearer, Authorization: ApiKey, ?api_key=)
# with their scopes, OpenSanctions dataset names and collections (an unknown
# one is 404 with a "detail"), and /catalog, /manifest, /algorithms and
# /updatez decoded with the field names and types of yente's response models
# (what a Go client decodes: version a string, index_version
# YYYYMMDDhhmmss-xxx, a "default" collection).
. "$(dirname "$0")/testlib.inc"
command -v curl >/dev/null 2>&1 || { echo "skipped: curl is missing (scripts/install-deps.sh installs it)"; exit 77; }
command -v jq >/dev/null 2>&1 || { echo "skipped: jq is missing (scripts/install-deps.sh installs it)"; exit 77; }
H="$TEST_TMP_DIR/home"
. "$(dirname "$0")/serve.inc"

# req METHOD PATH [CURL ARGS...]: body in $OUT, status in $CODE
post() { # post PATH BODY [CURL ARGS...]
    p=$1
    b=$2
    shift 2
    req POST "$p" -H 'Content-Type: application/json' --data-binary "$b" "$@"
}
# jqt FILTER WHY: the jq filter must be true on the body
jqt() { jq -e "$1" "$OUT" >/dev/null 2>&1 || fail "jq '$1' is not true ($2)"; }

run --home "$H" lists
expect_rc 0 "seed the home"

KEYS="$TEST_TMP_DIR/keys.txt"
printf 'screen-key-0123456789 screen\nadmin-key-0123456789 admin\n' >"$KEYS"
start_server srv --api-keys "$KEYS"
KHATIB='{"queries": {"q1": {"schema": "Person", "properties": {"name": ["Esmail Khatib"]}}}}'
SK=screen-key-0123456789
AK=admin-key-0123456789

req GET /catalog -H "Authorization: ApiKey $SK"
SDN_ID=$(jq -r '.datasets[] | select(.name == "ofac_sdn") | .list_version' "$OUT")

# ---- auth: Bearer, ApiKey, ?api_key=, same scopes
post /match/default "$KHATIB"
expect_code 401 "no key"
jqt '.detail | type == "string"' "401 has a detail"
post /match/default "$KHATIB" -H "Authorization: Bearer $SK"
expect_code 200 "Bearer"
post /match/default "$KHATIB" -H "Authorization: ApiKey $SK"
expect_code 200 "ApiKey"
post /match/default "$KHATIB" -H "Authorization: apikey $SK"
expect_code 200 "ApiKey, any case"
post "/match/default?api_key=$SK" "$KHATIB"
expect_code 200 "?api_key="
jqt '.responses.q1.results[0].id == "ofac-39017"' "?api_key= screens"
post /match/default "$KHATIB" -H "Authorization: ApiKey wrong-key-0123456789"
expect_code 401 "wrong ApiKey"
post "/match/default?api_key=wrong-key-0123456789" "$KHATIB"
expect_code 401 "wrong ?api_key="
post "/match/default?api_key=$SK" "$KHATIB" -H "Authorization: Bearer wrong-key-0123456789"
expect_code 401 "a wrong header is not rescued by ?api_key="
req POST /admin/reload -H "Authorization: ApiKey $SK"
expect_code 403 "a screen key (ApiKey) may not reload"
req POST "/admin/reload?api_key=$SK"
expect_code 403 "a screen key (?api_key=) may not reload"
req POST "/admin/reload?api_key=$AK"
expect_code 200 "an admin key (?api_key=) reloads"
req POST /admin/reload -H "Authorization: ApiKey $AK"
expect_code 200 "an admin key (ApiKey) reloads"
A="Authorization: ApiKey $SK"

# ---- dataset names: OpenSanctions aliases and collections
for ds in default sanctions us_ofac_sdn ofac_sdn; do
    post "/match/$ds" "$KHATIB" -H "$A"
    expect_code 200 "/match/$ds"
    jqt '.responses.q1.results[0].id == "ofac-39017"' "/match/$ds finds Khatib"
done
for ds in un_sc_sanctions us_ofac_cons; do
    post "/match/$ds" "$KHATIB" -H "$A"
    expect_code 200 "/match/$ds"
    jqt '[.responses.q1.results[] | select(.id == "ofac-39017")] | length == 0' "/match/$ds: not on that list"
done
post /match/no_such_dataset "$KHATIB" -H "$A"
expect_code 404 "unknown dataset"
jqt '.detail | type == "string" and contains("No such dataset")' "yente's detail"
req GET "/search/us_ofac_sdn?q=Esmail%20Khatib" -H "$A"
expect_code 200 "/search/us_ofac_sdn"
jqt '[.results[] | select(.id == "ofac-39017")] | length == 1' "search by alias"
jqt '[.results[].datasets[] | select(. != "ofac_sdn")] | length == 0' "only the SDN"
req GET "/search/gb_fcdo_sanctions?q=Khatib" -H "$A"
expect_code 404 "an alias of a list the home does not hold"
req GET "/search/no_such_dataset?q=Khatib" -H "$A"
expect_code 404 "/search unknown dataset"
post "/match/default?include_dataset=us_ofac_cons" "$KHATIB" -H "$A"
expect_code 200 "include_dataset alias"
jqt '[.responses.q1.results[] | select(.id == "ofac-39017")] | length == 0' "include_dataset=us_ofac_cons excludes the SDN"
post "/match/default?exclude_dataset=us_ofac_sdn" "$KHATIB" -H "$A"
jqt '[.responses.q1.results[] | select(.id == "ofac-39017")] | length == 0' "exclude_dataset alias"
post "/match/default?include_dataset=sanctions" "$KHATIB" -H "$A"
jqt '.responses.q1.results[0].id == "ofac-39017"' "include_dataset=sanctions includes all"

# ---- /catalog and /manifest: yente's DataCatalogModel, as a Go client decodes it
for path in /catalog /manifest; do
    req GET $path -H "$A"
    expect_code 200 "$path"
    jqt '(.datasets | type == "array") and (.current | type == "array") and (.outdated | type == "array") and (.index_stale | type == "boolean")' "$path: top-level fields and types"
    jqt 'all(.datasets[]; (.name | type == "string") and (.title | type == "string") and (.load | type == "boolean") and (.index_current | type == "boolean") and (.children | type == "array") and (.tags | type == "array") and (.delta_url == null) and (.version | type == "string") and (.metadata | type == "object") and (.entity_count | type == "number") and (.updated_at | type == "string"))' "$path: every dataset's fields and types"
    jqt 'all(.datasets[]; .index_version == null or (.index_version | test("^[0-9]{14}-[a-z0-9]{3}$")))' "$path: index_version YYYYMMDDhhmmss-xxx"
    jqt '.datasets[] | select(.name == "default") | (.load == false) and (.index_version | test("^[0-9]{14}-[a-z0-9]{3}$")) and .index_current and ((.children | sort) == ["ofac_cons", "ofac_sdn", "un_sc"])' "$path: the default collection"
    jqt '[.datasets[] | select(.name == "sanctions")] | length == 1' "$path: the sanctions collection"
    jqt '.datasets[] | select(.name == "ofac_sdn") | .load and .index_current and (.version == .index_version) and (.list_version | type == "number") and .opensanctions_name == "us_ofac_sdn" and (.title | contains("OFAC"))' "$path: ofac_sdn"
    jqt '(.current | sort) == ["ofac_cons", "ofac_sdn", "un_sc"] and .outdated == [] and .index_stale == false' "$path: current, outdated, index_stale"
done
# a new version in the store: outdated until the server screens it, then current again
run --home "$H" import --force "$TEST_DATA_DIR/ofac/sdn_2022-09-09.csv.gz"
expect_rc 0 "import a new SDN version"
waited=0
while [ $waited -lt 300 ]; do
    req GET /catalog -H "$A"
    jq -e '.datasets[] | select(.name == "ofac_sdn") | .list_version' "$OUT" >"$TEST_TMP_DIR/v.txt" 2>/dev/null
    [ "$(cat "$TEST_TMP_DIR/v.txt")" != "$SDN_ID" ] && break
    sleep 0.2
    waited=$((waited + 1))
done
jqt '.datasets[] | select(.name == "ofac_sdn") | .index_current' "the new version is screened"
jqt '.index_stale == false' "not stale once loaded"

# ---- /algorithms: yente's AlgorithmResponse
req GET /algorithms -H "$A"
expect_code 200 "/algorithms"
jqt '(.algorithms | type == "array") and .default == "embargo-v1" and .best == "embargo-v1"' "default and best are embargo's matcher"
jqt 'all(.algorithms[]; (.name | type == "string") and (.description | type == "string") and (.features | type == "object") and (.docs.features | type == "object") and (.docs.config | type == "object") and all(.features[]; (.coefficient | type == "number") and (.description | type == "string") and (.url | type == "string")))' "every algorithm: name, description, features {description, coefficient, url}, docs"
jqt '([.algorithms[].name] | sort) == ["embargo-v1", "logic-v1", "logic-v2", "name-based"]' "embargo-v1 and the yente aliases"
jqt 'all(.algorithms[] | select(.name != "embargo-v1"); .description | contains("runs embargo"))' "aliases say what they run"
jqt '.algorithms[] | select(.name == "embargo-v1") | .features | (.name.coefficient == 1) and (.identifier.coefficient == 1) and (.birth_date | type == "object") and (.country | type == "object") and (.gender.coefficient < 0) and (.schema.coefficient < 0)' "embargo-v1 features and weights"

# ---- /updatez: yente's forced index update (admin), and the update status
req POST /updatez -H "$A"
expect_code 403 "a screen key may not update"
req POST /updatez
expect_code 401 "no key"
req POST "/updatez?token=wrong-key-0123456789"
expect_code 401 "a wrong token"
req POST "/updatez?token=$AK&sync=true"
expect_code 200 "yente's ?token= with an admin key"
jqt '.status == "ok" and .reloaded == true and (.generation | type == "number") and (.updates | type == "array")' "StatusResponse and the generation"
req GET /updatez -H "Authorization: ApiKey $AK"
expect_code 200 "GET /updatez"
jqt '.status == "ok" and .reloaded == false and .generation > 0' "the status without a reload"

# ---- openapi documents them
req GET /openapi.json
jqt '.paths | has("/algorithms") and has("/manifest") and has("/updatez")' "openapi paths"
jqt '.components.securitySchemes | has("apiKeyHeader") and has("apiKeyQuery")' "openapi: the three key forms"

finish
