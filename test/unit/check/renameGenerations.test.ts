import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { CanonicalKey } from "../../../src/check/CanonicalKey.js";
import { CHECK_DEFAULTS, type CheckOptions } from "../../../src/check/CheckOptions.js";
import { canonicalState } from "../../../src/check/canonicalState.js";
import { explore } from "../../../src/check/explore.js";
import { INVARIANT_NAMES, violatedInvariant } from "../../../src/check/invariants.js";
import {
  CPU_FIELDS,
  CpuField,
  GENERATION,
  initialState,
  type ModelLayout,
  modelLayout,
} from "../../../src/check/ModelLayout.js";
import { maxRenamedGeneration, renameGenerations } from "../../../src/check/renameGenerations.js";
import { StatePacker } from "../../../src/check/StatePacker.js";
import type { StepModel } from "../../../src/check/stepModel.js";
import { MUTANT_NAMES, type MutantName } from "../../../src/core/Mutant.js";
import { seeded } from "../../_support/seeded.js";
import { allSuccessors, relabelVms, trackingStepModel } from "./_support/modelDriver.js";

/*
 * Renaming generations (the checker's default, every generation) is exact: it neither loses
 * reachable states nor invents any, and no invariant can tell a state from its renaming.
 */

/**
 * Breadth-first search as explore does it: states stored under `key`, the stored (canonical)
 * state expanded, to `maxDepth`. Returns the stored states with their depths.
 */
function search(
  model: StepModel,
  key: CanonicalKey,
  maxDepth = Number.POSITIVE_INFINITY,
): { state: Int32Array; depth: number }[] {
  const { layout } = model;
  const seen = new Set<string>();
  const found: { state: Int32Array; depth: number }[] = [];
  const visit = (state: Int32Array, depth: number) => {
    const packed = key.of(state);
    const text = packed.join();
    if (seen.has(text)) return;
    seen.add(text);
    const stored = new Int32Array(layout.length);
    key.packer.unpack(packed, 0, stored);
    found.push({ state: stored, depth });
  };
  visit(initialState(layout), 0);
  for (let at = 0; at < found.length; at++) {
    const { state, depth } = found[at];
    if (depth >= maxDepth) continue;
    for (const { next } of allSuccessors(model, state)) visit(next, depth + 1);
  }
  return found;
}

/** The unbounded checker's key (renamed, relabelled) of each state, as text. */
function renamedKeys(layout: ModelLayout, states: readonly Int32Array[]): Set<string> {
  const key = new CanonicalKey(layout, undefined);
  return new Set(states.map((state) => key.of(state).join()));
}

