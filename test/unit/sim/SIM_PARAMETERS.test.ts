import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { parseSimNumber } from "../../../src/cli/simOptionParsers.js";
import { describeRange, type NumberRange } from "../../../src/sim/NumberRange.js";
import { type NumericSimParameter, SIM_PARAMETERS } from "../../../src/sim/SIM_PARAMETERS.js";
import { simParameterSchemas } from "../../../src/sim/sweep/sweepConfigSchema.js";
import { SIM_DEFAULTS, validateSimOptions } from "../../../src/sim/validateSimOptions.js";

/*
 * One range per parameter: for every numeric parameter, `vmid simulate`'s option parser, the
 * sweep configuration's schema and validateSimOptions accept exactly the same values, probed
 * at and around each end of the declared range.
 */

const numeric = (Object.keys(SIM_PARAMETERS) as (keyof typeof SIM_PARAMETERS)[]).filter(
  (name): name is NumericSimParameter => "range" in SIM_PARAMETERS[name],
);

/** Values at and just past each end of `range`, and a fraction inside it. */
function probes(range: NumberRange): { value: number; inside: boolean }[] {
  const below = range.integer ? range.min - 1 : range.min - 0.5;
  return [
    { value: range.min, inside: range.minExclusive !== true },
    { value: below, inside: false },
    { value: range.max, inside: true },
    { value: range.max + 1, inside: false },
    { value: range.min + 0.5, inside: !range.integer },
  ];
}

/** Whether the CLI takes `value` typed as text. */
function cliAccepts(name: NumericSimParameter, value: number): boolean {
  try {
    parseSimNumber(name)(String(value));
    return true;
  } catch {
    return false;
  }
}

/** Whether a sweep configuration takes `value` (`seed` is the configuration's own field). */
function sweepAccepts(name: NumericSimParameter, value: number): boolean {
  const schemas: Record<string, { safeParse(value: unknown): { success: boolean } }> =
    simParameterSchemas;
  return name === "seed" ? true : schemas[name].safeParse(value).success;
}

/**
 * Whether validateSimOptions takes `value`, every other option valid: 24 bits for up to 4096
 * CPUs, 1 CPU for as few as 2 bits, so that 2^bits - 1 > cpus holds across both ranges; the
 * most VMs, so that pinned <= min(vms, 2^24 - 1 - 2) holds across pinned's range.
 */
function libraryAccepts(name: NumericSimParameter, value: number): boolean {
  try {
    validateSimOptions({
      ...SIM_DEFAULTS,
      bits: 24,
      cpus: 1,
      vms: SIM_PARAMETERS.vms.range.max,
      [name]: value,
    });
    return true;
  } catch {
    return false;
  }
}

describe("SIM_PARAMETERS: one range per parameter", () => {
  test("the README's vmid simulate table gives each flag's range", () => {
    const readme = readFileSync(new URL("../../../../README.md", import.meta.url), "utf8");
    const section = readme.split("### `vmid simulate`")[1].split("\n### ")[0];
    for (const name of numeric) {
      const { flag, range } = SIM_PARAMETERS[name];
      const row = section.split("\n").find((line) => line.startsWith(`| \`${flag} `));
      assert.ok(row?.includes(describeRange(range)), `${flag}: ${row ?? "no row"}`);
    }
  });

  test("covers every numeric simulator option but the seed in the sweep's schema", () => {
    assert.deepEqual(
      numeric.filter((name) => name !== "seed").sort(),
      Object.keys(simParameterSchemas)
        .filter((name) => !["popularity", "put", "nested"].includes(name))
        .sort(),
    );
  });

  for (const name of numeric) {
    test(`${name} (${SIM_PARAMETERS[name].flag}): CLI, sweep schema and library agree`, () => {
      for (const { value, inside } of probes(SIM_PARAMETERS[name].range)) {
        assert.equal(cliAccepts(name, value), inside, `CLI ${value}`);
        if (name !== "seed") assert.equal(sweepAccepts(name, value), inside, `sweep ${value}`);
        assert.equal(libraryAccepts(name, value), inside, `library ${value}`);
      }
    });
  }
});
