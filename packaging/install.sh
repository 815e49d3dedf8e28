#!/usr/bin/env bash
# Builds mesh_capi (the `dist` profile: release with link-time optimisation)
# and installs it under a prefix the way C libraries are installed: the
# shared library under its versioned name with the SONAME and development
# links, the static library, the headers (C and C++), a pkg-config file, a
# CMake package, the .NET and VBA bindings, mesh-check (a self-check, in
# bin/), and the debug info split off into lib/.debug/ (where gdb looks).
#
#   bash packaging/install.sh --prefix /usr/local
#
# Options:
#   --prefix DIR    where to install (default /usr/local)
#   --libdir DIR    libraries (default PREFIX/lib)
#   --target TRIPLE cross-build, e.g. x86_64-pc-windows-gnu (mingw): the DLL
#                   goes to PREFIX/bin, with mesh_capi.def, a GNU and an MSVC
#                   import library in the libdir
#   --zig-glibc V   build with cargo-zigbuild against glibc V (e.g. 2.17), so
#                   the library runs on systems that old
#   --from DIR      install the artifacts already in DIR instead of building
#                   (for tests; DIR as cargo left it, e.g. target/debug)
set -euo pipefail
cd "$(dirname "$0")/.."

prefix=/usr/local
libdir=
target=
from=
zig_glibc=
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) prefix=$2; shift 2 ;;
        --libdir) libdir=$2; shift 2 ;;
        --target) target=$2; shift 2 ;;
        --from) from=$2; shift 2 ;;
        --zig-glibc) zig_glibc=$2; shift 2 ;;
        -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
        *) echo "install.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
mkdir -p "$prefix"
prefix=$(cd "$prefix" && pwd)
libdir=${libdir:-$prefix/lib}

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
major=${version%%.*}
minor=${version#*.}; minor=${minor%%.*}
# As packaging/build_link.rs: while the major version is 0, a minor release
# may break compatibility, so it is part of the SONAME.
if [ "$major" = 0 ]; then soversion=0.$minor; else soversion=$major; fi

host=$(rustc -vV | sed -n 's/^host: //p')
target=${target:-$host}
case "$target" in
    *-windows-gnu*) os=windows; tools=${target%%-*}-w64-mingw32-; [ "${target%%-*}" = i686 ] && tools=i686-w64-mingw32- ;;
    *-linux-*) os=linux; tools= ;;
    *) echo "install.sh: no install layout for $target" >&2; exit 2 ;;
esac

if [ -z "$from" ]; then
    # Kerberos (GSSAPI) where its headers and libclang are here
    # (MESH_KERBEROS=1 insists, =0 leaves it out); Windows has SSPI always.
    # (Not tried with zig's cross linker: there only MESH_KERBEROS=1 asks.)
    if [ -n "$zig_glibc" ] && [ "${MESH_KERBEROS:-}" != 1 ]; then
        features=
    else
        features=$(cargo xtask features)
    fi
    if [ -n "$zig_glibc" ]; then
        cargo zigbuild --profile dist --lib --target "$target.$zig_glibc" ${features:+--features "$features"}
    else
        cargo build --profile dist --lib --target "$target" ${features:+--features "$features"}
    fi
    from=target/$target/dist
fi

install -d "$libdir" "$prefix/include" "$libdir/pkgconfig" "$libdir/cmake/mesh_capi" \
    "$prefix/share/mesh_capi/dotnet" "$prefix/share/mesh_capi/vba"