describe("renaming generations: bounded searches, renamed afterwards, give the unbounded search's states", () => {
  // Bounds 1, 2, ... up to one past the first that covers the unbounded set (at most 8, the
  // largest the checker takes).
  // Exhaustive cross-check. Only one-CPU configurations are small enough for a test: with 2
  // CPUs the smallest one that rolls over (4 VMs, 2-bit ids, no puts) has 3.2 million
  // renamed states, and its bounded searches more (11 million at G = 5). One CPU still runs
  // the scheduler's choices, puts, the deferred flush's extra step, speculative fills and
  // mutants; with 4 or 5 VMs on 3 ids it rolls over again and again, so its states hold up
  // to 4 or 5 generations (older ones renamed). The 2-CPU case is checked to a depth below.
  const configs: readonly CheckOptions[] = [
    { ...CHECK_DEFAULTS, cpus: 1, vms: 4 },
    { ...CHECK_DEFAULTS, cpus: 1, vms: 4, flush: "deferred", speculation: true },
    { ...CHECK_DEFAULTS, cpus: 1, vms: 5, puts: false },
    // A mutant, with an invariant it keeps (explore stops at a violation) that tracks the
    // TLB and the loaded guests, as this file's step model does.
    {
      ...CHECK_DEFAULTS,
      cpus: 1,
      vms: 4,
      mutant: "clear-to-zero",
      invariants: ["UniqueVMIDPerCPU"],
    },
  ];
  for (const config of configs) {
    const name = `cpus 1, vms ${config.vms}${config.puts ? "" : ", no puts"}${config.flush === "deferred" ? ", deferred, speculation" : ""}${config.mutant ? `, mutant ${config.mutant}` : ""}`;
    test(`${name}: every bound's states lie in the unbounded set, and from some bound on cover it`, () => {
      const layout = modelLayout(config.cpus, config.vms, config.bits);
      const unbounded = search(
        trackingStepModel(config, Number.POSITIVE_INFINITY),
        new CanonicalKey(layout, undefined),
      );
      // The search above is explore's: same number of states.
      assert.equal(unbounded.length, explore(config).stats.states);
      const all = renamedKeys(
        layout,
        unbounded.map((s) => s.state),
      );
      assert.equal(all.size, unbounded.length, "stored states are renamed already");
      // Not vacuous: some stored state had generations renamed (3 or more generations in it).
      assert.ok(unbounded.some((s) => s.state[GENERATION] >= 3));

      let covered = 0;
      let fullAt: number | undefined;
      for (let generations = 1; generations <= 8; generations++) {
        // A bounded search without renaming (explore --generations G), renamed afterwards.
        const bounded = search(
          trackingStepModel(config, generations),
          new CanonicalKey(layout, generations),
        );
        assert.equal(bounded.length, explore({ ...config, generations }).stats.states);
        const images = renamedKeys(
          layout,
          bounded.map((s) => s.state),
        );
        for (const image of images)
          assert.ok(all.has(image), `G ${generations}: a state not in the unbounded set`);
        assert.ok(images.size >= covered, "a larger bound covers at least as much");
        covered = images.size;
        if (covered === all.size && fullAt === undefined) fullAt = generations;
        // One bound past the first full cover shows the cover stays (and no state appears
        // outside the unbounded set); larger bounds only take longer.
        if (fullAt !== undefined && generations > fullAt) break;
      }
      assert.ok(fullAt !== undefined, `bound 8 covers only ${covered} of ${all.size}`);
      // The cover is reached by a bound that lets a state hold more than one generation.
      assert.ok(fullAt >= 3, `covered already at G ${fullAt}`);
    });
  }

  test("cpus 2, vms 4, no puts, to depth 61: the same states at every depth, renamed during or after the search", () => {
    // Renaming maps each path to a path of the same length and back, so the states within
    // depth D are the same sets either way. How D was chosen: in this configuration the
    // first state that renaming changes (one holding an id two or more generations old
    // beside the current one, i.e. after at least two rollovers) was found 59 steps deep,
    // and the search to depth 61 takes a few seconds (TLBs and loaded guests not kept: no
    // invariant is checked here, and explore keeps them only for invariants that read them); the count of renamed states below
    // shows the comparison reaches them.
    const config: CheckOptions = { ...CHECK_DEFAULTS, vms: 4, puts: false };
    const untracked = (generations: number): StepModel => ({
      ...trackingStepModel(config, generations),
      trackTlb: false,
      trackLoaded: false,
    });
    const { layout } = untracked(0);
    const depth = 61;
    const renamedDuring = search(
      untracked(Number.POSITIVE_INFINITY),
      new CanonicalKey(layout, undefined),
      depth,
    );
    // Not renamed during the search: a bound no path of 62 steps reaches (each rollover
    // needs more than 8 steps), so nothing is cut.
    const renamedAfter = search(untracked(8), new CanonicalKey(layout, 8), depth);
    // Each renamed state with the depth of its shortest path: during the search, its BFS
    // depth; after, the least depth of the states that rename to it.
    const shortest = (found: { state: Int32Array; depth: number }[]) => {
      const key = new CanonicalKey(layout, undefined);
      const depths = new Map<string, number>();
      for (const { state, depth: d } of found) {
        const text = key.of(state).join();
        depths.set(text, Math.min(d, depths.get(text) ?? d));
      }
      return depths;
    };
    const during = shortest(renamedDuring);
    const after = shortest(renamedAfter);
    let renamedStates = 0;
    const out = new Int32Array(layout.length);
    for (const { state } of renamedAfter) {
      renameGenerations(layout, state, out);
      if (out.some((v, i) => v !== state[i])) renamedStates++;
    }
    assert.ok(renamedStates > 100, `only ${renamedStates} states were renamed`);
    assert.equal(during.size, renamedDuring.length, "stored states are renamed already");
    assert.equal(after.size, during.size);
    for (const [text, d] of during) assert.equal(after.get(text), d, `a state at depth ${d}`);
  });
});

