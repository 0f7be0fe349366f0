import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import {
  CHECK_DEFAULTS,
  type CheckOptions,
  validateCheckOptions,
} from "../../../src/check/CheckOptions.js";
import type { CheckResult, Counterexample } from "../../../src/check/CheckResult.js";
import { canonicalState } from "../../../src/check/canonicalState.js";
import { explore } from "../../../src/check/explore.js";
import {
  INVARIANT_NAMES,
  type InvariantName,
  violatedInvariant,
} from "../../../src/check/invariants.js";
import { GENERATION, initialState, modelLayout } from "../../../src/check/ModelLayout.js";
import { Action, PC_NAMES, type StepModel } from "../../../src/check/stepModel.js";
import { VmidInputError } from "../../../src/core/VmidInputError.js";
import { seeded } from "../../_support/seeded.js";
import {
  allSuccessors,
  relabelVms,
  runPut,
  runUpdate,
  type Transition,
} from "./_support/modelDriver.js";

/*
 * Verdicts of the model checker, pinned with the reasoning that makes each one right. State
 * counts are the code's own output and are not pinned; depths are pinned only where the
 * reasoning beside them derives them.
 */

/** A configuration: the defaults of `vmid check` with some options changed. */
function options(overrides: Partial<CheckOptions> = {}): CheckOptions {
  return { ...CHECK_DEFAULTS, ...overrides };
}

/** Each configuration is explored once, however many tests read its result. */
const explored = new Map<string, CheckResult>();
function check(config: CheckOptions): CheckResult {
  const key = JSON.stringify(config);
  let result = explored.get(key);
  if (result === undefined) {
    result = explore(config);
    explored.set(key, result);
  }
  return result;
}

/**
 * The invariants the correct algorithm keeps. LoadedVMIDPerTask (the TLA+ model's
 * SameVMIDPerTask) is expected to fail for it once VMs outnumber the ids: see its test below.
 */
const KEPT: readonly InvariantName[] = INVARIANT_NAMES.filter(
  (name) => name !== "LoadedVMIDPerTask",
);

/** The step model `explore` runs for `config`, keeping the TLB and the loaded guests. */
function stepModelOf(config: CheckOptions): StepModel {
  return {
    layout: modelLayout(config.cpus, config.vms, config.bits),
    generations: config.generations,
    puts: config.puts,
    speculation: config.speculation,
    mutant: config.mutant,
    exitUnloads: config.exitUnloads,
    trackTlb: true,
    trackLoaded: true,
  };
}

/** How a counterexample step names a transition. */
function describeTransition(t: Transition): string {
  switch (t.action) {
    case Action.startUpdate:
      return `update VM ${t.detail}`;
    case Action.put:
      return "put";
    case Action.speculativeFill:
      return `speculative TLB fill for VM ${t.detail}`;
    default:
      return PC_NAMES[t.detail];
  }
}

/**
 * Replays a counterexample's schedule (who moved, how) on `model` from the initial state and
 * returns the states it goes through, the initial one first. Each step must be enabled, once.
 */
function replaySchedule(model: StepModel, counterexample: Counterexample): Int32Array[] {
  const states = [initialState(model.layout)];
  for (const [i, step] of counterexample.steps.entries()) {
    const current = states[states.length - 1];
    const matches = allSuccessors(model, current).filter(
      (t) => t.cpu === step.cpu && describeTransition(t) === step.action,
    );
    assert.equal(matches.length, 1, `step ${i + 1}: cpu ${step.cpu} ${step.action} enabled once`);
    states.push(matches[0].next);
  }
  return states;
}

/** The violation `result` must be, returned for further checks. */
function violation(result: CheckResult): Counterexample {
  assert.equal(result.verdict, "violated", `expected a violation, got ${result.verdict}`);
  if (result.verdict !== "violated") throw new Error("unreachable");
  return result.counterexample;
}

