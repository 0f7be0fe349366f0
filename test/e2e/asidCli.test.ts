import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { runVmid } from "./_support/runVmid.js";

/*
 * --allocator asid and --kpti end to end: every command takes them, refuses what the ASID
 * allocator has not (put, broadcast flush, KPTI without asid, --no-cnp without asid) with one
 * line and exit 2, and repeats them in its replay command.
 */

/**
 * Exit 2 with exactly one `vmid: ...` line on stderr matching `pattern`, and on stdout only
 * `stdout` (a replay prints the events before the bad line).
 */
function assertInputError(args: string[], pattern: RegExp, input?: string, stdout = ""): void {
  const result = runVmid(args, input === undefined ? {} : { input });
  assert.equal(result.status, 2, `${args.join(" ")}: ${result.stderr}`);
  assert.equal(result.stdout, stdout);
  const lines = result.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0], /^vmid: /);
  assert.match(lines[0], pattern);
}

describe("--allocator asid", () => {
  test("replay: KPTI ids from the hand-derived start of asid-kpti-pairs.trace", () => {
    // bits 3 under KPTI: idx 1, 3, 5, 7 are set, so VMs get 2, 4, 6; generation 2^16.
    const trace = "bits 3\ncpus 2\nrun 0 1\nrun 1 2\nrun 0 3\n";
    const result = runVmid(["replay", "--allocator", "asid", "--kpti", "-"], { input: trace });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, "0 1 10002\n1 2 10004\n0 3 10006\n");
  });

  test("replay: a pin under KPTI is kept through a rollover, and the halved limit refuses a second", () => {
    // bits 3 under KPTI on 1 CPU: even idx 2, 4, 6; N = 4, maxPinned = 4 - 1 - 2 = 1.
    // pin 1: fresh idx 2 (10002), pinned. VMs 2, 3: idx 4, 6. VM 4: no clear idx, rollover
    // to 20000: the bitmap is the pinned map's copy (every odd idx and 2), CPU 0's active
    // 10006 reserves 6, so the search from 1 finds 4: 20004. VM 1: stale, not reserved,
    // pinned: keeps idx 2, 20002. pin 2: one VM pinned already, the limit: refused.
    const trace = "bits 3\ncpus 1\npin 1\nrun 0 2\nrun 0 3\nrun 0 4\nrun 0 1\npin 2\n";
    const result = runVmid(["replay", "--allocator", "asid", "--kpti", "-"], { input: trace });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(
      result.stdout,
      "pin 1 10002\n0 2 10004\n0 3 10006\nflush 20000\n0 4 20004\n0 1 20002\n" +
        "pin 2 failed: limit reached (maxPinned 1)\n",
    );
  });

  test("replay refuses a put line, KPTI without asid, and too few KPTI ids for the CPUs", () => {
    assertInputError(
      ["replay", "--allocator", "asid", "-"],
      /^vmid: <stdin>:4: 'put' is not an event of the ASID allocator/,
      "bits 3\ncpus 2\nrun 0 1\nput 0\n",
      "0 1 10002\n",
    );
    assertInputError(["replay", "--kpti", "-"], /KPTI applies only to the ASID allocator/, "");
    assertInputError(
      ["replay", "--allocator", "asid", "--kpti", "-"],
      /^vmid: <stdin>:2: bits 3 gives 3 usable VMIDs \(KPTI pairs\) for 3 CPUs/,
      "bits 3\ncpus 3\n",
    );
  });

  test("check: KPTI, CnP by default, every generation; the replay command repeats them", () => {
    const result = runVmid([
      "check",
      "--allocator",
      "asid",
      "--kpti",
      "--bits",
      "3",
      "--vms",
      "2",
      "--json",
    ]);
    assert.equal(result.status, 0, result.stderr);
    const json = JSON.parse(result.stdout);
    assert.equal(json.verdict, "holds");
    assert.equal(json.options.allocator, "asid");
    assert.equal(json.options.flush, "deferred");
    assert.equal(json.options.puts, false);
    assert.equal(json.options.exitUnloads, true);
    assert.equal(json.replay, "vmid check --cpus 2 --vms 2 --bits 3 --allocator asid --kpti");
  });

  test("check --no-cnp: the switch left out, and said so in the replay command", () => {
    const result = runVmid(["check", "--allocator", "asid", "--no-cnp", "--json"]);
    assert.equal(result.status, 0, result.stderr);
    const json = JSON.parse(result.stdout);
    assert.equal(json.options.exitUnloads, false);
    assert.equal(json.replay, "vmid check --cpus 2 --vms 3 --bits 2 --allocator asid --no-cnp");
  });

  test("check: no-flush on 4 address spaces for 3 ids is caught, ids printed in the ASID unit", () => {
    const args = ["check", "--allocator", "asid", "--vms", "4", "--mutant", "no-flush"];
    const result = runVmid(args);
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stdout, /^verdict: VIOLATED /m);
    // The first generation is 2^16: the first id handed out is 10002 (idx 1 is a KPTI bit
    // until the first rollover).
    assert.match(result.stdout, /vm\d\.id 0->10002/);
  });

  test("check --pins: KPTI pins hold; forget-pinned-map is caught; KPTI halves the limit", () => {
    const args = ["check", "--allocator", "asid", "--kpti", "--pins", "--cpus", "1"];
    const holds = runVmid([...args, "--vms", "4", "--bits", "3", "--json"]);
    assert.equal(holds.status, 0, holds.stderr);
    const json = JSON.parse(holds.stdout);
    assert.equal(json.verdict, "holds");
    assert.equal(json.options.pins, true);
    assert.equal(
      json.replay,
      "vmid check --cpus 1 --vms 4 --bits 3 --allocator asid --kpti --pins",
    );
    // The shortest counterexample is the 2-bit VMID allocator's with idx doubled (26 steps,
    // see test/unit/check/pins.test.ts): VM 4 takes VM 1's pinned idx 2 after the rollover.
    const caught = runVmid([...args, "--vms", "4", "--bits", "3", "--mutant", "forget-pinned-map"]);
    assert.equal(caught.status, 1, caught.stderr);
    assert.match(caught.stdout, /^verdict: VIOLATED PinnedIdxExclusive: /m);
    assert.match(caught.stdout, /^shortest counterexample, 26 steps:$/m);
    // 3-bit ids on 2 CPUs: N = 8 / 2 = 4, maxPinned = 4 - 2 - 2 = 0.
    assertInputError(
      ["check", "--allocator", "asid", "--kpti", "--pins", "--bits", "3"],
      /with KPTI allow no pins \(maxPinned = N - cpus - 2 = 4 - 2 - 2 = 0\)/,
    );
  });

  test("check refuses the broadcast flush, puts' mutants and --no-cnp without asid", () => {
    assertInputError(
      ["check", "--allocator", "asid", "--flush", "broadcast"],
      /flushes each CPU's TLB in its next slow path/,
    );
    assertInputError(
      ["check", "--allocator", "asid", "--mutant", "clear-to-zero"],
      /changes the put, which the ASID allocator has not/,
    );
    assertInputError(["check", "--no-cnp"], /--no-cnp: CnP's reserved-TTBR0 switch/);
  });

  test("stress: KPTI with no puts runs clean and its replay command repeats the allocator", () => {
    const args = [
      ...["stress", "--allocator", "asid", "--kpti", "--bits", "5", "--cpus", "4"],
      ...["--vms", "40", "--events", "20000", "--seed", "11", "--json", "--quiet"],
    ];
    const result = runVmid(args);
    assert.equal(result.status, 0, result.stderr);
    const json = JSON.parse(result.stdout);
    assert.equal(json.kind, "ok");
    assert.ok(
      json.stats.counters.rollovers > 0,
      "no rollover: the test would not exercise the flush",
    );
    assert.match(json.replay, / --put-probability 0 .* --allocator asid --kpti/);
    assertInputError(
      ["stress", "--allocator", "asid", "--put-probability", "0.1"],
      /the ASID allocator has no put/,
    );
  });

  test("simulate: the three deferred policies by default; a broadcast policy is refused", () => {
    const args = [
      ...["simulate", "--allocator", "asid", "--kpti", "--cpus", "4", "--bits", "6"],
      ...["--vms", "60", "--slices", "20000", "--seed", "3", "--json", "--quiet"],
    ];
    const result = runVmid(args);
    assert.equal(result.status, 0, result.stderr);
    const json = JSON.parse(result.stdout);
    assert.deepEqual(
      json.policies.map((p: { policy: { flush: string } }) => p.policy.flush),
      ["deferred", "deferred", "deferred"],
    );
    assert.equal(json.options.put, false);
    assert.equal(json.idsIdentical, true);
    assertInputError(
      ["simulate", "--allocator", "asid", "--policy", "scan/broadcast"],
      /every policy's flush must be deferred/,
    );
  });

  test("gen-trace: no puts for asid, and the first comment repeats the allocator", () => {
    const args = ["gen-trace", "--allocator", "asid", "--kpti", "--bits", "8", "--cpus", "8"];
    const result = runVmid([...args, "--events", "2000", "--seed", "9"]);
    assert.equal(result.status, 0, result.stderr);
    const lines = result.stdout.split("\n");
    assert.match(lines[0], / --put-probability 0 .* --allocator asid --kpti$/);
    assert.ok(!lines.some((line) => line.startsWith("put ")), "a put in an ASID trace");
    assert.equal(lines.filter((line) => line.startsWith("run ")).length, 2000);
  });
});
