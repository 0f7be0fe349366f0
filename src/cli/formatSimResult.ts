import { type Decimals, formatNumber } from "../_internal/formatNumber.js";
import { type Policy, policyLabel } from "../sim/Policy.js";
import type { PolicyMetrics, SimOptions, SimResult } from "../sim/SimOptions.js";

const integer: Decimals = { upTo: 0 };
const decimal: Decimals = { upTo: 2 };

/** The metrics `vmid simulate` shows, in order, with their labels and units. */
const SHOWN: readonly (readonly [keyof PolicyMetrics, string, Decimals])[] = [
  ["updates", "updates", integer],
  ["fastPathPercent", "fast path, % of updates", decimal],
  ["slowPathEntries", "slow paths", integer],
  ["rollovers", "rollovers", integer],
  ["rolloversPerMillionUpdates", "rollovers per million updates", decimal],
  ["reservedHits", "reserved hits", integer],
  ["reservedLookups", "reserved lookups", integer],
  ["reservedCpusVisited", "CPUs visited by lookups", integer],
  ["reservedCpusVisitedPerSlowPath", "CPUs visited per slow path", decimal],
  ["reservedCpusVisitedMax", "CPUs visited, most in one lookup", integer],
  ["bitmapWordsSearched", "bitmap words searched", integer],
  ["broadcastFlushes", "broadcast flushes", integer],
  ["localFlushes", "local flushes", integer],
  ["cpusFlushed", "CPU TLBs flushed", integer],
  ["countedSkipPercentOfSlowPaths", "counted skips, % of slow paths", decimal],
  ["lockOpsPerSlowPath", "lock ops per slow path (cost model)", decimal],
  ["slowPathNsMedian", "slow path ns, median (sampled)", integer],
  ["slowPathNsP99", "slow path ns, p99 (sampled)", integer],
  ["slowPathNsMean", "slow path ns, mean (sampled)", integer],
];

/** The command line that reruns a simulation with the same options. */
export function simulateCommandLine(options: SimOptions): string {
  const parts = [
    "vmid simulate",
    `--seed ${options.seed}`,
    `--cpus ${options.cpus}`,
    `--bits ${options.bits}`,
    `--vms ${options.vms}`,
    `--vcpus ${options.vcpusPerVm}`,
    `--slices ${options.slices}`,
    `--slice-us ${options.sliceUs}`,
    `--churn ${options.churn}`,
    `--popularity ${options.popularity}`,
  ];
  if (options.popularity === "zipf") parts.push(`--zipf-skew ${options.zipfSkew}`);
  if (options.allocator === "asid") parts.push("--allocator asid");
  if (options.kpti === true) parts.push("--kpti");
  if (!options.put && options.allocator !== "asid") parts.push("--no-put");
  if (options.nested) parts.push("--nested");
  if (options.pinned > 0) parts.push(`--pinned ${options.pinned}`);
  for (const policy of options.policies) parts.push(`--policy ${policyLabel(policy)}`);
  return parts.join(" ");
}

/** The text report of `vmid simulate`: workload, then one column per policy. */
export function formatSimResult(result: SimResult): string {
  const { options, workload } = result;
  const head = [
    `simulate: ${options.cpus} CPUs, bits ${options.bits}${options.allocator === "asid" ? `, ASID allocator${options.kpti === true ? " with KPTI pairs" : ""}` : ""}, ${options.vms} VMs x ${options.vcpusPerVm} vCPUs, ` +
      `${options.popularity}${options.popularity === "zipf" ? ` ${options.zipfSkew}` : ""} popularity, churn ${options.churn}/1000 slices, ` +
      `${options.put ? "put on deschedule" : "no put"}${options.nested ? ", nested" : ""}${options.pinned > 0 ? `, ${options.pinned} pinned` : ""}, seed ${options.seed}`,
    `workload: ${formatNumber(workload.updates, integer)} updates, ${formatNumber(workload.puts, integer)} puts, ` +
      `${formatNumber(workload.idleSlices, integer)} idle slices, ${formatNumber(workload.vmsCreated, integer)} VMs created, ` +
      `${formatNumber(workload.vmsDestroyed, integer)} destroyed, ${formatNumber(workload.contextsRun, integer)} stage-2 contexts ran, ` +
      `${formatNumber(workload.simulatedMs, decimal)} ms simulated`,
  ];
  const labels = result.policies.map(({ policy }) => policyLabel(policy as Policy));
  const nameWidth = Math.max(...SHOWN.map(([, label]) => label.length));
  const cells = SHOWN.map(([key, , decimals]) =>
    result.policies.map(({ metrics }) => formatNumber(metrics[key], decimals)),
  );
  const widths = labels.map((label, i) =>
    Math.max(label.length, ...cells.map((row) => row[i].length)),
  );
  const table = [
    `  ${"".padEnd(nameWidth)}  ${labels.map((label, i) => label.padStart(widths[i])).join("  ")}`,
    ...SHOWN.map(
      ([, label], r) =>
        `  ${label.padEnd(nameWidth)}  ${cells[r].map((text, i) => text.padStart(widths[i])).join("  ")}`,
    ),
  ];
  const tail = [
    `ids identical across policies: ${result.idsIdentical ? "yes" : "NO (a bug)"}; ${formatNumber(result.elapsedMs / 1000, decimal)} s`,
    `replay: ${simulateCommandLine(options)}`,
  ];
  return `${[...head, ...table, ...tail].join("\n")}\n`;
}
