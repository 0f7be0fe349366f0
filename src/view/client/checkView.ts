import { decodeState } from "../../check/decodeState.js";
import { INVARIANTS, violatedInvariant } from "../../check/invariants.js";
import { escapeHtml } from "../../report/escapeHtml.js";
import { describeStep } from "../describeStep.js";
import { ModelSession } from "../ModelSession.js";
import { offendingParts } from "../offendingParts.js";
import { actionCode } from "../pcLines.js";
import { renderStatePicture } from "../renderStatePicture.js";
import { renderTimeline, type TimelineMove } from "../renderTimeline.js";
import { renderTransitions } from "../renderTransitions.js";
import type { CheckViewData } from "../ViewData.js";
import { element, onKeys, refocus } from "./element.js";

/**
 * Runs a model page: counterexample mode steps through the embedded counterexample; explore
 * mode lists the enabled transitions of the step shown and takes the one clicked. Every
 * render writes the step into the URL hash and `body[data-step]`, `[data-mode]`.
 */
export function checkView(data: CheckViewData): void {
  const session = new ModelSession(data);
  const { layout } = session;
  const invariants = data.options.invariants;
  const decoded = (state: Int32Array) => decodeState(layout, state);

  function render(): void {
    const focused = document.activeElement;
    const state = decoded(session.state);
    const previous = session.cursor > 0 ? decoded(session.states[session.cursor - 1]) : undefined;
    const violated = session.violation();
    const marks = violated === undefined ? [] : offendingParts(layout, session.state, violated);
    element("picture").innerHTML = renderStatePicture(state, previous, layout.idCount, marks);

    const moves: TimelineMove[] = session.moves.map((move, i) => ({
      cpu: move.cpu,
      code: actionCode(move.action),
      title: move.action,
      kind:
        violatedInvariant(layout, session.states[i + 1], invariants) !== undefined
          ? "violation"
          : undefined,
    }));
    const last = session.states.length - 1;
    element("timeline").innerHTML = renderTimeline(
      layout.cpus,
      moves,
      session.cursor,
      "steps, one lane per CPU",
    );
    element("position").textContent =
      `${session.mode === "explore" ? "Explore" : "Counterexample"}: step ${session.cursor} of ${last}`;
    const move = session.moves[session.cursor - 1];
    element("step-text").innerHTML =
      move === undefined || previous === undefined
        ? "The initial state: generation 1, an empty map, no CPU in an update."
        : `<b>Step ${session.cursor}: CPU ${move.cpu} ${escapeHtml(move.action)}</b>: ${escapeHtml(describeStep(previous, state).join("; ") || "no visible change")}`;

    element("announce").innerHTML =
      violated === undefined
        ? ""
        : `<div class="violation" data-part="violation" data-invariant="${violated}"><h2>Violated: ${violated}</h2><p>${escapeHtml(INVARIANTS[violated])}.</p><p>${marks.length === 0 ? "" : "The offending parts are marked with ! in the picture."}</p></div>`;

    if (session.mode === "explore") {
      const { successors, cut } = session.enabled();
      element("transitions").innerHTML = renderTransitions(
        successors.map((successor) => ({
          cpu: successor.cpu,
          action: successor.action,
          changes: describeStep(state, decoded(successor.next)),
          violates: violatedInvariant(layout, successor.next, invariants),
        })),
        cut,
      );
    } else {
      element("transitions").innerHTML =
        `<p class="note">The shortest counterexample <code>vmid check</code> found, ${last} steps. Step through it, or press <b>Explore from this step</b> to take the transitions yourself from any step.</p>`;
    }
    const atStart = session.cursor === 0;
    const atEnd = session.cursor === last;
    (element("first") as HTMLButtonElement).disabled = atStart;
    (element("prev") as HTMLButtonElement).disabled = atStart;
    (element("next") as HTMLButtonElement).disabled = atEnd;
    (element("last") as HTMLButtonElement).disabled = atEnd;
    element("explore").hidden = session.mode === "explore";
    element("undo").hidden = session.mode !== "explore";
    (element("undo") as HTMLButtonElement).disabled = last <= session.exploreFrom;
    element("restart").hidden = data.counterexample === undefined && last === 0;
    document.body.dataset.mode = session.mode;
    document.body.dataset.step = String(session.cursor);
    document.body.dataset.steps = String(last);
    history.replaceState(null, "", `#${session.hash()}`);
    refocus(focused, "#timeline button");
    document.body.dataset.ready = "true";
  }

  const act = (change: () => unknown) => () => {
    change();
    render();
  };
  const previousStep = act(() => session.goto(session.cursor - 1));
  const nextStep = act(() => session.goto(session.cursor + 1));
  const firstStep = act(() => session.goto(0));
  const lastStep = act(() => session.goto(session.states.length - 1));
  const undo = act(() => session.undo());
  element("first").addEventListener("click", firstStep);
  element("prev").addEventListener("click", previousStep);
  element("next").addEventListener("click", nextStep);
  element("last").addEventListener("click", lastStep);
  element("undo").addEventListener("click", undo);
  element("explore").addEventListener(
    "click",
    act(() => session.startExplore()),
  );
  element("restart").addEventListener(
    "click",
    act(() => session.reset()),
  );
  element("timeline").addEventListener("click", (event) => {
    const button = (event.target as Element).closest<HTMLElement>("[data-goto]");
    if (button !== null) act(() => session.goto(Number(button.dataset.goto)))();
  });
  element("transitions").addEventListener("click", (event) => {
    const button = (event.target as Element).closest<HTMLElement>("[data-choice]");
    if (button !== null) act(() => session.take(Number(button.dataset.choice)))();
  });
  onKeys({
    ArrowLeft: previousStep,
    ArrowRight: nextStep,
    Home: firstStep,
    End: lastStep,
    Backspace: undo,
  });
  window.addEventListener("hashchange", () => {
    if (location.hash.slice(1) === session.hash()) return;
    session.restore(location.hash);
    render();
  });
  session.restore(location.hash);
  render();
}
