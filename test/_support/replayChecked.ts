import type { AllocatorSnapshot } from "../../src/core/createAllocator.js";
import type { StrategyName } from "../../src/core/strategies/ReservedLookup.js";
import type { AllocatorFactory, AnyAllocator, Trace, TraceEvent } from "./traces.js";

/** What the test knows about each CPU from the events alone (not from the allocator). */
export interface CpuModel {
  /** Per CPU: the VM it last ran with no put since, 0 after a put, -1 before any event. */
  readonly lastRun: readonly number[];
  /** Per CPU: how many rollovers had been reported when its last event ended. */
  readonly flushesAtLastEvent: readonly number[];
}

/** One replayed event with the state around it, as a check sees it. */
export interface Step {
  readonly trace: Trace;
  readonly index: number;
  readonly event: TraceEvent;
  readonly allocator: AnyAllocator;
  readonly before: AllocatorSnapshot;
  readonly after: AllocatorSnapshot;
  /** `vmidOf(vm)` for vm 1..vms, before and after the event (index 0 unused). */
  readonly idsBefore: readonly bigint[];
  readonly idsAfter: readonly bigint[];
  /** What `update` returned; undefined for a put. */
  readonly result: bigint | undefined;
  /** Every generation reported to onFlush so far, and how many during this event. */
  readonly flushes: readonly bigint[];
  readonly newFlushes: number;
  readonly modelBefore: CpuModel;
  readonly modelAfter: CpuModel;
}

/** A check run after every event; it may keep state across the events of one replay. */
export type StepCheck = (step: Step) => void;

/** Makes a fresh check for one replay. */
export type StepCheckFactory = () => StepCheck;

function vmIds(allocator: AnyAllocator, vms: number): bigint[] {
  const ids = [0n];
  for (let vm = 1; vm <= vms; vm++) ids.push(allocator.vmidOf(vm));
  return ids;
}

/**
 * Replays `trace` on a fresh allocator, running every check after every event (the first
 * failing assertion throws). Returns the generations reported to onFlush.
 */
export function replayChecked(
  trace: Trace,
  make: AllocatorFactory,
  strategy: StrategyName,
  checkFactories: readonly StepCheckFactory[],
): bigint[] {
  const flushes: bigint[] = [];
  const allocator = make(trace.bits, trace.cpus, strategy, (generation) => {
    flushes.push(generation);
  });
  const checks = checkFactories.map((factory) => factory());
  let model: CpuModel = {
    lastRun: new Array<number>(trace.cpus).fill(-1),
    flushesAtLastEvent: new Array<number>(trace.cpus).fill(0),
  };
  let before = allocator.snapshot();
  let idsBefore: readonly bigint[] = vmIds(allocator, trace.vms);
  trace.events.forEach((event, index) => {
    const flushesBefore = flushes.length;
    let result: bigint | undefined;
    if (event.kind === "run") {
      result = allocator.update(event.cpu, event.vm);
    } else {
      allocator.clearActive(event.cpu);
    }
    const lastRun = [...model.lastRun];
    const flushesAtLastEvent = [...model.flushesAtLastEvent];
    lastRun[event.cpu] = event.kind === "run" ? event.vm : 0;
    flushesAtLastEvent[event.cpu] = flushes.length;
    const modelAfter: CpuModel = { lastRun, flushesAtLastEvent };
    const step: Step = {
      trace,
      index,
      event,
      allocator,
      before,
      after: allocator.snapshot(),
      idsBefore,
      idsAfter: vmIds(allocator, trace.vms),
      result,
      flushes,
      newFlushes: flushes.length - flushesBefore,
      modelBefore: model,
      modelAfter,
    };
    for (const check of checks) check(step);
    before = step.after;
    idsBefore = step.idsAfter;
    model = modelAfter;
  });
  return flushes;
}
