#!/bin/sh
# Set up a Debian 12 machine for building wine-lpc, then generate ./configure.
# As root it installs the Debian packages the build and the tests need; as
# another user it prints the one apt-get line to run.
set -eu
cd "$(dirname "$0")"

packages="autoconf automake make gcc patch xz-utils dpkg-dev flex bison
  gcc-mingw-w64-x86-64 libz-mingw-w64-dev libunwind-dev
  khronos-api libvulkan-dev libxml-libxml-perl python3
  wine64 libwine wine64-tools
  libcmocka-dev python3-pytest winbind
  clang libclang-rt-dev"

missing=
for p in $packages; do
    dpkg-query -W -f '${Status}\n' "$p" 2>/dev/null | grep -q ' installed$' || missing="$missing $p"
done
if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ]; then
        echo "autogen.sh: installing$missing"
        apt-get update -q
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
    else
        echo "autogen.sh: missing Debian packages; as root, run:"
        echo "  apt-get install --no-install-recommends" $packages
        command -v autoreconf >/dev/null || exit 1
    fi
fi

autoreconf -fi
echo "autogen.sh: now run ./configure && make"
