import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { assertInputError, assertOk, parseSummary, repoRoot, runVmid } from "./_support/runVmid.js";
import { WORKED_EVENTS, WORKED_FILE, WORKED_OUTPUT } from "./_support/workedTrace.js";

const STRATEGIES = ["scan", "counted", "indexed"] as const;

const workedText = readFileSync(join(repoRoot, WORKED_FILE), "utf8");
const workedLines = workedText.split("\n").slice(0, -1);
/** Line number of `bits 2` in the example; the events follow it one per line. */
const workedBase = workedLines.indexOf("bits 2") + 1;

describe("vmid replay: the worked trace", () => {
  test("the example file still holds the worked trace (comments aside)", () => {
    assert.ok(workedText.endsWith("\n"));
    const content = workedLines.filter((line) => !line.startsWith("#") && line.trim() !== "");
    assert.deepEqual(content, WORKED_EVENTS);
    // The events are consecutive lines after the header, as the JSON test assumes.
    assert.deepEqual(workedLines.slice(workedBase - 1), WORKED_EVENTS);
  });

  test("from a file: exactly the expected lines, exit 0, empty stderr", () => {
    const result = runVmid(["replay", WORKED_FILE]);
    assertOk(result);
    assert.equal(result.stdout, WORKED_OUTPUT);
  });

  test("from stdin (-): the same output", () => {
    const result = runVmid(["replay", "-"], { input: workedText });
    assertOk(result);
    assert.equal(result.stdout, WORKED_OUTPUT);
  });

  test("the help text's example prints what the help says", () => {
    const result = runVmid(["replay", "-"], { input: "bits 2\ncpus 2\nrun 0 1\nrun 1 2\n" });
    assertOk(result);
    assert.equal(result.stdout, "0 1 5\n1 2 6\n");
  });

  for (const strategy of STRATEGIES) {
    test(`--strategy ${strategy}: the same output`, () => {
      const result = runVmid(["replay", "--strategy", strategy, WORKED_FILE]);
      assertOk(result);
      assert.equal(result.stdout, WORKED_OUTPUT);
    });
  }
});

describe("vmid replay --summary", () => {
  test("prints the hand-derived counters to stderr; stdout unchanged", () => {
    const result = runVmid(["replay", "--summary", WORKED_FILE]);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, WORKED_OUTPUT);
    const { head, rows } = parseSummary(result.stderr);
    assert.equal(head, `summary of ${WORKED_FILE}: bits 2, cpus 2, strategy scan`);
    assert.deepEqual(Object.fromEntries(rows), {
      lines: String(workedLines.length),
      "runs (updates)": "6",
      puts: "2",
      "final generation": "0x8",
      "rollovers (flushes)": "1",
      "fast-path hits": "0",
      "slow-path entries": "6",
      "reserved hits": "1",
      "old idx reused": "0",
      "fresh allocations": "5",
      "reserved lookups": "2",
      "CPUs visited by lookups": "4",
    });
  });

  test("every strategy reports the same allocator counters (CPUs visited may differ)", () => {
    for (const strategy of STRATEGIES) {
      const result = runVmid(["replay", "--summary", "--strategy", strategy, "-"], {
        input: workedText,
      });
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout, WORKED_OUTPUT);
      const { head, rows } = parseSummary(result.stderr);
      assert.equal(head, `summary of <stdin>: bits 2, cpus 2, strategy ${strategy}`);
      assert.equal(rows.get("runs (updates)"), "6", strategy);
      assert.equal(rows.get("puts"), "2", strategy);
      assert.equal(rows.get("rollovers (flushes)"), "1", strategy);
      assert.equal(rows.get("reserved hits"), "1", strategy);
      assert.equal(rows.get("fresh allocations"), "5", strategy);
      assert.equal(rows.get("fast-path hits"), "0", strategy);
      assert.equal(rows.get("slow-path entries"), "6", strategy);
      assert.equal(rows.get("reserved lookups"), "2", strategy);
      const visited = Number(rows.get("CPUs visited by lookups"));
      assert.ok(Number.isInteger(visited) && visited >= 0 && visited <= 4, strategy);
    }
  });

  test("a second hand-derived trace: old-idx reuse, a reservation renewed twice, a fast path", () => {
    // bits 2 (N = 4), 1 CPU:
    //  run 0 1  fresh idx 1 -> 5            run 0 2  fresh idx 2 -> 6
    //  run 0 3  fresh idx 3 -> 7 (curIdx 3)
    //  run 0 4  search from 3 fails: rollover to 8; cpu 0 reserves 7 (idx 3); fresh idx 1 -> 9
    //  run 0 2  id 6 stale, not reserved, bit 2 clear: old idx reused -> 8|2 = a
    //  run 0 3  id 7 stale, reserved on cpu 0: reserved hit -> 8|3 = b (reserved[0] = b)
    //  run 0 1  id 5 stale, not reserved, bit 1 taken (VM 4); search from curIdx 1 finds
    //           1, 2, 3 set: rollover to c; cpu 0 reserves b (idx 3); fresh idx 1 -> c|1 = d
    //  run 0 3  id b stale, reserved on cpu 0: reserved hit -> c|3 = f
    //  run 0 1  active f non-zero, VM 1's id d is of generation c: fast path -> d
    // Counters: 9 runs, 2 rollovers, 2 reserved hits, 1 old idx reuse, 5 fresh allocations
    // (VMs 1-4 and VM 1 again), 1 fast-path hit, 8 slow-path entries, reserved lookups 4
    // (runs 5-8: non-new VMs with stale ids), each visiting the one CPU with `scan`.
    const trace = [
      "bits 2",
      "cpus 1",
      "run 0 1",
      "run 0 2",
      "run 0 3",
      "run 0 4",
      "run 0 2",
      "run 0 3",
      "run 0 1",
      "run 0 3",
      "run 0 1",
      "",
    ].join("\n");
    const result = runVmid(["replay", "--summary", "-"], { input: trace });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(
      result.stdout,
      "0 1 5\n0 2 6\n0 3 7\nflush 8\n0 4 9\n0 2 a\n0 3 b\nflush c\n0 1 d\n0 3 f\n0 1 d\n",
    );
    const { rows } = parseSummary(result.stderr);
    assert.equal(rows.get("lines"), "11");
    assert.equal(rows.get("runs (updates)"), "9");
    assert.equal(rows.get("puts"), "0");
    assert.equal(rows.get("final generation"), "0xc");
    assert.equal(rows.get("rollovers (flushes)"), "2");
    assert.equal(rows.get("fast-path hits"), "1");
    assert.equal(rows.get("slow-path entries"), "8");
    assert.equal(rows.get("reserved hits"), "2");
    assert.equal(rows.get("old idx reused"), "1");
    assert.equal(rows.get("fresh allocations"), "5");
    assert.equal(rows.get("reserved lookups"), "4");
    assert.equal(rows.get("CPUs visited by lookups"), "4");
  });
});

