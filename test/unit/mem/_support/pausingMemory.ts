import { Worker } from "node:worker_threads";
import type { AllocatorCounters } from "../../../../src/core/AllocatorCounters.js";
import type { AllocatorBehaviour } from "../../../../src/core/createAllocator.js";
import type { SharedLayout } from "../../../../src/mem/sharedLayout.js";
import type { VmidMemory } from "../../../../src/mem/VmidMemory.js";
import { InterceptingMemory, type ObservableAccess } from "../../../_support/InterceptingMemory.js";

/*
 * Forcing an interleaving of two threads, deterministically.
 *
 * Each worker thread owns a few words of a control Int32Array (its "slot"). Whenever the
 * worker reaches a pause point it increments its `arrived` word, notifies, and blocks in
 * Atomics.wait until the test thread raises its `released` word to the same count. The test
 * thread (which never blocks: it waits with Atomics.waitAsync) therefore decides, point by
 * point, which thread runs next: a schedule is a sequence of `reach(point)` / `release()`
 * calls on the workers. No sleeps, no timing: every wait is on a control word, and every wait
 * has a timeout that turns into a test failure naming the point that was never reached.
 *
 * The pause points inside the allocator come from `pausingMemory`, a decorator of the memory
 * interface: the algorithm makes every access to shared state through that interface, so a
 * pause "before compareExchangeActive(cpu 0)" stops it exactly between two of its atomic
 * steps. Both sides of the protocol live in this file.
 */

/** Names of one thread's control words (Int32 indices within its slot). */
export const ControlWord = {
  /** Pause points this thread has reached so far (written by the worker). */
  arrived: 0,
  /** Pause points the test has released so far (written by the test thread). */
  released: 1,
} as const;

/** Int32 words per slot: one 64-byte line each, so the threads' words do not share a line. */
const WORDS_PER_SLOT = 16;
/** Slots in a control buffer: at most this many workers per schedule. */
const MAX_SLOTS = 4;

/** How long any one wait may last before the test fails, in milliseconds. */
export const WAIT_TIMEOUT_MS = 10_000;

/** The first pause point of every worker: set up, before doing anything to shared state. */
export const START = "start";

/** The control words of `slot` in a control buffer. */
export function controlWordsOf(buffer: SharedArrayBuffer, slot: number): Int32Array {
  return new Int32Array(buffer, slot * WORDS_PER_SLOT * 4, WORDS_PER_SLOT);
}

/**
 * Worker side: announce arrival at `label` and block until the test thread releases it.
 * Throws if no release comes within WAIT_TIMEOUT_MS.
 */
export function pauseHere(control: Int32Array, label: string): void {
  const arrival = Atomics.add(control, ControlWord.arrived, 1) + 1;
  Atomics.notify(control, ControlWord.arrived);
  for (;;) {
    const released = Atomics.load(control, ControlWord.released);
    if (released >= arrival) return;
    // Atomics.wait sleeps only while the word still holds `released`: a release between the
    // load and the wait makes it return at once (no lost wake-up).
    const outcome = Atomics.wait(control, ControlWord.released, released, WAIT_TIMEOUT_MS);
    if (outcome === "timed-out") {
      throw new Error(`paused at "${label}" for ${WAIT_TIMEOUT_MS} ms: the test never released it`);
    }
  }
}

/** Memory operations a pause point can name. */
const OPERATIONS = [
  "loadGeneration",
  "storeGeneration",
  "loadActive",
  "storeActive",
  "compareExchangeActive",
  "exchangeActive",
  "loadVmId",
  "storeVmId",
  "lock",
  "unlock",
] as const;

/**
 * A pause point: before or after one memory operation, e.g. `"before compareExchangeActive(cpu
 * 0)"`, `"after exchangeActive(cpu 1)"`, `"before loadVmId(vm 5)"`, `"after lock()"`.
 */
export type PausePoint = `${"before" | "after"} ${(typeof OPERATIONS)[number]}(${string})`;

const POINT_PATTERN = new RegExp(
  `^(before|after) (${OPERATIONS.join("|")})\\((cpu \\d+|vm \\d+|)\\)$`,
);

/**
 * A VmidMemory that forwards every call to `inner` and pauses (`pauseHere`) at the points of
 * `plan`, in order: the first call matching plan[0] pauses, then the first later call matching
 * plan[1], and so on. It also records every call with its arguments and result, e.g.
 * `"compareExchangeActive(cpu 0, 5, 5) = 0"`, so a test can assert the exact atomic steps.
 */
