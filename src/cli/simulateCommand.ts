import { randomInt } from "node:crypto";
import type { AllocatorName } from "../core/IdSpace.js";
import { VmidInputError } from "../core/VmidInputError.js";
import type { Policy } from "../sim/Policy.js";
import { SIM_PARAMETERS } from "../sim/SIM_PARAMETERS.js";
import type { Popularity, SimOptions } from "../sim/SimOptions.js";
import { simulate } from "../sim/simulate.js";
import { SIM_DEFAULTS, validateSimOptions } from "../sim/validateSimOptions.js";
import { ExitCode } from "./ExitCode.js";
import { formatSimResult } from "./formatSimResult.js";
import { startProgressBar } from "./progressBar.js";

/** What commander hands `vmid simulate`. */
export interface SimulateCommandOptions {
  readonly seed?: number;
  readonly cpus: number;
  readonly bits: number;
  readonly vms: number;
  readonly vcpus: number;
  readonly slices: number;
  readonly sliceUs: number;
  readonly churn: number;
  readonly popularity: Popularity;
  readonly zipfSkew: number;
  readonly put: boolean;
  readonly nested: boolean;
  readonly pinned: number;
  readonly allocator: AllocatorName;
  readonly kpti: boolean;
  /** Absent: every policy the allocator has. */
  readonly policy?: Policy[];
  readonly sampleEvery: number;
  readonly json: boolean;
  /** Show no progress bar. */
  readonly quiet?: boolean;
}

/**
 * `vmid simulate`: one simulated host, every policy over the same workload. `explicit` lists
 * the options the user gave: `--zipf-skew` without `--popularity zipf` would change nothing,
 * so it is an error. Options out of range are errors naming the flag (`--slice-us`).
 */
export function simulateCommand(
  options: SimulateCommandOptions,
  explicit: ReadonlySet<string>,
): number {
  if (explicit.has("zipfSkew") && options.popularity !== "zipf") {
    throw new VmidInputError(
      `--zipf-skew applies only with --popularity zipf (got --popularity ${options.popularity})`,
    );
  }
  const sim: SimOptions = {
    seed: options.seed ?? randomInt(0, 2 ** 32 - 1),
    cpus: options.cpus,
    bits: options.bits,
    vms: options.vms,
    vcpusPerVm: options.vcpus,
    slices: options.slices,
    sliceUs: options.sliceUs,
    churn: options.churn,
    popularity: options.popularity,
    zipfSkew: options.zipfSkew,
    // The ASID allocator has no put and only the deferred flush: the policies default to
    // every strategy with it.
    put: options.allocator === "asid" ? false : options.put,
    nested: options.nested,
    pinned: options.pinned,
    allocator: options.allocator,
    kpti: options.kpti,
    policies:
      options.policy ??
      SIM_DEFAULTS.policies.filter(
        (policy) => options.allocator !== "asid" || policy.flush === "deferred",
      ),
    sampleEvery: options.sampleEvery,
  };
  validateSimOptions(sim, (option) => SIM_PARAMETERS[option].flag);
  const bar = startProgressBar(
    "simulate [{bar}] {percentage}% | {value}/{total} slices | ~{eta_formatted} left",
    sim.slices,
    options.quiet === true,
  );
  let result: ReturnType<typeof simulate>;
  try {
    result = simulate(sim, { onProgress: (done) => bar?.update(done) });
  } finally {
    bar?.stop();
  }
  process.stdout.write(
    options.json ? `${JSON.stringify(result, null, 2)}\n` : formatSimResult(result),
  );
  return result.idsIdentical ? ExitCode.ok : ExitCode.fault;
}
