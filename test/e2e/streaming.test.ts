import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import type { Stream } from "node:stream";
import { after, before, describe, test } from "node:test";
import {
  assertNoStack,
  assertOk,
  cliPath,
  countNewlines,
  makeTempDir,
  parseSummary,
  repoRoot,
  runVmid,
  summaryCount,
  withoutDebug,
} from "./_support/runVmid.js";

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/** How a child's stdin or stdout is connected. */
type Stdio = "pipe" | "ignore" | Stream;

/** Starts `node [nodeArgs] main.js ...args`; stderr is always a pipe (collected by `exited`). */
function startVmid(
  args: readonly string[],
  stdio: { stdin: Stdio; stdout: Stdio },
  nodeArgs: readonly string[] = [],
): ChildProcess {
  return spawn(process.execPath, [...nodeArgs, cliPath, ...args], {
    cwd: repoRoot,
    env: withoutDebug(),
    stdio: [stdio.stdin, stdio.stdout, "pipe"],
  });
}

/** Resolves when the child has exited and its stdio streams are closed. */
function exited(child: ChildProcess): Promise<Exit> {
  let stderr = "";
  child.stderr?.setEncoding("utf8").on("data", (text: string) => {
    stderr += text;
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => resolve({ code, signal, stderr }));
  });
}

describe("vmid replay streams with constant memory", () => {
  test("10,000,000 generated events piped into a replay with a 48 MB heap", {
    timeout: 600_000,
  }, async () => {
    // A replay that kept the trace (~90 MB) or its output (~130 MB) would exhaust its 48 MB
    // heap and die. gen-trace writes straight into replay's stdin (no copy through this
    // process); this process only counts replay's output lines and discards them.
    const events = 10_000_000;
    const replay = startVmid(["replay", "--summary", "-"], { stdin: "pipe", stdout: "pipe" }, [
      "--max-old-space-size=48",
    ]);
    const replayStdin = replay.stdin as NonNullable<ChildProcess["stdin"]>;
    const gen = startVmid(
      ["gen-trace", "--bits", "16", "--cpus", "4", "--vms", "100000"].concat([
        "--events",
        String(events),
        "--seed",
        "7",
      ]),
      { stdin: "ignore", stdout: replayStdin },
    );
    // gen-trace holds its own copy of the write end; ours must close (without a shutdown,
    // which would end the shared connection) or replay never sees the end of its input.
    replayStdin.destroy();
    let lines = 0;
    replay.stdout?.on("data", (chunk: Buffer) => {
      lines += countNewlines(chunk);
    });
    const [genExit, replayExit] = await Promise.all([exited(gen), exited(replay)]);
    assert.equal(genExit.signal, null, `gen-trace killed by ${genExit.signal}`);
    assert.equal(genExit.code, 0, genExit.stderr);
    assert.equal(genExit.stderr, "");
    assert.equal(replayExit.signal, null, `replay killed by ${replayExit.signal}`);
    assert.equal(replayExit.code, 0, `replay failed:\n${replayExit.stderr}`);
    const { head, rows } = parseSummary(replayExit.stderr);
    assert.equal(head, "summary of <stdin>: bits 16, cpus 4, strategy scan");
    const count = (name: string) => summaryCount(rows, name);
    const runs = count("runs (updates)");
    const puts = count("puts");
    const flushes = count("rollovers (flushes)");
    // Two comment lines and the two header lines precede the 10,000,000 events.
    assert.equal(rows.get("lines"), "10,000,004");
    assert.equal(runs, events - puts);
    // ~10% puts; 100,000 uniform VMs on 65,535 ids roll over many times.
    assert.ok(puts > 0.05 * events && puts < 0.15 * events, `puts ${puts}`);
    assert.ok(flushes > 10, `flushes ${flushes}`);
    assert.equal(lines, runs + flushes);
  });
});

describe("a reader that closes early (like head -1) is not an error", () => {
  let dir = "";
  let cleanup = () => {};
  let trace = "";
  before(() => {
    ({ dir, cleanup } = makeTempDir("epipe"));
    trace = join(dir, "big.trace");
    // 300,000 events: some 4 MB of replay output, far more than a pipe holds.
    assertOk(runVmid(["gen-trace", "--events", "300000", "--seed", "5", "-o", trace]));
  });
  after(() => cleanup());

  /** Runs `vmid ...args`, closes its stdout after the first chunk; returns that chunk. */
  async function readFirstChunkThenClose(
    args: readonly string[],
  ): Promise<Exit & { first: string }> {
    const child = startVmid(args, { stdin: "ignore", stdout: "pipe" });
    const stdout = child.stdout as NonNullable<ChildProcess["stdout"]>;
    const done = exited(child);
    const first = await new Promise<string>((resolve) => {
      stdout.once("data", (chunk: Buffer) => {
        stdout.destroy();
        resolve(chunk.toString("utf8"));
      });
    });
    return { ...(await done), first };
  }

  for (const args of [
    ["replay", "big.trace"],
    ["replay", "--json", "big.trace"],
    ["gen-trace", "--events", "2000000", "--seed", "1"],
  ]) {
    test(`vmid ${args.join(" ")} | (close after the first chunk): exit 0, no EPIPE trace`, async () => {
      const resolved = args.map((arg) => (arg === "big.trace" ? trace : arg));
      const result = await readFirstChunkThenClose(resolved);
      assert.equal(result.signal, null, `killed by ${result.signal}`);
      assert.equal(result.code, 0, result.stderr);
      assertNoStack(result.stderr);
      assert.doesNotMatch(result.stderr, /EPIPE/);
      assert.equal(result.stderr, "");
      // It did produce output before the reader went away.
      assert.ok(result.first.length > 0);
      if (args[0] === "gen-trace") assert.match(result.first, /^# vmid gen-trace /);
      else if (args.includes("--json")) assert.match(result.first, /^\{"type":"run","line":5,/);
      else assert.match(result.first, /^[0-3] \d+ [0-9a-f]+\n/);
    });
  }
});