describe("renaming generations: a state and its renaming are alike to the model and the invariants", () => {
  // Reachable states from random walks (2 CPUs, 4 VMs, 2-bit ids: rollovers happen on most
  // walks), under the correct algorithm and every mutant, with speculation so TLBs fill.
  const mutants: readonly (MutantName | undefined)[] = [
    undefined,
    ...MUTANT_NAMES.filter((m) => m !== "no-put-flush"),
  ];
  const configArbitrary = fc.record({
    mutant: fc.constantFrom(...mutants),
    flush: fc.constantFrom("broadcast" as const, "deferred" as const),
  });
  const choice = fc.noBias(fc.nat({ max: 1023 }));
  const walkArbitrary = fc
    .tuple(configArbitrary, fc.array(choice, { minLength: 100, maxLength: 400, size: "max" }))
    .map(([{ mutant, flush }, choices]) => {
      const model = trackingStepModel(
        { ...CHECK_DEFAULTS, vms: 4, speculation: true, mutant, flush },
        Number.POSITIVE_INFINITY,
      );
      let state = initialState(model.layout);
      for (const c of choices) {
        const next = allSuccessors(model, state);
        if (next.length === 0) break;
        state = next[c % next.length].next;
      }
      return { model, state };
    });
  /**
   * A renaming the model must not notice: the older generations (neither the current one nor
   * the previous one) go to distinct values drawn from `targets` (in any order), the previous
   * one to `base` and the current one to `base + 1`, with `base` above them all. Generation
   * indices stay below 31, as the renamer requires (at most 24 + 3 + 2 = 29 after a rollover):
   * 24 targets, as many as a state's older generations can be (V + 4C).
   */
  const renamingArbitrary = fc.record({
    targets: fc.shuffledSubarray(
      Array.from({ length: 24 }, (_, i) => i + 1),
      { minLength: 24, maxLength: 24 },
    ),
    gap: fc.integer({ min: 1, max: 3 }),
    keepOrder: fc.boolean(),
  });
  /** The word indices of the id fields: active, reserved, VM ids, each update's vmid and old. */
  function idFields(layout: ModelLayout): number[] {
    return [
      ...Array.from({ length: 2 * layout.cpus + layout.vms }, (_, i) => layout.active + i),
      ...Array.from({ length: layout.cpus }, (_, c) => [
        layout.cpuBase + c * CPU_FIELDS + CpuField.vmid,
        layout.cpuBase + c * CPU_FIELDS + CpuField.old,
      ]).flat(),
    ];
  }
  const isId = (layout: ModelLayout, v: number) => v !== 0 && v !== layout.invalid;

  /** The map of generations the drawn renaming gives for `state` (current index >= 2). */
  function generationMap(
    layout: ModelLayout,
    state: Int32Array,
    { targets, gap, keepOrder }: { targets: number[]; gap: number; keepOrder: boolean },
  ): Map<number, number> {
    const n = layout.idCount;
    const current = state[GENERATION];
    const older = [
      ...new Set(
        idFields(layout)
          .map((f) => state[f])
          .filter((v) => isId(layout, v))
          .map((v) => Math.floor(v / n))
          .filter((g) => g !== current && g !== current - 1),
      ),
    ].sort((a, b) => a - b);
    const chosen = targets.slice(0, older.length);
    if (keepOrder) chosen.sort((a, b) => a - b);
    const base = Math.max(0, ...chosen) + gap;
    const map = new Map<number, number>(older.map((g, i) => [g, chosen[i]]));
    map.set(current - 1, base);
    map.set(current, base + 1);
    // A rollover's new generation, current + 1, goes to the renamed current + 1.
    map.set(current + 1, base + 2);
    return map;
  }

  /** `state` with every id's generation and the current generation mapped by `map`. */
  function applyMap(layout: ModelLayout, state: Int32Array, map: Map<number, number>): Int32Array {
    const n = layout.idCount;
    const to = (g: number) => {
      const renamed = map.get(g);
      if (renamed === undefined) throw new Error(`generation ${g} not in the map`);
      return renamed;
    };
    const out = state.slice();
    out[GENERATION] = to(state[GENERATION]);
    for (const f of idFields(layout)) {
      const v = state[f];
      if (isId(layout, v)) out[f] = to(Math.floor(v / n)) * n + (v % n);
    }
    return out;
  }

  test("the same verdict for every invariant, and successors that are the renamed successors (seed 7331)", () => {
    let renamedOlder = 0;
    let disordered = 0;
    fc.assert(
      fc.property(walkArbitrary, renamingArbitrary, ({ model, state }, renaming) => {
        const { layout } = model;
        if (state[GENERATION] === 1) return; // the first generation is never renamed
        const map = generationMap(layout, state, renaming);
        const other = applyMap(layout, state, map);
        for (const invariant of INVARIANT_NAMES) {
          assert.equal(
            violatedInvariant(layout, other, [invariant]),
            violatedInvariant(layout, state, [invariant]),
            invariant,
          );
        }
        // A bisimulation, step by step: the successors of the renamed state are the renamed
        // successors, in the same order (same CPU, same action).
        const mine = allSuccessors(model, state);
        const theirs = allSuccessors(model, other);
        assert.equal(theirs.length, mine.length);
        for (const [i, t] of mine.entries()) {
          assert.equal(theirs[i].cpu, t.cpu);
          assert.equal(theirs[i].action, t.action);
          assert.deepEqual(theirs[i].next, applyMap(layout, t.next, map), `successor ${i}`);
        }
        // The canonical names do not depend on the names the state came with, when the
        // renaming keeps the order of the older generations.
        const key = new CanonicalKey(layout, undefined);
        if (renaming.keepOrder) assert.deepEqual(key.of(other), key.of(state));
        const out = new Int32Array(layout.length);
        if (renameGenerations(layout, state, out) > 2) {
          renamedOlder++;
          if (!renaming.keepOrder) disordered++;
        }
      }),
      seeded(7331, 400),
    );
    assert.ok(renamedOlder >= 100, `only ${renamedOlder} states held an older generation`);
    assert.ok(disordered >= 30, `only ${disordered} renamings changed the order`);
  });

  test("renaming is idempotent, keeps idx, 0 and INVALID, and stays within the packer's bound (seed 7332)", () => {
    fc.assert(
      fc.property(walkArbitrary, ({ model, state }) => {
        const { layout } = model;
        const once = new Int32Array(layout.length);
        const twice = new Int32Array(layout.length);
        const generations = renameGenerations(layout, state, once);
        assert.equal(renameGenerations(layout, once, twice), generations);
        assert.deepEqual(twice, once);
        assert.ok(once[GENERATION] <= maxRenamedGeneration(layout));
        assert.ok(generations <= layout.vms + layout.cpus + 2, `${generations} generations`);
        for (let i = 0; i < layout.length; i++) {
          const v = state[i];
          if (v === 0 || v === layout.invalid) assert.equal(once[i], v);
        }
        // What the algorithm and the invariants read of ids is kept: equality of any two, the
        // idx, being of the current or of the previous generation, the first generation.
        const n = layout.idCount;
        const fields = idFields(layout);
        const generationOf = (v: number) => (isId(layout, v) ? Math.floor(v / n) : undefined);
        assert.equal(once[GENERATION] === 1, state[GENERATION] === 1);
        for (const f of fields) {
          for (const g of fields) assert.equal(once[f] === once[g], state[f] === state[g]);
          if (!isId(layout, state[f])) continue;
          assert.equal(once[f] % n, state[f] % n);
          for (const back of [0, 1]) {
            assert.equal(
              generationOf(once[f]) === once[GENERATION] - back,
              generationOf(state[f]) === state[GENERATION] - back,
              `field ${f}: of the current generation - ${back}`,
            );
          }
        }
        for (const invariant of INVARIANT_NAMES) {
          assert.equal(
            violatedInvariant(layout, once, [invariant]),
            violatedInvariant(layout, state, [invariant]),
            invariant,
          );
        }
      }),
      seeded(7332, 300),
    );
  });
});

