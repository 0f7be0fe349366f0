import { readFileChunks } from "../_internal/readFileChunks.js";
import type { IdSpaceOptions } from "../core/IdSpace.js";
import { TraceParser } from "../trace/TraceParser.js";

/**
 * A trace split by CPU for `vmid stress --trace`: each CPU replays its own events in trace
 * order while the CPUs run concurrently, so the order across CPUs is the run's, not the
 * trace's. Events are VM numbers, 0 for a put.
 */
export interface TraceSchedule {
  readonly file: string;
  readonly bits: number;
  readonly cpus: number;
  /** The largest VM number in the trace (the VM slots to allocate). */
  readonly maxVm: number;
  readonly events: number;
  readonly perCpu: readonly Int32Array[];
}

/**
 * Reads a trace file (format v1) into per-CPU event lists, for the allocator `space` names
 * (its header check; the ASID allocator refuses puts). Throws TraceError when malformed.
 */
export async function loadTraceSchedule(
  file: string,
  space: IdSpaceOptions = {},
): Promise<TraceSchedule> {
  let lists: number[][] = [];
  let bits = 0;
  let cpus = 0;
  let maxVm = 0;
  let events = 0;
  const parser = new TraceParser(
    file,
    {
      header(headerBits, headerCpus) {
        bits = headerBits;
        cpus = headerCpus;
        lists = Array.from({ length: headerCpus }, () => []);
      },
      run(cpu, vm) {
        lists[cpu].push(vm);
        if (vm > maxVm) maxVm = vm;
        events++;
      },
      put(cpu) {
        lists[cpu].push(0);
        events++;
      },
    },
    space,
  );
  for await (const chunk of readFileChunks(file)) parser.push(chunk);
  parser.end();
  return {
    file,
    bits,
    cpus,
    maxVm: Math.max(maxVm, 1),
    events,
    perCpu: lists.map((list) => Int32Array.from(list)),
  };
}
