import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CHECK_DEFAULTS, type CheckOptions } from "../../../src/check/CheckOptions.js";
import type { Counterexample } from "../../../src/check/CheckResult.js";
import { explore } from "../../../src/check/explore.js";
import { exploreParallel } from "../../../src/check/exploreParallel.js";
import { INVARIANT_NAMES, violatedInvariant } from "../../../src/check/invariants.js";
import { initialState } from "../../../src/check/ModelLayout.js";
import { successors } from "../../../src/check/stepModel.js";
import { stepModelOf } from "../../../src/check/stepModelOf.js";
import { VmidInputError } from "../../../src/core/VmidInputError.js";
import { exploreOnce } from "./_support/exploreOnce.js";

/*
 * The parallel search (exploreParallel) against the sequential one (explore), its oracle:
 * splitting the states over worker threads by hash must not change what is found. For each
 * configuration, with 2 and 3 jobs: the same verdict, the same distinct states, transitions
 * and depth (a breadth-first level is a set of states, whoever stores it), and a
 * counterexample of the same length, which replays in the step model and ends in a state
 * violating the invariant it names. The configurations cover every mutant, both flush
 * policies, speculation, puts on and off, bounded and unbounded generations, and the
 * maxStates stop; each is small (at most a few hundred thousand states).
 */

function options(overrides: Partial<CheckOptions>): CheckOptions {
  return { ...CHECK_DEFAULTS, ...overrides };
}

const CASES: readonly { readonly name: string; readonly config: CheckOptions }[] = [
  { name: "defaults (holds)", config: options({}) },
  { name: "every invariant, 3 VMs (holds)", config: options({ invariants: INVARIANT_NAMES }) },
  { name: "deferred flush, no puts", config: options({ flush: "deferred", puts: false }) },
  {
    name: "1 CPU, 4 VMs, every generation, speculation, deferred",
    config: options({ cpus: 1, vms: 4, speculation: true, flush: "deferred" }),
  },
  {
    name: "4 VMs, generations 1 (bounded)",
    config: options({ vms: 4, generations: 1 }),
  },
  {
    name: "LoadedVMIDPerTask, 4 VMs (violated)",
    config: options({ vms: 4, invariants: ["LoadedVMIDPerTask"] }),
  },
  {
    name: "no-flush, 1 CPU, generations 2",
    config: options({ cpus: 1, vms: 4, generations: 2, puts: false, mutant: "no-flush" }),
  },
  {
    name: "no-flush, UniqueVMIDPerCPU, every generation",
    config: options({ vms: 4, mutant: "no-flush", invariants: ["UniqueVMIDPerCPU"] }),
  },
  {
    name: "xchg-fastpath, generations 2, no puts",
    config: options({ vms: 4, generations: 2, puts: false, mutant: "xchg-fastpath" }),
  },
  {
    name: "no-suspended-animation, no puts, every generation",
    config: options({ vms: 4, puts: false, mutant: "no-suspended-animation" }),
  },
  {
    name: "early-exit-reserved, generations 2, no puts",
    config: options({ vms: 4, generations: 2, puts: false, mutant: "early-exit-reserved" }),
  },
  {
    name: "clear-to-zero, generations 2",
    config: options({ vms: 4, generations: 2, mutant: "clear-to-zero" }),
  },
  {
    name: "no-put-flush, deferred, generations 2",
    config: options({ vms: 4, generations: 2, flush: "deferred", mutant: "no-put-flush" }),
  },
  {
    name: "no-flush, 1 CPU, speculation, UniqueVMIDPerCPU",
    config: options({
      cpus: 1,
      vms: 4,
      speculation: true,
      mutant: "no-flush",
      invariants: ["UniqueVMIDPerCPU"],
    }),
  },
  {
    name: "no-put-flush, deferred, speculation, generations 2, UniqueVMIDPerCPU",
    config: options({
      vms: 4,
      generations: 2,
      flush: "deferred",
      speculation: true,
      mutant: "no-put-flush",
      invariants: ["UniqueVMIDPerCPU"],
    }),
  },
];

/** The sequential search's result, each configuration explored once. */
const oracle = exploreOnce;

/**
 * Replays `counterexample` in the step model `config` explores: each step's state must be a
 * successor of the previous one reached by that step's CPU; returns the last state.
 */
