import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { SWEEP_CSV_COLUMNS } from "../../src/report/sweepCsv.js";
import type { SweepOutput, SweepRow } from "../../src/sim/sweep/SweepOutput.js";
import {
  assertInputError,
  assertNoStack,
  assertOk,
  makeTempDir,
  runVmid,
} from "./_support/runVmid.js";

/** `text` as a regular expression matching it literally. */
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/*
 * vmid sweep end to end: outputs, refusing to overwrite, resuming an interrupted sweep
 * without redoing its finished points, bad configurations.
 */

const temp = makeTempDir("sweep");
after(temp.cleanup);

// cpus [8, 64] x vms [50, 300] x churn [0, 5]: 8 points, all valid at bits 8; 2 policies each.
const CONFIG = {
  seed: 11,
  base: { bits: 8, slices: 20_000, vcpusPerVm: 2 },
  grid: { cpus: [8, 64], vms: [50, 300], churn: [0, 5] },
  policies: [
    { strategy: "scan", flush: "broadcast" },
    { strategy: "counted", flush: "deferred" },
  ],
};
const configFile = join(temp.dir, "config.json");
writeFileSync(configFile, JSON.stringify(CONFIG, null, 2));

/** Fields that measure this machine, not the simulation: they differ from run to run. */
const TIMING = ["pointElapsedMs", "slowPathNsMedian", "slowPathNsP99", "slowPathNsMean"] as const;
const withoutTiming = (rows: readonly SweepRow[]) =>
  rows.map((row) => {
    const copy: Record<string, unknown> = { ...row };
    for (const field of TIMING) delete copy[field];
    return copy;
  });
const readOutput = (dir: string) =>
  JSON.parse(readFileSync(join(dir, "sweep.json"), "utf8")) as SweepOutput;

