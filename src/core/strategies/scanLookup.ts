import type { VmidMemory } from "../../mem/VmidMemory.js";
import type { AllocatorCounters } from "../AllocatorCounters.js";
import type { ReservedLookup } from "./ReservedLookup.js";

/**
 * Replaces every reservation equal to `vmid` by `newVmid`, visiting all CPUs in ascending
 * order; returns how many matched. It never stops at the first match (unless asked to, as
 * the `early-exit-reserved` mutant): the same VM can be reserved on several CPUs and a later
 * rollover reads every copy.
 */
export function scanAllReservations<Id extends number | bigint>(
  memory: VmidMemory<Id>,
  vmid: Id,
  newVmid: Id,
  firstMatchOnly: boolean,
): number {
  const reserved = memory.reserved;
  let matched = 0;
  for (let cpu = 0; cpu < memory.cpus; cpu++) {
    if (reserved[cpu] === vmid) {
      matched++;
      reserved[cpu] = newVmid;
      if (firstMatchOnly) break;
    }
  }
  return matched;
}

/** The seed's `check_update_reserved_vmid`: a loop over every CPU, every time. */
export const scanLookup: ReservedLookup = {
  name: "scan",
  beginRollover() {},
  noteReserved() {},
  checkUpdateReserved(memory, vmid, newVmid, counters: AllocatorCounters, firstMatchOnly) {
    counters.reservedCpusVisited += memory.cpus;
    return scanAllReservations(memory, vmid, newVmid, firstMatchOnly) > 0;
  },
};
