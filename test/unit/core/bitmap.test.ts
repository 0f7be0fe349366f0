import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import {
  clearBitmap,
  findNextZeroBit,
  setBit,
  testAndSetBit,
  testBit,
} from "../../../src/core/bitmap.js";

/** A bitmap of `size` bits (ceil(size / 32) words) with the listed bits set. */
function bitmapWith(size: number, setBits: readonly number[]): Int32Array {
  const words = new Int32Array(Math.ceil(size / 32));
  for (const i of setBits) setBit(words, i);
  return words;
}

/** The bits from..to-1. */
function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, k) => from + k);
}

describe("findNextZeroBit", () => {
  test("an empty map: the first clear bit is `from` itself", () => {
    const words = bitmapWith(64, []);
    assert.equal(findNextZeroBit(words, 64, 0), 0);
    assert.equal(findNextZeroBit(words, 64, 1), 1);
    assert.equal(findNextZeroBit(words, 64, 31), 31);
    assert.equal(findNextZeroBit(words, 64, 32), 32);
    assert.equal(findNextZeroBit(words, 64, 63), 63);
  });

  test("does not wrap: a clear bit below `from` is not found", () => {
    // size 8, bits 1..7 set, bit 0 clear: from 1 the search covers [1, 8), all set -> size.
    const words = bitmapWith(8, range(1, 8));
    assert.equal(findNextZeroBit(words, 8, 1), 8);
    // From 0 the clear bit 0 is in range.
    assert.equal(findNextZeroBit(words, 8, 0), 0);
    // size 64, only bit 3 clear, search from 40: [40, 64) all set -> 64, not 3.
    const wide = bitmapWith(
      64,
      range(0, 64).filter((i) => i !== 3),
    );
    assert.equal(findNextZeroBit(wide, 64, 40), 64);
    assert.equal(findNextZeroBit(wide, 64, 4), 64);
    assert.equal(findNextZeroBit(wide, 64, 3), 3);
  });

  test("returns `size` when every bit of [from, size) is set", () => {
    const words = bitmapWith(64, range(0, 64));
    assert.equal(findNextZeroBit(words, 64, 0), 64);
    assert.equal(findNextZeroBit(words, 64, 33), 64);
  });

  test("size below 32: the clear bits above `size` in the word are never reported", () => {
    // size 4 (bits = 2): bits 0..3 set, bits 4..31 of word 0 clear but outside the map.
    assert.equal(findNextZeroBit(bitmapWith(4, range(0, 4)), 4, 0), 4);
    assert.equal(findNextZeroBit(bitmapWith(4, range(1, 4)), 4, 1), 4);
    // bit 2 clear: found from 0, 1 and 2, not from 3.
    const four = bitmapWith(4, [0, 1, 3]);
    assert.equal(findNextZeroBit(four, 4, 0), 2);
    assert.equal(findNextZeroBit(four, 4, 2), 2);
    assert.equal(findNextZeroBit(four, 4, 3), 4);
    // size 8 (bits = 3): bits 1..7 set, bits 8..31 clear -> none in [1, 8).
    assert.equal(findNextZeroBit(bitmapWith(8, range(1, 8)), 8, 1), 8);
    assert.equal(findNextZeroBit(bitmapWith(8, [1, 2, 3, 4, 5, 6]), 8, 1), 7);
    // size 2 (bits = 1): bit 1 set -> none from 1.
    assert.equal(findNextZeroBit(bitmapWith(2, [1]), 2, 1), 2);
  });

  test("bits at or above `size` are outside the map even when set", () => {
    // size 4 with bits 0..4 set: bit 4 is not part of the map, so [0, 4) is full -> 4, not 5.
    assert.equal(findNextZeroBit(bitmapWith(32, range(0, 5)), 4, 0), 4);
    // size 33 with bits 0..40 set: [0, 33) full -> 33, not 41.
    assert.equal(findNextZeroBit(bitmapWith(64, range(0, 41)), 33, 2), 33);
  });

  test("word boundaries at 31, 32 and 33", () => {
    // Bits 0..30 set: bit 31 (the sign bit of word 0) is the first clear one.
    const upTo30 = bitmapWith(64, range(0, 31));
    assert.equal(findNextZeroBit(upTo30, 64, 0), 31);
    assert.equal(findNextZeroBit(upTo30, 64, 31), 31);
    // Word 0 full (-1): the search continues into word 1 at bit 32.
    const word0Full = bitmapWith(64, range(0, 32));
    assert.equal(findNextZeroBit(word0Full, 64, 0), 32);
    assert.equal(findNextZeroBit(word0Full, 64, 31), 32);
    assert.equal(findNextZeroBit(word0Full, 64, 32), 32);
    // Bits 0..32 set: 33 is next, from anywhere at or below it.
    const upTo32 = bitmapWith(64, range(0, 33));
    assert.equal(findNextZeroBit(upTo32, 64, 0), 33);
    assert.equal(findNextZeroBit(upTo32, 64, 32), 33);
    assert.equal(findNextZeroBit(upTo32, 64, 33), 33);
    // Only bit 63 (sign bit of word 1) clear.
    assert.equal(findNextZeroBit(bitmapWith(64, range(0, 63)), 64, 0), 63);
    // size 33: the map ends one bit into word 1; bits 0..32 set -> size.
    assert.equal(findNextZeroBit(bitmapWith(33, range(0, 33)), 33, 0), 33);
    assert.equal(findNextZeroBit(bitmapWith(33, range(0, 32)), 33, 5), 32);
  });

  test("from >= size returns size", () => {
    const words = bitmapWith(8, []);
    assert.equal(findNextZeroBit(words, 8, 8), 8);
    assert.equal(findNextZeroBit(words, 8, 9), 8);
    assert.equal(findNextZeroBit(bitmapWith(64, []), 64, 64), 64);
  });

  test("agrees with a naive loop over a boolean array (seed 3101)", () => {
    const situation = fc
      .integer({ min: 1, max: 100 })
      .chain((size) =>
        fc.tuple(
          fc.constant(size),
          fc.array(fc.boolean(), { minLength: size, maxLength: size }),
          fc.integer({ min: 0, max: size + 2 }),
        ),
      );
    fc.assert(
      fc.property(situation, ([size, bits, from]) => {
        const words = bitmapWith(
          size,
          range(0, size).filter((i) => bits[i]),
        );
        let expected = size;
        for (let i = from; i < size; i++) {
          if (!bits[i]) {
            expected = i;
            break;
          }
        }
        assert.equal(findNextZeroBit(words, size, from), expected);
      }),
      { seed: 3101, numRuns: 500 },
    );
  });
});

