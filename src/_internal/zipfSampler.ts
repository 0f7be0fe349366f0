import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";

/**
 * Draws ranks 1..count with P(k) proportional to 1 / k^skew (skew 0 = uniform), by binary
 * search in a precomputed cumulative table (8 bytes per rank).
 */
export function zipfSampler(count: number, skew: number): (rng: RandomGenerator) => number {
  if (skew === 0) return (rng) => uniformInt(rng, 1, count);
  const cumulative = new Float64Array(count);
  let total = 0;
  for (let rank = 1; rank <= count; rank++) {
    total += rank ** -skew;
    cumulative[rank - 1] = total;
  }
  return (rng) => {
    const target = uniformFloat64(rng) * total;
    let low = 0;
    let high = count - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (cumulative[middle] <= target) low = middle + 1;
      else high = middle;
    }
    return low + 1;
  };
}
