import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { bigintIds } from "../../../src/core/bigintIds.js";
import { numberIds } from "../../../src/core/numberIds.js";

/** The seed's `vmid_gen_match`: `((v ^ generation) >> bits) == 0`. */
function seedGenMatch(v: bigint, generation: bigint, bits: number): boolean {
  return (v ^ generation) >> BigInt(bits) === 0n;
}

const TWO_63 = 2n ** 63n;

describe("bigintIds: constants", () => {
  test("bits 8: N = 256n is INVALID and the first generation; zero is 0n", () => {
    const ids = bigintIds(8);
    assert.equal(ids.bits, 8);
    assert.equal(ids.idCount, 256);
    assert.equal(ids.zero, 0n);
    assert.equal(ids.invalid, 256n);
    assert.equal(ids.firstGeneration, 256n);
  });

  test("bits 16: N = 65536n", () => {
    assert.equal(bigintIds(16).invalid, 65_536n);
    assert.equal(bigintIds(16).idCount, 65_536);
  });
});

describe("bigintIds: idxOf, compose, nextGeneration", () => {
  test("idxOf keeps the low `bits` bits, as a number", () => {
    const ids = bigintIds(8);
    assert.equal(ids.idxOf(0x105n), 5);
    assert.equal(ids.idxOf(0x1234n), 0x34);
    assert.equal(ids.idxOf(256n), 0);
    assert.equal(ids.idxOf(TWO_63 - 1n), 0xff);
  });

  test("compose is generation | idx", () => {
    const ids = bigintIds(8);
    assert.equal(ids.compose(0x300n, 7), 0x307n);
    assert.equal(ids.compose(TWO_63 - 256n, 255), TWO_63 - 1n);
  });

  test("nextGeneration adds N and refuses to reach 2^63 (the signed slot's limit)", () => {
    // A generation g fits while its last id g + N - 1 <= 2^63 - 1, i.e. g <= 2^63 - N.
    const ids = bigintIds(8);
    assert.equal(ids.nextGeneration(256n), 512n);
    assert.equal(ids.nextGeneration(TWO_63 - 512n), TWO_63 - 256n);
    assert.throws(() => ids.nextGeneration(TWO_63 - 256n), RangeError);
    const wide = bigintIds(24);
    assert.equal(wide.nextGeneration(TWO_63 - 2n ** 25n), TWO_63 - 2n ** 24n);
    assert.throws(() => wide.nextGeneration(TWO_63 - 2n ** 24n), RangeError);
  });
});

describe("bigintIds: isOfGeneration", () => {
  test("bits 8, generation 0x200n: exactly ids 0x200..0x2ff match", () => {
    const ids = bigintIds(8);
    assert.equal(ids.isOfGeneration(0x200n, 0x200n), true);
    assert.equal(ids.isOfGeneration(0x2ffn, 0x200n), true);
    assert.equal(ids.isOfGeneration(0x300n, 0x200n), false);
    assert.equal(ids.isOfGeneration(0x1ffn, 0x200n), false);
    assert.equal(ids.isOfGeneration(0n, 0x200n), false);
  });

  test("the cached bound follows the generation asked, back and forth", () => {
    // The cache holds one generation's bound; asking about another must recompute it.
    const ids = bigintIds(4); // N = 16
    assert.equal(ids.isOfGeneration(0x25n, 0x20n), true);
    assert.equal(ids.isOfGeneration(0x25n, 0x30n), false);
    assert.equal(ids.isOfGeneration(0x35n, 0x30n), true);
    assert.equal(ids.isOfGeneration(0x35n, 0x20n), false);
    assert.equal(ids.isOfGeneration(0x2fn, 0x20n), true);
    assert.equal(ids.isOfGeneration(0x30n, 0x20n), false);
  });

  test("equals the seed's xor-and-shift for aligned generations (seed 3301)", () => {
    const situation = fc.integer({ min: 1, max: 24 }).chain((bits) => {
      const step = 2n ** BigInt(bits);
      const lastK = TWO_63 / step - 1n; // g + N <= 2^63
      const g = fc.bigInt({ min: 1n, max: lastK }).map((k) => k * step);
      const near = fc.bigInt({ min: -3n * step, max: 3n * step });
      const anywhere = fc.bigInt({ min: 0n, max: TWO_63 - 1n });
      return fc.tuple(fc.constant(bits), g, near, anywhere);
    });
    fc.assert(
      fc.property(situation, ([bits, generation, offset, anywhere]) => {
        const ids = bigintIds(bits);
        for (const v of [generation + offset, anywhere, 0n, generation]) {
          if (v < 0n || v >= TWO_63) continue;
          const expected = seedGenMatch(v, generation, bits);
          assert.equal(ids.isOfGeneration(v, generation), expected, `v=${v} g=${generation}`);
        }
      }),
      { seed: 3301, numRuns: 1000 },
    );
  });
});

