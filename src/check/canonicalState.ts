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
  return canonicalStateInto(layout, state, new Int32Array(state.length));
}

// Scratch of canonicalStateInto (at most 8 VMs, validated by CheckOptions): no allocation per state.
const signature = new Float64Array(8);
const order = new Int32Array(8);
const label = new Int32Array(9);

/**
 * {@link canonicalState} without allocation: returns `state` itself when its labelling is
 * already canonical, else writes the relabelled state into `out` (same length) and returns it.
 */
export function canonicalStateInto(
  layout: ModelLayout,
  state: Int32Array,
  out: Int32Array,
): Int32Array {
  const { vms, cpus, idCount } = layout;
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
    signature[vm - 1] =
      id === 0 && firstCpu === cpus ? Number.MAX_SAFE_INTEGER : (id === 0 ? 0 : id) * 16 + firstCpu;
  }
  // Insertion sort of the VM indices by signature; stable, so ties keep the old order.
  let identity = true;
  for (let i = 0; i < vms; i++) {
    const key = signature[i];
    let j = i;
    while (j > 0 && signature[order[j - 1]] > key) {
      order[j] = order[j - 1];
      j--;
    }
    order[j] = i;
    if (j !== i) identity = false;
  }
  if (identity) return state;
  for (let newIndex = 0; newIndex < vms; newIndex++) label[order[newIndex] + 1] = newIndex + 1;
  label[0] = 0;
  out.set(state);
  for (let vm = 1; vm <= vms; vm++) out[layout.vmId + label[vm] - 1] = state[layout.vmId + vm - 1];
  const block = (1 << idCount) - 1;
  for (let cpu = 0; cpu < cpus; cpu++) {
    const base = layout.cpuBase + cpu * CPU_FIELDS;
    out[base + CpuField.vm] = label[state[base + CpuField.vm]];
    out[base + CpuField.loadedVm] = label[state[base + CpuField.loadedVm]];
    const tlb = state[base + CpuField.tlb];
    let moved = 0;
    for (let vm = 1; vm <= vms; vm++) {
      const entries = (tlb >>> ((vm - 1) * idCount)) & block;
      moved |= entries << ((label[vm] - 1) * idCount);
    }
    out[base + CpuField.tlb] = moved;
  }
  return out;
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
