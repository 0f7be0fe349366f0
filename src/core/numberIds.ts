import type { IdArithmetic } from "./IdArithmetic.js";

/**
 * Ids held as JavaScript numbers: exact while the generation stays below 2^53, which takes
 * 2^53 / step rollovers (over 500 million at 24 bits); `nextGeneration` refuses to go past it.
 * `step` is the generation unit: N = 2^bits (the VMID allocator) or 2^16 (the ASID
 * allocator's `ASID_FIRST_VERSION`), a power of two at least N. Since N is a power of two and ids are integers below 2^53, `+` and `-` on doubles are exact
 * here and equal the seed's ors. `idxOf` masks as the seed does: a bitwise operator takes its
 * operand modulo 2^32 (exactly, for any integer double), and N divides 2^32.
 */
export function numberIds(bits: number, step: number = 2 ** bits): IdArithmetic<number> {
  const idCount = 2 ** bits;
  const lastGeneration = Number.MAX_SAFE_INTEGER + 1 - 2 * step;
  const idxMask = idCount - 1;
  return {
    bits,
    idCount,
    zero: 0,
    generationStep: step,
    invalid: step,
    firstGeneration: step,
    // Not `v % idCount`: the same value, but a floating-point remainder, several times slower.
    idxOf: (v) => v & idxMask,
    compose: (generation, idx) => generation + idx,
    nextGeneration(generation) {
      if (generation > lastGeneration) {
        throw new RangeError(
          `generation overflow: ${generation} + ${step} would not be exact in a double`,
        );
      }
      return generation + step;
    },
    // v and generation are both non-negative; v belongs to the generation iff it lies in
    // [generation, generation + N), which is what the xor-and-shift says for aligned generations.
    isOfGeneration: (v, generation) => v >= generation && v - generation < idCount,
    isOfGenerationReadAfter: (v, generation) => v >= generation,
    toBigInt: (v) => BigInt(v),
    fromBigInt(v) {
      if (v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER)) {
        throw new RangeError(`id ${v} is not representable as a safe integer`);
      }
      return Number(v);
    },
    toHex: (v) => v.toString(16),
  };
}