describe("canonicalState: ties (two VMs with one id) still give one canonical state", () => {
  test("every relabelling of a state with tied VMs has the same canonical state", () => {
    // No mutant reaches two VMs with one id (searched: every mutant, both flush policies,
    // 2 CPUs, 4 VMs, about 3 million states each), so the state is built: VMs 1 and 2 hold
    // id 5 (generation 1, idx 1) and run nowhere, so their signatures tie; cpu 0's TLB holds
    // (VM 1, 1), cpu 1's (VM 2, 1), so the two orders of the tie give different states.
    const layout = modelLayout(2, 4, 2);
    const n = layout.idCount;
    const state = initialState(layout);
    state[layout.vmId] = 5;
    state[layout.vmId + 1] = 5;
    state[layout.vmId + 2] = 6;
    state[layout.cpuBase + CpuField.tlb] = 1 << (0 * n + 1);
    state[layout.cpuBase + CPU_FIELDS + CpuField.tlb] = 1 << (1 * n + 1);
    const expected = canonicalState(layout, state).slice();
    const permutations = [
      [1, 2, 3, 4],
      [2, 1, 3, 4],
      [3, 1, 2, 4],
      [4, 3, 2, 1],
      [2, 4, 1, 3],
      [1, 3, 4, 2],
    ];
    const distinct = new Set<string>();
    for (const perm of permutations) {
      const relabelled = relabelVms(layout, state, perm);
      distinct.add(relabelled.join());
      assert.deepEqual(canonicalState(layout, relabelled).slice(), expected, perm.join());
    }
    assert.equal(distinct.size, permutations.length);
  });
});

