import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createReadStream, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { pinFailureText } from "../../src/cli/replaySinks.js";
import type { IdSpaceOptions } from "../../src/core/IdSpace.js";
import { STRATEGY_NAMES } from "../../src/core/strategies/ReservedLookup.js";
import { type ReplaySink, replayTrace } from "../../src/trace/replayTrace.js";

/*
 * Golden traces: test/fixtures/golden/*.trace are ordinary v1 traces whose expected output
 * was derived by hand from the seed's C code and written in `#> ` comments right after the
 * event that produces it (with the derivation in ordinary comments around it). Each is
 * replayed through the library with every strategy and once through the built CLI, and the
 * output must equal the `#> ` lines exactly, each one produced by the event it follows.
 * A first line `#! OPTIONS` gives the allocator options the trace is replayed with
 * (`--allocator asid`, `--kpti`), to both the library and the CLI.
 */

// Compiled to dist/test/e2e: the fixtures stay in the source tree, the CLI is built to dist.
const GOLDEN_DIR = fileURLToPath(new URL("../../../test/fixtures/golden/", import.meta.url));
const EXAMPLE_WORKED = fileURLToPath(new URL("../../../examples/worked.trace", import.meta.url));
const CLI = fileURLToPath(new URL("../../src/cli/main.js", import.meta.url));

const EXPECTED_PREFIX = "#> ";

/** One expected output line and the line number of the event (run or put) it follows. */
interface ExpectedLine {
  readonly text: string;
  readonly eventLine: number;
}

const EVENT_LINE = /^[ \t]*(run|put|pin|unpin)[ \t]/;

/** The `#> ` lines of a golden trace, each with the event line that precedes it. */
function expectedOutput(path: string): ExpectedLine[] {
  const expected: ExpectedLine[] = [];
  let eventLine = 0;
  readFileSync(path, "utf8")
    .split(/\r?\n/)
    .forEach((line, index) => {
      if (EVENT_LINE.test(line)) eventLine = index + 1;
      if (line.startsWith(EXPECTED_PREFIX)) {
        const text = line.slice(EXPECTED_PREFIX.length).trimEnd();
        assert.ok(eventLine > 0, `${path}:${index + 1}: '#> ' line before any event`);
        assert.notEqual(text, "", `${path}:${index + 1}: empty '#> ' line`);
        expected.push({ text, eventLine });
      } else if (line.startsWith("#>")) {
        assert.fail(`${path}:${index + 1}: '#>' must be followed by a space: ${line}`);
      }
    });
  return expected;
}

/** The replay options of a golden trace's `#! ` first line, as CLI arguments. */
function replayArguments(path: string): string[] {
  const first = readFileSync(path, "utf8").split(/\r?\n/)[0];
  if (!first.startsWith("#! ")) return [];
  const args = first.slice(3).trim().split(/\s+/);
  for (const arg of args) {
    assert.ok(["--allocator", "asid", "vmid", "--kpti"].includes(arg), `${path}: '#! ${arg}'`);
  }
  return args;
}

/** The allocator the CLI arguments of `replayArguments` select. */
function spaceOf(args: readonly string[]): IdSpaceOptions {
  const at = args.indexOf("--allocator");
  const allocator = at < 0 ? "vmid" : args[at + 1];
  assert.ok(allocator === "vmid" || allocator === "asid");
  return { allocator, kpti: args.includes("--kpti") };
}

