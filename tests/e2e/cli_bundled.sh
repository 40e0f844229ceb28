# cli_bundled.sh - a new home is seeded from the bundled lists; search, show
# and lists work on them (OFAC SDN 2023-12-28, OFAC consolidated, UN).
. "$(dirname "$0")/testlib.inc"
H="$TEST_TMP_DIR/home"

run --home "$H" lists
expect_rc 0 "lists seeds a new home"
expect_lines "^ofac_sdn +[0-9]+ active .* 13821 " 1 "OFAC SDN bundled"
expect_lines "^ofac_cons .* active .* 442 " 1 "OFAC consolidated bundled"
expect_lines "^un_sc .* active +2026-02-27 .* 1003 " 1 "UN bundled"

run --home "$H" search "Esmail Khatib"
expect_rc 0 "search"
expect_out "ofac-39017" "KHATIB found by given-name-first order"
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
finish
