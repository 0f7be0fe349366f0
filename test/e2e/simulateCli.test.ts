import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { assertInputError, assertUsageError, runVmid } from "./_support/runVmid.js";

/*
 * vmid simulate takes each parameter in the range a sweep configuration takes (one
 * declaration, SIM_PARAMETERS) and names the flag the user typed when a value is out of it.
 */

const QUICK = ["--slices", "100", "--quiet"];

describe("vmid simulate: values out of range are refused, naming the flag", () => {
  const cases: readonly (readonly [readonly string[], RegExp])[] = [
    [
      ["--slice-us", "1e308"],
      /^vmid: option '--slice-us <U>' argument '1e308' is invalid\. expected a number above 0, up to 10,000,000, got '1e308'\.\n/,
    ],
    [
      ["--churn", "1001"],
      /^vmid: option '--churn <C>' argument '1001' is invalid\. expected a number from 0 to 1,000, got '1001'\.\n/,
    ],
    [
      ["--popularity", "zipf", "--zipf-skew", "11"],
      /^vmid: option '--zipf-skew <S>' argument '11' is invalid\. expected a number above 0, up to 10, got '11'\.\n/,
    ],
    [
      ["--vcpus", "65"],
      /^vmid: option '--vcpus <K>' argument '65' is invalid\. expected an integer from 1 to 64, got '65'\.\n/,
    ],
    [
      ["--policy", "scan/broadcast/x"],
      /^vmid: option '--policy <strategy\/flush>' argument 'scan\/broadcast\/x' is invalid\. expected one of scan\/broadcast, /,
    ],
    [
      ["--policy", "scan/broadcast", "--policy", "scan/broadcast"],
      /^vmid: option '--policy <strategy\/flush>' argument 'scan\/broadcast' is invalid\. 'scan\/broadcast' is given twice: each policy at most once\.\n/,
    ],
  ];
  for (const [args, pattern] of cases) {
    test(args.join(" "), () => {
      const result = runVmid(["simulate", ...args, ...QUICK]);
      assertUsageError(result, pattern);
      assert.equal(result.stdout, "");
    });
  }

  test("--zipf-skew without --popularity zipf is an error, not silently ignored", () => {
    const result = runVmid(["simulate", "--zipf-skew", "2", ...QUICK]);
    assertInputError(
      result,
      "--zipf-skew applies only with --popularity zipf",
      /^ \(got --popularity uniform\)$/,
    );
    assert.equal(result.stdout, "");
  });

  test("a combination out of range names the flags: --bits 8 --cpus 300", () => {
    const result = runVmid(["simulate", "--bits", "8", "--cpus", "300", ...QUICK]);
    assertInputError(
      result,
      "bits 8 gives 255 usable VMIDs for 300 CPUs",
      /\(2\^bits - 1 > cpus\)$/,
    );
  });

  test("the ends of the ranges are accepted", () => {
    const args = [
      "--slice-us",
      "1e7",
      "--churn",
      "1000",
      "--popularity",
      "zipf",
      "--zipf-skew",
      "10",
    ];
    const result = runVmid(["simulate", ...args, "--policy", "scan/deferred", ...QUICK]);
    assert.equal(result.status, 0, result.stderr);
  });
});
