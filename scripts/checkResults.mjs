// Measures the tables of model-checker results in README.md and docs/allocator.md: runs each
// row of the named table as `node dist/src/cli/main.js check ARGS --quiet --json`, one after
// the other, and prints the table in Markdown: verdict (a violation with its invariant and
// its counterexample's steps), states, BFS depth, the checker's own elapsed time and the
// process's peak resident memory (max RSS, from /usr/bin/time when the machine has it, else
// the checker's own sampled peak). It prints the 1-minute load average before and after:
// times mean little on a busy machine.
//
// Run after `npm run build`:  node scripts/checkResults.mjs TABLE [FILTER]
// TABLE: results, mutants, pins (README.md), asid, asid-pins (docs/allocator.md); FILTER:
// only the rows whose ARGS contain it.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const cli = join(root, "dist", "src", "cli", "main.js");
const TIME = "/usr/bin/time";

const MUTANTS = ["no-flush", "xchg-fastpath", "no-suspended-animation", "early-exit-reserved"];
const ASID = "--allocator asid";
const KPTI = "--allocator asid --kpti --bits 3";

/** Each table's rows: the ARGS of `vmid check`. */
const TABLES = {
  results: [
    "--cpus 2 --bits 2 --vms 3",
    "--cpus 2 --bits 2 --vms 4 --invariant SameVMIDActiveTask",
    "--cpus 2 --bits 2 --vms 4 --invariant SameVMIDActiveTask --generations 3",
    "--cpus 2 --bits 2 --vms 4",
    "--cpus 2 --bits 2 --vms 4 --no-puts",
    "--cpus 2 --bits 2 --vms 4 --invariant UniqueVMIDPerCPU",
    "--cpus 2 --bits 2 --vms 4 --no-puts --invariant UniqueVMIDPerCPU",
    "--cpus 2 --bits 2 --vms 4 --speculation --invariant UniqueVMIDPerCPU",
    "--cpus 2 --bits 2 --vms 4 --speculation --exit-unloads --invariant UniqueVMIDPerCPU",
    "--cpus 2 --bits 2 --vms 4 --invariant LoadedVMIDPerTask",
    "--cpus 2 --bits 2 --vms 4 --flush deferred",
    "--cpus 2 --bits 2 --vms 4 --flush deferred --speculation --invariant UniqueVMIDPerCPU --max-states 300000000",
    "--cpus 2 --bits 2 --vms 5 --max-states 180000000",
  ],
  mutants: [
    ...MUTANTS.map((mutant) => `--cpus 2 --bits 2 --vms 4 --mutant ${mutant}`),
    "--cpus 2 --bits 2 --vms 4 --mutant clear-to-zero",
    "--cpus 2 --bits 2 --vms 4 --flush deferred --mutant no-put-flush",
  ],
  pins: [
    "--pins --cpus 1 --vms 4 --bits 2",
    "--pins --cpus 1 --vms 5 --bits 2",
    "--pins --cpus 1 --vms 6 --bits 2",
    "--pins --cpus 1 --vms 4 --bits 2 --flush deferred",
    "--pins --cpus 1 --vms 4 --bits 2 --no-puts",
    "--pins --cpus 1 --vms 4 --bits 2 --speculation --exit-unloads",
    "--pins --cpus 2 --vms 3 --bits 3",
    "--pins --cpus 1 --vms 4 --bits 2 --mutant forget-pinned-map",
    "--pins --cpus 1 --vms 4 --bits 2 --mutant pinned-before-reserved",
  ],
  asid: [
    ...[ASID, KPTI].flatMap((allocator) => [
      `${allocator} --vms 4`,
      `${allocator} --vms 4 --no-cnp`,
      `${allocator} --vms 4 --speculation`,
      `${allocator} --vms 4 --speculation --no-cnp`,
    ]),
    ...[ASID, KPTI].flatMap((allocator) => [
      `${allocator} --vms 4 --invariant LoadedVMIDPerTask`,
      `${allocator} --vms 4 --no-cnp --invariant LoadedVMIDPerTask`,
    ]),
  ],
  "asid-pins": [
    `${ASID} --pins --cpus 1 --vms 4 --bits 2`,
    `${ASID} --pins --cpus 1 --vms 4 --bits 2 --no-cnp`,
    `${ASID} --pins --cpus 1 --vms 4 --bits 2 --speculation`,
    `${ASID} --pins --cpus 1 --vms 4 --bits 2 --speculation --no-cnp`,
    "--allocator asid --kpti --pins --cpus 1 --vms 4 --bits 3",
    "--allocator asid --kpti --pins --cpus 1 --vms 4 --bits 3 --speculation",
    "--allocator asid --kpti --pins --cpus 1 --vms 4 --bits 3 --speculation --no-cnp",
    `${ASID} --pins --cpus 2 --vms 3 --bits 3`,
    `${ASID} --pins --cpus 1 --vms 4 --bits 2 --mutant forget-pinned-map`,
    `${ASID} --pins --cpus 1 --vms 4 --bits 2 --mutant pinned-before-reserved`,
    "--allocator asid --kpti --pins --cpus 1 --vms 4 --bits 3 --mutant forget-pinned-map",
    "--allocator asid --kpti --pins --cpus 1 --vms 4 --bits 3 --mutant pinned-before-reserved",
  ],
};

const [table, only] = process.argv.slice(2);
const rows = TABLES[table];
if (rows === undefined) {
  console.error(
    `usage: node scripts/checkResults.mjs TABLE [FILTER], TABLE one of: ${Object.keys(TABLES).join(", ")}`,
  );
  process.exit(2);
}
const load = () => loadavg()[0].toFixed(2);
const number = (n) => n.toLocaleString("en-US");
console.log(`load average (1 min) before: ${load()}`);
console.log("| ARGS | verdict | states | depth | time | peak memory |");
console.log("|---|---|---|---|---|---|");
for (const args of rows) {
  if (only !== undefined && !args.includes(only)) continue;
  const command = [cli, "check", ...args.split(" "), "--quiet", "--json"];
  const timed = existsSync(TIME);
  const child = timed
    ? spawnSync(TIME, ["-f", "%M", process.execPath, ...command], { encoding: "utf8" })
    : spawnSync(process.execPath, command, { encoding: "utf8" });
  // 0: holds, 1: violated, 4: inconclusive (see the exit-code table); anything else is a fault.
  if (![0, 1, 4].includes(child.status ?? -1))
    throw new Error(`check ${args} exited ${child.status}: ${child.stderr}`);
  const result = JSON.parse(child.stdout);
  const { stats, counterexample } = result;
  const maxRssMiB = timed
    ? Number(child.stderr.trim().split("\n").at(-1)) / 1024
    : stats.peakMemoryMiB;
  const verdict =
    counterexample === undefined
      ? result.verdict
      : `violated \`${counterexample.invariant}\`, ${counterexample.steps.length} steps`;
  const seconds = stats.elapsedMs / 1000;
  const time = seconds < 10 ? `${seconds.toFixed(2)} s` : `${seconds.toFixed(1)} s`;
  console.log(
    `| \`${args}\` | ${verdict} | ${number(stats.states)} | ${stats.depth} | ${time} | ${number(Math.round(maxRssMiB))} MiB |`,
  );
}
console.log(`load average (1 min) after: ${load()}`);
