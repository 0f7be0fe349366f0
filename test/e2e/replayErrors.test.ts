import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  assertInputError,
  assertOk,
  assertUsageError,
  makeTempDir,
  runVmid,
} from "./_support/runVmid.js";
import { WORKED_EVENTS } from "./_support/workedTrace.js";

/** A malformed trace: the error is on `line` and its message (after `FILE:LINE: `) matches. */
interface BadTrace {
  readonly title: string;
  readonly trace: string;
  readonly line: number;
  readonly message: RegExp;
  /** What the runs before the bad line print (the output is a stream); none by default. */
  readonly stdout?: string;
}

const HEADER = "bits 2\ncpus 2\n";

const BAD_TRACES: readonly BadTrace[] = [
  {
    title: "unknown keyword",
    trace: `${HEADER}run 0 1\njump 0 1\n`,
    line: 4,
    message: /^unknown keyword 'jump' \(expected bits, cpus, run, put, pin or unpin\)$/,
    stdout: "0 1 5\n",
  },
  {
    title: "keywords are case-sensitive",
    trace: `${HEADER}RUN 0 1\n`,
    line: 3,
    message: /^unknown keyword 'RUN'/,
  },
  {
    title: "missing 'cpus' before the first event",
    trace: "bits 2\nrun 0 1\n",
    line: 2,
    message: /^missing header 'cpus N' before the first event$/,
  },
  {
    title: "missing 'bits' before the first event",
    trace: "# a comment\ncpus 2\n\nput 0\n",
    line: 4,
    message: /^missing header 'bits B' before the first event$/,
  },
  {
    title: "no header at all before the first event",
    trace: "# a comment\nrun 0 1\n",
    line: 2,
    message: /^missing header 'bits B' and 'cpus N' before the first event$/,
  },
  {
    title: "duplicate 'bits'",
    trace: "bits 2\nbits 3\ncpus 2\n",
    line: 2,
    message: /^duplicate 'bits' \(first on line 1\)$/,
  },
  {
    title: "duplicate 'cpus'",
    trace: "cpus 2\n# again\ncpus 2\nbits 3\n",
    line: 3,
    message: /^duplicate 'cpus' \(first on line 1\)$/,
  },
  {
    title: "a header line repeated after a complete header",
    trace: `${HEADER}bits 3\n`,
    line: 3,
    message: /'bits'/,
  },
  {
    title: "'bits' after an event",
    trace: `${HEADER}run 0 1\nbits 3\n`,
    line: 4,
    message: /^'bits' must come before the first event/,
    stdout: "0 1 5\n",
  },
  {
    title: "'cpus' after an event",
    trace: `${HEADER}run 0 1\nput 0\ncpus 3\n`,
    line: 5,
    message: /^'cpus' must come before the first event/,
    stdout: "0 1 5\n",
  },
  // A header value out of range is reported on its own line; these put it on the second line
  // (see the test below for the first-line case).
  {
    title: "bits 0",
    trace: "cpus 1\nbits 0\n",
    line: 2,
    message: /^bits must be an integer from 1 to 24 \(got 0\)$/,
  },
  {
    title: "bits 25",
    trace: "cpus 1\nbits 25\n",
    line: 2,
    message: /^bits must be an integer from 1 to 24 \(got 25\)$/,
  },
  {
    title: "cpus 0",
    trace: "bits 2\ncpus 0\n",
    line: 2,
    message: /^cpus must be an integer from 1 to 4096 \(got 0\)$/,
  },
  {
    title: "cpus 4097",
    trace: "bits 16\ncpus 4097\n",
    line: 2,
    message: /^cpus must be an integer from 1 to 4096 \(got 4097\)$/,
  },
  {
    title: "the kernel's WARN condition: bits 2 (3 usable ids) for 3 CPUs",
    trace: "bits 2\ncpus 3\nrun 0 1\n",
    line: 2,
    message: /need more VMIDs than CPUs/,
  },
  {
    title: "the WARN condition at its boundary: bits 8 (255 usable ids) for 255 CPUs",
    trace: "bits 8\ncpus 255\n",
    line: 2,
    message: /need more VMIDs than CPUs/,
  },
  {
    title: "run on a CPU out of range",
    trace: `${HEADER}run 0 1\nrun 2 1\n`,
    line: 4,
    message: /^cpu 2 is out of range 0\.\.1$/,
    stdout: "0 1 5\n",
  },
  {
    title: "put on a CPU out of range",
    trace: `${HEADER}put 7\n`,
    line: 3,
    message: /^cpu 7 is out of range 0\.\.1$/,
  },
  {
    title: "VM 0",
    trace: `${HEADER}run 1 0\n`,
    line: 3,
    message: /^VM must be a positive integer \(got 0\)$/,
  },
  {
    title: "a negative CPU",
    trace: `${HEADER}run -1 1\n`,
    line: 3,
    message: /^expected a CPU number, got '-1'$/,
  },
  {
    title: "a negative VM",
    trace: `${HEADER}run 0 -3\n`,
    line: 3,
    message: /^expected a VM number, got '-3'$/,
  },
  {
    title: "a non-numeric VM",
    trace: `${HEADER}run 0 abc\n`,
    line: 3,
    message: /^expected a VM number, got 'abc'$/,
  },
  {
    title: "a fractional CPU",
    trace: `${HEADER}put 1.5\n`,
    line: 3,
    message: /^expected a CPU number, got '1\.5'$/,
  },
  {
    title: "a hexadecimal VM",
    trace: `${HEADER}run 0 0x10\n`,
    line: 3,
    message: /^expected a VM number, got '0x10'$/,
  },
  {
    title: "a non-numeric header value",
    trace: "bits two\ncpus 2\n",
    line: 1,
    message: /^expected a VMID width, got 'two'$/,
  },
  {
    title: "a VM number of 2^53 (one past the largest safe integer)",
    trace: `${HEADER}run 0 9007199254740992\n`,
    line: 3,
    message: /^a VM number 9007199254740992 is larger than 9007199254740991$/,
  },
  {
    title: "a 30-digit CPU number",
    trace: `${HEADER}put 123456789012345678901234567890\n`,
    line: 3,
    message: /^a CPU number 123456789012345678901234567890 is larger than 9007199254740991$/,
  },
  {
    title: "extra token after run",
    trace: `${HEADER}run 0 1 2\n`,
    line: 3,
    message: /^unexpected '2' at end of line$/,
  },
  {
    title: "extra token after put",
    trace: `${HEADER}run 0 1\nput 0 1\n`,
    line: 4,
    message: /^unexpected '1' at end of line$/,
    stdout: "0 1 5\n",
  },
  {
    title: "extra token after a header value",
    trace: "bits 2 cpus 2\n",
    line: 1,
    message: /^unexpected 'cpus' at end of line$/,
  },
  {
    title: "run without a VM",
    trace: `${HEADER}run 0\n`,
    line: 3,
    message: /^missing a VM number$/,
  },
  {
    title: "run without arguments (a comment follows)",
    trace: `${HEADER}run # nothing\n`,
    line: 3,
    message: /^missing a CPU number$/,
  },
  {
    title: "put without a CPU",
    trace: `${HEADER}put\n`,
    line: 3,
    message: /^missing a CPU number$/,
  },
  {
    title: "bits without a value",
    trace: "bits\ncpus 2\n",
    line: 1,
    message: /^missing a VMID width$/,
  },
  {
    title: "cpus without a value",
    trace: "bits 2\ncpus\t\n",
    line: 2,
    message: /^missing a CPU count$/,
  },
  {
    title: "an error after CRLF lines keeps the line count",
    trace: "bits 2\r\ncpus 2\r\n\r\nrun 0 1\r\nrun 0 x\r\n",
    line: 5,
    message: /^expected a VM number, got 'x'$/,
    stdout: "0 1 5\n",
  },
  {
    title: "a bad last line without a final newline",
    trace: `${HEADER}run 0 1\nrun 0`,
    line: 4,
    message: /^missing a VM number$/,
    stdout: "0 1 5\n",
  },
  {
    title: "a line of 4097 bytes",
    trace: `${HEADER}run 0 1\n#${"x".repeat(4096)}\nrun 1 2\n`,
    line: 4,
    message: /^line longer than 4096 bytes$/,
    stdout: "0 1 5\n",
  },
];

