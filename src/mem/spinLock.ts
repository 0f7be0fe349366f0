/** Lock word states. */
const FREE = 0;
const HELD = 1;
const HELD_WITH_WAITERS = 2;

/** Compare-and-swap attempts before a waiter sleeps in `Atomics.wait`. */
export const SPIN_LIMIT = 128;

/**
 * Takes the lock in `words[index]`: compare-and-swap test-and-set, spinning up to
 * SPIN_LIMIT times, then sleeping in `Atomics.wait` (a futex) until `releaseSpinLock`
 * notifies. Mirrors `raw_spin_lock_irqsave(&cpu_vmid_lock)`; a worker thread may sleep where
 * a kernel CPU would spin, which only changes timing.
 *
 * Interleavings guarded against:
 * - two CPUs both seeing the lock free: only one compare-and-swap from FREE succeeds;
 * - a lost wake-up: a waiter first exchanges the word to HELD_WITH_WAITERS and sleeps only
 *   while it still reads that value (`Atomics.wait` checks and sleeps atomically), so a
 *   release between the exchange and the wait makes the wait return at once; and a release
 *   that finds HELD_WITH_WAITERS always notifies. The word stays HELD_WITH_WAITERS after a
 *   waiter gets the lock (it cannot know whether others sleep), which costs at most one
 *   spurious notify.
 * Atomics operations are sequentially consistent, so everything the previous holder wrote
 * under the lock (plain or atomic) is visible to the next holder.
 */
export function acquireSpinLock(words: Int32Array, index: number): void {
  if (Atomics.compareExchange(words, index, FREE, HELD) === FREE) return;
  for (let spin = 0; spin < SPIN_LIMIT; spin++) {
    if (Atomics.compareExchange(words, index, FREE, HELD) === FREE) return;
  }
  while (Atomics.exchange(words, index, HELD_WITH_WAITERS) !== FREE) {
    Atomics.wait(words, index, HELD_WITH_WAITERS);
  }
}

/** Releases the lock in `words[index]`, waking one sleeper if any may be waiting. */
export function releaseSpinLock(words: Int32Array, index: number): void {
  if (Atomics.exchange(words, index, FREE) === HELD_WITH_WAITERS) Atomics.notify(words, index, 1);
}
