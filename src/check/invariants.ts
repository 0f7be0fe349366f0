import {
  BITMAP,
  CPU_FIELDS,
  CpuField,
  CUR_IDX,
  GENERATION,
  LOCK,
  type ModelLayout,
} from "./ModelLayout.js";
import { Pc } from "./stepModel.js";

/**
 * The invariants the checker can check, by name: the three of the kernel developers' TLA+
 * models and the derived ones of the reference notes (section 6) that are state predicates.
 */
export const INVARIANTS = {
  UniqueVMIDPerCPU: "no CPU's TLB holds entries of two different VMs under one idx",
  SameVMIDActiveTask: "CPUs outside update with the same VM loaded have the same idx",
  SameVMIDPerTask: "every CPU outside update with VM x loaded runs x's current idx",
  LoadedVMIDPerTask:
    "every CPU with VM x loaded, even one whose update for another VM is under way, holds x's current idx (the TLA+ model's SameVMIDPerTask)",
  UniqueCurrentIds: "(1) no two VMs hold the same id of the current generation",
  CurrentIdsInMap:
    "(2) with the lock free: every current-generation VM id has its bit set, and bits 1..curIdx are set once the generation allocated",
  ActiveIsValid: "(3) with the lock free: active[c] is 0, INVALID or of the current generation",
  NoIdxZero: "(6) no VM holds an id with idx 0",
} as const;

export type InvariantName = keyof typeof INVARIANTS;
export const INVARIANT_NAMES = Object.keys(INVARIANTS) as InvariantName[];

/** Returns the name of the first listed invariant `state` violates, or undefined. */
export function violatedInvariant(
  layout: ModelLayout,
  state: Int32Array,
  invariants: readonly InvariantName[],
): InvariantName | undefined {
  for (const name of invariants) if (!HOLDS[name](layout, state)) return name;
  return undefined;
}

type Predicate = (layout: ModelLayout, s: Int32Array) => boolean;

const cpuWord = (layout: ModelLayout, s: Int32Array, cpu: number, field: number) =>
  s[layout.cpuBase + cpu * CPU_FIELDS + field];

const HOLDS: Record<InvariantName, Predicate> = {
  UniqueVMIDPerCPU(layout, s) {
    const n = layout.idCount;
    for (let cpu = 0; cpu < layout.cpus; cpu++) {
      const tlb = cpuWord(layout, s, cpu, CpuField.tlb);
      for (let idx = 0; idx < n; idx++) {
        let owners = 0;
        for (let vm = 0; vm < layout.vms; vm++) if (tlb & (1 << (vm * n + idx))) owners++;
        if (owners > 1) return false;
      }
    }
    return true;
  },
  SameVMIDActiveTask(layout, s) {
    for (let a = 0; a < layout.cpus; a++) {
      const vm = cpuWord(layout, s, a, CpuField.loadedVm);
      if (vm === 0 || cpuWord(layout, s, a, CpuField.pc) !== Pc.idle) continue;
      for (let b = a + 1; b < layout.cpus; b++) {
        if (
          cpuWord(layout, s, b, CpuField.pc) !== Pc.idle ||
          cpuWord(layout, s, b, CpuField.loadedVm) !== vm
        )
          continue;
        if (cpuWord(layout, s, a, CpuField.loadedIdx) !== cpuWord(layout, s, b, CpuField.loadedIdx))
          return false;
      }
    }
    return true;
  },
  SameVMIDPerTask(layout, s) {
    for (let cpu = 0; cpu < layout.cpus; cpu++) {
      const vm = cpuWord(layout, s, cpu, CpuField.loadedVm);
      if (vm === 0 || cpuWord(layout, s, cpu, CpuField.pc) !== Pc.idle) continue;
      if (s[layout.vmId + vm - 1] % layout.idCount !== cpuWord(layout, s, cpu, CpuField.loadedIdx))
        return false;
    }
    return true;
  },
  LoadedVMIDPerTask(layout, s) {
    for (let cpu = 0; cpu < layout.cpus; cpu++) {
      const vm = cpuWord(layout, s, cpu, CpuField.loadedVm);
      if (vm === 0) continue;
      if (s[layout.vmId + vm - 1] % layout.idCount !== cpuWord(layout, s, cpu, CpuField.loadedIdx))
        return false;
    }
    return true;
  },
  UniqueCurrentIds(layout, s) {
    const current = s[GENERATION];
    for (let a = 0; a < layout.vms; a++) {
      const id = s[layout.vmId + a];
      if (id === 0 || Math.floor(id / layout.idCount) !== current) continue;
      for (let b = a + 1; b < layout.vms; b++) if (s[layout.vmId + b] === id) return false;
    }
    return true;
  },
  CurrentIdsInMap(layout, s) {
    if (s[LOCK] !== 0) return true;
    const n = layout.idCount;
    for (let vm = 0; vm < layout.vms; vm++) {
      const id = s[layout.vmId + vm];
      if (id !== 0 && Math.floor(id / n) === s[GENERATION] && (s[BITMAP] & (1 << (id % n))) === 0)
        return false;
    }
    if (s[GENERATION] > 1 || s[BITMAP] !== 0) {
      for (let i = 1; i <= s[CUR_IDX]; i++) if ((s[BITMAP] & (1 << i)) === 0) return false;
    }
    return true;
  },
  ActiveIsValid(layout, s) {
    if (s[LOCK] !== 0) return true;
    for (let cpu = 0; cpu < layout.cpus; cpu++) {
      const v = s[layout.active + cpu];
      if (v !== 0 && v !== layout.idCount && Math.floor(v / layout.idCount) !== s[GENERATION])
        return false;
    }
    return true;
  },
  NoIdxZero(layout, s) {
    for (let vm = 0; vm < layout.vms; vm++) {
      const id = s[layout.vmId + vm];
      if (id !== 0 && id % layout.idCount === 0) return false;
    }
    return true;
  },
};
