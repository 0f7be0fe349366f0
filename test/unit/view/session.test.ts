import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CHECK_DEFAULTS, type CheckOptions } from "../../../src/check/CheckOptions.js";
import { decodeState } from "../../../src/check/decodeState.js";
import { explore } from "../../../src/check/explore.js";
import { CPU_FIELDS, CpuField, modelLayout } from "../../../src/check/ModelLayout.js";
import { checkViewData } from "../../../src/view/checkViewData.js";
import { describeStep } from "../../../src/view/describeStep.js";
import { ModelSession } from "../../../src/view/ModelSession.js";
import { offendingParts } from "../../../src/view/offendingParts.js";
import { actionCode } from "../../../src/view/pcLines.js";
import { renderTimeline } from "../../../src/view/renderTimeline.js";
import { renderTransitions } from "../../../src/view/renderTransitions.js";

const OPTIONS: CheckOptions = { ...CHECK_DEFAULTS, cpus: 2, vms: 3, bits: 2 };

describe("ModelSession: explore mode takes the step model's transitions", () => {
  test("from the initial state: 2 CPUs x 3 VMs = 6 updates, nothing else (no guest to put)", () => {
    const session = new ModelSession(checkViewData(OPTIONS));
    assert.equal(session.mode, "explore");
    const { successors, cut } = session.enabled();
    assert.equal(cut, false);
    assert.deepEqual(
      successors.map((s) => `${s.cpu} ${s.action}`),
      [
        "0 update VM 1",
        "0 update VM 2",
        "0 update VM 3",
        "1 update VM 1",
        "1 update VM 2",
        "1 update VM 3",
      ],
    );
  });
  test("take, undo and the hash: a link restores the same path and step", () => {
    const session = new ModelSession(checkViewData(OPTIONS));
    session.take(1); // cpu 0 update VM 2
    // cpu 0 now at readVmid: its step is the first successor (CPU 0's), then CPU 1's updates.
    assert.equal(session.enabled().successors[0].action, "readVmid");
    session.take(0);
    assert.equal(session.cursor, 2);
    assert.equal(session.hash(), "explore=0&path=1.0&step=2");
    const copy = new ModelSession(checkViewData(OPTIONS));
    assert.equal(copy.restore("#explore=0&path=1.0&step=1"), true);
    assert.equal(copy.states.length, 3);
    assert.equal(copy.cursor, 1);
    assert.deepEqual(copy.states[2], session.states[2]);
    assert.equal(session.undo(), true);
    assert.equal(session.cursor, 1);
    assert.equal(session.undo(), true);
    assert.equal(session.undo(), false, "nothing left to undo");
    assert.equal(copy.restore("#explore=0&path=99"), false, "no transition 99");
  });
  test("taking a transition at an earlier step drops the path after it", () => {
    const session = new ModelSession(checkViewData(OPTIONS));
    session.take(0);
    session.take(0);
    session.goto(1);
    // At step 1 CPU 0 is at readVmid: its step comes first, then CPU 1's three updates.
    session.take(1);
    assert.equal(session.states.length, 3);
    assert.deepEqual(
      session.moves.map((m) => `${m.cpu} ${m.action}`),
      ["0 update VM 1", "1 update VM 1"],
    );
  });
  test("counterexample mode: the embedded path, explore from a step of it", () => {
    const options = {
      ...OPTIONS,
      cpus: 1,
      vms: 4,
      generations: 2,
      puts: false,
      mutant: "no-flush" as const,
    };
    const result = explore(options);
    assert.equal(result.verdict, "violated");
    const session = new ModelSession(checkViewData(options, result));
    assert.equal(session.mode, "counterexample");
    assert.equal(session.states.length, 34); // 33 steps (explore.test.ts argues the depth)
    session.goto(33);
    assert.equal(session.violation(), "ReusedIdxFlushed");
    session.goto(10);
    assert.equal(session.violation(), undefined);
    session.startExplore();
    assert.equal(session.states.length, 11);
    assert.equal(session.undo(), false, "explore cannot undo below its start");
    session.take(0);
    assert.equal(session.hash(), "explore=10&path=0&step=11");
  });
});

