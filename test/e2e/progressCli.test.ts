import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import {
  assertOk,
  cliPath,
  makeTempDir,
  repoRoot,
  runVmid,
  SMALLEST_SWEEP,
  withoutDebug,
} from "./_support/runVmid.js";

const temp = makeTempDir("progress");
after(temp.cleanup);

const sweepConfig = join(temp.dir, "config.json");
writeFileSync(sweepConfig, SMALLEST_SWEEP);

let sweeps = 0;

/** Each command that shows progress, with small arguments, and what its progress looks like. */
const COMMANDS: readonly { args: () => string[]; progress: string }[] = [
  { args: () => ["stress", "--events", "2000", "--seed", "1"], progress: "stress [" },
  {
    args: () => ["check", "--cpus", "1", "--vms", "1", "--generations", "1"],
    // check's running count is a line it redraws with \r and erases at the end.
    progress: "\r\u001b[K",
  },
  {
    args: () => ["simulate", "--cpus", "4", "--vms", "20", "--slices", "2000", "--seed", "1"],
    progress: "simulate [",
  },
  {
    args: () => ["sweep", sweepConfig, "-o", join(temp.dir, `sweep-${++sweeps}`), "--jobs", "1"],
    progress: "sweep [",
  },
];

describe("--quiet", () => {
  // Proves every command that shows progress accepts --quiet and then writes nothing to stderr.
  for (const { args } of COMMANDS) {
    const name = args()[0];
    test(`vmid ${name} --quiet: exit 0, nothing on stderr`, () => {
      assertOk(runVmid([...args(), "--quiet"]));
    });
  }

  // Proves study takes --quiet too (running the study itself takes most of a minute).
  test("vmid study --help lists --quiet", () => {
    const result = runVmid(["study", "--help"]);
    assertOk(result);
    assert.match(result.stdout, /^ {2}--quiet +show no progress bar on stderr\b/m);
  });
});

/**
 * Runs `vmid ...args` with stderr on a pseudo-terminal (util-linux `script`) and stdout thrown
 * away, and returns what reached the terminal: the progress, and nothing else.
 */
function onTerminal(args: readonly string[], term: string): string {
  const quoted = [process.execPath, cliPath, ...args].map((word) => `'${word}'`).join(" ");
  const result = spawnSync("script", ["-qec", `${quoted} >/dev/null`, "/dev/null"], {
    cwd: repoRoot,
    encoding: "utf8",
    env: { ...withoutDebug(), TERM: term },
    timeout: 60_000,
  });
  assert.equal(result.status, 0, result.stdout);
  return result.stdout;
}

const hasScript = existsSync("/usr/bin/script");

describe("progress on a terminal", {
  skip: hasScript ? false : "no /usr/bin/script (util-linux)",
}, () => {
  // Proves the decision end to end: a real terminal gets progress, TERM=dumb and --quiet none.
  for (const { args, progress } of COMMANDS) {
    const name = args()[0];
    test(`vmid ${name}: progress with TERM=xterm, none with TERM=dumb or --quiet`, () => {
      const shown = onTerminal(args(), "xterm");
      assert.ok(shown.includes(progress), JSON.stringify(shown));
      assert.equal(onTerminal(args(), "dumb"), "");
      assert.equal(onTerminal([...args(), "--quiet"], "xterm"), "");
    });
  }
});
