import type { StatePacker } from "./StatePacker.js";

/** States per chunk of the store's arrays (grown chunk by chunk, never copied). */
const CHUNK_STATES = 1 << 20;

/**
 * The explored states, packed: each state's words, its BFS parent and depth, in chunked typed
 * arrays, and an open-addressing hash table of state indices for membership. Memory is about
 * (4 x words + 6) bytes per state plus the table, with no per-state object.
 */
export class StateStore {
  private readonly words: number;
  private readonly chunks: Uint32Array[] = [];
  private readonly parentChunks: Int32Array[] = [];
  private readonly depthChunks: Uint16Array[] = [];
  private table: Int32Array;
  private mask: number;
  /** States stored. */
  size = 0;

  constructor(words: number) {
    this.words = words;
    this.table = new Int32Array(1 << 20);
    this.mask = this.table.length - 1;
  }

  /** Adds a packed state unless present; returns whether it was new. */
  add(packed: Uint32Array, parent: number, depth: number): boolean {
    let slot = this.hash(packed, 0) & this.mask;
    for (;;) {
      const entry = this.table[slot];
      if (entry === 0) break;
      if (this.equals(entry - 1, packed)) return false;
      slot = (slot + 1) & this.mask;
    }
    const index = this.size++;
    const chunk = index >>> 20;
    if (chunk === this.chunks.length) {
      this.chunks.push(new Uint32Array(CHUNK_STATES * this.words));
      this.parentChunks.push(new Int32Array(CHUNK_STATES));
      this.depthChunks.push(new Uint16Array(CHUNK_STATES));
    }
    const within = index & (CHUNK_STATES - 1);
    this.chunks[chunk].set(packed, within * this.words);
    this.parentChunks[chunk][within] = parent;
    if (depth > 0xffff) throw new Error("internal error: BFS depth beyond 65535");
    this.depthChunks[chunk][within] = depth;
    this.table[slot] = index + 1;
    if (this.size * 2 > this.table.length) this.grow();
    return true;
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

  /** BFS depth of state `index`. */
  depthOf(index: number): number {
    return this.depthChunks[index >>> 20][index & (CHUNK_STATES - 1)];
  }

  /** Whether state `index` equals `packed`. */
  equals(index: number, packed: Uint32Array): boolean {
    const { words, offset } = this.wordsOf(index);
    for (let i = 0; i < this.words; i++) if (words[offset + i] !== packed[i]) return false;
    return true;
  }

  /** Bytes held by the store's arrays. */
  byteSize(): number {
    return this.chunks.length * CHUNK_STATES * (4 * this.words + 6) + this.table.byteLength;
  }

  private hash(words: Uint32Array, offset: number): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < this.words; i++) {
      h = Math.imul(h ^ words[offset + i], 0x01000193);
      h ^= h >>> 15;
    }
    return Math.imul(h, 0x2c1b3c6d) >>> 0;
  }

  private grow(): void {
    this.table = new Int32Array(this.table.length * 2);
    this.mask = this.table.length - 1;
    for (let index = 0; index < this.size; index++) {
      const { words, offset } = this.wordsOf(index);
      let slot = this.hash(words, offset) & this.mask;
      while (this.table[slot] !== 0) slot = (slot + 1) & this.mask;
      this.table[slot] = index + 1;
    }
  }
}