describe("bigintIds: conversions", () => {
  test("toHex prints lowercase hex without prefix", () => {
    const ids = bigintIds(8);
    assert.equal(ids.toHex(0n), "0");
    assert.equal(ids.toHex(0x2abn), "2ab");
    assert.equal(ids.toHex(TWO_63 - 1n), "7fffffffffffffff");
  });

  test("fromBigInt accepts 0..2^63-1 and refuses the rest", () => {
    const ids = bigintIds(8);
    assert.equal(ids.fromBigInt(0n), 0n);
    assert.equal(ids.fromBigInt(TWO_63 - 1n), TWO_63 - 1n);
    assert.equal(ids.toBigInt(0x1ffn), 0x1ffn);
    assert.throws(() => ids.fromBigInt(TWO_63), RangeError);
    assert.throws(() => ids.fromBigInt(-1n), RangeError);
  });
});

describe("numberIds and bigintIds", () => {
  test("agree on every operation below 2^53 (seed 3302)", () => {
    const situation = fc.integer({ min: 1, max: 24 }).chain((bits) => {
      const lastK = 2n ** BigInt(53 - bits) - 1n; // g + N <= 2^53: every id of g is exact
      return fc.record({
        bits: fc.constant(bits),
        k: fc.bigInt({ min: 1n, max: lastK }),
        idx: fc.integer({ min: 0, max: 2 ** bits - 1 }),
        other: fc.maxSafeNat(),
        otherK: fc.bigInt({ min: 1n, max: lastK }),
      });
    });
    fc.assert(
      fc.property(situation, ({ bits, k, idx, other, otherK }) => {
        const asNumber = numberIds(bits);
        const asBigint = bigintIds(bits);
        const step = 2n ** BigInt(bits);
        const g = k * step;
        const gn = Number(g);
        const id = asBigint.compose(g, idx);
        assert.equal(asNumber.idCount, asBigint.idCount);
        assert.equal(BigInt(asNumber.invalid), asBigint.invalid);
        assert.equal(BigInt(asNumber.compose(gn, idx)), id);
        assert.equal(asNumber.idxOf(Number(id)), asBigint.idxOf(id));
        assert.equal(asNumber.idxOf(other), asBigint.idxOf(BigInt(other)));
        assert.equal(asNumber.toHex(Number(id)), asBigint.toHex(id));
        assert.equal(asNumber.toHex(other), asBigint.toHex(BigInt(other)));
        assert.equal(asNumber.toBigInt(Number(id)), asBigint.toBigInt(id));
        for (const generation of [g, otherK * step]) {
          for (const v of [id, BigInt(other)]) {
            assert.equal(
              asNumber.isOfGeneration(Number(v), Number(generation)),
              asBigint.isOfGeneration(v, generation),
            );
          }
        }
        if (k < 2n ** BigInt(53 - bits) - 1n) {
          assert.equal(BigInt(asNumber.nextGeneration(gn)), asBigint.nextGeneration(g));
        } else {
          // The last exact generation: numberIds refuses to go on, bigintIds does not.
          assert.throws(() => asNumber.nextGeneration(gn), RangeError);
          assert.equal(asBigint.nextGeneration(g), g + step);
        }
      }),
      { seed: 3302, numRuns: 1000 },
    );
  });
});
