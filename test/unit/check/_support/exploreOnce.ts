import type { CheckOptions } from "../../../../src/check/CheckOptions.js";
import type { CheckResult } from "../../../../src/check/CheckResult.js";
import { explore } from "../../../../src/check/explore.js";

/** Results by configuration (as JSON), for the test files of one process. */
const explored = new Map<string, CheckResult>();

/** explore(config), each configuration explored once however many tests read its result. */
export function exploreOnce(config: CheckOptions): CheckResult {
  const key = JSON.stringify(config);
  let result = explored.get(key);
  if (result === undefined) {
    result = explore(config);
    explored.set(key, result);
  }
  return result;
}
