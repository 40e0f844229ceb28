# cli_payments.sh - `embargo screen-payment` on the hand-written messages of
# tests/data/payments: the verdict of each (exit 0 pass, 3 review, 4 block, 5
# invalid), the field-level hits named in text and JSON output, a file of
# several MT messages with a bad one in the middle (the batch goes on), a
# directory, stdin, rules from the command line, --help, usage errors, and
# every verdict in the audit chain (which still verifies).
. "$(dirname "$0")/testlib.inc"
H="$TEST_TMP_DIR/home"
P="$TEST_DATA_DIR/payments"

run --home "$H" lists
expect_rc 0 "seed the home"

# ---- each message's verdict (exit code) -------------------------------------------
check() { # FILE RC WHAT
    run --home "$H" screen-payment "$P/$1"
    expect_rc "$2" "$1: $3"
}
check mt103_clean.txt 0 "a clean MT103 passes"
check pacs008_clean.xml 0 "a clean pacs.008 (DEEP SEA, DOVER in its remittance) passes"
check mt103_beneficiary_59f.txt 3 "59F Ismail Khateeb: review"
expect_out "ofac-39017" "the listed KHATIB, Esmail"
expect_out "59F" "the field"
check mt103_bic_57a.txt 4 "57A a branch of a listed BIC8: block"
expect_out "its BIC8 BKBPIRTH is listed for PASARGAD BANK" "the BIC explained"
check mt202cov_ministry.txt 3 "MT202COV, ministry in sequence B: review"
expect_out "B/50K" "the sequence B field"
expect_out "ofac-12111" "the ministry"
check pacs008_vessel_rmtinf.xml 4 "pacs.008 with IMO 9187629 in RmtInf: block"
expect_out "CdtTrfTxInf[1]/RmtInf/Ustrd" "the XML path"
expect_out "transaction E2E-0002" "the transaction"
check pacs008_vessel_name_only.xml 3 "pacs.008 naming MT ARK III: review"
check pacs009_cov_embargoed_agent.xml 4 "pacs.009 through a Cuban agent: block"
expect_out "CdtTrfTxInf[1]/IntrmyAgt1" "the agent"
check pain001_batch100.xml 4 "pain.001 of 100 with two hits: block"
expect_out "PmtInf[1]/CdtTrfTxInf[17]/Cdtr" "hit one"
expect_out "PmtInf[1]/CdtTrfTxInf[64]/CdtrAgt" "hit two"
for f in mt103_bad_32a.txt mt103_missing_59.txt mt103_unterminated.txt mt103_59f_bad_line.txt \
         mt103_bad_57a.txt mt202cov_missing_b59.txt pacs008_bad_date.xml pacs008_malformed.xml \
         pacs008_not_iso.xml pacs008_no_cdtr.xml pacs009_bad_bic.xml pain001_missing_msgid.xml; do
    check "$f" 5 "malformed: invalid"
    expect_out "INVALID" "$f is reported invalid"
done
run --home "$H" screen-payment "$P/mt103_bad_32a.txt"
expect_out "field 32A: bad value date 261399" "the error names field and reason"
expect_out "message 1 (BAD32A0001)" "the error names the message"

# ---- a batch goes on after a bad message -------------------------------------------
run --home "$H" screen-payment "$P/mt103_batch_with_bad.txt"
expect_rc 5 "a batch with a bad message"
expect_out "message 1 (MT103 REF20260101A): PASS" "the first passes"
expect_out "message 2 (MT103 BAD32A0001): INVALID" "the second is reported"
expect_out "message 3 (MT103 REF20260101Z): PASS" "the third is still screened"
expect_out "3 message(s): 2 pass, 0 review, 0 block, 1 invalid" "the summary"

# ---- JSON lines ----------------------------------------------------------------------
run --home "$H" screen-payment --json "$P/mt103_bic_57a.txt" "$P/mt103_clean.txt"
expect_rc 4 "block wins"
expect_lines '^\{"audit": [0-9]+, "message": 1' 2 "one JSON object per message"
expect_out '"field": "57A", "role": "account_with_institution"' "hit field and role"
expect_out '"kind": "bic", "action": "block", "text": "BKBPIRTH123"' "hit kind, action, text"
expect_out '"entity": {"id": "ofac-13133", "caption": "PASARGAD BANK"' "the listed party"
if command -v jq >/dev/null 2>&1; then
    jq -e -s 'length == 2 and .[0].verdict == "block" and .[1].verdict == "pass"' "$OUT" >/dev/null ||
        fail "JSON lines decode"
fi

# ---- a directory, stdin --------------------------------------------------------------
D="$TEST_TMP_DIR/dir"
mkdir -p "$D"
cp "$P/mt103_clean.txt" "$P/pacs008_clean.xml" "$P/mt202cov_ministry.txt" "$D/"
run --home "$H" screen-payment "$D"
expect_rc 3 "a directory: the worst is review"
expect_out "3 message(s): 2 pass, 1 review, 0 block, 0 invalid" "every file of it"
"$EMBARGO" --home "$H" screen-payment - <"$P/mt103_bic_57a.txt" >"$OUT" 2>"$ERR"
RC=$?
expect_rc 4 "stdin"

# ---- rules ---------------------------------------------------------------------------
run --home "$H" screen-payment --rule identifier=review --rule jurisdiction=ignore "$P/mt103_bic_57a.txt"
expect_rc 3 "a BIC only reviews, countries ignored"
run --home "$H" screen-payment --block-threshold 0.95 "$P/mt202cov_ministry.txt"
expect_rc 4 "a name at 1.00 blocks from 0.95"
run --home "$H" screen-payment --rule name=ignore "$P/mt103_beneficiary_59f.txt"
expect_rc 0 "names ignored"
run --home "$H" screen-payment --rule color=red "$P/mt103_clean.txt"
expect_rc 2 "an unknown rule"
run --home "$H" screen-payment
expect_rc 2 "no file"
run --home "$H" screen-payment --bogus x
expect_rc 2 "an unknown option"
run --home "$H" screen-payment "$TEST_TMP_DIR/missing.txt"
expect_rc 1 "a missing file"
printf 'hello\n' >"$TEST_TMP_DIR/hello.txt"
run --home "$H" screen-payment "$TEST_TMP_DIR/hello.txt"
expect_rc 5 "neither MT nor XML"
expect_err "neither a SWIFT MT message" "says why"
run --home "$H" screen-payment --help
expect_rc 0 "--help"
expect_out "usage: embargo screen-payment" "the usage"
expect_out "exit status" "the exit codes documented"
run --home "$H" screen-payment -h
expect_rc 0 "-h"

# ---- the audit chain ----------------------------------------------------------------
run --home "$H" audit verify
expect_rc 0 "the chain verifies with the payment verdicts in it"
run --home "$H" audit export --format json
expect_out '"kind":"payment"' "payment verdicts are audit entries"
finish
