import { CanonicalKey } from "./CanonicalKey.js";
import { type CheckOptions, checkModelLayout, validateCheckOptions } from "./CheckOptions.js";
import type { CheckResult, CheckStats, Counterexample, CounterexampleStep } from "./CheckResult.js";
import { type InvariantName, violatedInvariant } from "./invariants.js";
import { initialState } from "./ModelLayout.js";
import { StateStore } from "./StateStore.js";
import { Action, forEachSuccessor, PC_NAMES, type StepModel, successors } from "./stepModel.js";

/**
 * Queue entries expanded per batch (see explore): enough successors per batch for their
 * lookups' cache misses to overlap, few enough for the buffers to stay in cache.
 */
const BATCH_STATES = 256;

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
  const layout = checkModelLayout(options);
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
          name === "PutDropsReservation" ||
          name === "PinnedIdxExclusive",
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
  // States are expanded in batches of up to BATCH_STATES consecutive queue entries, in three
  // passes: (1) for each state, check the invariants and compute its successors, canonical,
  // packed and hashed, into the batch buffers, without touching the store; (2) touch the
  // store's memory those successors' lookups will read, all loads independent, so that their
  // cache misses overlap (StateStore.touch); (3) in queue order, stop at a violation or at
  // maxStates exactly where one state at a time would have, else add the state's successors.
  // Pass 3 makes the same store calls in the same order as expanding one state at a time, so
  // states, indices, parents, depths and verdicts are the same. Nothing is allocated per
  // state: every buffer is reused, and the successor callback is made once.
  const state = new Int32Array(layout.length);
  const scratch = new Int32Array(layout.length);
  // Per CPU: V updates + put, V pins + V unpins with pins; + speculation.
  const perState = layout.cpus * (layout.vms * (layout.pins ? 3 : 1) + 2);
  const words = packer.words;
  const batchPacked = new Uint32Array(BATCH_STATES * perState * words);
  const batchHashes = new Int32Array(BATCH_STATES * perState);
  const batchEnds = new Int32Array(BATCH_STATES);
  const batchCut = new Uint8Array(BATCH_STATES);
  const batchInvariant: (InvariantName | undefined)[] = new Array(BATCH_STATES).fill(undefined);
  let collected = 0;
  const collect = (next: Int32Array): void => {
    if (collected === batchHashes.length)
      throw new Error("internal error: more successors per state than the batch allows");
    const packed = key.of(next);
    const offset = collected * words;
    for (let i = 0; i < words; i++) batchPacked[offset + i] = packed[i];
    batchHashes[collected] = store.hash(packed, 0);
    collected++;
  };
  let first = 0;
  batches: while (first < store.size) {
    // The batch: queue entries already stored (their successors come after them).
    const last = Math.min(store.size, first + BATCH_STATES);
    collected = 0;
    for (let at = first; at < last; at++) {
      store.unpack(packer, at, state);
      batchInvariant[at - first] = violatedInvariant(layout, state, options.invariants);
      batchCut[at - first] = forEachSuccessor(model, state, scratch, collect) ? 1 : 0;
      batchEnds[at - first] = collected;
    }
    store.touch(batchHashes, collected);
    let i = 0;
    for (let at = first; at < last; at++) {
      const invariant = batchInvariant[at - first];
      if (invariant !== undefined) {
        violation = { at, invariant };
        break batches;
      }
      if (store.size >= options.maxStates) {
        hitMaxStates = true;
        break batches;
      }
      const stateDepth = store.depthOf(at);
      if (stateDepth > deepest) deepest = stateDepth; // the deepest state expanded so far
      const end = batchEnds[at - first];
      transitions += end - i;
      for (; i < end; i++)
        store.addHashed(batchPacked, i * words, batchHashes[i], at, stateDepth + 1);
      if (batchCut[at - first] === 1) cutTransitions++;
      if (at % 100_000 === 0) {
        peakRss = Math.max(peakRss, process.memoryUsage.rss());
        hooks.onProgress?.(store.size, stateDepth);
      }
    }
    first = last;
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
    case Action.startPin:
      return `pin VM ${detail}`;
    case Action.unpin:
      return `unpin VM ${detail}`;
    default:
      return PC_NAMES[detail] ?? `pc ${detail}`;
  }
}
