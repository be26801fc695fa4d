#!/usr/bin/env bash
# Run the frozen bundle's self-test offscreen with an EMPTY fontconfig configuration:
# the bundled fonts alone must be enough. Prints size and timings.
set -euo pipefail
exe=${1:-dist/kcdesk/kcdesk}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig></fontconfig>\n' > "$tmp/fonts.conf"
export FONTCONFIG_FILE="$tmp/fonts.conf" FONTCONFIG_PATH="$tmp" QT_QPA_PLATFORM=offscreen
export HOME="$tmp/home" XDG_DATA_HOME="$tmp/xdg"
mkdir -p "$HOME"
echo "bundle size: $(du -sh "$(dirname "$exe")" | cut -f1)"
start=$(date +%s%N)
"$exe" self-test
end=$(date +%s%N)
echo "frozen self-test: $(( (end - start) / 1000000 )) ms"
