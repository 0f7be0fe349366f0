/**
 * Deliberate bugs from the allocator's history (docs/allocator.md#bug-history), switched on per
 * allocator so that the runtime and the model checker can show they catch them. The correct
 * algorithm is the one with no mutant.
 */
export const MUTANTS = {
  "xchg-fastpath":
    "fast path exchanges active unconditionally when the generation matches (the pre-2016 " +
    "ASID code) instead of loading it and compare-exchanging from the non-zero old value",
  "no-suspended-animation":
    "rollover reserves 0 for a CPU whose active id is 0 instead of keeping its older reservation",
  "early-exit-reserved": "the reserved lookup stops at the first CPU whose reservation matches",
  "no-flush": "rollover does not broadcast the TLB flush",
  "clear-to-zero": "put writes 0 to active instead of VMID_ACTIVE_INVALID",
  "no-put-flush":
    "deferred flush policy only: a put does not flush a CPU a rollover marked, so INVALID lets " +
    "its next update take the fast path with the old generation's TLB (no effect under broadcast)",
  "forget-pinned-map":
    "rollover starts the bitmap empty instead of as a copy of the pinned map, so a pinned idx " +
    "no CPU reserves is free for another VM in the new generation",
  "pinned-before-reserved":
    "new_vmid keeps a pinned VM's idx before the reserved lookup (the order the ASID " +
    "allocator's comment warns against), so CPUs that reserve its old id are not renewed",
} as const;

/** The name of a mutant. */
export type MutantName = keyof typeof MUTANTS;

/** Every mutant name, in a stable order. */
export const MUTANT_NAMES = Object.keys(MUTANTS) as MutantName[];
