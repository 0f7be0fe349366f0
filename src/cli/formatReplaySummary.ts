import { formatNumber } from "../_internal/formatNumber.js";
import type { ReplaySummary } from "../trace/replayTrace.js";

/** The `--summary` table, for stderr; counts grouped in thousands with commas. */
export function formatReplaySummary(summary: ReplaySummary): string {
  const c = summary.counters;
  const rows: [string, number | string][] = [
    ["lines", summary.lines],
    ["runs (updates)", summary.runs],
    ["puts", summary.puts],
    ["final generation", `0x${summary.generation.toString(16)}`],
    ["rollovers (flushes)", c.rollovers],
    ["fast-path hits", c.fastPathHits],
    ["slow-path entries", c.slowPathEntries],
    ["reserved hits", c.reservedHits],
    ["old idx reused", c.oldIdxReuses],
    ["fresh allocations", c.freshAllocations],
    ["reserved lookups", c.reservedLookups],
    ["CPUs visited by lookups", c.reservedCpusVisited],
  ];
  // Only for traces with pin events, so the table of a plain v1 trace is unchanged.
  if (c.pins + c.pinFailures + c.unpins > 0) {
    rows.push(
      ["pins", c.pins],
      ["pin failures", c.pinFailures],
      ["unpins", c.unpins],
      ["pinned idx kept", c.pinnedKeeps],
    );
  }
  const width = Math.max(...rows.map(([name]) => name.length));
  const head = `summary of ${summary.file}: bits ${summary.bits}, cpus ${summary.cpus}, strategy ${summary.strategy}`;
  const lines = [
    head,
    ...rows.map(([name, value]) => {
      const text = typeof value === "number" ? formatNumber(value) : value;
      return `  ${name.padEnd(width)}  ${text}`;
    }),
  ];
  return `${lines.join("\n")}\n`;
}

/** The summary as a JSON-ready object (ids as lowercase hex strings). */
export function replaySummaryJson(summary: ReplaySummary): Record<string, unknown> {
  return {
    type: "summary",
    file: summary.file,
    bits: summary.bits,
    cpus: summary.cpus,
    strategy: summary.strategy,
    lines: summary.lines,
    runs: summary.runs,
    puts: summary.puts,
    generation: summary.generation.toString(16),
    ...summary.counters,
  };
}
