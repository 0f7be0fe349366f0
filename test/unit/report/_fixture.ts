import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { SweepOutput, SweepRow } from "../../../src/sim/sweep/SweepOutput.js";

// Compiled to dist/test/unit/report/: the repository root is four levels up.

/** test/fixtures/sweep/small.json, the report's fixture (values illustrative; see its README). */
export const FIXTURE_PATH = fileURLToPath(
  new URL("../../../../test/fixtures/sweep/small.json", import.meta.url),
);

/**
 * A fresh copy of the fixture, parsed without the report's reader. The fixture predates
 * pinned ids: its rows and skipped points have no `pinned`, which the reader reads as 0; so
 * does this copy.
 */
export function loadFixture(): SweepOutput {
  const raw = JSON.parse(readFileSync(FIXTURE_PATH, "utf8")) as SweepOutput;
  return {
    ...raw,
    rows: raw.rows.map((row) => ({ ...row, pinned: 0 })),
    skipped: raw.skipped.map((point) => ({ ...point, options: { ...point.options, pinned: 0 } })),
  };
}

/** The fixture with its rows replaced (same config and skipped points). */
export function withRows(rows: readonly SweepRow[]): SweepOutput {
  return { ...loadFixture(), rows };
}
