import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { sweepPoints } from "../../../src/sim/sweep/sweepPoints.js";
import { SIM_DEFAULTS } from "../../../src/sim/validateSimOptions.js";

const POLICIES = [{ strategy: "scan", flush: "broadcast" }] as const;

describe("sweepPoints", () => {
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
