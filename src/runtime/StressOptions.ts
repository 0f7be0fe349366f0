import { requireInput } from "../_internal/requireInput.js";
import {
  requireEventCount,
  requirePutProbability,
  requireSeed,
} from "../_internal/scheduleChecks.js";
import { type AllocatorName, availableIdCount } from "../core/IdSpace.js";
import { MUTANTS, type MutantName } from "../core/Mutant.js";
import { maxPinnedIn } from "../core/maxPinned.js";
import { STRATEGY_NAMES, type StrategyName } from "../core/strategies/ReservedLookup.js";
import { validateConfig } from "../core/validateConfig.js";

/** Faults a test can inject to check that the runtime reports them (exit 3). */
export type InjectedFault = "crash" | "hang";

/** Options of a stress run: C logical CPUs on T worker threads sharing one allocator. */
export interface StressOptions {
  /** VMID width, 1..24 (1..16 for the ASID allocator). */
  readonly bits: number;
  /**
   * `vmid` (the default) or `asid`: the arm64 ASID allocator (deferred per-CPU flush, no put:
   * `putProbability` must be 0), see IdSpaceOptions.
   */
  readonly allocator?: AllocatorName;
  /** ASID allocator: KPTI pairs (half the ids usable). */
  readonly kpti?: boolean;
  /** Logical CPUs, 1..4096, with 2^bits - 1 > cpus. */
  readonly cpus: number;
  /** Worker threads, 1..min(cpus, 64); CPU c runs on thread c mod threads. */
  readonly threads: number;
  /** VMs 1..vms (generated schedules), 1..1,000,000. */
  readonly vms: number;
  /** vCPUs per VM: a VM runs on at most this many CPUs at once; vms x vcpus >= cpus. */
  readonly vcpusPerVm: number;
  /** Events (runs and puts) over all CPUs. */
  readonly events: number;
  /** Chance, 0..1, that an event on a CPU in a guest puts the vCPU instead of running one. */
  readonly putProbability: number;
  /**
   * Chance, 0..1, that an event is a pin or an unpin instead of a run or put (pinned ids);
   * 0, the default, makes the same schedules as before pins existed. Generated schedules only.
   */
  readonly pinProbability?: number;
  /** Seed of every CPU's schedule, 0..4294967295. */
  readonly seed: number;
  readonly strategy: StrategyName;
  readonly mutant?: MutantName;
  /** Milliseconds without any progress before the run is declared hung (fault). */
  readonly watchdogMs: number;
  /** Sample the lock hold time of one slow path in this many (power of two). */
  readonly sampleLockEvery: number;
  /**
   * Keep the per-CPU TLB model (check (a)); cpus x 2^bits entries of 8 bytes. Off for sizes
   * beyond MAX_TLB_ENTRIES (e.g. 4096 CPUs, which need bits >= 13); checks (b)-(d) remain.
   */
  readonly tlbModel: boolean;
  /** For tests: make worker 0 crash or hang after 100 of its events. */
  readonly injectFault?: InjectedFault;
  /**
   * Replay a trace instead of generated schedules: bits, cpus, vms and events come from it;
   * there is no vCPU accounting, so check (d) is off.
   */
  readonly trace?: string;
}

/** Defaults for everything but the seed. */
export const STRESS_DEFAULTS = {
  bits: 8,
  cpus: 8,
  threads: 2,
  vms: 400,
  vcpusPerVm: 2,
  events: 200_000,
  putProbability: 0.1,
  strategy: "scan",
  watchdogMs: 5000,
  sampleLockEvery: 64,
  tlbModel: true,
} as const satisfies Partial<StressOptions>;

/** Largest TLB model: cpus x 2^bits entries of 8 bytes. */
export const MAX_TLB_ENTRIES = 1 << 24;
/** Most worker threads. */
export const MAX_THREADS = 64;
/** Most VMs. */
export const MAX_STRESS_VMS = 1_000_000;

