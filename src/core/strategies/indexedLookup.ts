import type { ReservedIndexSlots } from "../../mem/VmidMemory.js";
import type { ReservedLookup } from "./ReservedLookup.js";

/** Multiplicative hash of an idx into a power-of-two table. */
function slotOf(idx: number, mask: number): number {
  return (Math.imul(idx, 0x9e3779b1) >>> 0) & mask;
}

/** The table slot holding `idx`, or the empty slot where it would go. */
function probe(index: ReservedIndexSlots, idx: number): number {
  const keys = index.keys;
  const mask = keys.length - 1;
  const key = idx + 1;
  let slot = slotOf(idx, mask);
  while (keys[slot] !== 0 && keys[slot] !== key) slot = (slot + 1) & mask;
  return slot;
}

/**
 * A map from reserved idx to the CPUs reserving it, rebuilt at every rollover, so that a
 * lookup visits only the CPUs whose reservation has the asked idx, whatever the CPU count.
 *
 * Why keying by idx is enough: after a rollover no two different reserved ids share an idx
 * (each rollover sets one bit per reserved idx and nothing else can take a set bit), so the
 * CPUs listed under idx(vmid) are the only ones whose reservation can equal vmid; the exact
 * 64-bit compare is still made for each. Reservations of idx 0 (0 and INVALID) are not
 * indexed: the old id of a VM never has idx 0.
 */
export const indexedLookup: ReservedLookup = {
  name: "indexed",
  beginRollover(memory) {
    memory.reservedIndex.keys.fill(0);
  },
  noteReserved(memory, cpu, v) {
    const idx = memory.ids.idxOf(v);
    if (idx === 0) return;
    const index = memory.reservedIndex;
    const slot = probe(index, idx);
    index.next[cpu] = index.keys[slot] === 0 ? -1 : index.heads[slot];
    index.keys[slot] = idx + 1;
    index.heads[slot] = cpu;
  },
  checkUpdateReserved(memory, vmid, newVmid, counters, firstMatchOnly) {
    const index = memory.reservedIndex;
    const slot = probe(index, memory.ids.idxOf(vmid));
    if (index.keys[slot] === 0) return false;
    const reserved = memory.reserved;
    let hit = false;
    for (let cpu = index.heads[slot]; cpu !== -1; cpu = index.next[cpu]) {
      counters.reservedCpusVisited++;
      if (reserved[cpu] === vmid) {
        hit = true;
        reserved[cpu] = newVmid;
        if (firstMatchOnly) break;
      }
    }
    return hit;
  },
};
