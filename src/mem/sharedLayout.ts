import { roundUp } from "../_internal/roundUp.js";
import { type IdSpace, idSpace } from "../core/IdSpace.js";
import { reservedIndexSize } from "./reservedIndexSize.js";
import { LockedWord } from "./VmidMemory.js";

/** Bytes in a cache line; slots written by one CPU and read by others each get their own. */
export const CACHE_LINE_BYTES = 64;
const BIG_SLOTS_PER_LINE = CACHE_LINE_BYTES / 8;
const WORDS_PER_LINE = CACHE_LINE_BYTES / 4;

/**
 * Where every piece of allocator state lives in one SharedArrayBuffer. Two views share the
 * buffer: a BigInt64Array for 64-bit ids and an Int32Array for words. Indices below are in
 * elements of their view. Drawn for bits B, C CPUs and V VM slots:
 *
 * ```
 * BigInt64 view                                   Int32 view (starts at int32Base)
 * line 0       generation                         line 0        lock word
 * line 1..C    active[c], one per line            line 1        locked words (curIdx, stale count)
 * then         reserved[0..C-1], packed            then          bitmap: ceil(2^B / 32) words
 * then         vmId[0..V-1] (VM v in slot v-1)    then          pinned map: ceil(2^B / 32) words
 *                                                 then          indexed strategy: keys[T], heads[T],
 *                                                               next[C]   (T = reservedIndexSize(C))
 *                                                 then          flush-pending CPU mask: ceil(C / 32) words
 *                                                 then          pin counts: V words (VM v in word v-1)
 * ```
 *
 * Every region starts on a cache line. `active[c]` is on a line of its own because CPU c's
 * fast path compare-exchanges it on every update while rollovers on other CPUs exchange it;
 * `generation` and the lock word too, as every CPU reads them. Reservations, the bitmap and
 * the strategies' words, the pinned map and the pin counts are touched only under the lock
 * and are packed.
 */
export interface SharedLayout {
  /** VMID width the buffer was made for. */
  readonly bits: number;
  /** The id space (allocator, KPTI) the buffer was made for. */
  readonly space: IdSpace;
  /** CPU count the buffer was made for. */
  readonly cpus: number;
  /** VM slots: VMs 1..vmCapacity. */
  readonly vmCapacity: number;
  /** Total size of the buffer in bytes. */
  readonly byteLength: number;
  /** BigInt64 index of `vmid_generation`. */
  readonly generation: number;
  /** BigInt64 index of active[0]; active[c] is at `activeBase + c * activeStride`. */
  readonly activeBase: number;
  /** BigInt64 slots between two CPUs' active ids: one cache line. */
  readonly activeStride: number;
  /** BigInt64 index of reserved[0]; reserved[c] at `reservedBase + c`. */
  readonly reservedBase: number;
  /** BigInt64 index of VM 1's id; VM v at `vmIdBase + v - 1`. */
  readonly vmIdBase: number;
  /** Byte offset where the Int32 view begins. */
  readonly int32Base: number;
  /** Int32 index of the lock word (0 free, 1 held, 2 held with waiters). */
  readonly lock: number;
  /** Int32 index of the first LockedWord. */
  readonly lockedWordsBase: number;
  /** Int32 index and length of the bitmap. */
  readonly bitmapBase: number;
  readonly bitmapWords: number;
  /** Int32 index of the pinned map (`bitmapWords` long, like the bitmap). */
  readonly pinnedMapBase: number;
  /** The indexed strategy's table: T keys, T heads, then C next links. */
  readonly indexSize: number;
  readonly indexKeysBase: number;
  readonly indexHeadsBase: number;
  readonly indexNextBase: number;
  /** Int32 index and length of the deferred flush policy's pending CPU mask. */
  readonly flushPendingBase: number;
  readonly flushPendingWords: number;
  /** Int32 index of VM 1's pin count; VM v at `pinCountBase + v - 1`. */
  readonly pinCountBase: number;
  /** Int32 elements in the Int32 view. */
  readonly int32Length: number;
}

/**
 * Computes the layout for `bits`-bit ids, `cpus` CPUs and VMs 1..`vmCapacity`, in the id
 * space `space` (the VMID allocator's by default).
 */
export function sharedLayout(
  bits: number,
  cpus: number,
  vmCapacity: number,
  space: IdSpace = idSpace(bits),
): SharedLayout {
  const generation = 0;
  const activeBase = BIG_SLOTS_PER_LINE;
  const reservedBase = activeBase + cpus * BIG_SLOTS_PER_LINE;
  const vmIdBase = roundUp(reservedBase + cpus, BIG_SLOTS_PER_LINE);
  const bigSlots = roundUp(vmIdBase + vmCapacity, BIG_SLOTS_PER_LINE);
  const int32Base = bigSlots * 8;

  const lock = 0;
  const lockedWordsBase = WORDS_PER_LINE;
  const bitmapBase = roundUp(lockedWordsBase + LockedWord.count, WORDS_PER_LINE);
  const bitmapWords = Math.ceil(2 ** bits / 32);
  const pinnedMapBase = roundUp(bitmapBase + bitmapWords, WORDS_PER_LINE);
  const indexSize = reservedIndexSize(cpus);
  const indexKeysBase = roundUp(pinnedMapBase + bitmapWords, WORDS_PER_LINE);
  const indexHeadsBase = indexKeysBase + indexSize;
  const indexNextBase = indexHeadsBase + indexSize;
  const flushPendingBase = roundUp(indexNextBase + cpus, WORDS_PER_LINE);
  const flushPendingWords = Math.ceil(cpus / 32);
  const pinCountBase = roundUp(flushPendingBase + flushPendingWords, WORDS_PER_LINE);
  const int32Length = roundUp(pinCountBase + vmCapacity, WORDS_PER_LINE);

  return {
    bits,
    space,
    cpus,
    vmCapacity,
    byteLength: int32Base + int32Length * 4,
    generation,
    activeBase,
    activeStride: BIG_SLOTS_PER_LINE,
    reservedBase,
    vmIdBase,
    int32Base,
    lock,
    lockedWordsBase,
    bitmapBase,
    bitmapWords,
    pinnedMapBase,
    indexSize,
    indexKeysBase,
    indexHeadsBase,
    indexNextBase,
    flushPendingBase,
    flushPendingWords,
    pinCountBase,
    int32Length,
  };
}
