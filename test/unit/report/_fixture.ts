import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { SweepOutput, SweepRow } from "../../../src/sim/sweep/SweepOutput.js";

// Compiled to dist/test/unit/report/: the repository root is four levels up.

/** test/fixtures/sweep/small.json, the report's fixture (values illustrative; see its README). */
export const FIXTURE_PATH = fileURLToPath(
  new URL("../../../../test/fixtures/sweep/small.json", import.meta.url),
);

/** A fresh copy of the fixture, parsed without the report's reader. */
export function loadFixture(): SweepOutput {
  return JSON.parse(readFileSync(FIXTURE_PATH, "utf8")) as SweepOutput;
}

/** The fixture with its rows replaced (same config and skipped points). */
export function withRows(rows: readonly SweepRow[]): SweepOutput {
  return { ...loadFixture(), rows };
}