install -m 644 include/mesh_capi.h bindings/cpp/mesh_capi.hpp "$prefix/include/"
install -m 644 bindings/dotnet/*.cs "$prefix/share/mesh_capi/dotnet/"
install -m 644 bindings/vba/*.bas "$prefix/share/mesh_capi/vba/"

# Strips debug info from a static library, and the LLVM bitcode that
# link-time optimisation leaves next to the machine code (only rustc's own
# LTO reads it); mingw's strip refuses some archives (members without
# sections), which then stay as they are.
strip_static() {
    "${tools}strip" --strip-debug --remove-section=.llvmbc --remove-section=.llvmcmd "$1" 2>/dev/null ||
        echo "install.sh: note: ${tools}strip could not strip $1; installed with its debug info" >&2
}

# Splits the debug info of $1 off into $2 and links it back by name.
split_debug() {
    local file=$1 debug=$2
    mkdir -p "$(dirname "$debug")"
    "${tools}objcopy" --only-keep-debug "$file" "$debug"
    chmod 644 "$debug"
    "${tools}objcopy" --strip-debug --strip-unneeded "$file"
    (cd "$(dirname "$debug")" && "${tools}objcopy" --add-gnu-debuglink="$(basename "$debug")" "$file")
}

if [ "$os" = linux ]; then
    real=libmesh_capi.so.$version
    install -m 755 "$from/libmesh_capi.so" "$libdir/$real"
    split_debug "$libdir/$real" "$libdir/.debug/$real.debug"
    ln -sf "$real" "$libdir/libmesh_capi.so.$soversion"
    ln -sf "libmesh_capi.so.$soversion" "$libdir/libmesh_capi.so"
    install -m 644 "$from/libmesh_capi.a" "$libdir/libmesh_capi.a"
    strip_static "$libdir/libmesh_capi.a"
    shared=$libdir/$real
    implib=
    static_libs="-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"
    # Built with Kerberos: the static library needs the system's GSSAPI too.
    if readelf -d "$from/libmesh_capi.so" | grep -q 'libgssapi_krb5'; then
        static_libs="-lgssapi_krb5 $static_libs"
    fi
else
    install -d "$prefix/bin"
    install -m 755 "$from/mesh_capi.dll" "$prefix/bin/mesh_capi.dll"
    split_debug "$prefix/bin/mesh_capi.dll" "$prefix/bin/.debug/mesh_capi.dll.debug"
    install -m 644 "$from/libmesh_capi.dll.a" "$libdir/libmesh_capi.dll.a"
    install -m 644 packaging/mesh_capi.def "$libdir/mesh_capi.def"
    # An import library for MSVC's linker, made from the .def (also:
    # lib /def:mesh_capi.def /machine:x64 /out:mesh_capi.lib).
    "${tools}dlltool" -d packaging/mesh_capi.def -l "$libdir/mesh_capi.lib" -D mesh_capi.dll
    install -m 644 "$from/libmesh_capi.a" "$libdir/libmesh_capi.a"
    strip_static "$libdir/libmesh_capi.a"
    shared=$prefix/bin/mesh_capi.dll
    implib=$libdir/mesh_capi.lib
    static_libs="-lws2_32 -lntdll -luserenv -lbcrypt -lcrypt32 -lncrypt -lsecur32 -ladvapi32 -lkernel32"
fi

# The CMake package finds the prefix from its own place, so the tree can move.
cmake_dir=$libdir/cmake/mesh_capi
rel() { realpath --relative-to="$cmake_dir" "$1"; }
sed -e "s|@VERSION@|$version|g" -e "s|@SOVERSION@|$soversion|g" \
    -e "s|@INCLUDE@|$(rel "$prefix/include")|g" -e "s|@SHARED@|$(rel "$shared")|g" \
    -e "s|@IMPLIB@|${implib:+$(rel "$implib")}|g" -e "s|@STATIC@|$(rel "$libdir/libmesh_capi.a")|g" \
    -e "s|@STATIC_LIBS@|$static_libs|g" \
    packaging/mesh_capiConfig.cmake.in > "$cmake_dir/mesh_capiConfig.cmake"
bits=64; case "$target" in i686-*|i586-*|armv7-*|arm-*) bits=32 ;; esac
sed -e "s|@VERSION@|$version|g" -e "s|@MAJOR@|$major|g" -e "s|@MINOR@|$minor|g" -e "s|@BITS@|$bits|g" -e "s|@BYTES@|$((bits / 8))|g" \
    packaging/mesh_capiConfigVersion.cmake.in > "$cmake_dir/mesh_capiConfigVersion.cmake"
sed -e "s|@PREFIX@|$prefix|g" -e "s|@LIBDIR@|$libdir|g" -e "s|@VERSION@|$version|g" \
    -e "s|@STATIC_LIBS@|$static_libs|g" \
    packaging/mesh_capi.pc.in > "$libdir/pkgconfig/mesh_capi.pc"

# mesh-check (tools/mesh-check/README.md), the self-check users run against
# their own server: built from its C source against the header and library
# just installed, into PREFIX/bin (next to the DLL on Windows; on Linux it
# finds the library relative to itself, so the prefix can move). Left out,
# with a note, where there is no C compiler for the target.
check_cc=
case "$os" in
    windows) check_cc=${tools}gcc ;;
    linux)
        if [ -n "$zig_glibc" ]; then
            command -v zig >/dev/null 2>&1 && check_cc="zig cc -target ${target%%-*}-linux-gnu.$zig_glibc"
        elif [ "$target" = "$host" ]; then
            check_cc=${CC:-cc}
        fi ;;
esac
if [ -n "$check_cc" ] && command -v ${check_cc%% *} >/dev/null 2>&1; then
    install -d "$prefix/bin"
    if [ "$os" = linux ]; then
        # shellcheck disable=SC2086,SC2016 # $check_cc is a command with arguments; $ORIGIN is ld's
        $check_cc -std=c99 -O2 -I"$prefix/include" tools/mesh-check/mesh-check.c \
            -o "$prefix/bin/mesh-check" -L"$libdir" -lmesh_capi \
            -Wl,-rpath,'$ORIGIN/'"$(realpath --relative-to="$prefix/bin" "$libdir")"
    else
        # shellcheck disable=SC2086
        $check_cc -std=c99 -O2 -I"$prefix/include" tools/mesh-check/mesh-check.c \
            -o "$prefix/bin/mesh-check.exe" "$libdir/libmesh_capi.dll.a"
    fi
else
    echo "install.sh: note: no C compiler for $target${check_cc:+ ($check_cc)}: mesh-check not built" >&2
fi

echo "installed mesh_capi $version for $target under $prefix"
