import type { StatePacker } from "./StatePacker.js";

/** States per chunk of the store's arrays (grown chunk by chunk, never copied). */
const CHUNK_STATES = 1 << 20;

/** Slots of the table at first; it grows 4x while small, then 2x (see grow). */
const INITIAL_SLOTS = 1 << 16;

/**
 * The explored states, packed: each state's words and its BFS parent, in chunked typed
 * arrays, and an open-addressing hash table (linear probing, at most three quarters full) for
 * membership. Each table slot holds a state's index and its 32-bit hash beside it, so a probe
 * compares hashes and reads a packed state only when the hashes agree, and growing the table
 * rehashes from the stored hashes without reading any state. Memory is about
 * (4 x words + 4) bytes per state plus 8 bytes per slot (1.33 to 2.67 slots per state once
 * the table grows by 2x), with no per-state object. Three quarters rather than half full: a
 * probe's extra slots are mostly in the cache line already read, and the table is a third
 * smaller (measured: 1-2% more CPU time, 37% less peak memory for 9.3M states).
 */
export class StateStore {
  private readonly words: number;
  private readonly chunks: Uint32Array[] = [];
  private readonly parentChunks: Int32Array[] = [];
  /** Slot s: [2s] = state index + 1 (0 = empty), [2s + 1] = the state's hash. */
  private table: Int32Array;
  private mask: number;
  /** States stored. */
  size = 0;
  /** What the last {@link touch} read, combined; meaningless, kept so the reads happen. */
  touched = 0;

  constructor(words: number) {
    this.words = words;
    this.table = writtenTable(INITIAL_SLOTS);
    this.mask = INITIAL_SLOTS - 1;
  }

  /** Adds a packed state unless present; returns whether it was new. */
  add(packed: Uint32Array, parent: number): boolean {
    return this.addHashed(packed, 0, this.hash(packed, 0), parent);
  }

  /**
   * Adds the packed state at `offset` in `packed`, whose {@link hash} is `hash`, unless
   * present; returns whether it was new.
   */
  addHashed(packed: Uint32Array, offset: number, hash: number, parent: number): boolean {
    const table = this.table;
    const mask = this.mask;
    let slot = hash & mask;
    for (;;) {
      const entry = table[2 * slot];
      if (entry === 0) break;
      if (table[2 * slot + 1] === hash && this.equalsAt(entry - 1, packed, offset)) return false;
      slot = (slot + 1) & mask;
    }
    const index = this.size++;
    const chunk = index >>> 20;
    if (chunk === this.chunks.length) {
      this.chunks.push(new Uint32Array(CHUNK_STATES * this.words));
      this.parentChunks.push(new Int32Array(CHUNK_STATES));
    }
    const within = index & (CHUNK_STATES - 1);
    const words = this.chunks[chunk];
    const at = within * this.words;
    for (let i = 0; i < this.words; i++) words[at + i] = packed[offset + i];
    this.parentChunks[chunk][within] = parent;
    table[2 * slot] = index + 1;
    table[2 * slot + 1] = hash;
    if (this.size * 4 > (mask + 1) * 3) this.grow();
    return true;
  }

  /**
   * Reads, without changing anything, the memory that adding the packed states whose hashes
   * are `hashes[from..count)` will read first: each one's home slot, then the state stored
   * there when its hash agrees. The loads of one pass do not depend on each other, so the
   * processor overlaps their cache misses, which one add at a time cannot: a lookup in a
   * table larger than the caches is a miss or two, and misses are most of its cost.
   */
  touch(hashes: Int32Array, count: number, from = 0): void {
    const table = this.table;
    const mask = this.mask;
    let seen = 0;
    for (let i = from; i < count; i++) seen ^= table[2 * (hashes[i] & mask)];
    for (let i = from; i < count; i++) {
      const slot = hashes[i] & mask;
      const entry = table[2 * slot];
      if (entry !== 0 && table[2 * slot + 1] === hashes[i]) {
        const index = entry - 1;
        seen ^= this.chunks[index >>> 20][(index & (CHUNK_STATES - 1)) * this.words];
      }
    }
    this.touched = seen; // a store the compiler must keep, and with it the loads
  }

  /** The words of state `index` and their offset in them. */
  wordsOf(index: number): { readonly words: Uint32Array; readonly offset: number } {
    return { words: this.chunks[index >>> 20], offset: (index & (CHUNK_STATES - 1)) * this.words };
  }

  /** Unpacks state `index` into `out` (no allocation). */
  unpack(packer: StatePacker, index: number, out: Int32Array): void {
    packer.unpack(this.chunks[index >>> 20], (index & (CHUNK_STATES - 1)) * this.words, out);
  }

  parentOf(index: number): number {
    return this.parentChunks[index >>> 20][index & (CHUNK_STATES - 1)];
  }

  /** Whether state `index` equals `packed`. */
  equals(index: number, packed: Uint32Array): boolean {
    return this.equalsAt(index, packed, 0);
  }

  /** Whether state `index` equals the packed state at `offset` in `packed`. */
  private equalsAt(index: number, packed: Uint32Array, offset: number): boolean {
    const words = this.chunks[index >>> 20];
    const at = (index & (CHUNK_STATES - 1)) * this.words;
    for (let i = 0; i < this.words; i++) if (words[at + i] !== packed[offset + i]) return false;
    return true;
  }

  /** Bytes held by the store's arrays. */
  byteSize(): number {
    return this.chunks.length * CHUNK_STATES * (4 * this.words + 4) + this.table.byteLength;
  }

  /**
   * A 32-bit hash of the packed state at `offset` in `words` (MurmurHash3's mixing; an int32,
   * as the table stores it).
   */
  hash(words: Uint32Array, offset: number): number {
    let h = 0x9747b28c;
    for (let i = 0; i < this.words; i++) {
      let k = Math.imul(words[offset + i], 0xcc9e2d51);
      k = (k << 15) | (k >>> 17);
      h ^= Math.imul(k, 0x1b873593);
      h = (h << 13) | (h >>> 19);
      h = (Math.imul(h, 5) + 0xe6546b64) | 0;
    }
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    return h ^ (h >>> 16);
  }

  /**
   * Doubles the table (quadruples it below 2^22 slots, where a rehash is cheap and frequent),
   * re-inserting every entry by its stored hash.
   */
  private grow(): void {
    const old = this.table;
    const slots = this.mask + 1;
    const newSlots = slots < 1 << 22 ? slots * 4 : slots * 2;
    const table = writtenTable(newSlots);
    const mask = newSlots - 1;
    for (let s = 0; s < slots; s++) {
      const entry = old[2 * s];
      if (entry === 0) continue;
      const hash = old[2 * s + 1];
      let slot = hash & mask;
      while (table[2 * slot] !== 0) slot = (slot + 1) & mask;
      table[2 * slot] = entry;
      table[2 * slot + 1] = hash;
    }
    this.table = table;
    this.mask = mask;
  }
}

/**
 * A zeroed table of `slots` slots, every page of it written once. A new typed array's pages
 * are mapped on first touch, and a probe's first touch of a page is a read: the kernel maps
 * the shared zero page, and the first store to the page then faults again to copy it. In a
 * process with several threads (exploreParallel's workers) that second fault also flushes
 * the other processors' TLBs (one interrupt each: measured, 118,000 TLB shootdowns for two
 * 10-million-state searches in two workers of one process, 500 in two processes). Writing
 * every page first makes each page one fault, with no flush.
 */
function writtenTable(slots: number): Int32Array {
  const table = new Int32Array(2 * slots);
  table.fill(0);
  return table;
}
