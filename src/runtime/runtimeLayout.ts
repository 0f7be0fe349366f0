import { roundUp } from "../_internal/roundUp.js";
import { CACHE_LINE_BYTES } from "../mem/sharedLayout.js";

const WORDS_PER_LINE = CACHE_LINE_BYTES / 4;
const BIG_SLOTS_PER_LINE = CACHE_LINE_BYTES / 8;

/** Events each CPU remembers for a violation report. */
export const RING_EVENTS = 16;

/** Int32 fields of one ring-buffer entry. */
export const RingField = { sequence: 0, kind: 1, vm: 2, count: 3 } as const;

/** What a ring-buffer entry records. */
export const RingKind = { run: 1, put: 2, flush: 3 } as const;

/** Int32 words of the violation record (the first violation wins it). */
export const ViolationField = {
  /** 0 none; else 1 + index in VIOLATION_KINDS. */
  kind: 0,
  cpu: 1,
  otherCpu: 2,
  vm: 3,
  otherVm: 4,
  idx: 5,
  count: 6,
} as const;

/** Int32 words per worker, each worker on its own line. */
export const WorkerField = {
  /** Events done (runs + puts), the watchdog's progress measure. */
  events: 0,
  /** Runs done. */
  runs: 1,
  /** What it is doing now: a WorkerActivity. */
  activity: 2,
  /** The CPU it is working for now, or -1. */
  cpu: 3,
  /** The VM of the current run, or 0. */
  vm: 4,
} as const;

/** A worker's activity word. */
export const WorkerActivity = {
  starting: 0,
  update: 1,
  put: 2,
  guestEntry: 3,
  refill: 4,
  finished: 5,
  stopped: 6,
  /** Pinning or unpinning a VM (pinned ids). */
  pin: 7,
} as const;

/**
 * The runtime's own shared state, beside the allocator's buffer: stop flag, flush epoch,
 * violation record, per-worker progress, vCPU ownership, the guest-side model (per-CPU guest
 * word, per-idx owner words, per-CPU TLB) and per-CPU ring buffers of recent events.
 *
 * ```
 * Int32 view                                        BigInt64 view (starts at bigBase)
 * line 0   stop word                                guest[c]: (vm << 32 | idx), 0 = not in a guest
 * line 1   flush epoch (starts at 1)                owner[idx]: (generation index << 32 | vm)
 * line 2   violation record                         tlb[c * 2^bits + idx]: (epoch << 32 | vm)
 * line 3.. one line per worker (WorkerField)        ringIds[c * RING_EVENTS + i]: the id of a run
 *                                                   (no tlb region when the TLB model is off)
 * then     vcpuOwner[(vm - 1) * vcpus + k]: cpu + 1, 0 = free
 * then     ring[(c * RING_EVENTS + i) * RingField.count + field]
 * ```
 * The stop word and flush epoch are read by every CPU at every event, so each has a line.
 */
export interface RuntimeLayout {
  readonly byteLength: number;
  readonly stop: number;
  readonly flushEpoch: number;
  readonly violationBase: number;
  readonly workerBase: number;
  readonly workerStride: number;
  readonly vcpuOwnerBase: number;
  readonly ringBase: number;
  readonly int32Length: number;
  readonly bigBase: number;
  readonly guestBase: number;
  readonly ownerBase: number;
  readonly tlbBase: number;
  readonly ringIdBase: number;
  readonly bigLength: number;
}

/** The layout for a run of `cpus` CPUs, `bits`-bit ids, `threads` workers, `vms` x `vcpus`. */
export function runtimeLayout(
  bits: number,
  cpus: number,
  threads: number,
  vms: number,
  vcpus: number,
  tlbModel = true,
): RuntimeLayout {
  const stop = 0;
  const flushEpoch = WORDS_PER_LINE;
  const violationBase = 2 * WORDS_PER_LINE;
  const workerBase = 3 * WORDS_PER_LINE;
  const vcpuOwnerBase = workerBase + threads * WORDS_PER_LINE;
  const ringBase = roundUp(vcpuOwnerBase + vms * vcpus, WORDS_PER_LINE);
  const int32Length = roundUp(ringBase + cpus * RING_EVENTS * RingField.count, WORDS_PER_LINE);
  const bigBase = int32Length * 4;
  const guestBase = 0;
  const ownerBase = roundUp(cpus, BIG_SLOTS_PER_LINE);
  const tlbBase = roundUp(ownerBase + 2 ** bits, BIG_SLOTS_PER_LINE);
  const ringIdBase = roundUp(tlbBase + (tlbModel ? cpus * 2 ** bits : 0), BIG_SLOTS_PER_LINE);
  const bigLength = roundUp(ringIdBase + cpus * RING_EVENTS, BIG_SLOTS_PER_LINE);
  return {
    byteLength: bigBase + bigLength * 8,
    stop,
    flushEpoch,
    violationBase,
    workerBase,
    workerStride: WORDS_PER_LINE,
    vcpuOwnerBase,
    ringBase,
    int32Length,
    bigBase,
    guestBase,
    ownerBase,
    tlbBase,
    ringIdBase,
    bigLength,
  };
}
