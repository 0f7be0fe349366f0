import { escapeHtml } from "../report/escapeHtml.js";
import { describeId } from "./describeId.js";

/** Attributes and markers of a value that changed in the last step or is offending. */
export interface Emphasis {
  readonly changed: boolean;
  readonly offending: boolean;
}

/** `class` additions and the text markers (readable without colour) for an emphasis. */
export function emphasisOf(emphasis: Emphasis): { classes: string; markers: string } {
  const classes = [emphasis.changed ? " changed" : "", emphasis.offending ? " offending" : ""];
  const markers = [
    emphasis.offending
      ? '<span class="marker" title="offending: the violation is here">!</span>'
      : "",
    emphasis.changed ? '<span class="marker" title="changed in this step">&#916;</span>' : "",
  ];
  return { classes: classes.join(""), markers: markers.join("") };
}

/**
 * A VM as a chip: its number in words (`vm3`) and a colour of its own (class `vm-3`), so the
 * page reads the same without colour.
 */
export function renderVmChip(vm: number, extra = ""): string {
  if (vm === 0) return '<span class="none">none</span>';
  const colour = ((vm - 1) % 8) + 1;
  return `<span class="vm vm-${colour}" data-vm="${vm}">vm${vm}${extra}</span>`;
}

/**
 * An id as the page shows it: hex, then `g<generation>.<idx>`; `0` as "none", INVALID as
 * "INVALID" (when the slot can hold it), an id of an older generation greyed and labelled
 * "old". The `data-value` attribute holds the hex id as decodeState prints it.
 */
export function renderId(
  hex: string,
  idCount: number,
  generation: string,
  invalidAllowed: boolean,
): string {
  const id = describeId(hex, idCount, generation, invalidAllowed);
  const value = escapeHtml(hex);
  switch (id.kind) {
    case "none":
      return `<span class="id none" data-value="${value}">0 <small>none</small></span>`;
    case "invalid":
      return `<span class="id invalid" data-value="${value}">${value} <small>INVALID</small></span>`;
    default:
      return `<span class="id${id.stale ? " stale" : ""}" data-value="${value}">${value} <small>g${id.generation}.${id.idx}${id.stale ? " old" : ""}</small></span>`;
  }
}
