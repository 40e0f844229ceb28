# serve_search_yente.sh - yente's tests/test_search.py and tests/test_entity.py ported to
# embargo's bundled lists (issue 10): /search (empty q lists, filters, facets, sort, offset,
# limit, yente's status codes) and /entities (nested entities, nested=false, history,
# /adjacent[/{prop}]). yente's fixture entity NK-aU5ybkbRFJucf8YMwsJvDw (Zakharov in the
# "zala" dataset) is KHATIB, Esmail (ofac-39017, Iran, CYBER2) here; the parteispenden
# Payment graph is OFAC's "Linked To:" (ofac-10392 -> ofac-10465). What could not be
# ported, and why, is in docs/YENTE.md ("Conformance tests").
. "$(dirname "$0")/testlib.inc"
command -v curl >/dev/null 2>&1 || { echo "skipped: curl is missing (scripts/install-deps.sh --test installs it)"; exit 77; }
command -v jq >/dev/null 2>&1 || { echo "skipped: jq is missing (scripts/install-deps.sh --test installs it)"; exit 77; }
H="$TEST_TMP_DIR/home"
HDR="$TEST_TMP_DIR/headers.txt"
. "$(dirname "$0")/serve.inc"

# get PATH: body in $OUT, status in $CODE (a listing's first call builds the listing: no
# tight timeout under sanitizers)
get() {
    CODE=$(curl -s --max-time 300 -o "$OUT" -D "$HDR" -w '%{http_code}' "$BASE$1")
    : >"$ERR"
}
jqt() { jq -e "$1" "$OUT" >/dev/null 2>&1 || fail "jq '$1' is not true ($2)"; }
total() { jq -r '.total.value' "$OUT"; }

run --home "$H" lists
expect_rc 0 "seed the home"
start_server srv
KHATIB=ofac-39017

