import { escapeHtml } from "../report/escapeHtml.js";
import { renderBitmap } from "./renderBitmap.js";
import { renderGlobals } from "./renderGlobals.js";
import { emphasisOf, renderId, renderVmChip } from "./renderId.js";
import { renderVmIds } from "./renderVmIds.js";
import type { TraceSnapshot } from "./ViewData.js";

/**
 * The core allocator's state after a trace event: the generation, the map, every VM seen with
 * its id, and one column per CPU with the VM it runs and its active and reserved ids (the
 * same `data-` attributes as the model's picture: `data-cpu`, `data-field`, `data-value`).
 * What changed since `previous` is highlighted.
 */
export function renderTracePicture(
  snapshot: TraceSnapshot,
  previous: TraceSnapshot | undefined,
  idCount: number,
): string {
  const cpus = snapshot.active.map((_, cpu) => {
    const field = (
      name: string,
      label: string,
      value: string,
      content: string,
      changed: boolean,
    ) => {
      const { classes, markers } = emphasisOf({ changed, offending: false });
      return `<dt>${label}</dt><dd class="${classes.trim()}" data-field="${name}" data-value="${escapeHtml(value)}">${content}${markers}</dd>`;
    };
    const vm = snapshot.running[cpu];
    const active = snapshot.active[cpu];
    const reserved = snapshot.reserved[cpu];
    const id = (hex: string) => renderId(hex, idCount, snapshot.generation, true);
    return `<section class="cpu" data-cpu="${cpu}" aria-label="CPU ${cpu}"><h3>CPU ${cpu}</h3><dl>${[
      field(
        "running",
        "runs",
        String(vm),
        renderVmChip(vm),
        previous !== undefined && previous.running[cpu] !== vm,
      ),
      field(
        "active",
        "active",
        active,
        id(active),
        previous !== undefined && previous.active[cpu] !== active,
      ),
      field(
        "reserved",
        "reserved",
        reserved,
        id(reserved),
        previous !== undefined && previous.reserved[cpu] !== reserved,
      ),
    ].join("")}</dl></section>`;
  });
  return `<div class="picture" data-part="picture">
<div class="shared">${renderGlobals(snapshot, previous)}
${renderBitmap({ idCount, ...snapshot }, previous && { idCount, ...previous })}
${renderVmIds(snapshot.vmIds, previous?.vmIds, idCount, snapshot.generation)}</div>
<div class="cpus" style="--cpus: ${Math.min(cpus.length, 4)}">${cpus.join("\n")}</div>
</div>`;
}
