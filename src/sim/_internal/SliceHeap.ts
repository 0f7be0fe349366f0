/**
 * The scheduler's event queue: a binary min-heap of CPUs keyed by the time their current
 * slice ends, in simulated microseconds. Ties go to the lower CPU number, so the order of
 * events is a pure function of the slice lengths drawn. Every event pops the CPU whose slice
 * ends first and pushes it back with its next slice, which is one sift-down of the root.
 */
export class SliceHeap {
  /** Per CPU, when its current slice ends (us). All CPUs start at 0. */
  readonly sliceEndUs: Float64Array;
  /** The CPUs in heap order: `heap[0]` acts next. */
  private readonly heap: Int32Array;

  /** `cpus`: 1..4096. Every CPU's first (empty) slice ends at time 0. */
  constructor(cpus: number) {
    this.sliceEndUs = new Float64Array(cpus);
    this.heap = new Int32Array(cpus);
    // Equal keys in ascending CPU order already satisfy the heap order with its tie-break.
    for (let cpu = 0; cpu < cpus; cpu++) this.heap[cpu] = cpu;
  }

  /** The CPU whose slice ends first (lowest number among equals). */
  nextCpu(): number {
    return this.heap[0];
  }

  /** Starts the next CPU's following slice, `lengthUs` long, and restores the heap order. */
  advanceNextCpu(lengthUs: number): void {
    const heap = this.heap;
    const ends = this.sliceEndUs;
    const size = heap.length;
    const cpu = heap[0];
    const end = ends[cpu] + lengthUs;
    ends[cpu] = end;
    let slot = 0;
    for (;;) {
      const left = 2 * slot + 1;
      if (left >= size) break;
      let child = left;
      let childCpu = heap[left];
      let childEnd = ends[childCpu];
      const right = left + 1;
      if (right < size) {
        const rightCpu = heap[right];
        const rightEnd = ends[rightCpu];
        if (rightEnd < childEnd || (rightEnd === childEnd && rightCpu < childCpu)) {
          child = right;
          childCpu = rightCpu;
          childEnd = rightEnd;
        }
      }
      if (end < childEnd || (end === childEnd && cpu < childCpu)) break;
      heap[slot] = childCpu;
      slot = child;
    }
    heap[slot] = cpu;
  }

  /** The latest slice end over all CPUs (us): the simulated time reached. */
  latestSliceEndUs(): number {
    let latest = 0;
    for (const end of this.sliceEndUs) if (end > latest) latest = end;
    return latest;
  }
}
