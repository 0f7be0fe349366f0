import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  CHECK_DEFAULTS,
  type CheckOptions,
  defaultInvariants,
  validateCheckOptions,
} from "../../../src/check/CheckOptions.js";
import type { CheckResult } from "../../../src/check/CheckResult.js";
import {
  type InvariantName,
  PIN_INVARIANTS,
  violatedInvariant,
} from "../../../src/check/invariants.js";
import { initialState, modelLayout } from "../../../src/check/ModelLayout.js";
import { idSpace } from "../../../src/core/IdSpace.js";
import { VmidInputError } from "../../../src/core/VmidInputError.js";
import { exploreOnce } from "./_support/exploreOnce.js";

/*
 * vmid check --pins: verdicts and shortest counterexamples of the two pin mutants, each
 * derived by reasoning written beside it. Configuration: 1 CPU, 4 VMs, 2-bit ids. It is the
 * smallest with pins and rollovers: maxPinned = N - cpus - 2 allows no pin with bits 2 on
 * 2 CPUs, and with bits 3 (7 usable ids) the VMs would have to outnumber the ids for a
 * rollover, 8 VMs x 8 idx TLB bits, past the checker's 31. With 1 CPU, maxPinned = 1.
 */

const PINS: CheckOptions = {
  ...CHECK_DEFAULTS,
  cpus: 1,
  vms: 4,
  bits: 2,
  pins: true,
  invariants: defaultInvariants(true),
};

const check = exploreOnce;

function counterexampleOf(result: CheckResult) {
  assert.equal(result.verdict, "violated");
  if (result.verdict !== "violated") throw new Error("unreachable");
  return result.counterexample;
}

