import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { VmidInputError } from "../../../src/core/VmidInputError.js";
import { SIM_PARAMETERS } from "../../../src/sim/SIM_PARAMETERS.js";
import type { SimOptions } from "../../../src/sim/SimOptions.js";
import { simulate } from "../../../src/sim/simulate.js";
import { SIM_DEFAULTS, validateSimOptions } from "../../../src/sim/validateSimOptions.js";

/** Options that are valid and quick to simulate. */
const VALID: SimOptions = { ...SIM_DEFAULTS, slices: 10 };

/**
 * Each bad value, and the message it must give: the option, its range and the value got. The
 * ranges are SIM_PARAMETERS' (the same `vmid simulate` and a sweep configuration accept).
 */
const BAD: readonly [override: Record<string, unknown>, message: RegExp][] = [
  [{ seed: -1 }, /^seed must be an integer from 0 to 4,294,967,295 \(got -1\)$/],
  [{ seed: 1.5 }, /^seed must be an integer from 0 to 4,294,967,295 \(got 1\.5\)$/],
  [{ seed: 2 ** 32 }, /^seed must be an integer from 0 to 4,294,967,295 \(got 4294967296\)$/],
  [{ bits: 1, cpus: 1 }, /^bits must be an integer from 2 to 24 \(got 1\)$/],
  [{ bits: 25 }, /^bits must be an integer from 2 to 24 \(got 25\)$/],
  [{ cpus: 0 }, /^cpus must be an integer from 1 to 4,096 \(got 0\)$/],
  // 2^8 - 1 = 255 usable ids for 255 CPUs: validateConfig's rule.
  [{ bits: 8, cpus: 255 }, /^bits 8 gives 255 usable VMIDs for 255 CPUs/],
  [{ vms: 0 }, /^vms must be an integer from 1 to 1,000,000 \(got 0\)$/],
  [{ vms: 1_000_001 }, /^vms must be an integer from 1 to 1,000,000 \(got 1000001\)$/],
  [{ vcpusPerVm: 65 }, /^vcpusPerVm must be an integer from 1 to 64 \(got 65\)$/],
  [{ slices: 0 }, /^slices must be an integer from 1 to 10,000,000,000 \(got 0\)$/],
  [{ slices: 2.5 }, /^slices must be an integer from 1 to 10,000,000,000 \(got 2\.5\)$/],
  [
    { slices: 1e10 + 1 },
    /^slices must be an integer from 1 to 10,000,000,000 \(got 10000000001\)$/,
  ],
  [{ sliceUs: 0 }, /^sliceUs must be a number above 0, up to 10,000,000 \(got 0\)$/],
  [{ sliceUs: 1e308 }, /^sliceUs must be a number above 0, up to 10,000,000 \(got 1e\+308\)$/],
  [
    { sliceUs: Number.POSITIVE_INFINITY },
    /^sliceUs must be a number above 0, up to 10,000,000 \(got Infinity\)$/,
  ],
  [{ churn: -1 }, /^churn must be a number from 0 to 1,000 \(got -1\)$/],
  [{ churn: 1001 }, /^churn must be a number from 0 to 1,000 \(got 1001\)$/],
  [{ churn: Number.NaN }, /^churn must be a number from 0 to 1,000 \(got NaN\)$/],
  [{ popularity: "pareto" }, /^popularity must be 'uniform' or 'zipf' \(got 'pareto'\)$/],
  [{ zipfSkew: 0 }, /^zipfSkew must be a number above 0, up to 10 \(got 0\)$/],
  [{ zipfSkew: 11 }, /^zipfSkew must be a number above 0, up to 10 \(got 11\)$/],
  [{ put: "yes" }, /^put must be true or false \(got yes\)$/],
  [{ nested: 1 }, /^nested must be true or false \(got 1\)$/],
  [{ policies: [] }, /^policies must be a non-empty list of \{strategy, flush\} \(got \[\]\)$/],
  [
    { policies: [{ strategy: "bogus", flush: "broadcast" }] },
    /^policies\[0\]\.strategy must be one of scan, counted, indexed \(got 'bogus'\)$/,
  ],
  [
    {
      policies: [
        { strategy: "scan", flush: "broadcast" },
        { strategy: "scan", flush: "lazy" },
      ],
    },
    /^policies\[1\]\.flush must be one of broadcast, deferred \(got 'lazy'\)$/,
  ],
  [
    {
      policies: [
        { strategy: "counted", flush: "deferred" },
        { strategy: "counted", flush: "deferred" },
      ],
    },
    /^policies\[1\] repeats 'counted\/deferred': each policy at most once$/,
  ],
  [
    { sampleEvery: -1 },
    /^sampleEvery must be an integer from 0 to 9,007,199,254,740,991 \(got -1\)$/,
  ],
  [
    { sampleEvery: 0.5 },
    /^sampleEvery must be an integer from 0 to 9,007,199,254,740,991 \(got 0\.5\)$/,
  ],
];

