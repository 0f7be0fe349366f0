import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { VmidInputError } from "../../../src/core/VmidInputError.js";
import {
  CACHE_LINE_BYTES,
  type SharedLayout,
  sharedLayout,
} from "../../../src/mem/sharedLayout.js";
import { createSharedMemory, sharedMemoryView } from "../../../src/mem/sharedMemory.js";
import { LockedWord } from "../../../src/mem/VmidMemory.js";

/** (bits, cpus, vmCapacity): the smallest, typical hardware widths, many CPUs, odd sizes. */
const CONFIGS: readonly (readonly [number, number, number])[] = [
  [2, 1, 1],
  [2, 2, 8],
  [3, 6, 5],
  [5, 3, 100],
  [8, 4, 1000],
  [8, 200, 3],
  [16, 64, 4097],
  [24, 1, 1],
];

interface Region {
  readonly name: string;
  /** Byte range [start, end). */
  readonly start: number;
  readonly end: number;
}

/** Every piece of state as a byte range of the buffer, from the layout's indices. */
function regionsOf(layout: SharedLayout): Region[] {
  const big = (name: string, index: number, count: number): Region => ({
    name,
    start: index * 8,
    end: (index + count) * 8,
  });
  const word = (name: string, index: number, count: number): Region => ({
    name,
    start: layout.int32Base + index * 4,
    end: layout.int32Base + (index + count) * 4,
  });
  const active = Array.from({ length: layout.cpus }, (_, cpu) =>
    big(`active[${cpu}]`, layout.activeBase + cpu * layout.activeStride, 1),
  );
  return [
    big("generation", layout.generation, 1),
    ...active,
    big("reserved", layout.reservedBase, layout.cpus),
    big("vmIds", layout.vmIdBase, layout.vmCapacity),
    word("lock", layout.lock, 1),
    word("lockedWords", layout.lockedWordsBase, LockedWord.count),
    word("bitmap", layout.bitmapBase, layout.bitmapWords),
    word("index keys", layout.indexKeysBase, layout.indexSize),
    word("index heads", layout.indexHeadsBase, layout.indexSize),
    word("index next", layout.indexNextBase, layout.cpus),
    word("flush pending", layout.flushPendingBase, layout.flushPendingWords),
    word("pinned map", layout.pinnedMapBase, layout.bitmapWords),
    word("pin counts", layout.pinCountBase, layout.vmCapacity),
  ];
}

const lineOf = (byte: number): number => Math.floor(byte / CACHE_LINE_BYTES);

