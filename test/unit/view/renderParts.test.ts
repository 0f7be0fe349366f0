import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { DecodedState } from "../../../src/check/decodeState.js";
import { describeId } from "../../../src/view/describeId.js";
import { renderBitmap } from "../../../src/view/renderBitmap.js";
import { renderExtraFields } from "../../../src/view/renderExtraFields.js";
import { renderGlobals } from "../../../src/view/renderGlobals.js";
import { renderId } from "../../../src/view/renderId.js";
import { renderModelCpu } from "../../../src/view/renderModelCpu.js";
import { renderStatePicture } from "../../../src/view/renderStatePicture.js";
import { renderVmIds } from "../../../src/view/renderVmIds.js";

/** The elements of `html` with attribute `name`: each one's opening tag. */
const tagsWith = (html: string, name: string) =>
  [...html.matchAll(new RegExp(`<[a-z]+[^>]* ${name}="[^"]*"[^>]*>`, "g"))].map((m) => m[0]);

/** The value of attribute `name` in an opening tag. */
const attribute = (tag: string, name: string) => new RegExp(` ${name}="([^"]*)"`).exec(tag)?.[1];

// A hand-made state, bits 2 (N = 4), 2 CPUs, 3 VMs, in generation 2 (0x8): VM 1 holds 9
// (generation 8, idx 1, current), VM 2 holds 6 (generation 4, idx 2: an older generation),
// VM 3 none. CPU 0 idle running VM 1 at idx 1 with TLB entries (vm1, 1) and (vm2, 1); CPU 1
// in newVmid for VM 3 holding the lock. Active: 9 and INVALID (4); reserved 0 and 6.
const STATE: DecodedState = {
  generation: "8",
  allocatedIdx: [1, 2],
  curIdx: 2,
  lockHolder: 1,
  flushPending: [],
  active: ["9", "4"],
  reserved: ["0", "6"],
  vmIds: ["9", "6", "0"],
  cpus: [
    {
      pc: "idle",
      vm: 0,
      vmid: "0",
      old: "0",
      loaded: { vm: 1, idx: 1 },
      tlb: [
        { vm: 1, idx: 1 },
        { vm: 2, idx: 1 },
      ],
    },
    { pc: "newVmid", vm: 3, vmid: "0", old: "0", loaded: { vm: 0, idx: 0 }, tlb: [] },
  ],
};

describe("describeId and renderId: ids as generation | idx", () => {
  test("0 is none, N is INVALID only in a slot that can hold it, an older generation is stale", () => {
    assert.equal(describeId("0", 4, "8", true).kind, "none");
    assert.equal(describeId("4", 4, "8", true).kind, "invalid");
    // 4 as a VM's id would be generation 4 | idx 0 (never allocated, but shown as what it is).
    assert.deepEqual(describeId("4", 4, "8", false), {
      kind: "id",
      hex: "4",
      generation: "4",
      idx: 0,
      stale: true,
    });
    // 0xb = 11 = generation 8 | idx 3, current.
    assert.deepEqual(describeId("b", 4, "8", false), {
      kind: "id",
      hex: "b",
      generation: "8",
      idx: 3,
      stale: false,
    });
  });
  test("the page's text says none, INVALID, g<gen>.<idx> and old", () => {
    assert.match(renderId("0", 4, "8", true), /data-value="0">0 <small>none/);
    assert.match(renderId("4", 4, "8", true), /class="id invalid" data-value="4">4 <small>INVALID/);
    assert.match(
      renderId("6", 4, "8", false),
      /class="id stale" data-value="6">6 <small>g4\.2 old/,
    );
    assert.match(renderId("9", 4, "8", false), /class="id" data-value="9">9 <small>g8\.1<\/small>/);
  });
});

describe("renderBitmap", () => {
  const html = renderBitmap({ idCount: 4, allocatedIdx: [1, 2], curIdx: 2 }, undefined);
  test("one cell per idx with its bit, idx 0 labelled never given, curIdx marked", () => {
    const cells = tagsWith(html, "data-idx");
    assert.deepEqual(
      cells.map((cell) => [attribute(cell, "data-idx"), attribute(cell, "data-allocated")]),
      [
        ["0", "false"],
        ["1", "true"],
        ["2", "true"],
        ["3", "false"],
      ],
    );
    assert.deepEqual(
      cells.filter((cell) => cell.includes("data-cur")).map((cell) => attribute(cell, "data-idx")),
      ["2"],
    );
    assert.match(html, /<b>0<\/b><small>free never given<\/small>/);
    assert.match(html, /<b>2<\/b><small>set cur<\/small>/);
  });
  test("a bit set in the last step is highlighted and marked in text; offending cells are marked", () => {
    const changed = renderBitmap(
      { idCount: 4, allocatedIdx: [1, 2], curIdx: 2 },
      { idCount: 4, allocatedIdx: [1], curIdx: 2 },
      [3],
    );
    const cells = tagsWith(changed, "data-idx");
    assert.deepEqual(
      cells.map((cell) => /changed/.test(cell)),
      [false, false, true, false],
    );
    assert.deepEqual(
      cells.map((cell) => /offending/.test(cell)),
      [false, false, false, true],
    );
    assert.match(changed, /title="changed in this step"/);
    assert.match(changed, /title="offending: the violation is here"/);
  });
});

