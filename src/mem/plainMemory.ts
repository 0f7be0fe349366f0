import type { IdArithmetic } from "../core/IdArithmetic.js";
import {
  generationStep,
  type IdSpace,
  type IdSpaceOptions,
  idSpace,
  kptiBitsAtInit,
  kptiBitsAtRollover,
  setKptiBits,
} from "../core/IdSpace.js";
import { numberIds } from "../core/numberIds.js";
import { reservedIndexSize } from "./reservedIndexSize.js";
import { LockedWord, type VmidMemory } from "./VmidMemory.js";

/** VM numbers below this are kept in a dense, growing array; larger ones in a Map. */
const DENSE_VM_LIMIT = 1 << 22;

/**
 * Plain single-threaded memory: ids as doubles in Float64Arrays, VM ids in a growing dense
 * array (a Map for very large VM numbers). The lock only checks that it is not taken twice,
 * which catches a slow path re-entered by mistake.
 */
class PlainMemory implements VmidMemory<number> {
  readonly ids: IdArithmetic<number>;
  readonly space: IdSpace;
  readonly cpus: number;
  readonly reserved: Float64Array;
  readonly bitmap: Int32Array;
  readonly pinnedMap: Int32Array;
  readonly lockedWords: Int32Array;
  readonly reservedIndex;
  readonly flushPending: Int32Array;
  private readonly active: Float64Array;
  private generation: number;
  private denseVmIds: Float64Array;
  private readonly sparseVmIds = new Map<number, number>();
  /** Pin counts of the pinned VMs only (pins are rare: no per-VM array). */
  private readonly pinCounts = new Map<number, number>();
  private locked = false;

  constructor(bits: number, cpus: number, space: IdSpace) {
    this.space = space;
    this.ids = numberIds(bits, generationStep(space));
    this.cpus = cpus;
    this.active = new Float64Array(cpus);
    this.reserved = new Float64Array(cpus);
    this.bitmap = new Int32Array(Math.ceil(this.ids.idCount / 32));
    if (kptiBitsAtInit(space)) setKptiBits(this.bitmap);
    this.pinnedMap = new Int32Array(this.bitmap.length);
    // Under KPTI the pinned map holds every odd idx (asids_update_limit), so that a rollover,
    // which copies it, keeps them out of allocation.
    if (kptiBitsAtRollover(space)) setKptiBits(this.pinnedMap);
    this.lockedWords = new Int32Array(LockedWord.count);
    this.lockedWords[LockedWord.curIdx] = 1;
    const indexSize = reservedIndexSize(cpus);
    this.reservedIndex = {
      keys: new Int32Array(indexSize),
      heads: new Int32Array(indexSize),
      next: new Int32Array(cpus).fill(-1),
    };
    this.flushPending = new Int32Array(Math.ceil(cpus / 32));
    this.generation = this.ids.firstGeneration;
    this.denseVmIds = new Float64Array(64);
  }

  loadGeneration(): number {
    return this.generation;
  }
  storeGeneration(generation: number): void {
    this.generation = generation;
  }
  loadActive(cpu: number): number {
    return this.active[cpu];
  }
  storeActive(cpu: number, v: number): void {
    this.active[cpu] = v;
  }
  compareExchangeActive(cpu: number, expected: number, replacement: number): number {
    const found = this.active[cpu];
    if (found === expected) this.active[cpu] = replacement;
    return found;
  }
  exchangeActive(cpu: number, v: number): number {
    const found = this.active[cpu];
    this.active[cpu] = v;
    return found;
  }
  loadVmId(vm: number): number {
    if (vm < DENSE_VM_LIMIT) return vm < this.denseVmIds.length ? this.denseVmIds[vm] : 0;
    return this.sparseVmIds.get(vm) ?? 0;
  }
  storeVmId(vm: number, v: number): void {
    if (vm >= DENSE_VM_LIMIT) {
      this.sparseVmIds.set(vm, v);
      return;
    }
    if (vm >= this.denseVmIds.length) {
      let length = this.denseVmIds.length;
      while (length <= vm) length *= 2;
      const grown = new Float64Array(Math.min(length, DENSE_VM_LIMIT));
      grown.set(this.denseVmIds);
      this.denseVmIds = grown;
    }
    this.denseVmIds[vm] = v;
  }
  loadPinCount(vm: number): number {
    return this.pinCounts.get(vm) ?? 0;
  }
  storePinCount(vm: number, count: number): void {
    if (count === 0) this.pinCounts.delete(vm);
    else this.pinCounts.set(vm, count);
  }
  lock(): void {
    if (this.locked) throw new Error("internal error: the allocator lock is already held");
    this.locked = true;
  }
  unlock(): void {
    this.locked = false;
  }
}

/**
 * Creates single-threaded memory for an allocator of `bits`-bit VMIDs on `cpus` CPUs, in the
 * id space `options` names (the VMID allocator's by default). Validate the configuration
 * first (`validateConfig`); this only allocates.
 */
export function plainMemory(
  bits: number,
  cpus: number,
  options: IdSpaceOptions = {},
): VmidMemory<number> {
  return new PlainMemory(bits, cpus, idSpace(bits, options));
}
