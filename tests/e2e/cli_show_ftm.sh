# cli_show_ftm.sh - `embargo show --json` prints the FollowTheMoney form of an
# entity with its history from the store's versions (OFAC 2022-09-08 then
# 2022-09-09: the ministry, ofac-12111, changed in version 2); --stored-json
# prints the JSON the store keeps.
. "$(dirname "$0")/testlib.inc"
H="$TEST_TMP_DIR/home"

run --home "$H" --no-seed import "$TEST_DATA_DIR/ofac/sdn_2022-09-08.csv.gz"
expect_rc 0 "import 2022-09-08"
run --home "$H" import "$TEST_DATA_DIR/ofac/sdn_2022-09-09.csv.gz"
expect_rc 0 "import 2022-09-09"
run --home "$H" show --json ofac-12111
expect_rc 0 "show --json"
expect_out '"schema": "Organization"' "FtM schema"
expect_out '"weakAlias": [' "FtM property names"
expect_out '"first_seen": "20' "first seen"
expect_out '"last_change": "20' "last change"
expect_out '"schema": "Sanction"' "the listing as a Sanction"
expect_out '"CYBER2"' "the new program"
run --home "$H" show --json ofac-39017
expect_out '"nationality": [' "nationality"
expect_out '"ir"' "as an ISO code"
expect_out '"ir": "Iran"' "with its name"
run --home "$H" show --stored-json ofac-12111
expect_rc 0 "show --stored-json"
expect_out '"source": "ofac_sdn"' "the stored form"
expect_out '"programs": [' "stored field names"
run --home "$H" show ofac-12111
expect_out "[Organization]" "text form"
finish
