import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { TraceError } from "../../../src/trace/TraceError.js";
import type { TraceHandler } from "../../../src/trace/TraceHandler.js";
import { TraceParser } from "../../../src/trace/TraceParser.js";

/** What a handler saw: `header B N LINE`, `run CPU VM LINE`, `put CPU LINE`, in order. */
type Seen = string[];

/** A handler taking events one by one (`run`/`put` only). */
function singleEventHandler(seen: Seen): TraceHandler {
  return {
    header: (bits, cpus, line) => seen.push(`header ${bits} ${cpus} ${line}`),
    run: (cpu, vm, line) => seen.push(`run ${cpu} ${vm} ${line}`),
    put: (cpu, line) => seen.push(`put ${cpu} ${line}`),
  };
}

/** A handler that also takes batches, recorded event by event in the same words. */
function batchHandler(seen: Seen): TraceHandler {
  return {
    ...singleEventHandler(seen),
    events({ cpus, vms, count, firstLine }) {
      for (let i = 0; i < count; i++) {
        const line = firstLine + i;
        seen.push(vms[i] === 0 ? `put ${cpus[i]} ${line}` : `run ${cpus[i]} ${vms[i]} ${line}`);
      }
    },
  };
}

const HANDLERS = [
  { name: "run/put handler", make: singleEventHandler },
  { name: "batch handler", make: batchHandler },
];

/**
 * Parses `trace` cut into chunks at `cuts` (ascending byte offsets) and returns what the
 * handler saw, plus the error's message if parsing failed (the events before it stay seen).
 */
function parse(
  trace: Buffer,
  cuts: readonly number[],
  make: (seen: Seen) => TraceHandler,
): { seen: Seen; error?: string } {
  const seen: Seen = [];
  const parser = new TraceParser("t", make(seen));
  try {
    let from = 0;
    for (const cut of [...cuts, trace.length]) {
      parser.push(trace.subarray(from, cut));
      from = cut;
    }
    parser.end();
    return { seen };
  } catch (error) {
    assert.ok(error instanceof TraceError, `a TraceError, not ${String(error)}`);
    return { seen, error: error.message };
  }
}

/** Every way to cut `length` bytes into two chunks, and into 1-byte chunks. */
function cutsOf(length: number): number[][] {
  const all: number[][] = [[]];
  for (let cut = 1; cut < length; cut++) all.push([cut]);
  all.push(Array.from({ length: length - 1 }, (_, k) => k + 1));
  return all;
}

/** Checks that every handler and every chunking sees `expected` (and then `error`, if given). */
function assertParses(trace: string, expected: Seen, error?: string): void {
  const bytes = Buffer.from(trace, "latin1");
  for (const { name, make } of HANDLERS) {
    for (const cuts of cutsOf(bytes.length)) {
      const result = parse(bytes, cuts, make);
      const where = `${name}, chunks cut at [${cuts.length > 3 ? "every byte" : cuts}]`;
      assert.deepEqual(result.seen, expected, where);
      assert.equal(result.error, error, where);
    }
  }
}

describe("TraceParser: the same events whatever the chunks", () => {
  test("comments, CRLF, tabs, blank lines, 15- and 16-digit VMs, no final newline", () => {
    const trace = [
      "# a comment", // 1
      "bits 4\r", // 2 (CR LF)
      "cpus 3", // 3: the header is complete here
      "run 0 1", // 4
      "run 2 10\r", // 5
      "\tput 1  # a tab before, blanks and a comment after", // 6: the general parser
      "put 2", // 7
      "", // 8
      "run 1 123456789012345", // 9: 15 digits, the fast path's limit
      "run 1 1234567890123456", // 10: 16 digits, left to the general parser
      "run 1 7", // 11, with no newline after it
    ].join("\n");
    assertParses(trace, [
      "header 4 3 3",
      "run 0 1 4",
      "run 2 10 5",
      "put 1 6",
      "put 2 7",
      "run 1 123456789012345 9",
      "run 1 1234567890123456 10",
      "run 1 7 11",
    ]);
  });

  test("a leading byte-order mark is skipped, even when the first chunks are 1 byte", () => {
    // The mark's UTF-8 bytes EF BB BF, written as latin1 characters (assertParses encodes so).
    assertParses("\xef\xbb\xbfbits 2\ncpus 2\nrun 1 1\n", ["header 2 2 2", "run 1 1 3"]);
  });

  test("a bad line mid-chunk: the events before it are seen, then its error", () => {
    // Lines 3 and 4 are fine; line 5 names CPU 2 of 0..1; line 6 is never read.
    assertParses(
      "bits 2\ncpus 2\nrun 0 1\nput 1\nrun 2 1\nrun 0 3\n",
      ["header 2 2 2", "run 0 1 3", "put 1 4"],
      "t:5: cpu 2 is out of range 0..1",
    );
    assertParses(
      "bits 2\ncpus 2\nrun 0 1\nrun 1 0\n",
      ["header 2 2 2", "run 0 1 3"],
      "t:4: VM must be a positive integer (got 0)",
    );
    assertParses(
      "bits 2\ncpus 2\nrun 0 1\nrun 1 2x\n",
      ["header 2 2 2", "run 0 1 3"],
      "t:4: expected a VM number, got '2x'",
    );
    assertParses(
      "bits 2\ncpus 2\nput 0\nrun 1\n",
      ["header 2 2 2", "put 0 3"],
      "t:4: missing a VM number",
    );
  });

  test("an event before the header is an error even where the fast path would read it", () => {
    assertParses(
      "bits 2\nrun 0 1\ncpus 2\n",
      [],
      "t:2: missing header 'cpus N' before the first event",
    );
  });
});

