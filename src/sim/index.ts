/**
 * The simulator: a deterministic discrete-event model of a host scheduling VMs' vCPUs on
 * its CPUs, driving one allocator per policy in lockstep and measuring each.
 */

export { type LockCostCounts, lockOps } from "./lockCostModel.js";
export { describeRange, inRange, type NumberRange } from "./NumberRange.js";
export { type Policy, policyLabel } from "./Policy.js";
export { POPULARITIES, SIM_PARAMETERS, type SimParameter } from "./SIM_PARAMETERS.js";
export type {
  PolicyMetrics,
  Popularity,
  SimOptions,
  SimResult,
  WorkloadStats,
} from "./SimOptions.js";
export { PROGRESS_EVERY_SLICES, type SimHooks, simulate } from "./simulate.js";
export { MAX_SWEEP_POINTS } from "./sweep/gridSizeProblem.js";
export { type FinishedPoint, runSweep, type SweepRunOptions } from "./sweep/runSweep.js";
export { STUDY_SWEEP } from "./sweep/STUDY_SWEEP.js";
export type {
  SkippedPoint,
  SweepConfig,
  SweepOutput,
  SweepRow,
} from "./sweep/SweepOutput.js";
export { parseSweepConfig, sweepConfigSchema } from "./sweep/sweepConfigSchema.js";
export { type SweepPoint, sweepPoints } from "./sweep/sweepPoints.js";
export {
  MAX_CHURN,
  MAX_SIM_VMS,
  MAX_VCPUS_PER_VM,
  MIN_SIM_BITS,
  SIM_DEFAULTS,
  validateSimOptions,
} from "./validateSimOptions.js";
