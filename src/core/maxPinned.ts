import { availableIdCount, type IdSpace } from "./IdSpace.js";

/**
 * The most VMs that may be pinned at once: the ASID allocator's `max_pinned_asids`, set by
 * `asids_update_limit()` to the available id count minus the CPU count minus 2. Why: after a
 * rollover the bitmap holds idx 0 (never handed out), one reservation per CPU and every
 * pinned idx; with at most `idCount - cpus - 2` pins that is at most `idCount - 1` bits, so
 * the search after the rollover still finds a clear one.
 *
 * `idCount` is the number of ids the allocator can hand out per generation: N = 2^bits for
 * the VMID allocator; a caller whose ids come in pairs (the ASID allocator under KPTI) passes
 * its halved count (`maxPinnedIn` does both). A result of 0 or less means no VM may be pinned.
 */
export function maxPinned(idCount: number, cpus: number): number {
  return idCount - cpus - 2;
}

/**
 * `maxPinned` of an id space: N is `availableIdCount(space)`, 2^bits halved under KPTI, as
 * `asids_update_limit()` halves `num_available_asids` before it sets `max_pinned_asids`.
 */
export function maxPinnedIn(space: IdSpace, cpus: number): number {
  return maxPinned(availableIdCount(space), cpus);
}