describe("vmid check --pins", () => {
  test("the defaults with --pins add the three pin invariants", () => {
    assert.deepEqual(defaultInvariants(true), [...CHECK_DEFAULTS.invariants, ...PIN_INVARIANTS]);
    assert.ok(PIN_INVARIANTS.every((name) => !CHECK_DEFAULTS.invariants.includes(name)));
  });

  test("the correct algorithm keeps every default invariant and the pin ones, every generation", () => {
    const result = check(PINS);
    assert.equal(result.verdict, "holds");
    // Pins happened and rolled over: more than one generation was held in some state.
    assert.ok(result.stats.maxGenerations >= 3);
  });

  test("forget-pinned-map: PinnedIdxExclusive, 26 steps", () => {
    // For another VM to take a pinned idx i, the bitmap must lose bit i while i is pinned:
    // only a rollover (the mutant's) can clear it, and only when no CPU reserves i; the first
    // allocation after the rollover takes the lowest clear idx, so i = 1, and VM 1 (which got
    // idx 1) must be pinned at the rollover. A rollover needs idx 1, 2, 3 taken and a 4th
    // fresh allocation. The cheapest allocation is a pin (start, pinLock, newVmid,
    // pinPublish: 4 steps; an update takes 7); with maxPinned 1 each pinned VM must be
    // unpinned (1 step) before the next pin: VMs 1, 2, 3 cost 3 x (4 + 1) = 15. VM 1 is pinned
    // again with its current id: start and pinLock, 2 steps (17). VM 4 cannot be pinned (the
    // limit): its update takes startUpdate, readVmid, readActive (0: the CPU ran no update),
    // lock, newVmid (no clear bit from curIdx 3), bumpGeneration (the bitmap starts empty
    // instead of {1}), flushCpu (active 0: reserved 0, idx 0), flush and
    // allocateAfterRollover (first clear bit from 1: VM 1's idx), 9 steps: 26.
    const counterexample = counterexampleOf(check({ ...PINS, mutant: "forget-pinned-map" }));
    assert.equal(counterexample.invariant, "PinnedIdxExclusive");
    assert.equal(counterexample.steps.length, 26);
    assert.deepEqual(
      counterexample.steps.slice(15, 19).map((step) => step.action),
      ["pin VM 1", "pinLock", "update VM 4", "readVmid"],
    );
    assert.equal(counterexample.steps.at(-1)?.action, "allocateAfterRollover");
  });

  test("forget-pinned-map also breaks the allocator-state invariants without the pin ones", () => {
    // Checked alone, UniqueCurrentIds fails once VM 1 runs after the trace above: it is
    // pinned, so new_vmid gives it idx 1 in the new generation, which VM 4 holds.
    const alone = counterexampleOf(
      check({ ...PINS, mutant: "forget-pinned-map", invariants: ["UniqueCurrentIds"] }),
    );
    assert.equal(alone.invariant, "UniqueCurrentIds");
    assert.ok(alone.steps.length > 26);
  });

  test("pinned-before-reserved: ReservedIdsKept, 37 steps", () => {
    // The reservation of a pinned VM must be left stale: CPU 0's active must hold VM 1's id
    // at a rollover, so VM 1 runs through a whole update first (7 steps: startUpdate,
    // readVmid, readActive, lock, newVmid, publish, enterGuest). Idx 2 and 3 then go by pins
    // (4 steps each) each followed by its unpin (1): 10 (17). VM 1 is pinned with its current
    // id: 2 steps (19). VM 4 cannot be pinned (the limit): its update rolls over and
    // completes, 12 steps (startUpdate, readVmid, readActive: non-zero, checkGeneration,
    // lock, newVmid, bumpGeneration, flushCpu: reserved[0] = VM 1's 5, flush,
    // allocateAfterRollover, publish, enterGuest) (31). VM 1's update then reaches new_vmid,
    // 6 steps (startUpdate, readVmid, readActive, checkGeneration: stale, lock, newVmid): the
    // mutant renews VM 1 to 9 before the lookup, so reserved[0] keeps 5, an id no VM holds: 37.
    const counterexample = counterexampleOf(check({ ...PINS, mutant: "pinned-before-reserved" }));
    assert.equal(counterexample.invariant, "ReservedIdsKept");
    assert.equal(counterexample.steps.length, 37);
    assert.deepEqual(
      counterexample.steps.slice(-6).map((step) => step.action),
      ["update VM 1", "readVmid", "readActive", "checkGeneration", "lock", "newVmid"],
    );
  });

  test("pinned-before-reserved on 1 CPU breaks nothing but ReservedIdsKept", () => {
    // With one CPU the stale reservation is never read: the next rollover is made by this
    // CPU's own update, so its active slot is non-zero then and replaces the reservation.
    // What the stale copy breaks needs a second CPU idle across two rollovers (the 2-CPU
    // case in test/unit/core/pinVmid.test.ts), beyond the checker's sizes with pins.
    const others = defaultInvariants(true).filter((name) => name !== "ReservedIdsKept");
    const result = check({ ...PINS, mutant: "pinned-before-reserved", invariants: others });
    assert.equal(result.verdict, "holds");
  });

  test("bad configurations: no pins allowed, and a pin mutant without --pins", () => {
    // bits 2 on 2 CPUs: maxPinned = 4 - 2 - 2 = 0.
    assert.throws(
      () => validateCheckOptions({ ...CHECK_DEFAULTS, pins: true }),
      (error: unknown) =>
        error instanceof VmidInputError &&
        /allow no pins \(maxPinned = .* = 0\)/.test(error.message),
    );
    assert.throws(
      () => validateCheckOptions({ ...CHECK_DEFAULTS, cpus: 1, mutant: "forget-pinned-map" }),
      /add --pins/,
    );
  });

  test("each pin invariant fails on a state that breaks it", () => {
    const layout = modelLayout(1, 4, 2, idSpace(2), true);
    const failing = (edit: (s: Int32Array) => void): InvariantName | undefined => {
      const state = initialState(layout);
      edit(state);
      return violatedInvariant(layout, state, PIN_INVARIANTS);
    };
    // VMs 1 and 2 pinned (the limit is 1), with ids 5 and 6 and the map {1, 2}.
    assert.equal(
      failing((s) => {
        s[layout.vmId] = 5;
        s[layout.vmId + 1] = 6;
        s[layout.pinCount] = 1;
        s[layout.pinCount + 1] = 1;
        s[layout.pinnedMap] = 0b110;
      }),
      "PinnedWithinLimit",
    );
    // VM 1 pinned with id 6 (idx 2) but the map says idx 1: its idx changed.
    assert.equal(
      failing((s) => {
        s[layout.vmId] = 6;
        s[layout.pinCount] = 1;
        s[layout.pinnedMap] = 0b10;
      }),
      "PinnedIdxKept",
    );
    // VM 1 pinned with 5; VM 2 holds 5 too in the current generation (4).
    assert.equal(
      failing((s) => {
        s[layout.vmId] = 5;
        s[layout.vmId + 1] = 5;
        s[layout.pinCount] = 1;
        s[layout.pinnedMap] = 0b10;
      }),
      "PinnedIdxExclusive",
    );
  });
});

/*
 * The ASID allocator with pins (deferred flush, no put, CnP's switch on). Without KPTI: 1 CPU,
 * 4 VMs, 2-bit ids, maxPinned 4 - 1 - 2 = 1. With KPTI the limit uses the halved count, so
 * 2-bit ids allow no CPU and 3-bit ids on 1 CPU give N = 4, maxPinned 4 - 1 - 2 = 1 (4 VMs:
 * the model's TLB word holds 4 x 8 - 1 bits, the top odd idx never being handed out).
 */
