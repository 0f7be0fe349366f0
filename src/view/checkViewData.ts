import type { CheckOptions } from "../check/CheckOptions.js";
import type { CheckResult } from "../check/CheckResult.js";
import { checkCommandLine } from "../cli/formatCheckResult.js";
import type { CheckViewData } from "./ViewData.js";

/**
 * What a model page embeds: the options (the page rebuilds the step model from them) and, for
 * a check's result, its verdict and counterexample with raw states. Without a result: an
 * explore page from the initial state.
 */
export function checkViewData(options: CheckOptions, result?: CheckResult): CheckViewData {
  const command = checkCommandLine(options);
  if (result === undefined) return { kind: "check", options, command };
  if (result.verdict !== "violated")
    return { kind: "check", options, command, verdict: result.verdict };
  const { counterexample } = result;
  return {
    kind: "check",
    options,
    command,
    verdict: result.verdict,
    counterexample: {
      invariant: counterexample.invariant,
      initial: Array.from(counterexample.initial),
      steps: counterexample.steps.map((step) => ({
        cpu: step.cpu,
        action: step.action,
        state: Array.from(step.state),
      })),
    },
  };
}

/** The page's title for a model page. */
export function checkViewTitle(data: CheckViewData): string {
  if (data.counterexample !== undefined)
    return `vmid check: counterexample to ${data.counterexample.invariant}, ${data.counterexample.steps.length} steps`;
  if (data.verdict !== undefined)
    return `vmid check: ${data.verdict}, no counterexample: explore from the initial state`;
  return "vmid view: explore every interleaving from the initial state";
}
