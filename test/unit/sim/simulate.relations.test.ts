import { describe, test } from "node:test";
import fc from "fast-check";
import type { SimOptions } from "../../../src/sim/SimOptions.js";
import { simulate } from "../../../src/sim/simulate.js";
import { SIM_DEFAULTS } from "../../../src/sim/validateSimOptions.js";
import { seeded } from "../../_support/seeded.js";
import { checkRelations } from "./_support/checkRelations.js";

/** Small random hosts: tight id spaces (bits 2..6) so that rollovers and lookups are frequent. */
const smallHost = fc
  .record({
    seed: fc.integer({ min: 0, max: 0xffffffff }),
    cpus: fc.integer({ min: 1, max: 8 }),
    extraBits: fc.integer({ min: 0, max: 3 }),
    vms: fc.integer({ min: 1, max: 24 }),
    vcpusPerVm: fc.integer({ min: 1, max: 4 }),
    slices: fc.integer({ min: 1, max: 3000 }),
    churn: fc.constantFrom(0, 1, 50, 999, 1000),
    popularity: fc.constantFrom("uniform", "zipf"),
    zipfSkew: fc.constantFrom(0.5, 1, 3),
    put: fc.boolean(),
    nested: fc.boolean(),
    sampleEvery: fc.constantFrom(0, 1, 3),
  })
  .map(({ extraBits, ...rest }): SimOptions => {
    // The least bits with 2^bits - 1 > cpus, plus 0..3.
    const bits = Math.max(2, Math.ceil(Math.log2(rest.cpus + 2))) + extraBits;
    return { ...SIM_DEFAULTS, ...rest, bits };
  });

describe("simulate: relations that hold on every run", () => {
  test("random small hosts, all 6 policies (fast-check seed 2024)", () => {
    fc.assert(
      fc.property(smallHost, (options) => checkRelations(simulate(options))),
      seeded(2024, 150),
    );
  });

  for (const [name, override] of [
    ["SIM_DEFAULTS at 100k slices (seed 1)", { slices: 100_000 }],
    [
      "Zipf skew 1.2, nested, no put, 16 CPUs, bits 6 (seed 21)",
      {
        seed: 21,
        cpus: 16,
        bits: 6,
        vms: 40,
        popularity: "zipf",
        zipfSkew: 1.2,
        nested: true,
        put: false,
        slices: 50_000,
      },
    ],
    [
      "churn 200, 4 vCPUs per VM, bits 5, 8 CPUs (seed 22)",
      {
        seed: 22,
        cpus: 8,
        bits: 5,
        vms: 10,
        vcpusPerVm: 4,
        churn: 200,
        slices: 50_000,
        sampleEvery: 7,
      },
    ],
    [
      "undersubscribed: 32 CPUs, 5 VMs x 2 vCPUs (seed 23)",
      { seed: 23, cpus: 32, vms: 5, slices: 20_000 },
    ],
  ] as const) {
    test(name, () => checkRelations(simulate({ ...SIM_DEFAULTS, ...override })));
  }
});