/**
 * The BFS depth of the first state violating one of `invariants`, found without the checker
 * (no symmetry, no packing: every concrete state, keyed by its words), or undefined when none
 * violates to `maxDepth`.
 */
function firstViolationDepth(
  model: StepModel,
  invariants: readonly InvariantName[],
  maxDepth: number,
): number | undefined {
  const start = initialState(model.layout);
  const seen = new Set([start.join()]);
  let frontier = [start];
  for (let depth = 0; depth <= maxDepth && frontier.length > 0; depth++) {
    for (const state of frontier) {
      if (violatedInvariant(model.layout, state, invariants) !== undefined) return depth;
    }
    const next: Int32Array[] = [];
    for (const state of frontier) {
      for (const { next: successor } of allSuccessors(model, state)) {
        const key = successor.join();
        if (!seen.has(key)) {
          seen.add(key);
          next.push(successor);
        }
      }
    }
    frontier = next;
  }
  return undefined;
}

describe("explore: the default configuration holds", () => {
  // cpus 2, vms 3, bits 2 (N = 4: ids 1..3 usable), generations 3, puts, no speculation, every
  // invariant. A VM's id changes only in new_vmid, which runs only for an id not of the current
  // generation, and the generation changes only at a rollover, which happens only when the
  // search from curIdx finds no clear bit. Ids are never freed, so each VM's first run takes a
  // fresh idx: bits 1..curIdx are set and fewer than 3 VMs hold one, so a clear bit lies above
  // curIdx. After that every id is current and stays so: no 4th VM ever asks, the bitmap
  // never runs out, no rollover happens, and no bound is hit.
  const defaults = options();

  test("verdict holds, with no transition cut by the generation bound", () => {
    const result = check(defaults);
    assert.equal(result.verdict, "holds");
    assert.equal(result.stats.cutTransitions, 0);
    assert.ok(result.stats.states > 0);
    assert.ok(result.stats.depth > 0);
    assert.ok(result.stats.transitions >= result.stats.states - 1, "every state was reached");
    assert.deepEqual(result.options, defaults);
  });

  test("still holds with generations 1: no reachable state even attempts a rollover", () => {
    // Had any interleaving reached a rollover, the bound 1 would cut it and say "bounded".
    const result = check(options({ generations: 1 }));
    assert.equal(result.verdict, "holds");
    assert.equal(result.stats.cutTransitions, 0);
    assert.equal(result.stats.states, check(defaults).stats.states, "same reachable states");
  });
});

describe("explore: LoadedVMIDPerTask fails for the correct algorithm, as TLC found", () => {
  // The TLA+ model's SameVMIDPerTask, "expected to fail" (reference notes): a CPU keeps its
  // last guest loaded (VTTBR) while it runs an update for another VM; meanwhile the other CPU
  // rolls over, the loaded VM's idx goes to another VM and the loaded VM is renewed with a
  // different idx. The CPU is not running that guest, which is why SameVMIDPerTask (CPUs
  // outside update only) keeps holding. 4 VMs: the smallest configuration that rolls over.
  const config = options({ vms: 4, invariants: ["LoadedVMIDPerTask"] });

  test("cpus 2, vms 4, bits 2, generations 3: violated", () => {
    const counterexample = violation(check(config));
    assert.equal(counterexample.invariant, "LoadedVMIDPerTask");
    // The violating CPU is inside an update, not running the guest it has loaded.
    const last = counterexample.steps[counterexample.steps.length - 1].state;
    const layout = modelLayout(config.cpus, config.vms, config.bits);
    assert.equal(violatedInvariant(layout, last, ["SameVMIDPerTask"]), undefined);
  });

  test("with exitUnloads (leaving a guest unloads it) the violation is gone at that depth", () => {
    const depth = violation(check(config)).steps.length;
    const result = check({ ...config, exitUnloads: true, maxStates: 150_000 });
    assert.notEqual(result.verdict, "violated");
    // Every state up to the old counterexample's depth was checked (and more: BFS expanded
    // states 2 levels deeper).
    assert.ok(result.stats.depth >= depth + 2, `explored only to depth ${result.stats.depth}`);
  });
});

