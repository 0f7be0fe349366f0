import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import {
  appendFinishedPoint,
  prepareSweepDirectory,
  sweepFiles,
} from "../../../src/cli/sweepFiles.js";
import { simulate } from "../../../src/sim/simulate.js";
import { parseSweepConfig } from "../../../src/sim/sweep/sweepConfigSchema.js";
import { sweepPoints } from "../../../src/sim/sweep/sweepPoints.js";
import { sweepRows } from "../../../src/sim/sweep/sweepRows.js";

const dir = mkdtempSync(join(tmpdir(), "vmid-sweepFiles-"));
after(() => rmSync(dir, { recursive: true, force: true }));

// Two small points (vms 4 and 8), one policy: quick to simulate for real rows.
const config = parseSweepConfig(
  JSON.stringify({
    seed: 3,
    base: { cpus: 2, slices: 200, sampleEvery: 0 },
    grid: { vms: [4, 8] },
    policies: [{ strategy: "scan", flush: "broadcast" }],
  }),
  "config.json",
);
const { points } = sweepPoints(config);
const target = { config, runnable: new Set(points.map(({ point }) => point)) };
const entryOf = (point: number) => {
  const result = simulate(points[point].options);
  return { rows: sweepRows(point, result), elapsedMs: result.elapsedMs };
};

describe("prepareSweepDirectory --resume", () => {
  test("a last line cut short is not done, and is cut off so the next line starts clean", () => {
    const files = sweepFiles(dir);
    const header = `${JSON.stringify({ format: "vmid-sweep-partial", config })}\n`;
    const point0 = `${JSON.stringify({ point: 0, ...entryOf(0) })}\n`;
    const point1 = JSON.stringify({ point: 1, ...entryOf(1) });
    // The write of point 1's line stopped halfway: no newline, half the JSON.
    writeFileSync(files.partial, header + point0 + point1.slice(0, point1.length / 2));

    const finished = prepareSweepDirectory(dir, target, { resume: true, force: false });
    assert.deepEqual([...finished.keys()], [0]);
    assert.equal(readFileSync(files.partial, "utf8"), header + point0, "the cut line is gone");

    // Point 1 runs again and is appended; a second resume finds both points, every line valid.
    appendFinishedPoint(dir, 1, entryOf(1));
    const again = prepareSweepDirectory(dir, target, { resume: true, force: false });
    assert.deepEqual([...again.keys()].sort(), [0, 1]);
  });
});
