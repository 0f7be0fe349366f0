import { escapeHtml } from "../report/escapeHtml.js";

/** One move on the timeline: the CPU that moved, its short code and its full description. */
export interface TimelineMove {
  readonly cpu: number;
  readonly code: string;
  readonly title: string;
  /** Extra classes (e.g. `rollover`, `flush`) and their text marks, for trace events. */
  readonly kind?: "rollover" | "violation";
}

/**
 * The steps as a grid: one lane per CPU, one column per step (column 0: the initial state),
 * each move a button in its CPU's lane (`data-goto` = the step it leads to) labelled with a
 * short code and titled with the full action; the current step's column is marked
 * (`aria-current`), rollovers and the violating step carry a text mark too.
 */
export function renderTimeline(
  cpus: number,
  moves: readonly TimelineMove[],
  current: number,
  label: string,
): string {
  const header = [
    `<th scope="col" class="${current === 0 ? "current" : ""}"><button type="button" data-goto="0" title="the initial state"${current === 0 ? ' aria-current="step"' : ""}>0</button></th>`,
  ];
  moves.forEach((_, i) => {
    const step = i + 1;
    header.push(`<th scope="col" class="${step === current ? "current" : ""}">${step}</th>`);
  });
  const lanes: string[] = [];
  for (let cpu = 0; cpu < cpus; cpu++) {
    const cells = [`<td class="${current === 0 ? "current" : ""}"></td>`];
    moves.forEach((move, i) => {
      const step = i + 1;
      const here = step === current ? "current" : "";
      if (move.cpu !== cpu) {
        cells.push(`<td class="${here}"></td>`);
        return;
      }
      const mark = move.kind === "rollover" ? "R" : move.kind === "violation" ? "!" : "";
      cells.push(
        `<td class="${here}"><button type="button" class="move${move.kind === undefined ? "" : ` ${move.kind}`}" data-goto="${step}" title="step ${step}: CPU ${cpu} ${escapeHtml(move.title)}" aria-label="step ${step}: CPU ${cpu} ${escapeHtml(move.title)}"${step === current ? ' aria-current="step"' : ""}>${escapeHtml(move.code)}${mark}</button></td>`,
      );
    });
    lanes.push(`<tr><th scope="row">CPU ${cpu}</th>${cells.join("")}</tr>`);
  }
  return `<div class="timeline-wrap"><table class="timeline" data-part="timeline" data-steps="${moves.length}" data-current="${current}" aria-label="${escapeHtml(label)}"><thead><tr><th scope="col">step</th>${header.join("")}</tr></thead><tbody>${lanes.join("")}</tbody></table></div>`;
}