export interface PausingMemory extends VmidMemory<bigint> {
  /** Every call so far, in order. */
  readonly calls: readonly string[];
  /** The plan's points not reached yet. */
  unreachedPoints(): readonly PausePoint[];
}

class PausingMemoryImpl extends InterceptingMemory implements PausingMemory {
  readonly calls: string[] = [];
  private nextPoint = 0;

  constructor(
    inner: VmidMemory<bigint>,
    private readonly control: Int32Array,
    private readonly plan: readonly PausePoint[],
  ) {
    super(inner);
    for (const point of plan) {
      if (!POINT_PATTERN.test(point)) throw new Error(`malformed pause point "${point}"`);
    }
  }

  unreachedPoints(): readonly PausePoint[] {
    return this.plan.slice(this.nextPoint);
  }

  /** Pauses if `when operation` is the plan's next point. */
  private point(when: "before" | "after", operation: string): void {
    if (this.nextPoint >= this.plan.length) return;
    const label = `${when} ${operation}`;
    if (label !== this.plan[this.nextPoint]) return;
    this.nextPoint++;
    pauseHere(this.control, label);
  }

  /**
   * Runs `call` between the before and after points of the access (`loadActive(cpu 0)`),
   * logging it with what it writes and returns (`storeActive(cpu 0, 5)`, `loadVmId(vm 1) = 5`).
   */
  protected intercept<T>({ method, target, written }: ObservableAccess, call: () => T): T {
    const named = target === undefined ? [] : [`${target.kind} ${target.index}`];
    const operation = `${method}(${named.join("")})`;
    const detail = `${method}(${[...named, ...written].join(", ")})`;
    this.point("before", operation);
    const result = call();
    this.calls.push(result === undefined ? detail : `${detail} = ${result}`);
    this.point("after", operation);
    return result;
  }
}

/**
 * Wraps `inner` (a thread's view of the shared memory) so that it pauses at the points of
 * `plan`, in order, using this thread's `control` words (see `pauseHere`).
 */
export function pausingMemory(
  inner: VmidMemory<bigint>,
  control: Int32Array,
  plan: readonly PausePoint[],
): PausingMemory {
  return new PausingMemoryImpl(inner, control, plan);
}

// ---------------------------------------------------------------------------------------------
// The jobs a worker runs (interleavingWorker.ts) and what it reports.

/** One allocator call: VM `vm` runs on `cpu`, or the vCPU on `cpu` is put. */
export type AllocatorOp =
  | { readonly kind: "update"; readonly cpu: number; readonly vm: number }
  | { readonly kind: "clearActive"; readonly cpu: number };

/** Run `ops` with an allocator of its own over the shared memory, pausing at `plan`. */
export interface AllocatorJob {
  readonly kind: "allocator";
  readonly buffer: SharedArrayBuffer;
  readonly layout: SharedLayout;
  readonly behaviour: Pick<AllocatorBehaviour, "strategy" | "mutant">;
  readonly plan: readonly PausePoint[];
  readonly ops: readonly AllocatorOp[];
}

/** What an allocator job reports. */
export interface AllocatorJobResult {
  /** Per op: the id `update` returned, or undefined for `clearActive`. */
  readonly returned: readonly (bigint | undefined)[];
  /** The worker's allocator counters (they are per allocator object, so per thread). */
  readonly counters: AllocatorCounters;
  /** Every memory call of the worker, as PausingMemory records them. */
  readonly calls: readonly string[];
}

/**
 * Increment the plain (non-atomic) Int32 word `counterIndex` of `buffer` `iterations` times,
 * each under acquireSpinLock/releaseSpinLock of word `lockIndex`.
 */
export interface SpinCountJob {
  readonly kind: "spinCount";
  readonly buffer: SharedArrayBuffer;
  readonly lockIndex: number;
  readonly counterIndex: number;
  readonly iterations: number;
}

/** A worker's job. Every job pauses at START first. */
export type Job = AllocatorJob | SpinCountJob;

/** What a worker posts when it ends. */
export type Outcome =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly error: string };

/** What the worker script receives as workerData. */
export interface WorkerInput {
  readonly job: Job;
  readonly control: SharedArrayBuffer;
  readonly slot: number;
}

// ---------------------------------------------------------------------------------------------
// The test thread's side.

type WaitAsyncResult =
  | { readonly async: false; readonly value: "not-equal" | "timed-out" }
  | { readonly async: true; readonly value: Promise<"ok" | "timed-out"> };
