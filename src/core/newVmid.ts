import { LockedWord } from "../mem/VmidMemory.js";
import type { AllocatorContext } from "./AllocatorContext.js";
import { findNextZeroBit, setBit, testAndSetBit } from "./bitmap.js";
import { rollover } from "./rollover.js";

/**
 * The seed's `new_vmid()`, under the lock, for a VM whose id is not of the current
 * generation. In order of preference the VM gets:
 * 1. its old idx in the new generation if some CPU still reserves its old id (every such
 *    reservation is moved to the new id);
 * 2. its old idx if the VM is pinned (the rollover copied the pinned map into the bitmap, so
 *    the bit is set already). After step 1, not before: a pinned VM that some CPU reserves
 *    must still have its reservations renewed, or they would name an id no VM holds (the
 *    ASID allocator's `new_context()` says so; the `pinned-before-reserved` mutant is the
 *    other order);
 * 3. its old idx if that bit is still clear (the search hint does not move);
 * 4. the first clear bit at or after the search hint, without wrapping;
 * 5. failing that, a rollover and then the first clear bit from 1.
 * Stores and returns the VM's new id.
 */
export function newVmid<Id extends number | bigint>(context: AllocatorContext<Id>, vm: number): Id {
  const { memory, counters } = context;
  const ids = memory.ids;
  const vmid = memory.loadVmId(vm);
  let generation = memory.loadGeneration();

  if (vmid !== ids.zero) {
    const oldIdx = ids.idxOf(vmid);
    const renewed = ids.compose(generation, oldIdx);
    const pinned = memory.lockedWords[LockedWord.pinnedCount] !== 0 && memory.loadPinCount(vm) > 0;
    if (pinned && context.mutant === "pinned-before-reserved") {
      counters.pinnedKeeps++;
      memory.storeVmId(vm, renewed);
      return renewed;
    }
    counters.reservedLookups++;
    const firstMatchOnly = context.mutant === "early-exit-reserved";
    const visitedBefore = counters.reservedCpusVisited;
    const hit = context.lookup.checkUpdateReserved(memory, vmid, renewed, counters, firstMatchOnly);
    const visited = counters.reservedCpusVisited - visitedBefore;
    if (visited > counters.reservedCpusVisitedMax) counters.reservedCpusVisitedMax = visited;
    if (hit) {
      counters.reservedHits++;
      memory.storeVmId(vm, renewed);
      return renewed;
    }
    if (pinned) {
      counters.pinnedKeeps++;
      memory.storeVmId(vm, renewed);
      return renewed;
    }
    if (!testAndSetBit(memory.bitmap, oldIdx)) {
      counters.oldIdxReuses++;
      memory.storeVmId(vm, renewed);
      return renewed;
    }
  }

  const words = memory.lockedWords;
  const from = words[LockedWord.curIdx];
  let idx = findNextZeroBit(memory.bitmap, ids.idCount, from);
  counters.bitmapWordsSearched += wordsSearched(from, idx, ids.idCount);
  if (idx === ids.idCount) {
    generation = rollover(context);
    // More usable ids than CPUs (validateConfig), so a bit in [1, N) is clear.
    idx = findNextZeroBit(memory.bitmap, ids.idCount, 1);
    counters.bitmapWordsSearched += wordsSearched(1, idx, ids.idCount);
    if (idx === ids.idCount) throw new Error("internal error: no free VMID after a rollover");
  }
  setBit(memory.bitmap, idx);
  words[LockedWord.curIdx] = idx;
  const fresh = ids.compose(generation, idx);
  counters.freshAllocations++;
  memory.storeVmId(vm, fresh);
  return fresh;
}

/** Bitmap words `findNextZeroBit(_, size, from)` read to return `found`. */
function wordsSearched(from: number, found: number, size: number): number {
  if (from >= size) return 0;
  const last = found < size ? found >>> 5 : (size - 1) >>> 5;
  return last - (from >>> 5) + 1;
}
