import type { AllocatorCounters } from "../core/AllocatorCounters.js";
import { createAllocator, type VmidAllocator } from "../core/createAllocator.js";
import type { StrategyName } from "../core/strategies/ReservedLookup.js";
import { TraceParser } from "./TraceParser.js";

/** Where a replay sends what happens, in trace order. */
export interface ReplaySink {
  /** A rollover's broadcast flush, caused by the `run` on `line`, reported before that run. */
  flush(generation: bigint, line: number): void;
  /** A `run` on `line` gave `vm` the id `vmid` on `cpu` (the plain backend's number form). */
  run(cpu: number, vm: number, vmid: number, line: number): void;
  /** Called between input chunks; a sink may return a promise to apply backpressure. */
  drained?(): Promise<void> | undefined;
}

/** What a replay did, at its end. */
export interface ReplaySummary {
  readonly file: string;
  readonly bits: number;
  readonly cpus: number;
  readonly strategy: StrategyName;
  readonly lines: number;
  readonly runs: number;
  readonly puts: number;
  /** The generation at the end. */
  readonly generation: bigint;
  readonly counters: AllocatorCounters;
}

/**
 * Replays a trace (format v1, see TraceParser) through a fresh allocator, streaming: memory
 * stays constant whatever the trace length. `file` names the source in error messages.
 * Throws TraceError for a malformed trace, after reporting the events before the bad line.
 */
export async function replayTrace(
  source: AsyncIterable<Buffer | string>,
  options: { readonly file: string; readonly strategy: StrategyName },
  sink: ReplaySink,
): Promise<ReplaySummary> {
  let allocator: VmidAllocator<number> | undefined;
  let currentLine = 0;
  let runs = 0;
  let puts = 0;
  const parser = new TraceParser(options.file, {
    header(bits, cpus) {
      allocator = createAllocator({
        bits,
        cpus,
        strategy: options.strategy,
        onFlush: (generation) => sink.flush(generation, currentLine),
      });
    },
    run(cpu, vm, line) {
      currentLine = line;
      runs++;
      sink.run(cpu, vm, (allocator as VmidAllocator<number>).updateRaw(cpu, vm), line);
    },
    put(cpu) {
      puts++;
      (allocator as VmidAllocator<number>).clearActive(cpu);
    },
  });
  for await (const chunk of source) {
    parser.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
    const waiting = sink.drained?.();
    if (waiting !== undefined) await waiting;
  }
  parser.end();
  const done = allocator as VmidAllocator<number>;
  return {
    file: options.file,
    bits: done.bits,
    cpus: done.cpus,
    strategy: done.strategy,
    lines: parser.lines,
    runs,
    puts,
    generation: done.memory.ids.toBigInt(done.memory.loadGeneration()),
    counters: { ...done.counters },
  };
}
