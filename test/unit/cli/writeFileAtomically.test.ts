import assert from "node:assert/strict";
import fs, { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, mock, test } from "node:test";
import { writeFileAtomically } from "../../../src/cli/writeFileAtomically.js";

const dir = mkdtempSync(join(tmpdir(), "vmid-unit-write-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("writeFileAtomically", () => {
  // Proves a disk that fills up in the middle of the write leaves the previous file as it
  // was and no temporary file, and that the error keeps its code (ENOSPC, which the CLI
  // reports as an I/O error) and names the file the caller gave, not the temporary one. The
  // injected writeFileSync writes the first 3 bytes, as a real full disk would leave a
  // partial temporary file, then fails.
  test("ENOSPC mid-write: the previous file stays, no temporary file, the error names the file", () => {
    const file = join(dir, "report.html");
    writeFileSync(file, "previous report");
    const original = fs.writeFileSync;
    const injected = mock.method(fs, "writeFileSync", (...args: Parameters<typeof original>) => {
      original(args[0], String(args[1]).slice(0, 3), args[2]);
      throw Object.assign(new Error("ENOSPC: no space left on device, write"), {
        code: "ENOSPC",
        syscall: "write",
      });
    });
    // The module imported writeFileSync by name: rebind the named export to the mock.
    syncBuiltinESMExports();
    try {
      assert.throws(
        () => writeFileAtomically(file, "the new report, longer than three bytes"),
        (error: NodeJS.ErrnoException) => error.code === "ENOSPC" && error.path === file,
      );
      assert.equal(injected.mock.callCount(), 1, "the injected write did not run");
    } finally {
      injected.mock.restore();
      syncBuiltinESMExports();
    }
    assert.equal(readFileSync(file, "utf8"), "previous report");
    assert.deepEqual(readdirSync(dir), ["report.html"]);
  });

  // Proves the ordinary case still replaces the file whole and leaves nothing else.
  test("replaces an existing file whole", () => {
    const file = join(dir, "data.csv");
    writeFileSync(file, "a much longer previous content than the new one");
    writeFileAtomically(file, "new\n");
    assert.equal(readFileSync(file, "utf8"), "new\n");
    assert.ok(readdirSync(dir).every((name) => !name.includes(".tmp-")));
  });
});
