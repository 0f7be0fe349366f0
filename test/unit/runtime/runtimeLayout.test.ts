import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CACHE_LINE_BYTES } from "../../../src/mem/sharedLayout.js";
import {
  RING_EVENTS,
  RingField,
  type RuntimeLayout,
  runtimeLayout,
  ViolationField,
  WorkerField,
} from "../../../src/runtime/runtimeLayout.js";

/**
 * (bits, cpus, threads, vms, vcpus): the smallest run, odd sizes that do not fill a line, the
 * issue's run, 64 threads, the largest TLB models (2^24 entries: 256 CPUs at bits 16, 4094 at
 * bits 12, one CPU at bits 24) and 4096 CPUs at bits 13 (only without the TLB model).
 */
const CONFIGS: readonly (readonly [number, number, number, number, number])[] = [
  [2, 1, 1, 1, 1],
  [2, 2, 2, 2, 1],
  [3, 6, 4, 3, 2],
  [5, 3, 1, 100, 1],
  [8, 8, 4, 400, 2],
  [8, 200, 64, 4, 64],
  [12, 4094, 64, 1000, 5],
  [16, 256, 64, 7, 64],
  [24, 1, 1, 1, 1],
  [13, 4096, 64, 1_000_000, 1],
];

/** Configurations whose TLB model is within MAX_TLB_ENTRIES (the last one is not). */
const WITH_TLB = CONFIGS.slice(0, -1);

interface Region {
  readonly name: string;
  /** Byte range [start, end). */
  readonly start: number;
  readonly end: number;
}

/** Every piece of runtime state as a byte range of the buffer, from the layout's indices. */
function regionsOf(
  layout: RuntimeLayout,
  bits: number,
  cpus: number,
  threads: number,
  vms: number,
  vcpus: number,
  tlbModel: boolean,
): Region[] {
  const word = (name: string, index: number, count: number): Region => ({
    name,
    start: index * 4,
    end: (index + count) * 4,
  });
  const big = (name: string, index: number, count: number): Region => ({
    name,
    start: layout.bigBase + index * 8,
    end: layout.bigBase + (index + count) * 8,
  });
  const workerFields = Object.keys(WorkerField).length;
  const workers = Array.from({ length: threads }, (_, t) =>
    word(`worker[${t}]`, layout.workerBase + t * layout.workerStride, workerFields),
  );
  return [
    word("stop", layout.stop, 1),
    word("flushEpoch", layout.flushEpoch, 1),
    word("violation", layout.violationBase, ViolationField.count),
    ...workers,
    word("vcpuOwner", layout.vcpuOwnerBase, vms * vcpus),
    word("ring", layout.ringBase, cpus * RING_EVENTS * RingField.count),
    big("guest", layout.guestBase, cpus),
    big("owner", layout.ownerBase, 2 ** bits),
    ...(tlbModel ? [big("tlb", layout.tlbBase, cpus * 2 ** bits)] : []),
    big("ringIds", layout.ringIdBase, cpus * RING_EVENTS),
  ];
}

const linesOf = (region: Region): [number, number] => [
  Math.floor(region.start / CACHE_LINE_BYTES),
  Math.floor((region.end - 1) / CACHE_LINE_BYTES),
];

/** Regions every CPU reads or writes at every event, or that one worker writes all the time. */
const OWN_LINE = /^(stop|flushEpoch|violation|worker\[\d+\])$/;

