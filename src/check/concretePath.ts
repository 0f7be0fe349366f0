import type { CanonicalKey } from "./CanonicalKey.js";
import type { Counterexample, CounterexampleStep } from "./CheckResult.js";
import { describeAction } from "./describeAction.js";
import { initialState } from "./ModelLayout.js";
import { type StepModel, successors } from "./stepModel.js";

/**
 * The counterexample along `keys`, the packed canonical keys of a path of stored states from
 * the initial state's to the violating state's, replayed on concrete states: at each step,
 * the concrete successor whose canonical key is the path's next key. VM labels then stay the
 * same along the whole counterexample (canonical states may relabel VMs from one step to the
 * next).
 */
export function concretePath(
  model: StepModel,
  key: CanonicalKey,
  keys: readonly Uint32Array[],
  invariant: Counterexample["invariant"],
): Counterexample {
  const initial = initialState(model.layout);
  let current = initial;
  const steps: CounterexampleStep[] = [];
  for (const target of keys.slice(1)) {
    let found: CounterexampleStep | undefined;
    successors(model, current, (next, cpu, action, detail) => {
      if (found !== undefined) return;
      const packed = key.of(next);
      if (packed.every((word, i) => word === target[i]))
        found = { cpu, action: describeAction(action, detail), state: next };
    });
    if (found === undefined) throw new Error("internal error: counterexample path does not replay");
    steps.push(found);
    current = found.state;
  }
  return { invariant, initial, steps };
}
