import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { StrategyName } from "../../../src/core/strategies/ReservedLookup.js";
import { generateTrace } from "../../../src/trace/generateTrace.js";
import { type ReplaySink, replayTrace } from "../../../src/trace/replayTrace.js";

/** Every sink call as text, in order: `run CPU VM VMIDHEX @LINE` and `flush GENHEX @LINE`. */
async function replayCalls(
  trace: string,
  chunkSize: number,
  strategy: StrategyName,
): Promise<{ calls: string[]; runs: number; puts: number; lines: number }> {
  const calls: string[] = [];
  const sink: ReplaySink = {
    flush: (generation, line) => calls.push(`flush ${generation.toString(16)} @${line}`),
    run: (cpu, vm, vmid, line) => calls.push(`run ${cpu} ${vm} ${vmid.toString(16)} @${line}`),
    pin: (vm, result, line) =>
      calls.push(`pin ${vm} ${result.pinned ? result.id.toString(16) : result.reason} @${line}`),
  };
  const bytes = Buffer.from(trace);
  async function* chunks() {
    for (let at = 0; at < bytes.length; at += chunkSize) yield bytes.subarray(at, at + chunkSize);
  }
  const summary = await replayTrace(chunks(), { file: "t", strategy }, sink);
  return { calls, runs: summary.runs, puts: summary.puts, lines: summary.lines };
}

describe("replayTrace: the batched fast path and the line-by-line parser agree", () => {
  // 20,000 events over 300 VMs with 8-bit ids on 8 CPUs: dozens of rollovers. The same events
  // written with tabs (which only the general, line-by-line parser reads) and with single
  // spaces (which the batched fast path reads) must produce the same calls, line for line,
  // flushes included, whatever the chunking.
  const options = { bits: 8, cpus: 8, vms: 300, events: 20_000, putProbability: 0.1, zipf: 0.5 };
  const spaced = [...generateTrace({ ...options, seed: 11 })].join("");
  const tabbed = spaced.replace(/^(run|put) /gm, "$1\t").replace(/^(run\t\d+) /gm, "$1\t");

  test("the tabbed copy differs from the spaced one on every event line", () => {
    const eventLines = spaced.split("\n").filter((line) => /^(run|put) /.test(line));
    assert.equal(eventLines.length, 20_000);
    const tabbedEvents = tabbed.split("\n").filter((line) => /^(run|put)\t/.test(line));
    assert.equal(tabbedEvents.length, 20_000);
    assert.ok(tabbedEvents.every((line) => !line.includes(" ")));
  });

  for (const strategy of ["scan", "indexed"] as const) {
    test(`${strategy}: same calls, counts and lines, in chunks of 1 MiB, 4 KiB and 97 bytes`, async () => {
      const reference = await replayCalls(tabbed, 1 << 20, strategy);
      assert.ok(reference.calls.filter((call) => call.startsWith("flush")).length > 10);
      assert.equal(reference.runs + reference.puts, 20_000);
      for (const chunkSize of [1 << 20, 4096, 97]) {
        assert.deepEqual(await replayCalls(spaced, chunkSize, strategy), reference, `${chunkSize}`);
      }
    });
  }
});