/**
 * Mutants and the smallest quick configuration that exposes each, with the invariants the
 * correct algorithm keeps. 4 VMs on 2-bit ids is the smallest configuration that rolls over (3
 * usable ids); 2 CPUs is the most 2-bit ids allow (2^bits - 1 > cpus); puts are off where the
 * bug needs none (2.5 to 4 times fewer states).
 */
const MUTANT_CASES = [
  {
    // Without the broadcast flush, one CPU suffices: VMs 1, 2, 3 take idx 1, 2, 3 and leave
    // their entries in cpu 0's TLB; VM 4 finds the map full, rolls over (reserving idx 3, the
    // active VM 3's) and takes idx 1, and entering it puts (VM 4, 1) beside (VM 1, 1). Depth
    // 35: 7 steps for VM 1's run (start, readVmid, readActive, lock, newVmid, publish,
    // enterGuest), 8 for VM 2's and VM 3's (+ checkGeneration, active being non-zero), 12 for
    // VM 4's (+ bumpGeneration, flushCpu, flush, allocateAfterRollover). Nothing shorter: fewer
    // than 4 VMs never roll over, and the independent BFS below finds nothing before 35.
    mutant: "no-flush",
    config: options({ cpus: 1, vms: 4, generations: 2, puts: false, mutant: "no-flush" }),
    invariant: "UniqueVMIDPerCPU",
    depth: 35,
    sameSteps: true,
  },
  {
    // The unconditional exchange overwrites the 0 a concurrent rollover stored in the CPU's
    // active slot with the VM's old-generation id; once the rollover releases the lock, active
    // holds an id of the previous generation. One rollover suffices.
    mutant: "xchg-fastpath",
    config: options({ vms: 4, generations: 2, puts: false, mutant: "xchg-fastpath" }),
    invariant: "ActiveIsValid",
    depth: undefined,
    // Its fast path has other steps (exchange, no readActive): the correct algorithm cannot
    // follow its schedule; compared by a BFS instead (below).
    sameSteps: false,
  },
  {
    // Suspended animation lost. In the counterexample found: a CPU whose update returned but
    // has not entered its guest yet (active 0 after the first rollover) reserves 0 at the
    // second one, so its VM's idx goes
    // to another VM; the CPU then enters the stale idx and, updating to that other VM, gets
    // the same idx in its TLB for two VMs. Needs two rollovers: generations 3.
    mutant: "no-suspended-animation",
    config: options({ vms: 4, puts: false, mutant: "no-suspended-animation" }),
    invariant: "UniqueVMIDPerCPU",
    depth: undefined,
    sameSteps: true,
  },
] as const;

