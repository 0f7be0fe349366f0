import { Worker } from "node:worker_threads";
import type { SimResult } from "../SimOptions.js";
import type { SweepConfig, SweepOutput, SweepRow } from "./SweepOutput.js";
import { type SweepPoint, sweepPoints } from "./sweepPoints.js";
import { sweepRows } from "./sweepRows.js";

/** A point already run (read back from an interrupted sweep's output). */
export interface FinishedPoint {
  readonly rows: readonly SweepRow[];
  readonly elapsedMs: number;
}

/** How to run a sweep; the engine prints nothing. */
export interface SweepRunOptions {
  /** Worker threads, 1..64; points run in parallel, one per worker. */
  readonly jobs: number;
  /** Points already finished, by index: not run again. */
  readonly finished?: ReadonlyMap<number, FinishedPoint>;
  /** Called as each point finishes (in completion order), e.g. to append it to a file. */
  readonly onPointDone?: (point: number, finished: FinishedPoint) => void;
  /** Called after each point with the points done (finished before included) and the total to run. */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Runs every point of `config` not already finished on a pool of worker threads and returns
 * the whole sweep's output, rows in point order (so the output does not depend on which
 * worker finished first). Rejects if a worker fails or a point's policies disagree on ids.
 */
export async function runSweep(config: SweepConfig, run: SweepRunOptions): Promise<SweepOutput> {
  const { points, skipped } = sweepPoints(config);
  const finished = new Map(run.finished ?? []);
  const pending = points.filter(({ point }) => !finished.has(point));
  let done = points.length - pending.length;
  run.onProgress?.(done, points.length);

  const record = (point: number, result: SimResult) => {
    if (!result.idsIdentical) {
      throw new Error(
        `point ${point}: the policies returned different ids (a bug: they must agree)`,
      );
    }
    const entry = { rows: sweepRows(point, result), elapsedMs: result.elapsedMs };
    finished.set(point, entry);
    run.onPointDone?.(point, entry);
    done++;
    run.onProgress?.(done, points.length);
  };
  await runOnWorkers(pending, Math.max(1, Math.min(run.jobs, pending.length)), record);

  const rows: SweepRow[] = [];
  let elapsedMs = 0;
  for (const { point } of points) {
    const entry = finished.get(point);
    if (entry === undefined) throw new Error(`internal error: point ${point} did not run`);
    rows.push(...entry.rows);
    elapsedMs += entry.elapsedMs;
  }
  return {
    format: "vmid-sweep",
    version: 1,
    config,
    rows,
    skipped,
    points: points.length + skipped.length,
    elapsedMs,
  };
}

/** Runs `points` on `jobs` workers, handing each worker the next point when it finishes one. */
function runOnWorkers(
  points: readonly SweepPoint[],
  jobs: number,
  record: (point: number, result: SimResult) => void,
): Promise<void> {
  if (points.length === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const workers: Worker[] = [];
    const retired = new Set<Worker>(); // terminated by us, not failed
    let next = 0;
    let running = 0;
    let failed = false;
    const stopAll = (error: unknown) => {
      if (failed) return;
      failed = true;
      for (const worker of workers) void worker.terminate();
      reject(error);
    };
    const feed = (worker: Worker) => {
      if (next < points.length) {
        running++;
        worker.postMessage(points[next++]);
      } else {
        retired.add(worker);
        void worker.terminate();
      }
    };
    for (let i = 0; i < jobs; i++) {
      const worker = new Worker(new URL("./sweepWorker.js", import.meta.url));
      workers.push(worker);
      worker.on("message", (message: { point: number; result: SimResult }) => {
        running--;
        try {
          record(message.point, message.result);
        } catch (error) {
          stopAll(error);
          return;
        }
        if (next === points.length && running === 0) {
          for (const w of workers) {
            retired.add(w);
            void w.terminate();
          }
          resolve();
        } else feed(worker);
      });
      worker.on("error", (error) => stopAll(error));
      worker.on("exit", (code) => {
        if (!retired.has(worker) && !failed) {
          stopAll(new Error(`a sweep worker exited with code ${code}`));
        }
      });
      feed(worker);
    }
  });
}
