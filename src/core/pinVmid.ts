import { LockedWord } from "../mem/VmidMemory.js";
import type { AllocatorContext } from "./AllocatorContext.js";
import { clearBit, setBit } from "./bitmap.js";
import { newVmid } from "./newVmid.js";
import type { PinResult } from "./PinResult.js";
import { VmidInputError } from "./VmidInputError.js";

/**
 * Pins VM `vm`'s idx (the ASID allocator's `arm64_mm_context_get()`), under the lock:
 * - a VM pinned already: its pin count goes up and it keeps the id it holds;
 * - else, with `maxPinned` VMs pinned already: fails, changing nothing (the kernel returns
 *   0); `no-pins-allowed` when `maxPinned` is 0 or less;
 * - else the VM gets a current id if its id is stale (`newVmid`, which may roll over), its
 *   idx is set in the pinned map, its pin count becomes 1 and the pinned count goes up.
 *
 * From then until the last `unpinVmid` the idx stays the VM's in every generation: each
 * rollover starts the bitmap from the pinned map, and `newVmid` keeps a pinned VM's idx.
 * A pin does not publish anything in `active`: the VM need not run anywhere.
 */
export function pinVmid<Id extends number | bigint>(
  context: AllocatorContext<Id>,
  vm: number,
): PinResult<Id> {
  const { memory, counters } = context;
  const words = memory.lockedWords;
  memory.lock();
  try {
    let vmid = memory.loadVmId(vm);
    const count = memory.loadPinCount(vm);
    if (count > 0) {
      memory.storePinCount(vm, count + 1);
      counters.pins++;
      return { pinned: true, id: vmid, pinCount: count + 1 };
    }
    const limit = context.maxPinned;
    if (words[LockedWord.pinnedCount] >= limit) {
      counters.pinFailures++;
      return {
        pinned: false,
        reason: limit <= 0 ? "no-pins-allowed" : "limit-reached",
        maxPinned: limit,
      };
    }
    if (!memory.ids.isOfGeneration(vmid, memory.loadGeneration())) vmid = newVmid(context, vm);
    words[LockedWord.pinnedCount]++;
    setBit(memory.pinnedMap, memory.ids.idxOf(vmid));
    memory.storePinCount(vm, 1);
    counters.pins++;
    return { pinned: true, id: vmid, pinCount: 1 };
  } finally {
    memory.unlock();
  }
}

/**
 * Drops one pin of VM `vm` (`arm64_mm_context_put()`), under the lock; at the last one the
 * VM's idx leaves the pinned map (the next rollover may hand it to another VM unless a CPU
 * reserves it) and the pinned count goes down. Returns the VM's pin count after it. Throws
 * VmidInputError when the VM is not pinned (in the kernel, a refcount underflow).
 */
export function unpinVmid<Id extends number | bigint>(
  context: AllocatorContext<Id>,
  vm: number,
): number {
  const { memory, counters } = context;
  memory.lock();
  try {
    const count = memory.loadPinCount(vm);
    if (count === 0) throw new VmidInputError(`VM ${vm} is not pinned`);
    memory.storePinCount(vm, count - 1);
    counters.unpins++;
    if (count === 1) {
      clearBit(memory.pinnedMap, memory.ids.idxOf(memory.loadVmId(vm)));
      memory.lockedWords[LockedWord.pinnedCount]--;
    }
    return count - 1;
  } finally {
    memory.unlock();
  }
}