describe("explore: mutants give counterexamples in small configurations", () => {
  for (const { mutant, config: base, invariant, depth, sameSteps } of MUTANT_CASES) {
    const config = { ...base, invariants: KEPT };
    const name = `${mutant} (cpus ${config.cpus}, vms ${config.vms}, generations ${config.generations}, puts ${config.puts ? "on" : "off"})`;

    test(`${name}: violates ${invariant}`, () => {
      const counterexample = violation(check(config));
      assert.equal(counterexample.invariant, invariant);
      if (depth !== undefined) assert.equal(counterexample.steps.length, depth);
    });

    test(`${name}: the counterexample is shortest and replays step by step`, () => {
      const result = check(config);
      const counterexample = violation(result);
      const model = stepModelOf(config);
      const { layout } = model;
      // The path is a BFS parent chain, one step per level: as long as the violating state's
      // depth, which (BFS) no earlier-found violation undercuts.
      assert.equal(counterexample.steps.length, result.stats.depth);
      // The path starts from the initial state and each step is a transition of the model
      // from the previous state (same CPU, same action, same resulting state).
      assert.deepEqual(counterexample.initial, initialState(layout));
      const states = replaySchedule(model, counterexample);
      for (const [i, step] of counterexample.steps.entries()) {
        assert.deepEqual(states[i + 1], step.state, `step ${i + 1} (${step.action})`);
      }
      // The last state violates the named invariant, the first one listed that it violates;
      // no earlier state violates any checked invariant.
      const last = states[states.length - 1];
      assert.equal(violatedInvariant(layout, last, config.invariants), invariant);
      for (const [i, state] of states.slice(0, -1).entries()) {
        assert.equal(violatedInvariant(layout, state, config.invariants), undefined, `state ${i}`);
      }
    });

    if (sameSteps) {
      test(`${name}: the same schedule run by the correct algorithm violates nothing`, () => {
        // The bug, not the schedule, causes the violation. (This mutant changes what a step
        // does, not which steps a CPU takes, so the schedule replays unchanged.)
        const counterexample = violation(check(config));
        const model = stepModelOf({ ...config, mutant: undefined });
        for (const [i, state] of replaySchedule(model, counterexample).entries()) {
          const violated = violatedInvariant(model.layout, state, config.invariants);
          assert.equal(violated, undefined, `state ${i}`);
        }
      });
    }
  }

  test("no-flush: an independent BFS (no symmetry, no packing) finds the first violation at depth 35", () => {
    const [noFlush] = MUTANT_CASES;
    const model = stepModelOf(noFlush.config);
    assert.equal(firstViolationDepth(model, KEPT, 40), 35);
    // The correct algorithm: none, to beyond it.
    assert.equal(firstViolationDepth({ ...model, mutant: undefined }, KEPT, 60), undefined);
  });

  test("no-flush, xchg-fastpath: the correct algorithm has no violation to the counterexample's depth", () => {
    const [noFlush, xchg] = MUTANT_CASES;
    // One CPU, generations 2: explored completely below the bound.
    const correctNoFlush = check({ ...noFlush.config, invariants: KEPT, mutant: undefined });
    assert.equal(correctNoFlush.verdict, "bounded");
    // Two CPUs: a budget that takes the BFS 2 levels past the mutant's counterexample.
    const depth = violation(check({ ...xchg.config, invariants: KEPT })).steps.length;
    const correct = check({
      ...xchg.config,
      invariants: KEPT,
      mutant: undefined,
      maxStates: 60_000,
    });
    assert.notEqual(correct.verdict, "violated");
    assert.ok(correct.stats.depth >= depth + 2, `explored only to depth ${correct.stats.depth}`);
  });

  test("early-exit-reserved: a directed schedule shows the model and its invariants catch it", () => {
    // The BFS does not reach it within a test's budget (cpus 2, vms 4, generations 3, puts:
    // 15 million states reach depth 70, the path below is 80 steps deep). This replays one
    // sequential path to it. VMs a, b, x, y = 1, 2, 3, 4; x runs on both CPUs, so the first
    // rollover reserves x's id on both; x renews through cpu 0's copy and the early exit
    // leaves cpu 1's copy of the old generation; the second rollover (cpu 0 put, so it
    // reserves idx 0) re-reserves that stale copy, whose exact compare then misses x's id:
    // x gets a fresh idx while cpu 1 still runs it under the old one.
    const layout = modelLayout(2, 4, 2);
    const events: readonly (readonly [string, number, number])[] = [
      ["run", 0, 1],
      ["run", 0, 2],
      ["run", 0, 3],
      ["run", 1, 3],
      ["run", 0, 4],
      ["run", 0, 3],
      ["run", 0, 1],
      ["put", 0, 0],
      ["run", 0, 2],
      ["run", 0, 3],
    ];
    const replayEvents = (mutant: "early-exit-reserved" | undefined) => {
      const model = stepModelOf(options({ vms: 4, mutant }));
      let state = initialState(layout);
      for (const [kind, cpu, vm] of events) {
        assert.equal(violatedInvariant(layout, state, KEPT), undefined);
        state = kind === "put" ? runPut(model, state, cpu) : runUpdate(model, state, cpu, vm).state;
      }
      return state;
    };
    const last = replayEvents("early-exit-reserved");
    assert.equal(violatedInvariant(layout, last, KEPT), "SameVMIDActiveTask");
    assert.equal(violatedInvariant(layout, last, ["SameVMIDPerTask"]), "SameVMIDPerTask");
    assert.equal(violatedInvariant(layout, replayEvents(undefined), KEPT), undefined);
  });
});

