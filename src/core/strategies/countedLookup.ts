import { LockedWord } from "../../mem/VmidMemory.js";
import type { ReservedLookup } from "./ReservedLookup.js";
import { scanAllReservations } from "./scanLookup.js";

/**
 * The reviewer's proposal: count the CPUs whose reservation is live (not 0, not INVALID) and
 * of an older generation, and skip the loop when the count is zero.
 *
 * Why the skip gives the seed's answer: the lookup is only asked for a VM's old id, which is
 * non-zero, has idx != 0 (so is not INVALID) and is not of the current generation. Every
 * reservation is re-set at a rollover (all of them then stale, as the generation has just
 * moved) and afterwards only changes from a matched stale id to a current one. So when no
 * live stale reservation is left, none can equal the id asked for and the loop finds nothing.
 */
export const countedLookup: ReservedLookup = {
  name: "counted",
  beginRollover(memory) {
    memory.lockedWords[LockedWord.staleReservations] = 0;
  },
  noteReserved(memory, _cpu, v) {
    if (v !== memory.ids.zero && v !== memory.ids.invalid) {
      memory.lockedWords[LockedWord.staleReservations]++;
    }
  },
  checkUpdateReserved(memory, vmid, newVmid, counters, firstMatchOnly) {
    const stale = memory.lockedWords[LockedWord.staleReservations];
    if (stale === 0) {
      counters.reservedLookupsSkipped++;
      return false;
    }
    counters.reservedCpusVisited += memory.cpus;
    const matched = scanAllReservations(memory, vmid, newVmid, firstMatchOnly);
    memory.lockedWords[LockedWord.staleReservations] = stale - matched;
    return matched > 0;
  },
};
