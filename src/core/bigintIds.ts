import type { IdArithmetic } from "./IdArithmetic.js";

const SIGNED_LIMIT = 1n << 63n;

/**
 * Ids held as bigints, for backends that store them in a BigInt64Array (Atomics needs that).
 * `generationStep` is the generation unit, 2^bits by default (see numberIds).
 * The slot is signed, so generations stop below 2^63 (the kernel's u64 would wrap at 2^64;
 * neither is reachable in practice).
 *
 * `isOfGeneration` runs on the fast path: it caches the upper bound of the last generation it
 * saw so that a match costs two bigint comparisons and no allocation. The cache is per
 * arithmetic object, so give each thread its own (the shared backend does).
 */
export function bigintIds(bits: number, generationStep: number = 2 ** bits): IdArithmetic<bigint> {
  const idCount = 2 ** bits;
  const step = BigInt(generationStep);
  const span = BigInt(idCount);
  const mask = span - 1n;
  let cachedGeneration = -1n;
  let cachedBound = -1n;
  return {
    bits,
    idCount,
    zero: 0n,
    generationStep,
    invalid: step,
    firstGeneration: step,
    idxOf: (v) => Number(v & mask),
    compose: (generation, idx) => generation | BigInt(idx),
    nextGeneration(generation) {
      const next = generation + step;
      if (next >= SIGNED_LIMIT) {
        throw new RangeError(`generation overflow: ${next} does not fit a signed 64-bit slot`);
      }
      return next;
    },
    isOfGeneration(v, generation) {
      if (generation !== cachedGeneration) {
        cachedGeneration = generation;
        cachedBound = generation + span;
      }
      return v >= generation && v < cachedBound;
    },
    isOfGenerationReadAfter: (v, generation) => v >= generation,
    toBigInt: (v) => v,
    fromBigInt(v) {
      if (v < 0n || v >= SIGNED_LIMIT) {
        throw new RangeError(`id ${v} does not fit a signed 64-bit slot`);
      }
      return v;
    },
    toHex: (v) => v.toString(16),
  };
}
