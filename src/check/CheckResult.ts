import type { CheckOptions } from "./CheckOptions.js";
import type { InvariantName } from "./invariants.js";

/** One step of a counterexample: who moved, how, and the state after it. */
export interface CounterexampleStep {
  readonly cpu: number;
  /** "update VM v", "put", "step <pc>" or "speculative fill". */
  readonly action: string;
  readonly state: Int32Array;
}

/** A shortest path from the initial state to a state violating `invariant`. */
export interface Counterexample {
  readonly invariant: InvariantName;
  readonly initial: Int32Array;
  readonly steps: readonly CounterexampleStep[];
}

/** How big the exploration was and how fast it went. */
export interface CheckStats {
  readonly states: number;
  readonly transitions: number;
  /** BFS depth of the deepest state reached. */
  readonly depth: number;
  readonly elapsedMs: number;
  readonly statesPerSecond: number;
  /** Peak resident memory of the process (every thread), in MiB, as sampled. */
  readonly peakMemoryMiB: number;
  /** States whose rollover was not explored because it would pass `generations` (0 without a bound). */
  readonly cutTransitions: number;
  /**
   * The most distinct generations one reached state holds: those of its ids (VM ids, active,
   * reserved, the updates' locals) and the current one. Without a bound, the renamed states
   * hold the same number as the states they stand for.
   */
  readonly maxGenerations: number;
  /** Threads that explored: 1 is the sequential search (explore), more the parallel one. */
  readonly jobs: number;
}

/**
 * The verdict: `holds` only when every invariant held over the full exploration with no bound
 * hit (without `generations`, every generation: the renamed state space was exhausted);
 * `violated` with the shortest counterexample; `bounded` when the generation bound cut
 * rollovers and nothing was violated below it; `inconclusive` when `maxStates` stopped it.
 */
export type CheckResult =
  | { readonly verdict: "holds"; readonly options: CheckOptions; readonly stats: CheckStats }
  | {
      readonly verdict: "violated";
      readonly options: CheckOptions;
      readonly stats: CheckStats;
      readonly counterexample: Counterexample;
    }
  | { readonly verdict: "bounded"; readonly options: CheckOptions; readonly stats: CheckStats }
  | {
      readonly verdict: "inconclusive";
      readonly options: CheckOptions;
      readonly stats: CheckStats;
    };