describe("StatePacker", () => {
  test("round-trips the extreme values of every field, INVALID included", () => {
    const layout = modelLayout(2, 4, 2);
    const maxGeneration = maxRenamedGeneration(layout);
    const packer = new StatePacker(layout, maxGeneration);
    const n = layout.idCount;
    const top = maxGeneration * n + n - 1;
    for (const id of [0, layout.invalid, top]) {
      const state = initialState(layout);
      state[GENERATION] = maxGeneration;
      for (let f = layout.active; f < layout.vmId + layout.vms; f++) state[f] = id;
      for (let c = 0; c < layout.cpus; c++) {
        const base = layout.cpuBase + c * CPU_FIELDS;
        state[base + CpuField.vmid] = id;
        state[base + CpuField.old] = id;
        state[base + CpuField.tlb] = 2 ** (layout.vms * n) - 1;
      }
      const packed = new Uint32Array(packer.words);
      packer.pack(state, packed);
      const back = new Int32Array(layout.length);
      packer.unpack(packed, 0, back);
      assert.deepEqual(back, state, `id ${id}`);
    }
  });

  test("a value beyond its field's range throws instead of packing another state", () => {
    const layout = modelLayout(2, 4, 2);
    const packer = new StatePacker(layout, 3);
    const state = initialState(layout);
    // Generation index 3: ids up to 3 | 3 = 15, stored plus 4 in 5 bits (up to 31); 7 | 1 =
    // 29, stored as 33, needs a sixth bit. (Values between, 16 to 27, fit the bits: the guard
    // is on the field's width, which is all that can corrupt a state.)
    state[layout.vmId] = 29;
    assert.throws(() => packer.pack(state, new Uint32Array(packer.words)), /does not fit/);
  });
});
