import {
  generationStep,
  type IdSpace,
  idSpace,
  kptiBitsAtInit,
  kptiBitsAtRollover,
} from "../core/IdSpace.js";
import { maxPinnedIn } from "../core/maxPinned.js";

/**
 * A model state is a flat Int32Array. Ids are kept as in the allocator, `generation | idx`
 * with generation = g x N (g = 1, 2, ...), so for the small widths checked they are small
 * integers; 0 = none. The allocator's VMID_ACTIVE_INVALID is N, the same number as
 * generation 1 | idx 0; the model gives it a sentinel of its own, `layout.invalid` = -N, which
 * is no generation (renaming generations, see renameGenerations, leaves it alone) and still
 * has idx 0 (`-N % N` is 0), which is all the algorithm reads of it: a put stores it, a
 * rollover reserves its idx 0, and it is compared whole. decodeState prints it as N.
 *
 * ```
 * [0] g, the generation index     [1] bitmap (bit i = idx i)   [2] curIdx   [3] lock holder + 1
 * [4] flush pending (bit c = CPU c; the deferred flush policy's mask, 0 under broadcast)
 * [5 .. 5+C)        active[c]
 * [5+C .. 5+2C)     reserved[c]
 * [5+2C .. 5+2C+V)  vmId[v - 1]
 * then per CPU, CPU_FIELDS words: pc, vm (of the update in progress), vmid and old (the
 *   update's locals), aux (the rollover's CPU loop index), loaded vm and idx (what VTTBR
 *   holds: the guest the CPU runs, or last ran), tlb (bit (vm - 1) x N + idx per entry)
 * then pinned ids (always there, all 0 without `pins`, when the packer gives them no bits):
 *   [pinnedMap] the pinned map (bit i = idx i; under KPTI every odd idx too)
 *   [pinning]   CPU mask: bit c set while CPU c runs pin(vm) rather than update(vm)
 *   [pinCount .. pinCount+V)  each VM's pin count (0..MAX_MODEL_PIN_COUNT)
 * ```
 * Locals that are dead are zeroed where the step model knows it: `vm` and `vmid` when the
 * update ends (enterGuest), `old` after the compare-exchange and when the lock is taken,
 * `vmid` when new_vmid decides to roll over (the allocation after it does not read it), and
 * `aux` after the rollover's CPU loop. Not everywhere: a CPU waiting at `lock` still holds
 * the `vmid` (and, after a generation mismatch, the `old`) it read, although taking the lock
 * re-reads the one and zeroes the other, so states differing only there are kept apart.
 */
export interface ModelLayout {
  readonly cpus: number;
  readonly vms: number;
  /** N = 2^bits: ids per generation. */
  readonly idCount: number;
  /** bits = log2(N): an id's generation is `id >> idBits`, its idx `id & (N - 1)`. */
  readonly idBits: number;
  /** The model's VMID_ACTIVE_INVALID: -N, no generation, idx 0 (see above). */
  readonly invalid: number;
  /**
   * The allocator's generation unit (N, or 2^16 for the ASID allocator). The model numbers
   * generations g = 1, 2, ... and keeps ids as g x N + idx whatever the unit: only equality
   * and the generation of an id are ever read, which the unit does not change.
   * `allocatorId` converts to the allocator's `g x unit + idx`.
   */
  readonly generationStep: number;
  /** The bitmap at init: 0, or the KPTI pattern (every odd idx) for the ASID allocator. */
  readonly initialBitmap: number;
  /**
   * The bitmap a rollover starts from without pins (or under the forget-pinned-map mutant):
   * 0, or the KPTI pattern under KPTI. With pins a rollover copies the pinned map, which
   * starts as `initialPinnedMap`.
   */
  readonly rolloverBitmap: number;
  /**
   * The pinned map at init: with pins under KPTI the KPTI pattern (`asids_update_limit()`
   * sets it in the pinned map, so a rollover's copy keeps every odd idx taken), else 0.
   */
  readonly initialPinnedMap: number;
  /**
   * Bits of a TLB word that can be set: bit (vm - 1) x N + idx per entry, so vms x N; under
   * KPTI one less, as only even idx are handed out and the top bit (odd idx N - 1) stays 0.
   */
  readonly tlbWidth: number;
  readonly active: number;
  readonly reserved: number;
  readonly vmId: number;
  readonly cpuBase: number;
  /** Whether pin and unpin transitions exist (the pin fields are used). */
  readonly pins: boolean;
  /** `maxPinned(N, cpus)`, N halved under KPTI: the most VMs pinned at once. */
  readonly maxPinned: number;
  /** Index of the pinned map word. */
  readonly pinnedMap: number;
  /** Index of the CPU mask of pins in progress. */
  readonly pinning: number;
  /** Index of VM 1's pin count; VM v at `pinCount + v - 1`. */
  readonly pinCount: number;
  readonly length: number;
}

