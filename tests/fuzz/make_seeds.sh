#!/bin/sh
# make_seeds.sh TARGET OUTDIR - the seed corpus of one fuzz target, made at
# build time: small pieces of the test data (tests/data, the bundled lists in
# data/lists; the first lines or bytes of each file, plain and gzip'd, never
# whole big files) plus the hand-written seeds in tests/fuzz/seeds/TARGET and
# the inputs that once failed, tests/data/fuzz/TARGET.
# A target this script does not know gets only its hand-written seeds.
set -e
target=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
td=$root/tests/data
lists=$root/data/lists
SEP='--8<--'
rm -rf "$out"
mkdir -p "$out"

cat_any() { case $1 in *.gz) gzip -dc "$1" ;; *) cat "$1" ;; esac; }
# lines NAME FILE N: the first N lines of FILE, plain and gzip'd
lines() {
    cat_any "$2" | head -n "$3" >"$out/$1" || true
    gzip -9nc "$out/$1" >"$out/$1.gz"
}
# bytes NAME FILE N: the first N bytes (a truncated document)
bytes() { cat_any "$2" | head -c "$3" >"$out/$1" || true; }
# whole NAME FILE: a small file as it is
whole() { cat_any "$1" >"$out/$2"; }

case $target in
ofac_csv)
    for set in "$td/ofac/sdn_2021-07_sdn.csv.gz $td/ofac/sdn_2021-07_add.csv.gz $td/ofac/sdn_2021-07_alt.csv.gz $td/ofac/sdn_2021-07_sdn_comments.csv.gz" \
        "$lists/ofac_cons/cons_prim.csv.gz $lists/ofac_cons/cons_add.csv.gz $lists/ofac_cons/cons_alt.csv.gz $lists/ofac_cons/cons_comments.csv.gz"; do
        n=$((${n:-0} + 1))
        first=1
        for f in $set; do
            [ $first = 1 ] || printf '\n%s\n' "$SEP"
            first=0
            cat_any "$f" | head -n 25 || true
        done >"$out/set$n"
    done
    lines sdn_2024 "$td/ofac/sdn_2024-05-03.csv.gz" 30
    lines sdn_2022 "$td/ofac/sdn_2022-09-09.csv.gz" 30
    ;;
ofac_sdn_xml) bytes head.xml "$td/ofac/consolidated_2024-05-06.xml.gz" 6000 ;;
ofac_advanced_xml) bytes head.xml "$td/ofac/cons_advanced_2020-03-17.xml.gz" 12000 ;;
ofac_enhanced_xml) bytes head.xml "$td/ofac/irgc_enhanced_2024-08-28.xml.gz" 12000 ;;
un_xml) bytes head.xml "$lists/un_sc/UN_consolidated_2026-02-27.xml.gz" 8000 ;;
eu_fsf_xml) bytes head.xml "$td/eu/eu_fsf_sample.xml" 8000 ;;
eu_fsf_csv) lines head.csv "$td/eu/EU_FSF_csv1.0_2018-07-04_first999rows.csv.gz" 25 ;;
uk_ofsi_csv) lines head.csv "$td/uk/OFSI_ConList_2018-04-13.csv.gz" 25 ;;
uk_fcdo_csv) lines head.csv "$td/uk/FCDO_UK_Sanctions_List_summary_2025-08-11.DERIVED.csv.gz" 25 ;;
uk_fcdo_xml) whole "$td/uk/fcdo_sample.xml" sample.xml ;;
ftm_json)
    whole "$td/ftm/invented.entities.ftm.json" invented.json
    whole "$td/ftm/invented.targets.nested.json" nested.json
    gzip -9nc "$out/invented.json" >"$out/invented.json.gz"
    ;;
senzing_json) whole "$td/senzing/invented.senzing.json" invented.json ;;
custom_csv) whole "$td/custom/internal_list.csv" internal_list.csv ;;
reader)
    whole "$td/custom/internal_list.csv" plain.csv
    cp "$td/ofac/sdn_2021-07_sdn_comments.csv.gz" "$out/comments.csv.gz"
    printf 'a\r\nb\n\nc' >"$out/crlf"
    ;;
detect)
    # the first bytes of every format (and a few whole small files)
    bytes un.xml "$lists/un_sc/UN_consolidated_2026-02-27.xml.gz" 3000
    bytes sdn.xml "$td/ofac/consolidated_2024-05-06.xml.gz" 3000
    bytes adv.xml "$td/ofac/cons_advanced_2020-03-17.xml.gz" 3000
    bytes enh.xml "$td/ofac/irgc_enhanced_2024-08-28.xml.gz" 3000
    bytes eu.xml "$td/eu/eu_fsf_sample.xml" 3000
    whole "$td/uk/fcdo_sample.xml" fcdo.xml
    lines eu.csv "$td/eu/EU_FSF_csv1.0_2018-07-04_first999rows.csv.gz" 8
    lines ofsi.csv "$td/uk/OFSI_ConList_2018-04-13.csv.gz" 8
    lines fcdo.csv "$td/uk/FCDO_UK_Sanctions_List_summary_2025-08-11.DERIVED.csv.gz" 8
    lines sdn.csv "$td/ofac/sdn_2021-07_sdn.csv.gz" 8
    lines add.csv "$td/ofac/sdn_2021-07_add.csv.gz" 8
    lines alt.csv "$td/ofac/sdn_2021-07_alt.csv.gz" 8
    lines comments.csv "$td/ofac/sdn_2021-07_sdn_comments.csv.gz" 4
    lines ftm.json "$td/ftm/invented.entities.ftm.json" 4
    whole "$td/senzing/invented.senzing.json" senzing.json
    whole "$td/custom/internal_list.csv" custom.csv
    cp "$here/seeds/uk_fcdo_ods/small.ods" "$out/small.ods"
    ;;
esac
if [ -d "$here/seeds/$target" ]; then
    cp "$here/seeds/$target"/* "$out/" 2>/dev/null || true
fi
# the inputs that once failed (tests/data/fuzz/TARGET, replayed by
# test_fuzz_regressions too) seed the fuzzing of their target
if [ -d "$td/fuzz/$target" ]; then
    for f in "$td/fuzz/$target"/*; do
        cp "$f" "$out/regression-$(basename "$f")"
    done
fi
