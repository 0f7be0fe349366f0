/**
 * The VMID bitmap over Int32 words: bit i lives in word `i >> 5` at position `i & 31`.
 * Only the lock holder calls these, so plain accesses suffice on every backend.
 */

/** Index of the lowest set bit of a non-zero word (count of trailing zeros). */
function lowestSetBit(word: number): number {
  return 31 - Math.clz32(word & -word);
}

/**
 * The first clear bit in `[from, size)`, or `size` when there is none: like the kernel's
 * `find_next_zero_bit`, it does not wrap around to bits below `from`.
 */
export function findNextZeroBit(words: Int32Array, size: number, from: number): number {
  if (from >= size) return size;
  let wordIndex = from >>> 5;
  // Treat the bits below `from` in its word as set so the search starts at `from`.
  let free = ~words[wordIndex] & (-1 << (from & 31));
  const lastWord = (size - 1) >>> 5;
  while (free === 0) {
    wordIndex++;
    if (wordIndex > lastWord) return size;
    free = ~words[wordIndex];
  }
  const found = (wordIndex << 5) + lowestSetBit(free);
  return Math.min(found, size);
}

/** Sets bit i; returns whether it was already set (the kernel's `__test_and_set_bit`). */
export function testAndSetBit(words: Int32Array, i: number): boolean {
  const mask = 1 << (i & 31);
  const word = words[i >>> 5];
  words[i >>> 5] = word | mask;
  return (word & mask) !== 0;
}

/** Sets bit i. */
export function setBit(words: Int32Array, i: number): void {
  words[i >>> 5] |= 1 << (i & 31);
}

/** Clears bit i. */
export function clearBit(words: Int32Array, i: number): void {
  words[i >>> 5] &= ~(1 << (i & 31));
}

/** Whether bit i is set. */
export function testBit(words: Int32Array, i: number): boolean {
  return (words[i >>> 5] & (1 << (i & 31))) !== 0;
}

/** Clears every bit (the kernel's `bitmap_clear(map, 0, N)`). */
export function clearBitmap(words: Int32Array): void {
  words.fill(0);
}
