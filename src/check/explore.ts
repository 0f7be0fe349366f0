import { type CheckOptions, validateCheckOptions } from "./CheckOptions.js";
import type { CheckResult, CheckStats, Counterexample, CounterexampleStep } from "./CheckResult.js";
import { canonicalState, canonicalStateInto } from "./canonicalState.js";
import { violatedInvariant } from "./invariants.js";
import { initialState, modelLayout } from "./ModelLayout.js";
import { StatePacker } from "./StatePacker.js";
import { StateStore } from "./StateStore.js";
import { Action, forEachSuccessor, PC_NAMES, type StepModel, successors } from "./stepModel.js";

/** Hooks a caller may pass; the engine prints nothing. */
export interface CheckHooks {
  /** Called every 100,000 states with the states so far and the current depth. */
  readonly onProgress?: (states: number, depth: number) => void;
}

/**
 * Explores every interleaving of the configuration breadth-first, so the first violation found
 * has a shortest counterexample. States are canonical under VM relabelling.
 */
export function explore(options: CheckOptions, hooks: CheckHooks = {}): CheckResult {
  validateCheckOptions(options);
  const layout = modelLayout(options.cpus, options.vms, options.bits);
  const model: StepModel = {
    layout,
    generations: options.generations,
    puts: options.puts,
    speculation: options.speculation,
    mutant: options.mutant,
    exitUnloads: options.exitUnloads,
    flush: options.flush,
    trackTlb:
      options.speculation ||
      options.invariants.some((name) => name === "UniqueVMIDPerCPU" || name === "ReusedIdxFlushed"),
    trackLoaded:
      options.speculation ||
      options.puts ||
      options.invariants.some(
        (name) =>
          name === "UniqueVMIDPerCPU" ||
          name.startsWith("SameVMID") ||
          name === "LoadedVMIDPerTask" ||
          name === "PutDropsReservation",
      ),
  };
  const started = performance.now();
  let peakRss = process.memoryUsage.rss();

  const packer = new StatePacker(layout, options.generations);
  const store = new StateStore(packer.words);
  const packed = new Uint32Array(packer.words);
  const relabelled = new Int32Array(layout.length);
  const add = (state: Int32Array, parent: number, depth: number): void => {
    packer.pack(canonicalStateInto(layout, state, relabelled), packed);
    store.add(packed, parent, depth);
  };
  add(initialState(layout), -1, 0);

  let transitions = 0;
  let cutTransitions = 0;
  let hitMaxStates = false;
  let deepest = 0;
  let violation:
    | { at: number; invariant: NonNullable<ReturnType<typeof violatedInvariant>> }
    | undefined;
  // The loop allocates nothing per state: the expanded state, its successors and the packed
  // key live in buffers reused throughout, and the successor callback is made once (it reads
  // the expanded state's index and depth from the variables below).
  const state = new Int32Array(layout.length);
  const scratch = new Int32Array(layout.length);
  let at = 0;
  let depth = 0;
  const onSuccessor = (next: Int32Array): void => {
    transitions++;
    add(next, at, depth);
  };
  for (; at < store.size; at++) {
    store.unpack(packer, at, state);
    const invariant = violatedInvariant(layout, state, options.invariants);
    if (invariant !== undefined) {
      violation = { at, invariant };
      break;
    }
    if (store.size >= options.maxStates) {
      hitMaxStates = true;
      break;
    }
    const stateDepth = store.depthOf(at);
    if (stateDepth > deepest) deepest = stateDepth; // the deepest state expanded so far
    depth = stateDepth + 1;
    if (forEachSuccessor(model, state, scratch, onSuccessor)) cutTransitions++;
    if (at % 100_000 === 0) {
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
      hooks.onProgress?.(store.size, stateDepth);
    }
  }
  peakRss = Math.max(peakRss, process.memoryUsage.rss());

  const elapsedMs = performance.now() - started;
  const stats: CheckStats = {
    states: store.size,
    transitions,
    depth: Math.max(deepest, violation === undefined ? 0 : store.depthOf(violation.at)),
    elapsedMs,
    statesPerSecond: elapsedMs > 0 ? store.size / (elapsedMs / 1000) : 0,
    peakMemoryMiB: peakRss / 2 ** 20,
    cutTransitions,
  };
  if (violation !== undefined) {
    const counterexample = concretePath(model, packer, store, violation.at, violation.invariant);
    return { verdict: "violated", options, stats, counterexample };
  }
  if (hitMaxStates) return { verdict: "inconclusive", options, stats };
  if (cutTransitions > 0) return { verdict: "bounded", options, stats };
  return { verdict: "holds", options, stats };
}

/**
 * The path to state `at`, replayed on concrete states from the initial one: at each step, the
 * concrete successor whose canonical key is the path's next key. VM labels then stay the same
 * along the whole counterexample (canonical states may relabel VMs from one step to the next).
 */
function concretePath(
  model: StepModel,
  packer: StatePacker,
  store: StateStore,
  at: number,
  invariant: Counterexample["invariant"],
): Counterexample {
  const chain: number[] = [];
  for (let i = at; i !== -1; i = store.parentOf(i)) chain.push(i);
  chain.reverse();
  const initial = initialState(model.layout);
  const packed = new Uint32Array(packer.words);
  let current = initial;
  const steps: CounterexampleStep[] = [];
  for (const target of chain.slice(1)) {
    let found: CounterexampleStep | undefined;
    successors(model, current, (next, cpu, action, detail) => {
      if (found !== undefined) return;
      packer.pack(canonicalState(model.layout, next), packed);
      if (store.equals(target, packed))
        found = { cpu, action: describeAction(action, detail), state: next };
    });
    if (found === undefined) throw new Error("internal error: counterexample path does not replay");
    steps.push(found);
    current = found.state;
  }
  return { invariant, initial, steps };
}

function describeAction(action: number, detail: number): string {
  switch (action) {
    case Action.startUpdate:
      return `update VM ${detail}`;
    case Action.put:
      return "put";
    case Action.speculativeFill:
      return `speculative TLB fill for VM ${detail}`;
    default:
      return PC_NAMES[detail] ?? `pc ${detail}`;
  }
}
