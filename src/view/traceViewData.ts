import type { AllocatorContext } from "../core/AllocatorContext.js";
import { createAllocatorContext } from "../core/createAllocator.js";
import type { IdSpaceOptions } from "../core/IdSpace.js";
import { clearActive, updateVmid } from "../core/updateVmid.js";
import { plainMemory } from "../mem/plainMemory.js";
import { LockedWord } from "../mem/VmidMemory.js";
import { TraceError } from "../trace/TraceError.js";
import { TraceParser } from "../trace/TraceParser.js";
import type { TraceSnapshot, TraceViewData, TraceViewEvent } from "./ViewData.js";

/** Why a trace page refuses `pin` and `unpin` lines. */
const NO_PINS = "an HTML page does not show pin and unpin events: replay this trace without --html";

/**
 * What a trace page can show: at most this many events (runs and puts; the page embeds the
 * allocator's state after each), CPUs (one column each) and bits (2^bits map cells). Longer or
 * wider traces are refused, with the limit in the message: cut the trace instead.
 */
export const TRACE_VIEW_LIMITS = { events: 1000, cpus: 16, bits: 8 } as const;

/**
 * Replays a trace (format v1) through a fresh core allocator (the `scan` strategy, broadcast
 * flush: `vmid replay`'s defaults) and records every event with the allocator's state after it.
 * Throws TraceError (file and line) for a malformed trace or one past TRACE_VIEW_LIMITS.
 */
export async function traceViewData(
  source: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
  file: string,
  space: IdSpaceOptions = {},
): Promise<TraceViewData> {
  let context: AllocatorContext<number> | undefined;
  let header = { bits: 0, cpus: 0 };
  const events: TraceViewEvent[] = [];
  const snapshots: TraceSnapshot[] = [];
  let running: number[] = [];
  const seen = new Set<number>();
  let flushed: string | undefined;
  let initial: TraceSnapshot | undefined;
  const admit = (line: number) => {
    if (events.length < TRACE_VIEW_LIMITS.events) return;
    throw new TraceError(
      file,
      line,
      `the trace has more than ${TRACE_VIEW_LIMITS.events} events, the most an HTML page shows: cut it (head -n) or replay it without --html`,
    );
  };
  const record = (event: TraceViewEvent) => {
    events.push(event);
    snapshots.push(snapshot(context as AllocatorContext<number>, running, seen));
  };
  const parser = new TraceParser(
    file,
    {
      header(bits, cpus, line) {
        const { cpus: maxCpus, bits: maxBits } = TRACE_VIEW_LIMITS;
        if (cpus > maxCpus || bits > maxBits)
          throw new TraceError(
            file,
            line,
            `an HTML page shows at most ${maxCpus} CPUs and ${maxBits} bits (got cpus ${cpus}, bits ${bits})`,
          );
        header = { bits, cpus };
        running = new Array(cpus).fill(0);
        context = createAllocatorContext(plainMemory(bits, cpus, space), {
          onFlush: (generation) => {
            flushed = generation.toString(16);
          },
        });
        // Before any event: the first generation, and under KPTI the odd idx already set.
        initial = snapshot(context, running, seen);
      },
      run(cpu, vm, line) {
        admit(line);
        flushed = undefined;
        const id = updateVmid(context as AllocatorContext<number>, cpu, vm);
        running[cpu] = vm;
        seen.add(vm);
        record({
          line,
          cpu,
          vm,
          id: id.toString(16),
          ...(flushed === undefined ? {} : { flush: flushed }),
        });
      },
      put(cpu, line) {
        admit(line);
        clearActive(context as AllocatorContext<number>, cpu);
        running[cpu] = 0;
        record({ line, cpu, vm: 0 });
      },
      // The page draws events per CPU; a pin belongs to none, so it is not drawn.
      pin(_vm, line) {
        throw new TraceError(file, line, NO_PINS);
      },
      unpin(_vm, line) {
        throw new TraceError(file, line, NO_PINS);
      },
    },
    space,
  );
  for await (const chunk of source)
    parser.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  parser.end();
  if (initial === undefined) throw new TraceError(file, 1, "the trace has no header");
  return { kind: "trace", file, bits: header.bits, cpus: header.cpus, initial, events, snapshots };
}

/** The allocator's state now: generation, curIdx, the map, active and reserved ids, the VMs seen. */
function snapshot(
  context: AllocatorContext<number>,
  running: readonly number[],
  seen: ReadonlySet<number>,
): TraceSnapshot {
  const { memory } = context;
  const hex = (id: number) => id.toString(16);
  const allocatedIdx: number[] = [];
  for (let idx = 0; idx < memory.ids.idCount; idx++)
    if (memory.bitmap[idx >> 5] & (1 << (idx & 31))) allocatedIdx.push(idx);
  const cpus = Array.from({ length: memory.cpus }, (_, c) => c);
  return {
    generation: hex(memory.loadGeneration()),
    curIdx: memory.lockedWords[LockedWord.curIdx],
    allocatedIdx,
    active: cpus.map((c) => hex(memory.loadActive(c))),
    reserved: cpus.map((c) => hex(memory.reserved[c])),
    running: [...running],
    vmIds: [...seen].sort((a, b) => a - b).map((vm) => [vm, hex(memory.loadVmId(vm))] as const),
  };
}
