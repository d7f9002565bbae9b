#!/bin/sh
# shellcheck disable=SC2086
# Compile tests/header/compile-test.c against include/ntdef/ntlpcapi.h in
# every header environment the header supports, warnings as errors.
#
# usage: check-headers.sh WINE_SRC_DIR
#
# Prints "ok ENV" or "FAIL ENV" per environment; exits non-zero on any failure.
# Environments whose compiler is missing are reported as "skip ENV".

set -euf  # no globbing: the flag lists below are split into words on purpose

if [ $# -ne 1 ]; then
    echo "usage: $0 WINE_SRC_DIR" >&2
    exit 2
fi

wine_src=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
src="$here/compile-test.c"

if [ ! -f "$wine_src/include/winternl.h" ]; then
    echo "$0: no include/winternl.h under $wine_src" >&2
    exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

warn="-Wall -Wextra -Werror"
# the extra warnings Wine 8.0 builds its own sources with
wine_warn="$warn -Wdeclaration-after-statement -Wempty-body -Wignored-qualifiers -Winit-self \
-Wstrict-prototypes -Wtype-limits -Wunused-but-set-parameter -Wvla -Wwrite-strings \
-Wpointer-arith -Wlogical-op"
wine_inc="-I$top/include -I$wine_src/include"
mingw=x86_64-w64-mingw32-gcc

failed=0

# check NAME COMPILER [ARGS...]: compile once, report one line
check()
{
    name=$1
    shift
    if "$@" -c -o "$tmp/$name.o" "$src" > "$tmp/$name.log" 2>&1; then
        echo "ok $name"
    else
        echo "FAIL $name"
        sed 's/^/    /' "$tmp/$name.log"
        failed=1
    fi
}

# check_redef NAME COMPILER [ARGS...]: as check, but for system headers,
# whose warnings gcc hides: shows them and fails on a macro redefinition
# or on any warning in our own files
check_redef()
{
    name=$1
    shift
    # a redefinition counts when either definition is ours (mingw-w64 12's own
    # fltwinerror.h redefines a macro of its winerror.h: not ours to fix)
    if "$@" $warn -Wno-error -Wsystem-headers -c -o "$tmp/$name.o" "$src" > "$tmp/$name.log" 2>&1 &&
       ! awk '/redefined/ { w = $0; next } w != "" { if ((w $0) ~ /ntlpcapi\.h|compile-test\.c/) bad = 1; w = "" }
              END { exit !bad }' "$tmp/$name.log" &&
       ! grep -q -e 'ntlpcapi\.h:[0-9]*:[0-9]*: warning' \
                 -e 'compile-test\.c:[0-9]*:[0-9]*: warning' "$tmp/$name.log"; then
        echo "ok $name"
    else
        echo "FAIL $name"
        grep -e redefined -e 'error' -e 'previous definition' -e 'ntlpcapi\.h:.*warning' \
            -e 'compile-test\.c:.*warning' "$tmp/$name.log" | sed 's/^/    /'
        failed=1
    fi
}

skip()
{
    echo "skip $1 ($2)"
}

# (a) mingw-w64's own headers, as a Windows program sees them
if command -v $mingw > /dev/null 2>&1; then
    check mingw $mingw $warn -I"$top/include"
    check mingw-no-winternl $mingw $warn -I"$top/include" -DTEST_NO_WINTERNL
    check_redef mingw-ntstatus-after $mingw -I"$top/include" -DTEST_NTSTATUS_AFTER
    # the x64 compiler can still compile (not link) for 32-bit Windows
    check mingw-i386 $mingw -m32 $warn -I"$top/include"
else
    skip mingw "$mingw not found"
fi

# (b) inside Wine's tree: ntdll's Unix side, natively
check wine-unix gcc $wine_warn -O2 $wine_inc -D__WINESRC__ -D_NTSYSTEM_ -DWINE_UNIX_LIB -DTEST_WINE_TREE
check wine-unix-ntstatus-after gcc $wine_warn $wine_inc -D__WINESRC__ -DWINE_UNIX_LIB \
    -DTEST_WINE_TREE -DTEST_NTSTATUS_AFTER
# 32-bit layouts, where the compiler and C library can target i386
if printf '#include <ctype.h>\n' | gcc -m32 -x c -c -o "$tmp/probe.o" - > /dev/null 2>&1; then
    check wine-unix-i386 gcc -m32 $wine_warn $wine_inc -D__WINESRC__ -DWINE_UNIX_LIB -DTEST_WINE_TREE
else
    skip wine-unix-i386 "no 32-bit C library headers"
fi

# (b) inside Wine's tree: the PE side, with Wine's msvcrt headers
if command -v $mingw > /dev/null 2>&1; then
    check wine-pe $mingw $wine_warn $wine_inc -I"$wine_src/include/msvcrt" -D__WINESRC__ -DTEST_WINE_TREE
    check wine-pe-ntdll $mingw $wine_warn -O2 $wine_inc -I"$wine_src/include/msvcrt" -D_MSVCR_VER=0 \
        -D__WINESRC__ -D_NTSYSTEM_ -D__WINE_PE_BUILD -DTEST_WINE_TREE
    # windows.h turns names such as SendMessage into macros
    check wine-pe-windows $mingw $wine_warn $wine_inc -I"$wine_src/include/msvcrt" -D__WINESRC__ \
        -DTEST_WINE_TREE -DTEST_WINDOWS_H
    # Windows test programs built against Wine's headers (conformance/)
    check wine-pe-app $mingw $warn -D_WIN64 $wine_inc -I"$wine_src/include/msvcrt" -DTEST_WINE_TREE
    check wine-pe-i386 $mingw -m32 $wine_warn $wine_inc -I"$wine_src/include/msvcrt" -D__WINESRC__ -DTEST_WINE_TREE
else
    skip wine-pe "$mingw not found"
fi

# (c) winegcc with its default include directories (Debian's wine64-tools)
winegcc=
for candidate in winegcc winegcc-stable /usr/lib/wine/winegcc; do
    if command -v "$candidate" > /dev/null 2>&1; then
        winegcc=$candidate
        break
    fi
done
if [ -n "$winegcc" ]; then
    check winegcc "$winegcc" $warn -I"$top/include" -DTEST_WINE_TREE
    check winegcc-windows "$winegcc" $warn -I"$top/include" -DTEST_WINE_TREE -DTEST_WINDOWS_H
else
    skip winegcc "winegcc not found"
fi

exit $failed
