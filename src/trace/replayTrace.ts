import type { AllocatorContext } from "../core/AllocatorContext.js";
import type { AllocatorCounters } from "../core/AllocatorCounters.js";
import { createAllocatorContext } from "../core/createAllocator.js";
import type { IdSpaceOptions } from "../core/IdSpace.js";
import type { PinResult } from "../core/PinResult.js";
import { pinVmid, unpinVmid } from "../core/pinVmid.js";
import type { StrategyName } from "../core/strategies/ReservedLookup.js";
import { clearActive, updateVmid } from "../core/updateVmid.js";
import { VmidInputError } from "../core/VmidInputError.js";
import { plainMemory } from "../mem/plainMemory.js";
import { TraceError } from "./TraceError.js";
import { TraceParser } from "./TraceParser.js";

/** Where a replay sends what happens, in trace order. */
export interface ReplaySink {
  /** A rollover (whatever the flush policy), caused by the `run` on `line`, reported before that run. */
  flush(generation: bigint, line: number): void;
  /** A `run` on `line` gave `vm` the id `vmid` on `cpu` (the plain backend's number form). */
  run(cpu: number, vm: number, vmid: number, line: number): void;
  /** A `pin` on `line`: the id it returned, or the failure (a rollover it caused comes first). */
  pin(vm: number, result: PinResult<number>, line: number): void;
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
 * Replays a trace (format v1 with its pin and unpin additions, see TraceParser) through a fresh allocator, streaming: memory
 * stays constant whatever the trace length. `file` names the source in error messages.
 * Throws TraceError for a malformed trace, after reporting the events before the bad line.
 * The source may reuse a chunk's memory once the next chunk is asked for.
 */
export async function replayTrace(
  source: AsyncIterable<Buffer | string>,
  options: {
    readonly file: string;
    readonly strategy: StrategyName;
    /** The allocator to replay through (the VMID allocator by default). */
    readonly space?: IdSpaceOptions;
  },
  sink: ReplaySink,
): Promise<ReplaySummary> {
  // The algorithm's functions driven directly: the parser has already checked every CPU,
  // VM and the header, which the public allocator's methods would check again per event.
  let context: AllocatorContext<number> | undefined;
  let currentLine = 0;
  let runs = 0;
  let puts = 0;
  const parser = new TraceParser(
    options.file,
    {
      header(bits, cpus) {
        context = createAllocatorContext(plainMemory(bits, cpus, options.space), {
          strategy: options.strategy,
          // Every rollover, whatever the allocator's flush policy (the ASID allocator defers).
          onRollover: (generation) => sink.flush(generation, currentLine),
        });
      },
      events(batch) {
        const allocator = context as AllocatorContext<number>;
        const { cpus, vms, count, firstLine } = batch;
        for (let i = 0; i < count; i++) {
          const cpu = cpus[i];
          const vm = vms[i];
          if (vm === 0) {
            puts++;
            clearActive(allocator, cpu);
            continue;
          }
          runs++;
          currentLine = firstLine + i;
          sink.run(cpu, vm, updateVmid(allocator, cpu, vm), currentLine);
        }
      },
      run(cpu, vm, line) {
        currentLine = line;
        runs++;
        sink.run(cpu, vm, updateVmid(context as AllocatorContext<number>, cpu, vm), line);
      },
      put(cpu) {
        puts++;
        clearActive(context as AllocatorContext<number>, cpu);
      },
      pin(vm, line) {
        currentLine = line;
        sink.pin(vm, pinVmid(context as AllocatorContext<number>, vm), line);
      },
      unpin(vm, line) {
        try {
          unpinVmid(context as AllocatorContext<number>, vm);
        } catch (error) {
          if (error instanceof VmidInputError)
            throw new TraceError(options.file, line, error.message);
          throw error;
        }
      },
    },
    options.space,
  );
  for await (const chunk of source) {
    parser.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
    const waiting = sink.drained?.();
    if (waiting !== undefined) await waiting;
  }
  parser.end();
  const { memory, counters } = context as AllocatorContext<number>;
  return {
    file: options.file,
    bits: memory.ids.bits,
    cpus: memory.cpus,
    strategy: options.strategy,
    lines: parser.lines,
    runs,
    puts,
    generation: memory.ids.toBigInt(memory.loadGeneration()),
    counters: { ...counters },
  };
}
