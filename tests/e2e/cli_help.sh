# cli_help.sh - every command answers --help, -h and `embargo help CMD` with
# its own usage on stdout and exit 0, without touching a home; the manual page
# (docs/embargo.1) describes every command; the bash completion completes the
# command names and a command's options.
. "$(dirname "$0")/testlib.inc"
SRC="$(cd "$(dirname "$0")/../.." && pwd)"
H="$TEST_TMP_DIR/never-created"

run help --commands
expect_rc 0 "help --commands"
CMDS=$(cat "$OUT")
[ "$(echo "$CMDS" | wc -l)" -ge 15 ] || fail "help --commands lists too few commands"
for c in import lists show diff search screen compare serve update register sync alerts alert \
    goodguy audit screen-payment help; do
    echo "$CMDS" | grep -qx "$c" || fail "help --commands lacks $c"
done

for c in $CMDS; do
    run --home "$H" "$c" --help
    expect_rc 0 "$c --help"
    expect_out "usage: embargo $c" "$c --help prints its own usage"
    cp "$OUT" "$TEST_TMP_DIR/help1"
    run --home "$H" "$c" -h
    expect_rc 0 "$c -h"
    cmp -s "$OUT" "$TEST_TMP_DIR/help1" || fail "$c -h differs from $c --help"
    run help "$c"
    expect_rc 0 "help $c"
    cmp -s "$OUT" "$TEST_TMP_DIR/help1" || fail "help $c differs from $c --help"
    [ -s "$ERR" ] && fail "$c --help wrote on stderr"
    # the manual page has an entry for the command
    m=$(printf '%s' "$c" | sed 's/-/\\\\-/g') # roff writes a hyphen \-
    grep -q "^\.B $m\b" "$SRC/docs/embargo.1" || fail "docs/embargo.1 does not describe $c"
done
[ -e "$H" ] && fail "--help created the home $H"

# --help after other arguments, and sub-command forms
run update --source ofac_sdn --help
expect_rc 0 "update --source S --help"
expect_out "--user-agent" "update's usage names --user-agent"
run register import --help
expect_rc 0 "register import --help"
expect_out "usage: embargo register import" "register's usage"

# the global usage and its errors
run --help
expect_rc 0 "--help"
expect_out "embargo help COMMAND" "global usage points at per-command help"
run help nosuchcommand
expect_rc 2 "help of an unknown command"
expect_err "unknown command 'nosuchcommand'" "names the command"
run nosuchcommand
expect_rc 2 "unknown command"
expect_err "embargo help" "points at the command list"

# the manual page is valid roff (when man is installed)
if command -v groff >/dev/null 2>&1; then
    groff -man -Tutf8 -ww -z "$SRC/docs/embargo.1" 2>"$ERR" || fail "groff rejects docs/embargo.1"
    [ -s "$ERR" ] && fail "groff warns about docs/embargo.1"
fi

# bash completion: command names, then a command's options
if command -v bash >/dev/null 2>&1; then
    BIN="$TEST_TMP_DIR/bin"
    mkdir -p "$BIN" && ln -sf "$EMBARGO" "$BIN/embargo"
    comp() { # comp WORD...: the completions of the last word
        PATH="$BIN:$PATH" bash -c '. "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1));
            _embargo; printf "%s\n" "${COMPREPLY[@]}"' \
            "$SRC/scripts/embargo.bash-completion" "$@" >"$OUT" 2>"$ERR"
    }
    comp embargo up
    expect_out "update" "completes the command name"
    comp embargo update --us
    expect_out "--user-agent" "completes update's options"
    comp embargo --home /tmp search --thr
    expect_out "--threshold" "skips --home's value to find the command"
    comp embargo import --schema P
    expect_out "Person" "completes a schema"
fi
finish
