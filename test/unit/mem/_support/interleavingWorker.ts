import { parentPort, workerData } from "node:worker_threads";
import { createAllocatorOver } from "../../../../src/core/createAllocator.js";
import { sharedMemoryView } from "../../../../src/mem/sharedMemory.js";
import { acquireSpinLock, releaseSpinLock } from "../../../../src/mem/spinLock.js";
import {
  type AllocatorJob,
  type AllocatorJobResult,
  controlWordsOf,
  type Outcome,
  pauseHere,
  pausingMemory,
  type SpinCountJob,
  START,
  type WorkerInput,
} from "./pausingMemory.js";

/*
 * The worker script of the interleaving tests (started from the compiled .js by
 * ControlledWorker). It plays one CPU: it makes its own view of the shared memory and its own
 * allocator (as a runtime thread would), pauses at START, then runs its job, pausing wherever
 * the test's plan says, and posts an Outcome.
 */

function runAllocatorJob(job: AllocatorJob, control: Int32Array): AllocatorJobResult {
  const memory = pausingMemory(sharedMemoryView(job.buffer, job.layout), control, job.plan);
  const allocator = createAllocatorOver(memory, job.behaviour);
  pauseHere(control, START);
  const returned: (bigint | undefined)[] = [];
  for (const op of job.ops) {
    if (op.kind === "update") {
      returned.push(allocator.update(op.cpu, op.vm));
    } else {
      allocator.clearActive(op.cpu);
      returned.push(undefined);
    }
  }
  const unreached = memory.unreachedPoints();
  if (unreached.length > 0) {
    throw new Error(`finished without reaching ${unreached.map((p) => `"${p}"`).join(", ")}`);
  }
  return { returned, counters: { ...allocator.counters }, calls: memory.calls };
}

function runSpinCountJob(job: SpinCountJob, control: Int32Array): null {
  const words = new Int32Array(job.buffer);
  pauseHere(control, START);
  for (let i = 0; i < job.iterations; i++) {
    acquireSpinLock(words, job.lockIndex);
    // A plain read-modify-write on purpose: only mutual exclusion keeps the count exact.
    words[job.counterIndex] = words[job.counterIndex] + 1;
    releaseSpinLock(words, job.lockIndex);
  }
  return null;
}

const input = workerData as WorkerInput;
const control = controlWordsOf(input.control, input.slot);
let outcome: Outcome;
try {
  const value =
    input.job.kind === "allocator"
      ? runAllocatorJob(input.job, control)
      : runSpinCountJob(input.job, control);
  outcome = { ok: true, value };
} catch (error) {
  outcome = { ok: false, error: error instanceof Error ? String(error.stack) : String(error) };
}
parentPort?.postMessage(outcome);
