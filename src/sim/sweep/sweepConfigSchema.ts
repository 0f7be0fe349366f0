import { z } from "zod";
import { formatIssuePath, parseJsonText } from "../../_internal/parseJsonText.js";
import { FLUSH_POLICIES } from "../../core/FlushPolicy.js";
import { STRATEGY_NAMES } from "../../core/strategies/ReservedLookup.js";
import { VmidInputError } from "../../core/VmidInputError.js";
import { describeRange, inRange, type NumberRange } from "../NumberRange.js";
import { POPULARITIES, SIM_PARAMETERS } from "../SIM_PARAMETERS.js";
import { gridSizeProblem } from "./gridSizeProblem.js";
import type { SweepConfig } from "./SweepOutput.js";

/** A number in `range` (SIM_PARAMETERS'), or an issue saying which numbers it takes. */
const numberIn = (range: NumberRange) =>
  z.number().refine((value) => inRange(range, value), {
    error: (issue) => `must be ${describeRange(range)} (got ${String(issue.input)})`,
  });

/**
 * The schema of each simulator option a sweep sets, built from SIM_PARAMETERS (the ranges
 * `vmid simulate` accepts too): shared by the configuration's `base` and `grid` and by the
 * rows and skipped points of a sweep's output.
 */
export const simParameterSchemas = {
  cpus: numberIn(SIM_PARAMETERS.cpus.range),
  bits: numberIn(SIM_PARAMETERS.bits.range),
  vms: numberIn(SIM_PARAMETERS.vms.range),
  vcpusPerVm: numberIn(SIM_PARAMETERS.vcpusPerVm.range),
  slices: numberIn(SIM_PARAMETERS.slices.range),
  sliceUs: numberIn(SIM_PARAMETERS.sliceUs.range),
  churn: numberIn(SIM_PARAMETERS.churn.range),
  popularity: z.enum(POPULARITIES),
  zipfSkew: numberIn(SIM_PARAMETERS.zipfSkew.range),
  put: z.boolean(),
  nested: z.boolean(),
  pinned: numberIn(SIM_PARAMETERS.pinned.range),
  sampleEvery: numberIn(SIM_PARAMETERS.sampleEvery.range),
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
 * The schema of a sweep configuration file (JSON). Ranges are SIM_PARAMETERS'; unknown keys
 * are errors (a typo must not silently fall back to a default), and so is a `base.zipfSkew`
 * no point uses.
 */
export const sweepConfigSchema = z
  .strictObject({
    seed: numberIn(SIM_PARAMETERS.seed.range),
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
      .superRefine((grid, context) => {
        const tooLarge = gridSizeProblem(grid);
        if (tooLarge !== undefined) context.addIssue({ code: "custom", message: tooLarge });
      })
      .default({}),
    policies: z
      .array(policySchema)
      .min(1)
      .refine(
        (list) => new Set(list.map((p) => `${p.strategy}/${p.flush}`)).size === list.length,
        "policies must be distinct",
      ),
  })
  .superRefine(({ base, grid }, context) => {
    // zipfSkew shapes only zipf points: set where no point is one, it is a mistake.
    const zipf = base.popularity === "zipf" || (grid.popularity ?? []).includes("zipf");
    if (base.zipfSkew !== undefined && !zipf) {
      context.addIssue({
        code: "custom",
        path: ["base", "zipfSkew"],
        message: 'applies only to popularity "zipf", which no point of this sweep has',
      });
    }
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
