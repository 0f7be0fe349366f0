import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { assertInputError, makeTempDir, runVmid } from "./_support/runVmid.js";

/*
 * A directory where a command reads an input file: every command names the path it could not
 * read (reading a directory fails with an error that carries no path of its own), exits 2
 * and writes nothing.
 */

const temp = makeTempDir("dir-input");
after(temp.cleanup);

describe("a directory given as an input file is named", () => {
  const dir = temp.dir;
  const out = join(temp.dir, "out");
  const commands: readonly (readonly [string, readonly string[]])[] = [
    ["replay FILE", ["replay", dir]],
    ["report FILE", ["report", dir, "-o", join(out, "report.html")]],
    ["sweep CONFIG", ["sweep", dir, "-o", out]],
    ["stress --trace FILE", ["stress", "--trace", dir, "--quiet"]],
  ];
  for (const [name, args] of commands) {
    test(name, () => {
      const result = runVmid(args);
      assertInputError(result, `cannot read ${dir}: is a directory`, /^$/);
      assert.equal(result.stdout, "");
      assert.ok(!existsSync(out), "nothing written");
    });
  }
});
