# cli_install.sh - `cmake --install` into a scratch prefix: the command, the
# library with a relocatable embargo.pc, the header, the man page and the bash
# completion land where Debian's tools look; the install says what the loader
# needs; and the README's library program, taken from README.md as it is,
# compiles with `pkg-config --cflags --libs embargo`, runs, and finds the
# listed party on the bundled lists.
. "$(dirname "$0")/testlib.inc"
: "${EMBARGO_BUILD_DIR:?}" "${EMBARGO_SOURCE_DIR:?}" "${CC:?}"
for t in cmake pkg-config; do
    command -v "$t" >/dev/null 2>&1 || { echo "skipped: $t is not installed"; exit 77; }
done
P="$TEST_TMP_DIR/prefix"
cmake --install "$EMBARGO_BUILD_DIR" --prefix "$P" >"$OUT" 2>"$ERR"
RC=$?
expect_rc 0 "cmake --install"
expect_out "LD_LIBRARY_PATH=$P/lib" "a prefix outside the loader's path: says what to do"
[ -x "$P/bin/embargo" ] || fail "bin/embargo installed"
[ -f "$P/share/man/man1/embargo.1" ] || fail "man page installed"
[ -f "$P/share/bash-completion/completions/embargo" ] || fail "bash completion installed"
[ -f "$P/include/embargo.h" ] || fail "header installed"
PC=$(find "$P" -name embargo.pc | head -1)
[ -n "$PC" ] || fail "embargo.pc installed"
LIBDIR=$(dirname "$(dirname "$PC")")
[ -e "$LIBDIR/libembargo.so.0" ] || fail "libembargo.so.0 installed in $LIBDIR"

# the README's C program, verbatim (the first ```c block)
awk '/^```c$/ {on = 1; next} on && /^```$/ {exit} on {print}' "$EMBARGO_SOURCE_DIR/README.md" \
    >"$TEST_TMP_DIR/screen.c"
grep -q "int main" "$TEST_TMP_DIR/screen.c" || fail "the README's library example is a whole program"
FLAGS=$(PKG_CONFIG_PATH="$(dirname "$PC")" pkg-config --define-variable=prefix="$P" --cflags --libs embargo)
echo "$FLAGS" | grep -q -- "-I$P/include" || fail "embargo.pc is relocatable: $FLAGS"
# shellcheck disable=SC2086
"$CC" ${EMBARGO_TEST_CFLAGS:-} -Wall -Werror -o "$TEST_TMP_DIR/screen" "$TEST_TMP_DIR/screen.c" $FLAGS \
    2>"$ERR" || fail "the README's program compiles: $(cat "$ERR")"
if [ -x "$TEST_TMP_DIR/screen" ]; then
    EMBARGO_HOME="$TEST_TMP_DIR/home" EMBARGO_DATA_DIR="$BUNDLED_DATA_DIR" LD_LIBRARY_PATH="$LIBDIR" \
        "$TEST_TMP_DIR/screen" >"$OUT" 2>"$ERR"
    RC=$?
    expect_rc 0 "the README's program runs"
    expect_out "MATCH ofac-39017 (ofac_sdn)" "and finds KHATIB, Esmail as the README says"
fi
finish
