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
import { checkOnce } from "./_support/checkOnce.js";

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

const check = checkOnce;

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
