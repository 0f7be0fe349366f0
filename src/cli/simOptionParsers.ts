import { InvalidArgumentError } from "commander";
import { describeRange, inRange } from "../sim/NumberRange.js";
import type { Policy } from "../sim/Policy.js";
import { type NumericSimParameter, SIM_PARAMETERS } from "../sim/SIM_PARAMETERS.js";
import { parseCount, parseReal } from "./optionParsers.js";

/**
 * The parser of a numeric `vmid simulate` option: the value as text (an integer, or any
 * decimal number), then in the range SIM_PARAMETERS declares, the one the sweep
 * configuration's schema checks.
 */
export function parseSimNumber(name: NumericSimParameter): (text: string) => number {
  const { range } = SIM_PARAMETERS[name];
  return (text) => {
    const value = range.integer ? parseCount(text) : parseReal(text);
    if (!inRange(range, value)) {
      throw new InvalidArgumentError(`expected ${describeRange(range)}, got '${text}'.`);
    }
    return value;
  };
}

/** Parses a repeatable `strategy/flush` policy option, appending it to those given before. */
export function parsePolicy(text: string, previous: Policy[] | undefined): Policy[] {
  const names: readonly string[] = SIM_PARAMETERS.policies.choices;
  if (!names.includes(text)) {
    throw new InvalidArgumentError(`expected one of ${names.join(", ")}, got '${text}'.`);
  }
  const [strategy, flush] = text.split("/") as [Policy["strategy"], Policy["flush"]];
  const policies = previous ?? [];
  if (policies.some((p) => p.strategy === strategy && p.flush === flush)) {
    throw new InvalidArgumentError(`'${text}' is given twice: each policy at most once.`);
  }
  return [...policies, { strategy, flush }];
}
