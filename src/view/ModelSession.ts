import { describeAction } from "../check/describeAction.js";
import { type InvariantName, violatedInvariant } from "../check/invariants.js";
import { initialState, type ModelLayout } from "../check/ModelLayout.js";
import { type StepModel, successors } from "../check/stepModel.js";
import { stepModelOf } from "../check/stepModelOf.js";
import type { CheckViewData } from "./ViewData.js";

/** A move of the session: the CPU, the action in the checker's words, and, when taken in explore mode, the successor's index. */
export interface SessionMove {
  readonly cpu: number;
  readonly action: string;
  readonly choice?: number;
}

/** An enabled transition of a state: the successor and who moves how. */
export interface Successor {
  readonly next: Int32Array;
  readonly cpu: number;
  readonly action: string;
}

/**
 * The state of a model page, without the page: a path of states from the initial one (a
 * counterexample's, or the one the user clicked), the step shown, and the mode. In
 * `counterexample` mode the path is the embedded counterexample; `explore` keeps the path up to
 * the step explore started from and then the transitions taken, each found among the step
 * model's successors (the checker's own `successors`), so the path is one `vmid check`
 * explores. The URL hash (`hash`, `restore`) holds the mode, the path and the step shown.
 */
export class ModelSession {
  readonly model: StepModel;
  readonly layout: ModelLayout;
  mode: "counterexample" | "explore";
  /** The states of the path; states[0] is the initial state. */
  states: Int32Array[];
  /** moves[i] leads from states[i] to states[i + 1]. */
  moves: SessionMove[];
  /** The step shown: an index into `states`. */
  cursor = 0;
  /** The counterexample step explore mode started from (0: the initial state). */
  exploreFrom = 0;
  private readonly data: CheckViewData;

  constructor(data: CheckViewData) {
    this.data = data;
    this.model = stepModelOf(data.options);
    this.layout = this.model.layout;
    const counterexample = data.counterexample;
    this.mode = counterexample === undefined ? "explore" : "counterexample";
    this.states = [];
    this.moves = [];
    this.reset();
  }

  /** The embedded counterexample's path (or just the initial state), in counterexample mode. */
  reset(): void {
    const counterexample = this.data.counterexample;
    if (counterexample === undefined) {
      this.states = [initialState(this.layout)];
      this.moves = [];
    } else {
      this.states = [
        Int32Array.from(counterexample.initial),
        ...counterexample.steps.map((step) => Int32Array.from(step.state)),
      ];
      this.moves = counterexample.steps.map((step) => ({ cpu: step.cpu, action: step.action }));
    }
    this.mode = counterexample === undefined ? "explore" : "counterexample";
    this.exploreFrom = 0;
    this.cursor = 0;
  }

  get state(): Int32Array {
    return this.states[this.cursor];
  }

  /** Shows step `step` of the path (clamped to it). */
  goto(step: number): void {
    this.cursor = Math.max(0, Math.min(this.states.length - 1, Math.trunc(step)));
  }

  /** Explore from the step shown: the path ends there, transitions are taken from it. */
  startExplore(): void {
    if (this.mode === "explore") return;
    this.mode = "explore";
    this.exploreFrom = this.cursor;
    this.truncate();
  }

  /** The enabled transitions of the state shown, in the step model's order, and whether a rollover was cut. */
  enabled(): { successors: Successor[]; cut: boolean } {
    const found: Successor[] = [];
    const cut = successors(this.model, this.state, (next, cpu, action, detail) => {
      found.push({ next, cpu, action: describeAction(action, detail) });
    });
    return { successors: found, cut };
  }

  /** Takes enabled transition `choice` of the state shown (explore mode): the path after it is dropped. */
  take(choice: number): void {
    if (this.mode !== "explore") throw new Error("transitions are taken in explore mode");
    const successor = this.enabled().successors[choice];
    if (successor === undefined) throw new Error(`no transition ${choice} at step ${this.cursor}`);
    this.truncate();
    this.states.push(successor.next);
    this.moves.push({ cpu: successor.cpu, action: successor.action, choice });
    this.cursor++;
  }

  /** Undoes the last transition taken (explore mode, not below the step explore started from). */
  undo(): boolean {
    if (this.mode !== "explore" || this.states.length - 1 <= this.exploreFrom) return false;
    this.states.pop();
    this.moves.pop();
    this.cursor = Math.min(this.cursor, this.states.length - 1);
    return true;
  }

  /** The first checked invariant the state shown violates. */
  violation(): InvariantName | undefined {
    return violatedInvariant(this.layout, this.state, this.data.options.invariants);
  }

  /** The hash that opens this session's mode, path and step (without `#`). */
  hash(): string {
    if (this.mode === "counterexample") return `step=${this.cursor}`;
    const path = this.moves.slice(this.exploreFrom).map((move) => move.choice);
    return `explore=${this.exploreFrom}&path=${path.join(".")}&step=${this.cursor}`;
  }

  /**
   * Restores a hash made by `hash` (a link); returns false, leaving the session at its
   * start, when the hash does not fit this page's path.
   */
  restore(hash: string): boolean {
    const params = new URLSearchParams(hash.replace(/^#/, ""));
    this.reset();
    const step = Number(params.get("step") ?? "0");
    const explore = params.get("explore");
    if (explore !== null) {
      const from = Number(explore);
      if (!Number.isInteger(from) || from < 0 || from >= this.states.length) return false;
      this.goto(from);
      if (this.mode === "counterexample") this.startExplore();
      this.mode = "explore";
      this.exploreFrom = from;
      const path = params.get("path") ?? "";
      for (const part of path === "" ? [] : path.split(".")) {
        const choice = Number(part);
        if (!Number.isInteger(choice) || choice < 0 || choice >= this.enabled().successors.length) {
          this.reset();
          return false;
        }
        this.take(choice);
      }
    }
    if (!Number.isInteger(step)) return false;
    this.goto(step);
    return true;
  }

  private truncate(): void {
    this.states.length = this.cursor + 1;
    this.moves.length = this.cursor;
  }
}