for (const [bits, cpus, vmCapacity] of CONFIGS) {
  describe(`sharedLayout(bits ${bits}, cpus ${cpus}, vmCapacity ${vmCapacity})`, () => {
    const layout = sharedLayout(bits, cpus, vmCapacity);
    const regions = regionsOf(layout);

    test("regions do not overlap and the buffer covers them all", () => {
      const sorted = [...regions].sort((x, y) => x.start - y.start);
      for (let i = 1; i < sorted.length; i++) {
        const [previous, next] = [sorted[i - 1], sorted[i]];
        assert.ok(previous.end <= next.start, `${previous.name} overlaps ${next.name}`);
      }
      for (const region of regions) {
        assert.ok(region.end > region.start, `${region.name} is empty`);
        assert.ok(region.end <= layout.byteLength, `${region.name} ends past byteLength`);
      }
      // The BigInt64 view ends where the Int32 view begins; the Int32 view ends the buffer.
      const lastBig = Math.max(
        ...regions.filter((r) => r.start < layout.int32Base).map((r) => r.end),
      );
      assert.ok(lastBig <= layout.int32Base);
      assert.equal(layout.int32Base + layout.int32Length * 4, layout.byteLength);
      assert.equal(layout.byteLength % CACHE_LINE_BYTES, 0);
    });

    test("every region starts on a cache line (the indexed strategy's table is one region)", () => {
      for (const region of regions) {
        if (region.name === "index heads" || region.name === "index next") continue;
        assert.equal(region.start % CACHE_LINE_BYTES, 0, `${region.name} starts mid-line`);
      }
      // heads and next are packed right after keys: one region, touched under the lock only.
      assert.equal(layout.indexHeadsBase, layout.indexKeysBase + layout.indexSize);
      assert.equal(layout.indexNextBase, layout.indexHeadsBase + layout.indexSize);
    });

    test("each active slot, the generation and the lock word have a 64-byte line of their own", () => {
      const alone = regions.filter(
        (r) => r.name === "generation" || r.name === "lock" || r.name.startsWith("active["),
      );
      assert.equal(alone.length, cpus + 2);
      for (const region of alone) {
        const line = lineOf(region.start);
        assert.equal(lineOf(region.end - 1), line);
        for (const other of regions) {
          if (other === region) continue;
          const shares = lineOf(other.start) <= line && line <= lineOf(other.end - 1);
          assert.ok(!shares, `${region.name} shares line ${line} with ${other.name}`);
        }
      }
    });

    test("sizes: N bits of bitmap, an index table of a power of two >= 2 x cpus", () => {
      assert.ok(layout.bitmapWords * 32 >= 2 ** bits);
      assert.ok((layout.bitmapWords - 1) * 32 < 2 ** bits);
      assert.ok(layout.indexSize >= 2 * cpus);
      assert.equal(layout.indexSize & (layout.indexSize - 1), 0);
      // The layout crosses to workers as workerData: a plain object survives the clone.
      assert.deepEqual(structuredClone(layout), layout);
    });

    test("a value written to every slot through one view reads back through another", () => {
      const memory = createSharedMemory(bits, cpus, vmCapacity);
      // Initial state: generation N, curIdx 1, index next links -1, everything else 0.
      assert.equal(memory.loadGeneration(), BigInt(2 ** bits));
      assert.equal(memory.lockedWords[LockedWord.curIdx], 1);
      assert.ok(memory.reservedIndex.next.every((link) => link === -1));
      assert.equal(memory.loadActive(cpus - 1), 0n);
      assert.equal(memory.loadVmId(vmCapacity), 0n);

      // Distinct markers everywhere: any two slots sharing bytes would clobber one of them.
      let marker = 1000;
      const next = () => marker++;
      memory.storeGeneration(BigInt(next()));
      for (let cpu = 0; cpu < cpus; cpu++) memory.storeActive(cpu, BigInt(next()));
      for (let cpu = 0; cpu < cpus; cpu++) memory.reserved[cpu] = BigInt(next());
      for (let vm = 1; vm <= vmCapacity; vm++) memory.storeVmId(vm, BigInt(next()));
      for (let vm = 1; vm <= vmCapacity; vm++) memory.storePinCount(vm, next());
      const wordArrays = [
        memory.lockedWords,
        memory.bitmap,
        memory.pinnedMap,
        memory.flushPending,
        memory.reservedIndex.keys,
        memory.reservedIndex.heads,
        memory.reservedIndex.next,
      ];
      for (const array of wordArrays) for (let i = 0; i < array.length; i++) array[i] = next();
      memory.lock(); // the lock word: 1

      const other = sharedMemoryView(memory.buffer, layout);
      marker = 1000;
      assert.equal(other.loadGeneration(), BigInt(next()));
      for (let cpu = 0; cpu < cpus; cpu++) assert.equal(other.loadActive(cpu), BigInt(next()));
      for (let cpu = 0; cpu < cpus; cpu++) assert.equal(other.reserved[cpu], BigInt(next()));
      for (let vm = 1; vm <= vmCapacity; vm++) assert.equal(other.loadVmId(vm), BigInt(next()));
      for (let vm = 1; vm <= vmCapacity; vm++) assert.equal(other.loadPinCount(vm), next());
      const otherArrays = [
        other.lockedWords,
        other.bitmap,
        other.pinnedMap,
        other.flushPending,
        other.reservedIndex.keys,
        other.reservedIndex.heads,
        other.reservedIndex.next,
      ];
      for (const [k, array] of otherArrays.entries()) {
        assert.equal(array.length, wordArrays[k].length);
        for (let i = 0; i < array.length; i++) assert.equal(array[i], next());
      }
      const words = new Int32Array(memory.buffer, layout.int32Base, layout.int32Length);
      assert.equal(words[layout.lock], 1);
      other.unlock();
      assert.equal(words[layout.lock], 0);
    });
  });
}

describe("createSharedMemory", () => {
  test("refuses what the allocator would refuse, and a VM capacity below 1, before allocating", () => {
    // 2^2 - 1 = 3 usable ids for 3 CPUs; 25 bits is past the maximum of 24; 4097 CPUs past 4096.
    for (const [bits, cpus, vmCapacity] of [
      [2, 3, 8],
      [25, 4, 8],
      [8, 4097, 8],
      [8, 4, 0],
      [8, 4, 1.5],
    ]) {
      assert.throws(() => createSharedMemory(bits, cpus, vmCapacity), VmidInputError);
    }
  });
});

describe("sharedMemoryView", () => {
  test("rejects a buffer whose size is not the layout's", () => {
    const layout = sharedLayout(2, 2, 8);
    assert.throws(
      () => sharedMemoryView(new SharedArrayBuffer(layout.byteLength + 64), layout),
      RangeError,
    );
  });
});
