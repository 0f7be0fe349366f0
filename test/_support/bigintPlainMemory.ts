import { bigintIds } from "../../src/core/bigintIds.js";
import type { IdArithmetic } from "../../src/core/IdArithmetic.js";
import { reservedIndexSize } from "../../src/mem/reservedIndexSize.js";
import { LockedWord, type ReservedIndexSlots, type VmidMemory } from "../../src/mem/VmidMemory.js";

/**
 * Test support: single-threaded memory whose ids are bigints in BigInt64Arrays, so that the
 * shared property suite also runs the algorithm over `bigintIds` (the representation the
 * shared-memory backend uses) without threads. Plain storage, no logic of its own.
 */
class BigintPlainMemory implements VmidMemory<bigint> {
  readonly ids: IdArithmetic<bigint>;
  readonly cpus: number;
  readonly reserved: BigInt64Array;
  readonly bitmap: Int32Array;
  readonly lockedWords: Int32Array;
  readonly reservedIndex: ReservedIndexSlots;
  private readonly active: BigInt64Array;
  private readonly vmIds = new Map<number, bigint>();
  private generation: bigint;
  private locked = false;

  constructor(bits: number, cpus: number) {
    this.ids = bigintIds(bits);
    this.cpus = cpus;
    this.active = new BigInt64Array(cpus);
    this.reserved = new BigInt64Array(cpus);
    this.bitmap = new Int32Array(Math.ceil(this.ids.idCount / 32));
    this.lockedWords = new Int32Array(LockedWord.count);
    this.lockedWords[LockedWord.curIdx] = 1;
    const indexSize = reservedIndexSize(cpus);
    this.reservedIndex = {
      keys: new Int32Array(indexSize),
      heads: new Int32Array(indexSize),
      next: new Int32Array(cpus).fill(-1),
    };
    this.generation = this.ids.firstGeneration;
  }

  loadGeneration(): bigint {
    return this.generation;
  }
  storeGeneration(generation: bigint): void {
    this.generation = generation;
  }
  loadActive(cpu: number): bigint {
    return this.active[cpu];
  }
  storeActive(cpu: number, v: bigint): void {
    this.active[cpu] = v;
  }
  compareExchangeActive(cpu: number, expected: bigint, replacement: bigint): bigint {
    const found = this.active[cpu];
    if (found === expected) this.active[cpu] = replacement;
    return found;
  }
  exchangeActive(cpu: number, v: bigint): bigint {
    const found = this.active[cpu];
    this.active[cpu] = v;
    return found;
  }
  loadVmId(vm: number): bigint {
    return this.vmIds.get(vm) ?? 0n;
  }
  storeVmId(vm: number, v: bigint): void {
    this.vmIds.set(vm, v);
  }
  lock(): void {
    if (this.locked) throw new Error("test memory: lock taken twice");
    this.locked = true;
  }
  unlock(): void {
    this.locked = false;
  }
}

/** Fresh bigint-id memory for `bits`-bit VMIDs on `cpus` CPUs (validate the config first). */
export function bigintPlainMemory(bits: number, cpus: number): VmidMemory<bigint> {
  return new BigintPlainMemory(bits, cpus);
}
