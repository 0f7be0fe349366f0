import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { numberIds } from "../../../src/core/numberIds.js";

/** The seed's `vmid_gen_match`, computed with BigInt: `((v ^ generation) >> bits) == 0`. */
function seedGenMatch(v: bigint, generation: bigint, bits: number): boolean {
  return (v ^ generation) >> BigInt(bits) === 0n;
}

const TWO_53 = 2 ** 53;

describe("numberIds: constants", () => {
  test("bits 8: N = 256 is idCount, INVALID and the first generation; zero is 0", () => {
    const ids = numberIds(8);
    assert.equal(ids.bits, 8);
    assert.equal(ids.idCount, 256);
    assert.equal(ids.zero, 0);
    assert.equal(ids.invalid, 256);
    assert.equal(ids.firstGeneration, 256);
  });

  test("bits 1 and 24: N = 2 and N = 16777216", () => {
    assert.equal(numberIds(1).invalid, 2);
    assert.equal(numberIds(1).firstGeneration, 2);
    assert.equal(numberIds(24).idCount, 16_777_216);
    assert.equal(numberIds(24).invalid, 16_777_216);
  });
});

describe("numberIds: idxOf and compose", () => {
  test("idxOf keeps the low `bits` bits", () => {
    const ids = numberIds(8);
    assert.equal(ids.idxOf(0), 0);
    assert.equal(ids.idxOf(0x105), 5); // generation 0x100 | idx 5
    assert.equal(ids.idxOf(0x1234), 0x34);
    assert.equal(ids.idxOf(256), 0); // INVALID has idx 0
    // The largest exact id, 2^53 - 1: all 8 low bits set.
    assert.equal(ids.idxOf(TWO_53 - 1), 0xff);
    assert.equal(numberIds(2).idxOf(0b1011), 0b11);
  });

  test("compose is generation | idx", () => {
    const ids = numberIds(8);
    assert.equal(ids.compose(0x300, 7), 0x307);
    assert.equal(ids.compose(0x100, 0xff), 0x1ff);
    assert.equal(ids.compose(0x100, 0), 0x100);
    // Near the limit: generation 2^53 - 256 with idx 255 is 2^53 - 1.
    assert.equal(ids.compose(TWO_53 - 256, 255), TWO_53 - 1);
  });
});

describe("numberIds: nextGeneration", () => {
  test("adds N", () => {
    assert.equal(numberIds(8).nextGeneration(256), 512);
    assert.equal(numberIds(8).nextGeneration(0x1200), 0x1300);
    assert.equal(numberIds(2).nextGeneration(4), 8);
  });

  test("refuses a generation whose ids would pass 2^53 - 1", () => {
    // A generation g is usable while its last id g + N - 1 <= 2^53 - 1, i.e. g <= 2^53 - N.
    // bits 8: from 2^53 - 512 the next is 2^53 - 256 (ids up to 2^53 - 1): allowed;
    // from 2^53 - 256 the next would be 2^53: refused.
    const ids = numberIds(8);
    assert.equal(ids.nextGeneration(TWO_53 - 512), TWO_53 - 256);
    assert.throws(() => ids.nextGeneration(TWO_53 - 256), RangeError);
    // Same rule at bits 24 (N = 2^24) and bits 1 (N = 2).
    const wide = numberIds(24);
    assert.equal(wide.nextGeneration(TWO_53 - 2 ** 25), TWO_53 - 2 ** 24);
    assert.throws(() => wide.nextGeneration(TWO_53 - 2 ** 24), RangeError);
    const narrow = numberIds(1);
    assert.equal(narrow.nextGeneration(TWO_53 - 4), TWO_53 - 2);
    assert.throws(() => narrow.nextGeneration(TWO_53 - 2), RangeError);
  });
});

describe("numberIds: isOfGeneration", () => {
  test("bits 8, generation 0x200: exactly ids 0x200..0x2ff match", () => {
    const ids = numberIds(8);
    assert.equal(ids.isOfGeneration(0x200, 0x200), true);
    assert.equal(ids.isOfGeneration(0x2ff, 0x200), true);
    assert.equal(ids.isOfGeneration(0x300, 0x200), false);
    assert.equal(ids.isOfGeneration(0x1ff, 0x200), false);
    assert.equal(ids.isOfGeneration(0, 0x200), false);
    assert.equal(ids.isOfGeneration(0x100, 0x200), false); // INVALID
  });

  test("0 never matches (generations start at N); INVALID = N belongs to generation N", () => {
    // (0 ^ N) >> bits = 1 != 0; (N ^ N) >> bits = 0: the seed calls INVALID "of generation 1",
    // harmless since no VM ever holds idx 0.
    const ids = numberIds(8);
    assert.equal(ids.isOfGeneration(0, 256), false);
    assert.equal(ids.isOfGeneration(256, 256), true);
    assert.equal(ids.isOfGeneration(511, 256), true);
  });

  test("equals the seed's xor-and-shift for aligned generations (seed 3201)", () => {
    const situation = fc.integer({ min: 1, max: 24 }).chain((bits) => {
      // Aligned g = k * N with g + N <= 2^53, so that every id of g is exact.
      const lastK = 2n ** BigInt(53 - bits) - 1n;
      const g = fc.bigInt({ min: 1n, max: lastK }).map((k) => Number(k) * 2 ** bits);
      const near = fc.integer({ min: -3 * 2 ** bits, max: 3 * 2 ** bits });
      return fc.tuple(fc.constant(bits), g, near, fc.maxSafeNat());
    });
    fc.assert(
      fc.property(situation, ([bits, generation, offset, anywhere]) => {
        const ids = numberIds(bits);
        for (const v of [generation + offset, anywhere, 0, generation]) {
          if (v < 0 || v >= TWO_53) continue;
          const expected = seedGenMatch(BigInt(v), BigInt(generation), bits);
          assert.equal(ids.isOfGeneration(v, generation), expected, `v=${v} g=${generation}`);
        }
      }),
      { seed: 3201, numRuns: 1000 },
    );
  });
});

describe("numberIds: conversions", () => {
  test("toHex prints lowercase hex without prefix", () => {
    const ids = numberIds(8);
    assert.equal(ids.toHex(0), "0");
    assert.equal(ids.toHex(0x201), "201");
    assert.equal(ids.toHex(0xabc), "abc");
    assert.equal(ids.toHex(TWO_53 - 1), "1fffffffffffff");
  });

  test("toBigInt and fromBigInt round-trip; fromBigInt refuses what a double cannot hold", () => {
    const ids = numberIds(8);
    assert.equal(ids.toBigInt(0x1ff), 0x1ffn);
    assert.equal(ids.fromBigInt(0x1ffn), 0x1ff);
    assert.equal(ids.fromBigInt(2n ** 53n - 1n), TWO_53 - 1);
    assert.throws(() => ids.fromBigInt(2n ** 53n), RangeError);
    assert.throws(() => ids.fromBigInt(-1n), RangeError);
  });
});
