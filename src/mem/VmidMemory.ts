import type { IdArithmetic } from "../core/IdArithmetic.js";
import type { IdSpace } from "../core/IdSpace.js";

/** Per-CPU id slots indexed by CPU number (a Float64Array or a BigInt64Array in practice). */
export interface IdSlots<Id extends number | bigint> {
  [cpu: number]: Id;
  readonly length: number;
}

/** Names of the Int32 words of allocator state that only the lock holder touches. */
export const LockedWord = {
  /** The search hint `cur_idx` (a function-static in the seed): 1..N-1. */
  curIdx: 0,
  /** `counted` strategy: CPUs whose reserved id is live (not 0, not INVALID) and stale. */
  staleReservations: 1,
  /** Pinned VMs (`nr_pinned_asids` in the ASID allocator): VMs whose pin count is non-zero. */
  pinnedCount: 2,
  /** How many words there are. */
  count: 3,
} as const;

/**
 * The `indexed` strategy's map from a reserved idx to the CPUs that reserve it: an
 * open-addressing table (`keys` hold idx + 1, 0 = empty; `heads` the first CPU) plus a
 * per-CPU `next` link, -1 ending a list. Sized by the CPU count, not by N.
 */
export interface ReservedIndexSlots {
  readonly keys: Int32Array;
  readonly heads: Int32Array;
  readonly next: Int32Array;
}

/**
 * The memory an allocator runs over. The algorithm (`src/core`) is written once against this
 * interface; backends decide how the state is stored:
 * - `plainMemory`: ordinary arrays, one thread (replay, simulator, model checker);
 * - a SharedArrayBuffer backend (the runtime): the same methods as Atomics operations.
 *
 * Two kinds of state:
 * - state another CPU observes without the lock (generation, per-CPU active ids, VM ids) goes
 *   through methods, so a shared backend can make each access atomic;
 * - state only the lock holder touches (reserved ids, bitmap, search hint, strategy state) is
 *   exposed as typed arrays: the lock orders every access to it.
 */
export interface VmidMemory<Id extends number | bigint> {
  /** How ids are represented in this backend. */
  readonly ids: IdArithmetic<Id>;
  /** Which allocator the memory was made for, and KPTI (fixed at creation, as at boot). */
  readonly space: IdSpace;
  /** Number of CPUs, 1..4096. */
  readonly cpus: number;

  /** `vmid_generation`. */
  loadGeneration(): Id;
  /** Only the lock holder writes the generation (the seed's add_return under the lock). */
  storeGeneration(generation: Id): void;

  /** `active_vmids` of a CPU. */
  loadActive(cpu: number): Id;
  storeActive(cpu: number, v: Id): void;
  /** Returns the value found; it equals `expected` when the exchange happened. */
  compareExchangeActive(cpu: number, expected: Id, replacement: Id): Id;
  /** Returns the previous value. */
  exchangeActive(cpu: number, v: Id): Id;

  /** A VM's id (`kvm_vmid->id`); 0 for a VM never seen. `vm` is a positive safe integer. */
  loadVmId(vm: number): Id;
  storeVmId(vm: number, v: Id): void;

  /** A VM's pin count (0: not pinned). Lock holder only. */
  loadPinCount(vm: number): number;
  storePinCount(vm: number, count: number): void;

  /** `cpu_vmid_lock`. */
  lock(): void;
  unlock(): void;

  /** `reserved_vmids`, one per CPU. Lock holder only. */
  readonly reserved: IdSlots<Id>;
  /** `vmid_map`: N bits in ceil(N / 32) words, bit i of word i >> 5. Lock holder only. */
  readonly bitmap: Int32Array;
  /**
   * The pinned map (`pinned_asid_map` in the ASID allocator): N bits, bit i set while a
   * pinned VM holds idx i; a rollover starts the bitmap as a copy of it. Lock holder only.
   */
  readonly pinnedMap: Int32Array;
  /** The words named by `LockedWord`. Lock holder only. */
  readonly lockedWords: Int32Array;
  /** The `indexed` strategy's state. Lock holder only. */
  readonly reservedIndex: ReservedIndexSlots;
  /**
   * The `deferred` flush policy's `tlb_flush_pending` CPU mask (the parent ASID allocator's):
   * bit c of word c >> 5 set when CPU c must flush its TLB before publishing its next id.
   * ceil(cpus / 32) words. Lock holder only.
   */
  readonly flushPending: Int32Array;
}
