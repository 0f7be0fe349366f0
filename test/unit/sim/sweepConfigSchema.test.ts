import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { VmidInputError } from "../../../src/core/VmidInputError.js";
import { parseSweepConfig } from "../../../src/sim/sweep/sweepConfigSchema.js";

const POLICY = '{ "strategy": "scan", "flush": "broadcast" }';

/** The message of the VmidInputError parsing `text` throws. */
function errorOf(text: string): string {
  try {
    parseSweepConfig(text, "cfg.json");
  } catch (error) {
    assert.ok(error instanceof VmidInputError, `not a VmidInputError: ${error}`);
    return error.message;
  }
  assert.fail("parsed without an error");
}

describe("parseSweepConfig", () => {
  test("a minimal configuration: seed and policies; base and grid default to empty", () => {
    assert.deepEqual(parseSweepConfig(`{ "seed": 7, "policies": [${POLICY}] }`, "cfg.json"), {
      seed: 7,
      base: {},
      grid: {},
      policies: [{ strategy: "scan", flush: "broadcast" }],
    });
  });

  test("a full configuration keeps every field", () => {
    const text = JSON.stringify({
      seed: 1,
      base: { slices: 1000, churn: 0.5, popularity: "zipf", zipfSkew: 1.2, put: false },
      grid: { cpus: [8, 64], bits: [8, 16], vms: [100], nested: [false, true] },
      policies: [
        { strategy: "counted", flush: "deferred" },
        { strategy: "indexed", flush: "broadcast" },
      ],
    });
    assert.deepEqual(parseSweepConfig(text, "cfg.json"), JSON.parse(text));
  });

  test("JSON syntax errors name the file, line and column", () => {
    // A trailing comma: line 3 is ",}", so the property name expected after the comma is
    // missing at the "}", line 3, column 2.
    const message = errorOf(`{ "seed": 1,\n  "policies": [${POLICY}]\n,}`);
    assert.equal(message, "cfg.json:3:2: not valid JSON: property name expected");
    // Comments are not JSON either.
    assert.match(
      errorOf(`// sweep\n{ "seed": 1 }`),
      /^cfg\.json:1:1: not valid JSON: invalid comment token/,
    );
  });

  test("schema errors list each failing field by its path", () => {
    const message = errorOf(
      JSON.stringify({
        seed: -1,
        grid: { cpus: [8, 8, 5000] },
        policies: [{ strategy: "scam", flush: "broadcast" }],
        extra: true,
      }),
    );
    const lines = message.split("\n");
    assert.equal(lines[0], "cfg.json: not a valid sweep configuration:");
    const paths = lines.slice(1).map((line) => line.trim().split(":")[0]);
    assert.deepEqual(paths.sort(), [
      "(top level)", // extra
      "grid.cpus", // 8 twice
      "grid.cpus[2]", // 5000 > 4096
      "policies[0].strategy", // scam
      "seed", // -1
    ]);
    assert.match(message, /Unrecognized key: "extra"/);
    assert.match(message, /values must be distinct/);
  });

  test("no policies, duplicate policies, an empty grid dimension: errors", () => {
    assert.match(errorOf('{ "seed": 1, "policies": [] }'), /policies: Too small/);
    assert.match(
      errorOf(`{ "seed": 1, "policies": [${POLICY}, ${POLICY}] }`),
      /policies: policies must be distinct/,
    );
    assert.match(
      errorOf(`{ "seed": 1, "grid": { "bits": [] }, "policies": [${POLICY}] }`),
      /grid\.bits: Too small/,
    );
  });

  test("the ranges vmid simulate takes, each error naming its field", () => {
    const message = errorOf(
      JSON.stringify({
        seed: 1,
        base: { sliceUs: 1e308, zipfSkew: 11, popularity: "zipf" },
        grid: { churn: [1, 1001] },
        policies: [{ strategy: "scan", flush: "broadcast" }],
      }),
    );
    assert.equal(
      message,
      [
        "cfg.json: not a valid sweep configuration:",
        "  base.sliceUs: must be a number above 0, up to 10,000,000 (got 1e+308)",
        "  base.zipfSkew: must be a number above 0, up to 10 (got 11)",
        "  grid.churn[1]: must be a number from 0 to 1,000 (got 1001)",
      ].join("\n"),
    );
  });

  test("base.zipfSkew where no point has popularity zipf is an error", () => {
    const config = (base: object, grid: object = {}) =>
      JSON.stringify({ seed: 1, base, grid, policies: [JSON.parse(POLICY)] });
    assert.equal(
      errorOf(config({ zipfSkew: 2 })),
      'cfg.json: not a valid sweep configuration:\n  base.zipfSkew: applies only to popularity "zipf", which no point of this sweep has',
    );
    // A point with zipf in the grid, or zipf in base: the skew is used.
    assert.doesNotThrow(() =>
      parseSweepConfig(config({ zipfSkew: 2 }, { popularity: ["uniform", "zipf"] }), "cfg.json"),
    );
    assert.doesNotThrow(() =>
      parseSweepConfig(config({ zipfSkew: 2, popularity: "zipf" }), "cfg.json"),
    );
  });

  test("a typo in a base option is an error, not a silent default", () => {
    assert.match(
      errorOf(`{ "seed": 1, "base": { "slice": 100 }, "policies": [${POLICY}] }`),
      /base: Unrecognized key: "slice"/,
    );
  });
});
