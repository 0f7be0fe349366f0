import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { ExitCode } from "../../../src/cli/ExitCode.js";

// This file compiles to dist/test/unit/cli/: the repository root is four levels up.
const readme = readFileSync(new URL("../../../../README.md", import.meta.url), "utf8");

describe("ExitCode", () => {
  // Proves the README's exit-code table lists exactly the codes the CLI uses: a code added to
  // ExitCode without a row (or a row left for a code removed) fails here.
  test("the README's table has one row per code", () => {
    const section = readme.split("\n### Exit codes\n")[1]?.split("\n#")[0];
    assert.ok(section !== undefined, "no '### Exit codes' section in the README");
    const rows = [...section.matchAll(/^\| (\d+) \|/gm)].map((match) => Number(match[1]));
    const codes = Object.values(ExitCode).sort((a, b) => a - b);
    assert.deepEqual(rows, codes);
  });
});
