import type { AllocatorCounters } from "../core/AllocatorCounters.js";
import type { SharedLayout } from "../mem/sharedLayout.js";
import type { RuntimeLayout } from "./runtimeLayout.js";
import type { InjectedFault, StressOptions } from "./StressOptions.js";

/** What the coordinator hands a stress worker. */
export interface StressWorkerData {
  readonly workerIndex: number;
  readonly options: StressOptions;
  readonly allocatorBuffer: SharedArrayBuffer;
  readonly allocatorLayout: SharedLayout;
  readonly runtimeBuffer: SharedArrayBuffer;
  readonly layout: RuntimeLayout;
  /** The CPUs this worker hosts. */
  readonly cpus: readonly number[];
  /** Per hosted CPU: its PRNG state (xoroshiro128+) and how many events it runs. */
  readonly rngStates: readonly (readonly number[])[];
  readonly eventsPerCpu: readonly number[];
  /** With `--trace`: per hosted CPU, its events (VM, or 0 for a put); else undefined. */
  readonly traceEvents: readonly Int32Array[] | undefined;
  readonly injectFault: InjectedFault | undefined;
}

/** The message a worker posts when it finishes or stops. */
export interface StressWorkerDone {
  readonly type: "done";
  readonly events: number;
  readonly runs: number;
  readonly counters: AllocatorCounters;
  readonly lockHoldSamplesNs: readonly number[];
}
