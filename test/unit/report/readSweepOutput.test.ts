import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { VmidInputError } from "../../../src/core/VmidInputError.js";
import { parseSweepOutput, readSweepOutput } from "../../../src/report/readSweepOutput.js";
import { FIXTURE_PATH, loadFixture } from "./_fixture.js";

/** Asserts that parsing `text` throws a VmidInputError whose message matches `pattern`. */
function rejects(text: string, pattern: RegExp): void {
  assert.throws(
    () => parseSweepOutput(text, "sweep.json"),
    (error: unknown) => {
      assert.ok(error instanceof VmidInputError, `not a VmidInputError: ${String(error)}`);
      assert.match(error.message, pattern);
      return true;
    },
  );
}

describe("readSweepOutput", () => {
  test("reads the fixture as it is, a sweep made before pinned ids as pinned 0", () => {
    const raw = JSON.parse(readFileSync(FIXTURE_PATH, "utf8"));
    assert.equal(raw.rows[0].pinned, undefined, "the fixture has no pinned field");
    assert.deepEqual(readSweepOutput(FIXTURE_PATH), loadFixture());
  });

  test("a JSON syntax error names the file, the line and the column", () => {
    // The trailing comma: a property name is expected where line 3's "}" stands, column 1.
    rejects(
      '{\n  "format": "vmid-sweep",\n}',
      /^sweep\.json:3:1: not valid JSON: property name expected$/,
    );
  });

  test("a file that is not a sweep, or of another version", () => {
    rejects(
      '{"format": "vmid-trace", "version": 1}',
      /^sweep\.json: not a vmid sweep: format is "vmid-trace", expected "vmid-sweep"$/,
    );
    rejects("[1, 2]", /^sweep\.json: \(top level\): /);
    const fixture = loadFixture();
    rejects(JSON.stringify({ ...fixture, version: 2 }), /sweep format version 2 is not supported/);
  });

  test("a bad field is named by its path: rows[3].cpus", () => {
    const fixture = loadFixture();
    const rows = fixture.rows.map((row, index) => (index === 3 ? { ...row, cpus: "many" } : row));
    rejects(JSON.stringify({ ...fixture, rows }), /^sweep\.json: rows\[3\]\.cpus: .*number/);
  });

  test("out of range, unknown strategy, unknown field, missing field", () => {
    const fixture = loadFixture();
    const edit = (index: number, change: Record<string, unknown>, drop?: string): string => {
      const rows = fixture.rows.map((row, at) => {
        if (at !== index) return row;
        const copy: Record<string, unknown> = { ...row, ...change };
        if (drop !== undefined) delete copy[drop];
        return copy;
      });
      return JSON.stringify({ ...fixture, rows });
    };
    rejects(edit(0, { bits: 40 }), /rows\[0\]\.bits: /);
    rejects(edit(5, { strategy: "hash" }), /rows\[5\]\.strategy: /);
    rejects(edit(7, { colour: "red" }), /rows\[7\]: .*colour/);
    rejects(edit(9, {}, "lockOps"), /rows\[9\]\.lockOps: /);
    rejects(
      JSON.stringify({ ...fixture, config: { ...fixture.config, policies: [] } }),
      /config\.policies: /,
    );
  });

  test("a missing file is a file-system error carrying the path (the CLI words it)", () => {
    assert.throws(() => readSweepOutput("/nonexistent/sweep.json"), { code: "ENOENT" });
  });
});
