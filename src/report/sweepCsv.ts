import type { SweepRow } from "../sim/sweep/SweepOutput.js";

/** Every SweepRow field, in CSV column order (the compiler checks none is missing). */
const COLUMNS_IN_ORDER: Record<keyof SweepRow, true> = {
  point: true,
  seed: true,
  cpus: true,
  bits: true,
  vms: true,
  vcpusPerVm: true,
  slices: true,
  sliceUs: true,
  churn: true,
  popularity: true,
  zipfSkew: true,
  put: true,
  nested: true,
  pinned: true,
  strategy: true,
  flush: true,
  updates: true,
  fastPathHits: true,
  fastPathPercent: true,
  slowPathEntries: true,
  rollovers: true,
  rolloversPerMillionUpdates: true,
  reservedHits: true,
  reservedLookups: true,
  reservedCpusVisited: true,
  reservedCpusVisitedPerSlowPath: true,
  reservedCpusVisitedMax: true,
  bitmapWordsSearched: true,
  broadcastFlushes: true,
  localFlushes: true,
  cpusFlushed: true,
  countedSkips: true,
  countedSkipPercentOfLookups: true,
  countedSkipPercentOfSlowPaths: true,
  lockOps: true,
  lockOpsPerSlowPath: true,
  slowPathSamples: true,
  slowPathNsMedian: true,
  slowPathNsP99: true,
  slowPathNsMean: true,
  simulatedMs: true,
  contextsRun: true,
  pointElapsedMs: true,
};

/** The CSV columns: every field of a sweep row. */
export const SWEEP_CSV_COLUMNS = Object.keys(COLUMNS_IN_ORDER) as (keyof SweepRow)[];

/** A CSV cell: numbers and booleans as they print; text quoted when it needs to be (RFC 4180). */
function cell(value: string | number | boolean): string {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A sweep's rows as CSV: a header line, then one line per row, each ended by CRLF-free "\n". */
export function sweepCsv(rows: readonly SweepRow[]): string {
  const lines = [SWEEP_CSV_COLUMNS.join(",")];
  for (const row of rows)
    lines.push(SWEEP_CSV_COLUMNS.map((column) => cell(row[column])).join(","));
  return `${lines.join("\n")}\n`;
}
