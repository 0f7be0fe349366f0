import type { AllocatorContext } from "./AllocatorContext.js";
import { clearBitmap, setBit } from "./bitmap.js";

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

/** Step 2: clear the bitmap; the strategy forgets the previous generation's reservations. */
export function beginFlushContext<Id extends number | bigint>(context: AllocatorContext<Id>): void {
  clearBitmap(context.memory.bitmap);
  context.lookup.beginRollover(context.memory);
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

/** Step 4: the broadcast TLB + I-cache invalidation (`__kvm_flush_vm_context`). */
export function broadcastFlush<Id extends number | bigint>(
  context: AllocatorContext<Id>,
  generation: Id,
): void {
  context.counters.rollovers++;
  if (context.mutant === "no-flush") return;
  context.onFlush?.(context.memory.ids.toBigInt(generation));
}

/** A whole rollover, under the lock: steps 1 to 4. Returns the new generation. */
export function rollover<Id extends number | bigint>(context: AllocatorContext<Id>): Id {
  const generation = bumpGeneration(context);
  beginFlushContext(context);
  for (let cpu = 0; cpu < context.memory.cpus; cpu++) flushContextCpu(context, cpu);
  broadcastFlush(context, generation);
  return generation;
}
