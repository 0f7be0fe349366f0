import { VmidInputError } from "./VmidInputError.js";

/**
 * The two kernel allocators the core runs as (docs/allocator.md#asid-allocator):
 * - `vmid`: KVM's VMID allocator (`arch/arm64/kvm/vmid.c`), the seed plus mainline's put;
 * - `asid`: its parent, the arm64 ASID allocator (`arch/arm64/mm/context.c`): deferred
 *   per-CPU flush, generation unit 2^16, no put, and KPTI pairs when KPTI is on.
 */
export const ALLOCATOR_NAMES = ["vmid", "asid"] as const;

/** `vmid` or `asid`. */
export type AllocatorName = (typeof ALLOCATOR_NAMES)[number];

/**
 * Which allocator an id space belongs to, and how the kernel booted. The ASID allocator's
 * `ASID_FIRST_VERSION` is 2^16 whatever the width (commit `c0900d15d31c`), so ids of narrower
 * ASIDs keep bits `bits..15` zero; the VMID allocator's generation step is `2^bits`.
 */
export interface IdSpaceOptions {
  /** `vmid` (the default) or `asid`. */
  readonly allocator?: AllocatorName;
  /**
   * ASID allocator only: kernel page-table isolation is on. KPTI is decided once at boot
   * (`arm64_kernel_unmapped_at_el0()`), so it is a constant of the allocator's lifetime.
   * With it, ids come in pairs: the bitmap has every odd idx set at init and at every
   * rollover, only even idx are handed out, and the user ASID is `idx | 1`. Off by default.
   */
  readonly kpti?: boolean;
}

/** An id space with every option decided. */
export interface IdSpace {
  readonly allocator: AllocatorName;
  readonly bits: number;
  readonly kpti: boolean;
}

/** The ASID allocator's generation unit, `ASID_FIRST_VERSION`: 2^16. */
export const ASID_GENERATION_STEP = 2 ** 16;

/** The widest ASID the ASID allocator's generation unit leaves room for. */
export const MAX_ASID_BITS = 16;

/**
 * The id space of `bits`-bit ids under `options`. Throws VmidInputError for KPTI without the
 * ASID allocator, an unknown allocator name, or ASIDs wider than 16 bits.
 */
export function idSpace(bits: number, options: IdSpaceOptions = {}): IdSpace {
  checkIdSpaceOptions(options);
  const allocator = options.allocator ?? "vmid";
  const kpti = options.kpti ?? false;
  if (allocator === "asid" && bits > MAX_ASID_BITS) {
    throw new VmidInputError(
      `the ASID allocator's generation unit is 2^16, so ASIDs are at most ${MAX_ASID_BITS} bits (got ${bits})`,
    );
  }
  return { allocator, bits, kpti };
}

/**
 * Checks the options on their own, before any width is known: a known allocator, and KPTI
 * only with the ASID allocator. Throws VmidInputError.
 */
export function checkIdSpaceOptions(options: IdSpaceOptions): void {
  const allocator = options.allocator ?? "vmid";
  if (!ALLOCATOR_NAMES.includes(allocator)) {
    throw new VmidInputError(
      `unknown allocator '${allocator}' (expected ${ALLOCATOR_NAMES.join(", ")})`,
    );
  }
  if (options.kpti === true && allocator !== "asid") {
    throw new VmidInputError("KPTI applies only to the ASID allocator: add --allocator asid");
  }
}

/** The step by which the generation grows, and the first generation. */
export function generationStep(space: IdSpace): number {
  return space.allocator === "asid" ? ASID_GENERATION_STEP : 2 ** space.bits;
}

/**
 * The kernel's count of available ids, idx 0 included: `2^bits`, halved under KPTI
 * (`num_available_asids` in `asids_update_limit()`). It is the `N` of the pinning limit
 * `N - cpus - 2`: pass it to `maxPinned`.
 */
export function availableIdCount(space: IdSpace): number {
  return space.kpti ? 2 ** (space.bits - 1) : 2 ** space.bits;
}

/** Ids an allocation can hand out in a generation that began with a rollover: idx 0 never is. */
export function usableIdCount(space: IdSpace): number {
  return availableIdCount(space) - 1;
}

/**
 * The ASID allocator's KPTI pattern (`set_kpti_asid_bits`, every byte 0xaa): every odd idx
 * set, so that only even idx are handed out. Written into a bitmap of Int32 words.
 */
export function setKptiBits(words: Int32Array): void {
  words.fill(0xaaaaaaaa | 0);
}

/**
 * Whether the bitmap starts with the KPTI pattern. The ASID allocator sets it at init
 * whenever the kernel is built with `CONFIG_UNMAP_KERNEL_AT_EL0` (the default on arm64),
 * before the boot decides on KPTI ("arm64: context: Free up kernel ASIDs if KPTI is not in
 * use", commit `f88f42f853a8`); without KPTI the first rollover clears it.
 */
export function kptiBitsAtInit(space: IdSpace): boolean {
  return space.allocator === "asid";
}

/**
 * Whether every rollover restarts the bitmap from the KPTI pattern instead of empty. The
 * kernel does it through the pinned map: `asids_update_limit()` sets the KPTI pattern in the
 * pinned map under KPTI, and a rollover (`set_reserved_asid_bits()`) copies the pinned map;
 * so the memory backends start the pinned map with the pattern when this holds.
 */
export function kptiBitsAtRollover(space: IdSpace): boolean {
  return space.kpti;
}
