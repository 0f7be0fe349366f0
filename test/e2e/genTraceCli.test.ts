import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  assertInputError,
  assertOk,
  assertUsageError,
  makeTempDir,
  parseSummary,
  runVmid,
  summaryCount,
} from "./_support/runVmid.js";

/** Runs `vmid ...args`, asserting success; returns stdout. */
function vmid(args: readonly string[]): string {
  const result = runVmid(args);
  assertOk(result);
  return result.stdout;
}

/** Runs `vmid gen-trace ...args`, asserting success; returns stdout. */
function genTrace(args: readonly string[]): string {
  return vmid(["gen-trace", ...args]);
}

interface Event {
  readonly kind: "run" | "put";
  readonly cpu: number;
  readonly vm: number;
}

/** The lines of a generated trace: its comments, its header lines and its events. */
function splitTrace(text: string): { comments: string[]; header: string[]; events: Event[] } {
  assert.ok(text.endsWith("\n"), "the trace ends with a newline");
  const comments: string[] = [];
  const header: string[] = [];
  const events: Event[] = [];
  for (const line of text.slice(0, -1).split("\n")) {
    if (line.startsWith("#")) {
      assert.equal(events.length, 0, `a comment among the events: '${line}'`);
      comments.push(line);
    } else if (/^(bits|cpus) \d+$/.test(line)) {
      assert.equal(events.length, 0, `a header line among the events: '${line}'`);
      header.push(line);
    } else {
      const match = /^(?:run (\d+) (\d+)|put (\d+))$/.exec(line);
      assert.ok(match !== null, `not an event: '${line}'`);
      events.push(
        match[1] !== undefined
          ? { kind: "run", cpu: Number(match[1]), vm: Number(match[2]) }
          : { kind: "put", cpu: Number(match[3]), vm: 0 },
      );
    }
  }
  return { comments, header, events };
}

/** The `vmid ...` arguments in the trace's first comment, `# vmid gen-trace ...`. */
function reproducingArgs(text: string): string[] {
  const first = text.slice(0, text.indexOf("\n"));
  const match = /^# vmid (gen-trace .*)$/.exec(first);
  assert.ok(match !== null, `first line is not the command: '${first}'`);
  return match[1].split(" ");
}

describe("vmid gen-trace: determinism and the reproducing command", () => {
  const args = ["--bits", "8", "--cpus", "4", "--vms", "50", "--events", "3000", "--seed", "11"];

  test("the same seed gives byte-identical output", () => {
    assert.equal(genTrace(args), genTrace(args));
  });

  test("different seeds give different traces", () => {
    const other = [...args.slice(0, -1), "12"];
    const a = splitTrace(genTrace(args)).events;
    const b = splitTrace(genTrace(other)).events;
    assert.equal(a.length, b.length);
    assert.notDeepEqual(a, b);
  });

  test("the first line is the full command; running it gives the same bytes", () => {
    const text = genTrace([...args, "--put-probability", "0.25", "--zipf", "1.5"]);
    // Every option written out, defaults included, so the command alone reproduces the trace.
    assert.equal(
      text.slice(0, text.indexOf("\n")),
      "# vmid gen-trace --bits 8 --cpus 4 --vms 50 --events 3000 --put-probability 0.25 --zipf 1.5 --seed 11",
    );
    assert.equal(vmid(reproducingArgs(text)), text);
  });

  test("without --seed: a random seed is written in the command, which reproduces the trace", () => {
    const text = genTrace(["--bits", "4", "--cpus", "2", "--vms", "9", "--events", "500"]);
    const command = reproducingArgs(text);
    const seed = command[command.indexOf("--seed") + 1];
    assert.match(seed, /^\d+$/);
    assert.ok(Number(seed) <= 4294967295);
    // The defaults: put probability 0.1, zipf 0.
    assert.deepEqual(command, [
      "gen-trace",
      "--bits",
      "4",
      "--cpus",
      "2",
      "--vms",
      "9",
      "--events",
      "500",
      "--put-probability",
      "0.1",
      "--zipf",
      "0",
      "--seed",
      seed,
    ]);
    assert.equal(vmid(command), text);
  });
});

