import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { SimOptions } from "../../../src/sim/SimOptions.js";
import { simulate } from "../../../src/sim/simulate.js";
import { SIM_DEFAULTS } from "../../../src/sim/validateSimOptions.js";

const SMALL: SimOptions = {
  ...SIM_DEFAULTS,
  cpus: 4,
  bits: 6,
  vms: 20,
  vcpusPerVm: 2,
  slices: 10_000,
  churn: 0,
  policies: [{ strategy: "counted", flush: "broadcast" }],
};

describe("simulate: workload", () => {
  for (const [churn, perSlice] of [
    [0, 0],
    [1000, 1], // the most churn takes: one replacement per slice
  ] as const) {
    test(`churn ${churn}: exactly ${perSlice} replacement(s) per slice (seed 31)`, () => {
      // churn / 1000 is a whole number: that many replacements every slice, none drawn.
      const { workload } = simulate({ ...SMALL, seed: 31, churn });
      assert.equal(workload.vmsCreated, perSlice * SMALL.slices);
      assert.equal(workload.vmsDestroyed, perSlice * SMALL.slices);
    });
  }

  test("churn 500 over 100k slices: about 50,000 replacements (seed 32)", () => {
    // One replacement per slice with probability 1/2: binomial(100000, 1/2), sd 158.
    const { workload } = simulate({ ...SMALL, seed: 32, churn: 500, slices: 100_000 });
    assert.ok(Math.abs(workload.vmsCreated - 50_000) < 1000, `vmsCreated ${workload.vmsCreated}`);
    assert.equal(workload.vmsDestroyed, workload.vmsCreated);
  });

  test("nested: each VM runs its own context and 2 shadow contexts per vCPU (seed 33)", () => {
    // 4 VMs x 2 vCPUs on 2 CPUs for 20,000 slices: every vCPU is loaded thousands of times,
    // so every context runs. Without nesting: 4 contexts; nested: 4 x (1 + 2 x 2) = 20.
    const options = { ...SMALL, seed: 33, cpus: 2, vms: 4, slices: 20_000 };
    assert.equal(simulate({ ...options, nested: false }).workload.contextsRun, 4);
    assert.equal(simulate({ ...options, nested: true }).workload.contextsRun, 20);
  });

  for (const popularity of ["uniform", "zipf"] as const) {
    test(`1 CPU, 100 VMs, ${popularity} (seed 34): a slow path per context, no rollover`, () => {
      const result = simulate({
        ...SMALL,
        seed: 34,
        cpus: 1,
        bits: 8,
        vms: 100,
        vcpusPerVm: 1,
        popularity,
        zipfSkew: 2,
      });
      const { updates, contextsRun } = result.workload;
      const metrics = result.policies[0].metrics;
      // At most 100 ids are ever taken of 255: no rollover. The first update and every
      // context's first run are slow paths (the first update is also a first run); every
      // other update finds active INVALID (non-zero) and a current id: fast.
      assert.equal(metrics.rollovers, 0);
      assert.equal(metrics.slowPathEntries, contextsRun);
      assert.equal(metrics.fastPathHits, updates - contextsRun);
      // A slice updates unless it draws the VM already running: uniform, P = 1/100; Zipf 2
      // over 100 VMs, P = sum 1/k^4 / (sum 1/k^2)^2 = 1.0823 / 1.6350^2 = 0.405.
      // So updates / slices is about 0.99 (sd 0.001) or 0.595 (sd about 0.006).
      const rate = updates / SMALL.slices;
      if (popularity === "uniform") assert.ok(rate > 0.98, `rate ${rate}`);
      else assert.ok(rate > 0.57 && rate < 0.62, `rate ${rate}`);
    });
  }

  test("simulated time: 4 busy CPUs x 10,000 slices of mean 1 ms is about 10 s (seed 35)", () => {
    // 40,000 slices over 4 always-busy CPUs (40 vCPUs): about 10,000 each, of mean 1000 us
    // (sd 289 us): each CPU's clock is 10,000 ms +- about 30 ms, the latest a little more.
    const { workload } = simulate({ ...SMALL, seed: 35, slices: 40_000, sliceUs: 1000 });
    assert.equal(workload.idleSlices, 0);
    assert.ok(
      workload.simulatedMs > 9900 && workload.simulatedMs < 10_100,
      `${workload.simulatedMs} ms`,
    );
  });

  test("onProgress: every 2^16 slices and at the end (seed 36)", () => {
    const calls: [number, number][] = [];
    const slices = 3 * 65_536 + 5;
    simulate(
      { ...SMALL, seed: 36, slices },
      { onProgress: (done, total) => calls.push([done, total]) },
    );
    assert.deepEqual(calls, [
      [65_536, slices],
      [131_072, slices],
      [196_608, slices],
      [slices, slices],
    ]);
    const exact: number[] = [];
    simulate({ ...SMALL, seed: 36, slices: 65_536 }, { onProgress: (done) => exact.push(done) });
    assert.deepEqual(exact, [65_536]);
  });
});
