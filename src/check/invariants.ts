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
import { Pc, pinnedVms } from "./stepModel.js";

/**
 * The invariants the checker can check, by name: the three of the kernel developers' TLA+
 * models, the derived ones 1-7 and mainline's reason for VMID_ACTIVE_INVALID, all stated in
 * docs/allocator.md#invariants. Every one is a predicate on a single state: those the docs
 * state over time (4, 5, 7) are stated on what the state keeps of that history (reservations,
 * TLBs, an update's locals), as each one's comment below explains.
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
  ReservedIdsKept:
    "(4) every reservation with a non-zero idx is some VM's id, and no other VM holds a current-generation id with that idx: a VM active at a rollover keeps its idx",
  ReusedIdxFlushed:
    "(5) no TLB holds an entry of VM y under idx i while another VM holds a current-generation id with idx i: an idx reaches a new owner only after a flush",
  NoIdxZero: "(6) no VM holds an id with idx 0",
  UpdatePublishes:
    "(7) a CPU whose update returned runs an id it published: active[c] is that id, of the current generation (or of the previous one while a rollover has yet to exchange c's slot), or 0 with c's reservation holding its idx; and the VM still holds that idx",
  PutDropsReservation:
    "an idle CPU with no guest loaded whose active slot is 0 (a rollover passed since its put) reserves idx 0: after a put, the next rollover drops the CPU's reservation (mainline's VMID_ACTIVE_INVALID)",
  PinnedIdxKept:
    "pinned ids: the pinned VMs' idx are distinct and are exactly the pinned map, so a pinned VM's idx never changes while it is pinned",
  PinnedIdxExclusive:
    "pinned ids: no VM but the pinned one holds a current-generation id with a pinned idx, and no CPU outside update runs another VM under it",
  PinnedWithinLimit: "pinned ids: at most maxPinned = N - cpus - 2 VMs are pinned",
} as const;

export type InvariantName = keyof typeof INVARIANTS;
export const INVARIANT_NAMES = Object.keys(INVARIANTS) as InvariantName[];
/** The invariants about pinned ids (`vmid check --pins` checks them by default). */
export const PIN_INVARIANTS: readonly InvariantName[] = [
  "PinnedIdxKept",
  "PinnedIdxExclusive",
  "PinnedWithinLimit",
];

/** Returns the name of the first listed invariant `state` violates, or undefined. */
export function violatedInvariant(
  layout: ModelLayout,
  state: Int32Array,
  invariants: readonly InvariantName[],
): InvariantName | undefined {
  for (const name of invariants) if (!HOLDS[name](layout, state)) return name;
  return undefined;
}

/**
 * {@link violatedInvariant} for a fixed list of invariants, their predicates selected once:
 * the checker calls it for every state, and looking each predicate up by name per state was
 * a measurable share of its time.
 */
export function invariantChecker(
  invariants: readonly InvariantName[],
): (layout: ModelLayout, state: Int32Array) => InvariantName | undefined {
  const names = [...invariants];
  const predicates = names.map((name) => HOLDS[name]);
  return (layout, state) => {
    for (let i = 0; i < predicates.length; i++) if (!predicates[i](layout, state)) return names[i];
    return undefined;
  };
}

type Predicate = (layout: ModelLayout, s: Int32Array) => boolean;

/*
 * What the predicates read of ids, which renaming generations (renameGenerations) must keep:
 * whole-id equality, the idx (`id % N`, 0 for 0 and for INVALID = -N), whether an id is of
 * the current generation, whether it is of the previous one (UpdatePublishes), and whether a
 * rollover has happened at all (CurrentIdsInMap: generation index > 1). Nothing else: no
 * predicate orders generations or reads their numbers.
 */

const cpuWord = (layout: ModelLayout, s: Int32Array, cpu: number, field: number) =>
  s[layout.cpuBase + cpu * CPU_FIELDS + field];

