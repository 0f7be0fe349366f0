import {
  BITMAP,
  CPU_FIELDS,
  CpuField,
  CUR_IDX,
  FLUSH_PENDING,
  GENERATION,
  generationOf,
  idxOf,
  LOCK,
  type ModelLayout,
  tlbBit,
} from "./ModelLayout.js";
import { PC_NAMES } from "./stepModel.js";

/** One CPU of a decoded model state. */
export interface DecodedCpu {
  /** Where it is in the algorithm (`idle`, `readActive`, `flushCpu`, ...). */
  readonly pc: string;
  /** The VM of its update in progress, 0 when idle. */
  readonly vm: number;
  /** The update's locals: the VM id it read and the old active id (hex; "0" when unset). */
  readonly vmid: string;
  readonly old: string;
  /** The guest it runs or last ran (VTTBR), `vm 0` for none. */
  readonly loaded: { readonly vm: number; readonly idx: number };
  /** Its TLB entries as (vm, idx), ascending. */
  readonly tlb: readonly { readonly vm: number; readonly idx: number }[];
}

/** A model state in the allocator's terms; ids in lowercase hex as `vmid replay` prints them. */
export interface DecodedState {
  readonly generation: string;
  readonly allocatedIdx: readonly number[];
  readonly curIdx: number;
  /** The CPU holding the lock, -1 when free. */
  readonly lockHolder: number;
  /** Deferred flush policy: the CPUs marked to flush their TLB, ascending. */
  readonly flushPending: readonly number[];
  readonly active: readonly string[];
  readonly reserved: readonly string[];
  /** VM v's id at index v - 1. */
  readonly vmIds: readonly string[];
  readonly cpus: readonly DecodedCpu[];
  /**
   * With pins only: the pinned VMs' idx (the pinned map but the KPTI pattern), ascending, and
   * VM v's pin count at index v - 1.
   */
  readonly pinnedIdx?: readonly number[];
  readonly pinCounts?: readonly number[];
}

/**
 * The allocator's number for an id word of a model state: the model's INVALID sentinel
 * (`layout.invalid`, see ModelLayout) becomes the allocator's VMID_ACTIVE_INVALID (the first
 * generation, idx 0); every other id `g x N + idx` becomes the allocator's
 * `g x unit + idx` (the same number for the VMID allocator, whose unit is N).
 */
export function allocatorId(layout: ModelLayout, word: number): number {
  if (word === layout.invalid) return layout.generationStep;
  return generationOf(layout, word) * layout.generationStep + idxOf(layout, word);
}

/** Decodes a model state. */
export function decodeState(layout: ModelLayout, state: Int32Array): DecodedState {
  const n = layout.idCount;
  const hex = (v: number) => v.toString(16);
  const id = (word: number) => hex(allocatorId(layout, word));
  const cpus: DecodedCpu[] = [];
  for (let cpu = 0; cpu < layout.cpus; cpu++) {
    const base = layout.cpuBase + cpu * CPU_FIELDS;
    const tlbBits = state[base + CpuField.tlb];
    const tlb: { vm: number; idx: number }[] = [];
    for (let vm = 1; vm <= layout.vms; vm++) {
      for (let idx = 0; idx < n; idx++)
        if (tlbBits & tlbBit(layout, vm, idx)) tlb.push({ vm, idx });
    }
    cpus.push({
      pc: PC_NAMES[state[base + CpuField.pc]] ?? "?",
      vm: state[base + CpuField.vm],
      vmid: id(state[base + CpuField.vmid]),
      old: id(state[base + CpuField.old]),
      loaded: { vm: state[base + CpuField.loadedVm], idx: state[base + CpuField.loadedIdx] },
      tlb,
    });
  }
  const allocatedIdx: number[] = [];
  for (let idx = 0; idx < n; idx++) if (state[BITMAP] & (1 << idx)) allocatedIdx.push(idx);
  const pins = layout.pins
    ? {
        pinnedIdx: Array.from({ length: n }, (_, i) => i).filter(
          (i) => state[layout.pinnedMap] & ~layout.initialPinnedMap & (1 << i),
        ),
        pinCounts: Array.from(state.subarray(layout.pinCount, layout.pinCount + layout.vms)),
      }
    : {};
  return {
    generation: hex(state[GENERATION] * layout.generationStep),
    allocatedIdx,
    curIdx: state[CUR_IDX],
    lockHolder: state[LOCK] - 1,
    flushPending: Array.from({ length: layout.cpus }, (_, c) => c).filter(
      (c) => state[FLUSH_PENDING] & (1 << c),
    ),
    active: Array.from({ length: layout.cpus }, (_, c) => id(state[layout.active + c])),
    reserved: Array.from({ length: layout.cpus }, (_, c) => id(state[layout.reserved + c])),
    vmIds: Array.from({ length: layout.vms }, (_, v) => id(state[layout.vmId + v])),
    cpus,
    ...pins,
  };
}
