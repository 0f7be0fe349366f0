import { randomInt } from "node:crypto";
import { type AllocatorName, checkIdSpaceOptions } from "../core/IdSpace.js";
import type { MutantName } from "../core/Mutant.js";
import type { StrategyName } from "../core/strategies/ReservedLookup.js";
import { VmidInputError } from "../core/VmidInputError.js";
import { runStress } from "../runtime/runStress.js";
import {
  type InjectedFault,
  STRESS_DEFAULTS,
  type StressOptions,
} from "../runtime/StressOptions.js";
import type { StressResult } from "../runtime/StressResult.js";
import { loadTraceSchedule, type TraceSchedule } from "../runtime/TraceSchedule.js";
import { ExitCode } from "./ExitCode.js";
import { formatStressResult } from "./formatStressResult.js";
import { startProgressBar } from "./progressBar.js";

/** What commander hands `vmid stress`. */
export interface StressCommandOptions {
  readonly bits: number;
  readonly cpus: number;
  readonly threads: number;
  readonly vms: number;
  readonly vcpus: number;
  readonly events: number;
  readonly putProbability: number;
  readonly pinProbability: number;
  readonly seed?: number;
  readonly strategy: StrategyName;
  readonly mutant?: MutantName;
  readonly trace?: string;
  readonly watchdog: number;
  readonly tlbModel: boolean;
  readonly allocator: AllocatorName;
  readonly kpti: boolean;
  readonly json: boolean;
  /** Show no progress bar. */
  readonly quiet?: boolean;
  readonly injectFault?: InjectedFault;
}

/** The command-line spelling of an option key: putProbability -> --put-probability. */
function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

const EXIT_OF: Record<StressResult["kind"], number> = {
  ok: ExitCode.ok,
  violation: ExitCode.violation,
  fault: ExitCode.fault,
};

/**
 * `vmid stress`: runs the allocator on worker threads and checks the guest-side invariants.
 * `explicit` lists the options the user gave (they may not be combined with --trace).
 */
export async function stressCommand(
  options: StressCommandOptions,
  explicit: ReadonlySet<string>,
): Promise<number> {
  checkIdSpaceOptions({ allocator: options.allocator, kpti: options.kpti });
  let trace: TraceSchedule | undefined;
  if (options.trace !== undefined) {
    const clash = ["bits", "cpus", "vms", "vcpus", "events", "putProbability", "seed"].filter(
      (name) => explicit.has(name),
    );
    if (clash.length > 0) {
      throw new VmidInputError(
        `--trace sets the schedule; it cannot be combined with ${clash.map(flagName).join(", ")}`,
      );
    }
    trace = await loadTraceSchedule(options.trace, {
      allocator: options.allocator,
      kpti: options.kpti,
    });
  }
  const threads =
    trace !== undefined && !explicit.has("threads")
      ? Math.min(options.threads, trace.cpus)
      : options.threads;
  const stress: StressOptions = {
    bits: trace?.bits ?? options.bits,
    cpus: trace?.cpus ?? options.cpus,
    threads,
    vms: trace?.maxVm ?? options.vms,
    vcpusPerVm: trace === undefined ? options.vcpus : 1,
    events: trace?.events ?? options.events,
    // The ASID allocator has no put: no puts unless asked for (which its check refuses).
    putProbability:
      options.allocator === "asid" && !explicit.has("putProbability") ? 0 : options.putProbability,
    pinProbability: options.pinProbability,
    allocator: options.allocator,
    kpti: options.kpti,
    seed: options.seed ?? randomInt(0, 2 ** 32 - 1),
    strategy: options.strategy,
    mutant: options.mutant,
    watchdogMs: options.watchdog,
    sampleLockEvery: STRESS_DEFAULTS.sampleLockEvery,
    injectFault: options.injectFault,
    tlbModel: options.tlbModel,
    trace: options.trace,
  };
  const bar = startProgressBar(
    "stress [{bar}] {percentage}% | {value}/{total} events | {eta}s left",
    stress.events,
    options.quiet === true,
  );
  let result: StressResult;
  try {
    result = await runStress(stress, { onProgress: (done) => bar?.update(done) }, trace);
  } finally {
    bar?.stop();
  }
  process.stdout.write(
    options.json ? `${JSON.stringify(result, null, 2)}\n` : formatStressResult(result),
  );
  return EXIT_OF[result.kind];
}
