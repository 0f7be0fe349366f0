import { emphasisOf } from "./renderId.js";

/** What the bitmap's picture needs: N cells, the set ones, the search hint. */
export interface BitmapView {
  readonly idCount: number;
  readonly allocatedIdx: readonly number[];
  readonly curIdx: number;
}

/**
 * The VMID bitmap as N cells, one per idx: set cells filled and labelled "set", idx 0 labelled
 * "never given" (no VM gets idx 0), the `curIdx` cell marked "cur". Each cell carries `data-idx`, `data-allocated`
 * and, for curIdx, `data-cur`. A cell whose bit changed since `previous` is highlighted; cells
 * in `offending` (and curIdx when `curOffending`) are marked.
 */
export function renderBitmap(
  bitmap: BitmapView,
  previous: BitmapView | undefined,
  offending: readonly number[] = [],
  curOffending = false,
): string {
  const cells: string[] = [];
  for (let idx = 0; idx < bitmap.idCount; idx++) {
    const set = bitmap.allocatedIdx.includes(idx);
    const was = previous === undefined ? set : previous.allocatedIdx.includes(idx);
    const cur = idx === bitmap.curIdx;
    const curMoved = cur && previous !== undefined && previous.curIdx !== bitmap.curIdx;
    const { classes, markers } = emphasisOf({
      changed: set !== was || curMoved,
      offending: offending.includes(idx) || (cur && curOffending),
    });
    const label = [set ? "set" : "free", idx === 0 ? "never given" : "", cur ? "cur" : ""]
      .filter((word) => word !== "")
      .join(" ");
    cells.push(
      `<li class="cell${set ? " set" : ""}${idx === 0 ? " reserved-zero" : ""}${cur ? " cur" : ""}${classes}" data-idx="${idx}" data-allocated="${set}"${cur ? ' data-cur="true"' : ""}><b>${idx}</b><small>${label}</small>${markers}</li>`,
    );
  }
  return `<div class="bitmap-wrap"><h3>VMID map <small>(curIdx ${bitmap.curIdx})</small></h3><ol class="bitmap" data-part="bitmap" aria-label="VMID map, one cell per idx">${cells.join("")}</ol></div>`;
}
