/**
 * Model-checker speed against the targets of issue 10 (2 CPUs, 2-bit ids, on this 2-core
 * machine): each row explores in a child process of its own (bench/_support/checkChild.ts),
 * so each row's peak memory is its own, and reports the verdict, the states, the largest BFS
 * depth, the checker's elapsed time and the process's peak resident memory (max RSS, as
 * `/usr/bin/time -v` reports it, every thread's together). Each row runs with 1 job (the
 * sequential search) and with 2 (the parallel one, two worker threads), one after the other,
 * and prints the ratio of their times: compare jobs by that ratio, measured in one run, as
 * the machine's speed drifts. Short rows report the median time of several runs of each,
 * alternating, long ones a single run (the state count is exact, only the time varies).
 * Every row explores every generation (no --generations bound), so "holds" is the verdict
 * each row must reach. Memory must stay under 8 GiB in every row.
 *
 * Run: npm run bench  (or node dist/bench/check.bench.js after npm run build); a row's
 * title as argument runs only the rows whose titles contain it.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { CHECK_DEFAULTS, type CheckOptions } from "../src/check/CheckOptions.js";
import { INVARIANT_NAMES } from "../src/check/invariants.js";

const CHILD = fileURLToPath(new URL("./_support/checkChild.js", import.meta.url));
const MEMORY_LIMIT_MIB = 8 * 1024;
/** The options every row shares; each row changes some. */
const BASE: CheckOptions = {
  ...CHECK_DEFAULTS,
  cpus: 2,
  bits: 2,
  maxStates: 400_000_000,
};
const ALL_BUT_LOADED = CHECK_DEFAULTS.invariants;

interface Row {
  readonly title: string;
  readonly options: Partial<CheckOptions>;
  readonly runs: number;
  readonly targetSeconds: number;
}

const rows: readonly Row[] = [
  {
    title: "3 VMs, every invariant",
    options: { vms: 3, invariants: [...INVARIANT_NAMES] },
    runs: 5,
    targetSeconds: 0.3,
  },
  {
    title: "4 VMs, SameVMIDActiveTask",
    options: { vms: 4, invariants: ["SameVMIDActiveTask"] },
    runs: 3,
    targetSeconds: 10,
  },
  {
    title: "4 VMs, every invariant except LoadedVMIDPerTask",
    options: { vms: 4, invariants: ALL_BUT_LOADED },
    runs: 1,
    targetSeconds: 60,
  },
  {
    title: "4 VMs, speculation, exit unloads, UniqueVMIDPerCPU",
    options: { vms: 4, speculation: true, exitUnloads: true, invariants: ["UniqueVMIDPerCPU"] },
    runs: 1,
    targetSeconds: 40,
  },
  {
    title: "4 VMs, deferred flush, speculation, UniqueVMIDPerCPU",
    options: { vms: 4, flush: "deferred", speculation: true, invariants: ["UniqueVMIDPerCPU"] },
    runs: 1,
    targetSeconds: 120,
  },
];

interface Run {
  readonly verdict: string;
  readonly states: number;
  readonly depth: number;
  readonly seconds: number;
  readonly maxRssMiB: number;
}

/** The jobs each row is measured with: the sequential search, then two worker threads. */
const JOBS = [1, 2] as const;

/** One exploration in a fresh process. */
function runCheck(options: CheckOptions, jobs: number): Run {
  const child = spawnSync(process.execPath, [CHILD, JSON.stringify(options), String(jobs)], {
    encoding: "utf8",
  });
  if (child.status !== 0) throw new Error(`check child exited ${child.status}: ${child.stderr}`);
  const { verdict, stats, maxRssMiB } = JSON.parse(child.stdout);
  return {
    verdict,
    states: stats.states,
    depth: stats.depth,
    seconds: stats.elapsedMs / 1000,
    maxRssMiB,
  };
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const only = process.argv[2];
console.log("model checker (2 CPUs, bits 2, every generation), jobs 1 and 2");
for (const { title, options, runs, targetSeconds } of rows) {
  if (only !== undefined && !title.includes(only)) continue;
  const results = new Map<number, Run[]>(JOBS.map((jobs) => [jobs, []]));
  for (let run = 0; run < runs; run++)
    for (const jobs of JOBS) results.get(jobs)?.push(runCheck({ ...BASE, ...options }, jobs));
  const seconds = new Map<number, number>();
  for (const jobs of JOBS) {
    const runsOf = results.get(jobs) ?? [];
    const time = median(runsOf.map((r) => r.seconds));
    seconds.set(jobs, time);
    const peakMiB = Math.max(...runsOf.map((r) => r.maxRssMiB));
    const { verdict, states, depth } = runsOf[0];
    const met = time < targetSeconds && peakMiB < MEMORY_LIMIT_MIB && verdict === "holds";
    console.log(
      `  ${title}, jobs ${jobs}: ${verdict}, ${states.toLocaleString("en-US")} states, ` +
        `depth ${depth}, ${time.toFixed(2)} s (${runs === 1 ? "one run" : `median of ${runs}`}), ` +
        `peak ${Math.round(peakMiB).toLocaleString("en-US")} MiB; ` +
        `target < ${targetSeconds} s ${met ? "MET" : "MISSED"}`,
    );
  }
  const ratio = (seconds.get(1) ?? 0) / (seconds.get(2) ?? 1);
  console.log(`  ${title}: jobs 2 ${ratio.toFixed(2)}x as fast as jobs 1`);
}