describe("offendingParts", () => {
  test("UniqueVMIDPerCPU: the TLB entries of two VMs under one idx", () => {
    // 2 CPUs, 3 VMs, N = 4: TLB bit (vm - 1) x 4 + idx. CPU 1 holds (vm1, 2) and (vm3, 2).
    const layout = modelLayout(2, 3, 2);
    const state = new Int32Array(layout.length);
    state[layout.cpuBase + CPU_FIELDS + CpuField.tlb] = (1 << 2) | (1 << (2 * 4 + 2));
    assert.deepEqual(offendingParts(layout, state, "UniqueVMIDPerCPU"), [
      { part: "tlb", cpu: 1, vm: 1, idx: 2 },
      { part: "tlb", cpu: 1, vm: 3, idx: 2 },
    ]);
  });
  test("ActiveIsValid: an active slot of an older generation", () => {
    // Generation index 2 (ids 8..11); active[0] = 5 is generation 1: offending; active[1] = 9 fine.
    const layout = modelLayout(2, 3, 2);
    const state = new Int32Array(layout.length);
    state[0] = 2;
    state[layout.active] = 5;
    state[layout.active + 1] = 9;
    assert.deepEqual(offendingParts(layout, state, "ActiveIsValid"), [{ part: "active", cpu: 0 }]);
  });
});

describe("renderTimeline and renderTransitions", () => {
  test("one lane per CPU, each move a button in its CPU's lane, the current step marked", () => {
    const html = renderTimeline(
      2,
      [
        { cpu: 0, code: actionCode("update VM 2"), title: "update VM 2" },
        { cpu: 1, code: actionCode("newVmid"), title: "newVmid" },
        { cpu: 1, code: actionCode("bumpGeneration"), title: "bumpGeneration", kind: "violation" },
      ],
      2,
      "steps",
    );
    const lanes = html.split("<tr>").slice(2);
    assert.equal(lanes.length, 2);
    assert.deepEqual(
      [...lanes[0].matchAll(/data-goto="(\d+)"/g)].map((m) => m[1]),
      ["1"],
    );
    assert.deepEqual(
      [...lanes[1].matchAll(/data-goto="(\d+)"/g)].map((m) => m[1]),
      ["2", "3"],
    );
    assert.match(lanes[0], />u2<\/button>/);
    assert.match(lanes[1], /data-goto="2"[^>]*aria-current="step">nv<\/button>/);
    assert.match(lanes[1], />G\+!<\/button>/);
  });
  test("transitions as buttons with their index, CPU, action, changes and a violation warning", () => {
    const html = renderTransitions(
      [
        { cpu: 0, action: "readVmid", changes: ["cpu0 vmid=5"] },
        { cpu: 1, action: "update VM 1", changes: [], violates: "NoIdxZero" },
      ],
      true,
    );
    assert.match(
      html,
      /data-choice="0" data-cpu="0" data-action="readVmid"><b>CPU 0<\/b> readVmid<br><small>cpu0 vmid=5/,
    );
    assert.match(
      html,
      /data-choice="1" data-cpu="1" data-action="update VM 1">.*violates NoIdxZero.*no visible change/,
    );
    assert.match(html, /generation bound is cut/);
  });
});

describe("describeStep", () => {
  test("a CPU's pc move and the update's VM come first, then the counterexample text's changes", () => {
    const session = new ModelSession(checkViewData(OPTIONS));
    const before = decodeState(session.layout, session.state);
    session.take(1); // cpu 0: update VM 2
    const started = decodeState(session.layout, session.state);
    assert.deepEqual(describeStep(before, started), ["cpu0 idle->readVmid, update of vm2"]);
    session.take(0); // cpu 0 readVmid: VM 2's id is 0, so its local stays 0
    assert.deepEqual(describeStep(started, decodeState(session.layout, session.state)), [
      "cpu0 readVmid->readActive",
    ]);
  });
});
