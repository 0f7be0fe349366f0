import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { createAllocator } from "../../../src/core/createAllocator.js";
import { VmidInputError } from "../../../src/core/VmidInputError.js";
import {
  MAX_BITS,
  MAX_CPUS,
  MIN_BITS,
  MIN_CPUS,
  validateBits,
  validateConfig,
  validateCpu,
  validateCpus,
  validateVm,
} from "../../../src/core/validateConfig.js";

/** An assert.throws validator: a VmidInputError whose message matches `pattern`. */
function inputError(pattern: RegExp): (error: unknown) => true {
  return (error) => {
    assert.ok(error instanceof VmidInputError, `expected a VmidInputError, got ${error}`);
    assert.equal(error.name, "VmidInputError");
    assert.match(error.message, pattern);
    return true;
  };
}

describe("validateConfig", () => {
  test("the bounds are 1..24 bits and 1..4096 CPUs", () => {
    assert.deepEqual([MIN_BITS, MAX_BITS, MIN_CPUS, MAX_CPUS], [1, 24, 1, 4096]);
  });

  test("rejects bits outside 1..24 or not an integer", () => {
    for (const bits of [0, -1, 25, 64, 2.5, Number.NaN]) {
      assert.throws(() => validateConfig(bits, 1), inputError(/bits must be an integer/));
    }
  });

  test("rejects cpus outside 1..4096 or not an integer", () => {
    for (const cpus of [0, -3, 4097, 1.5, Number.NaN]) {
      assert.throws(() => validateConfig(24, cpus), inputError(/cpus must be an integer/));
    }
  });

  test("rejects the seed's WARN condition 2^bits - 1 <= cpus", () => {
    // bits 1: one usable id (idx 1), never more than one CPU.
    assert.throws(() => validateConfig(1, 1), inputError(/need more VMIDs than CPUs/));
    // bits 2: 3 usable ids; 3 CPUs could reserve all three at a rollover.
    assert.throws(() => validateConfig(2, 3), inputError(/need more VMIDs than CPUs/));
    // bits 8: 255 usable ids; 255 CPUs is one too many.
    assert.throws(() => validateConfig(8, 255), inputError(/need more VMIDs than CPUs/));
    assert.throws(() => validateConfig(8, 4096), inputError(/need more VMIDs than CPUs/));
    // bits 12: 4095 usable ids for 4095 CPUs.
    assert.throws(() => validateConfig(12, 4095), inputError(/need more VMIDs than CPUs/));
  });

  test("accepts one more usable id than CPUs", () => {
    // 2^bits - 1 > cpus: 3 > 2, 255 > 254, 4095 > 4094, 8191 > 4096, 2^24 - 1 > 4096.
    validateConfig(2, 2);
    validateConfig(2, 1);
    validateConfig(8, 254);
    validateConfig(12, 4094);
    validateConfig(13, 4096);
    validateConfig(24, 4096);
    assert.equal(createAllocator({ bits: 2, cpus: 2 }).bits, 2);
  });

  test("accepts exactly integer bits 1..24, cpus 1..4096 with 2^bits - 1 > cpus (seed 3401)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -2, max: 30 }),
        fc.integer({ min: -2, max: 5000 }),
        (bits, cpus) => {
          const valid =
            bits >= 1 && bits <= 24 && cpus >= 1 && cpus <= 4096 && 2 ** bits - 1 > cpus;
          if (valid) {
            validateConfig(bits, cpus);
          } else {
            assert.throws(() => validateConfig(bits, cpus), VmidInputError);
          }
        },
      ),
      { seed: 3401, numRuns: 1000 },
    );
  });

  test("createAllocator validates its options the same way", () => {
    assert.throws(() => createAllocator({ bits: 2, cpus: 3 }), inputError(/need more VMIDs/));
    assert.throws(() => createAllocator({ bits: 0, cpus: 1 }), inputError(/bits must be/));
    assert.throws(() => createAllocator({ bits: 8, cpus: 0 }), inputError(/cpus must be/));
  });
});

describe("validateBits and validateCpus", () => {
  test("check one bound each, with the same messages as validateConfig", () => {
    validateBits(1);
    validateBits(24);
    validateCpus(1);
    validateCpus(4096);
    for (const bits of [0, 25, 8.5]) {
      assert.throws(() => validateBits(bits), inputError(/^bits must be an integer from 1 to 24/));
    }
    for (const cpus of [0, 4097, 3.5]) {
      assert.throws(
        () => validateCpus(cpus),
        inputError(/^cpus must be an integer from 1 to 4096/),
      );
    }
  });
});

describe("validateCpu", () => {
  test("accepts 0..cpus-1", () => {
    validateCpu(0, 4);
    validateCpu(3, 4);
    validateCpu(0, 1);
  });

  test("rejects the rest with the range in the message", () => {
    assert.throws(() => validateCpu(4, 4), inputError(/^cpu 4 is out of range 0\.\.3$/));
    assert.throws(() => validateCpu(-1, 4), inputError(/^cpu -1 is out of range 0\.\.3$/));
    assert.throws(() => validateCpu(1.5, 4), inputError(/^cpu 1.5 is out of range 0\.\.3$/));
    assert.throws(() => validateCpu(1, 1), inputError(/^cpu 1 is out of range 0\.\.0$/));
  });

  test("an allocator checks the CPU of update and clearActive", () => {
    const allocator = createAllocator({ bits: 3, cpus: 2 });
    assert.throws(() => allocator.update(2, 1), inputError(/cpu 2 is out of range 0\.\.1/));
    assert.throws(() => allocator.clearActive(-1), inputError(/cpu -1 is out of range/));
    // Nothing ran: the state is the initial one (generation N = 8, no bit set).
    assert.equal(allocator.snapshot().generation, 8n);
    assert.deepEqual(allocator.snapshot().allocatedIdx, []);
  });
});

describe("validateVm", () => {
  test("accepts positive safe integers", () => {
    validateVm(1);
    validateVm(Number.MAX_SAFE_INTEGER);
  });

  test("rejects 0, negatives, fractions and unsafe integers", () => {
    for (const vm of [0, -1, 1.5, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => validateVm(vm), inputError(/^VM id .* is not a positive safe integer$/));
    }
    assert.throws(() => validateVm(0), inputError(/^VM id 0 is not a positive safe integer$/));
  });

  test("an allocator checks the VM of update and vmidOf", () => {
    const allocator = createAllocator({ bits: 3, cpus: 2 });
    assert.throws(() => allocator.update(0, 0), inputError(/VM id 0/));
    assert.throws(() => allocator.vmidOf(-2), inputError(/VM id -2/));
    // A VM that never ran has id 0.
    assert.equal(allocator.vmidOf(Number.MAX_SAFE_INTEGER), 0n);
  });
});
