import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { StateStore } from "../../../src/check/StateStore.js";

/** Packed state number `i` of a 3-word store: distinct for distinct i (word 0 is i). */
function packedState(i: number): Uint32Array {
  return Uint32Array.of(i, Math.imul(i, 7) >>> 0, ~i >>> 0);
}

describe("StateStore", () => {
  test("adds each distinct state once, across table growth, keeping words and parent", () => {
    // 50,000 states: the table starts at 2^16 slots, at most three quarters full, so it grows
    // (4x) once the 49,153rd state is added; every state must still be found afterwards.
    const store = new StateStore(3);
    const count = 50_000;
    for (let i = 0; i < count; i++) {
      assert.equal(store.add(packedState(i), i - 1), true, `state ${i} is new`);
    }
    assert.equal(store.size, count);
    for (let i = 0; i < count; i++) {
      assert.equal(store.add(packedState(i), 0), false, `state ${i} is already stored`);
    }
    assert.equal(store.size, count, "duplicates add nothing");
    for (const i of [0, 1, 49_152, 49_153, count - 1]) {
      const { words, offset } = store.wordsOf(i);
      assert.deepEqual(Array.from(words.subarray(offset, offset + 3)), Array.from(packedState(i)));
      assert.equal(store.parentOf(i), i - 1);
      assert.equal(store.equals(i, packedState(i)), true);
      assert.equal(store.equals(i, packedState(i + 1)), false);
    }
  });

  test("states whose hashes agree are told apart by their words", () => {
    // Four distinct states per hash value (i >> 2): a lookup finds a stored entry with the
    // same hash three times out of four and must compare the words to tell new from old.
    // 60,000 states also cross a growth (at 49,153), which rehashes from the stored hashes.
    const store = new StateStore(3);
    const hashOf = (i: number) => Math.imul(i >> 2, 0x9e3779b1);
    const count = 60_000;
    for (let i = 0; i < count; i++) {
      assert.equal(store.addHashed(packedState(i), 0, hashOf(i), -1), true, `state ${i}`);
    }
    for (let i = 0; i < count; i++) {
      assert.equal(store.addHashed(packedState(i), 0, hashOf(i), -1), false, `state ${i}`);
    }
    assert.equal(store.size, count);
  });

  test("addHashed reads the state at its offset; touch changes nothing", () => {
    const store = new StateStore(3);
    const batch = new Uint32Array(9);
    const hashes = new Int32Array(3);
    for (let i = 0; i < 3; i++) {
      batch.set(packedState(10 + i), 3 * i);
      hashes[i] = store.hash(batch, 3 * i);
      // The same hash as the one add computes for the state on its own.
      assert.equal(hashes[i], store.hash(packedState(10 + i), 0));
    }
    store.add(packedState(11), -1);
    store.touch(hashes, 3);
    assert.equal(store.size, 1);
    const added = [0, 1, 2].map((i) => store.addHashed(batch, 3 * i, hashes[i], 0));
    assert.deepEqual(added, [true, false, true], "state 11 was there already");
    assert.equal(store.size, 3);
    assert.equal(store.equals(1, packedState(10)), true, "index 1: state 10, added second");
  });
});
