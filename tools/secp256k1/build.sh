#!/usr/bin/env bash
# Builds the libsecp256k1 that Lockstep.Crypto prefers for sender recovery (issue 2: >= 20k recoveries/s per core).
#
#   bash tools/secp256k1/build.sh [--optional] [--quiet]
#
# Source: upstream libsecp256k1 v0.5.0 as Debian ships it (source package libsecp256k1 of the trixie suite, file
# libsecp256k1_0.5.0.orig.tar.xz), fetched with `apt-get source` through the machine's own Debian archive and checked
# against the SHA-256 pinned below. Output (git-ignored): tools/secp256k1/build/lib/
#   liblockstep-secp256k1.so        baseline x86-64 (or whatever the host is)
#   liblockstep-secp256k1-bmi2.so   x86-64 with BMI2 (MULX): Lockstep.Crypto loads it when the CPU has BMI2
#   BUILDINFO                       version, compiler and flags (Lockstep.Crypto reports it)
# Idempotent: when the stamp matches it returns at once. Concurrent runs serialize on a lock file.
# Why clang and these flags: see tools/secp256k1/README.md (measured A/B against the NuGet build).
#
# --optional: never fail (the MSBuild hook uses it): on any problem print one "not built" line and exit 0, so the build
#             goes on with the NuGet library; a failed attempt is not retried for an hour (build/FAILED).
# --quiet:    print only problems and the one-line result.
# Environment: LOCKSTEP_SECP256K1_TARBALL=/path/to/libsecp256k1_0.5.0.orig.tar.xz skips the download;
#              LOCKSTEP_SECP256K1_CC=compiler overrides the compiler choice (clang-14, clang, then gcc).
set -euo pipefail

VERSION=0.5.0
TARBALL=libsecp256k1_${VERSION}.orig.tar.xz
SHA256=13b70138be52d7a23bdf0ea39ed79799a30eb855f2ed82c028357f6432cd536b
DEBIAN_SUITE=trixie

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT="$HERE/build"
LIB="$OUT/lib"
OPTIONAL=0
QUIET=0
for arg in "$@"; do
    case "$arg" in
        --optional) OPTIONAL=1 ;;
        --quiet) QUIET=1 ;;
        *) echo "usage: build.sh [--optional] [--quiet]" >&2; exit 2 ;;
    esac
done

say() { [ "$QUIET" = 1 ] || echo "secp256k1: $*"; }
give_up() {
    if [ "$OPTIONAL" = 1 ]; then
        echo "secp256k1: not built: $* (Lockstep.Crypto falls back to the NuGet libsecp256k1)" >&2
        mkdir -p "$OUT" && date +%s > "$OUT/FAILED"
        exit 0
    fi
    echo "secp256k1: error: $*" >&2
    exit 1
}

# Under --optional an unexpected failure of any command is reported the same way, never a broken build.
trap 'give_up "build.sh failed at line $LINENO"' ERR

[ "$(uname -s)" = Linux ] || give_up "only Linux builds are scripted"

# The compiler: clang 14 made 14% faster recovery code than gcc 12 here (its MULX scheduling of the 5x52 field
# multiplication); gcc still gives ~6% over the NuGet build, so it is the fallback.
pick_cc() {
    if [ -n "${LOCKSTEP_SECP256K1_CC:-}" ]; then echo "$LOCKSTEP_SECP256K1_CC"; return; fi
    for c in clang-14 clang gcc cc; do
        if command -v "$c" > /dev/null 2>&1; then echo "$c"; return; fi
    done
}
CC=$(pick_cc)
[ -n "$CC" ] || give_up "no C compiler (clang or gcc) found"
CC_VERSION=$("$CC" --version 2>/dev/null | head -n 1 || true)
ARCH=$(uname -m)

# Definitions as upstream's CMake sets them for the default configuration, recovery module only:
# a 15-bit window for the precomputed G tables (the shipped tables; larger windows measured no better than noise)
# and the default 11x6 comb for signing.
DEFS="-DENABLE_MODULE_RECOVERY=1 -DECMULT_WINDOW_SIZE=15 -DCOMB_BLOCKS=11 -DCOMB_TEETH=6"
CFLAGS_BASE="-O3 -fPIC -fvisibility=hidden -w"
LDFLAGS="-shared -Wl,-Bsymbolic -Wl,-z,noexecstack"
# -mbmi2 only: clang then multiplies with MULX; no AVX (gcc's -march=x86-64-v3 vectorized badly and was slower).
BMI2_FLAGS="-mbmi2"

SCRIPT_HASH=$(cat "$HERE/build.sh" "$HERE/selftest.c" | sha256sum | cut -c1-16)
STAMP="version=$VERSION sha256=$SHA256 cc=$CC_VERSION arch=$ARCH script=$SCRIPT_HASH"

up_to_date() {
    [ -f "$LIB/BUILDINFO" ] && [ -f "$LIB/liblockstep-secp256k1.so" ] && [ "$(head -n 1 "$LIB/BUILDINFO")" = "$STAMP" ]
}
if up_to_date; then say "up to date ($LIB)"; exit 0; fi

mkdir -p "$OUT"
exec 9> "$OUT/.lock"
flock 9
if up_to_date; then say "up to date ($LIB)"; exit 0; fi
if [ "$OPTIONAL" = 1 ] && [ -f "$OUT/FAILED" ] && [ $(( $(date +%s) - $(cat "$OUT/FAILED") )) -lt 3600 ]; then
    echo "secp256k1: not built: the last attempt failed less than an hour ago (delete $OUT/FAILED to retry)" >&2
    exit 0
fi

