import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { SimOptions } from "../../../src/sim/SimOptions.js";
import { simulate } from "../../../src/sim/simulate.js";
import { SIM_DEFAULTS } from "../../../src/sim/validateSimOptions.js";
import { withoutTiming } from "./_support/withoutTiming.js";

/** Every feature on: Zipf, churn, nested, put, a tight id space, all 6 policies. */
const BUSY: SimOptions = {
  ...SIM_DEFAULTS,
  seed: 7,
  cpus: 8,
  bits: 5,
  vms: 30,
  vcpusPerVm: 3,
  slices: 40_000,
  churn: 30,
  popularity: "zipf",
  zipfSkew: 1.1,
  put: true,
  nested: true,
  sampleEvery: 5,
};

describe("simulate: determinism", () => {
  test("seed 7 twice: the same result but for wall time and ns", () => {
    const first = simulate(BUSY);
    const second = simulate(BUSY);
    assert.deepEqual(withoutTiming(second), withoutTiming(first));
    assert.ok(first.policies[0].metrics.rollovers > 0, "the workload rolls over");
  });

  test("seeds 7 and 8 give different workloads", () => {
    const seven = simulate(BUSY);
    const eight = simulate({ ...BUSY, seed: 8 });
    assert.notDeepEqual(eight.workload, seven.workload);
    assert.notDeepEqual(
      eight.policies[0].metrics.fastPathHits,
      seven.policies[0].metrics.fastPathHits,
    );
  });

  test("the result reports the options it ran with, seed included (seed 7)", () => {
    const result = simulate(BUSY);
    assert.deepEqual(result.options, BUSY);
    assert.equal(result.options.seed, 7);
  });

  test("a policy's metrics do not depend on which other policies run beside it (seed 7)", () => {
    const all = simulate(BUSY);
    for (const [index, policy] of BUSY.policies.entries()) {
      const alone = simulate({ ...BUSY, policies: [policy] });
      assert.deepEqual(withoutTiming(alone).policies[0], withoutTiming(all).policies[index]);
      assert.deepEqual(alone.workload, all.workload);
    }
  });

  test("the policies' order only orders the results (seed 7)", () => {
    const forward = simulate(BUSY);
    const backward = simulate({ ...BUSY, policies: [...BUSY.policies].reverse() });
    assert.deepEqual(
      withoutTiming(backward).policies,
      withoutTiming(forward).policies.slice().reverse(),
    );
  });
});
