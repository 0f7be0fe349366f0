/**
 * Consecutive event lines of a trace, decoded in bulk: event `i` (0 <= i < count) is on line
 * `firstLine + i`; `vms[i]` is its VM, or 0 for a `put` (VMs are >= 1); `cpus[i]` its CPU,
 * already checked against the header's CPU count. The arrays are reused for the next batch:
 * read them during the call that hands the batch over, do not keep them.
 */
export interface TraceEventBatch {
  readonly cpus: Int32Array;
  readonly vms: Float64Array;
  readonly count: number;
  readonly firstLine: number;
}
