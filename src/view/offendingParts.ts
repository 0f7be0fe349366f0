import type { InvariantName } from "../check/invariants.js";
import {
  BITMAP,
  CPU_FIELDS,
  CpuField,
  CUR_IDX,
  FLUSH_PENDING,
  GENERATION,
  generationOf,
  idxOf,
  type ModelLayout,
  tlbBit,
} from "../check/ModelLayout.js";
import { Pc } from "../check/stepModel.js";
import type { Mark } from "./Mark.js";

/**
 * The parts of `state` that break `invariant`, to mark on the picture: for each invariant, the
 * values its predicate (src/check/invariants.ts) compares where the comparison fails, e.g. the
 * TLB entries of two VMs under one idx for UniqueVMIDPerCPU. Meant for a state that violates
 * the invariant; the marks explain, the checker decides (the page states the violation from
 * violatedInvariant, not from these marks).
 */
export function offendingParts(
  layout: ModelLayout,
  s: Int32Array,
  invariant: InvariantName,
): Mark[] {
  const n = layout.idCount;
  const marks: Mark[] = [];
  const word = (cpu: number, field: number) => s[layout.cpuBase + cpu * CPU_FIELDS + field];
  const vmIdOf = (vm: number) => s[layout.vmId + vm - 1];
  const current = (id: number) => id !== 0 && generationOf(layout, id) === s[GENERATION];
  const tlbHas = (cpu: number, vm: number, idx: number) =>
    (word(cpu, CpuField.tlb) & tlbBit(layout, vm, idx)) !== 0;
  const cpus = Array.from({ length: layout.cpus }, (_, c) => c);
  const vms = Array.from({ length: layout.vms }, (_, v) => v + 1);
  switch (invariant) {
    case "UniqueVMIDPerCPU":
      for (const cpu of cpus) {
        for (let idx = 0; idx < n; idx++) {
          const owners = vms.filter((vm) => tlbHas(cpu, vm, idx));
          if (owners.length > 1) for (const vm of owners) marks.push({ part: "tlb", cpu, vm, idx });
        }
      }
      break;
    case "SameVMIDActiveTask":
      for (const a of cpus) {
        for (const b of cpus) {
          const vm = word(a, CpuField.loadedVm);
          if (
            a < b &&
            vm !== 0 &&
            word(a, CpuField.pc) === Pc.idle &&
            word(b, CpuField.pc) === Pc.idle &&
            word(b, CpuField.loadedVm) === vm &&
            word(a, CpuField.loadedIdx) !== word(b, CpuField.loadedIdx)
          )
            marks.push({ part: "loaded", cpu: a }, { part: "loaded", cpu: b });
        }
      }
      break;
    case "SameVMIDPerTask":
    case "LoadedVMIDPerTask":
      for (const cpu of cpus) {
        const vm = word(cpu, CpuField.loadedVm);
        if (vm === 0) continue;
        if (invariant === "SameVMIDPerTask" && word(cpu, CpuField.pc) !== Pc.idle) continue;
        if (idxOf(layout, vmIdOf(vm)) !== word(cpu, CpuField.loadedIdx))
          marks.push({ part: "loaded", cpu }, { part: "vmId", vm });
      }
      break;
    case "UniqueCurrentIds":
      for (const a of vms) {
        if (current(vmIdOf(a)) && vms.some((b) => b !== a && vmIdOf(b) === vmIdOf(a)))
          marks.push({ part: "vmId", vm: a });
      }
      break;
    case "CurrentIdsInMap":
      for (const vm of vms) {
        const id = vmIdOf(vm);
        if (current(id) && (s[BITMAP] & (1 << idxOf(layout, id))) === 0)
          marks.push({ part: "vmId", vm }, { part: "bitmap", idx: idxOf(layout, id) });
      }
      for (let idx = 1; idx <= s[CUR_IDX]; idx++) {
        if ((s[BITMAP] & (1 << idx)) === 0) marks.push({ part: "bitmap", idx }, { part: "curIdx" });
      }
      break;
    case "ActiveIsValid":
      for (const cpu of cpus) {
        const v = s[layout.active + cpu];
        if (v !== 0 && v !== layout.invalid && !current(v)) marks.push({ part: "active", cpu });
      }
      break;
    case "ReservedIdsKept":
      for (const cpu of cpus) {
        const reservation = s[layout.reserved + cpu];
        if (idxOf(layout, reservation) === 0) continue;
        const owner = vms.find((vm) => vmIdOf(vm) === reservation);
        const rivals = vms.filter(
          (vm) =>
            vm !== owner &&
            current(vmIdOf(vm)) &&
            idxOf(layout, vmIdOf(vm)) === idxOf(layout, reservation),
        );
        if (owner === undefined || rivals.length > 0) {
          marks.push({ part: "reserved", cpu });
          for (const vm of rivals) marks.push({ part: "vmId", vm });
        }
      }
      break;
    case "ReusedIdxFlushed":
      for (const vm of vms) {
        const id = vmIdOf(vm);
        if (!current(id)) continue;
        for (const cpu of cpus) {
          if (s[FLUSH_PENDING] & (1 << cpu)) continue;
          for (const other of vms) {
            if (other !== vm && tlbHas(cpu, other, idxOf(layout, id)))
              marks.push(
                { part: "tlb", cpu, vm: other, idx: idxOf(layout, id) },
                { part: "vmId", vm },
              );
          }
        }
      }
      break;
    case "NoIdxZero":
      for (const vm of vms)
        if (vmIdOf(vm) !== 0 && idxOf(layout, vmIdOf(vm)) === 0) marks.push({ part: "vmId", vm });
      break;
    case "UpdatePublishes":
      // The CPUs whose update returned (pc enterGuest) with what they published (the local
      // vmid) not where the invariant wants it: the VM's id, active or the reservation.
      for (const cpu of cpus) {
        if (word(cpu, CpuField.pc) !== Pc.enterGuest) continue;
        const published = word(cpu, CpuField.vmid);
        const vm = word(cpu, CpuField.vm);
        const active = s[layout.active + cpu];
        const vmMoved = idxOf(layout, vmIdOf(vm)) !== idxOf(layout, published);
        const slotWrong =
          active === 0
            ? idxOf(layout, s[layout.reserved + cpu]) !== idxOf(layout, published)
            : active !== published || generationOf(layout, published) < s[GENERATION] - 1;
        if (!vmMoved && !slotWrong) continue;
        marks.push({ part: "update", cpu });
        if (vmMoved) marks.push({ part: "vmId", vm });
        if (slotWrong) marks.push({ part: active === 0 ? "reserved" : "active", cpu });
      }
      // A published id of the previous generation with no rollover left to exchange the slot:
      // the case the loop above lets through; mark every returned update.
      if (marks.length === 0) {
        for (const cpu of cpus)
          if (word(cpu, CpuField.pc) === Pc.enterGuest) marks.push({ part: "update", cpu });
      }
      break;
    case "PutDropsReservation":
      for (const cpu of cpus) {
        if (
          word(cpu, CpuField.pc) === Pc.idle &&
          word(cpu, CpuField.loadedVm) === 0 &&
          s[layout.active + cpu] === 0 &&
          idxOf(layout, s[layout.reserved + cpu]) !== 0
        )
          marks.push({ part: "active", cpu }, { part: "reserved", cpu });
      }
      break;
  }
  return marks;
}
