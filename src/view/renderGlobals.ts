import { escapeHtml } from "../report/escapeHtml.js";
import { emphasisOf } from "./renderId.js";

/** The allocator's shared words that are not per CPU or per VM. */
export interface GlobalsView {
  /** The generation, hex (generation index x N). */
  readonly generation: string;
  /** The CPU holding cpu_vmid_lock, -1 when free; undefined where not modelled (traces). */
  readonly lockHolder?: number;
  /** Deferred flush policy: the CPUs marked to flush; undefined where not modelled. */
  readonly flushPending?: readonly number[];
}

/**
 * The generation, the lock holder and the deferred-flush marks, each with `data-part` and
 * its `data-value` (the generation in hex, the holder's CPU or -1, the marked CPUs joined by
 * commas); what changed since `previous` is highlighted.
 */
export function renderGlobals(globals: GlobalsView, previous: GlobalsView | undefined): string {
  const items: string[] = [];
  const item = (part: string, label: string, value: string, text: string, changed: boolean) => {
    const { classes, markers } = emphasisOf({ changed, offending: false });
    items.push(
      `<div class="global${classes}" data-part="${part}" data-value="${escapeHtml(value)}"><span class="label">${label}</span> <b>${text}</b>${markers}</div>`,
    );
  };
  item(
    "generation",
    "generation",
    globals.generation,
    `0x${escapeHtml(globals.generation)}`,
    previous !== undefined && previous.generation !== globals.generation,
  );
  if (globals.lockHolder !== undefined) {
    const holder = globals.lockHolder;
    item(
      "lock",
      "lock",
      String(holder),
      holder < 0 ? "free" : `held by CPU ${holder}`,
      previous !== undefined && previous.lockHolder !== holder,
    );
  }
  if (globals.flushPending !== undefined) {
    const marked = globals.flushPending;
    item(
      "flush-pending",
      "flush pending",
      marked.join(","),
      marked.length === 0 ? "none" : marked.map((c) => `CPU ${c}`).join(", "),
      previous?.flushPending !== undefined && previous.flushPending.join() !== marked.join(),
    );
  }
  return `<div class="globals">${items.join("")}</div>`;
}
