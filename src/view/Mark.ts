/**
 * A part of the state picture marked as offending at a violation: a TLB entry, a VM's id, a
 * CPU's active or reserved slot or loaded guest, a bitmap cell, the curIdx hint, or a CPU's
 * update in progress (its pc and locals).
 */
export type Mark =
  | { readonly part: "tlb"; readonly cpu: number; readonly vm: number; readonly idx: number }
  | { readonly part: "vmId"; readonly vm: number }
  | { readonly part: "active" | "reserved" | "loaded" | "update"; readonly cpu: number }
  | { readonly part: "bitmap"; readonly idx: number }
  | { readonly part: "curIdx" };

/** Whether `marks` holds a mark equal to `mark`. */
export function isMarked(marks: readonly Mark[], mark: Mark): boolean {
  return marks.some((m) => JSON.stringify(m) === JSON.stringify(mark));
}
