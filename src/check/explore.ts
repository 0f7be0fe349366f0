import { CanonicalKey } from "./CanonicalKey.js";
import { type CheckOptions, validateCheckOptions } from "./CheckOptions.js";
import type { CheckResult, CheckStats, Counterexample, CounterexampleStep } from "./CheckResult.js";
import { violatedInvariant } from "./invariants.js";
import { initialState, modelLayout } from "./ModelLayout.js";
import { StateStore } from "./StateStore.js";
import { Action, PC_NAMES, type StepModel, successors } from "./stepModel.js";

/** Hooks a caller may pass; the engine prints nothing. */
export interface CheckHooks {
  /** Called every 100,000 states with the states so far and the current depth. */
  readonly onProgress?: (states: number, depth: number) => void;
}

/**
 * Explores every interleaving of the configuration breadth-first, so the first violation found
 * has a shortest counterexample. States are stored in a canonical form: without a generation
 * bound, generations renamed (renameGenerations), which makes the space finite; then VMs
 * relabelled (canonicalState). With `generations` set, rollovers past it are cut and
 * generations are not renamed (the bound counts real rollovers), as TLC's constraint does.
 */
export function explore(options: CheckOptions, hooks: CheckHooks = {}): CheckResult {
  validateCheckOptions(options);
  const layout = modelLayout(options.cpus, options.vms, options.bits);
  const model: StepModel = {
    layout,
    generations: options.generations ?? Number.POSITIVE_INFINITY,
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

  const key = new CanonicalKey(layout, options.generations);
  const { packer } = key;
  const store = new StateStore(packer.words);
  const add = (state: Int32Array, parent: number, depth: number): void => {
    store.add(key.of(state), parent, depth);
  };
  add(initialState(layout), -1, 0);

  let transitions = 0;
  let cutTransitions = 0;
  let hitMaxStates = false;
  let deepest = 0;
  let violation:
    | { at: number; invariant: NonNullable<ReturnType<typeof violatedInvariant>> }
    | undefined;
  const state = new Int32Array(layout.length);
  for (let at = 0; at < store.size; at++) {
    const { words, offset } = store.wordsOf(at);
    packer.unpack(words, offset, state);
    const invariant = violatedInvariant(layout, state, options.invariants);
    if (invariant !== undefined) {
      violation = { at, invariant };
      break;
    }
    if (store.size >= options.maxStates) {
      hitMaxStates = true;
      break;
    }
    deepest = Math.max(deepest, store.depthOf(at)); // the deepest state expanded so far
    const depth = store.depthOf(at) + 1;
    const cut = successors(model, state, (next) => {
      transitions++;
      add(next, at, depth);
    });
    if (cut) cutTransitions++;
    if (at % 100_000 === 0) {
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
      hooks.onProgress?.(store.size, store.depthOf(at));
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
    maxGenerations: key.maxGenerations,
  };
  if (violation !== undefined) {
    const counterexample = concretePath(model, key, store, violation.at, violation.invariant);
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
  key: CanonicalKey,
  store: StateStore,
  at: number,
  invariant: Counterexample["invariant"],
): Counterexample {
  const chain: number[] = [];
  for (let i = at; i !== -1; i = store.parentOf(i)) chain.push(i);
  chain.reverse();
  const initial = initialState(model.layout);
  let current = initial;
  const steps: CounterexampleStep[] = [];
  for (const target of chain.slice(1)) {
    let found: CounterexampleStep | undefined;
    successors(model, current, (next, cpu, action, detail) => {
      if (found !== undefined) return;
      if (store.equals(target, key.of(next)))
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
