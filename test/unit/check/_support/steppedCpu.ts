import type { FlushPolicy } from "../../../../src/core/FlushPolicy.js";
import type { MutantName } from "../../../../src/core/Mutant.js";
import type { StrategyName } from "../../../../src/core/strategies/ReservedLookup.js";
import type { SharedLayout } from "../../../../src/mem/sharedLayout.js";
import type { VmidMemory } from "../../../../src/mem/VmidMemory.js";
import { InterceptingMemory, type ObservableAccess } from "../../../_support/InterceptingMemory.js";

/*
 * One CPU of the core allocator as a worker thread that stops at every access another CPU can
 * observe, so that a test can run several CPUs in any order it chooses, one access at a time.
 *
 * The worker (steppedCpuWorker.ts) runs `src/core`'s own `updateVmid` and `clearActive`, over
 * the shared-memory backend wrapped in `SteppingMemory`, which pauses before and after every
 * method of the memory interface (the generation, active slots, VM ids, the lock). Besides
 * those, the worker pauses where the core calls back into its caller, which are the other
 * points a model step begins or ends at:
 * - `flushAll`: the rollover's broadcast flush (`onFlush`), before and after the worker
 *   empties every CPU's TLB;
 * - `localFlush`: the deferred policy's flush of this CPU (`onLocalFlush`), before and after
 *   it empties its TLB;
 * - `reserved`: the end of the rollover's per-CPU step (the strategy's `noteReserved`, which
 *   the core calls after it wrote the reservation);
 * - `returned`: `updateVmid` returned (the guest is about to be entered);
 * - `idle`: waiting for the next operation.
 * Between two pauses the worker runs the core's local computation and its accesses to state
 * only the lock holder touches (bitmap, reservations, curIdx, the strategy's words), and the
 * deferred policy's flush marks (`Atomics` on `flushPending`, not methods of the interface).
 *
 * The protocol is lock-step over shared words, with no message passing: at a pause the worker
 * writes what it is about to do (or just did) into its slot, counts an arrival, and sleeps
 * until the test thread counts a release. The test thread waits with `Atomics.wait` (allowed
 * on Node's main thread), so a whole schedule runs synchronously, and every wait has a
 * timeout that turns into an error naming the CPU.
 */

/** What a pause is at. `Before`/`After` pairs bracket one access; the others are single. */
export const Op = {
  loadGeneration: 0,
  storeGeneration: 1,
  loadActive: 2,
  storeActive: 3,
  compareExchangeActive: 4,
  exchangeActive: 5,
  loadVmId: 6,
  storeVmId: 7,
  lock: 8,
  unlock: 9,
  flushAll: 10,
  localFlush: 11,
  /** Single: the rollover reserved `value0` for CPU `arg` (after `noteReserved`). */
  reserved: 12,
  /** Single: `updateVmid` returned `value0`. */
  returned: 13,
  /** Single: waiting for an operation. */
  idle: 14,
  /** Single: the worker threw; the message is in the slot's text. */
  failed: 15,
} as const;

const OP_NAMES = Object.fromEntries(Object.entries(Op).map(([name, code]) => [code, name]));

/** A pause label: `op * 2 + 1` after the access, `op * 2` before it (and for single pauses). */
export function labelOf(op: number, after: boolean): number {
  return op * 2 + (after ? 1 : 0);
}

/** `before loadVmId(4)`, `after exchangeActive(1)`, `idle`, ... */
export function describeLabel(label: number, arg: number): string {
  const op = label >> 1;
  const name = OP_NAMES[op] ?? `op ${op}`;
  if (op >= Op.reserved) return op === Op.reserved ? `reserved(cpu ${arg})` : name;
  return `${label & 1 ? "after" : "before"} ${name}(${arg})`;
}

/** Int32 words of one CPU's control slot. */
export const Word = {
  /** Pauses reached (worker writes). */
  arrived: 0,
  /** Pauses released (test writes). */
  released: 1,
  /** The label of the pause reached last. */
  label: 2,
  /** Its argument: the CPU or VM the access names, or 0. */
  arg: 3,
  /** The operation to run when released from `idle` (see Command). */
  command: 4,
  /** The VM of an `update`, `pin` or `unpin` command. */
  commandVm: 5,
  /** Bumped by the test for a fresh run: the worker makes a fresh view and context. */
  run: 6,
  /** Set by the test to abandon the operation under way (a failed run): see AbandonedRun. */
  abandon: 7,
} as const;

/** Operations the test hands a CPU at `idle`. */
export const Command = { update: 1, put: 2, exit: 3, pin: 4, unpin: 5 } as const;

const WORDS_PER_SLOT = 16;
const VALUES_PER_SLOT = 2;
const TEXT_BYTES_PER_SLOT = 2048;
/** CPUs a control block serves. */
export const MAX_CPUS = 4;
/** How long a wait may last before the test fails, in milliseconds. */
export const STEP_TIMEOUT_MS = 10_000;