describe("vmid replay: malformed traces exit 2 with one line naming FILE:LINE", () => {
  let dir = "";
  let cleanup = () => {};
  before(() => {
    ({ dir, cleanup } = makeTempDir("errors"));
  });
  after(() => cleanup());

  BAD_TRACES.forEach((bad, index) => {
    test(bad.title, () => {
      const file = join(dir, `bad-${index}.trace`);
      writeFileSync(file, bad.trace);
      const result = runVmid(["replay", file]);
      assertInputError(result, `${file}:${bad.line}: `, bad.message);
      assert.equal(result.stdout, bad.stdout ?? "");
    });
  });

  test("the file is named as given (relative to the working directory)", () => {
    mkdirSync(join(dir, "sub"), { recursive: true });
    writeFileSync(join(dir, "sub", "bad.trace"), `${HEADER}run 0 1\nrun 5 5\n`);
    const result = runVmid(["replay", "sub/bad.trace"], { cwd: dir });
    assertInputError(result, "sub/bad.trace:4: ", /^cpu 5 is out of range 0\.\.1$/);
    assert.equal(result.stdout, "0 1 5\n");
  });

  test("from stdin the file is <stdin>", () => {
    const result = runVmid(["replay", "-"], { input: `${HEADER}\nrun 0 1\nfoo\n` });
    assertInputError(result, "<stdin>:5: ", /^unknown keyword 'foo'/);
    assert.equal(result.stdout, "0 1 5\n");
  });

  test("an empty file: missing header, named by file (there is no line)", () => {
    const file = join(dir, "empty.trace");
    writeFileSync(file, "");
    const result = runVmid(["replay", file]);
    assertInputError(result, `${file}: `, /^missing header 'bits B' and 'cpus N' in the trace$/);
    assert.equal(result.stdout, "");
  });

  test("comments only, or half a header: missing header", () => {
    const onlyComments = runVmid(["replay", "-"], { input: "# nothing\n\n# at all\n" });
    assertInputError(onlyComments, "<stdin>: ", /^missing header 'bits B' and 'cpus N'/);
    const halfHeader = runVmid(["replay", "-"], { input: "bits 4\n" });
    assertInputError(halfHeader, "<stdin>: ", /^missing header 'cpus N' in the trace$/);
  });

  test("a header value out of range is reported on its own line, not the other header line's", () => {
    // `bits 0` is on line 1; line 2 (`cpus 1`) is fine.
    const bits = runVmid(["replay", "-"], { input: "bits 0\ncpus 1\n" });
    assertInputError(bits, "<stdin>:1: ", /^bits must be an integer from 1 to 24 \(got 0\)$/);
    const cpus = runVmid(["replay", "-"], { input: "cpus 4097\nbits 16\n" });
    assertInputError(cpus, "<stdin>:1: ", /^cpus must be an integer from 1 to 4096/);
  });
});

