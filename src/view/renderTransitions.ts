import { escapeHtml } from "../report/escapeHtml.js";

/** An enabled transition offered in explore mode. */
export interface TransitionView {
  readonly cpu: number;
  /** As the checker prints it (`update VM 2`, `newVmid`, ...). */
  readonly action: string;
  /** What it would change, as the counterexample text says it. */
  readonly changes: readonly string[];
  /** Whether the state it leads to violates a checked invariant (named). */
  readonly violates?: string;
}

/**
 * Every enabled transition of the current state, grouped by CPU, as buttons in successor
 * order (`data-choice` = the index, `data-cpu`, `data-action`); each says what it would change
 * and whether it leads to a violation. `cut` notes a rollover the generation bound cut.
 */
export function renderTransitions(transitions: readonly TransitionView[], cut: boolean): string {
  const items = transitions.map((t, choice) => {
    const changes = t.changes.length === 0 ? "no visible change" : t.changes.join("; ");
    const warning =
      t.violates === undefined
        ? ""
        : ` <strong class="leads-to-violation">violates ${escapeHtml(t.violates)}</strong>`;
    return `<li><button type="button" class="transition" data-choice="${choice}" data-cpu="${t.cpu}" data-action="${escapeHtml(t.action)}"><b>CPU ${t.cpu}</b> ${escapeHtml(t.action)}${warning}<br><small>${escapeHtml(changes)}</small></button></li>`;
  });
  const note = cut
    ? '<p class="note">A rollover past the generation bound is cut here (as the checker cuts it).</p>'
    : "";
  return `<h2>Enabled transitions <small>(${transitions.length})</small></h2>${note}<ol class="transitions" data-part="transitions">${items.join("")}</ol>`;
}
