/** What the runtime's guest-side model can catch, each named after the invariant it checks. */
export const VIOLATION_KINDS = {
  "unique-vmid-per-cpu":
    "(a) UniqueVMIDPerCPU: a CPU's TLB holds entries of two VMs under one idx with no flush between",
  "shared-current-id":
    "(b) two different VMs entered guests with the same 64-bit id (same generation and idx)",
  "entry-idx-zero": "(c) a guest was entered with idx 0",
  "entry-stale-id": "(c) a guest was entered with an id neither current nor reserved for its CPU",
  "same-vmid-active-task":
    "(d) SameVMIDActiveTask: one VM is in guests on two CPUs under different idx",
  "pinned-idx-changed":
    "(e) a VM's idx changed while a CPU held a pin of it (pinned ids keep their idx across rollovers)",
} as const;

/** The name of a violation kind. */
export type ViolationKind = keyof typeof VIOLATION_KINDS;

/** Violation kinds in a stable order (their codes in shared memory are index + 1). */
export const VIOLATION_KIND_NAMES = Object.keys(VIOLATION_KINDS) as ViolationKind[];

/** One event a CPU did, from its ring buffer. */
export interface CpuEvent {
  /** The CPU's event number, from 1. */
  readonly sequence: number;
  readonly kind: "run" | "put" | "flush";
  /** The VM of a run, 0 otherwise. */
  readonly vm: number;
  /** The id a run got (hex), or the generation a flush started (hex); "" for a put. */
  readonly id: string;
}

/** The first violation a run found. */
export interface ViolationReport {
  readonly kind: ViolationKind;
  readonly description: string;
  /** The CPU that found it and the other CPU involved (-1 when there is none). */
  readonly cpu: number;
  readonly otherCpu: number;
  /** The VMs involved (the other one 0 when there is none). */
  readonly vm: number;
  readonly otherVm: number;
  readonly idx: number;
  /** Runs (updates) completed over all CPUs when it was found. */
  readonly afterUpdates: number;
  /** The last events of each CPU involved, oldest first. */
  readonly recentEvents: Readonly<Record<number, readonly CpuEvent[]>>;
}