# --- source, hash-checked -------------------------------------------------------------------------------------------
SRC_TARBALL="$OUT/src/$TARBALL"
verify() { [ -f "$1" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$SHA256" ]; }
fetch_with_apt() {
    # A private apt configuration (state, cache and source list under build/apt) so the system's is untouched. The
    # archive is the one this machine already uses for Debian (its first URIs: line), with the suite that carries
    # libsecp256k1 0.5.0; apt checks the suite's signature with the system keyring, then we check the file's hash.
    local apt="$OUT/apt" uri
    uri=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
    if [ -z "$uri" ]; then
        uri=$(awk '$1 == "deb" && $0 ~ /debian/ { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' /etc/apt/sources.list 2>/dev/null || true)
    fi
    [ -n "$uri" ] || { echo "no Debian archive configured for apt" >&2; return 1; }
    command -v apt-get > /dev/null || { echo "apt-get not found" >&2; return 1; }
    mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$apt/download"
    local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
    local signed="signed-by=$keyring"
    [ -f "$keyring" ] || signed="trusted=yes"
    echo "deb-src [$signed] $uri $DEBIAN_SUITE main" > "$apt/sources.list"
    local opts=(-o "Dir::Etc::SourceList=$apt/sources.list" -o "Dir::Etc::SourceParts=$apt/none"
        -o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" -o "APT::Sandbox::User=root"
        -o "Acquire::Retries=2" -o "Acquire::http::Timeout=30" -o "Debug::NoLocking=1" -qq)
    apt-get "${opts[@]}" update >&2 || return 1
    (cd "$apt/download" && apt-get "${opts[@]}" source --download-only "libsecp256k1/$DEBIAN_SUITE" >&2) || return 1
    [ -f "$apt/download/$TARBALL" ] || { echo "the $DEBIAN_SUITE source package no longer uses $TARBALL" >&2; return 1; }
    mv "$apt/download/$TARBALL" "$SRC_TARBALL.part"
    rm -rf "$apt"
}
mkdir -p "$OUT/src"
if ! verify "$SRC_TARBALL"; then
    rm -f "$SRC_TARBALL" "$SRC_TARBALL.part"
    if [ -n "${LOCKSTEP_SECP256K1_TARBALL:-}" ]; then
        cp "$LOCKSTEP_SECP256K1_TARBALL" "$SRC_TARBALL.part"
    else
        say "fetching Debian source package libsecp256k1 ($DEBIAN_SUITE) for $TARBALL"
        fetch_with_apt || give_up "could not fetch $TARBALL with apt-get source"
    fi
    verify "$SRC_TARBALL.part" || { rm -f "$SRC_TARBALL.part"; give_up "$TARBALL does not match the pinned SHA-256 $SHA256"; }
    mv "$SRC_TARBALL.part" "$SRC_TARBALL"
fi

# --- build, self-test, install --------------------------------------------------------------------------------------
WORK=$(mktemp -d "$OUT/work.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
tar -xJf "$SRC_TARBALL" -C "$WORK" || give_up "cannot unpack $TARBALL"
S="$WORK/libsecp256k1-$VERSION"
[ -f "$S/src/secp256k1.c" ] || give_up "unexpected layout in $TARBALL"

build_lib() { # name, extra flags
    say "building $1 with $CC $CFLAGS_BASE $2"
    # One translation unit for the library plus the two precomputed tables, as upstream's build compiles them.
    # shellcheck disable=SC2086
    "$CC" $CFLAGS_BASE $2 $DEFS -I"$S/include" -I"$S/src" $LDFLAGS -Wl,-soname,"$1" \
        "$S/src/secp256k1.c" "$S/src/precomputed_ecmult.c" "$S/src/precomputed_ecmult_gen.c" -o "$WORK/$1"
}
build_lib liblockstep-secp256k1.so "" || give_up "compiling libsecp256k1 failed"
HAVE_BMI2_LIB=0
if [ "$ARCH" = x86_64 ]; then
    build_lib liblockstep-secp256k1-bmi2.so "$BMI2_FLAGS" || give_up "compiling the BMI2 variant failed"
    HAVE_BMI2_LIB=1
fi

"$CC" -O1 -w "$HERE/selftest.c" -o "$WORK/selftest" -ldl || give_up "compiling the self-test failed"
run_selftest() { if [ "$QUIET" = 1 ]; then "$WORK/selftest" "$1" > /dev/null; else "$WORK/selftest" "$1"; fi; }
run_selftest "$WORK/liblockstep-secp256k1.so" || give_up "the self-test failed on the baseline library"
if [ "$HAVE_BMI2_LIB" = 1 ]; then
    if grep -qw bmi2 /proc/cpuinfo; then
        run_selftest "$WORK/liblockstep-secp256k1-bmi2.so" || give_up "the self-test failed on the BMI2 library"
    else
        say "this CPU has no BMI2: the BMI2 variant is built but not self-tested (it will not be loaded here)"
    fi
fi

{
    echo "$STAMP"
    echo "libsecp256k1 $VERSION (Debian $DEBIAN_SUITE source, sha256 $SHA256)"
    echo "compiler: $CC_VERSION"
    echo "flags: $CFLAGS_BASE $DEFS; bmi2 variant adds $BMI2_FLAGS"
} > "$WORK/BUILDINFO"
mkdir -p "$LIB"
# rename(2) per file: a process that already mapped the old library keeps it; new ones see the new file.
for f in liblockstep-secp256k1.so liblockstep-secp256k1-bmi2.so; do
    [ -f "$WORK/$f" ] && mv -f "$WORK/$f" "$LIB/$f"
done
mv -f "$WORK/BUILDINFO" "$LIB/BUILDINFO"
rm -f "$OUT/FAILED"
echo "secp256k1: built libsecp256k1 $VERSION with $CC_VERSION into $LIB"