describe("TraceParser: long lines", () => {
  const header = "bits 2\ncpus 2\n";
  const comment = (bytes: number) => `#${"x".repeat(bytes - 1)}`;

  for (const { name, make } of HANDLERS) {
    test(`${name}: a 4096-byte line is accepted, a 4097-byte one refused, in any chunks`, () => {
      for (const eol of ["\n", "\r\n"]) {
        const ok = Buffer.from(`${header}${comment(4096)}${eol}run 0 1${eol}`);
        const tooLong = Buffer.from(`${header}${comment(4097)}${eol}run 0 1${eol}`);
        // Chunks of 1000 bytes cut the long line in five; a cut every few bytes near its end.
        const chunkings = [[], [1000, 2000, 3000, 4000], [4100, 4106, 4110, 4111, 4112]];
        for (const cuts of chunkings) {
          assert.deepEqual(
            parse(ok, cuts, make),
            { seen: ["header 2 2 2", "run 0 1 4"] },
            `cuts ${cuts}`,
          );
          assert.deepEqual(
            parse(tooLong, cuts, make),
            { seen: ["header 2 2 2"], error: "t:3: line longer than 4096 bytes" },
            `cuts ${cuts}`,
          );
        }
      }
    });
  }

  test("a long line with no newline at all is refused before the input ends", () => {
    const seen: Seen = [];
    const parser = new TraceParser("t", batchHandler(seen));
    parser.push(Buffer.from(`${header}run 0 1\n`));
    parser.push(Buffer.from(comment(3000)));
    assert.throws(() => parser.push(Buffer.from("y".repeat(3000))), {
      message: "t:4: line longer than 4096 bytes",
    });
    assert.deepEqual(seen, ["header 2 2 2", "run 0 1 3"]);
  });
});

describe("TraceParser: many events", () => {
  test("10,000 events around a comment: line numbers and order kept across batches", () => {
    // Line 1 bits, 2 cpus, 3..5002 events 0..4999, 5003 a comment, 5004..9003 events
    // 5000..9999 (many batches on either side of the comment, whatever the batch size).
    // Event k: `put (k mod 3)` when k is a multiple of 7, else `run (k mod 3) (k + 1)`.
    const event = (k: number) => (k % 7 === 0 ? `put ${k % 3}` : `run ${k % 3} ${k + 1}`);
    const lines = ["bits 16", "cpus 3"];
    const expected: Seen = ["header 16 3 2"];
    for (let k = 0; k < 10_000; k++) {
      if (k === 5000) lines.push("# half-way");
      lines.push(event(k));
      expected.push(`${event(k)} ${k < 5000 ? k + 3 : k + 4}`);
    }
    const trace = Buffer.from(`${lines.join("\n")}\n`);
    for (const { name, make } of HANDLERS) {
      for (const cuts of [[], [trace.length >> 1], [10, 20_000, 40_001, 70_003]]) {
        assert.deepEqual(parse(trace, cuts, make), { seen: expected }, `${name}, cuts ${cuts}`);
      }
    }
  });

  test("lines counts every line read", () => {
    const parser = new TraceParser("t", batchHandler([]));
    parser.push(Buffer.from("bits 2\ncpus 2\n# x\nrun 0 1\nput 0\n\nrun 1 2"));
    parser.end();
    assert.equal(parser.lines, 7);
  });
});
