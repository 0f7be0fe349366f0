import type { DecodedState } from "../check/decodeState.js";
import type { Mark } from "./Mark.js";
import { renderBitmap } from "./renderBitmap.js";
import { renderExtraFields } from "./renderExtraFields.js";
import { renderGlobals } from "./renderGlobals.js";
import { renderModelCpu } from "./renderModelCpu.js";
import { renderVmIds, type VmIdList } from "./renderVmIds.js";

/** The fields of DecodedState the picture shows by name (others: renderExtraFields). */
const KNOWN_FIELDS = [
  "generation",
  "allocatedIdx",
  "curIdx",
  "lockHolder",
  "flushPending",
  "active",
  "reserved",
  "vmIds",
  "cpus",
];

/** A decoded model state's VM ids as `[vm, id]` pairs. */
export const vmIdList = (state: DecodedState): VmIdList =>
  state.vmIds.map((id, i) => [i + 1, id] as const);

/**
 * The picture of one model state: the generation, lock and flush marks; the VMID map; each
 * VM's id; one column per CPU (renderModelCpu). What changed since `previous` (the state
 * before the last step) is highlighted; `marks` (offendingParts) are marked.
 */
export function renderStatePicture(
  state: DecodedState,
  previous: DecodedState | undefined,
  idCount: number,
  marks: readonly Mark[],
): string {
  const offendingIdx = marks.flatMap((m) => (m.part === "bitmap" ? [m.idx] : []));
  const offendingVms = marks.flatMap((m) => (m.part === "vmId" ? [m.vm] : []));
  const cpus = state.cpus.map((_, cpu) => renderModelCpu(state, previous, cpu, idCount, marks));
  return `<div class="picture" data-part="picture">
<div class="shared">${renderGlobals(state, previous)}
${renderBitmap(
  { idCount, ...state },
  previous && { idCount, ...previous },
  offendingIdx,
  marks.some((m) => m.part === "curIdx"),
)}
${renderVmIds(vmIdList(state), previous && vmIdList(previous), idCount, state.generation, offendingVms)}
${renderExtraFields(state, KNOWN_FIELDS)}</div>
<div class="cpus" style="--cpus: ${cpus.length}">${cpus.join("\n")}</div>
</div>`;
}
