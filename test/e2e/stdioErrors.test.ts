import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { closeSync, openSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { assertNoStack, cliPath, makeTempDir, repoRoot, withoutDebug } from "./_support/runVmid.js";

const temp = makeTempDir("stdio");
after(temp.cleanup);

/**
 * Runs `vmid ...args` with stdout (or stderr, with `full: "stderr"`) on /dev/full, where every
 * write fails with ENOSPC; the other stream is captured. The device is only opened for
 * writing, as the shell's `> /dev/full` does.
 */
function onFullDevice(args: readonly string[], full: "stdout" | "stderr") {
  const fd = openSync("/dev/full", "w");
  try {
    const result = spawnSync(process.execPath, [cliPath, ...args], {
      cwd: repoRoot,
      env: withoutDebug(),
      encoding: "utf8",
      stdio: ["ignore", full === "stdout" ? fd : "pipe", full === "stderr" ? fd : "pipe"],
      timeout: 60_000,
    });
    return { status: result.status, signal: result.signal, captured: result.stderr };
  } finally {
    closeSync(fd);
  }
}

describe("stdout or stderr that cannot be written", () => {
  // Proves a failed write to stdout is an I/O error: exit 5 (not 1, which means "violation
  // found", nor 0), one line on stderr saying why, no stack trace. Each command writes its
  // stdout its own way: check and stress in one write at the end, replay and gen-trace
  // through a buffer.
  const commands: readonly (readonly string[])[] = [
    ["check", "--cpus", "1", "--vms", "1", "--generations", "1"],
    ["replay", "examples/worked.trace"],
    ["gen-trace", "--events", "100"],
    ["stress", "--events", "200", "--seed", "1"],
  ];
  for (const args of commands) {
    test(`vmid ${args[0]} > /dev/full: exit 5, one line, no stack`, () => {
      const result = onFullDevice(args, "stdout");
      assert.equal(result.signal, null);
      assert.equal(result.status, 5, result.captured);
      assertNoStack(result.captured);
      assert.equal(result.captured, "vmid: cannot write to stdout: disk full (ENOSPC)\n");
    });
  }

  // Proves a failed write to stderr (the --summary table) exits 5 as well: nothing can say
  // why, so the exit code does.
  test("vmid replay --summary 2> /dev/full: exit 5", () => {
    const result = onFullDevice(["replay", "--summary", "examples/worked.trace"], "stderr");
    assert.equal(result.signal, null);
    assert.equal(result.status, 5);
  });
});

/**
 * Runs `vmid ...args` and closes the read end of its stdout after the first chunk, as `head
 * -c 1` does; returns its exit code and stderr.
 */
async function closedEarly(
  args: readonly string[],
): Promise<{ status: number | null; stderr: string }> {
  const child = spawn(process.execPath, [cliPath, ...args], {
    cwd: repoRoot,
    env: withoutDebug(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  child.stdout.once("data", () => child.stdout.destroy());
  const [status] = await once(child, "exit");
  return { status, stderr };
}

describe("a reader that stops early (EPIPE)", () => {
  // Proves EPIPE is a quiet stop, exit 0, whether the command writes stdout itself or its
  // -o names stdout (/dev/fd/1, written through the same descriptor): a million events do
  // not fit in a pipe, so the writer meets the closed pipe.
  for (const args of [
    ["gen-trace", "--events", "1000000", "--seed", "1"],
    ["gen-trace", "--events", "1000000", "--seed", "1", "-o", "/dev/fd/1"],
  ]) {
    test(`vmid ${args.join(" ")} | head -c 1: exit 0, nothing on stderr`, async () => {
      const { status, stderr } = await closedEarly(args);
      assert.equal(stderr, "");
      assert.equal(status, 0);
    });
  }

  // Proves what the README documents: replay stops reading at EPIPE, so a bad line after the
  // point where the reader stopped is never read and the exit code is 0. The same trace,
  // read to the end, exits 2 at its bad last line.
  test("vmid replay BAD | head -c 1: exit 0, the bad line is never reached", async () => {
    const trace = join(temp.dir, "bad-at-the-end.trace");
    const events = Array.from({ length: 200_000 }, (_, i) => `run ${i % 4} ${(i % 50) + 1}\n`);
    writeFileSync(trace, `bits 8\ncpus 4\n${events.join("")}frobnicate\n`);
    const stopped = await closedEarly(["replay", trace]);
    assert.equal(stopped.stderr, "");
    assert.equal(stopped.status, 0);
    const full = spawnSync(process.execPath, [cliPath, "replay", trace], {
      cwd: repoRoot,
      env: withoutDebug(),
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    assert.equal(full.status, 2);
    assert.match(full.stderr, new RegExp(`^vmid: ${trace}:200003: `));
  });
});