# ---- test_search.py
get "/search/default?q=Esmail%20Khatib"                       # test_search_zakharov
expect_code 200 "search"
jqt ".results[0].id == \"$KHATIB\"" "the best result"
jqt '.results[0] | (.schema | type == "string") and (.caption | type == "string") and (.properties | type == "object") and (.datasets | type == "array") and (.referents | type == "array") and (.target | type == "boolean")' "entity shape"
jqt '.results[0].first_seen != null and .results[0].last_seen != null' "first_seen and last_seen"
jqt '.results[0].datasets | (index("sanctions") == null) and (index("default") == null)' "no collection in datasets"
get "/search/default"                                        # test_search_no_query
expect_code 200 "no q"
jqt '(.results | length) > 9' "a listing"
jqt '.total.value == 15266 and .total.relation == "eq"' "every bundled entity"
get "/search/banana"                                         # test_search_missing_dataset
expect_code 404 "unknown dataset"
get "/search/default?q=Esmail%20Khatib&schema=Banana"        # test_search_filter_schema_invalid
expect_code 400 "unknown schema"
get "/search/default?q=Esmail%20Khatib&schema=Vessel"        # test_search_filter_schema_remove
jqt '.results | length == 0' "schema=Vessel removes a person"
get "/search/default?schema=Vessel&limit=0"                  # test_search_filter_exclude_schema
VESSELS=$(total)
get "/search/default?limit=0"
ALL=$(total)
get "/search/default?limit=0&exclude_schema=Vessel"
[ "$(total)" -eq $((ALL - VESSELS)) ] && [ "$VESSELS" -gt 0 ] || fail "exclude_schema=Vessel drops the $VESSELS vessels ($(total) of $ALL)"
get "/search/default?q=Esmail%20Khatib&exclude_dataset=ofac_sdn"   # test_search_filter_exclude_dataset
jqt "[.results[] | select(.id == \"$KHATIB\")] | length == 0" "exclude_dataset"
get "/search/default?q=Esmail%20Khatib&include_dataset=un_sc"      # test_search_filter_include_dataset
jqt "[.results[] | select(.id == \"$KHATIB\")] | length == 0" "include_dataset elsewhere"
get "/search/default?q=Esmail%20Khatib&include_dataset=ofac_sdn"
jqt ".results[0].id == \"$KHATIB\"" "include_dataset with it"
get "/search/default?q=Esmail%20Khatib&include_dataset=ofac_sdn&exclude_dataset=ofac_sdn"
jqt '.total.value == 0' "exclude wins over include"
get "/search/default?q=Esmail%20Khatib&changed_since=2099-01-01T00:00"   # test_search_filter_changed_since
expect_code 200 "changed_since"
jqt '.total.value == 0' "nothing changed after 2099"
get "/search/default?q=Esmail%20Khatib&changed_since=2099-01-01T00"
expect_code 200 "changed_since with an hour"
get "/search/default?changed_since=yesterday"
expect_code 422 "a malformed changed_since"
jqt '.detail[0].loc == ["query", "changed_since"]' "422 names the parameter"
get "/search/default?q=Esmail%20Khatib&schema=Person"        # test_search_filter_schema_keep
jqt ".results[0].id == \"$KHATIB\"" "schema=Person keeps him"
get "/search/default?q=Esmail%20Khatib&schema=LegalEntity"
jqt ".results[0].id == \"$KHATIB\"" "schema=LegalEntity: a Person is a LegalEntity"
get "/search/default?q=Esmail%20Khatib&countries=ir"         # test_search_filter_countries_remove
jqt ".results[0].id == \"$KHATIB\"" "countries=ir"
get "/search/default?q=Esmail%20Khatib&countries=ke"
jqt "[.results[] | select(.id == \"$KHATIB\")] | length == 0" "countries=ke"
get "/search/default?q=Esmail%20Khatib&countries=ke&countries=ir"   # test_search_filter_countries_operator
jqt ".results[0].id == \"$KHATIB\"" "countries OR"
get "/search/default?q=Esmail%20Khatib&filter_op=AND&countries=ke&countries=ir"
jqt "[.results[] | select(.id == \"$KHATIB\")] | length == 0" "countries AND"
get "/search/default?filter_op=XOR"
expect_code 422 "filter_op is OR or AND"
get "/search/default?q=Esmail%20Khatib&filter=properties.birthDate:1960%C2%A7"   # test_search_filter
jqt '.results | length == 0' "a filter nothing has"
get "/search/default?q=Esmail%20Khatib&filter=properties.birthDate:1960"
jqt ".results[0].id == \"$KHATIB\"" "a filter he has"
get "/search/default?filter=programId:CYBER2&limit=0"
CYBER=$(total)
[ "$CYBER" -gt 100 ] || fail "filter=programId:CYBER2 lists the cyber programme ($CYBER)"
get "/search/default?filter=birthDate"
expect_code 400 "a filter without ':'"
get "/search/default"                                        # test_search_facet_datasets_default
jqt '[.facets.datasets.values[].name] | index("ofac_sdn") != null and index("eu_fsf") == null' "datasets facet"
jqt '.facets.datasets.values[] | select(.name == "ofac_sdn") | .count == 13821 and (.label | contains("OFAC"))' "its count and label"
get "/search/un_sc"                                          # test_search_facet_datasets_spenden
jqt '[.facets.datasets.values[].name] == ["un_sc"]' "one dataset's facet"
get "/search/default?q=Esmail%20Khatib&countries=ir"         # test_search_facet_countries
jqt '[.facets.countries.values[].name] | index("ir") != null and index("ke") == null' "countries facet"
jqt '.facets.countries.values[] | select(.name == "ir") | .label == "Iran" and (.count | type == "number")' "its label"
get "/search/default?topics=sanction&limit=0"                # test_search_facet_topics
[ "$(total)" -eq "$ALL" ] || fail "every bundled entity is sanctioned ($(total) of $ALL)"
get "/search/default?topics=crime.cyber&limit=0"
[ "$(total)" -eq "$CYBER" ] || fail "crime.cyber is the CYBER2 programme ($(total), $CYBER)"
get "/search/default"
jqt '[.facets.topics.values[].name] | index("sanction") != null and index("crime.cyber") != null and index("sanction.linked") == null' "topics facet"
get "/search/default?schema=Vessel&limit=0"                  # test_search_facet_schema
[ "$VESSELS" -gt 0 ] || fail "vessels are listed"
get "/search/default?facets=schema"
jqt '[.facets.schema.values[].name] | index("Vessel") != null and index("Person") != null' "schema facet"
jqt '.facets | keys == ["schema"]' "only the facet asked for"    # test_search_facet_parameter
get "/search/default"
jqt '.facets | keys == ["countries", "datasets", "topics"]' "the default facets"
get "/search/default?facets=schema&facets=topics"
jqt '.facets | keys == ["schema", "topics"]' "two facets"
get "/search/default?facets=banana"
expect_code 422 "an unknown facet"
get "/search/default?schema=LegalEntity&target=true&limit=1" # test_search_no_targets
jqt '.results | length == 1' "target=true"
get "/search/default?sort=first_seen:desc&limit=50"          # test_search_sorted
jqt '[.results[].first_seen] as $s | $s == ($s | sort | reverse)' "sort=first_seen:desc"
get "/search/default?sort=caption&limit=50"
jqt '[.results[].caption] as $s | $s == ($s | sort)' "sort=caption"
get "/search/default?sort=banana"
expect_code 400 "an unknown sort field"
get "/search/ofac_sdn?q=Esmail%20Khatib"                     # test_search_zakharov_scope
jqt ".results[0].id == \"$KHATIB\"" "in his list"
get "/search/un_sc?q=Esmail%20Khatib"
jqt "[.results[] | select(.id == \"$KHATIB\")] | length == 0" "not in another"
get "/search/default?limit=0&q=Khatib"                       # test_search_limit
expect_code 200 "limit=0"
jqt '(.results | length == 0) and .total.value > 0' "no results, the total"
get "/search/default?offset=100&q=Esmail%20Khatib"           # test_search_offset
jqt '(.results | length == 0) and .offset == 100' "offset past the results"
get "/search/default?offset=10&limit=5"
jqt '(.results | length == 5) and .offset == 10' "offset in a listing"
FIRST=$(jq -r '.results[0].id' "$OUT")
get "/search/default?limit=15"
[ "$(jq -r '.results[10].id' "$OUT")" = "$FIRST" ] || fail "offset=10 starts at the 11th entity"
get "/search/default?offset=9999&q=Khatib"                   # test_search_range_offset
expect_code 422 "offset above 9,499"
get "/search/default?limit=10000&q=Khatib"                   # test_search_range_limit
expect_code 422 "limit above 500"
get "/search/default?limit=500&q=Khatib"
expect_code 200 "limit=500"
jqt '.limit == 500 and .offset == 0' "limit and offset echoed"

