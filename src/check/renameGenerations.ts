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
 *
 * Generation indices must be below 31 (a set of them is a 32-bit mask here; beyond, an
 * internal error): the checker's states stay far below, at most the renamed current one + 1
 * (V + 4C + 3 <= 27, see maxRenamedGeneration) or the bound + 1 (at most 9).
 */
export function renameGenerations(layout: ModelLayout, state: Int32Array, out: Int32Array): number {
  const renamer = new GenerationRenamer(layout);
  out.set(renamer.rename(state));
  return renamer.generations;
}

/**
 * {@link renameGenerations} for the checker's inner loop: keeps its output buffer, and returns
 * the state itself when it is already renamed (most states: a step rarely drops the last id of
 * a generation, and only a rollover adds one), so that nothing is copied then.
 */
export class GenerationRenamer {
  /** The distinct generations of the state last renamed, the current one included. */
  generations = 1;
  private readonly layout: ModelLayout;
  private readonly out: Int32Array;

  constructor(layout: ModelLayout) {
    this.layout = layout;
    this.out = new Int32Array(layout.length);
  }

  /** `state` renamed: `state` itself, or this renamer's buffer (valid until the next call). */
  rename(state: Int32Array): Int32Array {
    const { layout, out } = this;
    const current = state[GENERATION];
    if (current === 1) {
      this.generations = 1;
      return state;
    }
    if (current > 30) throw new Error(`internal error: generation index ${current} beyond 30`);
    const bits = layout.idBits;
    const idTo = layout.vmId + layout.vms; // active, reserved and the VM ids are contiguous
    // Bit g set: some id is of generation g. Ids are positive but for 0 and INVALID (-N),
    // which are not generations; generation indices stay below 31 (at most the bound + 1 or
    // the renamed current + 1, see maxRenamedGeneration).
    let held = 0;
    for (let field = layout.active; field < idTo; field++) {
      const id = state[field];
      if (id > 0) held |= 1 << (id >> bits);
    }
    for (let cpu = 0; cpu < layout.cpus; cpu++) {
      const base = layout.cpuBase + cpu * CPU_FIELDS;
      const vmid = state[base + CpuField.vmid];
      const old = state[base + CpuField.old];
      if (vmid > 0) held |= 1 << (vmid >> bits);
      if (old > 0) held |= 1 << (old >> bits);
    }
    const older = held & ((1 << (current - 1)) - 1);
    const k = bitCount(older);
    this.generations = k + ((held >>> (current - 1)) & 1 ? 2 : 1);
    // Already renamed when the older generations are 1..k and the current one is k + 2.
    if (current === k + 2 && older === ((1 << k) - 1) << 1) return state;
    out.set(state);
    out[GENERATION] = k + 2;
    for (let field = layout.active; field < idTo; field++)
      out[field] = renamed(state[field], bits, older, current, k);
    for (let cpu = 0; cpu < layout.cpus; cpu++) {
      const base = layout.cpuBase + cpu * CPU_FIELDS;
      out[base + CpuField.vmid] = renamed(state[base + CpuField.vmid], bits, older, current, k);
      out[base + CpuField.old] = renamed(state[base + CpuField.old], bits, older, current, k);
    }
    return out;
  }
}

/**
 * `id` with its generation renamed, given the older generations (the bit set `older`, k of
 * them): an older generation g becomes 1 + the number of older ones below it.
 */
function renamed(id: number, bits: number, older: number, current: number, k: number): number {
  if (id <= 0) return id; // 0 and INVALID
  const g = id >> bits;
  let to: number;
  if (g === current) to = k + 2;
  else if (g === current - 1) to = k + 1;
  else to = 1 + bitCount(older & ((1 << g) - 1));
  return id + ((to - g) << bits);
}

/** The number of bits set in the 32-bit `x`. */
function bitCount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}