/** Shared buffers of the protocol and of the hardware replica, handed to every worker. */
export interface ControlBuffers {
  readonly words: SharedArrayBuffer;
  readonly values: SharedArrayBuffer;
  readonly text: SharedArrayBuffer;
  /**
   * The hardware the workers drive (the core has none): per CPU an Int32 TLB (bit
   * `(vm - 1) * N + idx` per entry, as in the model), the loaded VM and the loaded idx.
   */
  readonly hardware: SharedArrayBuffer;
}

export function createControlBuffers(): ControlBuffers {
  return {
    words: new SharedArrayBuffer(MAX_CPUS * WORDS_PER_SLOT * 4),
    values: new SharedArrayBuffer(MAX_CPUS * VALUES_PER_SLOT * 8),
    text: new SharedArrayBuffer(MAX_CPUS * TEXT_BYTES_PER_SLOT),
    hardware: new SharedArrayBuffer(MAX_CPUS * 3 * 4),
  };
}

/** Hardware words of CPU `cpu` in the hardware Int32Array. */
export const Hardware = {
  tlb: (cpu: number) => cpu * 3,
  loadedVm: (cpu: number) => cpu * 3 + 1,
  loadedIdx: (cpu: number) => cpu * 3 + 2,
} as const;

/** One CPU's views of the control buffers. */
export interface ControlSlot {
  readonly words: Int32Array;
  readonly values: BigInt64Array;
  readonly text: Uint8Array;
}

export function controlSlot(buffers: ControlBuffers, cpu: number): ControlSlot {
  return {
    words: new Int32Array(buffers.words, cpu * WORDS_PER_SLOT * 4, WORDS_PER_SLOT),
    values: new BigInt64Array(buffers.values, cpu * VALUES_PER_SLOT * 8, VALUES_PER_SLOT),
    text: new Uint8Array(buffers.text, cpu * TEXT_BYTES_PER_SLOT, TEXT_BYTES_PER_SLOT),
  };
}

/**
 * Thrown at the worker's pauses once the test set `abandon`: unwinds the core's operation
 * (a failed run left it mid-way) so that the worker can wait at `idle` for the next run.
 */
export class AbandonedRun extends Error {}

/** Worker side: report arrival at `label` and sleep until the test releases it. */
export function pauseAt(
  slot: ControlSlot,
  label: number,
  arg: number,
  value0 = 0n,
  value1 = 0n,
): void {
  const { words, values } = slot;
  if (Atomics.load(words, Word.abandon) !== 0) throw new AbandonedRun();
  words[Word.label] = label;
  words[Word.arg] = arg;
  values[0] = value0;
  values[1] = value1;
  // Atomics.add is sequentially consistent: the writes above are visible to whoever reads it.
  const arrival = Atomics.add(words, Word.arrived, 1) + 1;
  Atomics.notify(words, Word.arrived);
  for (;;) {
    const released = Atomics.load(words, Word.released);
    if (released >= arrival) {
      if (Atomics.load(words, Word.abandon) !== 0) throw new AbandonedRun();
      return;
    }
    if (Atomics.wait(words, Word.released, released, STEP_TIMEOUT_MS) === "timed-out") {
      throw new Error(`paused at ${describeLabel(label, arg)} for ${STEP_TIMEOUT_MS} ms`);
    }
  }
}

/** Worker side: report a failure (the test reads the message) without waiting. */
export function reportFailure(slot: ControlSlot, message: string): void {
  const bytes = new TextEncoder().encode(message).subarray(0, slot.text.length - 1);
  slot.text.fill(0);
  slot.text.set(bytes);
  slot.words[Word.label] = labelOf(Op.failed, false);
  Atomics.add(slot.words, Word.arrived, 1);
  Atomics.notify(slot.words, Word.arrived);
}

/** What a worker is started with. */
export interface SteppedCpuInput {
  readonly cpu: number;
  readonly buffers: ControlBuffers;
  readonly memoryBuffer: SharedArrayBuffer;
  readonly layout: SharedLayout;
  readonly strategy: StrategyName;
  readonly mutant: MutantName | undefined;
  readonly flush: FlushPolicy;
}

/**
 * A VmidMemory that pauses before and after every observable call of `inner`, reporting the
 * method, its CPU or VM, and its values (before: the values it writes; after: what it read).
 * Lock-only state is the very same typed arrays as `inner`'s (InterceptingMemory).
 */
export class SteppingMemory extends InterceptingMemory {
  constructor(
    inner: VmidMemory<bigint>,
    private readonly slot: ControlSlot,
  ) {
    super(inner);
  }

  protected intercept<T>({ method, target, written }: ObservableAccess, call: () => T): T {
    const op = Op[method];
    const arg = target?.index ?? 0;
    pauseAt(this.slot, labelOf(op, false), arg, written[0] ?? 0n, written[1] ?? 0n);
    const result = call();
    pauseAt(this.slot, labelOf(op, true), arg, typeof result === "bigint" ? result : 0n);
    return result;
  }
}