describe("renderVmIds", () => {
  test("each VM with its id; the older generation's id greyed and labelled old; a changed row marked", () => {
    const html = renderVmIds(
      [
        [1, "9"],
        [2, "6"],
        [3, "0"],
      ],
      [
        [1, "5"],
        [2, "6"],
        [3, "0"],
      ],
      4,
      "8",
      [2],
    );
    const rows = tagsWith(html, "data-vm-id");
    assert.deepEqual(
      rows.map((row) => attribute(row, "data-vm-id")),
      ["1", "2", "3"],
    );
    assert.deepEqual(
      rows.map((row) => [/changed/.test(row), /offending/.test(row)]),
      [
        [true, false],
        [false, true],
        [false, false],
      ],
    );
    assert.match(html, /vm2<\/span> <span class="id stale" data-value="6">6 <small>g4\.2 old/);
    assert.match(html, /vm3<\/span> <span class="id none" data-value="0">/);
  });
});

describe("renderGlobals", () => {
  test("generation in hex, lock holder, flush marks, each with data-value; changes highlighted", () => {
    const html = renderGlobals(
      { generation: "8", lockHolder: 1, flushPending: [0, 1] },
      { generation: "4", lockHolder: 1, flushPending: [] },
    );
    const parts = tagsWith(html, "data-part");
    assert.deepEqual(
      parts.map((part) => [
        attribute(part, "data-part"),
        attribute(part, "data-value"),
        /changed/.test(part),
      ]),
      [
        ["generation", "8", true],
        ["lock", "1", false],
        ["flush-pending", "0,1", true],
      ],
    );
    assert.match(html, /held by CPU 1/);
    assert.match(html, /CPU 0, CPU 1/);
    assert.match(
      renderGlobals({ generation: "4", lockHolder: -1, flushPending: [] }, undefined),
      /free.*none/,
    );
  });
  test("a trace's globals have no lock or flush marks", () => {
    assert.deepEqual(
      tagsWith(renderGlobals({ generation: "4" }, undefined), "data-part").map((p) =>
        attribute(p, "data-part"),
      ),
      ["generation"],
    );
  });
});

describe("renderModelCpu", () => {
  test("pc with its line of vmid.c, locals, active, reserved, loaded guest and TLB chips as data attributes", () => {
    const html = renderModelCpu(STATE, undefined, 0, 4, []);
    const fields = Object.fromEntries(
      tagsWith(html, "data-field").map((tag) => [attribute(tag, "data-field"), tag]),
    );
    assert.equal(attribute(fields.pc, "data-value"), "idle");
    assert.match(html, /outside update: the scheduler may run a VM/);
    assert.equal(attribute(fields.vm, "data-value"), "0");
    assert.equal(attribute(fields.active, "data-value"), "9");
    assert.equal(attribute(fields.reserved, "data-value"), "0");
    assert.equal(attribute(fields.loaded, "data-vm"), "1");
    assert.equal(attribute(fields.loaded, "data-idx"), "1");
    assert.deepEqual(
      tagsWith(html, "data-tlb").map((chip) => [
        attribute(chip, "data-vm"),
        attribute(chip, "data-idx"),
      ]),
      [
        ["1", "1"],
        ["2", "1"],
      ],
    );
    assert.match(html, /vm1:1<\/span>/);
    assert.doesNotMatch(html, /changed|offending/);
  });
  test("CPU 1 holds the lock (a badge in words); INVALID in its active slot", () => {
    const html = renderModelCpu(STATE, undefined, 1, 4, []);
    assert.match(html, /holds lock/);
    assert.match(html, /data-field="active" data-value="4"><span class="id invalid"/);
    assert.match(html, /data-field="vm" data-value="3"><span class="vm vm-3" data-vm="3">vm3/);
  });
  test("what changed since the previous state is highlighted; marked TLB entries are offending", () => {
    const previous: DecodedState = {
      ...STATE,
      cpus: [{ ...STATE.cpus[0], pc: "enterGuest", tlb: [{ vm: 1, idx: 1 }] }, STATE.cpus[1]],
    };
    const html = renderModelCpu(STATE, previous, 0, 4, [
      { part: "tlb", cpu: 0, vm: 1, idx: 1 },
      { part: "tlb", cpu: 0, vm: 2, idx: 1 },
    ]);
    assert.match(html, /class="pc changed" data-field="pc"/);
    const chips = tagsWith(html, "data-tlb");
    assert.deepEqual(
      chips.map((chip) => [/changed/.test(chip), /offending/.test(chip)]),
      [
        [false, true],
        [true, true],
      ],
    );
  });
});

describe("renderExtraFields and renderStatePicture", () => {
  test("fields the page does not know by name are shown with their JSON", () => {
    assert.equal(renderExtraFields({ a: 1 }, ["a"]), "");
    assert.match(
      renderExtraFields({ a: 1, pinned: [3] }, ["a"]),
      /data-extra="pinned" data-value="\[3\]"><code>pinned<\/code> \[3\]/,
    );
  });
  test("the picture holds every part: globals, map, VM ids, one column per CPU", () => {
    const html = renderStatePicture({ ...STATE, asid: 7 } as DecodedState, undefined, 4, []);
    assert.equal(tagsWith(html, "data-allocated").length, 4);
    assert.equal(tagsWith(html, "data-vm-id").length, 3);
    assert.deepEqual(
      tagsWith(html, "data-cpu").map((tag) => attribute(tag, "data-cpu")),
      ["0", "1"],
    );
    assert.match(html, /data-extra="asid"/);
    assert.match(html, /style="--cpus: 2"/);
  });
});
