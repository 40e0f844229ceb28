# cli_bundled.sh - a new home is seeded from the bundled lists; search, show
# and lists work on them (OFAC SDN 2023-12-28, OFAC consolidated, UN); their
# publication dates (the OFAC sets' from data/lists/MANIFEST), ages and stale
# warnings; import --bundled; import on a new home; an incomplete OFAC CSV set.
. "$(dirname "$0")/testlib.inc"
H="$TEST_TMP_DIR/home"

run --home "$H" lists
expect_rc 0 "lists seeds a new home"
expect_err "new home $H: seeding it from the bundled lists" "seeding is announced"
expect_lines "^ofac_sdn +[0-9]+ active .* 13821 " 1 "OFAC SDN bundled"
expect_lines "^ofac_cons .* active .* 442 " 1 "OFAC consolidated bundled"
expect_lines "^un_sc .* active +2026-02-27 .* 1003 " 1 "UN bundled"
# the OFAC CSV sets state no date: data/lists/MANIFEST dates them; ages are shown and,
# years old as they are, they are stale ("!"), with one warning on stderr
expect_lines "^ofac_sdn +[0-9]+ active +2023-12-28 +[0-9]+d! " 1 "SDN dated by the manifest, stale"
expect_lines "^ofac_cons +[0-9]+ active +2025-12-19 +[0-9]+d! " 1 "consolidated dated by the manifest"
expect_lines "^un_sc +[0-9]+ active +2026-02-27 +[0-9]+d! " 1 "UN dated by its file"
expect_err "warning: stale lists: ofac_cons published 2025-12-19" "stale warning"
expect_err "allowed: 7 days for OFAC's lists" "the warning says the limits"
run --home "$H" lists --json
expect_out '"published": "2023-12-28", "age_days": ' "JSON publication date and age"
expect_out '"max_age_days": 7, "stale": true' "JSON: OFAC allows 7 days"
expect_out '"max_age_days": 30, "stale": true' "JSON: the others 30"
# the limits are configurable; within them there is no warning
export EMBARGO_MAX_AGE_OFAC=100000 EMBARGO_MAX_AGE=100000
run --home "$H" lists
expect_rc 0 "lists with generous limits"
grep -q "stale" "$ERR" && fail "no stale warning within the limits"
expect_no_out "d! " "no stale mark within the limits"
unset EMBARGO_MAX_AGE
run --home "$H" lists
expect_err "stale list: un_sc published 2026-02-27" "only the non-OFAC list is stale"
unset EMBARGO_MAX_AGE_OFAC

run --home "$H" search "Esmail Khatib"
expect_rc 0 "search"
expect_out "ofac-39017" "KHATIB found by given-name-first order"
expect_out "ofac_sdn version " "the header names the lists"
grep "^screened against:" "$OUT" | grep -q "13821 entities, published 2023-12-28, [0-9]* days old, STALE (over 7 days)" ||
    fail "the search header gives the SDN list's date and age"
expect_err "warning: stale lists" "search warns about stale lists"
run --home "$H" search "KHATIB, Esmail" --json
expect_out '"id": "ofac-39017"' "JSON result"
expect_out '"dataset": "ofac_sdn"' "JSON source"
run --home "$H" search MOIS
expect_out "ofac-12111" "weak alias MOIS"
run --home "$H" search "vezarat-e ettela'at va amniat-e keshvar"
expect_out "ofac-12111" "alias with punctuation and case"
run --home "$H" search "Eric Badege"
expect_out "un-6907993" "UN individual"
run --home "$H" search "اسماعیل خطیب"
expect_out "ofac-39017" "Persian script finds the SDN entry"
expect_out "skeleton" "explained as a consonant-skeleton match"
run --home "$H" search "Игорь Сечин"
expect_out "ofac-16692" "Cyrillic finds SECHIN, Igor"
run --home "$H" search --json --dob 1960 --country Iran "Seyed Esmaeil Khatib"
expect_out '"id": "ofac-39017"' "JSON search with qualifiers"
expect_out '"fact":"birth_date"' "birth date explained"
expect_out '"fact":"country"' "country explained"
run --home "$H" search --dob 1990 --country Norway --schema Person "Esmail Khatib"
expect_no_out "ofac-39017" "a birth date 30 years off and another country: no alert"
run --home "$H" search --id "IMO 9187629"
expect_out "ofac-15036" "identifier alone is a match"
run --home "$H" search Mohammad
expect_out "no listed party scores" "one common given name alone alerts nobody"
run --home "$H" search --threshold 2 Khatib
expect_rc 2 "bad threshold is a usage error"
run --home "$H" search "Nobody Atall Xyzzy"
expect_rc 0 "no hit is not an error"
expect_out "no listed party scores" "says so"

