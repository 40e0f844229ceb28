# serve_match_yente.sh - POST /match with yente's semantics (issue 10), on the
# bundled lists: the assertions of yente's tests/test_match.py ported to
# embargo's data (yente's "zala" Zakharov is ofac-45937 here), and one check
# per /match item of the issue: the cutoff (defaults to the threshold, at most
# it, results score above it), total.value counted before limit, limit=0, the
# query echoed normalised, algorithm / config / weights / changed_since
# validation (400 or 422 with yente's list detail), exclude_schema, topics,
# changed_since, exclude_entity_ids, include/exclude_dataset, FtM's matchable
# schemata, {"queries":{}}, a query without schema, a number as a value, and
# scores that never round across the threshold.
#
# Not ported from test_match.py: test_match_logic_v2_with_algorithm_config's
# accepted nm_number_mismatch (embargo's matcher has no configuration
# parameter: every config key is a 400, as yente answers an unknown one);
# test_match_name_without_spaces and test_fuzzy_names (they mock yente's
# MATCH_FUZZY index setting; embargo has no such switch, fuzzy= is accepted
# and changes nothing); the referent half of test_exclude_entity_ids (the
# bundled entities have no referents).
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
start_server srv

M=/match/default
ZAKHAROV='{"schema": "Person", "properties": {"name": ["Alexander Vyacheslavovich ZAKHAROV"], "birthDate": ["1965"], "country": "Russia"}}'
MANY_NAMES='{"schema": "Person", "properties": {"name": ["Alexander Vyacheslavovich ZAKHAROV", "Aleksandr Vyacheslavovich Zakharov", "Александр Вячеславович Захаров", "Александр ЗАХАРОВ", "Захаров Александр Вячеславович", "Zakharov Aleksandr Vyacheslavovich", "Aleksandr Vjačeslavovič Zacharov"]}}'
ZID=ofac-45937

# ---- test_match_zakharov
post $M "{\"queries\": {\"vv\": $ZAKHAROV, \"xx\": $ZAKHAROV, \"zz\": $ZAKHAROV}}"
expect_code 200 "three queries"
jqt '.responses | keys == ["vv", "xx", "zz"]' "one response per query"
jqt '.responses.vv.query.schema == "Person"' "query schema echoed"
jqt '.responses.vv.query.properties.country[0] == "ru"' "country Russia echoed as ru"
jqt '.responses.vv.query.properties.name == ["Alexander Vyacheslavovich ZAKHAROV"]' "names echoed as an array"
jqt '.responses.vv.query.id == null' "no id given: null"
jqt '.responses.vv.total.value > 0 and .responses.vv.total.relation == "eq"' "total"
jqt ".responses.vv.results[0].id == \"$ZID\"" "Zakharov first"
jqt '.responses.vv.results[0] | (.id|type) == "string" and (.schema|type) == "string" and (.caption|type) == "string" and (.properties|type) == "object" and (.datasets|type) == "array" and (.referents|type) == "array" and (.target|type) == "boolean" and (.score|type) == "number" and (.match|type) == "boolean"' "entity shape"
jqt '.limit == 5' "default limit 5"

# ---- test_match_zakharov_name_based_mode: algorithms
post "$M?algorithm=neural-net" "{\"queries\": {\"vv\": $ZAKHAROV}}"
expect_code 400 "unknown algorithm"
jqt '.detail | type == "string" and test("Invalid algorithm")' "detail says so"
for a in name-based best default logic-v1 logic-v2 embargo embargo-v1 NAME-BASED; do
    post "$M?algorithm=$a" "{\"queries\": {\"vv\": $ZAKHAROV}}"
    expect_code 200 "algorithm $a"
    jqt ".responses.vv.results[0].id == \"$ZID\" and .responses.vv.results[0].score > 0.7" "algorithm $a finds Zakharov"
done

# ---- test_match_no_schema
post $M '{"queries": {"fail": {"properties": {"name": "Banana"}}}}'
expect_code 422 "a query without schema"
jqt '.detail | type == "array" and .[0].loc == ["body", "queries", "fail", "schema"] and .[0].type == "missing"' "422 detail as yente's list"
post $M '{"queries": {"fail": {"schema": "xxx", "properties": {"name": "Banana"}}, "ok1": {"schema": "Person", "properties": {"name": ["Vladimir Putin"]}}, "ok2": {"schema": "Person", "properties": {"name": ["John Doe"]}}}}'
expect_code 400 "an unknown schema among valid queries"
jqt '.detail | type == "string"' "400 detail a string"
post $M '{"queries": {"fail": {"schema": "Person"}}}'
expect_code 422 "a query without properties"

