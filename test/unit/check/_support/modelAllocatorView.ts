import { allocatorId } from "../../../../src/check/decodeState.js";
import {
  BITMAP,
  CUR_IDX,
  GENERATION,
  type ModelLayout,
} from "../../../../src/check/ModelLayout.js";

/** The allocator state the model and the core both expose, ids as the core's numbers. */
export interface AllocatorView {
  readonly generation: number;
  readonly curIdx: number;
  readonly active: number[];
  readonly reserved: number[];
  readonly allocatedIdx: number[];
  readonly vmIds: number[];
}

/**
 * The allocator part of a model state, as the core would show it: ids through
 * `allocatorId` (the model's INVALID sentinel -N is the core's N; generations in the core's
 * unit), the bitmap as its set idx.
 */
export function modelAllocatorView(layout: ModelLayout, state: Int32Array): AllocatorView {
  const ids = (from: number, count: number) =>
    Array.from(state.subarray(from, from + count), (word) => allocatorId(layout, word));
  const allocatedIdx: number[] = [];
  for (let idx = 0; idx < layout.idCount; idx++) {
    if (state[BITMAP] & (1 << idx)) allocatedIdx.push(idx);
  }
  return {
    generation: state[GENERATION] * layout.generationStep,
    curIdx: state[CUR_IDX],
    active: ids(layout.active, layout.cpus),
    reserved: ids(layout.reserved, layout.cpus),
    allocatedIdx,
    vmIds: ids(layout.vmId, layout.vms),
  };
}
