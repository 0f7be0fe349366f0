import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { violatedInvariant } from "../../../src/check/invariants.js";
import {
  CPU_FIELDS,
  CpuField,
  FLUSH_PENDING,
  GENERATION,
  initialState,
  modelLayout,
} from "../../../src/check/ModelLayout.js";
import { seeded } from "../../_support/seeded.js";
import { layoutShape } from "./_support/layoutShape.js";

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
  const shape = layoutShape();
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

describe("ReusedIdxFlushed reads ids and TLB words as its statement says", () => {
  // The statement: no CPU (but one marked for its deferred flush) holds a TLB entry (y, i)
  // while a VM other than y holds a current-generation id with idx i. Counted entry by entry
  // here on random states (VM ids of generations 1-3 with the current one 2 or 3, random
  // marks and TLB words), against the predicate, which masks whole columns of the TLB word.
  const seed = 7422;
  test(`random ids, marks and TLB words (seed ${seed})`, () => {
    let violated = 0;
    let held = 0;
    const shape = layoutShape({ minBits: 2, maxBits: 3 });
    fc.assert(
      fc.property(
        shape,
        fc.integer({ min: 2, max: 3 }),
        fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
        fc.array(fc.nat({ max: 30 }), { minLength: 12, maxLength: 12 }),
        fc.nat({ max: 15 }),
        ({ cpus, vms, bits }, current, idDraws, tlbBits, marks) => {
          const layout = modelLayout(cpus, vms, bits);
          const n = 2 ** bits;
          const state = initialState(layout);
          state[GENERATION] = current;
          state[FLUSH_PENDING] = marks & ((1 << cpus) - 1);
          const ids = idDraws
            .slice(0, vms)
            .map((d) => (d % 2 === 0 ? 0 : (1 + (d % 3)) * n + (d % n)));
          ids.forEach((id, vm) => {
            state[layout.vmId + vm] = id;
          });
          const tlbs = Array.from(
            { length: cpus },
            // Three entries drawn per TLB (some may coincide).
            (_, cpu) =>
              ((1 << tlbBits[3 * cpu]) |
                (1 << tlbBits[3 * cpu + 1]) |
                (1 << tlbBits[3 * cpu + 2])) &
              (2 ** (vms * n) - 1),
          );
          tlbs.forEach((tlb, cpu) => {
            state[layout.cpuBase + cpu * CPU_FIELDS + CpuField.tlb] = tlb;
          });
          let expected = false;
          for (let cpu = 0; cpu < cpus; cpu++) {
            if (state[FLUSH_PENDING] & (1 << cpu)) continue;
            for (let y = 0; y < vms; y++)
              for (let i = 0; i < n; i++) {
                if (!((tlbs[cpu] >>> (y * n + i)) & 1)) continue;
                for (let x = 0; x < vms; x++)
                  if (
                    x !== y &&
                    ids[x] !== 0 &&
                    Math.floor(ids[x] / n) === current &&
                    ids[x] % n === i
                  )
                    expected = true;
              }
          }
          if (expected) violated++;
          else held++;
          const found = violatedInvariant(layout, state, ["ReusedIdxFlushed"]);
          assert.equal(found, expected ? "ReusedIdxFlushed" : undefined);
        },
      ),
      seeded(seed, 2000),
    );
    assert.ok(violated >= 100 && held >= 100, `violated ${violated}, held ${held}`);
  });
});
