import { MessageChannel, type MessagePort, Worker } from "node:worker_threads";
import { requireInput } from "../_internal/requireInput.js";
import { CanonicalKey } from "./CanonicalKey.js";
import { type CheckOptions, validateCheckOptions } from "./CheckOptions.js";
import type { CheckResult } from "./CheckResult.js";
import { concretePath } from "./concretePath.js";
import type { CheckHooks } from "./explore.js";
import { LevelTally } from "./LevelTally.js";
import {
  COUNTER_STRIDE,
  type LevelReply,
  type PartitionRequest,
  type PartitionWorkerData,
  type StateReply,
} from "./PartitionProtocol.js";
import { stepModelOf } from "./stepModelOf.js";

/** Most worker threads a parallel check takes. */
export const MAX_CHECK_JOBS = 64;

/** How often the progress hook and the memory sample run, in ms. */
const SAMPLE_MS = 100;

/**
 * {@link explore} on `jobs` worker threads: the states are split by the hash of their
 * canonical key, each worker owning one part (a StatePartition) and expanding it level by
 * level, all workers in step, exchanging the successors they do not own in batches. A level
 * ends when every worker has stored its successors, so the first level with a violation is
 * found before any deeper one and the counterexample is a shortest one. Which violation of
 * that level is reported, and every parent along its path, are fixed by the order in which
 * states are stored (see StatePartition), not by timing: a run with the same options and
 * jobs gives the same result. The verdict, the states, the transitions and the depth are
 * those of explore; the counterexample has the same length, but with more than one job it
 * may be another one of that length.
 *
 * The progress hook is called as the states of all workers pass each multiple of 100,000
 * (sampled every 100 ms); `maxStates` counts the states of all workers.
 */
export async function exploreParallel(
  options: CheckOptions,
  jobs: number,
  hooks: CheckHooks = {},
): Promise<CheckResult> {
  validateCheckOptions(options);
  requireInput(
    Number.isInteger(jobs) && jobs >= 1 && jobs <= MAX_CHECK_JOBS,
    `jobs must be an integer from 1 to ${MAX_CHECK_JOBS} (got ${jobs})`,
  );
  const started = performance.now();
  const counters = new Int32Array(new SharedArrayBuffer(jobs * COUNTER_STRIDE * 4));
  const peers: (MessagePort | undefined)[][] = Array.from({ length: jobs }, () =>
    new Array(jobs).fill(undefined),
  );
  for (let a = 0; a < jobs; a++) {
    for (let b = a + 1; b < jobs; b++) {
      const channel = new MessageChannel();
      peers[a][b] = channel.port1;
      peers[b][a] = channel.port2;
    }
  }
  const threads = peers.map((ports, self) => {
    const workerData: PartitionWorkerData = { options, self, parts: jobs, counters, peers: ports };
    return new PartitionThread(
      new Worker(new URL("./partitionWorker.js", import.meta.url), {
        workerData,
        transferList: ports.filter((p) => p !== undefined),
      }),
    );
  });

  let depth = 0;
  let peakRss = process.memoryUsage.rss();
  let reported = 0;
  const sample = () => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    let states = 0;
    for (let p = 0; p < jobs; p++) states += Atomics.load(counters, p * COUNTER_STRIDE);
    const hundredThousands = Math.floor(states / 100_000);
    if (hooks.onProgress !== undefined && hundredThousands > reported) {
      reported = hundredThousands;
      hooks.onProgress(states, depth);
    }
  };
  const sampler = setInterval(sample, SAMPLE_MS);
  try {
    const tally = new LevelTally();
    let maxGenerations = 1;
    for (; ; depth++) {
      const replies = (await Promise.all(
        threads.map((t) => t.request({ type: "level" })),
      )) as LevelReply[];
      sample();
      for (const reply of replies) maxGenerations = Math.max(maxGenerations, reply.maxGenerations);
      if (
        tally.record(
          depth,
          replies.map((reply) => reply.outcome),
        ) !== "expand"
      )
        break;
    }
    const stats = tally.stats({
      elapsedMs: performance.now() - started,
      peakMemoryMiB: peakRss / 2 ** 20,
      maxGenerations,
      jobs,
    });
    const { violation } = tally;
    if (violation === undefined) return tally.result(options, stats);
    // The path, from the violating state back to the initial one, across partitions.
    const keys: Uint32Array[] = [];
    for (let id = violation.at * jobs + violation.part; id !== -1; ) {
      const reply = (await threads[id % jobs].request({
        type: "state",
        index: Math.floor(id / jobs),
      })) as StateReply;
      keys.push(reply.key);
      id = reply.parent;
    }
    keys.reverse();
    const model = stepModelOf(options);
    const key = new CanonicalKey(model.layout, options.generations);
    const counterexample = concretePath(model, key, keys, violation.invariant);
    return tally.result(options, stats, counterexample);
  } finally {
    clearInterval(sampler);
    await Promise.all(threads.map((t) => t.worker.terminate()));
  }
}

/** A partition's worker, answering one request at a time. */
class PartitionThread {
  readonly worker: Worker;
  private pending: { resolve: (reply: unknown) => void; reject: (error: unknown) => void }[] = [];
  private failure: unknown;

  constructor(worker: Worker) {
    this.worker = worker;
    worker.on("message", (reply: unknown) => this.pending.shift()?.resolve(reply));
    worker.on("error", (error) => this.fail(error));
    worker.on("exit", (code) => this.fail(new Error(`a check worker exited with code ${code}`)));
  }

  /** Sends `request`; resolves with the worker's reply. */
  request(request: PartitionRequest): Promise<unknown> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.worker.postMessage(request);
    });
  }

  private fail(error: unknown): void {
    this.failure ??= error;
    for (const { reject } of this.pending.splice(0)) reject(error);
  }
}
