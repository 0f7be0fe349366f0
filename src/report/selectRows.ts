import type { SweepOutput, SweepRow } from "../sim/sweep/SweepOutput.js";

/** A parameter of a sweep row that a chart can let vary or must fix. */
export type SweepParameter =
  | "cpus"
  | "bits"
  | "vms"
  | "vcpusPerVm"
  | "slices"
  | "sliceUs"
  | "churn"
  | "popularity"
  | "zipfSkew"
  | "put"
  | "nested"
  | "pinned"
  | "strategy"
  | "flush";

/** Every parameter, in the order captions list them. */
export const SWEEP_PARAMETERS: readonly SweepParameter[] = [
  "strategy",
  "flush",
  "cpus",
  "bits",
  "vms",
  "vcpusPerVm",
  "churn",
  "popularity",
  "zipfSkew",
  "put",
  "nested",
  "pinned",
  "slices",
  "sliceUs",
];

/** A parameter's value: a number, a name or a switch. */
export type ParameterValue = number | string | boolean;

/** A parameter held at one value, and every value the sweep gave it. */
export interface FixedParameter {
  readonly parameter: SweepParameter;
  readonly value: ParameterValue;
  /** The distinct values across the sweep's rows, in order of first appearance. */
  readonly values: readonly ParameterValue[];
}

/** The rows a chart plots and how they were chosen. */
export interface RowSelection {
  readonly rows: readonly SweepRow[];
  /** Parameters the chart itself fixes (e.g. `flush` = `broadcast`). */
  readonly byChart: readonly FixedParameter[];
  /** Parameters with several values in the sweep, fixed by the rule (see `selectRows`). */
  readonly byRule: readonly FixedParameter[];
  /** Parameters with one value in the whole sweep. */
  readonly constant: readonly FixedParameter[];
  /** Parameters left free (x, series, and any a chart lets vary together). */
  readonly free: readonly FixedParameter[];
  /** When no row is left: the first condition no row met, in words. */
  readonly emptyReason?: string;
}

/** The distinct values of one parameter across rows, in order of first appearance. */
export function distinctValues(
  rows: readonly SweepRow[],
  parameter: SweepParameter,
): ParameterValue[] {
  const seen: ParameterValue[] = [];
  for (const row of rows) if (!seen.includes(row[parameter])) seen.push(row[parameter]);
  return seen;
}

/**
 * Selects the rows one chart plots: rows that differ only in the chart's `free` parameters
 * (its x dimension and its series dimension).
 *
 * Rule, for every other parameter:
 * 1. if the chart names a value for it in `byChart` (e.g. `flush: "broadcast"`), that value,
 *    whether or not the sweep varies the parameter (no such row: the chart is empty);
 * 2. else if it takes several values among the sweep's rows, the value in `config.base` when
 *    present there and taken by some row; else the first value in `config.grid` taken by
 *    some row; else (policies: `strategy`, `flush`) the first value in row order, that is
 *    the order of `config.policies`;
 * 3. else (one value in the whole sweep) nothing is filtered; the value is reported as constant.
 */
export function selectRows(
  output: SweepOutput,
  free: readonly SweepParameter[],
  byChart: Partial<Record<SweepParameter, ParameterValue>> = {},
): RowSelection {
  let rows: readonly SweepRow[] = output.rows;
  const chartFixed: FixedParameter[] = [];
  const ruleFixed: FixedParameter[] = [];
  const constant: FixedParameter[] = [];
  const freeParameters: FixedParameter[] = [];
  let emptyReason: string | undefined;
  for (const parameter of SWEEP_PARAMETERS) {
    const values = distinctValues(output.rows, parameter);
    if (free.includes(parameter)) {
      freeParameters.push({ parameter, value: values[0], values });
      continue;
    }
    const wanted = byChart[parameter];
    let value: ParameterValue;
    if (wanted !== undefined) {
      value = wanted;
      chartFixed.push({ parameter, value, values });
    } else if (values.length > 1) {
      value = ruleValue(output, parameter, values);
      ruleFixed.push({ parameter, value, values });
    } else {
      if (values.length === 1) constant.push({ parameter, value: values[0], values });
      continue;
    }
    const kept = rows.filter((row) => row[parameter] === value);
    if (kept.length === 0 && rows.length > 0 && emptyReason === undefined) {
      emptyReason = `the sweep has no row with ${parameter} = ${value}${rows.length < output.rows.length ? " among the rows left after fixing the other parameters" : ""}`;
    }
    rows = kept;
  }
  if (output.rows.length === 0) emptyReason = "the sweep has no rows";
  return {
    rows,
    byChart: chartFixed,
    byRule: ruleFixed,
    constant,
    free: freeParameters,
    ...(emptyReason === undefined ? {} : { emptyReason }),
  };
}

/** The value rule 2 picks: `config.base`, else the first of `config.grid`, else the first seen. */
function ruleValue(
  output: SweepOutput,
  parameter: SweepParameter,
  values: readonly ParameterValue[],
): ParameterValue {
  const base = (output.config.base as Partial<Record<string, ParameterValue>>)[parameter];
  if (base !== undefined && values.includes(base)) return base;
  const grid = (output.config.grid as Partial<Record<string, readonly ParameterValue[]>>)[
    parameter
  ];
  const fromGrid = grid?.find((value) => values.includes(value));
  return fromGrid ?? values[0];
}
