import assert from "node:assert/strict";
import { test } from "node:test";
import { renderTracePicture } from "../../../src/view/renderTracePicture.js";
import { TRACE_VIEW_LIMITS, traceViewData } from "../../../src/view/traceViewData.js";

// The worked trace of examples/worked.trace (docs/allocator.md#worked-trace), N = 4, 2 CPUs.
const WORKED =
  "bits 2\ncpus 2\nrun 0 1\nrun 1 2\nput 0\nrun 0 3\nput 0\nrun 0 4\nrun 1 2\nrun 1 1\n";

test("traceViewData: the worked trace's events and the allocator's state after each", async () => {
  const data = await traceViewData([WORKED], "worked");
  assert.deepEqual(
    data.events.map((e) => [e.line, e.cpu, e.vm, e.id ?? "", e.flush ?? ""]),
    [
      [3, 0, 1, "5", ""],
      [4, 1, 2, "6", ""],
      [5, 0, 0, "", ""],
      [6, 0, 3, "7", ""],
      [7, 0, 0, "", ""],
      // The rollover to generation 8 happens in VM 4's run.
      [8, 0, 4, "9", "8"],
      [9, 1, 2, "a", ""],
      [10, 1, 1, "b", ""],
    ],
  );
  assert.deepEqual(data.initial.active, ["0", "0"]);
  assert.equal(data.initial.generation, "4");
  // After the second put (event 5): cpu 0's active is INVALID (4); map {1, 2, 3}; curIdx 3.
  assert.deepEqual(data.snapshots[4], {
    generation: "4",
    curIdx: 3,
    allocatedIdx: [1, 2, 3],
    active: ["4", "6"],
    reserved: ["0", "0"],
    running: [0, 2],
    vmIds: [
      [1, "5"],
      [2, "6"],
      [3, "7"],
    ],
  });
  // After VM 4's run (event 6): generation 8; the rollover reserved INVALID (idx 0) for cpu 0
  // and 6 (idx 2) for cpu 1, whose slots it cleared; VM 4 took idx 1 (curIdx 1); cpu 0 runs it.
  assert.deepEqual(data.snapshots[5], {
    generation: "8",
    curIdx: 1,
    allocatedIdx: [0, 1, 2],
    active: ["9", "0"],
    reserved: ["4", "6"],
    running: [4, 2],
    vmIds: [
      [1, "5"],
      [2, "6"],
      [3, "7"],
      [4, "9"],
    ],
  });
});

test("traceViewData refuses a trace past its limits, naming the line", async () => {
  const long = `bits 2\ncpus 2\n${"run 0 1\n".repeat(TRACE_VIEW_LIMITS.events + 1)}`;
  await assert.rejects(traceViewData([long], "long"), {
    message: `long:${TRACE_VIEW_LIMITS.events + 3}: the trace has more than 1000 events, the most an HTML page shows: cut it (head -n) or replay it without --html`,
  });
  await assert.rejects(
    traceViewData(["bits 2\ncpus 2\n".replace("2\n", "9\n")], "wide"),
    /at most 16 CPUs and 8 bits \(got cpus 2, bits 9\)/,
  );
});

test("renderTracePicture: each CPU's VM, active and reserved as data attributes; changes highlighted", async () => {
  const data = await traceViewData([WORKED], "worked");
  const html = renderTracePicture(data.snapshots[5], data.snapshots[4], 4);
  assert.match(html, /data-field="running" data-value="4">/);
  assert.match(html, /class="changed" data-field="active" data-value="0"><span class="id none"/);
  assert.match(
    html,
    /class="changed" data-field="reserved" data-value="4"><span class="id invalid"/,
  );
  assert.match(html, /data-part="generation" data-value="8"/);
});
