import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { cliPath, makeTempDir, repoRoot, withoutDebug } from "./_support/runVmid.js";

const preload = fileURLToPath(new URL("./_support/registerModuleLog.js", import.meta.url));

/** Runs `vmid ...args` and returns the modules it loaded, relative to dist/ (or node_modules/). */
function loadedModules(args: readonly string[]): string[] {
  const { dir, cleanup } = makeTempDir("modules");
  try {
    const log = join(dir, "modules.txt");
    const result = spawnSync(process.execPath, ["--import", preload, cliPath, ...args], {
      cwd: repoRoot,
      encoding: "utf8",
      env: { ...withoutDebug(), VMID_TEST_MODULE_LOG: log },
    });
    assert.equal(result.status, 0, result.stderr);
    return readFileSync(log, "utf8")
      .trimEnd()
      .split("\n")
      .map((url) => url.replace(/^.*\/(dist|node_modules)\//, ""));
  } finally {
    cleanup();
  }
}

describe("each command loads only its own implementation", () => {
  // Proves the CLI's lazy structure: `vmid replay` runs the allocator and the trace parser but
  // loads nothing of the checker, the runtime, the simulator or the report, nor zod, jsonc-parser
  // or cli-progress, and no other command's definition.
  test("vmid replay loads no other engine, library or command", () => {
    const modules = loadedModules(["replay", "examples/worked.trace"]);
    assert.ok(modules.includes("src/cli/replayCommand.js"), modules.join("\n"));
    assert.ok(modules.includes("src/trace/replayTrace.js"), modules.join("\n"));
    const foreign = modules.filter((name) =>
      /^(src\/(check|runtime|sim|report)\/|zod\/|jsonc-parser\/|cli-progress\/|src\/cli\/commands\/add(?!Replay))/.test(
        name,
      ),
    );
    assert.deepEqual(foreign, []);
  });

  // Proves the listing still sees every command: `vmid --help` loads all nine definitions.
  test("vmid --help loads every command's definition, and no implementation", () => {
    const modules = loadedModules(["--help"]);
    const definitions = modules.filter((name) => name.startsWith("src/cli/commands/add"));
    assert.equal(definitions.filter((name) => name.endsWith("Command.js")).length, 9);
    assert.deepEqual(
      modules.filter((name) => /^src\/cli\/\w+Command\.js$/.test(name)),
      [],
    );
  });
});