const HOLDS: Record<InvariantName, Predicate> = {
  UniqueVMIDPerCPU(layout, s) {
    // The TLB word holds one block of N bits per VM (bit idx of block vm - 1: entry (vm, idx));
    // two VMs share an idx when their blocks share a bit.
    const n = layout.idCount;
    const block = (1 << n) - 1;
    for (let cpu = 0; cpu < layout.cpus; cpu++) {
      const tlb = cpuWord(layout, s, cpu, CpuField.tlb);
      let seen = 0;
      for (let vm = 0; vm < layout.vms; vm++) {
        const entries = (tlb >>> (vm * n)) & block;
        if ((seen & entries) !== 0) return false;
        seen |= entries;
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
      if (idxOf(layout, s[layout.vmId + vm - 1]) !== cpuWord(layout, s, cpu, CpuField.loadedIdx))
        return false;
    }
    return true;
  },
  LoadedVMIDPerTask(layout, s) {
    for (let cpu = 0; cpu < layout.cpus; cpu++) {
      const vm = cpuWord(layout, s, cpu, CpuField.loadedVm);
      if (vm === 0) continue;
      if (idxOf(layout, s[layout.vmId + vm - 1]) !== cpuWord(layout, s, cpu, CpuField.loadedIdx))
        return false;
    }
    return true;
  },
  UniqueCurrentIds(layout, s) {
    const current = s[GENERATION];
    for (let a = 0; a < layout.vms; a++) {
      const id = s[layout.vmId + a];
      if (id === 0 || generationOf(layout, id) !== current) continue;
      for (let b = a + 1; b < layout.vms; b++) if (s[layout.vmId + b] === id) return false;
    }
    return true;
  },
  CurrentIdsInMap(layout, s) {
    if (s[LOCK] !== 0) return true;
    for (let vm = 0; vm < layout.vms; vm++) {
      const id = s[layout.vmId + vm];
      if (
        id !== 0 &&
        generationOf(layout, id) === s[GENERATION] &&
        (s[BITMAP] & (1 << idxOf(layout, id))) === 0
      )
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
      if (v !== 0 && v !== layout.invalid && generationOf(layout, v) !== s[GENERATION])
        return false;
    }
    return true;
  },
  /*
   * (4) "A VM active on any CPU at a rollover keeps its idx in the next generation." The
   * rollover records that VM's id in the CPU's reservation; the VM's id changes only in
   * new_vmid, which rewrites every copy of the old id in the reservations (no early exit), so
   * each reservation names a VM id, old or renewed, until a later rollover replaces it. The
   * rollover also set the reservation's bit, so no other VM can take its idx in the new
   * generation.
   */
  ReservedIdsKept(layout, s) {
    const current = s[GENERATION];
    for (let cpu = 0; cpu < layout.cpus; cpu++) {
      const reservation = s[layout.reserved + cpu];
      if (idxOf(layout, reservation) === 0) continue; // 0 (none) or INVALID: reserves idx 0, nothing
      let owner = -1;
      for (let vm = 0; vm < layout.vms; vm++) if (s[layout.vmId + vm] === reservation) owner = vm;
      if (owner < 0) return false;
      for (let vm = 0; vm < layout.vms; vm++) {
        const id = s[layout.vmId + vm];
        if (
          vm !== owner &&
          generationOf(layout, id) === current &&
          idxOf(layout, id) === idxOf(layout, reservation)
        )
          return false;
      }
    }
    return true;
  },
  /*
   * (5) "An idx goes to a different VM than its previous owner only in a generation that
   * began with a flush." What the flush is for, stated on the hardware model: when another VM
   * holds idx i in the current generation, no TLB still holds entries of an earlier owner of
   * i. Under the deferred flush policy a CPU still marked for its flush keeps its old TLB by
   * design (it flushes before it runs a guest again), so marked CPUs are left out; under
   * broadcast no CPU is ever marked. Needs the TLBs tracked (explore does when this
   * invariant is checked).
   */
  ReusedIdxFlushed(layout, s) {
    const n = layout.idCount;
    const current = s[GENERATION];
    // Bit (vm - 1) x N + 0 for every VM: shifted left by idx, every VM's entry under idx.
    let column = 0;
    for (let vm = 0; vm < layout.vms; vm++) column |= 1 << (vm * n);
    for (let vm = 0; vm < layout.vms; vm++) {
      const id = s[layout.vmId + vm];
      if (id === 0 || generationOf(layout, id) !== current) continue;
      const idx = idxOf(layout, id);
      // The other VMs' entries under idx.
      const others = (column << idx) & ~tlbBit(layout, vm + 1, idx);
      for (let cpu = 0; cpu < layout.cpus; cpu++) {
        if (s[FLUSH_PENDING] & (1 << cpu)) continue;
        if ((cpuWord(layout, s, cpu, CpuField.tlb) & others) !== 0) return false;
      }
    }
    return true;
  },
  NoIdxZero(layout, s) {
    for (let vm = 0; vm < layout.vms; vm++) {
      const id = s[layout.vmId + vm];
      if (id !== 0 && idxOf(layout, id) === 0) return false;
    }
    return true;
  },
  /*
   * (7) "After update(vm) on c returns, active[c] == vm.id and it is of the current
   * generation", for concurrent CPUs: the state after update returned is pc enterGuest, with
   * the published id e in the update's vmid local. Only c stores non-zero values in its slot
   * and a rollover stores 0, so active[c] is e or 0. e may be of the previous generation
   * while a rollover that bumped the generation has not yet exchanged c's slot (the fast
   * path's compare-exchange won the race: the exchange will reserve e). Once exchanged, the
   * slot is 0 and c's reservation keeps e's idx (renewed, if the VM was renewed elsewhere).
   */
  UpdatePublishes(layout, s) {
    for (let cpu = 0; cpu < layout.cpus; cpu++) {
      if (cpuWord(layout, s, cpu, CpuField.pc) !== Pc.enterGuest) continue;
      const published = cpuWord(layout, s, cpu, CpuField.vmid);
      const vm = cpuWord(layout, s, cpu, CpuField.vm);
      if (idxOf(layout, s[layout.vmId + vm - 1]) !== idxOf(layout, published)) return false;
      const active = s[layout.active + cpu];
      if (active === 0) {
        if (idxOf(layout, s[layout.reserved + cpu]) !== idxOf(layout, published)) return false;
      } else if (active !== published) return false;
      else if (generationOf(layout, published) !== s[GENERATION]) {
        if (
          generationOf(layout, published) !== s[GENERATION] - 1 ||
          !rolloverBefore(layout, s, cpu)
        )
          return false;
      }
    }
    return true;
  },
  /*
   * Mainline's reason for VMID_ACTIVE_INVALID: a put stores INVALID (non-zero), so the next
   * rollover reserves idx 0 for the CPU instead of keeping its older reservation. An idle CPU
   * with no guest loaded either never ran (active and reserved 0) or was put; its slot is 0
   * only once a rollover exchanged it after the put, which reserved INVALID. Needs the loaded
   * guest tracked (explore does when this invariant is checked).
   */
  PutDropsReservation(layout, s) {
    for (let cpu = 0; cpu < layout.cpus; cpu++) {
      if (
        cpuWord(layout, s, cpu, CpuField.pc) === Pc.idle &&
        cpuWord(layout, s, cpu, CpuField.loadedVm) === 0 &&
        s[layout.active + cpu] === 0 &&
        idxOf(layout, s[layout.reserved + cpu]) !== 0
      )
        return false;
    }
    return true;
  },
  /*
   * "A pinned VM's idx never changes while it is pinned", on one state: a VM's pin count goes
   * from 0 to 1 only together with setting its idx in the pinned map (pinLock, pinPublish),
   * and the bit is cleared only when the count goes back to 0 (unpin). So if a pinned VM's
   * idx changed from i to j, the first state after the change breaks this predicate: either
   * j is not in the map, or it is there for another pinned VM and two pinned VMs share j
   * (or, under KPTI, j is odd: one of the pattern's idx, which no VM may hold).
   */
  PinnedIdxKept(layout, s) {
    let seen = 0;
    for (let vm = 0; vm < layout.vms; vm++) {
      if (s[layout.pinCount + vm] === 0) continue;
      const bit = 1 << idxOf(layout, s[layout.vmId + vm]);
      if ((seen & bit) !== 0) return false;
      seen |= bit;
    }
    // Under KPTI the map also holds the KPTI pattern's odd idx, which no VM holds.
    return (
      (seen & layout.initialPinnedMap) === 0 &&
      (seen | layout.initialPinnedMap) === s[layout.pinnedMap]
    );
  },
  /*
   * "No other VM ever holds a pinned idx in any generation": a VM's id can carry an idx of an
   * older generation (it is renewed when the VM next runs), so "holds" is of the current
   * generation; and a CPU outside an update whose loaded guest is another VM must not run it
   * under a pinned idx. CPUs in an update are left out: one may still have its previous guest
   * loaded under an idx a rollover has freed (the window of LoadedVMIDPerTask).
   */
  PinnedIdxExclusive(layout, s) {
    const current = s[GENERATION];
    for (let vm = 0; vm < layout.vms; vm++) {
      if (s[layout.pinCount + vm] === 0) continue;
      const idx = idxOf(layout, s[layout.vmId + vm]);
      for (let other = 0; other < layout.vms; other++) {
        const id = s[layout.vmId + other];
        if (
          other !== vm &&
          id !== 0 &&
          generationOf(layout, id) === current &&
          idxOf(layout, id) === idx
        )
          return false;
      }
      for (let cpu = 0; cpu < layout.cpus; cpu++) {
        const loaded = cpuWord(layout, s, cpu, CpuField.loadedVm);
        if (
          cpuWord(layout, s, cpu, CpuField.pc) === Pc.idle &&
          loaded !== 0 &&
          loaded !== vm + 1 &&
          cpuWord(layout, s, cpu, CpuField.loadedIdx) === idx
        )
          return false;
      }
    }
    return true;
  },
  PinnedWithinLimit(layout, s) {
    return pinnedVms(layout, s) <= layout.maxPinned;
  },
};

/** Whether some CPU's rollover is under way and has not yet exchanged `cpu`'s active slot. */
function rolloverBefore(layout: ModelLayout, s: Int32Array, cpu: number): boolean {
  for (let other = 0; other < layout.cpus; other++) {
    if (
      cpuWord(layout, s, other, CpuField.pc) === Pc.flushCpu &&
      cpuWord(layout, s, other, CpuField.aux) <= cpu
    )
      return true;
  }
  return false;
}