describe("vmid replay --json", () => {
  test("JSON Lines: one object per run and flush in order, then the summary", () => {
    const result = runVmid(["replay", "--json", WORKED_FILE]);
    assertOk(result);
    assert.ok(result.stdout.endsWith("\n"));
    const objects = result.stdout
      .slice(0, -1)
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    // Event k of the worked trace (0-based after the header) is on line workedBase + 2 + k.
    const line = (event: number) => workedBase + 2 + event;
    const run = (event: number, cpu: number, vm: number, vmid: string) => ({
      type: "run",
      line: line(event),
      cpu,
      vm,
      vmid,
    });
    assert.deepEqual(objects, [
      run(0, 0, 1, "5"),
      run(1, 1, 2, "6"),
      run(3, 0, 3, "7"),
      // The flush is caused by, and reported with the line of, `run 0 4`.
      { type: "flush", line: line(5), generation: "8" },
      run(5, 0, 4, "9"),
      run(6, 1, 2, "a"),
      run(7, 1, 1, "b"),
      {
        type: "summary",
        file: WORKED_FILE,
        bits: 2,
        cpus: 2,
        strategy: "scan",
        lines: workedLines.length,
        runs: 6,
        puts: 2,
        generation: "8",
        fastPathHits: 0,
        slowPathEntries: 6,
        reservedHits: 1,
        oldIdxReuses: 0,
        pinnedKeeps: 0,
        freshAllocations: 5,
        rollovers: 1,
        reservedLookups: 2,
        reservedCpusVisited: 4,
        reservedCpusVisitedMax: 2, // scan compares both CPUs per lookup
        reservedLookupsSkipped: 0,
        // One-word bitmap, 1 word per search: fresh searches for VMs 1, 2, 3; VM 4's failed
        // search and its search after the rollover; VM 1's search from curIdx 1 (finds 3).
        bitmapWordsSearched: 6,
        broadcastFlushes: 1,
        localFlushes: 0,
        cpusFlushed: 2,
        pins: 0,
        pinFailures: 0,
        unpins: 0,
      },
    ]);
    // Field order as documented: type first, then line.
    assert.deepEqual(Object.keys(objects[0]), ["type", "line", "cpu", "vm", "vmid"]);
    assert.deepEqual(Object.keys(objects[3]), ["type", "line", "generation"]);
  });

  test("--json with --summary: JSON on stdout, the table on stderr", () => {
    const result = runVmid(["replay", "--json", "--summary", "-"], { input: workedText });
    assert.equal(result.status, 0, result.stderr);
    const objects = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as { type: string; file?: string });
    assert.deepEqual(
      objects.map((object) => object.type),
      ["run", "run", "run", "flush", "run", "run", "run", "summary"],
    );
    assert.equal(objects.at(-1)?.file, "<stdin>");
    assert.equal(parseSummary(result.stderr).rows.get("runs (updates)"), "6");
  });
});

