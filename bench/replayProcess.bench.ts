/**
 * `vmid replay` end to end: whole processes, wall time, output to /dev/null, runs of the
 * compared programs alternating (the host's speed drifts), medians. Workloads:
 * (a) bits 16, 4 CPUs, 100k VMs, 2M events, `vmid replay`;
 * (b) bits 16, 4000 CPUs, 100k VMs, 1M events, `vmid replay --strategy indexed`;
 * both uniform, put probability 0.1, seed 1 (`vmid gen-trace ... --seed 1`).
 *
 * Baseline: the pure-Node floor (bench/_support/copyTraceAndOutput.ts), a process that reads
 * the same trace and writes the same bytes replay prints, with no parsing and no allocator.
 * With VMID_C set to the C baseline built by bench/c/build.sh (the seed's vmid.c behind a
 * scanf/printf driver), also times it, checks its output is byte-identical and prints TS/C.
 *
 * Run: npm run bench, or node dist/bench/replayProcess.bench.js after npm run build
 *      (VMID_C=/tmp/vmid-c/vmid-c node dist/bench/replayProcess.bench.js for the C ratios)
 */
import { spawnSync } from "node:child_process";
import { closeSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { BENCH_OUT, traceFile } from "./_support/traceFile.js";

const RUNS = 9;
const cli = fileURLToPath(new URL("../src/cli/main.js", import.meta.url));
const floor = fileURLToPath(new URL("./_support/copyTraceAndOutput.js", import.meta.url));
const cBaseline = process.env.VMID_C;

const COMMON = { bits: 16, vms: 100_000, putProbability: 0.1, zipf: 0, seed: 1 };
const WORKLOADS = [
  {
    label: "a",
    title: "(a) 2M events, 4 CPUs",
    trace: { ...COMMON, cpus: 4, events: 2_000_000 },
    replayArgs: ["replay"],
  },
  {
    label: "b",
    title: "(b) 1M events, 4000 CPUs, indexed",
    trace: { ...COMMON, cpus: 4000, events: 1_000_000 },
    replayArgs: ["replay", "--strategy", "indexed"],
  },
];

interface Program {
  readonly name: string;
  readonly command: readonly string[];
  /** Whether the trace comes on standard input (else it is an argument). */
  readonly stdin: boolean;
}

/** Runs `program` once, stdout to `outFd`; returns its wall time in ms. */
function runOnce(program: Program, trace: string, outFd: number): number {
  const inFd = program.stdin ? openSync(trace, "r") : "ignore";
  const [file, ...args] = program.command;
  const start = process.hrtime.bigint();
  const result = spawnSync(file, args, { stdio: [inFd, outFd, "pipe"] });
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  if (typeof inFd === "number") closeSync(inFd);
  if (result.status !== 0) {
    throw new Error(`${program.name} failed (${result.status}): ${result.stderr.toString()}`);
  }
  return elapsed;
}

/** The output of one run, for the floor to copy and to check the C baseline against. */
function outputOf(program: Program, trace: string, path: string): Buffer {
  const fd = openSync(path, "w");
  runOnce(program, trace, fd);
  closeSync(fd);
  return readFileSync(path);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const devNull = openSync("/dev/null", "w");
const results = [];
console.log(
  `vmid replay end to end (whole processes, wall time, median of ${RUNS} alternating runs, output to /dev/null)`,
);
for (const workload of WORKLOADS) {
  const trace = traceFile(`process-${workload.label}`, workload.trace);
  const replay: Program = {
    name: "vmid replay",
    command: [process.execPath, cli, ...workload.replayArgs, trace],
    stdin: false,
  };
  const expectedPath = `${BENCH_OUT}/process-${workload.label}.out`;
  const expected = outputOf(replay, trace, expectedPath);
  const programs: Program[] = [
    replay,
    {
      name: "Node floor",
      command: [process.execPath, floor, trace, expectedPath],
      stdin: false,
    },
  ];
  if (cBaseline !== undefined) {
    const c: Program = { name: "C (seed)", command: [cBaseline], stdin: true };
    const cOutput = outputOf(c, trace, `${BENCH_OUT}/process-${workload.label}.c.out`);
    if (!cOutput.equals(expected)) throw new Error(`the C baseline's output differs on ${trace}`);
    programs.push(c);
  }
  const times = programs.map(() => [] as number[]);
  for (let run = 0; run < RUNS; run++) {
    programs.forEach((program, i) => {
      times[i].push(runOnce(program, trace, devNull));
    });
  }
  const medians = times.map(median);
  const [replayMs, floorMs, cMs] = medians;
  const parts = programs.map((program, i) => `${program.name} ${medians[i].toFixed(0)} ms`);
  parts.push(`replay / floor ${(replayMs / floorMs).toFixed(2)}x`);
  if (cMs !== undefined) parts.push(`replay / C ${(replayMs / cMs).toFixed(2)}x`);
  console.log(`  ${workload.title.padEnd(34)} ${parts.join("  ")}`);
  results.push({
    workload: workload.label,
    trace: workload.trace,
    replayArgs: workload.replayArgs,
    programs: programs.map((program, i) => ({
      name: program.name,
      ms: times[i],
      medianMs: medians[i],
    })),
    replayOverFloor: replayMs / floorMs,
    replayOverC: cMs === undefined ? null : replayMs / cMs,
  });
}
if (cBaseline === undefined)
  console.log("  (set VMID_C to the C baseline from bench/c/build.sh to time it too; see README)");
writeFileSync(
  `${BENCH_OUT}/replayProcess.json`,
  `${JSON.stringify({ runs: RUNS, results }, null, 2)}\n`,
);
