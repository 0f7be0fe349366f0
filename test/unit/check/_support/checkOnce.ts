import type { CheckOptions } from "../../../../src/check/CheckOptions.js";
import type { CheckResult } from "../../../../src/check/CheckResult.js";
import { explore } from "../../../../src/check/explore.js";

/** Each configuration is explored once per test file, however many tests read its result. */
const explored = new Map<string, CheckResult>();

/** `explore(config)`, remembered by the configuration. */
export function checkOnce(config: CheckOptions): CheckResult {
  const key = JSON.stringify(config);
  let result = explored.get(key);
  if (result === undefined) {
    result = explore(config);
    explored.set(key, result);
  }
  return result;
}
