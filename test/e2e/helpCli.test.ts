import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { assertOk, runVmid } from "./_support/runVmid.js";

/** Every command, in the order `vmid --help` lists them. */
const COMMANDS = [
  "replay",
  "gen-trace",
  "stress",
  "check",
  "view",
  "simulate",
  "sweep",
  "report",
  "study",
  "help",
];

/** The lines of `text` wider than 80 columns. */
function wideLines(text: string): string[] {
  return text.split("\n").filter((line) => line.length > 80);
}

describe("help fits 80 columns", () => {
  // Proves no help line is wider than 80 columns (stdout is a pipe here, so commander wraps at
  // 80, and the lists after the options, such as mutants and invariants, are wrapped too).
  for (const args of [["--help"], ...COMMANDS.slice(0, -1).map((name) => [name, "--help"])]) {
    test(`vmid ${args.join(" ")}`, () => {
      const result = runVmid(args);
      assertOk(result);
      assert.match(result.stdout, /^Usage: vmid/);
      assert.deepEqual(wideLines(result.stdout), []);
    });
  }

  // Proves `vmid help COMMAND` prints the same as `vmid COMMAND --help`.
  test("vmid help check is vmid check --help", () => {
    const viaHelp = runVmid(["help", "check"]);
    assertOk(viaHelp);
    assert.equal(viaHelp.stdout, runVmid(["check", "--help"]).stdout);
  });
});

describe("the list of commands", () => {
  // Proves the top-level help gives each command exactly one line: the lines under "Commands:"
  // up to the blank line are the commands in order, none continued on a second line.
  test("vmid --help: one line per command", () => {
    const result = runVmid(["--help"]);
    assertOk(result);
    const lines = result.stdout.split("\n");
    const start = lines.indexOf("Commands:") + 1;
    assert.ok(start > 0, result.stdout);
    const end = lines.indexOf("", start);
    const listed = lines.slice(start, end);
    assert.deepEqual(
      listed.map((line) => /^ {2}(\S+)/.exec(line)?.[1]),
      COMMANDS,
      listed.join("\n"),
    );
  });

  // Proves bare `vmid` is a request for the help: the same text on stdout, nothing on stderr,
  // exit 0 (it used to print the help to stderr and exit 2).
  test("bare vmid: the help on stdout, exit 0", () => {
    const bare = runVmid([]);
    assertOk(bare);
    assert.equal(bare.stdout, runVmid(["--help"]).stdout);
  });
});