describe("vmid gen-trace: the trace's shape", () => {
  test("the header matches the options; exactly --events valid events", () => {
    const [bits, cpus, vms, events] = [10, 7, 30, 4321];
    const text = genTrace([
      "--bits",
      String(bits),
      "--cpus",
      String(cpus),
      "--vms",
      String(vms),
      "--events",
      String(events),
      "--seed",
      "5",
    ]);
    const trace = splitTrace(text);
    assert.deepEqual(trace.header, [`bits ${bits}`, `cpus ${cpus}`]);
    assert.equal(trace.events.length, events);
    for (const event of trace.events) {
      assert.ok(event.cpu >= 0 && event.cpu < cpus, `cpu ${event.cpu}`);
      if (event.kind === "run") assert.ok(event.vm >= 1 && event.vm <= vms, `vm ${event.vm}`);
    }
    // With the default put probability 0.1 both kinds occur in 4321 events.
    assert.ok(trace.events.some((event) => event.kind === "put"));
    assert.ok(trace.events.some((event) => event.kind === "run"));
  });

  test("the defaults: bits 16, cpus 4, 10,000 events", () => {
    const trace = splitTrace(genTrace(["--seed", "1"]));
    assert.deepEqual(trace.header, ["bits 16", "cpus 4"]);
    assert.equal(trace.events.length, 10_000);
    assert.ok(trace.events.every((event) => event.kind === "put" || event.vm <= 1000));
  });

  test("--events 0: only the comments and the header", () => {
    const trace = splitTrace(genTrace(["--bits", "3", "--cpus", "1", "--events", "0"]));
    assert.deepEqual(trace.header, ["bits 3", "cpus 1"]);
    assert.equal(trace.events.length, 0);
  });

  test("--put-probability 0: no puts", () => {
    const trace = splitTrace(
      genTrace(["--put-probability", "0", "--events", "3000", "--seed", "2"]),
    );
    assert.equal(trace.events.length, 3000);
    assert.ok(trace.events.every((event) => event.kind === "run"));
  });

  test("--put-probability 1: on each CPU runs and puts alternate, starting with a run", () => {
    // A put needs a loaded vCPU, so a put never follows a put on the same CPU; with
    // probability 1 a loaded CPU is always put, so a run never follows a run either.
    const cpus = 5;
    const trace = splitTrace(
      genTrace([
        "--cpus",
        String(cpus),
        "--put-probability",
        "1",
        "--events",
        "3000",
        "--seed",
        "3",
      ]),
    );
    const loaded = new Array<boolean>(cpus).fill(false);
    let puts = 0;
    trace.events.forEach((event, index) => {
      if (event.kind === "put") {
        assert.ok(loaded[event.cpu], `event ${index}: put on cpu ${event.cpu} with nothing loaded`);
        puts++;
      } else {
        assert.ok(!loaded[event.cpu], `event ${index}: run on cpu ${event.cpu} already loaded`);
      }
      loaded[event.cpu] = event.kind === "run";
    });
    // Alternation makes puts about half the events.
    assert.ok(puts >= 1400 && puts <= 1500, `puts ${puts}`);
  });

  test("--put-probability 0.5: a put still never follows a put on the same CPU", () => {
    const trace = splitTrace(
      genTrace(["--cpus", "3", "--put-probability", "0.5", "--events", "3000", "--seed", "4"]),
    );
    const loaded = [false, false, false];
    for (const event of trace.events) {
      if (event.kind === "put") assert.ok(loaded[event.cpu]);
      loaded[event.cpu] = event.kind === "run";
    }
  });

  test("--zipf 2 makes VM 1 by far the most frequent", () => {
    // P(k) = k^-2 / sum_{j<=100} j^-2 (about 1.635): P(1) ~ 0.61, P(2) ~ 0.15. Over 5000
    // runs VM 1 is drawn ~3060 times (standard deviation ~35); the bounds below are
    // 15 standard deviations away from failing.
    const trace = splitTrace(
      genTrace([
        "--vms",
        "100",
        "--zipf",
        "2",
        "--put-probability",
        "0",
        "--events",
        "5000",
        "--seed",
        "21",
      ]),
    );
    const counts = new Map<number, number>();
    for (const event of trace.events) counts.set(event.vm, (counts.get(event.vm) ?? 0) + 1);
    const first = counts.get(1) ?? 0;
    const others = [...counts].filter(([vm]) => vm !== 1).map(([, count]) => count);
    assert.ok(first > 0.5 * 5000, `VM 1 drawn ${first} times out of 5000`);
    assert.ok(first > 3 * Math.max(...others), `VM 1 ${first}, next ${Math.max(...others)}`);
  });

  test("--zipf 0 (uniform): every one of 10 VMs is drawn, none dominates", () => {
    const trace = splitTrace(
      genTrace(["--vms", "10", "--put-probability", "0", "--events", "5000", "--seed", "9"]),
    );
    const counts = new Array<number>(11).fill(0);
    for (const event of trace.events) counts[event.vm]++;
    // Each VM ~500 times (standard deviation ~21).
    for (let vm = 1; vm <= 10; vm++) assert.ok(counts[vm] > 350 && counts[vm] < 650, `${vm}`);
  });
});