describe("validateSimOptions", () => {
  test("SIM_DEFAULTS are valid and list all 6 policies (3 strategies x 2 flush policies) once", () => {
    assert.doesNotThrow(() => validateSimOptions(SIM_DEFAULTS));
    const labels = SIM_DEFAULTS.policies.map((p) => `${p.strategy}/${p.flush}`).sort();
    assert.deepEqual(labels, [
      "counted/broadcast",
      "counted/deferred",
      "indexed/broadcast",
      "indexed/deferred",
      "scan/broadcast",
      "scan/deferred",
    ]);
  });

  test("the boundaries of the ranges are accepted", () => {
    for (const override of [
      { seed: 0 },
      { seed: 0xffffffff },
      { bits: 2, cpus: 2 }, // 3 usable ids > 2 CPUs
      { bits: 24 },
      { vms: 1_000_000, slices: 1 },
      { vcpusPerVm: 64 },
      { churn: 0 },
      { churn: 1000, slices: 1, vms: 1 },
      { slices: 1e10, vms: 1 },
      { sliceUs: 1e7 },
      { zipfSkew: 10 },
      { sampleEvery: 0 },
      { policies: [{ strategy: "indexed", flush: "deferred" }] },
    ] as const) {
      assert.doesNotThrow(
        () => validateSimOptions({ ...VALID, ...override }),
        JSON.stringify(override),
      );
    }
  });

  for (const [override, message] of BAD) {
    test(`rejects ${JSON.stringify(override)}`, () => {
      const options = { ...VALID, ...override } as unknown as SimOptions;
      assert.throws(
        () => validateSimOptions(options),
        (error: unknown) => {
          assert.ok(error instanceof VmidInputError, `not a VmidInputError: ${String(error)}`);
          assert.match(error.message, message);
          return true;
        },
      );
      // simulate validates before it does anything.
      assert.throws(() => simulate(options), VmidInputError);
    });
  }

  test("names each option as the caller asks: vmid simulate names the flag", () => {
    const flag = (option: keyof SimOptions) => SIM_PARAMETERS[option].flag;
    assert.throws(() => validateSimOptions({ ...VALID, sliceUs: 1e308 }, flag), {
      message: "--slice-us must be a number above 0, up to 10,000,000 (got 1e+308)",
    });
    assert.throws(() => validateSimOptions({ ...VALID, vcpusPerVm: 0 }, flag), {
      message: "--vcpus must be an integer from 1 to 64 (got 0)",
    });
  });

  test("names the first bad option (seed before vms before sampleEvery)", () => {
    const options = { ...VALID, seed: -1, vms: 0, sampleEvery: -1 };
    assert.throws(() => validateSimOptions(options), /^VmidInputError: seed must be/);
    assert.throws(
      () => validateSimOptions({ ...options, seed: 1 }),
      /^VmidInputError: vms must be/,
    );
  });
});