/** Replays `path` through the library, formatting lines exactly as `vmid replay` does. */
async function replayLibrary(
  path: string,
  strategy: (typeof STRATEGY_NAMES)[number],
): Promise<ExpectedLine[]> {
  const output: ExpectedLine[] = [];
  const sink: ReplaySink = {
    flush(generation, line) {
      output.push({ text: `flush ${generation.toString(16)}`, eventLine: line });
    },
    run(cpu, vm, vmid, line) {
      output.push({ text: `${cpu} ${vm} ${vmid.toString(16)}`, eventLine: line });
    },
    pin(vm, result, line) {
      const text = result.pinned
        ? `pin ${vm} ${result.id.toString(16)}`
        : `pin ${vm} failed: ${pinFailureText(result)}`;
      output.push({ text, eventLine: line });
    },
  };
  const space = spaceOf(replayArguments(path));
  await replayTrace(createReadStream(path), { file: path, strategy, space }, sink);
  return output;
}

/** `line N: text` per output line, to compare placement as well as text. */
function placed(lines: readonly ExpectedLine[]): string[] {
  return lines.map((line) => `line ${line.eventLine}: ${line.text}`);
}

/** The events (comments stripped) of a trace, in order. */
function events(path: string): string[] {
  return readFileSync(path, "utf8")
    .split(/\r?\n/)
    .map((line) =>
      line
        .replace(/#.*/, "")
        .trim()
        .replace(/[ \t]+/g, " "),
    )
    .filter((line) => line !== "");
}

const goldenFiles = readdirSync(GOLDEN_DIR)
  .filter((name) => name.endsWith(".trace"))
  .sort();

describe("golden traces (expected output derived by hand)", () => {
  test("the golden folder holds the traces", () => {
    assert.ok(goldenFiles.length > 0, `no *.trace files in ${GOLDEN_DIR}`);
    assert.ok(goldenFiles.includes("worked.trace"), "worked.trace is missing");
  });

  for (const name of goldenFiles) {
    const path = join(GOLDEN_DIR, name);

    describe(name, () => {
      const expected = expectedOutput(path);

      test("has expected output ('#> ' lines)", () => {
        assert.ok(expected.length > 0, `${path} has no '#> ' lines: nothing would be checked`);
      });

      for (const strategy of STRATEGY_NAMES) {
        test(`library replay, strategy ${strategy}`, async () => {
          assert.ok(expected.length > 0, `${path} has no '#> ' lines`);
          const actual = await replayLibrary(path, strategy);
          assert.deepEqual(
            actual.map((line) => line.text),
            expected.map((line) => line.text),
            `${name} [${strategy}]: output differs from the '#> ' lines`,
          );
          assert.deepEqual(
            placed(actual),
            placed(expected),
            `${name} [${strategy}]: a '#> ' line is not placed after the event that prints it`,
          );
        });
      }

      test(`CLI: vmid replay ${replayArguments(path).join(" ")} FILE`.replace("  ", " "), () => {
        assert.ok(expected.length > 0, `${path} has no '#> ' lines`);
        const args = [CLI, "replay", ...replayArguments(path), path];
        const result = spawnSync(process.execPath, args, { encoding: "utf8" });
        assert.equal(result.error, undefined, `could not run ${CLI}`);
        assert.equal(result.stderr, "", `${name}: unexpected stderr`);
        assert.equal(result.status, 0, `${name}: exit code`);
        assert.equal(
          result.stdout,
          expected.map((line) => `${line.text}\n`).join(""),
          `${name}: CLI output differs from the '#> ' lines`,
        );
      });
    });
  }

  test("golden/worked.trace is examples/worked.trace with the derivation", () => {
    const golden = join(GOLDEN_DIR, "worked.trace");
    assert.deepEqual(events(golden), events(EXAMPLE_WORKED), "the two traces' events differ");
    // The example lists its expected output in its header as `#   OUTPUT    explanation`.
    const exampleLines = readFileSync(EXAMPLE_WORKED, "utf8")
      .split(/\r?\n/)
      .filter((line) => line.startsWith("#   "))
      .map((line) => line.slice(4).split(/ {2,}/)[0].trim());
    assert.deepEqual(
      exampleLines,
      expectedOutput(golden).map((line) => line.text),
      "the expected output in examples/worked.trace's header differs from golden/worked.trace",
    );
  });
});
