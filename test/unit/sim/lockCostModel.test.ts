import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { lockOps } from "../../../src/sim/lockCostModel.js";

describe("lockOps (the lock cost model)", () => {
  test("bits 8, 64 CPUs: per rollover ceil(256 / 32) = 8 words cleared + 64 exchanges = 72", () => {
    const counts = {
      slowPathEntries: 10,
      reservedCpusVisited: 5,
      bitmapWordsSearched: 7,
      rollovers: 2,
    };
    // 10 slow paths x 1 + 5 reservations compared + 7 words searched + 2 rollovers x 72
    assert.equal(lockOps(counts, 8, 64), 10 + 5 + 7 + 144);
  });

  test("bits 2: a 4-bit bitmap is still one word (ceil(4 / 32) = 1)", () => {
    const counts = {
      slowPathEntries: 3,
      reservedCpusVisited: 0,
      bitmapWordsSearched: 4,
      rollovers: 1,
    };
    // 3 + 0 + 4 + 1 x (1 word + 1 CPU)
    assert.equal(lockOps(counts, 2, 1), 9);
  });

  test("bits 16, 4096 CPUs: per rollover 2048 words + 4096 exchanges", () => {
    const counts = {
      slowPathEntries: 0,
      reservedCpusVisited: 0,
      bitmapWordsSearched: 0,
      rollovers: 3,
    };
    assert.equal(lockOps(counts, 16, 4096), 3 * (65536 / 32 + 4096));
  });

  test("no slow path: 0 (flushes are not in the model)", () => {
    const counts = {
      slowPathEntries: 0,
      reservedCpusVisited: 0,
      bitmapWordsSearched: 0,
      rollovers: 0,
    };
    assert.equal(lockOps(counts, 8, 8), 0);
  });
});