# ---- test_entity.py
get /entities/banana                                         # test_entity_404
expect_code 404 "unknown entity"
get "/entities/$KHATIB"                                      # test_entity_fetch
expect_code 200 "entity"
jqt ".id == \"$KHATIB\" and .schema == \"Person\" and (.datasets | index(\"ofac_sdn\") != null)" "id, schema, datasets"
jqt '.properties.birthDate[0] | type == "string"' "properties are strings"
jqt '.properties.sanctions[0] | (type == "object") and .schema == "Sanction" and (.id | type == "string") and (.properties.program | index("CYBER2") != null)' "a nested Sanction"
jqt '.first_seen != null and .last_seen != null and .last_change != null' "history"
jqt '.properties.topics == ["sanction", "crime.cyber"]' "topics from the list and programme"
get "/entities/ofac-10392?nested=false"                      # test_entity_not_nested
expect_code 200 "nested=false"
jqt '.properties | (has("sanctions") | not) and (has("unknownLinkSubject") | not)' "no nested entities"
get "/entities/ofac-10392"                                   # test_entity_nested
jqt '.properties.unknownLinkSubject | length == 1' "one link"
jqt '.properties.unknownLinkSubject[0] | .schema == "UnknownLink" and .properties.subject == ["ofac-10392"] and .properties.role == ["Linked To"]' "the interstitial refers to the root"
jqt '.properties.unknownLinkSubject[0].properties.object[0] | .id == "ofac-10465" and .schema == "Organization" and (.properties.name | length > 0) and (.properties | has("sanctions") | not)' "the linked entity nested, one level"
get "/entities/nested?nested=maybe"
expect_code 422 "nested is a boolean"
get "/entities/ofac-10392/adjacent"                          # test_adjacent
expect_code 200 "adjacent"
jqt '.entity.id == "ofac-10392" and (.entity.properties | has("sanctions") | not)' "the entity, not nested"
jqt '.adjacent.unknownLinkSubject | (.total.value == 1) and .limit == 10 and .offset == 0 and (.results[0].properties.object[0].id == "ofac-10465") and (.results[0].properties.subject == ["ofac-10392"])' "links as results"
jqt '.adjacent.sanctions.results[0].schema == "Sanction"' "sanctions as results"
get "/entities/ofac-10392/adjacent?limit=1&offset=1"         # test_adjacent_offset
jqt '(.adjacent.sanctions.results | length == 0) and .adjacent.sanctions.total.value == 1 and .adjacent.sanctions.offset == 1' "offset past them"
get "/entities/ofac-10392/adjacent/address"                  # test_adjacent_prop
expect_code 404 "a property holding no entities"
get "/entities/ofac-10392/adjacent/unknownLinkSubject?limit=1"   # test_adjacent_prop_limit
expect_code 200 "one property"
jqt '.limit == 1 and .offset == 0 and .total.value == 1 and (.results | length == 1)' "AdjacentResultsResponse"
get "/entities/ofac-10392/adjacent/cryptoWallets"
jqt '.total.value == 0 and .results == []' "a property without values"
get "/entities/ofac-10392/adjacent?limit=501"
expect_code 422 "adjacent limit above 500"

finish
