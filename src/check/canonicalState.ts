import { CPU_FIELDS, CpuField, type ModelLayout } from "./ModelLayout.js";

/**
 * Symmetry over VMs: all VMs start alike (id 0, never run), so relabelling them maps states
 * to states with the same futures. The canonical labelling orders VMs by (id, lowest CPU
 * whose update or guest is that VM); unused VMs are identical, so their order is immaterial.
 * Ids of different VMs differ unless a bug gave two VMs one id: then ties keep the old order,
 * which only weakens the reduction (two equivalent states may keep two keys), never its
 * soundness. CPUs are not symmetric: the rollover visits them in order.
 */
export function canonicalState(layout: ModelLayout, state: Int32Array): Int32Array {
  const { vms, cpus, idCount } = layout;
  const signature: number[] = [];
  for (let vm = 1; vm <= vms; vm++) {
    let firstCpu = cpus;
    for (let cpu = 0; cpu < cpus; cpu++) {
      const base = layout.cpuBase + cpu * CPU_FIELDS;
      if (state[base + CpuField.vm] === vm || state[base + CpuField.loadedVm] === vm) {
        firstCpu = cpu;
        break;
      }
    }
    const id = state[layout.vmId + vm - 1];
    // Used VMs first (by id, then first CPU), unused ones (id 0, no CPU) last.
    signature.push(
      id === 0 && firstCpu === cpus ? Number.MAX_SAFE_INTEGER : (id === 0 ? 0 : id) * 16 + firstCpu,
    );
  }
  const order = Array.from({ length: vms }, (_, i) => i).sort(
    (a, b) => signature[a] - signature[b] || a - b,
  );
  let identity = true;
  for (let i = 0; i < vms; i++) if (order[i] !== i) identity = false;
  if (identity) return state;
  const label = new Int32Array(vms + 1); // old VM -> new VM
  order.forEach((oldIndex, newIndex) => {
    label[oldIndex + 1] = newIndex + 1;
  });
  const next = state.slice();
  for (let vm = 1; vm <= vms; vm++) next[layout.vmId + label[vm] - 1] = state[layout.vmId + vm - 1];
  const block = (1 << idCount) - 1;
  for (let cpu = 0; cpu < cpus; cpu++) {
    const base = layout.cpuBase + cpu * CPU_FIELDS;
    next[base + CpuField.vm] = label[state[base + CpuField.vm]];
    next[base + CpuField.loadedVm] = label[state[base + CpuField.loadedVm]];
    const tlb = state[base + CpuField.tlb];
    let moved = 0;
    for (let vm = 1; vm <= vms; vm++) {
      const entries = (tlb >>> ((vm - 1) * idCount)) & block;
      moved |= entries << ((label[vm] - 1) * idCount);
    }
    next[base + CpuField.tlb] = moved;
  }
  return next;
}

/** A compact string key of a state (two UTF-16 units per word). */
export function stateKey(state: Int32Array): string {
  const units = new Uint16Array(state.buffer, state.byteOffset, state.length * 2);
  let key = "";
  for (let i = 0; i < units.length; i += 4096) {
    key += String.fromCharCode.apply(null, units.subarray(i, i + 4096) as unknown as number[]);
  }
  return key;
}

/** The state a key was made from. */
export function stateFromKey(key: string): Int32Array {
  const units = new Uint16Array(key.length);
  for (let i = 0; i < key.length; i++) units[i] = key.charCodeAt(i);
  return new Int32Array(units.buffer);
}
