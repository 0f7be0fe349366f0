import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { violatedInvariant } from "../../../src/check/invariants.js";
import { CPU_FIELDS, CpuField, initialState, modelLayout } from "../../../src/check/ModelLayout.js";
import { seeded } from "../../_support/seeded.js";

describe("UniqueVMIDPerCPU reads the TLB words as its statement says", () => {
  // The statement: no CPU's TLB holds entries of two different VMs under one idx, entry
  // (vm, idx) being bit (vm - 1) x N + idx of the CPU's TLB word. Here it is counted entry by
  // entry, for random TLB words of every layout shape (1-4 CPUs, 1-8 VMs, 1-4 bits, with
  // V x N <= 31), against the predicate, which works on whole blocks of N bits.
  const ownersOverOne = (tlb: number, vms: number, n: number) => {
    for (let idx = 0; idx < n; idx++) {
      const owners = Array.from({ length: vms }, (_, vm) => (tlb >>> (vm * n + idx)) & 1);
      if (owners.reduce((a, b) => a + b, 0) > 1) return true;
    }
    return false;
  };
  const shape = fc
    .record({
      cpus: fc.integer({ min: 1, max: 4 }),
      vms: fc.integer({ min: 1, max: 8 }),
      bits: fc.integer({ min: 1, max: 4 }),
    })
    .filter(({ vms, bits }) => vms * 2 ** bits <= 31);
  // Sparse words too: with dense random words nearly every TLB violates.
  const word = fc.oneof(
    fc.nat({ max: 0x7fffffff }),
    fc
      .array(fc.nat({ max: 30 }), { maxLength: 4 })
      .map((bits) => bits.reduce((w, b) => w | (1 << b), 0)),
  );
  const seed = 7421;
  test(`random TLB words (seed ${seed})`, () => {
    let violated = 0;
    let held = 0;
    fc.assert(
      fc.property(
        shape,
        fc.array(word, { minLength: 4, maxLength: 4 }),
        ({ cpus, vms, bits }, words) => {
          const layout = modelLayout(cpus, vms, bits);
          const n = 2 ** bits;
          const state = initialState(layout);
          const mask = 2 ** (vms * n) - 1;
          let expected = false;
          for (let cpu = 0; cpu < cpus; cpu++) {
            const tlb = words[cpu] & mask;
            state[layout.cpuBase + cpu * CPU_FIELDS + CpuField.tlb] = tlb;
            if (ownersOverOne(tlb, vms, n)) expected = true;
          }
          if (expected) violated++;
          else held++;
          const found = violatedInvariant(layout, state, ["UniqueVMIDPerCPU"]);
          assert.equal(found, expected ? "UniqueVMIDPerCPU" : undefined);
        },
      ),
      seeded(seed, 1000),
    );
    assert.ok(violated >= 100 && held >= 100, `violated ${violated}, held ${held}`);
  });
});
