import type { AllocatorContext } from "./AllocatorContext.js";
import { newVmid } from "./newVmid.js";
import { flushIfPending } from "./rollover.js";
import { VmidInputError } from "./VmidInputError.js";

/**
 * The slow path of `kvm_arm_vmid_update()`: under the lock, re-read the VM's id (another CPU
 * may have renewed it meanwhile), renew it if it is stale, and publish it as this CPU's
 * active id. Returns the id.
 */
export function updateSlowPath<Id extends number | bigint>(
  context: AllocatorContext<Id>,
  cpu: number,
  vm: number,
): Id {
  const memory = context.memory;
  context.counters.slowPathEntries++;
  memory.lock();
  try {
    let vmid = memory.loadVmId(vm);
    if (!memory.ids.isOfGeneration(vmid, memory.loadGeneration())) vmid = newVmid(context, vm);
    if (context.flush === "deferred") flushIfPending(context, cpu);
    // A plain store suffices: only this CPU writes non-zero values to its own slot, and a
    // rollover (the only other writer) needs this lock, which we hold.
    memory.storeActive(cpu, vmid);
    return vmid;
  } finally {
    memory.unlock();
  }
}

/**
 * `kvm_arm_vmid_update()` on `cpu` for `vm`: makes the VM's id current and this CPU's active
 * id, and returns it. The kernel calls it with preemption off, so one CPU never runs two
 * updates at once; callers must keep that rule.
 *
 * The fast path, lock-free: if this CPU's active id is non-zero and the VM's id is of the
 * current generation, compare-exchange the active id from its old value to the VM's id.
 *
 * Interleaving guarded against: a rollover on another CPU between the load of `active` and
 * the compare-exchange. The rollover exchanges `active` to 0 and rebuilds the bitmap from
 * what it took; an unconditional store here would overwrite that 0 and publish an id the
 * rollover never reserved. The compare-exchange instead finds 0 (only a rollover writes 0
 * behind this CPU's back), fails, and sends us to the slow path, which waits for the lock.
 * Had the compare-exchange come first, the rollover would have taken (and reserved) the id
 * it installed. Either way the id this CPU runs with is in the new generation's bitmap.
 */
export function updateVmid<Id extends number | bigint>(
  context: AllocatorContext<Id>,
  cpu: number,
  vm: number,
): Id {
  const memory = context.memory;
  const ids = memory.ids;
  const zero = ids.zero;
  const vmid = memory.loadVmId(vm);
  if (context.mutant === "xchg-fastpath") {
    // The bug: no load of the old value, so the exchange can overwrite the 0 a concurrent
    // rollover just stored with an id of the old generation. The slow path that follows
    // repairs active[cpu], unless a second rollover takes it first and reserves that stale
    // id beside a current one of the same idx: two VMs then share an idx (forced in
    // test/unit/mem/xchgFastpathMutant.test.ts).
    if (
      ids.isOfGenerationReadAfter(vmid, memory.loadGeneration()) &&
      memory.exchangeActive(cpu, vmid) !== zero
    ) {
      context.counters.fastPathHits++;
      return vmid;
    }
    return updateSlowPath(context, cpu, vm);
  }
  const oldActive = memory.loadActive(cpu);
  if (
    oldActive !== zero &&
    ids.isOfGenerationReadAfter(vmid, memory.loadGeneration()) &&
    memory.compareExchangeActive(cpu, oldActive, vmid) !== zero
  ) {
    context.counters.fastPathHits++;
    return vmid;
  }
  return updateSlowPath(context, cpu, vm);
}

/**
 * Mainline's `kvm_arm_vmid_clear_active()`, called when the vCPU on `cpu` is put: marks the
 * CPU as running no guest, so the next rollover reserves idx 0 for it (harmless) instead of
 * pinning the VMID of a guest that no longer runs there. The CPU may still take the fast path
 * afterwards, since INVALID is non-zero.
 *
 * Interleaving: a rollover may exchange this slot concurrently. If the rollover comes first it
 * reserves the previous guest's id (it was still loaded then) and our store of INVALID follows
 * its 0, which only sends this CPU through the fast path's compare-exchange from INVALID. If
 * the store comes first the rollover takes INVALID and reserves idx 0.
 *
 * The ASID allocator has no such operation; over its memory this throws VmidInputError.
 */
export function clearActive<Id extends number | bigint>(
  context: AllocatorContext<Id>,
  cpu: number,
): void {
  const ids = context.memory.ids;
  if (context.memory.space.allocator === "asid") throwNoPut();
  context.memory.storeActive(cpu, context.mutant === "clear-to-zero" ? ids.zero : ids.invalid);
  // Deferred flush: INVALID would let a CPU rolled over before this put run its next guest
  // through the fast path without flushing (see flushIfPending).
  if (context.flush === "deferred" && context.mutant !== "no-put-flush")
    flushIfPending(context, cpu);
}

/** Out of line, so clearActive stays small. */
function throwNoPut(): never {
  throw new VmidInputError(
    "the ASID allocator has no put: a task switched out leaves its ASID active on the CPU",
  );
}
