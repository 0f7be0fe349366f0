#!/bin/sh
# Builds the C baseline of the replay benchmark: the seed's vmid.c (extracted from the patch
# you supply, see extractVmidC.sh) behind replayDriver.c, with -O2.
# Usage: bench/c/build.sh PATCH_FILE [OUT_DIR]   (OUT_DIR defaults to /tmp/vmid-c)
# Then: /tmp/vmid-c/vmid-c < TRACE > OUT
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${2:-/tmp/vmid-c}
mkdir -p "$out"
"$here/extractVmidC.sh" "$1" > "$out/vmid.c"
test -s "$out/vmid.c" || { echo "build.sh: no arch/arm64/kvm/vmid.c hunk in $1" >&2; exit 2; }
${CC:-cc} -O2 -std=gnu11 -w -I "$here/include" -I "$out" -o "$out/vmid-c" "$here/replayDriver.c"
echo "$out/vmid-c"