function replay(config: CheckOptions, counterexample: Counterexample): Int32Array {
  const model = stepModelOf(config);
  let current = initialState(model.layout);
  assert.deepEqual(counterexample.initial, current);
  for (const [i, step] of counterexample.steps.entries()) {
    let found = false;
    successors(model, current, (next, cpu) => {
      if (cpu === step.cpu && next.every((word, w) => word === step.state[w])) found = true;
    });
    assert.ok(found, `step ${i + 1} (cpu ${step.cpu} ${step.action}) is a step of the model`);
    current = step.state;
  }
  return current;
}

describe("exploreParallel: the sequential search's results on worker threads", () => {
  for (const { name, config } of CASES) {
    for (const jobs of [2, 3]) {
      test(`${name}, ${jobs} jobs`, async () => {
        const expected = oracle(config);
        const result = await exploreParallel(config, jobs);
        assert.equal(result.verdict, expected.verdict);
        assert.equal(result.stats.states, expected.stats.states, "states");
        assert.equal(result.stats.transitions, expected.stats.transitions, "transitions");
        assert.equal(result.stats.depth, expected.stats.depth, "depth");
        assert.equal(result.stats.cutTransitions, expected.stats.cutTransitions, "cut");
        assert.equal(result.stats.maxGenerations, expected.stats.maxGenerations, "generations");
        assert.equal(result.stats.jobs, jobs);
        if (expected.verdict !== "violated" || result.verdict !== "violated") return;
        const { counterexample } = result;
        assert.equal(counterexample.steps.length, expected.counterexample.steps.length);
        assert.equal(counterexample.steps.length, result.stats.depth, "one step per level");
        const last = replay(config, counterexample);
        const layout = stepModelOf(config).layout;
        assert.equal(
          violatedInvariant(layout, last, [counterexample.invariant]),
          counterexample.invariant,
          "the last state violates the invariant named",
        );
      });
    }
  }

  test("the sequential counterexamples replay too (the same check of the oracle)", () => {
    for (const { config } of CASES) {
      const expected = oracle(config);
      if (expected.verdict !== "violated") continue;
      const last = replay(config, expected.counterexample);
      const layout = stepModelOf(config).layout;
      assert.equal(
        violatedInvariant(layout, last, [expected.counterexample.invariant]),
        expected.counterexample.invariant,
      );
    }
  });

  test("every verdict occurs among the cases", () => {
    const verdicts = new Set(CASES.map(({ config }) => oracle(config).verdict));
    assert.deepEqual([...verdicts].sort(), ["bounded", "holds", "violated"]);
  });

  test("maxStates counts every worker's states: inconclusive, with at least that many", async () => {
    // The violation of xchg-fastpath lies beyond 1,000 states (its case above is violated
    // with more), so both searches stop at the bound first.
    const config = options({
      vms: 4,
      generations: 2,
      puts: false,
      mutant: "xchg-fastpath",
      maxStates: 1000,
    });
    assert.equal(explore(config).verdict, "inconclusive");
    for (const jobs of [2, 3]) {
      const result = await exploreParallel(config, jobs);
      assert.equal(result.verdict, "inconclusive");
      assert.ok(result.stats.states >= 1000, `${result.stats.states}`);
    }
  });

  test("two runs give the same result: counterexample and counts", async () => {
    const config = options({ vms: 4, mutant: "no-flush", invariants: ["UniqueVMIDPerCPU"] });
    const [first, second] = [await exploreParallel(config, 3), await exploreParallel(config, 3)];
    const { elapsedMs: _a, statesPerSecond: _b, peakMemoryMiB: _c, ...firstCounts } = first.stats;
    const { elapsedMs: _d, statesPerSecond: _e, peakMemoryMiB: _f, ...secondCounts } = second.stats;
    assert.deepEqual(firstCounts, secondCounts);
    assert.equal(first.verdict, "violated");
    if (first.verdict !== "violated" || second.verdict !== "violated") return;
    assert.deepEqual(first.counterexample, second.counterexample);
  });

  test("jobs out of range: an input error", async () => {
    for (const jobs of [0, 65, 1.5])
      await assert.rejects(exploreParallel(options({}), jobs), VmidInputError);
  });
});
