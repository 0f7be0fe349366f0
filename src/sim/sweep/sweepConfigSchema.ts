import { z } from "zod";
import { formatIssuePath, parseJsonText } from "../../_internal/parseJsonText.js";
import { FLUSH_POLICIES } from "../../core/FlushPolicy.js";
import { STRATEGY_NAMES } from "../../core/strategies/ReservedLookup.js";
import { VmidInputError } from "../../core/VmidInputError.js";
import type { SweepConfig } from "./SweepOutput.js";

/**
 * The schema of each simulator option a sweep sets, with its accepted range: shared by the
 * configuration's `base` and `grid` and by the rows and skipped points of a sweep's output.
 */
export const simParameterSchemas = {
  cpus: z.number().int().min(1).max(4096),
  bits: z.number().int().min(2).max(24),
  vms: z.number().int().min(1).max(1_000_000),
  vcpusPerVm: z.number().int().min(1).max(64),
  slices: z.number().int().min(1).max(1e10),
  sliceUs: z.number().positive().max(1e7),
  churn: z.number().min(0).max(1000),
  popularity: z.enum(["uniform", "zipf"]),
  zipfSkew: z.number().positive().max(10),
  put: z.boolean(),
  nested: z.boolean(),
  pinned: z
    .number()
    .int()
    .min(0)
    .max(2 ** 24),
  sampleEvery: z.number().int().min(0),
};
const { cpus, bits, vms, vcpusPerVm, churn, popularity, pinned } = simParameterSchemas;

/** A policy: a reserved-lookup strategy and a flush policy. */
export const policySchema = z.strictObject({
  strategy: z.enum(STRATEGY_NAMES),
  flush: z.enum(FLUSH_POLICIES),
});

/** A non-empty list of distinct values: a grid dimension. */
const values = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .min(1)
    .refine((list) => new Set(list).size === list.length, "values must be distinct");

/**
 * The schema of a sweep configuration file (JSON). Ranges are SimOptions'; unknown keys are
 * errors (a typo must not silently fall back to a default).
 */
export const sweepConfigSchema = z.strictObject({
  seed: z.number().int().min(0).max(0xffff_ffff),
  base: z.strictObject(simParameterSchemas).partial().default({}),
  grid: z
    .strictObject({
      cpus: values(cpus),
      bits: values(bits),
      vms: values(vms),
      vcpusPerVm: values(vcpusPerVm),
      churn: values(churn),
      put: values(z.boolean()),
      nested: values(z.boolean()),
      pinned: values(pinned),
      popularity: values(popularity),
    })
    .partial()
    .default({}),
  policies: z
    .array(policySchema)
    .min(1)
    .refine(
      (list) => new Set(list.map((p) => `${p.strategy}/${p.flush}`)).size === list.length,
      "policies must be distinct",
    ),
});

/**
 * Parses and validates a sweep configuration. Throws VmidInputError naming the file, and the
 * line and column of a JSON syntax error or the path of each field that fails the schema.
 */
export function parseSweepConfig(text: string, file: string): SweepConfig {
  const parsed = sweepConfigSchema.safeParse(parseJsonText(text, file));
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `  ${formatIssuePath(issue.path)}: ${issue.message}`,
    );
    throw new VmidInputError(`${file}: not a valid sweep configuration:\n${problems.join("\n")}`);
  }
  return parsed.data;
}