describe("vmid replay: accepted syntax", () => {
  test("CRLF, tabs, extra blanks, trailing comments, blank lines, no final newline", () => {
    const trace = [
      "# CRLF everywhere, tabs and comments",
      "bits\t2\t# width",
      "  cpus 2   ",
      "",
      "\t",
      "run 0 1#no space before the comment",
      "run\t1\t2",
      "put 0 # put",
      "  run   0   003  ",
      "put\t0\t",
      "run 0 4 # rollover",
      "   # an indented comment",
      "run 1 2\t# renewed from the reservation",
      "run 1 1",
    ].join("\r\n");
    const result = runVmid(["replay", "-"], { input: trace });
    assertOk(result);
    assert.equal(result.stdout, WORKED_OUTPUT);
  });

  test("a UTF-8 byte-order mark before the first line is skipped", () => {
    // Editors on some systems save one; it is not part of the first keyword.
    const input = `\ufeffbits 2\ncpus 2\nrun 0 1\n`;
    const result = runVmid(["replay", "-"], { input });
    assertOk(result);
    // VM 1 on an empty allocator: fresh idx 1 of generation 4 -> 5.
    assert.equal(result.stdout, "0 1 5\n");
    // A byte-order mark anywhere else is garbage in a keyword, reported on its line.
    const later = runVmid(["replay", "-"], { input: `bits 2\n\ufeffcpus 2\n` });
    assertInputError(later, "<stdin>:2: ", /^unknown keyword/);
  });

  test("only a header (and comments): prints nothing, exit 0", () => {
    for (const input of ["bits 2\ncpus 2\n", "# nothing to do\ncpus 2\r\nbits 16\n\n# end\n"]) {
      const result = runVmid(["replay", "-"], { input });
      assertOk(result);
      assert.equal(result.stdout, "");
    }
  });

  test("the largest safe VM number is accepted and printed in decimal", () => {
    const result = runVmid(["replay", "-"], {
      input: "bits 2\ncpus 2\nrun 1 9007199254740991\n",
    });
    assertOk(result);
    assert.equal(result.stdout, "1 9007199254740991 5\n");
  });

  test("the header's limits: bits 24 with cpus 4096, and bits 8 with 254 CPUs", () => {
    // 2^24 - 1 > 4096; 2^8 - 1 = 255 > 254. Each VM is new, so it gets idx 1 of the
    // first generation (2^B): 2^24 | 1 = 0x1000001, 2^8 | 1 = 0x101.
    const big = runVmid(["replay", "-"], { input: "bits 24\ncpus 4096\nrun 4095 7\n" });
    assertOk(big);
    assert.equal(big.stdout, "4095 7 1000001\n");
    const small = runVmid(["replay", "-"], { input: "cpus 254\nbits 8\nrun 253 1\n" });
    assertOk(small);
    assert.equal(small.stdout, "253 1 101\n");
  });
});

describe("vmid help and version", () => {
  test("vmid --help: exit 0, lists the commands", () => {
    const result = runVmid(["--help"]);
    assertOk(result);
    assert.match(result.stdout, /Usage: vmid/);
    assert.match(result.stdout, /\breplay\b/);
    assert.match(result.stdout, /\bgen-trace\b/);
  });

  test("vmid help replay: exit 0, documents the trace format", () => {
    const result = runVmid(["help", "replay"]);
    assertOk(result);
    assert.match(result.stdout, /Usage: vmid replay/);
    assert.match(result.stdout, /Trace format v1/);
    assert.match(result.stdout, /--strategy/);
  });

  test("vmid --version: exit 0, prints the package version", () => {
    const { version } = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as {
      version: string;
    };
    const result = runVmid(["--version"]);
    assertOk(result);
    assert.equal(result.stdout, `${version}\n`);
  });
});
