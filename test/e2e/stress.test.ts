import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { AllocatorCounters } from "../../src/core/AllocatorCounters.js";
import { WorkerActivity } from "../../src/runtime/runtimeLayout.js";
import type { StressResult } from "../../src/runtime/StressResult.js";
import { VIOLATION_KINDS } from "../../src/runtime/Violation.js";
import {
  assertInputError,
  assertNoStack,
  assertOk,
  assertUsageError,
  cliPath,
  makeTempDir,
  repoRoot,
  type VmidResult,
  withoutDebug,
} from "./_support/runVmid.js";

/*
 * `vmid stress` end to end: the built CLI in child processes. Every run is spawned
 * asynchronously so that the tests of this file run concurrently (each process mostly waits
 * on its workers or its timers), at most MAX_CHILDREN processes at a time on this 2-core
 * machine, and each child is killed after SPAWN_TIMEOUT_MS so that a hung run fails its test
 * (signal SIGKILL) instead of hanging the suite.
 */

const SPAWN_TIMEOUT_MS = 60_000;
const MAX_CHILDREN = 8;

/** What a finished `vmid` process left, and when. */
interface TimedResult extends VmidResult {
  /** Milliseconds from spawning to exit. */
  readonly wallMs: number;
  /** Milliseconds from the last bytes on stdout to exit. */
  readonly exitAfterOutputMs: number;
}

let running = 0;
const waiting: (() => void)[] = [];

async function acquireChild(): Promise<void> {
  if (running < MAX_CHILDREN) {
    running++;
    return;
  }
  await new Promise<void>((resolve) => waiting.push(resolve));
}

function releaseChild(): void {
  const next = waiting.shift();
  if (next !== undefined) next();
  else running--;
}

/** Runs `vmid ...args` like runVmid, but without blocking and with a kill timeout. */
async function vmid(args: readonly string[], timeoutMs = SPAWN_TIMEOUT_MS): Promise<TimedResult> {
  await acquireChild();
  try {
    return await new Promise<TimedResult>((resolve, reject) => {
      const started = performance.now();
      let lastOutput = started;
      const child = spawn(process.execPath, [cliPath, ...args], {
        cwd: repoRoot,
        env: withoutDebug(),
        stdio: ["ignore", "pipe", "pipe"],
      });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      child.stdout.on("data", (chunk: Buffer) => {
        stdout.push(chunk);
        lastOutput = performance.now();
      });
      child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      child.on("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.on("close", (status, signal) => {
        clearTimeout(timer);
        const ended = performance.now();
        resolve({
          status,
          signal,
          stdout: Buffer.concat(stdout).toString("utf8"),
          stderr: Buffer.concat(stderr).toString("utf8"),
          wallMs: ended - started,
          exitAfterOutputMs: ended - lastOutput,
        });
      });
    });
  } finally {
    releaseChild();
  }
}

/** The `--json` result of a run that exited with `status` (and printed nothing on stderr). */
function parsed(result: TimedResult, status: number): StressResult {
  assert.equal(result.signal, null, `killed by ${result.signal} after ${result.wallMs} ms`);
  assert.equal(result.status, status, `exit ${result.status}, stderr: ${result.stderr}`);
  assert.equal(result.stderr, "");
  return JSON.parse(result.stdout) as StressResult;
}

/** Exit 3, not killed, nothing on stderr. */
function assertFault(result: TimedResult): void {
  assert.equal(result.signal, null, `killed by ${result.signal} after ${result.wallMs} ms`);
  assert.equal(result.status, 3, `exit ${result.status}, stdout:\n${result.stdout}`);
  assert.equal(result.stderr, "");
}

/** Splits a replay command (`vmid stress ...`) into the CLI's arguments. */
function replayArgs(replay: string): string[] {
  const words = replay.split(" ");
  assert.equal(words[0], "vmid");
  return words.slice(1);
}

const COUNTER_KEYS: readonly (keyof AllocatorCounters)[] = [
  "fastPathHits",
  "slowPathEntries",
  "reservedHits",
  "oldIdxReuses",
  "freshAllocations",
  "rollovers",
  "reservedLookups",
  "reservedCpusVisited",
];

/** Activities a worker can be caught in while it works (not starting, finished or stopped). */
const BUSY = Object.keys(WorkerActivity).filter(
  (name) => !["starting", "finished", "stopped"].includes(name),
);

