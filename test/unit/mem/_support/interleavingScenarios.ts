import type { AllocatorSnapshot, VmidAllocator } from "../../../../src/core/createAllocator.js";
import { createAllocatorOver } from "../../../../src/core/createAllocator.js";
import type { MutantName } from "../../../../src/core/Mutant.js";
import type { StrategyName } from "../../../../src/core/strategies/ReservedLookup.js";
import { createSharedMemory, type SharedMemory } from "../../../../src/mem/sharedMemory.js";

export { START, withWorkers };

import {
  type AllocatorJob,
  type AllocatorJobResult,
  type AllocatorOp,
  type PausePoint,
  START,
  withWorkers,
} from "./pausingMemory.js";

/*
 * Test support for the forced interleavings (interleavings.test.ts, xchgFastpathMutant.test.ts).
 * The racy interleavings of the allocator on the SharedArrayBuffer backend, forced: two
 * worker threads, each a CPU with its own allocator object over the same shared memory, run
 * only when the test releases them, and pause exactly between two atomic steps of the
 * algorithm (see _support/pausingMemory.ts). The main thread sets the state up through its own
 * allocator and inspects the shared memory at every pause.
 *
 * All scenarios use bits 2 (N = 4: generation 4 holds ids 5, 6, 7; generation 8 holds 9, 10,
 * 11; generation 12 holds 13, 14, 15; INVALID = 4) and 2 CPUs. With 3 usable ids, a new VM
 * rolls over as soon as the search from curIdx finds nothing. Expected values are derived by
 * hand in the comments, from the seed's semantics (docs/allocator.md#operations).
 */

export const BITS = 2;
export const CPUS = 2;
export const VM_SLOTS = 8;
export const INVALID = 4n;

export const run = (cpu: number, vm: number): AllocatorOp => ({ kind: "update", cpu, vm });
export const put = (cpu: number): AllocatorOp => ({ kind: "clearActive", cpu });

/** Shared memory with `ops` already run by the main thread's allocator. */
export function setUp(
  ops: readonly AllocatorOp[],
  strategy: StrategyName = "scan",
): { memory: SharedMemory; main: VmidAllocator<bigint> } {
  const memory = createSharedMemory(BITS, CPUS, VM_SLOTS);
  const main = createAllocatorOver(memory, { strategy });
  for (const op of ops) {
    if (op.kind === "update") main.update(op.cpu, op.vm);
    else main.clearActive(op.cpu);
  }
  return { memory, main };
}

export function job(
  memory: SharedMemory,
  ops: readonly AllocatorOp[],
  plan: readonly PausePoint[] = [],
  behaviour: { strategy?: StrategyName; mutant?: MutantName } = {},
): AllocatorJob {
  return { kind: "allocator", buffer: memory.buffer, layout: memory.layout, behaviour, plan, ops };
}

/** The lock word: 0 free, 1 held, 2 held with waiters. */
export function lockWord(memory: SharedMemory): number {
  const words = new Int32Array(memory.buffer, memory.layout.int32Base, memory.layout.int32Length);
  return Atomics.load(words, memory.layout.lock);
}

/** The calls that exchanged an active slot (the rollover's, and the xchg mutant's fast path). */
export function exchanges(result: AllocatorJobResult): string[] {
  return result.calls.filter((call) => call.startsWith("exchangeActive"));
}

/**
 * Set-up 1: VM1 runs on CPU 0 (5), VM2 then VM3 on CPU 1 (6, 7): the map is full. From here,
 * B running the new VM4 on CPU 1 rolls over: [curIdx 3, 4) is full, so generation 8 begins;
 * CPU 0 gives whatever active[0] holds then, CPU 1 gives 7 (idx 3); the search from 1 takes
 * the first idx not reserved, and VM4 gets 8 | that idx.
 */
export const VM1_ON_CPU0_MAP_FULL: readonly AllocatorOp[] = [run(0, 1), run(1, 2), run(1, 3)];
export const AFTER_SETUP_1: AllocatorSnapshot = {
  generation: 4n,
  curIdx: 3,
  active: [5n, 7n],
  reserved: [0n, 0n],
  allocatedIdx: [1, 2, 3],
};
