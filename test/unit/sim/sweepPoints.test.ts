import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MAX_SWEEP_POINTS } from "../../../src/sim/sweep/gridSizeProblem.js";
import { sweepPoints } from "../../../src/sim/sweep/sweepPoints.js";
import { SIM_DEFAULTS } from "../../../src/sim/validateSimOptions.js";

const POLICIES = [{ strategy: "scan", flush: "broadcast" }] as const;

/** The integers from..to, inclusive. */
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe("sweepPoints", () => {
  test("a grid of more than MAX_SWEEP_POINTS points is refused with its count, before expanding", () => {
    assert.equal(MAX_SWEEP_POINTS, 10_000); // as the README documents
    // cpus 1..101 (101 values) x vms 1..100 (100 values): 10,100 points, one grid too many.
    assert.throws(
      () =>
        sweepPoints({
          seed: 1,
          base: { bits: 16 },
          grid: { cpus: range(1, 101), vms: range(1, 100) },
          policies: POLICIES,
        }),
      {
        name: "VmidInputError",
        message:
          "the grid has 10,100 points (cpus 101 x vms 100), more than the 10,000 one sweep may run: split it into several sweeps",
      },
    );
    // cpus 1..100 x vms 1..100: exactly 10,000 points, all valid at 16 bits: accepted.
    const { points, skipped } = sweepPoints({
      seed: 1,
      base: { bits: 16 },
      grid: { cpus: range(1, 100), vms: range(1, 100) },
      policies: POLICIES,
    });
    assert.equal(points.length + skipped.length, 10_000);
  });

  test("every combination, the last dimension varying fastest; invalid ones skipped with the reason", () => {
    // cpus [8, 512] x bits [8, 16]: (8, 8), (8, 16), (512, 8), (512, 16). 512 CPUs need more
    // than 512 usable ids: bits 8 gives 255, so point 2 is skipped.
    const { points, skipped } = sweepPoints({
      seed: 9,
      base: { slices: 100 },
      grid: { cpus: [8, 512], bits: [8, 16] },
      policies: POLICIES,
    });
    assert.deepEqual(
      points.map(({ point, options }) => [point, options.cpus, options.bits]),
      [
        [0, 8, 8],
        [1, 8, 16],
        [3, 512, 16],
      ],
    );
    assert.equal(skipped.length, 1);
    assert.equal(skipped[0].point, 2);
    assert.equal(skipped[0].options.cpus, 512);
    assert.equal(skipped[0].options.bits, 8);
    assert.match(skipped[0].reason, /255/);
  });

  test("each point: the simulator's defaults, then base, then the grid values, the sweep's seed and policies", () => {
    const { points } = sweepPoints({
      seed: 4,
      base: { slices: 100, vms: 10 },
      grid: { vms: [20, 30] },
      policies: POLICIES,
    });
    assert.deepEqual(
      points.map(({ options }) => options),
      [20, 30].map((vms) => ({ ...SIM_DEFAULTS, slices: 100, vms, seed: 4, policies: POLICIES })),
    );
  });

  test("no grid: one point, the base", () => {
    const { points, skipped } = sweepPoints({ seed: 1, base: {}, grid: {}, policies: POLICIES });
    assert.equal(points.length, 1);
    assert.equal(skipped.length, 0);
  });
});