const ASID_PINS: CheckOptions = {
  ...PINS,
  allocator: "asid",
  flush: "deferred",
  puts: false,
  exitUnloads: true,
};
const KPTI_PINS: CheckOptions = { ...ASID_PINS, kpti: true, bits: 3 };

describe("vmid check --allocator asid --pins", () => {
  test("the correct algorithm holds with and without KPTI, every generation", () => {
    for (const options of [ASID_PINS, KPTI_PINS]) {
      const result = check(options);
      assert.equal(result.verdict, "holds", JSON.stringify(options));
      assert.ok(result.stats.maxGenerations >= 3);
    }
  });

  test("without KPTI, forget-pinned-map: PinnedIdxExclusive, 21 steps", () => {
    // The ASID allocator starts its bitmap with every odd idx set even without KPTI (commit
    // f88f42f853a8; the first rollover clears it): with 2-bit ids generation 1 has idx 2
    // only. A pin of VM 1 takes it: pin VM 1, pinLock (id 0 is stale), newVmid (idx 2),
    // pinPublish: 4 steps. VM 1 is pinned and the limit is 1, so the next allocation is an
    // update: VM 2's startUpdate, readVmid, readActive (0: no update ran), lock, newVmid (no
    // clear bit from curIdx 2), bumpGeneration (the mutant clears the bitmap instead of
    // copying the pinned map {2}), flushCpu (active 0: reserved 0, idx 0), flush (nothing
    // under deferred), allocateAfterRollover (first clear from 1: idx 1), publish, enterGuest:
    // 11 (15). VM 3's update takes the next clear idx, VM 1's 2: startUpdate, readVmid,
    // readActive (non-zero), checkGeneration (id 0: stale), lock, newVmid: 6 (21). Shorter
    // is not possible: VM 1 can hold idx 1 only after a rollover, and no pin can allocate
    // while VM 1 is pinned at the limit.
    const counterexample = counterexampleOf(check({ ...ASID_PINS, mutant: "forget-pinned-map" }));
    assert.equal(counterexample.invariant, "PinnedIdxExclusive");
    assert.equal(counterexample.steps.length, 21);
    assert.deepEqual(
      counterexample.steps.map((step) => step.action),
      [
        ...["pin VM 1", "pinLock", "newVmid", "pinPublish"],
        ...["update VM 2", "readVmid", "readActive", "lock", "newVmid", "bumpGeneration"],
        ...["flushCpu", "flush", "allocateAfterRollover", "publish", "enterGuest"],
        ...["update VM 3", "readVmid", "readActive", "checkGeneration", "lock", "newVmid"],
      ],
    );
  });

  test("with KPTI, both pin mutants: the VMID allocator's counterexamples (26 and 37 steps)", () => {
    // Under KPTI every generation hands out the even idx 2, 4, 6 in order, as the 2-bit VMID
    // allocator hands out 1, 2, 3 (the odd idx stay set, in the pinned map and so after every
    // rollover), and the ASID allocator's deferred flush and CnP switch add no step on these
    // paths (flush stays a step of its own, a no-op), nor does the lack of puts (neither
    // counterexample above puts). So the shortest counterexamples are those derived above for
    // --pins on 1 CPU, 4 VMs, 2-bit ids, idx doubled; under forget-pinned-map the rollover
    // starts the bitmap from the KPTI pattern, which has idx 2 (VM 1's) clear.
    const forget = counterexampleOf(check({ ...KPTI_PINS, mutant: "forget-pinned-map" }));
    assert.equal(forget.invariant, "PinnedIdxExclusive");
    assert.equal(forget.steps.length, 26);
    const before = counterexampleOf(check({ ...KPTI_PINS, mutant: "pinned-before-reserved" }));
    assert.equal(before.invariant, "ReservedIdsKept");
    assert.equal(before.steps.length, 37);
  });

  test("KPTI halves the pinning limit: 3-bit ids on 2 CPUs allow no pins", () => {
    // N = 8 / 2 = 4 and maxPinned = 4 - 2 - 2 = 0; without KPTI 8 - 2 - 2 = 4 allows pins.
    assert.throws(
      () => validateCheckOptions({ ...KPTI_PINS, cpus: 2, vms: 2 }),
      /allow no pins \(maxPinned = N - cpus - 2 = 4 - 2 - 2 = 0\)/,
    );
    validateCheckOptions({ ...ASID_PINS, cpus: 2, vms: 2, bits: 3 });
  });
});
