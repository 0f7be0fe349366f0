import type { CheckOptions } from "../check/CheckOptions.js";
import type { DecodedState } from "../check/decodeState.js";
import type { InvariantName } from "../check/invariants.js";

/** One step of an embedded counterexample: who moved, how, and the raw state words after it. */
export interface ViewStep {
  readonly cpu: number;
  /** As the checker prints it: `update VM v`, `put`, a pc name, `speculative TLB fill for VM v`. */
  readonly action: string;
  /** The model state (an Int32Array of ModelLayout) as plain numbers. */
  readonly state: readonly number[];
}

/**
 * What a model page embeds: the check's options (the page rebuilds the step model and the
 * invariants from them) and, from `vmid check --html`, the counterexample found.
 */
export interface CheckViewData {
  readonly kind: "check";
  readonly options: CheckOptions;
  /** The `vmid check` command line of these options. */
  readonly command: string;
  /** The checker's verdict, when the page comes from `vmid check --html`. */
  readonly verdict?: string;
  readonly counterexample?: {
    readonly invariant: InvariantName;
    readonly initial: readonly number[];
    readonly steps: readonly ViewStep[];
  };
}

/**
 * The core allocator's state after one trace event, ids in lowercase hex: the generation, the
 * search hint, the map and the active and reserved slots as a model state decodes them, and
 * what a trace adds.
 */
export interface TraceSnapshot
  extends Pick<DecodedState, "generation" | "curIdx" | "allocatedIdx" | "active" | "reserved"> {
  /** The VM each CPU runs (0: none, after a put or before its first run). */
  readonly running: readonly number[];
  /** Every VM seen so far, ascending, with its id. */
  readonly vmIds: readonly (readonly [vm: number, id: string])[];
}

/** One event of a replayed trace. */
export interface TraceViewEvent {
  /** Its line in the trace file. */
  readonly line: number;
  readonly cpu: number;
  /** The VM run; 0 for a put. */
  readonly vm: number;
  /** A run's id (hex). */
  readonly id?: string;
  /** The new generation (hex) when this run rolled over (the broadcast flush). */
  readonly flush?: string;
}

/** What a trace page embeds: the trace's events and the allocator's state after each. */
export interface TraceViewData {
  readonly kind: "trace";
  readonly file: string;
  readonly bits: number;
  readonly cpus: number;
  readonly initial: TraceSnapshot;
  readonly events: readonly TraceViewEvent[];
  /** The state after event i at index i. */
  readonly snapshots: readonly TraceSnapshot[];
}

/** The data a `vmid view` page embeds in `<script type="application/json" id="view-data">`. */
export type ViewData = CheckViewData | TraceViewData;