describe("vmid sweep", () => {
  const fresh = join(temp.dir, "fresh");
  let output: SweepOutput;

  test("runs every point and writes sweep.json and sweep.csv", () => {
    const result = runVmid(["sweep", configFile, "--out", fresh, "--jobs", "2"]);
    assertOk(result);
    assert.match(result.stdout, /^sweep: 8 of 8 points run \(16 rows\), seed 11/);
    output = readOutput(fresh);
    assert.equal(output.format, "vmid-sweep");
    assert.equal(output.points, 8);
    assert.equal(output.rows.length, 16); // 8 points x 2 policies
    assert.deepEqual(
      output.rows.map((row) => [row.point, row.strategy, row.flush]),
      [0, 1, 2, 3, 4, 5, 6, 7].flatMap((point) => [
        [point, "scan", "broadcast"],
        [point, "counted", "deferred"],
      ]),
    );
    // The grid's order: cpus outermost, churn innermost.
    assert.deepEqual(
      output.rows.filter((_, i) => i % 2 === 0).map((r) => [r.cpus, r.vms, r.churn]),
      [
        [8, 50, 0],
        [8, 50, 5],
        [8, 300, 0],
        [8, 300, 5],
        [64, 50, 0],
        [64, 50, 5],
        [64, 300, 0],
        [64, 300, 5],
      ],
    );
    const csv = readFileSync(join(fresh, "sweep.csv"), "utf8").trimEnd().split("\n");
    assert.equal(csv.length, 17);
    assert.equal(csv[0], SWEEP_CSV_COLUMNS.join(","));
    assert.equal(csv[1].split(",").length, SWEEP_CSV_COLUMNS.length);
    assert.ok(!existsSync(join(fresh, "sweep.partial.jsonl")), "the partial file is gone");
  });

  test("the same configuration and seed give the same rows (timings aside), with 1 job or 2", () => {
    const again = join(temp.dir, "again");
    assertOk(runVmid(["sweep", configFile, "--out", again, "--jobs", "1"]));
    assert.deepEqual(withoutTiming(readOutput(again).rows), withoutTiming(output.rows));
  });

  test("refuses a directory that holds a sweep unless --resume or --force", () => {
    const result = runVmid(["sweep", configFile, "--out", fresh]);
    assert.equal(result.status, 2);
    assertNoStack(result.stderr);
    assert.match(result.stderr, /already holds a sweep: pass --resume to continue it, or --force/);
    const forced = runVmid(["sweep", configFile, "--out", fresh, "--force"]);
    assertOk(forced);
  });

  test("--resume of a finished sweep reruns nothing: the same rows, timings included", () => {
    const dir = join(temp.dir, "finished");
    assertOk(runVmid(["sweep", configFile, "--out", dir, "--jobs", "2"]));
    const before = readOutput(dir);
    assertOk(runVmid(["sweep", configFile, "--out", dir, "--resume"]));
    assert.deepEqual(readOutput(dir).rows, before.rows);
  });

  test("--resume of an interrupted sweep runs only the unfinished points", () => {
    // An interrupted sweep: the header, points 0..4 finished, point 5 cut mid-line. Each
    // planted point carries a marker elapsed time no real run would give: if the resume kept
    // them, it did not run those points again.
    const dir = join(temp.dir, "interrupted");
    runVmid(["sweep", configFile, "--out", dir, "--jobs", "2"]); // make the directory
    const finished = readOutput(dir);
    const marker = 987_654_321;
    const lines = [JSON.stringify({ format: "vmid-sweep-partial", config: finished.config })];
    for (const point of [0, 1, 2, 3, 4]) {
      const rows = finished.rows
        .filter((row) => row.point === point)
        .map((row) => ({ ...row, pointElapsedMs: marker }));
      lines.push(JSON.stringify({ point, rows, elapsedMs: marker }));
    }
    lines.push('{"point":5,"rows":[{"poi'); // the interruption
    writeFileSync(join(dir, "sweep.partial.jsonl"), `${lines.join("\n")}`);
    for (const file of ["sweep.json", "sweep.csv"]) writeFileSync(join(dir, file), "");
    writeFileSync(join(dir, "sweep.json"), "");
    const result = runVmid(["sweep", configFile, "--out", dir, "--resume"]);
    assertOk(result);
    const resumed = readOutput(dir);
    const kept = resumed.rows.filter((row) => row.pointElapsedMs === marker).map((r) => r.point);
    assert.deepEqual(kept, [0, 0, 1, 1, 2, 2, 3, 3, 4, 4], "points 0-4 kept, not rerun");
    assert.ok(
      resumed.rows.filter((row) => row.point >= 5).every((r) => r.pointElapsedMs !== marker),
    );
    assert.deepEqual(withoutTiming(resumed.rows), withoutTiming(output.rows));
  });

  test("--resume with a different configuration is refused", () => {
    const other = join(temp.dir, "other.json");
    writeFileSync(other, JSON.stringify({ ...CONFIG, seed: 12 }));
    const result = runVmid(["sweep", other, "--out", fresh, "--resume"]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /holds a sweep of a different configuration/);
  });
});

