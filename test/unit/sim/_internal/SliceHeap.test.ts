import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { SliceHeap } from "../../../../src/sim/_internal/SliceHeap.js";
import { seeded } from "../../../_support/seeded.js";

/** The oracle: a linear scan for the earliest slice end, ties to the lower CPU. */
function earliest(ends: readonly number[]): number {
  let best = 0;
  for (let cpu = 1; cpu < ends.length; cpu++) if (ends[cpu] < ends[best]) best = cpu;
  return best;
}

describe("SliceHeap", () => {
  test("at time 0 the CPUs act in ascending order, then by slice end", () => {
    const heap = new SliceHeap(3);
    const order: number[] = [];
    // Lengths 5, 3, 4 for CPUs 0, 1, 2: ends 5, 3, 4; then CPU 1 (3) gets 10 -> 13,
    // CPU 2 (4) gets 1 -> 5, which ties with CPU 0's 5: CPU 0 first.
    for (const length of [5, 3, 4, 10, 1, 7, 7]) {
      order.push(heap.nextCpu());
      heap.advanceNextCpu(length);
    }
    // CPU 0 (5) gets 7 -> 12; CPU 2 (5) gets 7 -> 12; next is CPU 0 (12, tie with CPU 2).
    assert.deepEqual(order, [0, 1, 2, 1, 2, 0, 2]);
    assert.equal(heap.nextCpu(), 0);
    assert.deepEqual([...heap.sliceEndUs], [12, 13, 12]);
    assert.equal(heap.latestSliceEndUs(), 13);
  });

  test("agrees with a linear scan on random slice lengths (seed 41)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        // Small integer lengths make ties frequent.
        fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 300 }),
        (cpus, lengths) => {
          const heap = new SliceHeap(cpus);
          const ends = new Array<number>(cpus).fill(0);
          for (const length of lengths) {
            const cpu = heap.nextCpu();
            assert.equal(cpu, earliest(ends));
            ends[cpu] += length;
            heap.advanceNextCpu(length);
          }
          assert.equal(heap.nextCpu(), earliest(ends));
          assert.equal(heap.latestSliceEndUs(), Math.max(...ends));
        },
      ),
      seeded(41, 300),
    );
  });
});
