import fc from "fast-check";

/**
 * fast-check options for the trace properties: the fixed seed, and a time cap so that
 * shrinking a long failing trace ends (reporting the failure and the smallest trace found so
 * far) instead of hanging the suite. A run cut short before any failure also fails: a
 * property that did not reach `numRuns` is inconclusive, not a pass.
 */
export function seeded(
  seed: number,
  numRuns: number,
  timeLimitMs = 15_000,
): fc.Parameters<unknown> {
  return {
    seed,
    numRuns,
    plugins: [fc.interruptAfterTimeLimit(timeLimitMs, { failOnInterrupt: true })],
  };
}
