import { z } from "zod";
import { FLUSH_POLICIES } from "../core/FlushPolicy.js";
import { STRATEGY_NAMES } from "../core/strategies/ReservedLookup.js";

// Mirrors src/sim/sweep/SweepOutput.ts and src/sim/SimOptions.ts; strict objects, so a field
// the report does not know is an error rather than silently ignored. Ranges are the TSDoc's.

const count = z.number().int().nonnegative();
const real = z.number().nonnegative();
const seed = z.number().int().min(0).max(4294967295);
const popularity = z.enum(["uniform", "zipf"]);
const policy = z.strictObject({ strategy: z.enum(STRATEGY_NAMES), flush: z.enum(FLUSH_POLICIES) });

const simParameters = {
  cpus: z.number().int().min(1).max(4096),
  bits: z.number().int().min(2).max(24),
  vms: z.number().int().min(1).max(1_000_000),
  vcpusPerVm: z.number().int().min(1).max(64),
  slices: z.number().int().min(1),
  sliceUs: z.number().positive(),
  churn: real,
  popularity,
  zipfSkew: z.number().positive(),
  put: z.boolean(),
  nested: z.boolean(),
};

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

const sweepRow = z.strictObject({
  ...policyMetrics,
  point: count,
  seed,
  ...simParameters,
  strategy: z.enum(STRATEGY_NAMES),
  flush: z.enum(FLUSH_POLICIES),
  simulatedMs: real,
  contextsRun: count,
  pointElapsedMs: real,
});

const sweepConfig = z.strictObject({
  seed,
  base: z.strictObject({ ...simParameters, sampleEvery: count }).partial(),
  grid: z.strictObject({
    cpus: z.array(simParameters.cpus).optional(),
    bits: z.array(simParameters.bits).optional(),
    vms: z.array(simParameters.vms).optional(),
    vcpusPerVm: z.array(simParameters.vcpusPerVm).optional(),
    churn: z.array(real).optional(),
    put: z.array(z.boolean()).optional(),
    nested: z.array(z.boolean()).optional(),
    popularity: z.array(popularity).optional(),
  }),
  policies: z.array(policy).min(1),
});

const skippedPoint = z.strictObject({
  point: count,
  options: z.strictObject({ seed, ...simParameters, sampleEvery: count }),
  reason: z.string(),
});

/** The zod schema of `SweepOutput` (format `vmid-sweep`, version 1), as `vmid report` reads it. */
export const sweepOutputSchema = z.strictObject({
  format: z.literal("vmid-sweep"),
  version: z.literal(1),
  config: sweepConfig,
  rows: z.array(sweepRow),
  skipped: z.array(skippedPoint),
  points: count,
  elapsedMs: real,
});
