import type { AllocatorContext } from "./AllocatorContext.js";
import { clearBitmap, setBit } from "./bitmap.js";
import { kptiBitsAtRollover, setKptiBits } from "./IdSpace.js";

/*
 * Rollover: the seed's `atomic64_add_return(VMID_FIRST_VERSION, &vmid_generation)` followed
 * by `flush_context()`, all under the allocator lock. It is split into steps so that the
 * model checker can interleave other CPUs' lock-free fast paths between the per-CPU
 * exchanges, exactly where the kernel allows them; `rollover()` runs the steps in order.
 */

/** Step 1: bump the generation (lock holder only). Returns the new generation. */
export function bumpGeneration<Id extends number | bigint>(context: AllocatorContext<Id>): Id {
  const memory = context.memory;
  const generation = memory.ids.nextGeneration(memory.loadGeneration());
  memory.storeGeneration(generation);
  return generation;
}

/**
 * Step 2: start the bitmap as a copy of the pinned map (`set_reserved_asid_bits()`), so that
 * pinned idx stay taken in the new generation. Nothing pinned and no KPTI: the seed's clear.
 * Under KPTI the pinned map carries every odd idx (the memory backends set them at init, as
 * `asids_update_limit()` does), so the copy is also `set_kpti_asid_bits`. The
 * forget-pinned-map mutant takes the kernel's other branches, as if there were no pinned map:
 * the KPTI pattern under KPTI, else a clear. The strategy forgets the previous generation's
 * reservations.
 * Under the `deferred` policy, also mark every CPU to flush its TLB (see `flushIfPending`
 * for why the marks come before the per-CPU exchanges).
 */
export function beginFlushContext<Id extends number | bigint>(context: AllocatorContext<Id>): void {
  const memory = context.memory;
  if (context.mutant !== "forget-pinned-map") memory.bitmap.set(memory.pinnedMap);
  else if (kptiBitsAtRollover(memory.space)) setKptiBits(memory.bitmap);
  else clearBitmap(memory.bitmap);
  context.lookup.beginRollover(memory);
  if (context.flush === "deferred" && context.mutant !== "no-flush") {
    setAllCpus(memory.flushPending, memory.cpus);
  }
}

/**
 * Step 3, once per CPU in ascending order: take the CPU's active id and reserve it.
 *
 * Interleaving guarded against: the CPU's fast path may be between its load of `active` and
 * its compare-exchange. The exchange to 0 makes that compare-exchange fail (it expects the
 * non-zero old value), so the CPU takes the slow path and waits for this lock instead of
 * publishing an id of the old generation after the bitmap was rebuilt. If the CPU's
 * compare-exchange won first, the exchange returns the id it installed, which is reserved.
 *
 * A CPU whose active is already 0 has not run an update since the last rollover
 * ("suspended animation"): it may still be running the guest it had then, so its older
 * reservation is kept.
 */
export function flushContextCpu<Id extends number | bigint>(
  context: AllocatorContext<Id>,
  cpu: number,
): void {
  const memory = context.memory;
  let v = memory.exchangeActive(cpu, memory.ids.zero);
  if (v === memory.ids.zero && context.mutant !== "no-suspended-animation")
    v = memory.reserved[cpu];
  setBit(memory.bitmap, memory.ids.idxOf(v));
  memory.reserved[cpu] = v;
  context.lookup.noteReserved(memory, cpu, v);
}

/**
 * Step 4: the broadcast TLB + I-cache invalidation (`__kvm_flush_vm_context`); nothing under
 * the `deferred` policy, whose CPUs were marked in step 2 and flush themselves.
 */
export function broadcastFlush<Id extends number | bigint>(
  context: AllocatorContext<Id>,
  generation: Id,
): void {
  const { counters, memory } = context;
  counters.rollovers++;
  context.onRollover?.(memory.ids.toBigInt(generation));
  if (context.mutant === "no-flush" || context.flush === "deferred") return;
  counters.broadcastFlushes++;
  counters.cpusFlushed += memory.cpus;
  context.onFlush?.(memory.ids.toBigInt(generation));
}

/**
 * `deferred` policy: if a rollover marked this CPU, clear the mark and flush its TLB (the
 * ASID allocator's `cpumask_test_and_clear_cpu(cpu, &tlb_flush_pending)` then
 * `local_flush_tlb_all()`). Called in the slow path under the lock, before the CPU
 * publishes its active id, as in the ASID allocator, and also after a put.
 *
 * Why after a put too: the ASID scheme relies on a rolled-over CPU's active id staying 0
 * until its next slow path. Mainline's put breaks that: a rollover zeroes the slot, the put
 * then stores INVALID, and INVALID lets the next update take the fast path with no flush, so
 * the CPU would run a guest under a new generation's idx with the old generation's TLB.
 * Interleavings with a concurrent rollover (put = store INVALID, then this test-and-clear):
 * the rollover marks every CPU before it exchanges their slots (step 2), so either its
 * exchange follows our store (the slot is 0 again: the next update is a slow path and
 * flushes), or it precedes it, and then so did the mark, which our test-and-clear sees.
 * Atomic, as a put does not hold the lock.
 */
export function flushIfPending<Id extends number | bigint>(
  context: AllocatorContext<Id>,
  cpu: number,
): void {
  const mask = 1 << (cpu & 31);
  const before = Atomics.and(context.memory.flushPending, cpu >>> 5, ~mask);
  if ((before & mask) === 0) return;
  context.counters.localFlushes++;
  context.counters.cpusFlushed++;
  context.onLocalFlush?.(cpu);
}

/** Sets bits 0..cpus-1 of a CPU mask (`cpumask_setall`), a word at a time, atomically. */
function setAllCpus(mask: Int32Array, cpus: number): void {
  for (let word = 0; word < mask.length; word++) {
    const bits = Math.min(32, cpus - word * 32);
    Atomics.or(mask, word, bits === 32 ? -1 : (1 << bits) - 1);
  }
}

/** A whole rollover, under the lock: steps 1 to 4. Returns the new generation. */
export function rollover<Id extends number | bigint>(context: AllocatorContext<Id>): Id {
  const generation = bumpGeneration(context);
  beginFlushContext(context);
  for (let cpu = 0; cpu < context.memory.cpus; cpu++) flushContextCpu(context, cpu);
  broadcastFlush(context, generation);
  return generation;
}
