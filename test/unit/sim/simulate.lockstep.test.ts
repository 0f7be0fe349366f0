import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { simulate } from "../../../src/sim/simulate.js";
import { SIM_DEFAULTS } from "../../../src/sim/validateSimOptions.js";
import { checkRelations } from "./_support/checkRelations.js";

/*
 * Every strategy under both flush policies must return the same id on every update (the
 * strategies are exact replacements of the seed's loop; the deferred policy only moves
 * flushes). A tight id space (bits 4: 15 ids for 8 CPUs and 60 vCPUs, or many more contexts
 * when nested) makes rollovers and reserved lookups frequent.
 */
describe("simulate: all 6 policies return identical ids", () => {
  for (const put of [true, false]) {
    for (const nested of [false, true]) {
      for (const churn of [0, 20]) {
        const seed = 100 + (put ? 4 : 0) + (nested ? 2 : 0) + (churn > 0 ? 1 : 0);
        test(`put ${put}, nested ${nested}, churn ${churn} (seed ${seed})`, () => {
          const result = simulate({
            ...SIM_DEFAULTS,
            seed,
            cpus: 8,
            bits: 4,
            vms: 30,
            vcpusPerVm: 2,
            slices: 30_000,
            churn,
            put,
            nested,
          });
          assert.equal(result.idsIdentical, true);
          assert.equal(result.policies.length, 6);
          const metrics = result.policies[0].metrics;
          assert.ok(metrics.rollovers > 0, "rolls over");
          assert.ok(metrics.reservedLookups > 0, "runs reserved lookups");
          checkRelations(result);
        });
      }
    }
  }
});
