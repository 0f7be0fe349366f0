import fc from "fast-check";
import {
  createAllocator,
  createAllocatorOver,
  type VmidAllocator,
} from "../../src/core/createAllocator.js";
import type { StrategyName } from "../../src/core/strategies/ReservedLookup.js";
import { createSharedMemory } from "../../src/mem/sharedMemory.js";

/** One step of a trace: VM `vm` runs on `cpu` (update), or the vCPU on `cpu` is put. */
export type TraceEvent =
  | { readonly kind: "run"; readonly cpu: number; readonly vm: number }
  | { readonly kind: "put"; readonly cpu: number };

/** A configuration and the events to replay on it; VMs are numbered 1..vms. */
export interface Trace {
  readonly bits: number;
  readonly cpus: number;
  readonly vms: number;
  readonly events: readonly TraceEvent[];
}

/** An allocator of either representation (the methods used by the tests agree). */
export type AnyAllocator = VmidAllocator<number> | VmidAllocator<bigint>;

/** Makes an allocator for a configuration, reporting each rollover's generation. */
export type AllocatorFactory = (
  bits: number,
  cpus: number,
  strategy: StrategyName,
  onFlush: (generation: bigint) => void,
) => AnyAllocator;

/** The memory backends the shared suites run against. */
export const BACKENDS: readonly { readonly name: string; readonly make: AllocatorFactory }[] = [
  {
    name: "plain",
    make: (bits, cpus, strategy, onFlush) => createAllocator({ bits, cpus, strategy, onFlush }),
  },
  {
    // The SharedArrayBuffer backend driven by one thread: bigint ids, Atomics accesses. Room
    // for VMs 1..2N, the largest pool traceArbitrary draws.
    name: "shared",
    make: (bits, cpus, strategy, onFlush) =>
      createAllocatorOver(createSharedMemory(bits, cpus, 2 * 2 ** bits), { strategy, onFlush }),
  },
];

/**
 * Random traces: bits 2..5 by default (N = 2^bits ids), cpus 1..N-2, a pool of N-1..2N VMs (as
 * many as the usable ids, the boundary, or more, so that ids get reused and rollovers happen),
 * 8..200 events by default, one in six a put. Sizes, CPUs and VMs are unbiased raw draws reduced modulo their
 * ranges (fast-check's bias toward small values would pick VM 1 too often); a flat record,
 * so that a failure shrinks field by field toward bits 2, CPU 0 and VM 1.
 */
export function traceArbitrary(
  options: {
    readonly minBits?: number;
    readonly maxBits?: number;
    readonly maxEvents?: number;
  } = {},
): fc.Arbitrary<Trace> {
  const { minBits = 2, maxBits = 5, maxEvents = 200 } = options;
  const draw = fc.noBias(fc.nat({ max: 1023 }));
  const rawEvent = fc.record({
    kind: fc.constantFrom("run", "run", "run", "run", "run", "put"),
    cpu: draw,
    vm: draw,
  });
  return fc
    .record({
      bits: fc.integer({ min: minBits, max: maxBits }),
      cpuDraw: draw,
      vmDraw: draw,
      events: fc.array(rawEvent, { minLength: 8, maxLength: maxEvents, size: "max" }),
    })
    .map(({ bits, cpuDraw, vmDraw, events }) => {
      const ids = 2 ** bits;
      const cpus = 1 + (cpuDraw % (ids - 2));
      const vms = ids - 1 + (vmDraw % (ids + 2));
      return {
        bits,
        cpus,
        vms,
        events: events.map(
          (e): TraceEvent =>
            e.kind === "put"
              ? { kind: "put", cpu: e.cpu % cpus }
              : { kind: "run", cpu: e.cpu % cpus, vm: 1 + (e.vm % vms) },
        ),
      };
    });
}

/** One line per event: the id a run returned (hex) or "put"; what replays compare. */
export function replay(allocator: AnyAllocator, trace: Trace): string[] {
  return trace.events.map((event) => {
    if (event.kind === "put") {
      allocator.clearActive(event.cpu);
      return `put ${event.cpu}`;
    }
    return `run ${event.cpu} ${event.vm} -> ${allocator.update(event.cpu, event.vm).toString(16)}`;
  });
}
