import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { acquireSpinLock, releaseSpinLock } from "../../../src/mem/spinLock.js";
import {
  type SpinCountJob,
  START,
  WAIT_TIMEOUT_MS,
  withWorkers,
} from "./_support/pausingMemory.js";

/** Int32 indices in the test buffer: the lock word and the counter on lines of their own. */
const LOCK = 0;
const COUNTER = 16;
const FREE = 0;
const HELD = 1;
const HELD_WITH_WAITERS = 2;

function lockBuffer(): { buffer: SharedArrayBuffer; words: Int32Array } {
  const buffer = new SharedArrayBuffer(2 * 64);
  return { buffer, words: new Int32Array(buffer) };
}

function countJob(buffer: SharedArrayBuffer, iterations: number): SpinCountJob {
  return { kind: "spinCount", buffer, lockIndex: LOCK, counterIndex: COUNTER, iterations };
}

/**
 * Waits until `condition()` holds, checking it again on every turn of the event loop (no
 * sleeping; the other thread makes progress on its own core). Fails after WAIT_TIMEOUT_MS.
 */
async function until(condition: () => boolean, failure: string): Promise<void> {
  const deadline = Date.now() + WAIT_TIMEOUT_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${failure} within ${WAIT_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe("spinLock", () => {
  test("one thread: FREE -> HELD -> FREE; a release that finds waiters marked is harmless", () => {
    const { words } = lockBuffer();
    acquireSpinLock(words, LOCK);
    assert.equal(words[LOCK], HELD);
    releaseSpinLock(words, LOCK);
    assert.equal(words[LOCK], FREE);
    // A waiter that got the lock leaves the word HELD_WITH_WAITERS: its release notifies
    // nobody and frees the lock all the same.
    words[LOCK] = HELD_WITH_WAITERS;
    releaseSpinLock(words, LOCK);
    assert.equal(words[LOCK], FREE);
    acquireSpinLock(words, LOCK);
    assert.equal(words[LOCK], HELD);
  });

  test("mutual exclusion: two workers x 200,000 plain increments under the lock count exactly", async () => {
    const { buffer, words } = lockBuffer();
    const iterations = 200_000;
    await withWorkers(async (spawn) => {
      const a = spawn("A", countJob(buffer, iterations));
      const b = spawn("B", countJob(buffer, iterations));
      await Promise.all([a.reach(START), b.reach(START)]);
      // Both start together: on two cores their critical sections contend throughout.
      a.release();
      b.release();
      await Promise.all([a.result(), b.result()]);
    });
    assert.equal(words[COUNTER], 2 * iterations);
    assert.equal(words[LOCK], FREE);
  });

  test("a worker that finds the lock held marks it HELD_WITH_WAITERS, sleeps, and the release wakes it", async () => {
    const { buffer, words } = lockBuffer();
    acquireSpinLock(words, LOCK); // the main thread holds the lock (it was free: no waiting)
    await withWorkers(async (spawn) => {
      const b = spawn("B", countJob(buffer, 1));
      await b.reach(START);
      b.release();

      // B's compare-and-swaps fail SPIN_LIMIT times; then it exchanges the word to 2.
      await until(
        () => Atomics.load(words, LOCK) === HELD_WITH_WAITERS,
        "B never marked the lock HELD_WITH_WAITERS",
      );
      // B sleeps in Atomics.wait on the word: a notify finds exactly one waiter. (Waking it is a
      // spurious wake-up for B: the lock is still held, so it marks the word and sleeps again.)
      await until(() => Atomics.notify(words, LOCK, 1) === 1, "B never slept on the lock word");
      assert.equal(words[COUNTER], 0); // B has not entered its critical section
      assert.equal(Atomics.load(words, LOCK), HELD_WITH_WAITERS);

      // The release finds HELD_WITH_WAITERS and notifies: B wakes, takes the lock, increments,
      // releases. (Had B not gone back to sleep yet, its wait returns at once: the word is 0.)
      releaseSpinLock(words, LOCK);
      await b.result();
    });
    assert.equal(words[COUNTER], 1);
    assert.equal(words[LOCK], FREE);
  });
});