describe("vmid stress", { concurrency: true }, () => {
  describe("the issue's run: 8 CPUs on 4 threads, 8-bit ids, heavy churn", () => {
    // After every run a CPU is in a guest and draws "put" with p = 0.3; after a put it is out
    // of the guest and its next event is a run. So each run is followed by a put with chance
    // p: puts ~ p x runs and runs ~ events / (1 + p) = events / 1.3. The issue's 440,000
    // events give only 338,462 runs, 84,615 a thread (not the ~100k it says); 560,000 events
    // give 430,769 runs, 107,692 a thread of 140,000 events (2 CPUs x 70,000). The margin,
    // ~7,700 runs over 100,000, is some 65 standard deviations (a run and its optional put
    // are a cycle of mean 1.3 and variance 0.21 events: sd of the cycles in 140,000 events
    // ~ sqrt(140,000 x 0.21 / 1.3^3) ~ 116).
    const ISSUE = [
      ...["stress", "--threads", "4", "--cpus", "8", "--bits", "8", "--vms", "400", "--vcpus"],
      ...["2", "--events", "440000", "--put-probability", "0.3", "--seed", "11"],
    ];
    const EVENTS = 560_000;
    const args = ISSUE.map((arg) => (arg === "440000" ? String(EVENTS) : arg));
    /** The JSON run, shared by the tests below. */
    let jsonRun: Promise<TimedResult> | undefined;
    const issueJson = async () => {
      jsonRun ??= vmid([...args, "--json"]);
      return parsed(await jsonRun, 0);
    };

    // Proves the correct allocator survives ~430k concurrent updates with 255 usable ids for
    // 400 VMs (many rollovers) without any of the four checks firing, exit 0, each of the
    // four workers doing over 100k updates.
    test("exits 0 with no violation; each thread does over 100k updates; >100 rollovers", async () => {
      const result = await issueJson();
      assert.equal(result.kind, "ok");
      const { stats } = result;
      assert.equal(stats.events, EVENTS);
      assert.equal(stats.threads.length, 4);
      const puts = stats.events - stats.runs;
      assert.ok(
        Math.abs(puts / stats.runs - 0.3) < 0.01,
        `puts / runs = ${puts} / ${stats.runs}, expected ~0.3`,
      );
      assert.ok(stats.runs >= 4 * 100_000, `runs ${stats.runs}`);
      for (const thread of stats.threads) {
        // CPU c runs on thread c mod 4; 8 CPUs x 70,000 events each.
        assert.deepEqual(thread.cpus, [thread.thread, thread.thread + 4]);
        assert.equal(thread.events, 140_000);
        assert.ok(thread.runs >= 100_000, `thread ${thread.thread}: ${thread.runs} updates`);
        // Every update is either a fast-path hit or a slow-path entry.
        assert.equal(
          thread.counters.fastPathHits + thread.counters.slowPathEntries,
          thread.runs,
          `thread ${thread.thread}`,
        );
      }
      // 400 VMs drawn uniformly over 255 usable ids: a generation lasts a few hundred updates
      // (measured: ~1,000 rollovers in 430k updates); over 100 is a loose lower bound.
      assert.ok(stats.counters.rollovers > 100, `rollovers ${stats.counters.rollovers}`);
      assert.ok(stats.counters.fastPathHits > 0 && stats.lockHold.samples > 0);
    });

    // Proves the totals are the sums of the per-thread numbers: events, runs and each of the
    // eight allocator counters.
    test("per-thread counters add up to the totals", async () => {
      const { stats } = await issueJson();
      const sum = (of: (t: (typeof stats.threads)[number]) => number) =>
        stats.threads.reduce((total, t) => total + of(t), 0);
      assert.equal(
        sum((t) => t.events),
        stats.events,
      );
      assert.equal(
        sum((t) => t.runs),
        stats.runs,
      );
      for (const key of COUNTER_KEYS) {
        assert.equal(
          sum((t) => t.counters[key]),
          stats.counters[key],
          key,
        );
      }
    });

    // Proves the issue's command as written (440,000 events) exits 0 and prints the text
    // report: the ok line, one line per thread, and the replay command.
    test("the issue's literal command exits 0 with the text report", async () => {
      const text = await vmid(ISSUE);
      assertOk(text);
      assert.match(text.stdout, /^result: ok, no violation in [\d,]+ updates \(440,000 events\)$/m);
      const threadLines = text.stdout.match(/^ {2}thread \d \(cpus \d,\d\): .*$/gm) ?? [];
      assert.equal(threadLines.length, 4, text.stdout);
      assert.match(
        text.stdout,
        /^replay: vmid stress --bits 8 --cpus 8 --threads 4 .* --seed 11 /m,
      );
    });
  });

  describe("faults (exit 3)", () => {
    // Proves a worker that throws is reported at once through its error event, not by the
    // watchdog (30 s here, and the run must end well before): exit 3, a FAULT line with the
    // reason, the worker, its CPUs (c mod threads = its index) and its activity, and the
    // replay command; never exit 0, with 1, 2 or 4 threads.
    for (const threads of [1, 2, 4]) {
      test(`--inject-fault crash is reported promptly (${threads} threads)`, async () => {
        const result = await vmid([
          ...["stress", "--threads", String(threads), "--events", "100000", "--seed", "3"],
          ...["--watchdog", "30000", "--inject-fault", "crash"],
        ]);
        assertFault(result);
        const out = result.stdout;
        assert.match(
          out,
          /^result: FAULT \(worker-error\) worker 0 threw: injected crash \(--inject-fault crash\)$/m,
        );
        const cpus = Array.from({ length: 8 / threads }, (_, k) => k * threads);
        const worker = new RegExp(
          `^ {2}worker 0 \\(cpus ${cpus.join(",")}\\) was in '(\\w+)' for cpu (\\d+)(, vm \\d+)?$`,
          "m",
        ).exec(out);
        assert.ok(worker !== null, `no line for worker 0 in:\n${out}`);
        assert.ok(BUSY.includes(worker[1]), `activity '${worker[1]}'`);
        assert.ok(cpus.includes(Number(worker[2])), `cpu ${worker[2]} is not worker 0's`);
        assert.doesNotMatch(out, /^ {2}worker [1-9]/m, "only the crashed worker is named");
        assert.match(
          out,
          new RegExp(
            `^replay: vmid stress --bits 8 --cpus 8 --threads ${threads} .*--seed 3 `,
            "m",
          ),
        );
        const elapsed = Number(/^ {2}elapsed +([\d,]+) ms$/m.exec(out)?.[1].replaceAll(",", ""));
        assert.ok(elapsed < 10_000, `elapsed ${elapsed} ms`);
        assert.ok(result.wallMs < 15_000, `the process took ${result.wallMs} ms`);
      });
    }

    // Proves the same in JSON: kind "fault", reason "worker-error", and the faulty worker's
    // description.
    test("--inject-fault crash --json", async () => {
      const result = await vmid([
        ...["stress", "--events", "100000", "--seed", "3", "--json", "--inject-fault", "crash"],
      ]);
      assertFault(result);
      const json = JSON.parse(result.stdout) as StressResult;
      assert.equal(json.kind, "fault");
      if (json.kind !== "fault") return;
      assert.equal(json.fault.reason, "worker-error");
      assert.match(json.fault.message, /^worker 0 threw: injected crash/);
      assert.equal(json.fault.workers.length, 1);
      const [worker] = json.fault.workers;
      assert.deepEqual(worker.cpus, [0, 2, 4, 6]);
      assert.equal(worker.thread, 0);
      assert.ok(BUSY.includes(worker.activity), worker.activity);
      assert.ok(json.stats.threads[0].events >= 100, "worker 0 crashed after 100 of its events");
    });

    // Proves a worker spinning without progress is caught by the watchdog: worker 0 hangs
    // after 100 events; worker 1 (if any) finishes its 10,000 events; 500 ms later nothing
    // moves: exit 3, a watchdog FAULT naming worker 0 and its CPUs, and the replay command.
    // The run ends (the spinning worker is terminated) well before the spawn's 60 s kill.
    // Not asserted here: that worker 0 alone is named, and mid-run (next test): under load
    // worker start-up can outlast 500 ms, and the watchdog, which counts start-up as "no
    // progress", then names both workers 'starting' (see the start-up test below).
    for (const threads of [1, 2]) {
      test(`--inject-fault hang --watchdog 500 is a watchdog fault (${threads} threads)`, async () => {
        const result = await vmid([
          ...["stress", "--threads", String(threads), "--events", "20000", "--seed", "4"],
          ...["--watchdog", "500", "--inject-fault", "hang"],
        ]);
        assertFault(result);
        const out = result.stdout;
        assert.match(out, /^result: FAULT \(watchdog\) no progress for 500 ms$/m);
        const cpus = threads === 1 ? "0,1,2,3,4,5,6,7" : "0,2,4,6";
        assert.match(
          out,
          new RegExp(`^ {2}worker 0 \\(cpus ${cpus}\\) was in '\\w+' for cpu`, "m"),
        );
        assert.match(out, /^replay: vmid stress /m);
        assert.ok(result.wallMs < 30_000, `the process took ${result.wallMs} ms`);
      });
    }

    // Proves the watchdog names exactly the stuck worker, caught mid-run: with a 3 s watchdog
    // (start-up cannot trip it), worker 0 stops after exactly its 100th event, in a busy
    // activity; worker 1 finished all of its 10,000 events (CPUs 1, 3, 5, 7 x 2,500), so it
    // is not stuck and not named.
    test("--inject-fault hang: the fault names worker 0 alone, after its 100th event", async () => {
      const result = await vmid([
        ...["stress", "--threads", "2", "--events", "20000", "--seed", "4"],
        ...["--watchdog", "3000", "--inject-fault", "hang", "--json"],
      ]);
      assertFault(result);
      const json = JSON.parse(result.stdout) as StressResult;
      assert.equal(json.kind, "fault");
      if (json.kind !== "fault") return;
      assert.equal(json.fault.reason, "watchdog");
      assert.equal(json.fault.message, "no progress for 3000 ms");
      assert.deepEqual(
        json.fault.workers.map((w) => [w.thread, w.cpus]),
        [[0, [0, 2, 4, 6]]],
      );
      assert.ok(BUSY.includes(json.fault.workers[0].activity), json.fault.workers[0].activity);
      assert.deepEqual(
        json.stats.threads.map((t) => t.events),
        [100, 10_000],
      );
    });

    // Proves the watchdog does not count worker start-up as a hang: runs with the smallest
    // watchdog accepted (100 ms) and no injected fault. Worker start-up can outlast 100 ms
    // (under load: measured 1 in 6 alone at load 7, before the start allowance), and a report
    // then said both workers were 'starting'. After start-up, a loaded machine can also leave
    // every worker of a run without the processor for over 100 ms, a real gap the watchdog is
    // right to report (seen at load average ~20 on 2 cores). So the property is tested, not a
    // timing: each run either finishes (exit 0) or reports a watchdog fault in which no worker
    // is still 'starting'; and at least one of the four runs must finish, so a watchdog that
    // always fired would fail.
    test("a watchdog shorter than worker start-up does not fire before the workers start", async () => {
      const results = await Promise.all(
        [1, 2, 3, 4].map((seed) =>
          vmid([
            ...["stress", "--events", "2000", "--watchdog", "100", "--seed", String(seed)],
            "--json",
          ]),
        ),
      );
      let finished = 0;
      for (const result of results) {
        if (result.status === 0) {
          assertOk(result);
          finished++;
          continue;
        }
        assertFault(result);
        const json = JSON.parse(result.stdout) as StressResult;
        assert.equal(json.kind, "fault");
        if (json.kind !== "fault") continue;
        assert.equal(json.fault.reason, "watchdog", json.fault.message);
        for (const worker of json.fault.workers)
          assert.notEqual(worker.activity, "starting", JSON.stringify(json.fault));
      }
      assert.ok(finished > 0, "every run was stopped by the watchdog");
    });
  });

  describe("violations (exit 1)", () => {
    // Proves no-flush (a rollover without the broadcast TLB flush) is caught by (a): exit 1,
    // the (a) description, where it was found, the CPU's last events, and a replay command
    // that repeats the mutant and the seed.
    test("--mutant no-flush: (a) UniqueVMIDPerCPU, text report", async () => {
      const result = await vmid(["stress", "--mutant", "no-flush", "--seed", "5"]);
      assert.equal(result.signal, null);
      assert.equal(result.status, 1, `exit ${result.status}, stdout:\n${result.stdout}`);
      assert.equal(result.stderr, "");
      const out = result.stdout;
      assert.match(out, /, mutant no-flush$/m);
      assert.ok(out.includes(`result: VIOLATION ${VIOLATION_KINDS["unique-vmid-per-cpu"]}\n`), out);
      assert.ok(out.includes("(a) UniqueVMIDPerCPU"));
      const found =
        /^ {2}found on cpu (\d+) after about [\d,]+ updates: VM (\d+), other VM (\d+), idx (\d+)$/m.exec(
          out,
        );
      assert.ok(found !== null, out);
      assert.match(
        out,
        new RegExp(`^ {2}last events of cpu ${found[1]} \\(oldest first\\):$`, "m"),
      );
      assert.match(out, /^ {4}#\d+ run vm \d+ -> id [0-9a-f]+$/m);
      const replay = /^replay: (.*) \(same schedules/m.exec(out)?.[1] ?? "";
      assert.match(replay, / --seed 5( |$)/);
      assert.match(replay, / --mutant no-flush( |$)/);
    });

    // Proves the JSON report of a violation: kind "violation" and every field of the report,
    // checked against each other. Under no-flush only (a) can fire, and only after a
    // rollover (within one generation an idx belongs to one VM, so a CPU's TLB cannot get
    // two VMs under one idx). The CPU's last event is the run that entered the conflicting
    // VM (entry or a later refill of that guest: nothing is recorded in between), so its id
    // has the reported idx in its low 8 bits.
    test("--mutant no-flush --json: the report's fields", async () => {
      const result = parsed(
        await vmid(["stress", "--mutant", "no-flush", "--seed", "6", "--json"]),
        1,
      );
      assert.equal(result.kind, "violation");
      if (result.kind !== "violation") return;
      const v = result.violation;
      assert.equal(v.kind, "unique-vmid-per-cpu");
      assert.equal(v.description, VIOLATION_KINDS["unique-vmid-per-cpu"]);
      assert.ok(v.cpu >= 0 && v.cpu < 8, `cpu ${v.cpu}`);
      assert.equal(v.otherCpu, -1);
      assert.ok(v.vm >= 1 && v.vm <= 400 && v.otherVm >= 1 && v.otherVm <= 400);
      assert.notEqual(v.vm, v.otherVm);
      assert.ok(v.idx >= 1 && v.idx <= 255, `idx ${v.idx}`);
      assert.equal(v.afterUpdates, result.stats.runs);
      assert.ok(result.stats.counters.rollovers >= 1);
      assert.equal(result.options.mutant, "no-flush");
      assert.match(result.replay, / --seed 6 .*--mutant no-flush$/);

      assert.deepEqual(Object.keys(v.recentEvents), [String(v.cpu)]);
      const events = v.recentEvents[v.cpu];
      assert.ok(events.length >= 1 && events.length <= 16, `${events.length} events`);
      for (let i = 1; i < events.length; i++) {
        assert.equal(events[i].sequence, events[i - 1].sequence + 1, "consecutive, oldest first");
      }
      assert.ok(
        events.every((e) => e.kind !== "flush"),
        "no-flush records no flush",
      );
      const last = events[events.length - 1];
      assert.equal(last.kind, "run");
      assert.equal(last.vm, v.vm);
      assert.equal(Number(BigInt(`0x${last.id}`) & 0xffn), v.idx);
    });

    // no-suspended-animation (a rollover reserves 0 for a CPU whose active id is 0, dropping
    // the older reservation of the guest it may still run) and early-exit-reserved (the
    // reserved lookup renews only the first CPU reserving an id) need a CPU that does no
    // update across a whole generation. With 15 usable ids (bits 4) for 24 VMs on 8 CPUs a
    // generation lasts ~17 updates, so a tiny lag between the two threads suffices; 4 vCPUs
    // a VM put the same VM on several CPUs (needed by early-exit-reserved). Measured on this
    // 2-core machine (2 threads, 100,000 events): 20 seeds x 2 mutants at load ~1 and 8 x 2
    // beside two busy loops, all detected, no-suspended-animation after 46 to 9,978 updates,
    // early-exit-reserved after 195 to 4,235; the budget here is ~90,000 updates. With one
    // thread the interleaving is round-robin and neither is ever found (measured with bits 4,
    // 5 and 6, 200,000 events), hence two threads. With the default 400 VMs x 2 at bits 8,
    // early-exit-reserved is not reliable (6 of 10 seeds at 200,000 events).
    // The correct algorithm on the same configuration is clean (last test of this block).
    const SMALL = ["--bits", "4", "--vms", "24", "--vcpus", "4", "--events", "100000"];
    const SEEDS = [1, 2, 3, 4, 5];
    for (const mutant of ["no-suspended-animation", "early-exit-reserved"]) {
      // Proves the mutant is detected in practice on each of five seeds.
      test(`--mutant ${mutant} is detected (seeds ${SEEDS.join(", ")})`, async () => {
        const results = await Promise.all(
          SEEDS.map((seed) =>
            vmid(["stress", ...SMALL, "--seed", String(seed), "--mutant", mutant, "--json"]),
          ),
        );
        for (const [i, run] of results.entries()) {
          const result = parsed(run, 1);
          assert.equal(result.kind, "violation", `seed ${SEEDS[i]}`);
          assert.match(result.replay, new RegExp(` --seed ${SEEDS[i]} .*--mutant ${mutant}$`));
        }
      });
    }

    // Pinned ids (--pin-probability 0.05: one event in 20 pins a VM or drops a pin this CPU
    // holds), same small configuration. forget-pinned-map: a rollover frees a pinned idx that
    // no CPU reserves, the next fresh allocation takes it, and when the pinned VM runs in the
    // same generation it keeps that idx too: (b) sees two VMs enter with one id (measured:
    // seeds 1-3 after 29, 33 and 56 updates). pinned-before-reserved: a pinned VM's renewal
    // leaves the reservations of its old id behind; a CPU idle in that VM's guest across the
    // next rollover keeps the stale one, and once unpinned the VM is renewed on another CPU
    // under another idx: (d) (measured: seeds 1-11 all detected, after 111 to 21,648 updates,
    // on this 2-core machine at load ~20). The correct algorithm with pins is clean.
    const PINS = [...SMALL, "--pin-probability", "0.05"];
    for (const mutant of ["forget-pinned-map", "pinned-before-reserved"]) {
      test(`--pin-probability 0.05 --mutant ${mutant} is detected (seeds 1, 2, 3)`, async () => {
        const results = await Promise.all(
          [1, 2, 3].map((seed) =>
            vmid(["stress", ...PINS, "--seed", String(seed), "--mutant", mutant, "--json"]),
          ),
        );
        for (const [i, run] of results.entries()) {
          const result = parsed(run, 1);
          assert.equal(result.kind, "violation", `seed ${i + 1}`);
          if (result.kind !== "violation") continue;
          assert.equal(
            result.violation.kind,
            mutant === "forget-pinned-map" ? "shared-current-id" : "same-vmid-active-task",
          );
          assert.match(result.replay, / --pin-probability 0\.05 --mutant /);
        }
      });
    }

    test("--pin-probability 0.05: the correct algorithm exits 0, having pinned and kept idx", async () => {
      const results = await Promise.all(
        [1, 2].map((seed) => vmid(["stress", ...PINS, "--seed", String(seed), "--json"])),
      );
      for (const run of results) {
        const result = parsed(run, 0);
        assert.equal(result.kind, "ok");
        assert.ok(result.stats.counters.pins > 100, `${result.stats.counters.pins} pins`);
        assert.ok(result.stats.counters.pinnedKeeps > 100, "pinned VMs renewed in place");
      }
    });

    // Proves the configuration above is not what fires: the correct algorithm is clean on it.
    test("the correct algorithm on the same configuration exits 0", async () => {
      const results = await Promise.all(
        SEEDS.slice(0, 2).map((seed) =>
          vmid(["stress", ...SMALL, "--seed", String(seed), "--json"]),
        ),
      );
      for (const run of results) assert.equal(parsed(run, 0).kind, "ok");
    });
  });

  describe("mutants stress does not detect", () => {
    // clear-to-zero (put writes 0 to active instead of INVALID) breaks no safety invariant:
    // exit 0. Its visible effect: after a put, active is 0, so the next update on that CPU
    // cannot take the fast path (it needs a non-zero active). Every put is followed by a run,
    // so with put probability 0.3 some 30% of the runs follow a put, and the mutant should
    // lose about (puts x the correct fast-path share) fast-path hits. Measured on seed 7:
    // 23,266 puts, correct 28,101 fast of 76,734 runs (36.6%), so 28,101 - 23,266 x 0.366 ~
    // 19,580 expected; clear-to-zero 19,506 (25.4%). One thread, so each run has one
    // interleaving, and both draw the same events (equal runs).
    test("clear-to-zero exits 0 with a lower fast-path share than the correct algorithm", async () => {
      const args = ["stress", "--threads", "1", "--put-probability", "0.3", "--events", "100000"];
      const [correct, mutant] = await Promise.all([
        vmid([...args, "--seed", "7", "--json"]),
        vmid([...args, "--seed", "7", "--mutant", "clear-to-zero", "--json"]),
      ]);
      const c = parsed(correct, 0);
      const m = parsed(mutant, 0);
      assert.equal(c.kind, "ok");
      assert.equal(m.kind, "ok");
      assert.equal(m.stats.runs, c.stats.runs, "the same draws");
      const fast = (r: StressResult) => r.stats.counters.fastPathHits;
      assert.ok(
        fast(m) < 0.9 * fast(c),
        `fast path: clear-to-zero ${fast(m)} vs correct ${fast(c)} of ${c.stats.runs} runs`,
      );
    });

    // xchg-fastpath only breaks safety after a three-step race (an exchange overwriting a
    // rollover's 0, then a second rollover before the slow path repairs it), forced
    // deterministically in test/unit/mem/xchgFastpathMutant.test.ts. A moderate stress run
    // does not hit it (measured: 21 seeds at 50,000-100,000 events, all exit 0).
    test("xchg-fastpath exits 0 on a moderate budget", async () => {
      const result = await vmid([
        ...["stress", "--events", "50000", "--seed", "8"],
        ...["--mutant", "xchg-fastpath"],
      ]);
      assertOk(result);
      assert.match(
        result.stdout,
        /^result: ok, no violation in [\d,]+ updates \(50,000 events\)$/m,
      );
    });
  });

  describe("--trace", () => {
    let dir = "";
    let cleanup = () => {};
    before(() => {
      ({ dir, cleanup } = makeTempDir("stress"));
    });
    after(() => cleanup());

    // Proves a trace replays per CPU on worker threads and exits 0. The worked trace has
    // bits 2 (3 usable ids), 2 CPUs, VMs 1..4, 8 events of which 2 puts: 6 runs. 4 VMs need
    // 4 fresh ids, more than the 3 of a generation, so whatever the interleaving there is at
    // least one rollover. Bits, CPUs, VMs and events come from the trace.
    for (const threads of ["1", "2"]) {
      test(`the golden worked.trace exits 0 (${threads} threads)`, async () => {
        const trace = "test/fixtures/golden/worked.trace";
        const result = parsed(
          await vmid(["stress", "--trace", trace, "--threads", threads, "--json"]),
          0,
        );
        assert.equal(result.kind, "ok");
        const { options, stats } = result;
        assert.deepEqual(
          [options.bits, options.cpus, options.vms, options.threads, options.events],
          [2, 2, 4, Number(threads), 8],
        );
        assert.equal(stats.runs, 6);
        assert.equal(stats.counters.fastPathHits + stats.counters.slowPathEntries, 6);
        assert.ok(stats.counters.rollovers >= 1);
        assert.equal(
          result.replay,
          `vmid stress --trace ${trace} --threads ${threads} --strategy scan`,
        );
      });
    }

    // Proves the text output of a trace run names the trace instead of a seed.
    test("the text output names the trace", async () => {
      const result = await vmid(["stress", "--trace", "test/fixtures/golden/worked.trace"]);
      assertOk(result);
      assert.match(
        result.stdout,
        /^vmid stress: 2 CPUs on 2 threads, bits 2, trace test\/fixtures\/golden\/worked\.trace, strategy scan$/m,
      );
      assert.match(result.stdout, /^result: ok, no violation in 6 updates \(8 events\)$/m);
    });

    // Proves a trace fixes the schedule: --bits with --trace is refused, exit 2, one line.
    test("--trace with --bits exits 2", async () => {
      const result = await vmid([
        ...["stress", "--trace", "test/fixtures/golden/worked.trace"],
        ...["--bits", "4"],
      ]);
      assertInputError(
        result,
        "--trace sets the schedule",
        /^; it cannot be combined with --bits$/,
      );
      assert.equal(result.stdout, "");
    });

    // Proves the message names the options as typed: --put-probability, not the camelCase
    // property name.
    test("--trace with --put-probability names the option as typed", async () => {
      const result = await vmid([
        ...["stress", "--trace", "test/fixtures/golden/worked.trace"],
        ...["--put-probability", "0.5", "--seed", "3"],
      ]);
      assertInputError(
        result,
        "--trace sets the schedule",
        /^; it cannot be combined with --put-probability, --seed$/,
      );
    });

    // Proves a malformed trace is bad input: exit 2 with FILE:LINE and the parser's message.
    test("a malformed trace exits 2 with file:line", async () => {
      const file = join(dir, "bad-cpu.trace");
      writeFileSync(file, "bits 2\ncpus 2\nrun 0 1\nrun 5 1\n");
      const result = await vmid(["stress", "--trace", file]);
      assertInputError(result, `${file}:4: `, /^cpu 5 is out of range 0\.\.1$/);
      assert.equal(result.stdout, "");

      const noHeader = join(dir, "no-header.trace");
      writeFileSync(noHeader, "# no header\nrun 0 1\n");
      assertInputError(
        await vmid(["stress", "--trace", noHeader]),
        `${noHeader}:2: `,
        /missing header/,
      );
    });

    // Proves a missing trace file is bad input with the file named, not a fault.
    test("a missing trace file exits 2", async () => {
      const file = join(dir, "absent.trace");
      const result = await vmid(["stress", "--trace", file]);
      assertInputError(result, `cannot use '${file}': `, /^no such file or directory \(ENOENT\)$/);
    });
  });

  describe("bad input (exit 2, one line, no stack)", () => {
    // Proves at most one thread per CPU.
    test("threads > cpus", async () => {
      const result = await vmid(["stress", "--cpus", "8", "--threads", "9"]);
      assertInputError(result, "threads must be an integer from 1 to 8", /\(got 9\)$/);
      assert.equal(result.stdout, "");
    });

    // Proves a TLB model over 2^24 entries is refused with a hint: 4096 CPUs need bits >= 13
    // (2^bits - 1 > cpus) and 4096 x 2^13 = 2^25 entries.
    test("cpus x 2^bits over the TLB model limit suggests --no-tlb-model", async () => {
      const result = await vmid(["stress", "--cpus", "4096", "--bits", "13", "--vms", "4096"]);
      assertInputError(
        result,
        "the TLB model needs cpus x 2^bits = 33554432 entries, more than 16777216",
        /or --no-tlb-model to run without check \(a\)$/,
      );
    });

    // Proves the same run is fine with --no-tlb-model (checks (b)-(d) only), on a small
    // budget: 20,000 events over 4096 CPUs (4 or 5 each).
    test("the same with --no-tlb-model runs fine", async () => {
      const result = parsed(
        await vmid([
          ...["stress", "--cpus", "4096", "--bits", "13", "--vms", "4096", "--events", "20000"],
          ...["--seed", "3", "--no-tlb-model", "--json"],
        ]),
        0,
      );
      assert.equal(result.kind, "ok");
      assert.equal(result.options.tlbModel, false);
      assert.equal(result.stats.events, 20_000);
      assert.match(result.replay, / --no-tlb-model$/);
    });

    // Proves every CPU needs a vCPU: 3 VMs x 2 vCPUs = 6 < 8 CPUs.
    test("vms x vcpus < cpus", async () => {
      const result = await vmid(["stress", "--cpus", "8", "--vms", "3", "--vcpus", "2"]);
      assertInputError(result, "vms x vcpus (6) must be at least cpus (8)", /^: every CPU/);
    });

    // Proves an unknown mutant is a usage error from the option parser, naming the choices.
    // Commander's usage errors add a second line, "(run 'vmid help <command>' for usage)",
    // like every usage error of the CLI, so this one is two lines.
    test("--mutant bogus", async () => {
      const result = await vmid(["stress", "--mutant", "bogus"]);
      assertUsageError(result, /^vmid: option '--mutant <name>' argument 'bogus' is invalid\./);
      assert.match(
        result.stderr,
        /expected one of xchg-fastpath, .*clear-to-zero, no-put-flush, forget-pinned-map, pinned-before-reserved, got 'bogus'/,
      );
      const lines = result.stderr.trimEnd().split("\n");
      assert.deepEqual(lines.slice(1), ["(run 'vmid help <command>' for usage)"]);
      assert.equal(result.stdout, "");
    });

    // Proves the deferred-only mutant is refused rather than run as the correct algorithm.
    test("--mutant no-put-flush", async () => {
      const result = await vmid(["stress", "--mutant", "no-put-flush"]);
      assertInputError(
        result,
        "mutant no-put-flush changes only the deferred flush policy",
        /vmid check --flush deferred --mutant no-put-flush$/,
      );
    });

    // Proves the pin mutants are refused without pins (they would run as the correct algorithm).
    test("--mutant forget-pinned-map without --pin-probability", async () => {
      const result = await vmid(["stress", "--mutant", "forget-pinned-map"]);
      assertInputError(
        result,
        "mutant forget-pinned-map changes only runs with pinned ids",
        /add --pin-probability P/,
      );
    });

    // Proves a watchdog under 100 ms is refused.
    test("--watchdog 10", async () => {
      const result = await vmid(["stress", "--watchdog", "10"]);
      assertInputError(result, "watchdog must be at least 100 ms", /^ \(got 10\)$/);
    });

    // Proves the other numeric checks name their option: a probability over 1, a seed over
    // 2^32 - 1.
    test("--put-probability 1.5, --seed 4294967296", async () => {
      const [p, seed] = await Promise.all([
        vmid(["stress", "--put-probability", "1.5"]),
        vmid(["stress", "--seed", "4294967296"]),
      ]);
      assertInputError(p, "put probability must be from 0 to 1", /\(got 1\.5\)$/);
      assertInputError(seed, "seed must be an integer from 0 to 4294967295", /\(got 4294967296\)$/);
      assertNoStack(p.stderr + seed.stderr);
    });
  });

  describe("determinism of schedules", () => {
    const args = [
      ...["stress", "--cpus", "8", "--bits", "6", "--vms", "100", "--events", "50000"],
      ...["--put-probability", "0.3", "--seed", "42"],
    ];

    // Proves that with one thread a seed fixes the whole run: the replay command of a first
    // run, run again, gives identical events, runs, puts and all eight counters (fast and
    // slow paths, rollovers...), totals and per thread. With one thread the worker visits its
    // CPUs round-robin, so the interleaving is fixed; with 100 VMs over 63 ids there are
    // rollovers, so they are covered too.
    test("one thread: the same seed gives identical stats", async () => {
      const first = parsed(await vmid([...args, "--threads", "1", "--json"]), 0);
      assert.match(first.replay, / --threads 1 /);
      const again = parsed(await vmid([...replayArgs(first.replay), "--json"]), 0);
      for (const result of [first, again]) assert.equal(result.kind, "ok");
      assert.ok(first.stats.counters.rollovers > 0);
      const summary = (r: StressResult) => ({
        events: r.stats.events,
        runs: r.stats.runs,
        puts: r.stats.events - r.stats.runs,
        counters: r.stats.counters,
        threads: r.stats.threads,
      });
      assert.deepEqual(summary(again), summary(first));
    });

    // Proves what a seed still fixes with two threads: each CPU's draws, hence how many of its
    // events are runs and how many puts (after a run it draws put-or-run from its own stream;
    // after a put its next event is a run), so runs per thread are equal across runs and equal
    // to the one-thread run's. Counters (fast/slow, rollovers) depend on the interleaving and
    // are not compared.
    test("two threads: the same seed gives the same runs and puts per thread", async () => {
      const [a, b, single] = (
        await Promise.all([
          vmid([...args, "--threads", "2", "--json"]),
          vmid([...args, "--threads", "2", "--json"]),
          vmid([...args, "--threads", "1", "--json"]),
        ])
      ).map((run) => parsed(run, 0));
      const perThread = (r: StressResult) => r.stats.threads.map((t) => [t.events, t.runs]);
      assert.deepEqual(perThread(a), perThread(b));
      assert.equal(a.stats.runs, single.stats.runs);
    });
  });

  // Proves the process exits as soon as it has printed its result. runStress races the
  // workers' exit against a 2 s grace timer that it never clears, so every run that ends
  // without a fault keeps the process alive ~2 s after its output.
  test("the process exits promptly after printing its result", async () => {
    const result = await vmid(["stress", "--events", "1000", "--seed", "1"]);
    assertOk(result);
    assert.ok(
      result.exitAfterOutputMs < 1000,
      `exited ${Math.round(result.exitAfterOutputMs)} ms after its output`,
    );
  });
});