describe("vmid replay: the output before a bad line is printed (it streams)", () => {
  test("the worked trace with a bad line after the rollover", () => {
    // The worked trace's line 9 ("run 1 2", after the rollover) with an extra token.
    assert.equal(WORKED_EVENTS[8], "run 1 2");
    const trace = [...WORKED_EVENTS.slice(0, 8), "run 1 2 3", ...WORKED_EVENTS.slice(9), ""].join(
      "\n",
    );
    const text = runVmid(["replay", "-"], { input: trace });
    assertInputError(text, "<stdin>:9: ", /^unexpected '3' at end of line$/);
    assert.equal(text.stdout, "0 1 5\n1 2 6\n0 3 7\nflush 8\n0 4 9\n");

    const json = runVmid(["replay", "--json", "-"], { input: trace });
    assertInputError(json, "<stdin>:9: ", /^unexpected '3' at end of line$/);
    const types = json.stdout
      .trim()
      .split("\n")
      .map((line) => (JSON.parse(line) as { type: string }).type);
    // No summary object after an error.
    assert.deepEqual(types, ["run", "run", "run", "flush", "run"]);
  });

  test("20,000 runs (several output buffers) then a bad line: all 20,000 lines printed", () => {
    // bits 16, 2 CPUs: VM k (new, k < 2^16) gets the fresh idx k, since the search hint
    // advances by one per allocation: id 0x10000 | k.
    const runs = 20_000;
    const lines = ["bits 16", "cpus 2"];
    let expected = "";
    for (let vm = 1; vm <= runs; vm++) {
      lines.push(`run 0 ${vm}`);
      expected += `0 ${vm} ${(0x10000 | vm).toString(16)}\n`;
    }
    lines.push("run 0 0", "run 0 1", "");
    const result = runVmid(["replay", "-"], { input: lines.join("\n") });
    assertInputError(result, `<stdin>:${runs + 3}: `, /^VM must be a positive integer/);
    assert.equal(result.stdout, expected);
  });
});

