/**
 * Replay throughput in one process, events/s including reading, parsing and printing (the
 * same file reader and byte sink as `vmid replay`, output to /dev/null), medians of several
 * runs. For whole `vmid replay` processes, see replayProcess.bench.ts.
 *
 * Workloads (issue "Core", item 10): bits 16, 100k VMs, 2M events on (a) 4 CPUs and
 * (b) 4000 CPUs, for each strategy. Both use uniform VM popularity and put probability 0.1:
 * 100k VMs over 65,535 ids is a working set larger than the id space, so rollovers recur and
 * most slow paths run the reserved lookup, which is the case the reviewer asked about.
 * Targets on the reference machine (2 vCPUs): (a) >= 3M events/s; (b) indexed >= 10x scan.
 *
 * Run: npm run bench  (or node dist/bench/replay.bench.js after npm run build)
 */
import { openSync, writeFileSync, writeSync } from "node:fs";
import { readFileChunks } from "../src/_internal/readFileChunks.js";
import { OutputBuffer } from "../src/cli/OutputBuffer.js";
import { textReplaySink } from "../src/cli/replaySinks.js";
import type { StrategyName } from "../src/core/strategies/ReservedLookup.js";
import { STRATEGY_NAMES } from "../src/core/strategies/ReservedLookup.js";
import { replayTrace } from "../src/trace/replayTrace.js";
import { medianMilliseconds } from "./_support/median.js";
import { BENCH_OUT, traceFile } from "./_support/traceFile.js";

const COMMON = { bits: 16, vms: 100_000, events: 2_000_000, putProbability: 0.1, zipf: 0, seed: 1 };
const WORKLOADS = [
  { label: "a", title: "(a) bits 16, cpus 4", options: { ...COMMON, cpus: 4 }, iterations: 7 },
  {
    label: "b",
    title: "(b) bits 16, cpus 4000",
    options: { ...COMMON, cpus: 4000 },
    iterations: 3,
  },
];

const devNull = openSync("/dev/null", "w");
const discard = {
  write(bytes: Uint8Array): boolean {
    writeSync(devNull, bytes);
    return true;
  },
  once: () => undefined,
  // Written synchronously: the output buffer is free again after each write, as on stdout.
  writableLength: 0,
};

async function replayOnce(path: string, strategy: StrategyName): Promise<number> {
  const out = new OutputBuffer(discard);
  const source = readFileChunks(path);
  const summary = await replayTrace(source, { file: path, strategy }, textReplaySink(out));
  out.flush();
  return summary.lines;
}

const results: {
  workload: string;
  strategy: StrategyName;
  medianMs: number;
  eventsPerSecond: number;
}[] = [];
console.log("replay throughput (median wall time per run; events/s = 2M events / median)");
for (const workload of WORKLOADS) {
  const path = traceFile(`replay-${workload.label}`, { ...workload.options });
  for (const strategy of STRATEGY_NAMES) {
    const medianMs = await medianMilliseconds(
      `${workload.label}-${strategy}`,
      workload.iterations,
      () => replayOnce(path, strategy),
    );
    const eventsPerSecond = workload.options.events / (medianMs / 1000);
    results.push({ workload: workload.label, strategy, medianMs, eventsPerSecond });
    console.log(
      `  ${workload.title.padEnd(24)} ${strategy.padEnd(8)} median ${medianMs.toFixed(0).padStart(6)} ms  ` +
        `${(eventsPerSecond / 1e6).toFixed(2)} M events/s  (${workload.iterations} runs)`,
    );
  }
}

const of = (workload: string, strategy: StrategyName) =>
  results.find(
    (r) => r.workload === workload && r.strategy === strategy,
  ) as (typeof results)[number];
const slowestA = Math.min(...STRATEGY_NAMES.map((s) => of("a", s).eventsPerSecond));
const speedup = of("b", "scan").medianMs / of("b", "indexed").medianMs;
console.log(
  `target (a) >= 3.00 M events/s for every strategy: slowest ${(slowestA / 1e6).toFixed(2)} M/s ${slowestA >= 3e6 ? "MET" : "MISSED"}`,
);
console.log(
  `target (b) indexed >= 10x scan: ${speedup.toFixed(1)}x ${speedup >= 10 ? "MET" : "MISSED"}`,
);
writeFileSync(
  `${BENCH_OUT}/replay.json`,
  `${JSON.stringify({ workloads: WORKLOADS, results, speedup }, null, 2)}\n`,
);
