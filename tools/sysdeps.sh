#!/usr/bin/env bash
# Install the system libraries Qt needs, via apt, when they are missing and we are root.
# Usage: tools/sysdeps.sh test   (offscreen Qt for the test suite)
#        tools/sysdeps.sh gui    (a real window: the xcb platform plugin's libraries)
set -euo pipefail
kind=${1:-test}
libs_test="libEGL.so.1:libegl1 libGL.so.1:libgl1 libfontconfig.so.1:libfontconfig1 libxkbcommon.so.0:libxkbcommon0 libglib-2.0.so.0:libglib2.0-0 libdbus-1.so.3:libdbus-1-3"
libs_gui="libxcb-icccm.so.4:libxcb-icccm4 libxcb-keysyms.so.1:libxcb-keysyms1 libxcb-cursor.so.0:libxcb-cursor0 libxkbcommon-x11.so.0:libxkbcommon-x11-0 libxcb-image.so.0:libxcb-image0 libxcb-render-util.so.0:libxcb-render-util0 libxcb-shape.so.0:libxcb-shape0 libxcb-randr.so.0:libxcb-randr0 libxcb-xinerama.so.0:libxcb-xinerama0 libX11-xcb.so.1:libx11-xcb1"
wanted=$libs_test
[ "$kind" = gui ] && wanted="$libs_test $libs_gui"
missing=()
for pair in $wanted; do
  lib=${pair%%:*}; pkg=${pair#*:}
  ldconfig -p 2>/dev/null | grep -q "$lib" || missing+=("$pkg")
done
# Programs the signing and Word-copy tests run (issue 22): pdfsig, a SoftHSM2 token,
# pkcs11-tool, and LibreOffice to convert a .docx to PDF.
if [ "$kind" = test ]; then
  for pair in pdfsig:poppler-utils softhsm2-util:softhsm2 pkcs11-tool:opensc soffice:libreoffice-writer-nogui; do
    tool=${pair%%:*}; pkg=${pair#*:}
    command -v "$tool" >/dev/null 2>&1 || missing+=("$pkg")
  done
  # LibreOffice Calc recalculates an exported workbook to compare its totals with ours.
  if ! ls /usr/lib/libreoffice/program/libsclo.so >/dev/null 2>&1; then
    missing+=(libreoffice-calc-nogui)
  fi
fi
# The test suite also runs against a throwaway PostgreSQL server (docs/server.md).
if [ "$kind" = test ] && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 \
   && ! command -v initdb >/dev/null; then
  missing+=(postgresql)
fi
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing system libraries: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Missing system libraries (install them with your package manager): ${missing[*]}" >&2
fi