/**
 * The model's bound on a VM's pin count: a CPU starts a pin of a VM only while its count plus
 * the pins of it in progress is below this. 2 exercises both branches of a pin (the first,
 * which marks the map, and a nested one, which only counts) and of an unpin (one that leaves
 * the VM pinned, one that clears it); higher counts only add unpins before the clearing one.
 */
export const MAX_MODEL_PIN_COUNT = 2;

export const GENERATION = 0;
export const BITMAP = 1;
export const CUR_IDX = 2;
export const LOCK = 3;
export const FLUSH_PENDING = 4;

/** Per-CPU fields, at `cpuBase + cpu * CPU_FIELDS + field`. */
export const CpuField = {
  pc: 0,
  vm: 1,
  vmid: 2,
  old: 3,
  aux: 4,
  loadedVm: 5,
  loadedIdx: 6,
  tlb: 7,
} as const;
export const CPU_FIELDS = 8;

/** The idx of `id`: `id % N` (N a power of two), so 0 for 0 and for INVALID (-N). */
export const idxOf = (layout: ModelLayout, id: number): number => id & (layout.idCount - 1);

/** The generation index of `id`: `floor(id / N)`, so -1 for INVALID (-N). */
export const generationOf = (layout: ModelLayout, id: number): number => id >> layout.idBits;

/** The bit of TLB entry (vm, idx) in a CPU's TLB word: bit (vm - 1) x N + idx (VMs from 1). */
export const tlbBit = (layout: ModelLayout, vm: number, idx: number): number =>
  1 << ((vm - 1) * layout.idCount + idx);

/**
 * The layout of `cpus` CPUs and `vms` VMs with `bits`-bit ids in `space` (VMID by default);
 * `pins`: with pin transitions.
 */
export function modelLayout(
  cpus: number,
  vms: number,
  bits: number,
  space: IdSpace = idSpace(bits),
  pins = false,
): ModelLayout {
  const active = 5;
  const kptiPattern = 0xaaaaaaaa & (2 ** (2 ** bits) - 1);
  const reserved = active + cpus;
  const vmId = reserved + cpus;
  const cpuBase = vmId + vms;
  const pinnedMap = cpuBase + cpus * CPU_FIELDS;
  const pinning = pinnedMap + 1;
  const pinCount = pinning + 1;
  return {
    cpus,
    vms,
    idCount: 2 ** bits,
    idBits: bits,
    invalid: -(2 ** bits),
    generationStep: generationStep(space),
    initialBitmap: kptiBitsAtInit(space) ? kptiPattern : 0,
    rolloverBitmap: kptiBitsAtRollover(space) ? kptiPattern : 0,
    initialPinnedMap: pins && kptiBitsAtRollover(space) ? kptiPattern : 0,
    tlbWidth: space.kpti ? vms * 2 ** bits - 1 : vms * 2 ** bits,
    active,
    reserved,
    vmId,
    cpuBase,
    pins,
    maxPinned: maxPinnedIn(space, cpus),
    pinnedMap,
    pinning,
    pinCount,
    length: pinCount + vms,
  };
}

/**
 * The initial state: generation 1, the initial bitmap and pinned map, curIdx 1, everything
 * else 0.
 */
export function initialState(layout: ModelLayout): Int32Array {
  const state = new Int32Array(layout.length);
  state[BITMAP] = layout.initialBitmap;
  state[layout.pinnedMap] = layout.initialPinnedMap;
  state[GENERATION] = 1;
  state[CUR_IDX] = 1;
  return state;
}