# ---- test_match_many_names(_logic_v1): fuzzy accepted, same answer
for a in logic-v1 best; do
    post "$M?algorithm=$a" "{\"queries\": {\"q\": $MANY_NAMES}}"
    expect_code 200 "many names, $a"
    jqt '.responses.q.results | length > 0' "many names find something ($a)"
    N1=$(jq '.responses.q.results | length' "$OUT")
    post "$M?algorithm=$a&fuzzy=false" "{\"queries\": {\"q\": $MANY_NAMES}}"
    expect_code 200 "fuzzy=false accepted ($a)"
    jqt ".responses.q.results | length == $N1" "fuzzy=false: as many results ($a)"
done
post "$M?algorithm=best&fuzzy=False" "{\"queries\": {\"entity\": $ZAKHAROV}}"
expect_code 200 "nomenklatura's enricher request"

# ---- test_match_exclude_dataset / test_match_include_dataset
post "$M?algorithm=name-based&exclude_dataset=ofac_sdn" "{\"queries\": {\"vv\": $ZAKHAROV}}"
expect_code 200 "exclude_dataset"
jqt '.responses.vv.results | length == 0' "exclude_dataset drops Zakharov's list"
post "$M?algorithm=name-based&include_dataset=un_sc&include_dataset=ofac_cons" "{\"queries\": {\"vv\": $ZAKHAROV}}"
jqt '.responses.vv.results | length == 0' "include_dataset without Zakharov's list: nothing"
post "$M?algorithm=name-based&include_dataset=ofac_sdn&include_dataset=un_sc" "{\"queries\": {\"vv\": $ZAKHAROV}}"
jqt '.responses.vv.results | length > 0' "include_dataset with Zakharov's list"
post "$M?algorithm=name-based&include_dataset=ofac_sdn&include_dataset=un_sc&exclude_dataset=ofac_sdn" "{\"queries\": {\"vv\": $ZAKHAROV}}"
jqt '.responses.vv.results | length == 0' "include then exclude: nothing"

# ---- test_match_logic_v2_with_algorithm_config (the unknown-key half) and weights
post "$M?algorithm=logic-v2" "{\"queries\": {\"vv\": $ZAKHAROV}, \"config\": {\"invalid_option\": 0.4}}"
expect_code 400 "unknown config key"
jqt '.detail | test("Invalid configuration parameter: invalid_option")' "yente's message"
post $M "{\"queries\": {\"vv\": $ZAKHAROV}, \"config\": {}}"
expect_code 200 "empty config"
post $M "{\"queries\": {\"vv\": $ZAKHAROV}, \"config\": {\"x\": [1]}}"
expect_code 422 "a config value that is not a scalar"
post $M "{\"queries\": {\"vv\": $ZAKHAROV}, \"weights\": {\"name_literal\": 0.8, \"x\": 1}}"
expect_code 200 "weights: an object of numbers"
post $M "{\"queries\": {\"vv\": $ZAKHAROV}, \"weights\": {\"name_literal\": \"high\"}}"
expect_code 422 "a weight that is not a number"
jqt '.detail[0].loc == ["body", "weights", "name_literal"]' "where"
post $M "{\"queries\": {\"vv\": $ZAKHAROV}, \"weights\": [0.8]}"
expect_code 422 "weights not an object"

# ---- test_filter_topic
post "$M?algorithm=name-based&topics=crime.cyber" "{\"queries\": {\"vv\": $ZAKHAROV}}"
expect_code 200 "topics"
jqt '.responses.vv.results | length == 0' "no crime.cyber Zakharov"
post "$M?topics=sanction" "{\"queries\": {\"vv\": $ZAKHAROV}}"
jqt ".responses.vv.results[0].id == \"$ZID\"" "a sanction topic keeps him"

# ---- test_id_pass_through
post $M "{\"queries\": {\"no1\": {\"id\": \"zakharov\", \"schema\": \"Person\", \"properties\": {\"name\": [\"Aleksandr Zakharov\"]}}}}"
expect_code 200 "id"
jqt '.responses.no1.query.schema == "Person" and .responses.no1.query.id == "zakharov"' "id passed through"

# ---- test_match_numeric_property_value
post $M '{"queries": {"q": {"schema": "Person", "properties": {"name": ["Alexander Zakharov"], "birthDate": [1965]}}}}'
expect_code 200 "a number as a value"
jqt '.responses.q.query.properties.birthDate | index("1965") != null' "echoed as a string"
post $M '{"queries": {"q": {"schema": "Person", "properties": {"name": ["Alexander Zakharov"], "birthDate": 1965}}}}'
expect_code 422 "a bare number (neither a string nor a list)"

# ---- test_exclude_entity_ids
post "$M?exclude_entity_ids=$ZID" "{\"queries\": {\"q\": $ZAKHAROV}}"
jqt '.responses.q.results | length == 0' "excluded by id"
IDS=$(seq 1 51 | sed 's/^/exclude_entity_ids=x/' | paste -sd'&')
post "$M?$IDS" "{\"queries\": {\"q\": $ZAKHAROV}}"
expect_code 422 "more than 50 exclude_entity_ids"

