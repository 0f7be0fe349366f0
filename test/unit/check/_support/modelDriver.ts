import assert from "node:assert/strict";
import { type CheckOptions, checkModelLayout } from "../../../../src/check/CheckOptions.js";
import { CPU_FIELDS, CpuField, type ModelLayout } from "../../../../src/check/ModelLayout.js";
import { Action, Pc, type StepModel, successors } from "../../../../src/check/stepModel.js";

/**
 * The step model explore runs for `config`, keeping the TLB and the loaded guests (explore
 * keeps them when an invariant reads them), with the generation bound `generations`: by
 * default `config.generations`, or none (every generation) when that is unset.
 */
export function trackingStepModel(
  config: CheckOptions,
  generations: number = config.generations ?? Number.POSITIVE_INFINITY,
): StepModel {
  return {
    layout: checkModelLayout(config),
    generations,
    puts: config.puts,
    speculation: config.speculation,
    mutant: config.mutant,
    exitUnloads: config.exitUnloads,
    flush: config.flush,
    trackTlb: true,
    trackLoaded: true,
  };
}

/** One transition of the step model: who moved, how, and the state after it. */
export interface Transition {
  readonly next: Int32Array;
  readonly cpu: number;
  readonly action: number;
  readonly detail: number;
}

/** Every successor of `state`, in the order `successors` produces them. */
export function allSuccessors(model: StepModel, state: Int32Array): Transition[] {
  const found: Transition[] = [];
  successors(model, state, (next, cpu, action, detail) => {
    found.push({ next, cpu, action, detail });
  });
  return found;
}

/** The word `field` of CPU `cpu` in `state`. */
export function cpuWord(
  layout: ModelLayout,
  state: Int32Array,
  cpu: number,
  field: number,
): number {
  return state[layout.cpuBase + cpu * CPU_FIELDS + field];
}

/**
 * The one successor in which `cpu` took the transition (`action`, `detail`): the scheduler's
 * `Action.startUpdate` for VM `detail`, `Action.put` (detail 0), or an `Action.step` at pc
 * `detail`. Fails the test when there is none or more than one.
 */
export function take(
  model: StepModel,
  state: Int32Array,
  cpu: number,
  action: number,
  detail: number,
): Int32Array {
  const matches = allSuccessors(model, state).filter(
    (t) => t.cpu === cpu && t.action === action && t.detail === detail,
  );
  assert.equal(matches.length, 1, `cpu ${cpu}: action ${action}/${detail} enabled once`);
  return matches[0].next;
}

/** How a CPU's update ended when run alone: back at idle, or cut by the generation bound. */
export interface UpdateRun {
  readonly state: Int32Array;
  /** Rollovers it performed (bumpGeneration steps taken). */
  readonly rollovers: number;
  /** True when the generation bound refused a rollover: the CPU is stuck at bumpGeneration. */
  readonly cut: boolean;
}

/**
 * Runs CPU `cpu` alone until its pc is idle again: at every point it must have exactly one
 * enabled step transition (a sequential CPU is deterministic), except at a rollover the
 * generation bound refuses, where it has none (`cut`).
 */
export function runToIdle(model: StepModel, start: Int32Array, cpu: number): UpdateRun {
  let state = start;
  let rollovers = 0;
  for (let steps = 0; cpuWord(model.layout, state, cpu, CpuField.pc) !== Pc.idle; steps++) {
    assert.ok(steps < 1000, `cpu ${cpu}: update does not end`);
    const pc = cpuWord(model.layout, state, cpu, CpuField.pc);
    const moves = allSuccessors(model, state).filter(
      (t) => t.cpu === cpu && t.action === Action.step,
    );
    if (moves.length === 0) {
      assert.equal(pc, Pc.bumpGeneration, `cpu ${cpu} stuck at pc ${pc}, not at a cut rollover`);
      return { state, rollovers, cut: true };
    }
    assert.equal(moves.length, 1, `cpu ${cpu}: one step enabled at pc ${pc}`);
    assert.equal(moves[0].detail, pc, "a step transition reports the pc it executed");
    if (pc === Pc.bumpGeneration) rollovers++;
    state = moves[0].next;
  }
  return { state, rollovers, cut: false };
}

/** Runs `update(vm)` on `cpu` from a state where `cpu` is idle. */
export function runUpdate(model: StepModel, state: Int32Array, cpu: number, vm: number): UpdateRun {
  return runToIdle(model, take(model, state, cpu, Action.startUpdate, vm), cpu);
}

/** Puts the vCPU `cpu` runs (the scheduler's put transition, then the deferred policy's flush step). */
export function runPut(model: StepModel, state: Int32Array, cpu: number): Int32Array {
  return runToIdle(model, take(model, state, cpu, Action.put, 0), cpu).state;
}

/** Runs `pin(vm)` on `cpu` from a state where `cpu` is idle (the pin may roll over). */
export function runPin(model: StepModel, state: Int32Array, cpu: number, vm: number): UpdateRun {
  return runToIdle(model, take(model, state, cpu, Action.startPin, vm), cpu);
}

/** Runs `unpin(vm)` on idle `cpu`: one transition. */
export function runUnpin(model: StepModel, state: Int32Array, cpu: number, vm: number): Int32Array {
  return take(model, state, cpu, Action.unpin, vm);
}

/**
 * `state` with VM v renamed `perm[v - 1]` (a permutation of 1..vms) everywhere a VM appears:
 * the VM id table, each CPU's update-in-progress and loaded VM, and the TLB bits.
 */
export function relabelVms(
  layout: ModelLayout,
  state: Int32Array,
  perm: readonly number[],
): Int32Array {
  const n = layout.idCount;
  const rename = (vm: number) => (vm === 0 ? 0 : perm[vm - 1]);
  const next = state.slice();
  for (let vm = 1; vm <= layout.vms; vm++) {
    next[layout.vmId + rename(vm) - 1] = state[layout.vmId + vm - 1];
  }
  for (let cpu = 0; cpu < layout.cpus; cpu++) {
    const base = layout.cpuBase + cpu * CPU_FIELDS;
    next[base + CpuField.vm] = rename(state[base + CpuField.vm]);
    next[base + CpuField.loadedVm] = rename(state[base + CpuField.loadedVm]);
    let tlb = 0;
    for (let vm = 1; vm <= layout.vms; vm++) {
      for (let idx = 0; idx < n; idx++) {
        if (state[base + CpuField.tlb] & (1 << ((vm - 1) * n + idx))) {
          tlb |= 1 << ((rename(vm) - 1) * n + idx);
        }
      }
    }
    next[base + CpuField.tlb] = tlb;
  }
  return next;
}
