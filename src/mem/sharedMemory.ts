import { bigintIds } from "../core/bigintIds.js";
import type { IdArithmetic } from "../core/IdArithmetic.js";
import {
  generationStep,
  type IdSpace,
  type IdSpaceOptions,
  kptiBitsAtInit,
  kptiBitsAtRollover,
  setKptiBits,
} from "../core/IdSpace.js";
import { VmidInputError } from "../core/VmidInputError.js";
import { validateConfig } from "../core/validateConfig.js";
import { type SharedLayout, sharedLayout } from "./sharedLayout.js";
import { acquireSpinLock, releaseSpinLock } from "./spinLock.js";
import { LockedWord, type ReservedIndexSlots, type VmidMemory } from "./VmidMemory.js";

/** Options of a shared-memory view. */
export interface SharedMemoryOptions extends IdSpaceOptions {
  /**
   * Sample the lock hold time of one slow path in this many (a power of two; 0 = never).
   * Samples are kept per view, so per thread.
   */
  readonly sampleLockEvery?: number;
}

/** How many lock hold samples a view keeps (a ring: the newest replace the oldest). */
const MAX_LOCK_SAMPLES = 4096;

/**
 * Allocator memory in a SharedArrayBuffer, for CPUs that are threads: every access to state
 * read without the lock is one Atomics operation on a BigInt64Array slot, the lock is a
 * spinlock word, and lock-only state is plain typed-array views on the same buffer.
 * Each thread makes its own view (`sharedMemoryView`) over the buffer `createSharedMemory`
 * made; views hold no state of the allocator, only per-thread id arithmetic and samples.
 */
export interface SharedMemory extends VmidMemory<bigint> {
  /** Per-CPU reservations: written under the lock; other readers must use Atomics.load. */
  readonly reserved: BigInt64Array;
  /** The buffer holding all the state, for other threads' views. */
  readonly buffer: SharedArrayBuffer;
  /** Where each piece of state lives in `buffer`; a plain object, for other threads' views. */
  readonly layout: SharedLayout;
  /** Sampled lock hold times of this view, in nanoseconds (oldest first when the ring wrapped). */
  lockHoldSamples(): number[];
}

/** Out of line, so the hot accessors above stay small enough to inline. */
function throwBeyondCapacity(vm: number, capacity: number): never {
  throw new RangeError(`VM ${vm} exceeds the shared memory's ${capacity} VM slots`);
}

class SharedMemoryView implements SharedMemory {
  readonly ids: IdArithmetic<bigint>;
  readonly space: IdSpace;
  readonly cpus: number;
  readonly buffer: SharedArrayBuffer;
  readonly layout: SharedLayout;
  readonly reserved: BigInt64Array;
  readonly bitmap: Int32Array;
  readonly pinnedMap: Int32Array;
  readonly lockedWords: Int32Array;
  readonly reservedIndex: ReservedIndexSlots;
  readonly flushPending: Int32Array;
  private readonly big: BigInt64Array;
  private readonly words: Int32Array;
  private readonly activeBase: number;
  private readonly vmIdBase: number;
  private readonly pinCountBase: number;
  private readonly vmCapacity: number;
  private readonly sampleMask: number;
  private acquisitions = 0;
  private sampleStart = -1;
  private readonly samples: Float64Array;
  private sampleCount = 0;

  constructor(buffer: SharedArrayBuffer, layout: SharedLayout, options: SharedMemoryOptions) {
    this.buffer = buffer;
    this.layout = layout;
    // Each view gets its own arithmetic: bigintIds caches the last generation it matched.
    this.ids = bigintIds(layout.bits, generationStep(layout.space));
    this.space = layout.space;
    this.cpus = layout.cpus;
    this.big = new BigInt64Array(buffer, 0, layout.int32Base / 8);
    this.words = new Int32Array(buffer, layout.int32Base, layout.int32Length);
    this.activeBase = layout.activeBase;
    if (layout.activeStride !== 8) throw new Error("internal error: active stride must be 8 slots");
    this.vmIdBase = layout.vmIdBase;
    this.pinCountBase = layout.pinCountBase;
    this.vmCapacity = layout.vmCapacity;
    this.reserved = this.big.subarray(layout.reservedBase, layout.reservedBase + layout.cpus);
    this.bitmap = this.words.subarray(layout.bitmapBase, layout.bitmapBase + layout.bitmapWords);
    this.pinnedMap = this.words.subarray(
      layout.pinnedMapBase,
      layout.pinnedMapBase + layout.bitmapWords,
    );
    this.lockedWords = this.words.subarray(
      layout.lockedWordsBase,
      layout.lockedWordsBase + LockedWord.count,
    );
    this.reservedIndex = {
      keys: this.words.subarray(layout.indexKeysBase, layout.indexKeysBase + layout.indexSize),
      heads: this.words.subarray(layout.indexHeadsBase, layout.indexHeadsBase + layout.indexSize),
      next: this.words.subarray(layout.indexNextBase, layout.indexNextBase + layout.cpus),
    };
    this.flushPending = this.words.subarray(
      layout.flushPendingBase,
      layout.flushPendingBase + layout.flushPendingWords,
    );
    const every = options.sampleLockEvery ?? 0;
    if (every !== 0 && (every & (every - 1)) !== 0) {
      throw new RangeError(`sampleLockEvery must be 0 or a power of two (got ${every})`);
    }
    this.sampleMask = every === 0 ? -1 : every - 1;
    this.samples = new Float64Array(every === 0 ? 0 : MAX_LOCK_SAMPLES);
  }