run --home "$H" show ofac-39017
expect_out "KHATIB, Seyed Esmaeil" "alias from alt.csv"
expect_out "IRAN-HR" "program"
run --home "$H" show ofac-12111
expect_out "CYBER2" "programs"
expect_out "VEVAK" "weak alias"
expect_out "Tehran" "address"
run --home "$H" show --json un-6907993
expect_out '"un_sc"' "UN entity JSON"

# one party, several lists: the UN listing, its EU and UK transpositions and the
# OFAC entry are linked (UN reference, passport, same name and birth date)
run --home "$H" import "$TEST_DATA_DIR/eu/eu_fsf_sample.xml" "$TEST_DATA_DIR/uk/OFSI_ConList_2018-04-13.csv.gz"
expect_rc 0 "import EU and UK lists"
run --home "$H" search --limit 1 "Aiman Muhammed Rabi al-Zawahiri"
expect_out "also listed" "other listings shown"
expect_out '"id":"eu-13"' "the EU listing"
expect_out '"source":"uk_ofsi"' "the UK listing"
expect_out '"id":"ofac-2676"' "the OFAC entry, by passport"
run --home "$H" show un-111923
expect_out "also listed" "show lists the other listings"
expect_out "eu-13" "the EU listing of the UN entry"
expect_out "UN reference QDi.006" "linked by the UN reference"
run --home "$H" import --bundled
expect_out "unchanged" "re-importing the bundled lists changes nothing"

# import --bundled into an empty home: the bundled lists, dated as when seeding
H3="$TEST_TMP_DIR/home3"
run --home "$H3" --no-seed import --bundled
expect_rc 0 "import --bundled"
expect_out "ofac_sdn   version " "SDN imported"
expect_out "published 2023-12-28" "dated by the manifest"

# import on a new home says that it starts the home with those lists only
H2="$TEST_TMP_DIR/home2"
run --home "$H2" import "$TEST_DATA_DIR/ofac/sdn_2022-09-08.csv.gz"
expect_rc 0 "lone sdn.csv"
expect_err "new home $H2: it holds only the lists imported into it" "import on a new home says so"
# a lone OFAC sdn.csv: imported, with a warning of what the missing files hold
expect_err "warning: ofac_sdn: sdn_2022-09-08.csv.gz came without its alt.csv and add.csv" "incomplete set"
expect_err "no aliases and no addresses" "says what is missing"
run --home "$H2" lists
grep -q "seeding" "$ERR" && fail "an imported home is not seeded later"
D="$TEST_DATA_DIR/ofac/sdn_2021-07"
run --home "$H2" import --force "${D}_sdn.csv.gz" "${D}_alt.csv.gz"
expect_rc 0 "sdn.csv with alt.csv"
expect_err "came without its add.csv: no addresses" "only add.csv missing"
run --home "$H2" import --force "${D}_sdn.csv.gz" "${D}_alt.csv.gz" "${D}_add.csv.gz" "${D}_sdn_comments.csv.gz"
expect_rc 0 "the whole set"
grep -q "came without" "$ERR" && fail "no warning for a complete set"
finish
