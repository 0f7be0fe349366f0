/**
 * vmid: the arm64 KVM VMID allocator (Linux's arch/arm64/kvm/vmid.c, as reviewed in the
 * v4 series, plus mainline's clearActive), bit-exact, as a library, with its parent the arm64
 * ASID allocator as a second configuration (`allocator: "asid"`); and the simulator and
 * sweeps that measure it.
 */

export type { AllocatorContext } from "./core/AllocatorContext.js";
export { type AllocatorCounters, emptyCounters } from "./core/AllocatorCounters.js";
export { bigintIds } from "./core/bigintIds.js";
export {
  type AllocatorBehaviour,
  type AllocatorOptions,
  type AllocatorSnapshot,
  createAllocator,
  createAllocatorContext,
  createAllocatorOver,
  type PinSnapshot,
  type VmidAllocator,
} from "./core/createAllocator.js";
export { FLUSH_POLICIES, type FlushPolicy } from "./core/FlushPolicy.js";
export type { IdArithmetic } from "./core/IdArithmetic.js";
export {
  ALLOCATOR_NAMES,
  type AllocatorName,
  ASID_GENERATION_STEP,
  availableIdCount,
  checkIdSpaceOptions,
  generationStep,
  type IdSpace,
  type IdSpaceOptions,
  idSpace,
  kptiBitsAtInit,
  kptiBitsAtRollover,
  MAX_ASID_BITS,
  setKptiBits,
  usableIdCount,
} from "./core/IdSpace.js";
export { maxPinned, maxPinnedIn } from "./core/maxPinned.js";
export { newVmid } from "./core/newVmid.js";
export { numberIds } from "./core/numberIds.js";
export type { PinFailure, PinResult } from "./core/PinResult.js";
export { pinVmid, unpinVmid } from "./core/pinVmid.js";
export {
  beginFlushContext,
  broadcastFlush,
  bumpGeneration,
  flushContextCpu,
  flushIfPending,
  rollover,
} from "./core/rollover.js";
export {
  type ReservedLookup,
  STRATEGY_NAMES,
  type StrategyName,
} from "./core/strategies/ReservedLookup.js";
export { reservedLookupNamed } from "./core/strategies/reservedLookupNamed.js";
export { clearActive, updateSlowPath, updateVmid } from "./core/updateVmid.js";
export { VmidInputError } from "./core/VmidInputError.js";
export {
  MAX_BITS,
  MAX_CPUS,
  MIN_BITS,
  MIN_CPUS,
  validateConfig,
  validateCpu,
  validateVm,
} from "./core/validateConfig.js";
export { plainMemory } from "./mem/plainMemory.js";
export type { SharedLayout } from "./mem/sharedLayout.js";
export {
  createSharedMemory,
  type SharedMemory,
  type SharedMemoryOptions,
  sharedMemoryView,
} from "./mem/sharedMemory.js";
export {
  type IdSlots,
  LockedWord,
  type ReservedIndexSlots,
  type VmidMemory,
} from "./mem/VmidMemory.js";
export {
  type FinishedPoint,
  lockOps,
  MAX_SWEEP_POINTS,
  type NumberRange,
  type Policy,
  type PolicyMetrics,
  type Popularity,
  parseSweepConfig,
  policyLabel,
  runSweep,
  SIM_DEFAULTS,
  SIM_PARAMETERS,
  type SimOptions,
  type SimParameter,
  type SimResult,
  type SkippedPoint,
  STUDY_SWEEP,
  type SweepConfig,
  type SweepOutput,
  type SweepRow,
  type SweepRunOptions,
  simulate,
  sweepPoints,
  validateSimOptions,
  type WorkloadStats,
} from "./sim/index.js";
export {
  generateTrace,
  MAX_TRACE_VMS,
  type TraceGenOptions,
  traceGenCommand,
  validateTraceGenOptions,
} from "./trace/generateTrace.js";
export { type ReplaySink, type ReplaySummary, replayTrace } from "./trace/replayTrace.js";
export { TraceError } from "./trace/TraceError.js";
export type { TraceEventBatch } from "./trace/TraceEventBatch.js";
export type { TraceHandler } from "./trace/TraceHandler.js";
export { TraceParser } from "./trace/TraceParser.js";