describe("vmid sweep --resume of a damaged directory", () => {
  // A finished sweep of CONFIG gives the lines a partial file would hold.
  const source = join(temp.dir, "damaged-source");
  let finished: SweepOutput;
  before(() => {
    assertOk(runVmid(["sweep", configFile, "--out", source, "--jobs", "2", "--quiet"]));
    finished = readOutput(source);
  });
  const header = () => JSON.stringify({ format: "vmid-sweep-partial", config: finished.config });
  const pointLine = (point: number, edit: (entry: Record<string, unknown>) => void = () => {}) => {
    const rows = finished.rows.filter((row) => row.point === point);
    const entry: Record<string, unknown> = { point, rows, elapsedMs: rows[0].pointElapsedMs };
    edit(entry);
    return JSON.stringify(entry);
  };
  /** A directory holding only `files` (name -> content), then `vmid sweep --resume` into it. */
  const resumeWith = (name: string, files: Record<string, string>) => {
    const dir = join(temp.dir, `damaged-${name}`);
    mkdirSync(dir);
    for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
    return { dir, result: runVmid(["sweep", configFile, "--out", dir, "--resume", "--quiet"]) };
  };
  const whatToDo = (dir: string) =>
    ` (cannot resume ${dir}: run again with --force to start over, or with --out a new directory)`;

  for (const [name, text] of [
    ["empty partial file", ""], // a full disk as the sweep started
    ["header-only partial file", () => `${header()}\n`],
  ] as const) {
    test(`${name}: nothing done yet, every point runs`, () => {
      const { dir, result } = resumeWith(name.replaceAll(" ", "-"), {
        "sweep.partial.jsonl": typeof text === "string" ? text : text(),
      });
      assertOk(result);
      assert.match(result.stdout, /^sweep: 8 of 8 points run \(16 rows\)/);
      assert.deepEqual(withoutTiming(readOutput(dir).rows), withoutTiming(finished.rows));
    });
  }

  // Each damaged file: the error names the file and line (or field path in sweep.json), says
  // what is wrong and what to do; exit 2, one line, no stack.
  const damaged: readonly (readonly [
    string,
    () => Record<string, string>,
    (dir: string) => string,
  ])[] = [
    [
      "a header cut short",
      () => ({ "sweep.partial.jsonl": header().slice(0, 30) }),
      (dir) => `${dir}/sweep.partial.jsonl:1: the header line is cut short`,
    ],
    [
      "a header that is not one",
      () => ({ "sweep.partial.jsonl": `${JSON.stringify({ config: finished.config })}\n` }),
      (dir) => `${dir}/sweep.partial.jsonl:1: format: Invalid input: expected "vmid-sweep-partial"`,
    ],
    [
      "a point line without rows",
      () => ({
        "sweep.partial.jsonl": `${[header(), pointLine(0), pointLine(1, (e) => delete e.rows)].join("\n")}\n`,
      }),
      (dir) =>
        `${dir}/sweep.partial.jsonl:3: rows: Invalid input: expected array, received undefined`,
    ],
    [
      "a row failing validation",
      () => ({
        "sweep.partial.jsonl": `${[
          header(),
          pointLine(0, (e) => {
            const rows = e.rows as SweepRow[];
            e.rows = [rows[0], { ...rows[1], cpus: -8 }];
          }),
        ].join("\n")}\n`,
      }),
      (dir) =>
        `${dir}/sweep.partial.jsonl:2: rows[1].cpus: must be an integer from 1 to 4,096 (got -8)`,
    ],
    [
      "a complete line that is not JSON",
      () => ({ "sweep.partial.jsonl": `${header()}\n{"point":0,"rows\n${pointLine(1)}\n` }),
      // Column 12 of line 2 is the quote opening "rows, a string the line break leaves open.
      (dir) => `${dir}/sweep.partial.jsonl:2:12: not valid JSON: unexpected end of string`,
    ],
    [
      "a point the grid does not have",
      () => ({ "sweep.partial.jsonl": `${header()}\n${pointLine(0, (e) => (e.point = 8))}\n` }),
      // Point 8's line carries point 0's rows, which name point 0.
      (dir) => `${dir}/sweep.partial.jsonl:2: point 8 is not a point this sweep runs`,
    ],
    [
      "a point missing a policy's row",
      () => ({
        "sweep.partial.jsonl": `${header()}\n${pointLine(2, (e) => (e.rows = (e.rows as SweepRow[]).slice(0, 1)))}\n`,
      }),
      (dir) =>
        `${dir}/sweep.partial.jsonl:2: point 2 has rows [2 scan/broadcast], expected one per policy: [2 scan/broadcast, 2 counted/deferred]`,
    ],
    [
      "a corrupt sweep.json",
      () => ({ "sweep.json": '{"format": "vmid-sweep", "rows": [' }),
      // The text is 34 characters, ending in "[": column 35 is the end, where "]" was due.
      (dir) => `${dir}/sweep.json:1:35: not valid JSON: close bracket expected`,
    ],
    [
      "a sweep.json row failing validation",
      () => ({
        "sweep.json": JSON.stringify({
          ...finished,
          rows: finished.rows.map((row, i) => (i === 5 ? { ...row, bits: "8" } : row)),
        }),
      }),
      (dir) => `${dir}/sweep.json: rows[5].bits: Invalid input: expected number, received string`,
    ],
  ];
  for (const [name, files, message] of damaged) {
    test(`${name}: an error naming the file and what to do`, () => {
      const { dir, result } = resumeWith(name.replaceAll(" ", "-"), files());
      assertInputError(result, message(dir), new RegExp(`^${escapeRegExp(whatToDo(dir))}$`));
      assert.ok(!existsSync(join(dir, "sweep.csv")), "nothing written");
    });
  }
});

