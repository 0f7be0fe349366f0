import { CPU_FIELDS, CpuField, type ModelLayout } from "./ModelLayout.js";

// Scratch for one call (at most 8 VMs): no allocation per state.
const signature = new Int32Array(9);
const order = new Int32Array(9);
const label = new Int32Array(9);
/** Per VM, the lowest CPU whose update or loaded guest is that VM (cpus: none). */
const firstCpuOf = new Int32Array(9);
/** The signature of an unused VM: above every used one (ids and CPUs are small). */
const UNUSED = 0x7fffffff;

/**
 * Symmetry over VMs: all VMs start alike (id 0, never run, not pinned), so relabelling them
 * (ids, pin counts, CPUs' VMs and TLB entries) maps states to states with the same futures. The chosen labelling orders VMs by their signature (id,
 * then the lowest CPU whose update or loaded guest is that VM); unused VMs (id 0, on no CPU)
 * are identical, so their order is immaterial (an unused VM is not pinned: a pin gives the VM
 * an id before its count becomes 1, and the VM is on the pinning CPU until then). Two used VMs have the same signature only when
 * a bug gave them one id and they first appear on the same CPU; then the VMs of each such tie
 * are ordered so that the relabelled state is the smallest (word by word) of the candidates,
 * so the result is the same for every relabelling of `state`: a canonical form, ties
 * included. CPUs are not symmetric: the rollover visits them in order.
 *
 * Writes the result into `out` and returns it, or returns `state` itself when its labelling
 * is already the canonical one; `state` is left as it is.
 */
export function canonicalState(
  layout: ModelLayout,
  state: Int32Array,
  out: Int32Array = new Int32Array(state.length),
): Int32Array {
  const { vms, cpus } = layout;
  for (let vm = 1; vm <= vms; vm++) firstCpuOf[vm] = cpus;
  // CPUs from the highest down, so that the lowest one is left.
  for (let cpu = cpus - 1; cpu >= 0; cpu--) {
    const base = layout.cpuBase + cpu * CPU_FIELDS;
    firstCpuOf[state[base + CpuField.vm]] = cpu;
    firstCpuOf[state[base + CpuField.loadedVm]] = cpu;
  }
  // Most states come labelled canonically already (a step seldom changes the VMs' order):
  // signatures strictly ascending over the used VMs, unused ones last.
  let ordered = true;
  let previous = -1;
  for (let vm = 1; vm <= vms; vm++) {
    const firstCpu = firstCpuOf[vm];
    const id = state[layout.vmId + vm - 1];
    // Used VMs first (by id, then first CPU), unused ones (id 0, no CPU) last.
    const sign = id === 0 && firstCpu === cpus ? UNUSED : id * 16 + firstCpu;
    signature[vm] = sign;
    if (sign < previous || (sign === previous && sign !== UNUSED)) ordered = false;
    previous = sign;
  }
  if (ordered) return state;
  // Insertion sort of the VMs by signature (stable: ties keep their order for now).
  let tie = false;
  for (let i = 0; i < vms; i++) {
    const vm = i + 1;
    let j = i;
    while (j > 0 && signature[order[j - 1]] > signature[vm]) {
      order[j] = order[j - 1];
      j--;
    }
    order[j] = vm;
  }
  for (let i = 1; i < vms; i++) {
    const s = signature[order[i]];
    if (s !== UNUSED && s === signature[order[i - 1]]) tie = true;
  }
  if (tie) return smallestOverTies(layout, state, out);
  relabel(layout, state, order, out);
  return out;
}

/** Writes `state` relabelled so that VM order[i] becomes VM i + 1 (order[0..vms)). */
function relabel(layout: ModelLayout, state: Int32Array, by: Int32Array, out: Int32Array): void {
  const { vms, cpus, idCount } = layout;
  out.set(state);
  for (let i = 0; i < vms; i++) label[by[i]] = i + 1; // old VM -> new VM
  label[0] = 0;
  for (let vm = 1; vm <= vms; vm++) {
    out[layout.vmId + label[vm] - 1] = state[layout.vmId + vm - 1];
    out[layout.pinCount + label[vm] - 1] = state[layout.pinCount + vm - 1];
  }
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
}

/**
 * The sorted order (in `order`) has runs of used VMs with equal signatures: tries every
 * ordering within each run and writes the smallest relabelled state into `out`. Only bugs
 * reach this (two VMs with one id), so it may allocate.
 */
function smallestOverTies(layout: ModelLayout, state: Int32Array, out: Int32Array): Int32Array {
  const { vms } = layout;
  const base = Array.from(order.subarray(0, vms));
  const runs: [number, number][] = [];
  for (let i = 0; i < vms; ) {
    let j = i + 1;
    while (j < vms && signature[base[j]] === signature[base[i]]) j++;
    if (j - i > 1 && signature[base[i]] !== UNUSED) runs.push([i, j]);
    i = j;
  }
  const candidate = new Int32Array(state.length);
  const by = new Int32Array(vms);
  let best: Int32Array | undefined;
  const visit = (run: number, current: number[]): void => {
    if (run === runs.length) {
      by.set(current);
      relabel(layout, state, by, candidate);
      if (best === undefined || lexicographicallyBefore(candidate, best)) best = candidate.slice();
      return;
    }
    const [from, to] = runs[run];
    for (const permutation of permutations(current.slice(from, to))) {
      visit(run + 1, [...current.slice(0, from), ...permutation, ...current.slice(to)]);
    }
  };
  visit(0, base);
  if (best === undefined) throw new Error("internal error: no candidate labelling");
  out.set(best);
  return out;
}

function lexicographicallyBefore(a: Int32Array, b: Int32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}

function permutations(items: readonly number[]): number[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
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