// Atomics.waitAsync exists on Node 20 but is not in the es2022 lib this project compiles with.
const waitAsync = (
  Atomics as unknown as {
    waitAsync(array: Int32Array, index: number, value: number, timeout: number): WaitAsyncResult;
  }
).waitAsync;

/**
 * A worker under the test's control: it runs only between `release()` and its next pause
 * point. `reach(point)` must name the points in the order the worker meets them: START,
 * then the plan's points.
 */
export class ControlledWorker {
  private readonly worker: Worker;
  private readonly control: Int32Array;
  private readonly outcome: Promise<Outcome>;
  /** Pause points reached so far, as the test has seen them. */
  private reached = 0;
  private readonly points: readonly string[];

  constructor(
    readonly name: string,
    job: Job,
    controlBuffer: SharedArrayBuffer,
    slot: number,
  ) {
    this.control = controlWordsOf(controlBuffer, slot);
    this.points = [START, ...(job.kind === "allocator" ? job.plan : [])];
    const workerData: WorkerInput = { job, control: controlBuffer, slot };
    this.worker = new Worker(new URL("./interleavingWorker.js", import.meta.url), { workerData });
    // The first of these events settles the outcome; the later ones are ignored.
    this.outcome = new Promise<Outcome>((resolve) => {
      this.worker.once("message", (message: Outcome) => resolve(message));
      this.worker.once("error", (error) => resolve({ ok: false, error: String(error.stack) }));
      this.worker.once("exit", (code) =>
        resolve({ ok: false, error: `exited with code ${code} before reporting` }),
      );
    });
  }

  /** Waits until the worker is paused at `point`, which must be the next one it meets. */
  async reach(point: string): Promise<void> {
    const expected = this.points[this.reached];
    if (point !== expected) {
      throw new Error(`schedule error: ${this.name}'s next point is "${expected}", not "${point}"`);
    }
    const target = this.reached + 1;
    const ended = this.outcome.then((outcome): never => {
      const how = outcome.ok ? "finished" : `failed (${outcome.error})`;
      throw new Error(`${this.name} ${how} without reaching "${point}"`);
    });
    ended.catch(() => undefined); // raced below only while waiting; never an unhandled rejection
    const deadline = Date.now() + WAIT_TIMEOUT_MS;
    for (;;) {
      const arrived = Atomics.load(this.control, ControlWord.arrived);
      if (arrived >= target) break;
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new Error(`${this.name} never reached "${point}" within ${WAIT_TIMEOUT_MS} ms`);
      }
      const waited = waitAsync(this.control, ControlWord.arrived, arrived, remaining);
      if (waited.async) await Promise.race([waited.value, ended]);
    }
    this.reached = target;
  }

  /** Lets the worker run on from the point it is paused at. */
  release(): void {
    if (Atomics.load(this.control, ControlWord.released) !== this.reached - 1) {
      throw new Error(`schedule error: ${this.name} is not paused at a point the test reached`);
    }
    Atomics.store(this.control, ControlWord.released, this.reached);
    Atomics.notify(this.control, ControlWord.released);
  }

  /** Releases the worker from the point it is paused at and waits for its report. */
  async finish<T>(): Promise<T> {
    this.release();
    return this.result<T>();
  }

  /** Waits for the worker's report: its value, or a thrown error if it failed. */
  async result<T>(): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<Outcome>((resolve) => {
      timer = setTimeout(
        () => resolve({ ok: false, error: `no report within ${WAIT_TIMEOUT_MS} ms` }),
        WAIT_TIMEOUT_MS,
      );
    });
    try {
      const outcome = await Promise.race([this.outcome, timeout]);
      if (!outcome.ok) throw new Error(`${this.name} failed: ${outcome.error}`);
      return outcome.value as T;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops the worker (whatever it is doing). */
  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}

/** Starts workers on one control buffer; `spawn` them inside `body`. */
export type Spawn = (name: string, job: Job) => ControlledWorker;

/**
 * Runs `body` with a `spawn` function and terminates every worker it spawned when `body`
 * returns or throws, so a failing schedule never leaves a thread blocked.
 */
export async function withWorkers<T>(body: (spawn: Spawn) => Promise<T>): Promise<T> {
  const controlBuffer = new SharedArrayBuffer(MAX_SLOTS * WORDS_PER_SLOT * 4);
  const workers: ControlledWorker[] = [];
  const spawn: Spawn = (name, job) => {
    if (workers.length === MAX_SLOTS) throw new Error(`at most ${MAX_SLOTS} workers`);
    const worker = new ControlledWorker(name, job, controlBuffer, workers.length);
    workers.push(worker);
    return worker;
  };
  try {
    return await body(spawn);
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}