  // Only the lock holder writes the generation (new_vmid's add_return runs under the lock);
  // the fast path of every CPU reads it without the lock, hence atomic accesses.
  loadGeneration(): bigint {
    return Atomics.load(this.big, 0);
  }
  storeGeneration(generation: bigint): void {
    Atomics.store(this.big, 0, generation);
  }

  // active[c] is the one location two CPUs write without the lock: its own CPU (fast-path
  // compare-exchange, slow-path store, put) and a rollover (exchange to 0). Each access is a
  // single atomic operation; see updateVmid and flushContextCpu for the interleavings.
  loadActive(cpu: number): bigint {
    return Atomics.load(this.big, this.activeBase + (cpu << 3));
  }
  storeActive(cpu: number, v: bigint): void {
    Atomics.store(this.big, this.activeBase + (cpu << 3), v);
  }
  compareExchangeActive(cpu: number, expected: bigint, replacement: bigint): bigint {
    return Atomics.compareExchange(this.big, this.activeBase + (cpu << 3), expected, replacement);
  }
  exchangeActive(cpu: number, v: bigint): bigint {
    return Atomics.exchange(this.big, this.activeBase + (cpu << 3), v);
  }

  // A VM's id is written under the lock (new_vmid) and read by every CPU's fast path without
  // it: atomic, so a reader sees either the old id or the new one, never a torn value.
  loadVmId(vm: number): bigint {
    if (vm > this.vmCapacity) throwBeyondCapacity(vm, this.vmCapacity);
    return Atomics.load(this.big, this.vmIdBase + vm - 1);
  }
  storeVmId(vm: number, v: bigint): void {
    if (vm > this.vmCapacity) throwBeyondCapacity(vm, this.vmCapacity);
    Atomics.store(this.big, this.vmIdBase + vm - 1, v);
  }

  // Pin counts are read and written only under the lock, which orders every access.
  loadPinCount(vm: number): number {
    if (vm > this.vmCapacity) throwBeyondCapacity(vm, this.vmCapacity);
    return this.words[this.pinCountBase + vm - 1];
  }
  storePinCount(vm: number, count: number): void {
    if (vm > this.vmCapacity) throwBeyondCapacity(vm, this.vmCapacity);
    this.words[this.pinCountBase + vm - 1] = count;
  }

  lock(): void {
    acquireSpinLock(this.words, this.layout.lock);
    if ((++this.acquisitions & this.sampleMask) === 0) this.sampleStart = performance.now();
  }
  unlock(): void {
    if (this.sampleStart >= 0) {
      const heldNs = (performance.now() - this.sampleStart) * 1e6;
      this.samples[this.sampleCount++ % MAX_LOCK_SAMPLES] = heldNs;
      this.sampleStart = -1;
    }
    releaseSpinLock(this.words, this.layout.lock);
  }

  lockHoldSamples(): number[] {
    const kept = Math.min(this.sampleCount, MAX_LOCK_SAMPLES);
    const start = this.sampleCount > MAX_LOCK_SAMPLES ? this.sampleCount % MAX_LOCK_SAMPLES : 0;
    const ordered: number[] = [];
    for (let i = 0; i < kept; i++) ordered.push(this.samples[(start + i) % MAX_LOCK_SAMPLES]);
    return ordered;
  }
}

/**
 * Creates and initialises a SharedArrayBuffer for `bits`-bit ids on `cpus` CPUs with VM slots
 * 1..`vmCapacity`, and returns this thread's view over it. Hand `memory.buffer` and
 * `memory.layout` to other threads (both survive `postMessage` and `workerData`); each makes
 * its own view with `sharedMemoryView`, and its own allocator over it with
 * `createAllocatorOver`. A CPU number must be driven by one thread at a time, as the kernel
 * updates a CPU's VMID with preemption off.
 *
 * `options` may name the allocator and KPTI (`IdSpaceOptions`; the VMID allocator by default).
 * Throws VmidInputError for a configuration `validateConfig` refuses, or a `vmCapacity` that
 * is not a positive integer.
 */
export function createSharedMemory(
  bits: number,
  cpus: number,
  vmCapacity: number,
  options: SharedMemoryOptions = {},
): SharedMemory {
  const space = validateConfig(bits, cpus, options);
  if (!Number.isInteger(vmCapacity) || vmCapacity < 1) {
    throw new VmidInputError(`vmCapacity must be a positive integer (got ${vmCapacity})`);
  }
  const layout = sharedLayout(bits, cpus, vmCapacity, space);
  const buffer = new SharedArrayBuffer(layout.byteLength);
  const view = new SharedMemoryView(buffer, layout, options);
  // Initial state: the first generation, curIdx 1, empty reserved index, the bitmap empty or
  // (the ASID allocator) with the KPTI pattern, the pinned map empty or (under KPTI, as
  // asids_update_limit sets it) with the KPTI pattern; everything else is 0.
  view.storeGeneration(view.ids.firstGeneration);
  if (kptiBitsAtInit(space)) setKptiBits(view.bitmap);
  if (kptiBitsAtRollover(space)) setKptiBits(view.pinnedMap);
  view.lockedWords[LockedWord.curIdx] = 1;
  view.reservedIndex.next.fill(-1);
  return view;
}

/**
 * Another thread's view over a buffer made by `createSharedMemory`, with the `layout` that
 * made it (`memory.layout`). Throws RangeError when the buffer's size is not the layout's.
 */
export function sharedMemoryView(
  buffer: SharedArrayBuffer,
  layout: SharedLayout,
  options: SharedMemoryOptions = {},
): SharedMemory {
  if (buffer.byteLength !== layout.byteLength) {
    throw new RangeError(
      `buffer has ${buffer.byteLength} bytes; the layout needs ${layout.byteLength}`,
    );
  }
  return new SharedMemoryView(buffer, layout, options);
}
