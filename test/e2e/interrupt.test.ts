import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { cliPath, makeCaseDirs, repoRoot, withoutDebug } from "./_support/runVmid.js";

const { fresh: freshDir, cleanup } = makeCaseDirs("interrupt");
after(cleanup);

/** Waits, polling, until `ready()` holds (the test's own timeout bounds the wait). */
async function until(ready: () => boolean): Promise<void> {
  while (!ready()) await sleep(10);
}

describe("an interrupted gen-trace -o", () => {
  // Proves SIGINT and SIGTERM during an atomic write remove its temporary file and exit
  // 130 / 143 (128 + the signal's number), not killed by the signal. The trace (100 million
  // events, about a gigabyte) cannot be finished when the signal comes: it is sent as soon
  // as the temporary file exists. Without the cleanup the default action kills the process
  // and leaves FILE.tmp-PID behind.
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    test(`${signal}: exit ${code}, no temporary file, no output file`, async () => {
      const dir = freshDir();
      const output = join(dir, "big.trace");
      const child = spawn(
        process.execPath,
        [cliPath, "gen-trace", "--events", "100000000", "--seed", "1", "-o", output],
        { cwd: repoRoot, env: withoutDebug(), stdio: ["ignore", "ignore", "pipe"] },
      );
      let stderr = "";
      child.stderr.on("data", (chunk) => {
        stderr += chunk;
      });
      const exited = once(child, "exit");
      await until(() => readdirSync(dir).some((name) => name.includes(".tmp-")));
      child.kill(signal);
      const [status, killedBy] = await exited;
      assert.equal(killedBy, null, `killed by ${killedBy}`);
      assert.equal(status, code);
      assert.equal(stderr, "");
      assert.deepEqual(readdirSync(dir), [], "a file was left behind");
    });
  }
});

/**
 * Runs `vmid ...args` on a pseudo-terminal (util-linux `script`; stdout thrown away, stderr
 * on the terminal), sends `signal` once the terminal shows `ready`, and returns the exit code
 * and everything the terminal received.
 */
async function interruptOnTerminal(
  args: readonly string[],
  ready: string,
  signal: NodeJS.Signals,
): Promise<{ status: number | null; screen: string }> {
  const pidFile = join(freshDir(), "pid");
  const quoted = [process.execPath, cliPath, ...args].map((word) => `'${word}'`).join(" ");
  // The shell writes its pid, then becomes vmid (exec): the pid is vmid's.
  const command = `echo $$ > '${pidFile}'; exec ${quoted} > /dev/null`;
  const child = spawn("script", ["-qec", command, "/dev/null"], {
    cwd: repoRoot,
    env: { ...withoutDebug(), TERM: "xterm" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let screen = "";
  child.stdout.on("data", (chunk) => {
    screen += chunk;
  });
  const exited = once(child, "exit");
  // The whole pid, written: an empty file read as 0 would signal our own process group.
  const pid = () => (existsSync(pidFile) ? /^(\d+)\n$/.exec(readFileSync(pidFile, "utf8")) : null);
  await until(() => screen.includes(ready) && pid() !== null);
  process.kill(Number(pid()?.[1]), signal);
  const [status] = await exited;
  return { status, screen };
}

const SHOW_CURSOR = "\u001b[?25h";
const HIDE_CURSOR = "\u001b[?25l";

/**
 * Asserts the terminal was left usable: the cursor the progress bar hid is shown again, and
 * the bar's line is finished (a line break follows), so the prompt does not land on it.
 * Returns what followed the line break.
 */
function assertRestored(screen: string): string {
  const hidden = screen.lastIndexOf(HIDE_CURSOR);
  assert.ok(hidden !== -1, `no progress bar: ${JSON.stringify(screen)}`);
  const shown = screen.indexOf(SHOW_CURSOR, hidden);
  assert.ok(shown !== -1, `the cursor stays hidden: ${JSON.stringify(screen.slice(-300))}`);
  const lineEnd = screen.indexOf("\n", shown);
  assert.ok(lineEnd !== -1, `the progress line is not finished: ${JSON.stringify(screen)}`);
  return screen.slice(lineEnd + 1);
}

describe("Ctrl-C on a terminal", {
  skip: existsSync("/usr/bin/script") ? false : "no script",
}, () => {
  // Proves an interrupted sweep restores the terminal, exits 130, and prints the command that
  // continues it: the same arguments with --resume (one point of 50 million slices cannot be
  // finished before the signal, sent when the bar first shows).
  test("sweep: cursor shown, line finished, the resume command printed, exit 130", async () => {
    const dir = freshDir();
    const config = join(dir, "config.json");
    writeFileSync(
      config,
      JSON.stringify({
        seed: 3,
        base: { bits: 8, cpus: 8, vms: 50, slices: 50_000_000 },
        grid: { vms: [50, 60] },
        policies: [{ strategy: "scan", flush: "broadcast" }],
      }),
    );
    const out = join(dir, "out");
    const { status, screen } = await interruptOnTerminal(
      ["sweep", config, "-o", out, "--jobs", "1"],
      "sweep [",
      "SIGINT",
    );
    assert.equal(status, 130);
    assert.equal(
      assertRestored(screen),
      `vmid: interrupted; the finished points are kept: continue with vmid sweep ${config} -o ${out} --jobs 1 --resume\r\n`,
    );
    assert.ok(existsSync(join(out, "sweep.partial.jsonl")), "the partial file is gone");
  });

  // Proves the same for the study, whose resume command is `vmid study ... --resume`; --force
  // is dropped from it (resuming must not start over).
  test("study: cursor shown, line finished, the resume command printed, exit 130", async () => {
    const out = join(freshDir(), "study");
    const { status, screen } = await interruptOnTerminal(
      ["study", "-o", out, "--jobs", "1", "--force"],
      "sweep [",
      "SIGINT",
    );
    assert.equal(status, 130);
    assert.equal(
      assertRestored(screen),
      `vmid: interrupted; the finished points are kept: continue with vmid study -o ${out} --jobs 1 --resume\r\n`,
    );
  });

  // Proves stress restores the terminal on SIGTERM too and exits 143; it has nothing to
  // resume, so nothing follows the finished line.
  test("stress: cursor shown, line finished, exit 143", async () => {
    const { status, screen } = await interruptOnTerminal(
      ["stress", "--events", "1000000000", "--seed", "1"],
      "stress [",
      "SIGTERM",
    );
    assert.equal(status, 143);
    assert.equal(assertRestored(screen), "");
  });
});
