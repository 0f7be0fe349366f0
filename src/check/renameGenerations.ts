import { CPU_FIELDS, CpuField, GENERATION, type ModelLayout } from "./ModelLayout.js";

/**
 * The largest generation index of a renamed state: k older generations become 1..k, the
 * previous one k + 1 and the current one k + 2, and each older generation is held by some id
 * field (C active, C reserved, V VM ids, and per CPU the update's `vmid` and `old`), so
 * k <= V + 4C. Reachable states hold far fewer (the checker reports the most it saw).
 */
export function maxRenamedGeneration(layout: ModelLayout): number {
  return layout.vms + 4 * layout.cpus + 2;
}

// Scratch for the older generations of one state, sorted (at most V + 4C <= 24 of them).
const older = new Int32Array(32);

/**
 * Writes into `out` the state with its generations renamed to the smallest numbers that keep
 * everything the algorithm and the invariants read of them; returns how many distinct
 * generations the state holds (the current one included). `state` is left as it is.
 *
 * In the first generation (index 1) nothing changes. Otherwise the k distinct generations of
 * ids that are neither the current one nor the previous one become 1..k in their order, the
 * previous one (current - 1) becomes k + 1, whether some id holds it or not, and the current
 * one k + 2. `0` and INVALID are not generations and stay as they are; an id's idx stays.
 *
 * Why renamed states have the same futures and the same verdicts: the step model and the
 * invariants compare ids whole (equal ids stay equal and different ones different: the map
 * is one-to-one and keeps the idx), with 0 and INVALID (kept), test whether an id is of the
 * current generation (kept), whether it is of the previous one (kept: k + 1 is exactly the
 * new current - 1, and no other generation becomes k + 1 even when current - 1 is absent),
 * and whether a rollover has happened (index > 1: the renamed current index, k + 2, is at
 * least 2); their only arithmetic on generations is the rollover's `generation + 1`, which
 * exceeds every generation in the state before and after renaming. So a step taken from a
 * renamed state is the renaming of the step taken from the original, with the new current
 * generation mapped to the renamed current + 1. Keeping the order of the older generations
 * is not needed for that, only for making the choice of names unique.
 */
export function renameGenerations(layout: ModelLayout, state: Int32Array, out: Int32Array): number {
  out.set(state);
  const current = state[GENERATION];
  if (current === 1) return 1;
  const n = layout.idCount;
  const invalid = layout.invalid;
  const idTo = layout.vmId + layout.vms; // active, reserved and the VM ids are contiguous
  olderCount = 0;
  previousHeld = false;
  for (let field = layout.active; field < idTo; field++) note(state[field], n, invalid, current);
  for (let cpu = 0; cpu < layout.cpus; cpu++) {
    const base = layout.cpuBase + cpu * CPU_FIELDS;
    note(state[base + CpuField.vmid], n, invalid, current);
    note(state[base + CpuField.old], n, invalid, current);
  }
  const k = olderCount;
  out[GENERATION] = k + 2;
  // Already renamed when the older generations are 1..k and the current one is k + 2.
  if (current !== k + 2 || (k > 0 && older[k - 1] !== k)) {
    for (let field = layout.active; field < idTo; field++)
      out[field] = renamed(state[field], n, invalid, current, k);
    for (let cpu = 0; cpu < layout.cpus; cpu++) {
      const base = layout.cpuBase + cpu * CPU_FIELDS;
      out[base + CpuField.vmid] = renamed(state[base + CpuField.vmid], n, invalid, current, k);
      out[base + CpuField.old] = renamed(state[base + CpuField.old], n, invalid, current, k);
    }
  }
  return k + (previousHeld ? 2 : 1);
}

// What `note` found so far in the state being renamed.
let olderCount = 0;
let previousHeld = false;

/** Records the generation of `id` (older ones in `older`, kept ascending and distinct). */
function note(id: number, n: number, invalid: number, current: number): void {
  if (id === 0 || id === invalid) return;
  const g = (id / n) | 0;
  if (g === current) return;
  if (g === current - 1) {
    previousHeld = true;
    return;
  }
  let i = olderCount;
  while (i > 0 && older[i - 1] > g) i--;
  if (i > 0 && older[i - 1] === g) return;
  for (let j = olderCount; j > i; j--) older[j] = older[j - 1];
  older[i] = g;
  olderCount++;
}

/** `id` with its generation renamed, given the k older generations in `older`. */
function renamed(id: number, n: number, invalid: number, current: number, k: number): number {
  if (id === 0 || id === invalid) return id;
  const g = (id / n) | 0;
  let to: number;
  if (g === current) to = k + 2;
  else if (g === current - 1) to = k + 1;
  else {
    to = 1;
    while (older[to - 1] !== g) to++;
  }
  return id + (to - g) * n;
}
