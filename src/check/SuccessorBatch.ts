/**
 * Successors on their way into a store: for each, its packed canonical key, its hash and its
 * parent's global id (see StatePartition), in one ArrayBuffer, so that a batch can be
 * transferred to the worker thread owning its states without a copy.
 */
export class SuccessorBatch {
  readonly buffer: ArrayBuffer;
  /** Successor i's key: words [i x words, (i + 1) x words). */
  readonly packed: Uint32Array;
  readonly hashes: Int32Array;
  readonly parents: Int32Array;
  readonly capacity: number;
  /** Successors held. */
  count = 0;
  private readonly words: number;

  /** A batch of `capacity` successors of `words` words each, or a view of a received `buffer`. */
  constructor(words: number, capacity: number, buffer?: ArrayBuffer, count = 0) {
    this.words = words;
    this.capacity = capacity;
    this.buffer = buffer ?? new ArrayBuffer(capacity * (words + 2) * 4);
    this.packed = new Uint32Array(this.buffer, 0, capacity * words);
    this.hashes = new Int32Array(this.buffer, capacity * words * 4, capacity);
    this.parents = new Int32Array(this.buffer, capacity * (words + 1) * 4, capacity);
    this.count = count;
  }

  /** Appends a successor (the `words` words of `key` from 0); returns whether the batch is full. */
  push(key: Uint32Array, hash: number, parent: number): boolean {
    const i = this.count++;
    const offset = i * this.words;
    for (let w = 0; w < this.words; w++) this.packed[offset + w] = key[w];
    this.hashes[i] = hash;
    this.parents[i] = parent;
    return this.count === this.capacity;
  }
}
