import { FLUSH_POLICIES } from "../core/FlushPolicy.js";
import { STRATEGY_NAMES } from "../core/strategies/ReservedLookup.js";
import type { SweepOutput } from "../sim/sweep/SweepOutput.js";
import { buildChart, type ChartDefinition } from "./buildChart.js";
import type { ChartSpec } from "./ChartSpec.js";
import { distinctValues } from "./selectRows.js";

/** A chart section of the report: a heading, a sentence on the question, its charts. */
export interface ChartSection {
  readonly heading: string;
  readonly question: string;
  readonly charts: readonly ChartSpec[];
}

const lockCost = {
  xLabel: "host CPUs (log2)",
  xScale: "log2",
  free: ["cpus", "strategy"],
  byChart: { flush: "broadcast" },
  seriesBy: "strategy",
  seriesLabel: String,
  seriesOrder: STRATEGY_NAMES,
  x: (row) => row.cpus,
  varies: "cpus (x axis) and strategy (series)",
} as const satisfies Partial<ChartDefinition>;

/** What the two rollover-rate charts share: y, its label, and the one policy they plot. */
const rolloverRate = {
  yLabel: "rollovers per million updates",
  yScale: "auto",
  byChart: { strategy: "scan", flush: "broadcast" },
  y: (row) => row.rolloversPerMillionUpdates,
} as const satisfies Partial<ChartDefinition>;

/**
 * The report's five sections and six charts, built for one sweep (each chart's rows chosen
 * by `selectRows`; see `buildChart`):
 * a. lock-hold cost vs CPUs per strategy: `lock-ops` (cost model) and `slow-path-ns` (measured);
 * b. `rollovers`: rollovers per million updates vs VMs, one series per VMID width;
 * c. `flushes`: CPU TLB flushes per million updates vs rollover rate, broadcast vs deferred;
 * d. `counted-skips`: how often `counted` skips its loop, vs CPUs, per churn (or VM count);
 * e. `pinned`: rollovers per million updates vs pinned VMs, one series per VM count.
 */
export function buildCharts(output: SweepOutput): ChartSection[] {
  const countedSeries = distinctValues(output.rows, "churn").length > 1 ? "churn" : "vms";
  const definitions: ChartDefinition[] = [
    {
      ...lockCost,
      id: "lock-ops",
      title: "Operations under the lock per slow path (cost model)",
      yLabel: "lock operations per slow path",
      yScale: "auto",
      y: (row) => row.lockOpsPerSlowPath,
      notes: [
        "Cost model: per slow path 1, plus every reservation compared and bitmap word searched; per rollover the bitmap words cleared and one exchange per CPU.",
      ],
    },
    {
      ...lockCost,
      id: "slow-path-ns",
      title: "Measured slow path, mean (sampled)",
      yLabel: "slow path mean (ns)",
      yScale: "auto",
      y: (row) => (row.slowPathSamples > 0 ? row.slowPathNsMean : null),
      notes: [
        "Sampled slow paths timed with the real allocator code on the machine that ran the sweep (see slowPathSamples in the table); rows with no sample are not plotted.",
      ],
    },
    {
      ...rolloverRate,
      id: "rollovers",
      title: "Rollovers per million updates vs VMs",
      xLabel: "VMs alive",
      xScale: "auto",
      free: ["vms", "bits"],
      seriesBy: "bits",
      seriesLabel: (bits) => `${bits}-bit VMIDs`,
      x: (row) => row.vms,
      varies: "vms (x axis) and bits (series)",
      notes: ["Rollovers do not depend on the policy: every policy allocates the same ids."],
    },
    {
      id: "flushes",
      title: "CPU TLB flushes per million updates vs rollover rate",
      xLabel: "rollovers per million updates",
      yLabel: "CPU TLB flushes per million updates",
      xScale: "auto",
      yScale: "auto",
      free: ["bits", "vms", "flush"],
      byChart: { strategy: "scan" },
      seriesBy: "flush",
      seriesLabel: String,
      seriesOrder: FLUSH_POLICIES,
      x: (row) => row.rolloversPerMillionUpdates,
      y: (row) => (row.updates > 0 ? (row.cpusFlushed / row.updates) * 1e6 : null),
      varies:
        "bits and vms, which set the rollover rate (x axis, a result, not a parameter), and flush (series)",
      notes: [
        "A broadcast flushes every CPU at each rollover; deferred flushes a CPU at its next slow path.",
      ],
    },
    {
      id: "counted-skips",
      title: "Slow paths where counted skips its loop over reservations",
      xLabel: "host CPUs (log2)",
      yLabel: "counted skips (% of slow paths)",
      xScale: "log2",
      yScale: "linear",
      free: ["cpus", countedSeries],
      byChart: { strategy: "counted", flush: "broadcast" },
      seriesBy: countedSeries,
      seriesLabel: (value) =>
        countedSeries === "churn" ? `churn ${value} per 1000 slices` : `${value} VMs`,
      x: (row) => row.cpus,
      y: (row) => row.countedSkipPercentOfSlowPaths,
      varies: `cpus (x axis) and ${countedSeries} (series)`,
      notes: [
        "A skip: a lookup counted answered from its count of CPUs with stale reservations, without the loop.",
      ],
    },
    {
      ...rolloverRate,
      id: "pinned",
      title: "Rollovers per million updates vs pinned VMs",
      xLabel: "pinned VMs",
      xScale: "linear",
      free: ["pinned", "vms"],
      seriesBy: "vms",
      seriesLabel: (vms) => `${vms} VMs`,
      x: (row) => row.pinned,
      varies: "pinned (x axis) and vms (series)",
      notes: [
        "A pinned VM's idx stays taken in every generation, so the other VMs share fewer ids; at most 2^bits - cpus - 2 VMs can be pinned.",
      ],
    },
  ];
  const [lockOps, slowPathNs, rollovers, flushes, countedSkips, pinned] = definitions.map(
    (definition) => buildChart(output, definition),
  );
  return [
    {
      heading: "a. Lock-hold cost vs CPUs, per strategy",
      question:
        "Does the loop over every CPU's reserved VMID under the lock hurt hosts with many CPUs?",
      charts: [lockOps, slowPathNs],
    },
    {
      heading: "b. Rollovers vs VMs, 8-bit and 16-bit VMIDs",
      question: "How often does the generation roll over as VMs outnumber the ids?",
      charts: [rollovers],
    },
    {
      heading: "c. Broadcast vs deferred TLB flush",
      question: "How many CPU TLB flushes does each flush policy cost as rollovers get frequent?",
      charts: [flushes],
    },
    {
      heading: "d. Counted-skip rate",
      question: "Does a count of CPUs with stale reservations let the slow path skip its loop?",
      charts: [countedSkips],
    },
    {
      heading: "e. The cost of pinned ids",
      question: "How much more often does the generation roll over when some VMIDs are pinned?",
      charts: [pinned],
    },
  ];
}
