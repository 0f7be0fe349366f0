import type { SimResult } from "../SimOptions.js";
import type { SweepRow } from "./SweepOutput.js";

/** The rows of one finished point: its parameters and workload facts beside each policy's metrics. */
export function sweepRows(point: number, result: SimResult): SweepRow[] {
  const { options, workload } = result;
  return result.policies.map(({ policy, metrics }) => ({
    point,
    seed: options.seed,
    cpus: options.cpus,
    bits: options.bits,
    vms: options.vms,
    vcpusPerVm: options.vcpusPerVm,
    slices: options.slices,
    sliceUs: options.sliceUs,
    churn: options.churn,
    popularity: options.popularity,
    zipfSkew: options.zipfSkew,
    put: options.put,
    nested: options.nested,
    pinned: options.pinned,
    strategy: policy.strategy,
    flush: policy.flush,
    simulatedMs: workload.simulatedMs,
    contextsRun: workload.contextsRun,
    pointElapsedMs: result.elapsedMs,
    ...metrics,
  }));
}
