import type { CheckOptions } from "./CheckOptions.js";
import { validateCheckOptions } from "./CheckOptions.js";
import type { CheckResult } from "./CheckResult.js";
import { concretePath } from "./concretePath.js";
import { LevelTally } from "./LevelTally.js";
import { StatePartition } from "./StatePartition.js";

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
 *
 * The sequential search, in this thread: one StatePartition holding every state, level by
 * level (exploreParallel splits the states over worker threads and gives the same verdict,
 * states, depth and counterexample length).
 */
export function explore(options: CheckOptions, hooks: CheckHooks = {}): CheckResult {
  validateCheckOptions(options);
  const started = performance.now();
  let peakRss = process.memoryUsage.rss();
  const partition: StatePartition = new StatePartition(options, 0, 1, {
    send() {
      throw new Error("internal error: a successor sent away from the only partition");
    },
    statesElsewhere: () => 0,
    publish() {},
    progress(states, depth) {
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
      hooks.onProgress?.(states, depth);
    },
  });
  const tally = new LevelTally();
  for (;;) {
    const depth = partition.depth;
    if (tally.record(depth, [partition.expandLevel()]) !== "expand") break;
  }
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  const stats = tally.stats({
    elapsedMs: performance.now() - started,
    peakMemoryMiB: peakRss / 2 ** 20,
    maxGenerations: partition.key.maxGenerations,
    jobs: 1,
  });
  const { violation } = tally;
  if (violation === undefined) return tally.result(options, stats);
  const keys = [];
  for (let i = violation.at; i !== -1; i = partition.store.parentOf(i))
    keys.push(partition.stateAt(i).key);
  keys.reverse();
  const counterexample = concretePath(partition.model, partition.key, keys, violation.invariant);
  return tally.result(options, stats, counterexample);
}