describe("explore: bounds never say holds", () => {
  test("a small maxStates gives inconclusive", () => {
    const result = check(options({ maxStates: 1000 }));
    assert.equal(result.verdict, "inconclusive");
    assert.ok(result.stats.states >= 1000 && result.stats.states < 1100, `${result.stats.states}`);
  });

  test("a small maxStates before the violation gives inconclusive, not violated", () => {
    const xchg = MUTANT_CASES[1];
    const result = check({ ...xchg.config, invariants: KEPT, maxStates: 1000 });
    assert.equal(result.verdict, "inconclusive");
  });

  test("vms 4, generations 1: the first rollover is cut, bounded", () => {
    // 4 VMs on 3 usable ids: the 4th VM's first run rolls over, which generations 1 forbids.
    const result = check(options({ vms: 4, generations: 1 }));
    assert.equal(result.verdict, "bounded");
    assert.ok(result.stats.cutTransitions > 0);
  });

  test("vms 4 on 1 CPU at the largest bound, generations 8: still bounded", () => {
    // Running the 4 VMs in turn rolls over again and again: whatever the bound, some rollover
    // passes it, so a configuration that can roll over can never be "holds".
    const result = check(options({ cpus: 1, vms: 4, generations: 8 }));
    assert.equal(result.verdict, "bounded");
    assert.ok(result.stats.cutTransitions > 0);
  });
});

describe("validateCheckOptions", () => {
  const bad: readonly (readonly [string, Partial<CheckOptions>, RegExp])[] = [
    ["cpus 5", { cpus: 5 }, /cpus must be an integer from 1 to 4/],
    ["cpus 0", { cpus: 0 }, /cpus must be an integer from 1 to 4/],
    ["vms 9", { vms: 9 }, /vms must be an integer from 1 to 8/],
    ["bits 5", { bits: 5 }, /bits must be an integer from 1 to 4/],
    ["2^bits - 1 <= cpus (bits 2, cpus 3)", { bits: 2, cpus: 3 }, /need more VMIDs than CPUs/],
    ["2^bits - 1 <= cpus (bits 1, cpus 1)", { bits: 1, cpus: 1 }, /need more VMIDs than CPUs/],
    ["vms x 2^bits > 31 (vms 8, bits 2)", { vms: 8, bits: 2 }, /vms x 2\^bits must be at most 31/],
    ["vms x 2^bits > 31 (vms 2, bits 4)", { vms: 2, bits: 4 }, /vms x 2\^bits must be at most 31/],
    ["generations 0", { generations: 0 }, /generations must be an integer from 1 to 8/],
    ["generations 9", { generations: 9 }, /generations must be an integer from 1 to 8/],
    ["maxStates 0", { maxStates: 0 }, /max states must be a positive integer/],
    ["unknown mutant", { mutant: "no-lock" as CheckOptions["mutant"] }, /unknown mutant 'no-lock'/],
    [
      "unknown invariant",
      { invariants: ["NoSuchInvariant" as InvariantName] },
      /unknown invariant 'NoSuchInvariant'/,
    ],
  ];
  for (const [name, overrides, message] of bad) {
    test(`${name}: VmidInputError, from validateCheckOptions and from explore`, () => {
      assert.throws(
        () => validateCheckOptions(options(overrides)),
        (error: unknown) => {
          assert.ok(error instanceof VmidInputError);
          assert.match(error.message, message);
          return true;
        },
      );
      assert.throws(() => explore(options(overrides)), VmidInputError);
    });
  }

  test("the defaults and the largest configurations are accepted", () => {
    validateCheckOptions(options());
    validateCheckOptions(options({ cpus: 2, vms: 7, bits: 2, generations: 8 }));
    validateCheckOptions(options({ cpus: 4, vms: 3, bits: 3 }));
    validateCheckOptions(options({ cpus: 4, vms: 1, bits: 4 }));
  });
});

