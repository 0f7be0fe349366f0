import type { TraceEventBatch } from "./TraceEventBatch.js";

/**
 * What a trace parser reports, event by event. Line numbers count from 1.
 * `header` comes once, when both `bits` and `cpus` have been read and before any event.
 */
export interface TraceHandler {
  header(bits: number, cpus: number, line: number): void;
  /** `run CPU VM`: the VM's vCPU is loaded on the CPU. */
  run(cpu: number, vm: number, line: number): void;
  /** `put CPU`: the vCPU on the CPU is put. */
  put(cpu: number, line: number): void;
  /**
   * `pin VM` (a format v1 addition): pin the VM's idx. A handler without it refuses the line
   * (the parser throws a TraceError saying the events are not supported there).
   */
  pin?(vm: number, line: number): void;
  /** `unpin VM` (a format v1 addition): drop one pin of the VM. Optional as `pin` is. */
  unpin?(vm: number, line: number): void;
  /**
   * Optional, for speed: receives runs and puts in bulk (most of a trace) instead of one
   * `run` or `put` call each. Events come in trace order either way: the parser calls
   * `events`, `run` and `put` interleaved as the lines come.
   */
  events?(batch: TraceEventBatch): void;
}
