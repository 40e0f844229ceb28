# serve_client_yente.sh - what real yente clients decode (issue 10): a strict checker
# (python3) reads /match, /catalog and /algorithms with the exact field names and types a
# Go client declares (status int, total.value int, results[].id/referents/match/schema/
# datasets/score/properties.name; catalog datasets[].name/title/load/index_version/
# index_current/children/tags/delta_url/version (a string)/metadata, current, outdated, a
# "default" dataset with an index_version YYYYMMDDhhmmss-xxx; algorithms name/description/
# features), and sends the request nomenklatura's yente enricher sends
# (POST /match/default?algorithm=best&fuzzy=False, body queries.entity,
# Authorization: ApiKey KEY). A missing or mistyped field fails.
. "$(dirname "$0")/testlib.inc"
command -v curl >/dev/null 2>&1 || { echo "skipped: curl is missing (scripts/install-deps.sh --test installs it)"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "skipped: python3 is missing (scripts/install-deps.sh --test installs it)"; exit 77; }
H="$TEST_TMP_DIR/home"
HDR="$TEST_TMP_DIR/headers.txt"
. "$(dirname "$0")/serve.inc"
CHECK="$TEST_TMP_DIR/check.py"
cat >"$CHECK" <<'PY'
import json, re, sys

def typed(v, t, where):
    # bool is not an int, an int is not a float where Go wants a string, and so on
    ok = {"int": lambda x: type(x) is int, "num": lambda x: type(x) in (int, float),
          "str": lambda x: type(x) is str, "bool": lambda x: type(x) is bool,
          "list": lambda x: type(x) is list, "obj": lambda x: type(x) is dict,
          "str?": lambda x: x is None or type(x) is str}[t](v)
    if not ok:
        sys.exit("%s: expected %s, got %r" % (where, t, v))

def fields(o, spec, where):
    typed(o, "obj", where)
    for k, t in spec.items():
        if k not in o:
            sys.exit("%s: missing field %r" % (where, k))
        typed(o[k], t, "%s.%s" % (where, k))

kind, path, *qnames = sys.argv[1:]
doc = json.load(open(path))
if kind == "match":
    fields(doc, {"responses": "obj", "limit": "int"}, "match")
    for q in qnames:
        r = doc["responses"][q]
        fields(r, {"status": "int", "results": "list", "total": "obj", "query": "obj"}, q)
        fields(r["total"], {"value": "int", "relation": "str"}, q + ".total")
        if r["status"] != 200:
            sys.exit("%s: status %r" % (q, r["status"]))
        if not r["results"]:
            sys.exit("%s: no results" % q)
        for i, x in enumerate(r["results"]):
            w = "%s.results[%d]" % (q, i)
            fields(x, {"id": "str", "caption": "str", "schema": "str", "referents": "list",
                       "datasets": "list", "match": "bool", "score": "num",
                       "properties": "obj", "features": "obj", "target": "bool",
                       "first_seen": "str?", "last_seen": "str?", "last_change": "str?"}, w)
            typed(x["properties"].get("name"), "list", w + ".properties.name")
            for n in x["properties"]["name"]:
                typed(n, "str", w + ".properties.name[]")
            for d in x["datasets"]:
                typed(d, "str", w + ".datasets[]")
            if not 0 <= x["score"] <= 1:
                sys.exit("%s.score out of [0, 1]" % w)
        print(r["results"][0]["id"])
elif kind == "catalog":
    fields(doc, {"datasets": "list", "current": "list", "outdated": "list",
                 "index_stale": "bool"}, "catalog")
    names = []
    for i, d in enumerate(doc["datasets"]):
        w = "datasets[%d]" % i
        fields(d, {"name": "str", "title": "str", "load": "bool", "index_version": "str?",
                   "index_current": "bool", "children": "list", "tags": "list",
                   "delta_url": "str?", "version": "str", "metadata": "obj"}, w)
        names.append(d["name"])
    default = [d for d in doc["datasets"] if d["name"] == "default"]
    if not default:
        sys.exit("catalog: no default dataset")
    if not re.fullmatch(r"[0-9]{14}-[a-z0-9]{3}", default[0]["index_version"] or ""):
        sys.exit("default.index_version %r is not YYYYMMDDhhmmss-xxx" % default[0]["index_version"])
    for c in doc["current"] + doc["outdated"]:
        typed(c, "str", "current/outdated[]")
    print(" ".join(sorted(names)))