describe("vmid sweep: bad input exits 2 with the file and what is wrong, writing nothing", () => {
  const cases: readonly (readonly [string, string, RegExp])[] = [
    [
      "syntax",
      '{ "seed": 1,\n  "policies": [}',
      /bad-syntax\.json:2:16: not valid JSON: value expected\n$/,
    ],
    [
      "schema",
      JSON.stringify({ seed: 1, grid: { bits: [99] }, policies: [] }),
      /bad-schema\.json: not a valid sweep configuration:\n {2}grid\.bits\[0\]: must be an integer from 2 to 24 \(got 99\)\n {2}policies: Too small/,
    ],
    [
      "all points invalid",
      JSON.stringify({
        seed: 1,
        grid: { cpus: [300], bits: [8] },
        policies: [{ strategy: "scan", flush: "broadcast" }],
      }),
      /every point of the grid is invalid \(first: bits 8 gives 255 usable VMIDs for 300 CPUs/,
    ],
    [
      "grid too large",
      // cpus 300..399 (100 values) x vms 1..101 (101 values): 10,100 points, over the limit of
      // 10,000; counted, not expanded. (Every point is also invalid at 8 bits, 255 usable ids
      // for 300+ CPUs: a vmid without the limit enumerates them all and says that instead.)
      JSON.stringify({
        seed: 1,
        base: { bits: 8 },
        grid: {
          cpus: Array.from({ length: 100 }, (_, i) => 300 + i),
          vms: Array.from({ length: 101 }, (_, i) => 1 + i),
        },
        policies: [{ strategy: "scan", flush: "broadcast" }],
      }),
      /bad-grid-too-large\.json: not a valid sweep configuration:\n {2}grid: the grid has 10,100 points \(cpus 100 x vms 101\), more than the 10,000 one sweep may run: split it into several sweeps\n$/,
    ],
  ];
  for (const [name, text, pattern] of cases) {
    test(name, () => {
      const file = join(temp.dir, `bad-${name.replaceAll(" ", "-")}.json`);
      writeFileSync(file, text);
      const out = join(temp.dir, `out-${name.replaceAll(" ", "-")}`);
      const result = runVmid(["sweep", file, "--out", out]);
      assert.equal(result.status, 2, result.stderr);
      assertNoStack(result.stderr);
      assert.match(result.stderr, pattern);
      assert.ok(!existsSync(out), "no output directory made");
    });
  }

  test("a missing configuration file", () => {
    const result = runVmid(["sweep", join(temp.dir, "nope.json"), "--out", join(temp.dir, "x")]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /nope\.json': no such file or directory/);
  });
});

describe("vmid study", () => {
  test("refuses a directory that holds a sweep, before running anything", () => {
    // The fresh sweep directory of the tests above holds sweep.json: no flag, no run.
    const dir = join(temp.dir, "study-refused");
    runVmid(["sweep", configFile, "--out", dir, "--jobs", "1"]);
    const result = runVmid(["study", "--out", dir]);
    assert.equal(result.status, 2);
    assertNoStack(result.stderr);
    assert.match(result.stderr, /already holds a sweep: pass --resume to continue it, or --force/);
    assert.ok(!existsSync(join(dir, "report.html")), "no report written");
  });

  test("--resume into another configuration's directory is refused", () => {
    const dir = join(temp.dir, "study-other");
    runVmid(["sweep", configFile, "--out", dir, "--jobs", "1"]);
    const result = runVmid(["study", "--out", dir, "--resume"]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /holds a sweep of a different configuration/);
  });
});