describe("vmid gen-trace -o FILE", () => {
  let dir = "";
  let cleanup = () => {};
  before(() => {
    ({ dir, cleanup } = makeTempDir("gen"));
  });
  after(() => cleanup());

  const args = ["--bits", "6", "--cpus", "3", "--vms", "200", "--events", "20000", "--seed", "77"];

  test("writes the same bytes as stdout and leaves no temporary file", () => {
    const file = join(dir, "out.trace");
    const result = runVmid(["gen-trace", ...args, "-o", file]);
    assertOk(result);
    assert.equal(result.stdout, "");
    assert.equal(readFileSync(file, "utf8"), genTrace(args));
    assert.deepEqual(readdirSync(dir), ["out.trace"]);
  });

  test("--output overwrites an existing file", () => {
    const file = join(dir, "out.trace");
    assertOk(runVmid(["gen-trace", "--events", "10", "--seed", "1", "--output", file]));
    assert.equal(readFileSync(file, "utf8"), genTrace(["--events", "10", "--seed", "1"]));
    assert.deepEqual(readdirSync(dir), ["out.trace"]);
  });

  test("the output replays through vmid replay without error", () => {
    const file = join(dir, "replay.trace");
    assertOk(runVmid(["gen-trace", ...args, "-o", file]));
    const result = runVmid(["replay", "--summary", file]);
    assert.equal(result.status, 0, result.stderr);
    const { rows } = parseSummary(result.stderr);
    const trace = splitTrace(readFileSync(file, "utf8"));
    const runs = trace.events.filter((event) => event.kind === "run").length;
    const count = (name: string) => summaryCount(rows, name);
    assert.equal(count("runs (updates)"), runs);
    assert.equal(count("puts"), 20000 - runs);
    // 200 VMs on 63 usable ids: rollovers happen; each prints one `flush` line.
    const flushes = count("rollovers (flushes)");
    assert.ok(flushes > 0);
    const lines = result.stdout.slice(0, -1).split("\n");
    assert.equal(lines.length, runs + flushes);
    assert.equal(lines.filter((line) => line.startsWith("flush ")).length, flushes);
  });

  const invalid: readonly { args: string[]; message: RegExp; usage?: boolean }[] = [
    { args: ["--bits", "2", "--cpus", "4"], message: /need more VMIDs than CPUs/ },
    { args: ["--bits", "2", "--cpus", "3"], message: /need more VMIDs than CPUs/ },
    { args: ["--bits", "25"], message: /^bits must be an integer from 1 to 24 \(got 25\)$/ },
    { args: ["--cpus", "0"], message: /^cpus must be an integer from 1 to 4096 \(got 0\)$/ },
    {
      args: ["--put-probability", "1.5"],
      message: /^put probability must be from 0 to 1 \(got 1\.5\)$/,
    },
    { args: ["--put-probability", "-0.1"], message: /^put probability must be from 0 to 1/ },
    { args: ["--vms", "0"], message: /^vms must be an integer from 1 to 10000000 \(got 0\)$/ },
    { args: ["--vms", "10000001"], message: /^vms must be an integer from 1 to 10000000/ },
    { args: ["--zipf", "11"], message: /^zipf skew must be from 0 to 10 \(got 11\)$/ },
    { args: ["--seed", "4294967296"], message: /^seed must be an integer from 0 to 4294967295/ },
    { args: ["--seed", "-1"], message: /--seed <SEED>.*'-1'.*non-negative integer/, usage: true },
    { args: ["--events", "1e3"], message: /--events <E>.*'1e3'/, usage: true },
    {
      args: ["--put-probability", "half"],
      message: /'half'.*expected a decimal number/,
      usage: true,
    },
    {
      args: ["--put-probability", "0x1"],
      message: /'0x1'.*expected a decimal number/,
      usage: true,
    },
    { args: ["--zipf", "Infinity"], message: /'Infinity'.*expected a decimal number/, usage: true },
    { args: ["--frobnicate"], message: /unknown option '--frobnicate'/, usage: true },
  ];
  for (const bad of invalid) {
    test(`invalid: ${bad.args.join(" ")} exits 2 and creates no file`, () => {
      const file = join(dir, "invalid.trace");
      const result = runVmid(["gen-trace", ...bad.args, "-o", file]);
      if (bad.usage) assertUsageError(result, bad.message);
      else assertInputError(result, "", bad.message);
      assert.equal(result.stdout, "");
      assert.ok(!existsSync(file), "the -o file was created");
      assert.ok(
        readdirSync(dir).every((name) => !name.includes(".tmp-")),
        "a temporary file was left",
      );
    });
  }

  test("an -o path in a missing directory: exit 2, no stack trace", () => {
    const file = join(dir, "no", "such", "dir", "out.trace");
    const result = runVmid(["gen-trace", "--events", "10", "-o", file]);
    assertInputError(result, "", /^cannot use '.*ENOENT/);
    assert.ok(!existsSync(file));
  });

  test("an -o path in a missing directory: the message names the user's file", () => {
    const file = join(dir, "no", "such", "dir", "out.trace");
    const result = runVmid(["gen-trace", "--events", "10", "-o", file]);
    assertInputError(result, "", /^cannot use '/);
    assert.ok(result.stderr.includes(`'${file}'`), result.stderr);
  });
});