describe("testAndSetBit", () => {
  test("returns false when the bit was clear, true when it was already set", () => {
    const words = bitmapWith(64, []);
    assert.equal(testAndSetBit(words, 5), false);
    assert.equal(testBit(words, 5), true);
    assert.equal(testAndSetBit(words, 5), true);
    assert.equal(testBit(words, 5), true);
  });

  test("sets only that bit, across the sign bit and the word boundary", () => {
    const words = bitmapWith(64, []);
    assert.equal(testAndSetBit(words, 31), false);
    assert.equal(testAndSetBit(words, 32), false);
    // Bit 31 alone makes word 0 equal to -2^31; bit 32 alone makes word 1 equal to 1.
    assert.deepEqual(Array.from(words), [-(2 ** 31), 1]);
    assert.equal(testAndSetBit(words, 31), true);
    assert.equal(testAndSetBit(words, 32), true);
    assert.equal(testBit(words, 30), false);
    assert.equal(testBit(words, 33), false);
  });
});

describe("setBit, testBit, clearBitmap", () => {
  test("setBit sets exactly the given bits and testBit reads them back", () => {
    const words = bitmapWith(96, [0, 31, 32, 95]);
    // word 0: bits 0 and 31 -> 1 + 2^31 as int32 = -2^31 + 1; word 1: bit 0; word 2: bit 31.
    assert.deepEqual(Array.from(words), [-(2 ** 31) + 1, 1, -(2 ** 31)]);
    for (let i = 0; i < 96; i++) {
      assert.equal(testBit(words, i), [0, 31, 32, 95].includes(i), `bit ${i}`);
    }
  });

  test("setBit is idempotent", () => {
    const words = bitmapWith(32, [7]);
    setBit(words, 7);
    assert.deepEqual(Array.from(words), [128]);
  });

  test("clearBitmap clears every word", () => {
    const words = bitmapWith(96, range(0, 96));
    clearBitmap(words);
    assert.deepEqual(Array.from(words), [0, 0, 0]);
    assert.equal(findNextZeroBit(words, 96, 0), 0);
  });

  test("testAndSetBit reports what testBit saw before it (seed 3102)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 127 }), { maxLength: 60 }), (indices) => {
        const words = new Int32Array(4);
        const seen = new Set<number>();
        for (const i of indices) {
          assert.equal(testBit(words, i), seen.has(i));
          assert.equal(testAndSetBit(words, i), seen.has(i));
          seen.add(i);
        }
        for (let i = 0; i < 128; i++) assert.equal(testBit(words, i), seen.has(i));
      }),
      { seed: 3102, numRuns: 200 },
    );
  });
});
