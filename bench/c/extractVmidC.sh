#!/bin/sh
# Extracts arch/arm64/kvm/vmid.c from the seed patch as posted to the list:
# "[PATCH v4 1/4] KVM: arm64: Introduce a new VMID allocator for KVM" (Shameer Kolothum,
# posted to the kvmarm list on 22 Nov 2021; on https://lore.kernel.org/kvmarm/ search for its
# subject, open the message and save it with "raw").
# Input: the patch (mbox/raw, lines "+..."), or a reply quoting it (lines "> +...").
# Output: vmid.c on stdout. The kernel code is not part of this repository; we only build it
# for a speed comparison.
# Usage: bench/c/extractVmidC.sh PATCH_FILE > /tmp/vmid-c/vmid.c
set -eu
awk '
  /^(> )?\+\+\+ b\/arch\/arm64\/kvm\/vmid\.c/ { inside = 1; next }
  inside && /^(> )?(diff --git|--$|-- $)/ { inside = 0 }
  inside && /^(> )?\+/ { sub(/^(> )?\+/, ""); print }
' "$1"
