import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { assertNoStack, makeTempDir, repoRoot, withoutDebug } from "./_support/runVmid.js";

// The command is not registered in runCli yet (the merge does that): these tests call
// reportCommand in a child process and print a VmidInputError the way runCli does.

const commandPath = fileURLToPath(new URL("../../src/cli/reportCommand.js", import.meta.url));
const errorPath = fileURLToPath(new URL("../../src/core/VmidInputError.js", import.meta.url));
const fixture = join(repoRoot, "test/fixtures/sweep/small.json");

function runReport(input: string, output: string) {
  const script = `
    const { reportCommand } = await import(${JSON.stringify(commandPath)});
    const { VmidInputError } = await import(${JSON.stringify(errorPath)});
    try {
      process.exitCode = reportCommand({ input: ${JSON.stringify(input)}, output: ${JSON.stringify(output)} });
    } catch (error) {
      if (!(error instanceof VmidInputError)) throw error;
      process.stderr.write("vmid: " + error.message + "\\n");
      process.exitCode = 2;
    }`;
  return spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd: repoRoot,
    encoding: "utf8",
    env: withoutDebug(),
    timeout: 60_000,
  });
}

test("reportCommand writes the report of the fixture sweep and says where, with the charts that have data", (t) => {
  const { dir, cleanup } = makeTempDir("report");
  t.after(cleanup);
  const output = join(dir, "report.html");
  const result = runReport(fixture, output);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stderr, "");
  assert.equal(result.stdout, `vmid report: wrote ${output} (6 of 6 charts with data, 120 rows)\n`);
  assert.match(readFileSync(output, "utf8"), /^<!doctype html>[\s\S]*<\/html>\n$/);
  assert.deepEqual(readdirSync(dir), ["report.html"], "a temporary file was left behind");
});

test("reportCommand on a bad sweep: exit 2, one line naming the file and the field, the old report untouched", (t) => {
  const { dir, cleanup } = makeTempDir("report");
  t.after(cleanup);
  const input = join(dir, "sweep.json");
  const sweep = JSON.parse(readFileSync(fixture, "utf8"));
  sweep.rows[3].cpus = -1;
  writeFileSync(input, JSON.stringify(sweep));
  const output = join(dir, "report.html");
  writeFileSync(output, "previous report");
  const result = runReport(input, output);
  assert.equal(result.status, 2);
  assertNoStack(result.stderr);
  assert.match(result.stderr, new RegExp(`^vmid: ${input}: rows\\[3\\]\\.cpus: .*\\n$`));
  assert.equal(result.stdout, "");
  assert.equal(readFileSync(output, "utf8"), "previous report");
  assert.deepEqual(readdirSync(dir).sort(), ["report.html", "sweep.json"]);
});

test("reportCommand into a missing directory leaves nothing and names the output file", (t) => {
  const { dir, cleanup } = makeTempDir("report");
  t.after(cleanup);
  const output = join(dir, "no-such-dir", "report.html");
  const result = runReport(fixture, output);
  assert.notEqual(result.status, 0);
  assert.match(result.stderr, /ENOENT/);
  // The error carries the output's path (what runCli prints), not the temporary file's.
  assert.ok(result.stderr.includes(`path: '${output}'`), result.stderr);
  assert.ok(!existsSync(join(dir, "no-such-dir")));
});
