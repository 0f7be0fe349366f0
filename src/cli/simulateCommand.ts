import { randomInt } from "node:crypto";
import type { Policy } from "../sim/Policy.js";
import type { Popularity, SimOptions } from "../sim/SimOptions.js";
import { simulate } from "../sim/simulate.js";
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
  readonly policy: Policy[];
  readonly sampleEvery: number;
  readonly json: boolean;
  /** Show no progress bar. */
  readonly quiet?: boolean;
}

/** `vmid simulate`: one simulated host, every policy over the same workload. */
export function simulateCommand(options: SimulateCommandOptions): number {
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
    put: options.put,
    nested: options.nested,
    pinned: options.pinned,
    policies: options.policy,
    sampleEvery: options.sampleEvery,
  };
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