elif kind == "algorithms":
    fields(doc, {"algorithms": "list", "default": "str", "best": "str"}, "algorithms")
    for i, a in enumerate(doc["algorithms"]):
        fields(a, {"name": "str", "description": "str", "features": "obj"}, "algorithms[%d]" % i)
    if doc["best"] not in [a["name"] for a in doc["algorithms"]]:
        sys.exit("best names no algorithm")
    print(doc["best"])
PY

run --home "$H" lists
expect_rc 0 "seed the home"
KEYS="$TEST_TMP_DIR/keys.txt"
printf 'client-key-0123456789 screen\n' >"$KEYS"
start_server srv --api-keys "$KEYS"
A="Authorization: ApiKey client-key-0123456789"
check() { # check KIND [QUERY NAMES...]: the strict decoder on $OUT
    k=$1
    shift
    python3 "$CHECK" "$k" "$OUT" "$@" >"$TEST_TMP_DIR/check.out" 2>"$TEST_TMP_DIR/check.err" ||
        fail "$k does not decode: $(cat "$TEST_TMP_DIR/check.err")"
}

# nomenklatura's yente enricher: ?algorithm=best&fuzzy=False, queries.entity, ApiKey
BODY='{"queries": {"entity": {"schema": "Person", "properties": {"name": ["Esmail Khatib"], "birthDate": ["1960"], "nationality": ["ir"]}}}}'
CODE=$(curl -s --max-time 120 -o "$OUT" -w '%{http_code}' -X POST -H "$A" -H 'Content-Type: application/json' \
    --data-binary "$BODY" "$BASE/match/default?algorithm=best&fuzzy=False")
expect_code 200 "the enricher's request"
check match entity
[ "$(cat "$TEST_TMP_DIR/check.out")" = "ofac-39017" ] || fail "the enricher's query finds Khatib"
# a Go client's batch (Marble): two queries, threshold and limit
BODY='{"queries": {"a": {"schema": "Person", "properties": {"name": ["Ayman al-Zawahiri"]}}, "b": {"schema": "Organization", "properties": {"name": ["Islamic Revolutionary Guard Corps"]}}}}'
CODE=$(curl -s --max-time 120 -o "$OUT" -w '%{http_code}' -X POST -H "$A" --data-binary "$BODY" \
    "$BASE/match/sanctions?threshold=0.7&limit=5")
expect_code 200 "a batch"
check match a b
CODE=$(curl -s --max-time 60 -o "$OUT" -w '%{http_code}' -H "$A" "$BASE/catalog")
expect_code 200 "/catalog"
check catalog
grep -q "default" "$TEST_TMP_DIR/check.out" && grep -q "sanctions" "$TEST_TMP_DIR/check.out" ||
    fail "the catalog has the default and sanctions collections"
CODE=$(curl -s --max-time 60 -o "$OUT" -w '%{http_code}' -H "$A" "$BASE/algorithms")
expect_code 200 "/algorithms"
check algorithms
# the checker has teeth: a version as a number (embargo's old catalog) fails it
printf '{"datasets": [{"name": "default", "title": "x", "load": false, "index_version": "20240101000000-abc", "index_current": true, "children": [], "tags": [], "delta_url": null, "version": 3, "metadata": {}}], "current": [], "outdated": [], "index_stale": false}' >"$OUT"
python3 "$CHECK" catalog "$OUT" >/dev/null 2>&1 && fail "the checker accepts a numeric version"

finish
