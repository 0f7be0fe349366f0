import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import {
  chmodSync,
  copyFileSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import {
  assertInputError,
  assertNoStack,
  assertOk,
  cliPath,
  makeCaseDirs,
  repoRoot,
  runVmid,
  SMALLEST_SWEEP,
  type VmidResult,
  withoutDebug,
} from "./_support/runVmid.js";

const { fresh: freshDir, cleanup } = makeCaseDirs("outputs");
after(cleanup);

/** Asserts that no temporary file (`NAME.tmp-PID`) is left in `dir`. */
function assertNoTemporary(dir: string): void {
  const left = readdirSync(dir).filter((name) => name.includes(".tmp-"));
  assert.deepEqual(left, [], "a temporary file was left behind");
}

const traceArgs = ["gen-trace", "--bits", "6", "--cpus", "3", "--events", "3000", "--seed", "5"];

/** The trace gen-trace writes to stdout with traceArgs: what every -o target must receive. */
function expectedTrace(): string {
  const result = runVmid(traceArgs);
  assertOk(result);
  return result.stdout;
}

const fixture = join(repoRoot, "test/fixtures/sweep/small.json");

/**
 * A character device of our own, made with mknod in `dir` (major 1: 3 is null, 7 is full),
 * so a regression that replaced the device would replace ours, never the system's. Without
 * mknod (not root), the system's device, which an unprivileged process cannot replace
 * either; as root without mknod, undefined (the test is skipped).
 */
function charDevice(dir: string, name: "null" | "full"): string | undefined {
  const mine = join(dir, name);
  const made = spawnSync("mknod", [mine, "c", "1", name === "null" ? "3" : "7"]);
  if (made.status === 0) return mine;
  return process.getuid?.() === 0 ? undefined : `/dev/${name}`;
}

/** Asserts the one-line I/O error for a full disk: exit 5, naming `path`, no stack trace. */
function assertDiskFull(result: VmidResult, path: string): void {
  assert.equal(result.signal, null);
  assert.equal(result.status, 5, `exit ${result.status}, stderr: ${result.stderr}`);
  assertNoStack(result.stderr);
  assert.equal(result.stderr, `vmid: cannot write to '${path}': disk full (ENOSPC)\n`);
}

describe("-o on what is not a regular file", () => {
  // Proves a symbolic link is followed: the file it leads to gets the output, and the link
  // stays a link to it (a rename over the link would have replaced the link by a file).
  test("gen-trace -o LINK: the link stays, the file it points to is replaced", () => {
    const dir = freshDir();
    const file = join(dir, "target.trace");
    const link = join(dir, "link.trace");
    writeFileSync(file, "previous\n");
    symlinkSync("target.trace", link);
    assertOk(runVmid([...traceArgs, "-o", link]));
    assert.ok(lstatSync(link).isSymbolicLink(), "the link was replaced");
    assert.equal(readlinkSync(link), "target.trace");
    assert.equal(readFileSync(file, "utf8"), expectedTrace());
    assertNoTemporary(dir);
  });

  // Proves replacing a regular file keeps its permissions: a private (0600) trace stays
  // private, not widened to what a new file would get (0644 under the usual umask).
  test("gen-trace -o FILE replaces a 0600 file with a 0600 file", () => {
    const dir = freshDir();
    const file = join(dir, "private.trace");
    writeFileSync(file, "previous\n", { mode: 0o600 });
    chmodSync(file, 0o600);
    assertOk(runVmid([...traceArgs, "-o", file]));
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(readFileSync(file, "utf8"), expectedTrace());
    assertNoTemporary(dir);
  });

  // Proves a link to a file that does not exist yet creates that file, as the shell's `>`
  // does, and keeps the link.
  test("gen-trace -o LINK to nothing yet: creates the file the link names", () => {
    const dir = freshDir();
    const link = join(dir, "link.trace");
    symlinkSync("new.trace", link);
    assertOk(runVmid([...traceArgs, "-o", link]));
    assert.ok(lstatSync(link).isSymbolicLink());
    assert.equal(readFileSync(join(dir, "new.trace"), "utf8"), expectedTrace());
    assertNoTemporary(dir);
  });

  // Proves a FIFO is written in place: the reader at its other end receives the whole trace,
  // and the FIFO is still a FIFO (a rename would have put a regular file in its place and
  // left the reader waiting forever).
  test("gen-trace -o FIFO: the reader gets the trace, the FIFO stays", async () => {
    const dir = freshDir();
    const fifo = join(dir, "pipe");
    const received = join(dir, "received");
    assert.equal(spawnSync("mkfifo", [fifo]).status, 0, "mkfifo failed");
    const reader = spawn("sh", ["-c", 'cat "$1" > "$2"', "sh", fifo, received], {
      stdio: "ignore",
    });
    try {
      const result = runVmid([...traceArgs, "-o", fifo]);
      assertOk(result);
      assert.ok(lstatSync(fifo).isFIFO(), "the FIFO was replaced");
      await once(reader, "exit");
      assert.equal(readFileSync(received, "utf8"), expectedTrace());
      assertNoTemporary(dir);
    } finally {
      reader.kill();
    }
  });

  // Proves a character device is written in place and stays a device: the null device
  // swallows the trace, exit 0 (a rename would have replaced it by a regular file).
  test("gen-trace and report -o a null device: written in place, still a device", (t) => {
    const dir = freshDir();
    const device = charDevice(dir, "null");
    if (device === undefined) return t.skip("root without mknod: no device of our own");
    assertOk(runVmid([...traceArgs, "-o", device]));
    assert.ok(lstatSync(device).isCharacterDevice(), "gen-trace replaced the device");
    const report = runVmid(["report", fixture, "-o", device]);
    assert.equal(report.status, 0, report.stderr);
    assert.ok(lstatSync(device).isCharacterDevice(), "report replaced the device");
    assertNoTemporary(dir);
  });

  // Proves /dev/fd/1 (where /dev/stdout leads, through /proc/self/fd) is the process's own
  // stdout, written through the same descriptor: the output lands between what the shell
  // wrote before and after, in order, in a file the shell opened without appending. The
  // test names /dev/fd/1 rather than /dev/stdout so that a regression renaming over the
  // target could not replace the system's /dev/stdout when the tests run as root.
  test("gen-trace -o /dev/fd/1: the trace goes to stdout, in order with the shell's output", () => {
    const dir = freshDir();
    const file = join(dir, "captured");
    const words = [process.execPath, cliPath, ...traceArgs, "-o", "/dev/fd/1"];
    const shell = spawnSync(
      "sh",
      ["-c", 'out="$1"; shift; { echo before; "$@"; echo after; } > "$out"', "sh", file, ...words],
      { cwd: repoRoot, env: withoutDebug(), encoding: "utf8" },
    );
    assert.equal(shell.status, 0, shell.stderr);
    assert.equal(shell.stderr, "");
    assert.equal(readFileSync(file, "utf8"), `before\n${expectedTrace()}after\n`);
  });

  // Proves a directory given as -o is refused with a message that says what it is, and left
  // alone.
  test("gen-trace -o DIR: refused, exit 2, one line saying it is a directory", () => {
    const dir = freshDir();
    const result = runVmid([...traceArgs, "-o", dir]);
    assertInputError(result, `cannot write to '${dir}': `, /^it is a directory/);
    assert.ok(lstatSync(dir).isDirectory());
    assert.deepEqual(readdirSync(dir), []);
  });

  // Proves a socket is refused and stays a socket (a rename would have replaced it).
  test("report -o SOCKET: refused, exit 2, the socket stays", async () => {
    const dir = freshDir();
    const socket = join(dir, "socket");
    const server = createServer();
    server.listen(socket);
    await once(server, "listening");
    try {
      const result = runVmid(["report", fixture, "-o", socket]);
      assertInputError(result, `cannot write to '${socket}': `, /^it is a socket/);
      assert.ok(lstatSync(socket).isSocket(), "the socket was replaced");
      assertNoTemporary(dir);
    } finally {
      server.close();
    }
  });

  // Proves report follows a link the same way (one function opens every -o target).
  test("report -o LINK: the link stays, the file it points to gets the report", () => {
    const dir = freshDir();
    const file = join(dir, "real.html");
    const link = join(dir, "report.html");
    writeFileSync(file, "previous");
    symlinkSync(file, link);
    const result = runVmid(["report", fixture, "-o", link]);
    assert.equal(result.status, 0, result.stderr);
    assert.ok(lstatSync(link).isSymbolicLink(), "the link was replaced");
    assert.match(readFileSync(file, "utf8"), /^<!doctype html>/);
    assertNoTemporary(dir);
  });

  // Proves the sweep's result files follow links too: DIR/sweep.json and DIR/sweep.csv as
  // links to files not yet written in another directory stay links, and the files they name
  // receive the results (a dangling link does not make DIR look like a finished sweep).
  test("sweep -o DIR with links for sweep.json and sweep.csv: the links stay, their files get the results", () => {
    const dir = freshDir();
    const out = join(dir, "out");
    mkdirSync(out);
    symlinkSync(join(dir, "kept.json"), join(out, "sweep.json"));
    symlinkSync(join(dir, "kept.csv"), join(out, "sweep.csv"));
    const config = join(dir, "config.json");
    writeFileSync(config, SMALLEST_SWEEP);
    const result = runVmid(["sweep", config, "-o", out, "--jobs", "1"]);
    assert.equal(result.status, 0, result.stderr);
    assert.ok(lstatSync(join(out, "sweep.json")).isSymbolicLink(), "sweep.json was replaced");
    assert.ok(lstatSync(join(out, "sweep.csv")).isSymbolicLink(), "sweep.csv was replaced");
    // One point, one policy: one row in the JSON, a header and one row in the CSV.
    assert.equal(JSON.parse(readFileSync(join(dir, "kept.json"), "utf8")).rows.length, 1);
    assert.equal(readFileSync(join(dir, "kept.csv"), "utf8").trimEnd().split("\n").length, 2);
    assertNoTemporary(out);
    assertNoTemporary(dir);
  });
});

describe("an output that is an input", () => {
  /** A copy of the fixture sweep in a fresh directory. */
  function copyFixture(): { dir: string; input: string; bytes: Buffer } {
    const dir = freshDir();
    const input = join(dir, "sweep.json");
    copyFileSync(fixture, input);
    return { dir, input, bytes: readFileSync(input) };
  }

  // Proves report refuses to write over its own input, by the same path, through a symbolic
  // link and through a hard link (device and inode compared, not names), and leaves the
  // input byte for byte as it was.
  for (const via of ["the same path", "a symbolic link", "a hard link"] as const) {
    test(`report S.json -o ${via} to S.json: exit 2, the input untouched`, () => {
      const { dir, input, bytes } = copyFixture();
      const output = via === "the same path" ? input : join(dir, "report.html");
      if (via === "a symbolic link") symlinkSync(input, output);
      if (via === "a hard link") linkSync(input, output);
      const result = runVmid(["report", input, "-o", output]);
      assertInputError(
        result,
        `the output '${output}' is the input '${input}' (the same file)`,
        /^: name another output$/,
      );
      assert.deepEqual(readFileSync(input), bytes);
      assertNoTemporary(dir);
    });
  }

  // Proves sweep refuses an output directory whose result files include its configuration:
  // with --force it would otherwise delete the configuration it is running.
  test("sweep DIR/sweep.json -o DIR --force: exit 2, the configuration untouched", () => {
    const dir = freshDir();
    const config = join(dir, "sweep.json");
    const text = SMALLEST_SWEEP;
    writeFileSync(config, text);
    const result = runVmid(["sweep", config, "-o", dir, "--force", "--jobs", "1"]);
    assertInputError(result, `the output '${config}' is the input '${config}'`, /same file/);
    assert.equal(readFileSync(config, "utf8"), text);
    assert.deepEqual(readdirSync(dir), ["sweep.json"]);
  });
});

describe("a full disk", () => {
  // Proves a write that fails with ENOSPC is an I/O error: exit 5 (not 3, "internal error"),
  // one line naming the file and saying the disk is full. A full device (major 1, minor 7)
  // is written in place and fails every write with ENOSPC.
  test("gen-trace -o a full device: exit 5, 'disk full', naming the file", (t) => {
    const dir = freshDir();
    const device = charDevice(dir, "full");
    if (device === undefined) return t.skip("root without mknod: no device of our own");
    const result = runVmid([...traceArgs, "-o", device]);
    assertDiskFull(result, device);
    assert.equal(result.stdout, "");
    assert.ok(lstatSync(device).isCharacterDevice());
  });

  test("report -o a full device: exit 5, 'disk full', naming the file", (t) => {
    const dir = freshDir();
    const device = charDevice(dir, "full");
    if (device === undefined) return t.skip("root without mknod: no device of our own");
    const result = runVmid(["report", fixture, "-o", device]);
    assertDiskFull(result, device);
    assert.equal(result.stdout, "");
  });
});
