#!/bin/sh
# Set up a Debian 12 or 13 machine for building wine-lpc, then generate
# ./configure.  As root it installs the Debian packages the build and the tests
# need, and adds a deb-src entry for Debian's archive when apt has none (the
# build fetches the source package of the installed wine64 with it); as another
# user it prints what to run.  ./configure changes nothing on the system.
set -eu
cd "$(dirname "$0")"

packages="autoconf automake make gcc patch xz-utils dpkg-dev flex bison
  gcc-mingw-w64-x86-64 libz-mingw-w64-dev libunwind-dev
  khronos-api libvulkan-dev libxml-libxml-perl python3
  wine64 libwine wine64-tools
  libcmocka-dev python3-pytest winbind
  clang libclang-rt-dev debhelper"

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

# the source of the Wine that is installed: apt needs a deb-src entry for it
have_src() {
    grep -rqsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null
}
if ! have_src; then
    suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
    if [ "$(id -u)" = 0 ] && [ -n "$suite" ]; then
        echo "autogen.sh: adding /etc/apt/sources.list.d/wine-lpc-src.sources (deb-src, $suite main)"
        cat > /etc/apt/sources.list.d/wine-lpc-src.sources <<SRC
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: $suite
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
        apt-get update -q
    else
        echo "autogen.sh: apt has no deb-src entry; add one for Debian's main archive and run apt-get update,"
        echo "  or configure with --with-wine-source=DIR"
    fi
fi

autoreconf -fi
echo "autogen.sh: now run ./configure && make"
