# abi_exports.sh - libembargo.so exports exactly the functions include/embargo.h
# declares: nothing internal leaks into the ABI, nothing declared is missing.
. "$(dirname "$0")/testlib.inc"
: "${LIBEMBARGO:?the shared library (set by tests/CMakeLists.txt)}" "${EMBARGO_HEADER:?}"
if ! command -v nm >/dev/null 2>&1; then
    echo "skipped: nm (binutils) is not installed"
    exit 77
fi
T_EXP="$TEST_TMP_DIR/exported.txt"
T_DECL="$TEST_TMP_DIR/declared.txt"
nm -D --defined-only "$LIBEMBARGO" | awk '$2 ~ /^[TDBRWV]$/ {print $3}' |
    grep -E '^em_' | sort -u >"$T_EXP"
others=$(nm -D --defined-only "$LIBEMBARGO" | awk '$2 ~ /^[TDBRWV]$/ {print $3}' |
    grep -vE '^(em_|_init$|_fini$|_edata$|_end$|__bss_start$|__asan|__ubsan|__lsan|__sanitizer)' |
    grep -vE '^_(edata|end|init|fini)$' | head -20)
[ -z "$others" ] || { echo "FAIL: symbols outside em_* exported: $others" >&2; FAILS=$((FAILS + 1)); }
grep -oE '\bem_[a-z0-9_]+\(' "$EMBARGO_HEADER" | tr -d '(' | sort -u >"$T_DECL"
extra=$(comm -23 "$T_EXP" "$T_DECL")
missing=$(comm -13 "$T_EXP" "$T_DECL")
[ -z "$extra" ] || { echo "FAIL: exported but not declared in embargo.h: $extra" >&2; FAILS=$((FAILS + 1)); }
[ -z "$missing" ] || { echo "FAIL: declared in embargo.h but not exported: $missing" >&2; FAILS=$((FAILS + 1)); }
n=$(wc -l <"$T_EXP")
[ "$n" -gt 50 ] || { echo "FAIL: only $n em_ symbols exported" >&2; FAILS=$((FAILS + 1)); }
echo "$n functions exported, all declared in embargo.h"
finish
