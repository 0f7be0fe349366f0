import { Worker } from "node:worker_threads";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { type AllocatorCounters, emptyCounters } from "../core/AllocatorCounters.js";
import { createSharedMemory } from "../mem/sharedMemory.js";
import { GuestModel } from "./GuestModel.js";
import { readViolation } from "./readViolation.js";
import { runtimeLayout, WorkerActivity, WorkerField } from "./runtimeLayout.js";
import { type StressOptions, stressCommand, validateStressOptions } from "./StressOptions.js";
import type {
  FaultReport,
  LockHoldStats,
  StressResult,
  StressStats,
  ThreadStats,
} from "./StressResult.js";
import type { StressWorkerData, StressWorkerDone } from "./StressWorkerData.js";
import type { TraceSchedule } from "./TraceSchedule.js";

/** How often the coordinator looks at progress, in milliseconds. */
const POLL_MS = 100;
/** How long workers get to notice a stop before they are terminated. */
const STOP_GRACE_MS = 2000;
/** How long a worker may take to start (load its module) before the watchdog counts it. */
const START_ALLOWANCE_MS = 10_000;

const ACTIVITY_NAMES = Object.fromEntries(
  Object.entries(WorkerActivity).map(([name, code]) => [code, name]),
);

/** Hooks a caller (the CLI) may pass; the engine itself prints nothing. */
export interface StressHooks {
  /** Called about every 100 ms with the events done so far and the total. */
  readonly onProgress?: (done: number, total: number) => void;
}

function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))];
}

function addCounters(total: AllocatorCounters, more: AllocatorCounters): void {
  for (const key of Object.keys(total) as (keyof AllocatorCounters)[]) total[key] += more[key];
}

/**
 * Runs C logical CPUs on T worker threads against one allocator in shared memory, checking
 * the guest-side invariants as it goes. Resolves (never rejects for a worker's failure) with
 * how the run ended: ok, the first violation found, or a fault (a worker threw, or no progress
 * for `watchdogMs`). Workers are always terminated before it resolves.
 */