describe("canonicalState: VM symmetry", () => {
  // Reachable states of the correct algorithm, by random walks through the checker's step
  // model (4 VMs, so rollovers happen; speculation, so TLBs fill), and random relabellings of
  // their VMs. In the correct algorithm no two VMs ever hold the same id, so the canonical
  // order has no ties and is a true canonical form.
  const config = options({ vms: 4, speculation: true });
  const model = stepModelOf(config);
  const { layout } = model;
  // Unbiased choices (fast-check's bias toward small numbers would mostly start VM 1's update).
  const choice = fc.noBias(fc.nat({ max: 1023 }));
  const walk = fc.array(choice, { maxLength: 200, size: "max" }).map((choices) => {
    let state = initialState(layout);
    for (const choice of choices) {
      const next = allSuccessors(model, state);
      if (next.length === 0) break;
      state = next[choice % next.length].next;
    }
    return state;
  });
  const permutation = fc.shuffledSubarray([1, 2, 3, 4], { minLength: 4, maxLength: 4 });
  const canonicalKeys = (states: readonly Int32Array[]) =>
    states.map((s) => canonicalState(layout, s).join()).sort();

  test("relabelling the VMs of a reachable state gives the same canonical state (seed 7311)", () => {
    let rolledOver = 0;
    fc.assert(
      fc.property(walk, permutation, (state, perm) => {
        const relabelled = relabelVms(layout, state, perm);
        assert.deepEqual(canonicalState(layout, relabelled), canonicalState(layout, state));
        if (state[GENERATION] > 1) rolledOver++;
      }),
      seeded(7311, 1000),
    );
    assert.ok(rolledOver >= 300, `only ${rolledOver} walks rolled over`);
  });

  test("the canonical state of a canonical state is itself (seed 7312)", () => {
    fc.assert(
      fc.property(walk, (state) => {
        const canonical = canonicalState(layout, state);
        assert.deepEqual(canonicalState(layout, canonical), canonical);
        // A relabelling: the same VM ids, moved between VMs.
        assert.deepEqual(
          Array.from(canonical.subarray(layout.vmId, layout.vmId + layout.vms)).sort(),
          Array.from(state.subarray(layout.vmId, layout.vmId + layout.vms)).sort(),
        );
      }),
      seeded(7312, 1000),
    );
  });

  test("relabelled states have relabelled successors: the same canonical successors (seed 7313)", () => {
    // What makes exploring one state per relabelling sound: the model treats VMs alike.
    fc.assert(
      fc.property(walk, permutation, (state, perm) => {
        const relabelled = relabelVms(layout, state, perm);
        const successorsOf = (s: Int32Array) => allSuccessors(model, s).map((t) => t.next);
        assert.deepEqual(
          canonicalKeys(successorsOf(relabelled)),
          canonicalKeys(successorsOf(state)),
        );
        for (const invariant of INVARIANT_NAMES) {
          assert.equal(
            violatedInvariant(layout, relabelled, [invariant]),
            violatedInvariant(layout, state, [invariant]),
          );
        }
      }),
      seeded(7313, 500),
    );
  });
});
