import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// This file compiles to dist/test/e2e/_support/runVmid.js: the CLI is dist/src/cli/main.js
// and the repository root (examples/, package.json) is four levels up.

/** The built CLI, `dist/src/cli/main.js`. */
export const cliPath = fileURLToPath(new URL("../../../src/cli/main.js", import.meta.url));

/** The repository root; the CLI runs with it as working directory. */
export const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));

/** What a finished `vmid` process left. */
export interface VmidResult {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** Written to the process's stdin (then closed). */
  readonly input?: string | Uint8Array;
  /** Working directory; the repository root by default. */
  readonly cwd?: string;
  /** Options for node itself, before the script (e.g. `--max-old-space-size=48`). */
  readonly nodeArgs?: readonly string[];
}

/** Runs `vmid ...args` to completion and returns its exit status and output as text. */
export function runVmid(args: readonly string[], options: RunOptions = {}): VmidResult {
  const result = spawnSync(process.execPath, [...(options.nodeArgs ?? []), cliPath, ...args], {
    cwd: options.cwd ?? repoRoot,
    input: options.input ?? "",
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    timeout: 120_000,
    env: withoutDebug(),
  });
  if (result.error !== undefined) throw result.error;
  return {
    status: result.status,
    signal: result.signal,
    stdout: result.stdout,
    stderr: result.stderr,
  };
}

/** The environment for children, without VMID_DEBUG (which adds stacks to internal errors). */
export function withoutDebug(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.VMID_DEBUG;
  return env;
}

/** Asserts a clean success: exit 0, no signal, nothing on stderr. */
export function assertOk(result: VmidResult): void {
  assert.equal(result.signal, null, `killed by ${result.signal}`);
  assert.equal(result.status, 0, `exit ${result.status}, stderr: ${result.stderr}`);
  assert.equal(result.stderr, "");
}

/** Asserts that stderr shows no JavaScript stack trace and no uncaught-error report. */
export function assertNoStack(stderr: string): void {
  assert.ok(!stderr.includes("    at "), `stack trace on stderr:\n${stderr}`);
  assert.ok(!stderr.includes("node:internal"), `crash report on stderr:\n${stderr}`);
}

/**
 * Asserts the CLI refused bad input: exit 2, and stderr is exactly one line
 * `vmid: <prefix><rest>` matching `pattern`, with no stack trace.
 */
export function assertInputError(result: VmidResult, prefix: string, pattern: RegExp): void {
  assert.equal(result.signal, null, `killed by ${result.signal}`);
  assert.equal(result.status, 2, `exit ${result.status}, stderr: ${result.stderr}`);
  assertNoStack(result.stderr);
  assert.ok(result.stderr.endsWith("\n"), `stderr does not end with a newline: ${result.stderr}`);
  const lines = result.stderr.slice(0, -1).split("\n");
  assert.equal(lines.length, 1, `expected one line on stderr, got:\n${result.stderr}`);
  const line = lines[0];
  assert.ok(line.startsWith(`vmid: ${prefix}`), `expected 'vmid: ${prefix}...', got '${line}'`);
  assert.match(line.slice(`vmid: ${prefix}`.length), pattern);
}

/** Asserts a usage error reported by the option parser: exit 2, a message, no stack trace. */
export function assertUsageError(result: VmidResult, pattern: RegExp): void {
  assert.equal(result.signal, null, `killed by ${result.signal}`);
  assert.equal(result.status, 2, `exit ${result.status}, stderr: ${result.stderr}`);
  assertNoStack(result.stderr);
  assert.match(result.stderr, pattern);
}

/** Parses the `--summary` table (`  name   value` rows after a head line) into a map. */
export function parseSummary(stderr: string): { head: string; rows: Map<string, string> } {
  const lines = stderr.split("\n");
  assert.equal(lines.at(-1), "", "the summary ends with a newline");
  const rows = new Map<string, string>();
  for (const line of lines.slice(1, -1)) {
    const match = /^ {2}(\S(?:.*\S)?) {2,}(\S+)$/.exec(line);
    assert.ok(match !== null, `not a summary row: '${line}'`);
    rows.set(match[1], match[2]);
  }
  return { head: lines[0], rows };
}

/** A count of the `--summary` table as a number (the table groups thousands with commas). */
export function summaryCount(rows: ReadonlyMap<string, string>, name: string): number {
  const text = rows.get(name);
  assert.ok(text !== undefined, `no '${name}' row in the summary`);
  assert.match(text, /^\d{1,3}(,\d{3})*$/, `'${name}' is not a grouped count`);
  return Number(text.replaceAll(",", ""));
}

/** A fresh temporary directory, removed by the returned cleanup. */
export function makeTempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `vmid-e2e-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A temporary directory for a test file, with `fresh()` giving each test case an empty
 * subdirectory of its own; `cleanup` removes them all.
 */
export function makeCaseDirs(prefix: string): { fresh: () => string; cleanup: () => void } {
  const { dir, cleanup } = makeTempDir(prefix);
  let made = 0;
  return {
    fresh: () => {
      const fresh = join(dir, `case-${++made}`);
      mkdirSync(fresh);
      return fresh;
    },
    cleanup,
  };
}

/** The smallest sweep configuration: one point (8 CPUs, 50 VMs, bits 8) and one policy. */
export const SMALLEST_SWEEP = JSON.stringify({
  seed: 3,
  base: { bits: 8, cpus: 8, vms: 50, slices: 2000 },
  grid: {},
  policies: [{ strategy: "scan", flush: "broadcast" }],
});

/** Counts the newline bytes in a chunk. */
export function countNewlines(chunk: Buffer): number {
  let count = 0;
  let at = chunk.indexOf(0x0a);
  while (at !== -1) {
    count++;
    at = chunk.indexOf(0x0a, at + 1);
  }
  return count;
}