describe("vmid replay: line length limit", () => {
  let dir = "";
  let cleanup = () => {};
  before(() => {
    ({ dir, cleanup } = makeTempDir("long"));
  });
  after(() => cleanup());

  test("a line of exactly 4096 bytes is accepted, with LF or CRLF", () => {
    const long = `#${"x".repeat(4095)}`;
    for (const eol of ["\n", "\r\n"]) {
      const file = join(dir, `exact-${eol.length}.trace`);
      writeFileSync(file, `bits 2${eol}cpus 2${eol}${long}${eol}run 0 1${eol}`);
      const result = runVmid(["replay", file]);
      assertOk(result);
      assert.equal(result.stdout, "0 1 5\n");
    }
  });

  test("8 MiB without a newline is refused at its line, not buffered", () => {
    const file = join(dir, "endless.trace");
    writeFileSync(file, `${HEADER}run 0 1\n${"y".repeat(8 << 20)}`);
    const result = runVmid(["replay", file]);
    assertInputError(result, `${file}:4: `, /^line longer than 4096 bytes$/);
    assert.equal(result.stdout, "0 1 5\n");
  });

  // The file reader hands the parser 1 MiB chunks. A 4096-byte line ending in CRLF, placed
  // so that the first chunk ends `shift` bytes before its LF (shift 1: between CR and LF).
  const CHUNK = 1 << 20;
  function straddlingTrace(shift: number): string {
    const long = `#${"x".repeat(4095)}`;
    const fillerBytes = CHUNK - HEADER.length - long.length - 2 + shift;
    const fillerLine = `#${"f".repeat(998)}\n`; // 1000 bytes
    const count = Math.floor(fillerBytes / fillerLine.length) - 1;
    const rest = fillerBytes - count * fillerLine.length; // 1000..1999
    const filler = `${fillerLine.repeat(count)}#${"g".repeat(rest - 2)}\n`;
    const trace = `${HEADER}${filler}${long}\r\nrun 0 1\r\n`;
    assert.equal(trace.indexOf("\r\n") + 1, CHUNK - 1 + shift, "where the long line's LF is");
    return trace;
  }

  test("the control: the same line with the chunk ending 10 bytes before its LF", () => {
    const file = join(dir, "straddle-10.trace");
    writeFileSync(file, straddlingTrace(10));
    const result = runVmid(["replay", file]);
    assertOk(result);
    assert.equal(result.stdout, "0 1 5\n");
  });

  test("a 4096-byte CRLF line split between CR and LF by a read chunk is accepted", () => {
    const file = join(dir, "straddle-1.trace");
    writeFileSync(file, straddlingTrace(1));
    const result = runVmid(["replay", file]);
    assertOk(result);
    assert.equal(result.stdout, "0 1 5\n");
  });
});

describe("vmid replay: files and options", () => {
  let dir = "";
  let cleanup = () => {};
  before(() => {
    ({ dir, cleanup } = makeTempDir("opts"));
  });
  after(() => cleanup());

  test("a nonexistent file: exit 2, the message names the file", () => {
    const file = join(dir, "missing.trace");
    const result = runVmid(["replay", file]);
    assertInputError(result, "", /^cannot use '/);
    assert.ok(result.stderr.includes(`'${file}'`), result.stderr);
    assert.match(result.stderr, /ENOENT/);
    assert.equal(result.stdout, "");
  });

  test("a directory instead of a file: exit 2, one line naming it", () => {
    const result = runVmid(["replay", dir]);
    assertInputError(result, `cannot read ${dir}: is a directory`, /^$/);
    assert.equal(result.stdout, "");
  });

  test("an unknown option: exit 2", () => {
    const result = runVmid(["replay", "--frobnicate", "examples/worked.trace"]);
    assertUsageError(result, /unknown option '--frobnicate'/);
    assert.equal(result.stdout, "");
  });

  test("--strategy foo: exit 2, the message lists the strategies", () => {
    const result = runVmid(["replay", "--strategy", "foo", "examples/worked.trace"]);
    assertUsageError(result, /--strategy/);
    assert.match(result.stderr, /'foo'/);
    assert.match(result.stderr, /scan, counted, indexed/);
    assert.equal(result.stdout, "");
  });

  test("--strategy without a value: exit 2", () => {
    const result = runVmid(["replay", "examples/worked.trace", "--strategy"]);
    assertUsageError(result, /--strategy <name>' argument missing/);
  });

  test("no file argument: exit 2", () => {
    const result = runVmid(["replay"]);
    assertUsageError(result, /missing required argument 'file'/);
    assert.equal(result.stdout, "");
  });

  test("two file arguments: exit 2", () => {
    const result = runVmid(["replay", "examples/worked.trace", "examples/worked.trace"]);
    assertUsageError(result, /too many arguments/);
    assert.equal(result.stdout, "");
  });

  test("an unknown command: exit 2", () => {
    const result = runVmid(["replya", "examples/worked.trace"]);
    assertUsageError(result, /unknown command 'replya'/);
    assert.equal(result.stdout, "");
  });
});
