import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { runVmid } from "./_support/runVmid.js";

/*
 * vmid check end to end: verdicts map to exit codes (0 holds, 1 violated, 4 bounded or
 * inconclusive, 2 bad input), and reports carry what a user needs (verdict, counterexample,
 * replay command). Configurations are the smallest with known outcomes (see
 * docs/unique-vmid-per-cpu.md and test/unit/check/).
 */
describe("vmid check", () => {
  test("defaults (3 VMs, 3 usable ids: no rollover possible): HOLDS, exit 0", () => {
    const result = runVmid(["check"]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^verdict: HOLDS/m);
    assert.match(result.stdout, /^replay: vmid check --cpus 2 --vms 3 --bits 2$/m);
  });

  test("every generation by default: 1 CPU, 4 VMs rolls over without end and HOLDS, exit 0", () => {
    // 4 VMs on 3 usable ids: running them in turn rolls over again and again, so any
    // generation bound cuts a rollover (test/unit/check); renamed, the space is finite.
    const result = runVmid(["check", "--cpus", "1", "--vms", "4", "--json"]);
    assert.equal(result.status, 0, result.stderr);
    const json = JSON.parse(result.stdout);
    assert.equal(json.verdict, "holds");
    assert.equal(json.generations, "unbounded");
    assert.equal(json.stats.cutTransitions, 0);
    // Two rollovers at least: some state holds an id two generations older than the current.
    assert.ok(json.stats.maxGenerations >= 3, `${json.stats.maxGenerations}`);
    assert.equal(json.replay, "vmid check --cpus 1 --vms 4 --bits 2");
  });

  test("no-flush on 4 VMs: VIOLATED UniqueVMIDPerCPU with a counterexample, exit 1", () => {
    const args = ["check", "--vms", "4", "--mutant", "no-flush", "--invariant", "UniqueVMIDPerCPU"];
    const result = runVmid(args);
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stdout, /^verdict: VIOLATED UniqueVMIDPerCPU/m);
    assert.match(result.stdout, /^shortest counterexample, \d+ steps:$/m);
    // A rollover happens in it (the mutant's flush is what is missing), and the replay
    // command repeats the mutant and the invariant.
    assert.match(result.stdout, /bumpGeneration/);
    assert.match(result.stdout, /^replay: .*--mutant no-flush --invariant UniqueVMIDPerCPU$/m);
  });

  test("--json: the verdict and decoded counterexample states", () => {
    const args = [
      "check",
      "--vms",
      "4",
      "--mutant",
      "no-flush",
      "--invariant",
      "UniqueVMIDPerCPU",
      "--json",
    ];
    const result = runVmid(args);
    assert.equal(result.status, 1, result.stderr);
    const json = JSON.parse(result.stdout);
    assert.equal(json.verdict, "violated");
    assert.equal(json.counterexample.invariant, "UniqueVMIDPerCPU");
    const last = json.counterexample.steps.at(-1).state;
    const collides = last.cpus.some((cpu: { tlb: { vm: number; idx: number }[] }) =>
      cpu.tlb.some((a) => cpu.tlb.some((b) => a.idx === b.idx && a.vm !== b.vm)),
    );
    assert.ok(collides, "the last state has a TLB with two VMs under one idx");
  });

  test("--jobs: the same verdict, states and counterexample length on 1 and 2 threads", () => {
    const args = ["check", "--vms", "4", "--mutant", "no-flush", "--invariant", "UniqueVMIDPerCPU"];
    const [one, two] = ["1", "2"].map((jobs) => {
      const result = runVmid([...args, "--jobs", jobs, "--json"]);
      assert.equal(result.status, 1, result.stderr);
      return JSON.parse(result.stdout);
    });
    assert.equal(one.stats.jobs, 1);
    assert.equal(two.stats.jobs, 2, "the JSON says the jobs used");
    assert.equal(two.verdict, one.verdict);
    assert.equal(two.stats.states, one.stats.states);
    assert.equal(two.counterexample.steps.length, one.counterexample.steps.length);
    const text = runVmid([...args, "--jobs", "2"]).stdout;
    assert.match(text, /, jobs 2, /);
  });

  test("a generation bound that cuts a rollover: BOUNDED, exit 4, never HOLDS", () => {
    const result = runVmid(["check", "--vms", "4", "--generations", "1"]);
    assert.equal(result.status, 4, result.stderr);
    assert.match(result.stdout, /^verdict: BOUNDED/m);
    assert.match(result.stdout, /generations bounded to 1/);
    assert.match(result.stdout, /^replay: vmid check --cpus 2 --vms 4 --bits 2 --generations 1$/m);
    const json = JSON.parse(
      runVmid(["check", "--vms", "4", "--generations", "1", "--json"]).stdout,
    );
    assert.equal(json.generations, "bounded");
    assert.equal(json.options.generations, 1);
  });

  test("--max-states reached: INCONCLUSIVE, exit 4", () => {
    const result = runVmid(["check", "--max-states", "100"]);
    assert.equal(result.status, 4, result.stderr);
    assert.match(result.stdout, /^verdict: INCONCLUSIVE/m);
  });

  for (const bad of [
    { args: ["--cpus", "5"], message: /cpus must be an integer from 1 to 4/ },
    { args: ["--bits", "2", "--cpus", "3"], message: /need more VMIDs than CPUs/ },
    { args: ["--vms", "8", "--bits", "3"], message: /vms x 2\^bits must be at most 31/ },
    { args: ["--invariant", "Bogus"], message: /Bogus/ },
    { args: ["--jobs", "0"], message: /^vmid: jobs must be an integer from 1 to 64 \(got 0\)$/m },
  ]) {
    test(`bad input ${bad.args.join(" ")}: exit 2, a message, no stack`, () => {
      const result = runVmid(["check", ...bad.args]);
      assert.equal(result.status, 2, result.stdout);
      assert.match(result.stderr, bad.message);
      assert.doesNotMatch(result.stderr, /^\s+at /m);
    });
  }
});
