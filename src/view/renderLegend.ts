import { escapeHtml } from "../report/escapeHtml.js";
import { ACTION_CODES } from "./pcLines.js";
import { renderVmChip } from "./renderId.js";

/**
 * The legend: VM chips, the change and violation marks, how ids read, the map's cells, the
 * timeline's codes (model pages) and the keyboard keys. Every mark has a text form, so the
 * page reads without colour.
 */
export function renderLegend(kind: "check" | "trace"): string {
  const chips = Array.from({ length: 8 }, (_, i) => renderVmChip(i + 1)).join(" ");
  const codes =
    kind === "check"
      ? `<dt>timeline</dt><dd>${ACTION_CODES.map(([code, meaning]) => `<code>${escapeHtml(code)}</code> ${escapeHtml(meaning)}`).join(", ")}</dd>`
      : "<dt>timeline</dt><dd><code>vN</code> run VM N, <code>P</code> put, <b>R</b> after the code: the run rolled over (new generation, broadcast flush)</dd>";
  const keys =
    kind === "check"
      ? "Left / Right arrow: previous / next step, Home / End first / last, Backspace undo (explore), Tab to reach the buttons"
      : "Left / Right arrow: previous / next event, Home / End first / last, Tab to reach the buttons";
  return `<section class="legend" aria-label="legend"><h2>Legend</h2><dl>
<dt>VMs</dt><dd>${chips} (colour and name)</dd>
<dt>ids</dt><dd><code>9 g8.1</code>: id 0x9 = generation 0x8 | idx 1; <span class="id stale">old</span>: an older generation; <code>INVALID</code>: VMID_ACTIVE_INVALID (after a put); <code>0</code>: none</dd>
<dt>map</dt><dd>one cell per idx: <b>set</b> or free, idx 0 never given to a VM, <b>cur</b> the search hint curIdx</dd>
<dt>marks</dt><dd><span class="marker">&#916;</span> changed in the last step (also outlined); <span class="marker">!</span> offending part at a violation (also red)</dd>
${codes}
<dt>keys</dt><dd>${keys}</dd>
</dl></section>`;
}
