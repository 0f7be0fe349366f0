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
import {
  CPU_FIELDS,
  CpuField,
  GENERATION,
  initialState,
  modelLayout,
} from "../../../src/check/ModelLayout.js";
import { Action, PC_NAMES, Pc, type StepModel } from "../../../src/check/stepModel.js";
import { VmidInputError } from "../../../src/core/VmidInputError.js";
import { seeded } from "../../_support/seeded.js";
import { checkOnce } from "./_support/checkOnce.js";
import {
  allSuccessors,
  relabelVms,
  runPut,
  runUpdate,
  type Transition,
  trackingStepModel,
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
const check = checkOnce;

/**
 * The invariants the correct algorithm keeps. LoadedVMIDPerTask (the TLA+ model's
 * SameVMIDPerTask) is expected to fail for it once VMs outnumber the ids: see its test below.
 */
const KEPT: readonly InvariantName[] = INVARIANT_NAMES.filter(
  (name) => name !== "LoadedVMIDPerTask",
);

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
 * The first state (and its BFS depth) for which `predicate` holds, found without the checker
 * (no symmetry, no packing: every concrete state, keyed by its words), or undefined when none
 * does to `maxDepth`.
 */
function firstStateWhere(
  model: StepModel,
  predicate: (state: Int32Array) => boolean,
  maxDepth: number,
): { depth: number; state: Int32Array } | undefined {
  const start = initialState(model.layout);
  const seen = new Set([start.join()]);
  let frontier = [start];
  for (let depth = 0; depth <= maxDepth && frontier.length > 0; depth++) {
    for (const state of frontier) if (predicate(state)) return { depth, state };
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

/** The BFS depth of the first state violating one of `invariants` (see firstStateWhere). */
function firstViolationDepth(
  model: StepModel,
  invariants: readonly InvariantName[],
  maxDepth: number,
): number | undefined {
  const violating = (state: Int32Array) =>
    violatedInvariant(model.layout, state, invariants) !== undefined;
  return firstStateWhere(model, violating, maxDepth)?.depth;
}

describe("explore: the default configuration holds", () => {
  // cpus 2, vms 3, bits 2 (N = 4: ids 1..3 usable), every generation, puts, no speculation, every
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

  test("holds under the deferred flush policy too", () => {
    // No rollover ever happens (above), so no CPU is ever marked: the same verdict. A put takes
    // two steps under this policy (store INVALID, then test-and-clear the CPU's mark), so the
    // states between them come on top of the broadcast policy's.
    const result = check(options({ flush: "deferred" }));
    assert.equal(result.verdict, "holds");
    assert.ok(result.stats.states > check(defaults).stats.states, "the put's second step");
    assert.equal(
      check(options({ flush: "deferred", puts: false })).stats.states,
      check(options({ puts: false })).stats.states,
      "without puts: the same reachable states",
    );
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
  // The TLA+ model's SameVMIDPerTask, "expected to fail" (docs/allocator.md#invariants): a
  // CPU keeps its last guest loaded (VTTBR) while it runs an update for another VM; meanwhile
  // the other CPU rolls over, the loaded VM's idx goes to another VM and the loaded VM is
  // renewed with a different idx. The CPU is not running that guest, which is why
  // SameVMIDPerTask (CPUs outside update only) keeps holding. 4 VMs: the smallest
  // configuration that rolls over.
  const config = options({ vms: 4, invariants: ["LoadedVMIDPerTask"] });

  test("cpus 2, vms 4, bits 2, every generation: violated", () => {
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
 *
 * Step counts used below: a CPU's update that allocates a fresh idx takes 7 steps when its
 * active slot is 0 (start, readVmid, readActive, lock, newVmid, publish, enterGuest) and 8
 * when it is not (+ checkGeneration, the generation test of the fast path). So the three
 * fresh allocations that fill the 3 usable ids take at least 7 + 7 + 8 = 22 steps (at most
 * one first run per CPU has a 0 slot), and a fourth VM's update reaches its rollover's first
 * flushCpu after 8 more (start, readVmid, readActive, checkGeneration, lock, newVmid,
 * bumpGeneration, flushCpu), or 7 on a CPU that never ran.
 */
const MUTANT_CASES = [
  {
    // Without the broadcast flush, one CPU suffices: VMs 1, 2, 3 take idx 1, 2, 3 and leave
    // their entries in cpu 0's TLB; VM 4 finds the map full, rolls over (reserving idx 3, the
    // active VM 3's) and takes idx 1 while (VM 1, 1) is still in the TLB: ReusedIdxFlushed.
    // Depth 33: 7 steps for VM 1's run, 8 for VM 2's and VM 3's, and VM 4's allocation is its
    // 10th step (start, readVmid, readActive, checkGeneration, lock, newVmid, bumpGeneration,
    // flushCpu, flush, allocateAfterRollover). Nothing shorter: fewer than 4 VMs never roll
    // over, and the independent BFS below finds nothing before 33.
    mutant: "no-flush",
    config: options({ cpus: 1, vms: 4, generations: 2, puts: false, mutant: "no-flush" }),
    invariant: "ReusedIdxFlushed",
    depth: 33,
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
    // has not entered its guest yet has active 0 after the first rollover (which reserved its
    // id); the second rollover reserves 0 for it instead of keeping that reservation, so the
    // CPU is about to enter a guest under an idx nothing protects: UpdatePublishes (7). Its
    // consequence in the TLB (UniqueVMIDPerCPU) comes later: see the test below. Needs two
    // rollovers (the default explores every generation).
    mutant: "no-suspended-animation",
    config: options({ vms: 4, puts: false, mutant: "no-suspended-animation" }),
    invariant: "UpdatePublishes",
    depth: undefined,
    sameSteps: true,
  },
  {
    // The early exit renews only the first copy of a reservation. VM x must be in both CPUs'
    // active slots at a rollover, so that both CPUs reserve its id; x's renewal then rewrites
    // only one copy, and the other names an id no VM holds: ReservedIdsKept (4). One rollover
    // suffices. Shortest, as found: the 3 fresh allocations (22 steps), x's fast path on the
    // other CPU to its guest entry (6: start, readVmid, readActive, checkGeneration,
    // compareExchange, enterGuest), the fourth VM's update through the rollover to its
    // publish (12: the 8 to the first flushCpu, then flushCpu, flush, allocateAfterRollover,
    // publish), and x's renewal on the first CPU (5: start, readVmid, readActive - interleaved
    // after the rollover cleared the slot -, lock, newVmid): 45. The independent BFS below
    // confirms nothing is shorter.
    mutant: "early-exit-reserved",
    config: options({ vms: 4, generations: 2, puts: false, mutant: "early-exit-reserved" }),
    invariant: "ReservedIdsKept",
    depth: 45,
    sameSteps: true,
  },
  {
    // A put that stores 0 instead of INVALID. A rollover exchanges the slot of a CPU running
    // a guest (reserving that guest's id); the CPU then puts its vCPU: with INVALID the slot
    // would be non-zero and the next rollover would reserve idx 0, but with 0 the next
    // rollover keeps the older reservation as if the CPU still ran that guest:
    // PutDropsReservation. Depth 31: the rollover's flushCpu of the first CPU comes after at
    // least 22 + 8 = 30 steps (or 23 + 7 when one CPU runs all three VMs first), and the put
    // is one more. The exchange must be of the CPU that then puts: cpu 0, exchanged first.
    mutant: "clear-to-zero",
    config: options({ vms: 4, generations: 2, mutant: "clear-to-zero" }),
    invariant: "PutDropsReservation",
    depth: 31,
    sameSteps: true,
  },
  {
    // The deferred flush policy without the flush at put (core's flushIfPending): a rollover
    // marks cpu 0 and exchanges its slot; cpu 0 puts (INVALID), and INVALID lets its next
    // update take the fast path, unflushed, into a guest whose new idx an old entry of its TLB
    // still carries. Depth 40: cpu 0 runs VMs 1, 2, 3 (7 + 8 + 8 = 23: its TLB holds (VM1, 1));
    // cpu 1, never run, updates VM 4 to its rollover's first flushCpu, cpu 0's slot (7: 30);
    // cpu 0 puts (31); cpu 1 finishes the rollover and gives VM 4 idx 1 (flushCpu, flush,
    // allocateAfterRollover: 34); cpu 0 updates VM 4 through the fast path and enters it
    // (start, readVmid, readActive, checkGeneration, compareExchange, enterGuest: 40). Each
    // part is needed (three VMs to fill the ids, the exchange before the put, VM 4's new id
    // before cpu 0 reads it); the independent BFS below confirms none is shorter.
    mutant: "no-put-flush",
    config: options({
      vms: 4,
      generations: 2,
      flush: "deferred",
      mutant: "no-put-flush",
    }),
    invariant: "UniqueVMIDPerCPU",
    depth: 40,
    // The correct policy's put takes one more step (its flush): compared by a BFS instead.
    sameSteps: false,
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
      const model = trackingStepModel(config);
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
        const model = trackingStepModel({ ...config, mutant: undefined });
        for (const [i, state] of replaySchedule(model, counterexample).entries()) {
          const violated = violatedInvariant(model.layout, state, config.invariants);
          assert.equal(violated, undefined, `state ${i}`);
        }
      });
    }
  }

  test("no-flush: an independent BFS (no symmetry, no packing) finds the first violation at depth 33", () => {
    const [noFlush] = MUTANT_CASES;
    const model = trackingStepModel(noFlush.config);
    assert.equal(firstViolationDepth(model, KEPT, 40), 33);
    // The correct algorithm: none, to beyond it.
    assert.equal(firstViolationDepth({ ...model, mutant: undefined }, KEPT, 60), undefined);
  });

  test("no-flush: the TLB consequence (UniqueVMIDPerCPU alone) comes 2 steps later, at depth 35", () => {
    // Entering VM 4 after its allocation (publish, enterGuest) puts (VM 4, 1) in cpu 0's TLB
    // beside (VM 1, 1): 33 + 2.
    const [noFlush] = MUTANT_CASES;
    const result = check({ ...noFlush.config, invariants: ["UniqueVMIDPerCPU"] });
    assert.equal(violation(result).steps.length, 35);
    assert.equal(
      firstViolationDepth(trackingStepModel(noFlush.config), ["UniqueVMIDPerCPU"], 40),
      35,
    );
  });

  test("clear-to-zero, early-exit-reserved, no-put-flush: an independent BFS finds the first violation at the derived depth", () => {
    for (const { config, depth } of MUTANT_CASES.filter(
      (c) => c.mutant === "clear-to-zero" || c.mutant === "early-exit-reserved",
    )) {
      const model = trackingStepModel(config);
      assert.equal(firstViolationDepth(model, KEPT, depth), depth, config.mutant);
    }
  });

  test("no-suspended-animation: the TLB consequence (UniqueVMIDPerCPU alone) is found too, later", () => {
    // The CPU left with an unprotected idx enters its guest; the idx goes to another VM which
    // then runs on that CPU: two VMs under one idx in its TLB.
    const suspended = MUTANT_CASES[2];
    const derived = violation(check({ ...suspended.config, invariants: KEPT }));
    const consequence = violation(check({ ...suspended.config, invariants: ["UniqueVMIDPerCPU"] }));
    assert.equal(consequence.invariant, "UniqueVMIDPerCPU");
    assert.ok(consequence.steps.length > derived.steps.length);
  });

  for (const { mutant, config } of MUTANT_CASES) {
    test(`${mutant}: the correct algorithm has no violation to beyond the counterexample's depth`, () => {
      const found = check({ ...config, invariants: KEPT });
      const depth = violation(found).steps.length;
      // Breadth-first with 4x the states the mutant needed: either the whole bounded space is
      // explored, or every state to at least 2 levels past the counterexample's depth.
      const correct = check({
        ...config,
        invariants: KEPT,
        mutant: undefined,
        maxStates: 4 * found.stats.states,
      });
      assert.notEqual(correct.verdict, "violated");
      if (correct.verdict === "inconclusive")
        assert.ok(
          correct.stats.depth >= depth + 2,
          `explored only to depth ${correct.stats.depth}`,
        );
    });
  }

  test("early-exit-reserved: the lost copy leads, two rollovers on, to a VM running under two idx", () => {
    // What the lost copy (ReservedIdsKept, above) does next, on one sequential path (cpus 2,
    // vms 4, every generation, puts; 80 steps, beyond a test's BFS budget for the TLA+ models'
    // invariants alone). VMs a, b, x, y = 1, 2, 3, 4; x runs on both CPUs, so the first
    // rollover reserves x's id on both; x renews through cpu 0's copy and the early exit
    // leaves cpu 1's copy of the old generation; the second rollover (cpu 0 put, so it
    // reserves idx 0) re-reserves that stale copy, whose exact compare then misses x's id:
    // x gets a fresh idx while cpu 1 still runs it under the old one.
    const TLA_INVARIANTS: readonly InvariantName[] = ["SameVMIDActiveTask", "SameVMIDPerTask"];
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
    // The index of the event after which ReservedIdsKept first fails: x's renewal on cpu 0.
    const renewal = 5;
    const replayEvents = (mutant: "early-exit-reserved" | undefined) => {
      const model = trackingStepModel(options({ vms: 4, mutant }));
      let state = initialState(layout);
      const reservedKept: boolean[] = [];
      for (const [kind, cpu, vm] of events) {
        assert.equal(violatedInvariant(layout, state, TLA_INVARIANTS), undefined);
        state = kind === "put" ? runPut(model, state, cpu) : runUpdate(model, state, cpu, vm).state;
        reservedKept.push(violatedInvariant(layout, state, ["ReservedIdsKept"]) === undefined);
      }
      return { state, reservedKept };
    };
    const mutant = replayEvents("early-exit-reserved");
    assert.equal(violatedInvariant(layout, mutant.state, TLA_INVARIANTS), "SameVMIDActiveTask");
    assert.equal(violatedInvariant(layout, mutant.state, ["SameVMIDPerTask"]), "SameVMIDPerTask");
    assert.equal(mutant.reservedKept.indexOf(false), renewal);
    const correct = replayEvents(undefined);
    assert.equal(violatedInvariant(layout, correct.state, KEPT), undefined);
    assert.ok(correct.reservedKept.every(Boolean));
  });
});

describe("UpdatePublishes (7): the window it allows is reachable and needed", () => {
  test("a CPU entering its guest under the previous generation while a rollover has yet to exchange its slot", () => {
    // An update that has returned (published its id, lock released, guest not yet entered)
    // while another CPU's rollover has bumped the generation and not yet exchanged its slot:
    // the exchange, still to come, will reserve that id. (The fast path's compare-exchange
    // winning against such a rollover gives the same state, later.) Invariant 7 allows exactly
    // this; without the allowance the correct algorithm would violate it.
    // Earliest case, 28 steps: the 3 allocations that fill the ids, the last one stopped
    // before its guest entry, then the other CPU's rollover up to its bump. However they are
    // split between the CPUs, they cost 28: cpu 0 fills all three (7 + 8 + 7, the last
    // without entering) and cpu 1, never run, rolls over in 6 (start, readVmid, readActive,
    // lock, newVmid, bumpGeneration); or cpu 0 fills two (7 + 7) and cpu 1 one (7) and rolls
    // over in 7 (+ checkGeneration, its slot being non-zero); or cpu 0 one (6) and cpu 1
    // two (7 + 8) and its rollover (7).
    const model = trackingStepModel(options({ vms: 4, generations: 2, puts: false }));
    const { layout } = model;
    const n = layout.idCount;
    const cpuField = (s: Int32Array, cpu: number, field: number) =>
      s[layout.cpuBase + cpu * CPU_FIELDS + field];
    const staleEntry = (s: Int32Array) => {
      for (let cpu = 0; cpu < layout.cpus; cpu++) {
        const published = cpuField(s, cpu, CpuField.vmid);
        if (
          cpuField(s, cpu, CpuField.pc) === Pc.enterGuest &&
          s[layout.active + cpu] === published &&
          Math.floor(published / n) === s[GENERATION] - 1
        )
          return true;
      }
      return false;
    };
    const found = firstStateWhere(model, staleEntry, 28);
    assert.ok(found !== undefined, "reachable");
    assert.equal(found.depth, 28);
    assert.equal(violatedInvariant(layout, found.state, KEPT), undefined);
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
      "no-put-flush under broadcast (it would check the correct algorithm)",
      { mutant: "no-put-flush" },
      /no-put-flush changes only the deferred flush policy: add --flush deferred/,
    ],
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
  const model = trackingStepModel(config);
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
