import type { CheckOptions } from "./CheckOptions.js";
import type { CheckResult, CheckStats, Counterexample } from "./CheckResult.js";
import type { InvariantName } from "./invariants.js";
import type { LevelOutcome } from "./StatePartition.js";

/** What a level-synchronous search does after a level. */
export type NextStep = "expand" | "violated" | "inconclusive" | "exhausted";

/**
 * The running totals of a breadth-first search over one or more partitions (StatePartition),
 * level by level, and the verdict they lead to; the sequential (explore) and the parallel
 * (exploreParallel) searches share it, so both count alike.
 *
 * What is counted does not depend on the order states are expanded in: after a full
 * exploration, every state and transition; after a violation at depth d, the states at
 * depths up to d and the transitions of the levels before d (the violating level is
 * partly expanded, and how far depends on where its violations lie); when maxStates stops
 * the search, everything stored and expanded so far.
 */
export class LevelTally {
  states = 0;
  transitions = 0;
  cutTransitions = 0;
  /** The deepest level with a state expanded (or violating). */
  deepest = 0;
  /** The violating state chosen: the first of the lowest partition with one at the level. */
  violation:
    | { readonly part: number; readonly at: number; readonly invariant: InvariantName }
    | undefined;
  private hitMaxStates = false;

  /** Adds level `depth`'s outcomes, one per partition in partition order. */
  record(depth: number, outcomes: readonly LevelOutcome[]): NextStep {
    if (outcomes.some((o) => o.expanded > 0 || o.violationAt >= 0)) this.deepest = depth;
    const part = outcomes.findIndex((o) => o.violationAt >= 0);
    if (part >= 0) {
      const { violationAt, invariant } = outcomes[part];
      if (invariant === undefined) throw new Error("internal error: a violation without a name");
      this.violation = { part, at: violationAt, invariant };
      this.states = sum(outcomes, (o) => o.statesThroughLevel);
      return "violated";
    }
    this.transitions += sum(outcomes, (o) => o.transitions);
    this.cutTransitions += sum(outcomes, (o) => o.cutTransitions);
    this.states = sum(outcomes, (o) => o.statesAfter);
    if (outcomes.some((o) => o.hitMaxStates)) {
      this.hitMaxStates = true;
      return "inconclusive";
    }
    return this.states === sum(outcomes, (o) => o.statesThroughLevel) ? "exhausted" : "expand";
  }

  /** The statistics, given what the search measured of itself. */
  stats(measured: {
    readonly elapsedMs: number;
    readonly peakMemoryMiB: number;
    readonly maxGenerations: number;
    readonly jobs: number;
  }): CheckStats {
    const { elapsedMs } = measured;
    return {
      states: this.states,
      transitions: this.transitions,
      depth: this.deepest,
      elapsedMs,
      statesPerSecond: elapsedMs > 0 ? this.states / (elapsedMs / 1000) : 0,
      peakMemoryMiB: measured.peakMemoryMiB,
      cutTransitions: this.cutTransitions,
      maxGenerations: measured.maxGenerations,
      jobs: measured.jobs,
    };
  }

  /** The result; `counterexample` is the violation's, when there is one. */
  result(options: CheckOptions, stats: CheckStats, counterexample?: Counterexample): CheckResult {
    if (this.violation !== undefined) {
      if (counterexample === undefined) throw new Error("internal error: no counterexample");
      return { verdict: "violated", options, stats, counterexample };
    }
    if (this.hitMaxStates) return { verdict: "inconclusive", options, stats };
    if (this.cutTransitions > 0) return { verdict: "bounded", options, stats };
    return { verdict: "holds", options, stats };
  }
}

function sum(outcomes: readonly LevelOutcome[], of: (o: LevelOutcome) => number): number {
  let total = 0;
  for (const o of outcomes) total += of(o);
  return total;
}
