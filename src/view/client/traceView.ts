import { escapeHtml } from "../../report/escapeHtml.js";
import { renderTimeline, type TimelineMove } from "../renderTimeline.js";
import { renderTracePicture } from "../renderTracePicture.js";
import type { TraceViewData, TraceViewEvent } from "../ViewData.js";
import { element, onKeys, refocus } from "./element.js";

/** An event in words. */
function describeEvent(event: TraceViewEvent): string {
  if (event.vm === 0) return `put (line ${event.line})`;
  const rollover =
    event.flush === undefined ? "" : `; rollover: generation 0x${event.flush}, broadcast TLB flush`;
  return `runs VM ${event.vm}: id 0x${event.id} (line ${event.line})${rollover}`;
}

/**
 * Runs a trace page: the allocator's state after each event of the trace, a timeline with one
 * lane per CPU (rollovers marked), stepping by keyboard and mouse, the event in the URL hash.
 */
export function traceView(data: TraceViewData): void {
  const idCount = 2 ** data.bits;
  const last = data.events.length;
  let cursor = 0;
  const moves: TimelineMove[] = data.events.map((event) => ({
    cpu: event.cpu,
    code: event.vm === 0 ? "P" : `v${event.vm}`,
    title: describeEvent(event),
    kind: event.flush === undefined ? undefined : "rollover",
  }));
  const snapshotAt = (step: number) => (step === 0 ? data.initial : data.snapshots[step - 1]);

  function render(): void {
    const focused = document.activeElement;
    element("picture").innerHTML = renderTracePicture(
      snapshotAt(cursor),
      cursor === 0 ? undefined : snapshotAt(cursor - 1),
      idCount,
    );
    element("timeline").innerHTML = renderTimeline(
      data.cpus,
      moves,
      cursor,
      "trace events, one lane per CPU",
    );
    element("position").textContent = `Event ${cursor} of ${last}`;
    const event = data.events[cursor - 1];
    element("step-text").innerHTML =
      event === undefined
        ? "Before the first event: a fresh allocator."
        : `<b>Event ${cursor}: CPU ${event.cpu} ${escapeHtml(describeEvent(event))}</b>`;
    element("announce").innerHTML =
      event?.flush === undefined
        ? ""
        : `<div class="rollover-note" data-part="rollover" data-generation="${escapeHtml(event.flush)}">Rollover at this run: the generation is now 0x${escapeHtml(event.flush)}; every CPU's active id was exchanged for 0 and reserved, and the TLBs were flushed.</div>`;
    (element("first") as HTMLButtonElement).disabled = cursor === 0;
    (element("prev") as HTMLButtonElement).disabled = cursor === 0;
    (element("next") as HTMLButtonElement).disabled = cursor === last;
    (element("last") as HTMLButtonElement).disabled = cursor === last;
    document.body.dataset.step = String(cursor);
    document.body.dataset.steps = String(last);
    history.replaceState(null, "", `#step=${cursor}`);
    refocus(focused, "#timeline button");
    element("timeline")
      .querySelector("[aria-current]")
      ?.scrollIntoView({ block: "nearest", inline: "center" });
    document.body.dataset.ready = "true";
  }
  const goto = (step: number) => () => {
    cursor = Math.max(0, Math.min(last, Math.trunc(step)));
    render();
  };
  const fromHash = () =>
    Number(new URLSearchParams(location.hash.slice(1)).get("step") ?? "0") || 0;
  element("first").addEventListener("click", () => goto(0)());
  element("prev").addEventListener("click", () => goto(cursor - 1)());
  element("next").addEventListener("click", () => goto(cursor + 1)());
  element("last").addEventListener("click", () => goto(last)());
  element("timeline").addEventListener("click", (event) => {
    const button = (event.target as Element).closest<HTMLElement>("[data-goto]");
    if (button !== null) goto(Number(button.dataset.goto))();
  });
  onKeys({
    ArrowLeft: () => goto(cursor - 1)(),
    ArrowRight: () => goto(cursor + 1)(),
    Home: () => goto(0)(),
    End: () => goto(last)(),
  });
  window.addEventListener("hashchange", () => {
    if (fromHash() !== cursor) goto(fromHash())();
  });
  goto(fromHash())();
}
