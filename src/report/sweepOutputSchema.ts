import { z } from "zod";
import {
  policySchema,
  simParameterSchemas,
  sweepConfigSchema,
} from "../sim/sweep/sweepConfigSchema.js";

// Mirrors src/sim/sweep/SweepOutput.ts: strict objects, so a field the report does not know
// is an error rather than silently ignored. The configuration, the simulator options and the
// policies are the sweep configuration's own schemas (`vmid sweep` validated them).

const count = z.number().int().nonnegative();
const real = z.number().nonnegative();
const { sampleEvery, ...parameters } = simParameterSchemas;
// `pinned` came with pinned ids: a sweep written before them reads as pinned 0.
const simParameters = { ...parameters, pinned: parameters.pinned.default(0) };

const policyMetrics = {
  updates: count,
  fastPathHits: count,
  fastPathPercent: real,
  slowPathEntries: count,
  rollovers: count,
  rolloversPerMillionUpdates: real,
  reservedHits: count,
  reservedLookups: count,
  reservedCpusVisited: count,
  reservedCpusVisitedPerSlowPath: real,
  reservedCpusVisitedMax: count,
  bitmapWordsSearched: count,
  broadcastFlushes: count,
  localFlushes: count,
  cpusFlushed: count,
  countedSkips: count,
  countedSkipPercentOfLookups: real,
  countedSkipPercentOfSlowPaths: real,
  lockOps: count,
  lockOpsPerSlowPath: real,
  slowPathSamples: count,
  slowPathNsMedian: real,
  slowPathNsP99: real,
  slowPathNsMean: real,
};

/** The zod schema of one `SweepRow` (in sweep.json and in a sweep's partial file alike). */
export const sweepRowSchema = z.strictObject({
  ...policyMetrics,
  point: count,
  seed: sweepConfigSchema.shape.seed,
  ...simParameters,
  ...policySchema.shape,
  simulatedMs: real,
  contextsRun: count,
  pointElapsedMs: real,
});

const skippedPoint = z.strictObject({
  point: count,
  options: z.strictObject({ seed: sweepConfigSchema.shape.seed, ...simParameters, sampleEvery }),
  reason: z.string(),
});

/** The zod schema of `SweepOutput` (format `vmid-sweep`, version 1), as `vmid report` reads it. */
export const sweepOutputSchema = z.strictObject({
  format: z.literal("vmid-sweep"),
  version: z.literal(1),
  config: sweepConfigSchema,
  rows: z.array(sweepRowSchema),
  skipped: z.array(skippedPoint),
  points: count,
  elapsedMs: real,
});