describe("runtimeLayout", () => {
  for (const tlbModel of [true, false]) {
    for (const [bits, cpus, threads, vms, vcpus] of tlbModel ? WITH_TLB : CONFIGS) {
      const name = `bits ${bits}, ${cpus} CPUs, ${threads} threads, ${vms} VMs x ${vcpus}, tlbModel ${tlbModel}`;

      // Proves the regions of both views are disjoint, inside the buffer, each starting on a
      // cache line, and that the stop word, the flush epoch, the violation record and each
      // worker's words have lines of their own (no false sharing with anything else).
      test(`regions are disjoint, line-aligned and inside the buffer (${name})`, () => {
        const layout = runtimeLayout(bits, cpus, threads, vms, vcpus, tlbModel);
        const regions = regionsOf(layout, bits, cpus, threads, vms, vcpus, tlbModel);

        assert.equal(layout.byteLength % CACHE_LINE_BYTES, 0);
        assert.equal(layout.bigBase, layout.int32Length * 4, "the BigInt64 view follows");
        assert.equal(layout.byteLength, layout.bigBase + layout.bigLength * 8);
        for (const region of regions) {
          assert.ok(region.end > region.start, `${region.name} is empty`);
          assert.equal(region.start % CACHE_LINE_BYTES, 0, `${region.name} starts mid-line`);
          const limit = region.start < layout.bigBase ? layout.bigBase : layout.byteLength;
          assert.ok(region.end <= limit, `${region.name} ends at ${region.end} > ${limit}`);
        }

        const sorted = [...regions].sort((a, b) => a.start - b.start);
        for (let i = 1; i < sorted.length; i++) {
          assert.ok(
            sorted[i - 1].end <= sorted[i].start,
            `${sorted[i - 1].name} [${sorted[i - 1].start}, ${sorted[i - 1].end}) overlaps ${sorted[i].name} at ${sorted[i].start}`,
          );
        }

        for (const region of regions.filter((r) => OWN_LINE.test(r.name))) {
          const [first, last] = linesOf(region);
          assert.equal(first, last, `${region.name} spans several lines`);
          for (const other of regions) {
            if (other === region) continue;
            const [otherFirst, otherLast] = linesOf(other);
            assert.ok(
              otherLast < first || otherFirst > last,
              `${region.name} shares line ${first} with ${other.name}`,
            );
          }
        }
      });
    }
  }

  // Proves the per-worker stride is one line and the fixed records fit in one line each, so
  // the "own line" property above holds for any thread count, not only the configs listed.
  test("one line per worker; the violation record and worker fields fit in a line", () => {
    const layout = runtimeLayout(8, 8, 4, 400, 2);
    assert.equal(layout.workerStride * 4, CACHE_LINE_BYTES);
    assert.ok(Object.keys(WorkerField).length <= CACHE_LINE_BYTES / 4);
    assert.ok(ViolationField.count <= CACHE_LINE_BYTES / 4);
  });

  // Proves --no-tlb-model removes exactly the TLB region, cpus x 2^bits slots of 8 bytes
  // rounded up to whole lines (8 slots a line), and changes nothing else: 8 CPUs x 2^8 = 2048
  // slots = 16,384 bytes; 3 CPUs x 2^5 = 96 slots = 768 bytes; 6 CPUs x 2^3 = 48 slots = 384
  // bytes (whole lines already); 1 CPU x 2^2 = 4 slots, rounded up to a line of 8 = 64 bytes.
  test("without the TLB model the layout is the same minus the TLB region", () => {
    for (const [bits, cpus, threads, vms, vcpus, saved] of [
      [8, 8, 4, 400, 2, 16_384],
      [5, 3, 1, 100, 1, 768],
      [3, 6, 4, 3, 2, 384],
      [2, 1, 1, 1, 1, 64],
    ]) {
      const withTlb = runtimeLayout(bits, cpus, threads, vms, vcpus, true);
      const without = runtimeLayout(bits, cpus, threads, vms, vcpus, false);
      assert.equal(withTlb.byteLength - without.byteLength, saved);
      assert.equal(without.tlbBase, without.ringIdBase, "no slot between tlbBase and ringIdBase");
      assert.deepEqual(
        { ...without, ringIdBase: 0, bigLength: 0, byteLength: 0 },
        { ...withTlb, ringIdBase: 0, bigLength: 0, byteLength: 0 },
      );
    }
  });

  // Proves the layout describes a buffer both views can actually be made over (a BigInt64Array
  // needs a byte offset that is a multiple of 8 and must fit in the buffer).
  test("both views can be made over a buffer of byteLength", () => {
    for (const [bits, cpus, threads, vms, vcpus] of CONFIGS.slice(0, 5)) {
      for (const tlbModel of [true, false]) {
        const layout = runtimeLayout(bits, cpus, threads, vms, vcpus, tlbModel);
        const buffer = new SharedArrayBuffer(layout.byteLength);
        assert.equal(new Int32Array(buffer, 0, layout.int32Length).length, layout.int32Length);
        const big = new BigInt64Array(buffer, layout.bigBase, layout.bigLength);
        assert.equal(big.byteOffset + big.byteLength, layout.byteLength);
      }
    }
  });
});
