import { Bench } from "tinybench";

/**
 * Runs `run` `iterations` times (after one warm-up) with tinybench and returns the median
 * wall time in milliseconds. For whole runs (hundreds of ms each), not for ns-scale work.
 */
export async function medianMilliseconds(
  name: string,
  iterations: number,
  run: () => Promise<unknown> | unknown,
): Promise<number> {
  const bench = new Bench({ iterations, time: 0, warmupIterations: 1, warmupTime: 0 });
  bench.add(name, run);
  await bench.run();
  const result = bench.tasks[0].result as {
    state: string;
    latency?: { p50: number };
    error?: unknown;
  };
  if (result.latency === undefined) {
    throw new Error(
      `benchmark ${name} did not complete (${result.state}): ${String(result.error)}`,
    );
  }
  return result.latency.p50;
}