/** Throws VmidInputError naming the first option out of range. */
export function validateStressOptions(options: StressOptions): void {
  const space = validateConfig(options.bits, options.cpus, options);
  const { cpus, threads, vms, vcpusPerVm, events, putProbability, seed, watchdogMs } = options;
  requireInput(
    Number.isInteger(threads) && threads >= 1 && threads <= Math.min(cpus, MAX_THREADS),
    `threads must be an integer from 1 to ${Math.min(cpus, MAX_THREADS)} (at most one thread per CPU, at most ${MAX_THREADS}) (got ${threads})`,
  );
  requireInput(
    Number.isInteger(vms) && vms >= 1 && vms <= MAX_STRESS_VMS,
    `vms must be an integer from 1 to ${MAX_STRESS_VMS} (got ${vms})`,
  );
  requireInput(
    Number.isInteger(vcpusPerVm) && vcpusPerVm >= 1 && vcpusPerVm <= 64,
    `vcpus per VM must be an integer from 1 to 64 (got ${vcpusPerVm})`,
  );
  requireInput(
    options.trace !== undefined || vms * vcpusPerVm >= cpus,
    `vms x vcpus (${vms * vcpusPerVm}) must be at least cpus (${cpus}): every CPU needs a vCPU to run`,
  );
  requireEventCount(events);
  requirePutProbability(putProbability);
  requireSeed(seed);
  requireInput(
    Number.isInteger(watchdogMs) && watchdogMs >= 100,
    `watchdog must be at least 100 ms (got ${watchdogMs})`,
  );
  requireInput(STRATEGY_NAMES.includes(options.strategy), `unknown strategy '${options.strategy}'`);
  requireInput(
    options.mutant === undefined || Object.hasOwn(MUTANTS, options.mutant),
    `unknown mutant '${options.mutant}'`,
  );
  requireInput(
    options.mutant !== "no-put-flush",
    "mutant no-put-flush changes only the deferred flush policy's put, which vmid stress does not run (its VMID allocator broadcasts; the ASID allocator has no put); check it with vmid check --flush deferred --mutant no-put-flush",
  );
  if (space.allocator === "asid") {
    requireInput(
      options.putProbability === 0,
      `the ASID allocator has no put: the put probability must be 0 (got ${options.putProbability})`,
    );
    requireInput(
      options.mutant !== "clear-to-zero",
      "mutant clear-to-zero changes the put, which the ASID allocator has not",
    );
  }
  const pins = options.pinProbability ?? 0;
  requireInput(pins >= 0 && pins <= 1, `pin probability must be from 0 to 1 (got ${pins})`);
  requireInput(
    pins === 0 || options.trace === undefined,
    "--pin-probability makes generated schedules; a trace's pin events are not replayed by vmid stress",
  );
  const pinLimit = maxPinnedIn(space, cpus);
  requireInput(
    pins === 0 || pinLimit > 0,
    `--pin-probability: bits ${options.bits} on ${cpus} CPUs${space.kpti ? " with KPTI" : ""} allow no pins (maxPinned = N - cpus - 2 = ${availableIdCount(space)} - ${cpus} - 2 = ${pinLimit})`,
  );
  requireInput(
    pins > 0 ||
      (options.mutant !== "forget-pinned-map" && options.mutant !== "pinned-before-reserved"),
    `mutant ${options.mutant} changes only runs with pinned ids: add --pin-probability P (or check it with vmid check --pins --cpus 1 --vms 4 --mutant ${options.mutant})`,
  );
  const tlbEntries = cpus * 2 ** options.bits;
  requireInput(
    !options.tlbModel || tlbEntries <= MAX_TLB_ENTRIES,
    `the TLB model needs cpus x 2^bits = ${tlbEntries} entries, more than ${MAX_TLB_ENTRIES}: ` +
      `bits ${options.bits} allows ${Math.min(MAX_TLB_ENTRIES / 2 ** options.bits, 2 ** options.bits - 2)} CPUs at most; ` +
      "use fewer CPUs, or --no-tlb-model to run without check (a)",
  );
}

/** The `vmid stress` command line that repeats a run's schedules. */
export function stressCommand(options: StressOptions): string {
  const parts = [
    `vmid stress --bits ${options.bits} --cpus ${options.cpus} --threads ${options.threads}`,
    `--vms ${options.vms} --vcpus ${options.vcpusPerVm} --events ${options.events}`,
    `--put-probability ${options.putProbability} --strategy ${options.strategy} --seed ${options.seed}`,
  ];
  if (options.allocator === "asid") parts.push("--allocator asid");
  if (options.kpti === true) parts.push("--kpti");
  if ((options.pinProbability ?? 0) > 0) parts.push(`--pin-probability ${options.pinProbability}`);
  if (options.mutant !== undefined) parts.push(`--mutant ${options.mutant}`);
  if (!options.tlbModel) parts.push("--no-tlb-model");
  if (options.trace !== undefined) {
    const tail = [
      options.allocator === "asid" ? " --allocator asid" : "",
      options.kpti === true ? " --kpti" : "",
      options.mutant === undefined ? "" : ` --mutant ${options.mutant}`,
      options.tlbModel ? "" : " --no-tlb-model",
    ].join("");
    return `vmid stress --trace ${options.trace} --threads ${options.threads} --strategy ${options.strategy}${tail}`;
  }
  return parts.join(" ");
}
