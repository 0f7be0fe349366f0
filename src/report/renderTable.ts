import { formatNumber } from "../_internal/formatNumber.js";
import type { SweepRow } from "../sim/sweep/SweepOutput.js";
import { escapeHtml } from "./escapeHtml.js";

/**
 * The table's columns, every field of `SweepRow`: the policy and the parameters grids vary
 * first, then the metrics, then the parameters sweeps usually keep fixed.
 */
const COLUMNS: readonly (readonly [keyof SweepRow, string])[] = [
  ["point", "point"],
  ["strategy", "strategy"],
  ["flush", "flush"],
  ["cpus", "CPUs"],
  ["bits", "bits"],
  ["vms", "VMs"],
  ["vcpusPerVm", "vCPUs/VM"],
  ["churn", "churn /1000 slices"],
  ["updates", "updates"],
  ["fastPathHits", "fast path hits"],
  ["fastPathPercent", "fast path (%)"],
  ["slowPathEntries", "slow paths"],
  ["rollovers", "rollovers"],
  ["rolloversPerMillionUpdates", "rollovers /M updates"],
  ["reservedHits", "reserved hits"],
  ["reservedLookups", "reserved lookups"],
  ["reservedCpusVisited", "CPUs visited"],
  ["reservedCpusVisitedPerSlowPath", "CPUs visited /slow path"],
  ["reservedCpusVisitedMax", "CPUs visited max"],
  ["bitmapWordsSearched", "bitmap words searched"],
  ["broadcastFlushes", "broadcast flushes"],
  ["localFlushes", "local flushes"],
  ["cpusFlushed", "CPU TLBs flushed"],
  ["countedSkips", "counted skips"],
  ["countedSkipPercentOfLookups", "counted skips (% lookups)"],
  ["countedSkipPercentOfSlowPaths", "counted skips (% slow paths)"],
  ["lockOps", "lock ops"],
  ["lockOpsPerSlowPath", "lock ops /slow path"],
  ["slowPathSamples", "slow paths timed"],
  ["slowPathNsMedian", "slow path p50 (ns)"],
  ["slowPathNsP99", "slow path p99 (ns)"],
  ["slowPathNsMean", "slow path mean (ns)"],
  ["simulatedMs", "simulated (ms)"],
  ["contextsRun", "contexts run"],
  ["pointElapsedMs", "point wall time (ms)"],
  ["popularity", "popularity"],
  ["zipfSkew", "Zipf skew"],
  ["put", "put"],
  ["nested", "nested"],
  ["pinned", "pinned"],
  ["slices", "slices"],
  ["sliceUs", "slice (µs)"],
  ["seed", "seed"],
];

/**
 * Every row of a sweep as an HTML table, in the rows' order. Each cell carries its raw value
 * in `data-sort`, which the page's script uses to sort by a clicked column.
 */
export function renderTable(rows: readonly SweepRow[]): string {
  const head = COLUMNS.map(
    ([key, label]) => `<th scope="col" data-key="${key}">${escapeHtml(label)}</th>`,
  ).join("");
  const body = rows
    .map((row) => {
      const cells = COLUMNS.map(([key]) => {
        const value = row[key];
        const text = typeof value === "number" ? formatNumber(value) : String(value);
        const kind = typeof value === "number" ? ' class="num"' : "";
        return `<td${kind} data-sort="${escapeHtml(String(value))}">${escapeHtml(text)}</td>`;
      }).join("");
      return `<tr>${cells}</tr>`;
    })
    .join("\n");
  return `<table id="results-table">\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}
