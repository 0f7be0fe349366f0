import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { assertOk, runVmid } from "./_support/runVmid.js";

describe("vmid view and vmid check --html on the command line", () => {
  const folder = mkdtempSync(join(tmpdir(), "vmid-e2e-view-cli-"));

  test("vmid view writes one page with the configuration embedded, and says where", () => {
    const path = join(folder, "view.html");
    const result = runVmid(["view", "--cpus", "3", "--bits", "3", "-o", path]);
    assertOk(result);
    assert.equal(
      result.stdout,
      `vmid view: wrote ${path} (vmid check --cpus 3 --vms 3 --bits 3)\n`,
    );
    const html = readFileSync(path, "utf8");
    assert.match(
      html,
      /<title>vmid view: explore every interleaving from the initial state<\/title>/,
    );
    assert.match(html, /"kind":"check","options":\{"cpus":3,"vms":3,"bits":3,/);
    assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
    assert.doesNotMatch(html, /<script src=|<link /);
  });

  test("bad model options exit 2 with one line, and write nothing", () => {
    const path = join(folder, "bad.html");
    const result = runVmid(["view", "--cpus", "3", "-o", path]);
    assert.equal(result.status, 2);
    assert.equal(
      result.stderr,
      "vmid: bits 2 gives 3 usable VMIDs for 3 CPUs: need more VMIDs than CPUs (2^bits - 1 > cpus)\n",
    );
    assert.equal(existsSync(path), false);
    const missing = runVmid(["view"]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^vmid: required option '-o, --output <file>' not specified\n/);
  });

  test("vmid check --html on a configuration that holds writes an explore page titled with the verdict", () => {
    const path = join(folder, "holds.html");
    const result = runVmid(["check", "--cpus", "1", "--vms", "2", "--quiet", "--html", path]);
    assertOk(result);
    assert.match(result.stdout, new RegExp(`\nhtml: ${path}\n$`));
    assert.match(
      readFileSync(path, "utf8"),
      /<title>vmid check: holds, no counterexample: explore from the initial state<\/title>/,
    );
  });
});