# ---- the cutoff: default = threshold, min(cutoff, threshold), results score above it
KHATIB='{"queries": {"b": {"schema": "Person", "properties": {"name": ["Mohammad Hassan Ali"]}}}}'
post "$M?limit=50" "$KHATIB"
jqt '[.responses.b.results[].score] | length > 0 and all(. > 0.7)' "default: only scores above the threshold"
post "$M?limit=50&cutoff=0.9" "$KHATIB"
jqt '[.responses.b.results[].score] | length > 0 and all(. > 0.7)' "a cutoff above the threshold is the threshold"
post "$M?limit=50&cutoff=0.3" "$KHATIB"
jqt '[.responses.b.results[].score] | any(. < 0.7) and all(. > 0.3)' "a lower cutoff shows scores above it"

# ---- scores: match == (score >= threshold), visibly
post "$M?limit=50&cutoff=0.05&threshold=0.6855887770652771" "$KHATIB"
jqt '.responses.b.results | length > 5 and all(.match == (.score >= 0.6855887770652771))' "no score rounded across the threshold"
post "$M?limit=100&cutoff=0.05&threshold=0.5" "$KHATIB"
jqt '.responses.b.results | all(.match == (.score >= 0.5))' "threshold 0.5"

# ---- total.value: the matches before limit
post "$M?threshold=0.5&limit=50" "$KHATIB"
ALL=$(jq '[.responses.b.results[] | select(.match)] | length' "$OUT")
[ "$ALL" -ge 3 ] || fail "a query with several matches ($ALL)"
post "$M?threshold=0.5&limit=1" "$KHATIB"
jqt ".responses.b.total == {\"value\": $ALL, \"relation\": \"eq\"} and (.responses.b.results | length) == 1" "total counts every match, limit=1 returns one"
post "$M?threshold=0.5&limit=0" "$KHATIB"
expect_code 200 "limit=0"
jqt ".responses.b.total.value == $ALL and (.responses.b.results | length) == 0 and .limit == 0" "limit=0: no results, the total"
post "$M?limit=501" "$KHATIB"
expect_code 400 "limit above 500"

# ---- changed_since: yente's pattern, last_change after it
for bad in 2026 2026-1-01 2026-01-01T1 "2026-01-01%2000:00" 2026-01-01T00:00:00Z; do
    post "$M?changed_since=$bad" "{\"queries\": {\"q\": $ZAKHAROV}}"
    expect_code 422 "changed_since=$bad"
done
jqt '.detail[0].loc == ["query", "changed_since"]' "where"
for ok in 2000-01-01 2000-01-01T10 2000-01-01T10:11 2000-01-01T10:11:12; do
    post "$M?changed_since=$ok" "{\"queries\": {\"q\": $ZAKHAROV}}"
    expect_code 200 "changed_since=$ok"
    jqt ".responses.q.results[0].id == \"$ZID\"" "changed since $ok"
done
post "$M?changed_since=2999-01-01" "{\"queries\": {\"q\": $ZAKHAROV}}"
jqt '.responses.q.results | length == 0' "nothing changed after 2999"

# ---- exclude_schema
post "$M?exclude_schema=Person" "{\"queries\": {\"q\": $ZAKHAROV}}"
jqt '.responses.q.results | length == 0' "exclude_schema=Person"
post "$M?exclude_schema=Vessel" "{\"queries\": {\"q\": $ZAKHAROV}}"
jqt ".responses.q.results[0].id == \"$ZID\"" "exclude_schema=Vessel keeps a Person"

# ---- matchable schemata: Person and LegalEntity queries meet no Vessel
for sch in Person LegalEntity Organization Company; do
    post "$M?cutoff=0.1&limit=20" "{\"queries\": {\"q\": {\"schema\": \"$sch\", \"properties\": {\"name\": [\"ADRIAN DARYA 1\"]}}}}"
    expect_code 200 "$sch query"
    jqt '[.responses.q.results[].schema] | all(. != "Vessel" and . != "Airplane")' "a $sch query returns no Vessel"
done
post "$M?cutoff=0.1&limit=20" '{"queries": {"q": {"schema": "Vessel", "properties": {"name": ["ADRIAN DARYA 1"]}}}}'
jqt '.responses.q.results[0].schema == "Vessel" and .responses.q.results[0].match' "a Vessel query finds the vessel"
jqt '[.responses.q.results[].schema] | all(. == "Vessel")' "and only vessels"

# ---- empty and null queries
post $M '{"queries": {}}'
expect_code 400 "no queries"
jqt '.detail == "No queries provided."' "yente's detail"
post $M '{"queries": {"a": null}}'
expect_code 422 "a null query (yente's model refuses it before its route would skip it)"

kill "$SPID"
wait "$SPID" || fail "the server stops cleanly"
finish
