import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PolicyLockstep } from "../../../../src/sim/_internal/PolicyLockstep.js";

const TWO_POLICIES = [
  { strategy: "scan", flush: "broadcast" },
  { strategy: "indexed", flush: "deferred" },
] as const;

describe("PolicyLockstep", () => {
  test("detects an id that differs between policies", () => {
    // bits 3 (N = 8), 2 CPUs. Generation 8.
    const lockstep = new PolicyLockstep(TWO_POLICIES, 3, 2, 0);
    lockstep.update(0, 1); // both: new VM 1 -> 8|1 = 9
    assert.equal(lockstep.idsIdentical, true);
    // Give VM 2 the current id 8|3 = 11 in the second policy's memory only.
    lockstep.contexts[1].memory.storeVmId(2, 11);
    // First policy: VM 2 is new -> idx 2 (10). Second: active[0] = 9, id 11 current: fast
    // path, 11.
    lockstep.update(0, 2);
    assert.equal(lockstep.idsIdentical, false);
  });

  test("puts reach every policy; neverRan reads the first policy's memory", () => {
    const lockstep = new PolicyLockstep(TWO_POLICIES, 3, 2, 0);
    assert.equal(lockstep.neverRan(4), true);
    lockstep.update(1, 4);
    assert.equal(lockstep.neverRan(4), false);
    lockstep.put(1);
    // INVALID = N = 8 in both.
    for (const context of lockstep.contexts) assert.equal(context.memory.loadActive(1), 8);
  });

  test("times every 2nd predicted slow path and checks the predictions", () => {
    const lockstep = new PolicyLockstep(TWO_POLICIES, 3, 2, 2);
    // Slow paths: VM 1 on CPU 0 (new), VM 2 on CPU 0 (new), VM 3 on CPU 1 (new; active 0),
    // VM 1 on CPU 1 is current and active[1] non-zero: fast; VM 4 on CPU 0 (new). 4 slow.
    for (const [cpu, vm] of [
      [0, 1],
      [0, 2],
      [1, 3],
      [1, 1],
      [0, 4],
    ]) {
      lockstep.update(cpu, vm);
    }
    for (const context of lockstep.contexts) {
      assert.equal(context.counters.slowPathEntries, 4);
      assert.equal(context.counters.fastPathHits, 1);
    }
    // The 2nd and 4th slow paths of each policy are timed.
    assert.deepEqual(
      lockstep.slowPathNs.map((samples) => samples.length),
      [2, 2],
    );
    assert.doesNotThrow(() => lockstep.checkPredictions());
  });
});
