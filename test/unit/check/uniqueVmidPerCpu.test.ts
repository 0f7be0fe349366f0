import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CHECK_DEFAULTS, type CheckOptions } from "../../../src/check/CheckOptions.js";
import { decodeState } from "../../../src/check/decodeState.js";
import { explore } from "../../../src/check/explore.js";
import { modelLayout } from "../../../src/check/ModelLayout.js";

/*
 * Pins the verdicts of docs/unique-vmid-per-cpu.md on the TLA+ authors' smallest configuration
 * with rollovers: 2 CPUs, 4 VMs, 2-bit VMIDs (3 usable), every generation. The reasoning behind
 * each expectation is in that note; these tests check the checker still reaches it.
 */
const CONFIG: CheckOptions = { ...CHECK_DEFAULTS, vms: 4, invariants: ["UniqueVMIDPerCPU"] };

describe("UniqueVMIDPerCPU with the broadcast flush (docs/unique-vmid-per-cpu.md)", () => {
  test("with speculative fills it is violated, and the trace is the window between update and guest entry", () => {
    const result = explore({ ...CONFIG, speculation: true });
    assert.equal(result.verdict, "violated");
    if (result.verdict !== "violated") return;
    const { steps } = result.counterexample;
    const layout = modelLayout(CONFIG.cpus, CONFIG.vms, CONFIG.bits);
    // The ingredients the note names, in order: a broadcast flush, then a speculative fill
    // (a CPU refilling for a guest it still has loaded), then a guest entry that collides.
    const flushAt = steps.findIndex((step) => step.action === "flush");
    const fillAt = steps.findIndex(
      (step, i) => i > flushAt && step.action.startsWith("speculative TLB fill"),
    );
    assert.ok(flushAt >= 0, "a rollover's flush happens");
    assert.ok(fillAt > flushAt, "a speculative fill comes after the flush");
    const last = decodeState(layout, steps[steps.length - 1].state);
    const collision = last.cpus.find((cpu) =>
      cpu.tlb.some((a) => cpu.tlb.some((b) => a.idx === b.idx && a.vm !== b.vm)),
    );
    assert.ok(collision !== undefined, "some CPU's TLB holds two VMs under one idx");
    // The speculatively refilled guest's idx was not reserved by the rollover: every CPU's
    // reservation after the flush differs from it (the rollover reserved the next guest's).
    const filled = decodeState(layout, steps[fillAt].state);
    const cpu = steps[fillAt].cpu;
    const loadedIdx = filled.cpus[cpu].loaded.idx;
    for (const reservation of filled.reserved) {
      assert.notEqual(Number.parseInt(reservation, 16) % layout.idCount, loadedIdx);
    }
  });

  test("without puts, speculation still breaks it (the window needs no put)", () => {
    const result = explore({ ...CONFIG, speculation: true, puts: false });
    assert.equal(result.verdict, "violated");
  });

  /**
   * Asserts that `fix` (options over CONFIG with speculation) has no violation to beyond the
   * depth of the unfixed model's counterexample. Breadth-first: stopping after 4x the states
   * the unfixed run needed still covers every state to at least that depth; none violates.
   */
  function noViolationWhereUnfixedHasOne(fix: Partial<CheckOptions>): void {
    const unfixed = explore({ ...CONFIG, speculation: true });
    assert.equal(unfixed.verdict, "violated");
    const violationDepth = unfixed.verdict === "violated" ? unfixed.counterexample.steps.length : 0;
    const fixed = explore({
      ...CONFIG,
      speculation: true,
      ...fix,
      maxStates: 4 * unfixed.stats.states,
    });
    assert.equal(fixed.verdict, "inconclusive");
    assert.ok(
      fixed.stats.depth > violationDepth,
      `explored to depth ${fixed.stats.depth} > ${violationDepth}`,
    );
  }

  test("when leaving a guest for an update unloads it, no violation where the unfixed model has one", () => {
    noViolationWhereUnfixedHasOne({ exitUnloads: true });
  });

  test("under the deferred flush policy, no violation where the broadcast flush has one", () => {
    // The exhaustive run (every generation: see the README's results table) is too long for a test.
    noViolationWhereUnfixedHasOne({ flush: "deferred" });
  });

  test("the TLA+ model's SameVMIDPerTask (LoadedVMIDPerTask) fails without speculation: the same window", () => {
    const result = explore({ ...CONFIG, invariants: ["LoadedVMIDPerTask"] });
    assert.equal(result.verdict, "violated");
  });
});
