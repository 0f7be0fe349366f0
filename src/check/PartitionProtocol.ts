import type { MessagePort } from "node:worker_threads";
import type { CheckOptions } from "./CheckOptions.js";
import type { LevelOutcome } from "./StatePartition.js";

/*
 * What exploreParallel and its workers (partitionWorker) tell each other: the worker's start
 * data, the requests and their replies.
 */

/** What exploreParallel gives each worker. */
export interface PartitionWorkerData {
  readonly options: CheckOptions;
  /** This worker's partition, of `parts`. */
  readonly self: number;
  readonly parts: number;
  /** Shared: partition p's state count at index p x COUNTER_STRIDE. */
  readonly counters: Int32Array;
  /** A port to each other partition's worker, by partition (none at `self`). */
  readonly peers: readonly (MessagePort | undefined)[];
}

/** Int32 slots between two partitions' counters (one cache line apart, so they do not share one). */
export const COUNTER_STRIDE = 16;

/** Requests from exploreParallel, and the replies. */
export type PartitionRequest =
  | { readonly type: "level" }
  | { readonly type: "state"; readonly index: number };
export interface LevelReply {
  readonly outcome: LevelOutcome;
  readonly maxGenerations: number;
}
export interface StateReply {
  readonly key: Uint32Array;
  readonly parent: number;
}