export async function runStress(
  options: StressOptions,
  hooks: StressHooks = {},
  trace?: TraceSchedule,
): Promise<StressResult> {
  validateStressOptions(options);
  if (trace !== undefined) {
    const fits =
      trace.bits === options.bits && trace.cpus === options.cpus && trace.events === options.events;
    if (!fits || trace.maxVm > options.vms)
      throw new Error("internal error: options do not match the trace");
  }
  const { bits, cpus, threads, vms, vcpusPerVm, events } = options;
  const memory = createSharedMemory(bits, cpus, vms, {
    sampleLockEvery: options.sampleLockEvery,
    allocator: options.allocator,
    kpti: options.kpti,
  });
  const layout = runtimeLayout(bits, cpus, threads, vms, vcpusPerVm, options.tlbModel);
  const runtimeBuffer = new SharedArrayBuffer(layout.byteLength);
  GuestModel.initialise(runtimeBuffer, layout);
  const words = new Int32Array(runtimeBuffer, 0, layout.int32Length);

  // One independent PRNG stream per CPU: the seed's generator, jumped 2^64 steps per CPU.
  const streams = xoroshiro128plus(options.seed | 0);
  const rngStates: (readonly number[])[] = [];
  for (let cpu = 0; cpu < cpus; cpu++) {
    rngStates.push(streams.getState());
    streams.jump();
  }
  const hosted = Array.from({ length: threads }, (_, thread) =>
    Array.from({ length: cpus }, (_, cpu) => cpu).filter((cpu) => cpu % threads === thread),
  );
  const eventsOf = (cpu: number) =>
    trace !== undefined
      ? trace.perCpu[cpu].length
      : Math.floor(events / cpus) + (cpu < events % cpus ? 1 : 0);

  // No worker works for a CPU until it says so (a fault report must not name CPU 0).
  for (let thread = 0; thread < threads; thread++) {
    Atomics.store(words, layout.workerBase + thread * layout.workerStride + WorkerField.cpu, -1);
  }
  const started = performance.now();
  const done: (StressWorkerDone | undefined)[] = new Array(threads).fill(undefined);
  let failure: { thread: number; error: Error } | undefined;
  const workers = hosted.map((cpuList, thread) => {
    const data: StressWorkerData = {
      workerIndex: thread,
      options: { ...options },
      allocatorBuffer: memory.buffer,
      allocatorLayout: memory.layout,
      runtimeBuffer,
      layout,
      cpus: cpuList,
      rngStates: cpuList.map((cpu) => rngStates[cpu]),
      eventsPerCpu: cpuList.map(eventsOf),
      traceEvents: trace === undefined ? undefined : cpuList.map((cpu) => trace.perCpu[cpu]),
      injectFault: thread === 0 ? options.injectFault : undefined,
    };
    return new Worker(new URL("./stressWorker.js", import.meta.url), { workerData: data });
  });
  const exited = workers.map(
    (worker, thread) =>
      new Promise<void>((resolve) => {
        worker.on("message", (message: StressWorkerDone) => {
          done[thread] = message;
        });
        worker.on("error", (error: Error) => {
          failure ??= { thread, error };
          Atomics.store(words, layout.stop, 1);
        });
        worker.on("exit", () => resolve());
      }),
  );

  const workerWord = (thread: number, field: number) =>
    Atomics.load(words, layout.workerBase + thread * layout.workerStride + field);
  const describeWorker = (thread: number) => ({
    thread,
    cpus: hosted[thread],
    activity: ACTIVITY_NAMES[workerWord(thread, WorkerField.activity)] ?? "unknown",
    cpu: workerWord(thread, WorkerField.cpu),
    vm: workerWord(thread, WorkerField.vm),
  });

  // Watch progress until every worker has exited, a worker failed, or nothing moves.
  let fault: FaultReport | undefined;
  let lastEvents = -1;
  let lastThreadEvents = hosted.map(() => -1);
  let lastChange = performance.now();
  let allExited = false;
  // A worker still loading its module has made no progress yet, but is not stuck: the
  // watchdog counts from when every worker has started (or the start allowance ran out).
  const starting = () =>
    performance.now() - started < START_ALLOWANCE_MS &&
    hosted.some(
      (_, thread) => workerWord(thread, WorkerField.activity) === WorkerActivity.starting,
    );
  void Promise.all(exited).then(() => {
    allExited = true;
  });
  while (!allExited) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    const threadEvents = hosted.map((_, thread) => workerWord(thread, WorkerField.events));
    const total = threadEvents.reduce((sum, n) => sum + n, 0);
    hooks.onProgress?.(total, events);
    if (failure !== undefined) break;
    if (total !== lastEvents || starting()) {
      lastEvents = total;
      lastThreadEvents = threadEvents;
      lastChange = performance.now();
    } else if (
      performance.now() - lastChange > options.watchdogMs &&
      Atomics.load(words, layout.stop) === 0
    ) {
      // Stuck: a worker that has not finished its events and has not moved. A worker that
      // finished but has not exited yet (a loaded machine) is not stuck.
      const finishedActivities: number[] = [WorkerActivity.finished, WorkerActivity.stopped];
      const stuck = hosted
        .map((_, thread) => thread)
        .filter(
          (thread) =>
            threadEvents[thread] === lastThreadEvents[thread] &&
            done[thread] === undefined &&
            !finishedActivities.includes(workerWord(thread, WorkerField.activity)),
        );
      if (stuck.length === 0) {
        lastChange = performance.now();
        continue;
      }
      fault = {
        reason: "watchdog",
        message: `no progress for ${options.watchdogMs} ms`,
        workers: stuck.map(describeWorker),
      };
      break;
    } else if (
      Atomics.load(words, layout.stop) !== 0 &&
      performance.now() - lastChange > STOP_GRACE_MS
    ) {
      break; // stopping workers did not exit in time: terminate them below
    }
  }
  if (failure !== undefined) {
    const { thread, error } = failure;
    fault = {
      reason: "worker-error",
      message: `worker ${thread} threw: ${error.message}`,
      workers: [describeWorker(thread)],
    };
  }

  // Stop everyone: ask, give them a moment, then terminate whoever is left.
  Atomics.store(words, layout.stop, 1);
  let graceTimer: ReturnType<typeof setTimeout> | undefined;
  const grace = new Promise((resolve) => {
    graceTimer = setTimeout(resolve, fault === undefined ? STOP_GRACE_MS : 200);
  });
  await Promise.race([Promise.all(exited), grace]);
  clearTimeout(graceTimer); // a run that ended in time must not wait for it
  await Promise.all(workers.map((worker) => worker.terminate()));
  const elapsedMs = performance.now() - started;

  const stats = collectStats(
    hosted,
    done,
    elapsedMs,
    (thread) => workerWord(thread, WorkerField.events),
    (thread) => workerWord(thread, WorkerField.runs),
  );
  const replay = stressCommand(options);
  if (fault !== undefined) return { kind: "fault", options, replay, stats, fault };
  const violation = readViolation(runtimeBuffer, layout, bits, stats.runs);
  if (violation !== undefined) return { kind: "violation", options, replay, stats, violation };
  if (stats.events !== events) {
    return {
      kind: "fault",
      options,
      replay,
      stats,
      fault: {
        reason: "worker-error",
        message: `workers stopped after ${stats.events} of ${events} events`,
        workers: [],
      },
    };
  }
  return { kind: "ok", options, replay, stats };
}

function collectStats(
  hosted: readonly (readonly number[])[],
  done: readonly (StressWorkerDone | undefined)[],
  elapsedMs: number,
  eventsOf: (thread: number) => number,
  runsOf: (thread: number) => number,
): StressStats {
  const counters = emptyCounters();
  const samples: number[] = [];
  const threads: ThreadStats[] = hosted.map((cpus, thread) => {
    const message = done[thread];
    const threadCounters = message?.counters ?? emptyCounters();
    addCounters(counters, threadCounters);
    if (message !== undefined) samples.push(...message.lockHoldSamplesNs);
    return {
      thread,
      cpus,
      events: eventsOf(thread),
      runs: runsOf(thread),
      counters: threadCounters,
    };
  });
  samples.sort((a, b) => a - b);
  const lockHold: LockHoldStats = {
    samples: samples.length,
    p50Ns: percentile(samples, 0.5),
    p99Ns: percentile(samples, 0.99),
  };
  const events = threads.reduce((sum, t) => sum + t.events, 0);
  const runs = threads.reduce((sum, t) => sum + t.runs, 0);
  return {
    elapsedMs,
    events,
    runs,
    updatesPerSecond: elapsedMs > 0 ? runs / (elapsedMs / 1000) : 0,
    counters,
    lockHold,
    threads,
  };
}
