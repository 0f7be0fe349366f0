import { Action, PC_NAMES } from "./stepModel.js";

/**
 * A transition in words, as counterexamples print it: `update VM v`, `put`, `pin VM v`,
 * `unpin VM v`, the pc of the step executed (`readVmid`, `newVmid`, ...) or
 * `speculative TLB fill for VM v`. `action` and
 * `detail` are what a SuccessorSink receives.
 */
export function describeAction(action: number, detail: number): string {
  switch (action) {
    case Action.startUpdate:
      return `update VM ${detail}`;
    case Action.put:
      return "put";
    case Action.speculativeFill:
      return `speculative TLB fill for VM ${detail}`;
    case Action.startPin:
      return `pin VM ${detail}`;
    case Action.unpin:
      return `unpin VM ${detail}`;
    default:
      return PC_NAMES[detail] ?? `pc ${detail}`;
  }
}
