import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  assertInputError,
  assertOk,
  parseSummary,
  runVmid,
  summaryCount,
} from "./_support/runVmid.js";

/*
 * `pin VM` and `unpin VM` through `vmid replay`: what each prints, the failures, and the
 * errors. Expected ids derived by hand (bits 2: generation 4 holds ids 5, 6, 7).
 */

describe("vmid replay: pin and unpin events", () => {
  test("bits 2 on 2 CPUs allows no pins: the pin says so, and the run goes on", () => {
    // maxPinned = 4 - 2 - 2 = 0. The failed pin leaves VM 1 without an id: its run takes 5.
    const result = runVmid(["replay", "-"], { input: "bits 2\ncpus 2\npin 1\nrun 0 1\n" });
    assertOk(result);
    assert.equal(
      result.stdout,
      "pin 1 failed: no pins allowed (maxPinned = N - cpus - 2 = 0)\n0 1 5\n",
    );
  });

  test("JSON: a pin object with the id and count, or the failure and the limit", () => {
    // bits 2, 1 CPU: maxPinned 1. VM 3 is pinned (fresh idx 1: 5), VM 2's pin fails.
    const input = "bits 2\ncpus 1\npin 3\npin 3\npin 2\n";
    const result = runVmid(["replay", "--json", "-"], { input });
    assertOk(result);
    const objects = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    assert.deepEqual(objects.slice(0, 3), [
      { type: "pin", line: 3, vm: 3, vmid: "5", pinCount: 1 },
      { type: "pin", line: 4, vm: 3, vmid: "5", pinCount: 2 },
      { type: "pin", line: 5, vm: 2, failure: "limit-reached", maxPinned: 1 },
    ]);
    assert.equal(objects[3].type, "summary");
    assert.deepEqual([objects[3].pins, objects[3].pinFailures, objects[3].unpins], [2, 1, 0]);
  });

  test("--summary adds the pin rows only for a trace with pin events", () => {
    const pinned = runVmid(["replay", "--summary", "-"], {
      input: "bits 2\ncpus 1\npin 1\nunpin 1\n",
    });
    assertOk({ ...pinned, stderr: "" });
    const rows = parseSummary(pinned.stderr).rows;
    assert.equal(rows.get("pins"), "1");
    assert.equal(rows.get("unpins"), "1");
    const plain = runVmid(["replay", "--summary", "-"], { input: "bits 2\ncpus 1\nrun 0 1\n" });
    assert.equal(parseSummary(plain.stderr).rows.has("pins"), false);
  });

  test("unpin of a VM that is not pinned: the file and line, exit 2, the lines before printed", () => {
    const result = runVmid(["replay", "-"], {
      input: "bits 2\ncpus 1\npin 1\nunpin 1\nunpin 1\n",
    });
    assertInputError(result, "<stdin>:5: ", /^VM 1 is not pinned$/);
    assert.equal(result.stdout, "pin 1 5\n");
  });

  test("pin without a VM, and VM 0, are errors naming the line", () => {
    assertInputError(
      runVmid(["replay", "-"], { input: "bits 2\ncpus 1\npin\n" }),
      "<stdin>:3: ",
      /^missing a VM number$/,
    );
    assertInputError(
      runVmid(["replay", "-"], { input: "bits 2\ncpus 1\nunpin 0\n" }),
      "<stdin>:3: ",
      /^VM must be a positive integer \(got 0\)$/,
    );
  });

  test("gen-trace --pin-probability writes pins and unpins that replay without an error", () => {
    // bits 4 on 2 CPUs: maxPinned 16 - 2 - 2 = 12, with 40 VMs: some pins fail.
    const args = ["--bits", "4", "--cpus", "2", "--vms", "40", "--events", "4000"];
    const generated = runVmid(["gen-trace", ...args, "--pin-probability", "0.3", "--seed", "5"]);
    assertOk(generated);
    assert.match(generated.stdout.split("\n")[0], / --pin-probability 0\.3 --seed 5$/);
    const lines = generated.stdout.split("\n");
    const pins = lines.filter((line) => line.startsWith("pin ")).length;
    const unpins = lines.filter((line) => line.startsWith("unpin ")).length;
    // About 0.3 x 4000 = 1200 pin events, split between pins and unpins.
    assert.ok(pins > 300 && unpins > 300, `${pins} pins, ${unpins} unpins`);
    const replayed = runVmid(["replay", "--summary", "-"], { input: generated.stdout });
    assert.equal(replayed.status, 0, replayed.stderr);
    const rows = parseSummary(replayed.stderr).rows;
    assert.equal(summaryCount(rows, "unpins"), unpins);
    assert.equal(summaryCount(rows, "pins") + summaryCount(rows, "pin failures"), pins);
  });
});
