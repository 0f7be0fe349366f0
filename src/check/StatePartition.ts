import { CanonicalKey } from "./CanonicalKey.js";
import type { CheckOptions } from "./CheckOptions.js";
import { type InvariantName, invariantChecker } from "./invariants.js";
import { initialState, type ModelLayout } from "./ModelLayout.js";
import { StateStore } from "./StateStore.js";
import { SuccessorBatch } from "./SuccessorBatch.js";
import { forEachSuccessor, type StepModel } from "./stepModel.js";
import { stepModelOf } from "./stepModelOf.js";

/**
 * States expanded per batch (see expandLevel): enough successors per batch for their
 * lookups' cache misses to overlap, few enough for the buffers to stay in cache.
 */
const BATCH_STATES = 256;

/** Received successors stored per pass of touches (see receive). */
const RECEIVE_CHUNK = 1024;

/** The partition that owns the state whose key hashes to `hash`, of `parts` (high bits). */
export function ownerOf(hash: number, parts: number): number {
  return parts === 1 ? 0 : Math.floor(((hash >>> 0) * parts) / 2 ** 32);
}

/** What expanding one BFS level of a partition found. */
export interface LevelOutcome {
  /** States the partition held when the level began: its states at depths up to the level's. */
  readonly statesThroughLevel: number;
  /** States the partition held once the level's successors were stored. */
  readonly statesAfter: number;
  /** States of the level expanded (all of them unless a violation or maxStates stopped it). */
  readonly expanded: number;
  /** Successors of the expanded states, and how many of those states had a rollover cut. */
  readonly transitions: number;
  readonly cutTransitions: number;
  /** The first state of the level, in index order, violating an invariant (-1: none), and which. */
  readonly violationAt: number;
  readonly invariant: InvariantName | undefined;
  /** Whether maxStates (counted over every partition) stopped the level. */
  readonly hitMaxStates: boolean;
}

/** How a partition reaches the others (none when it is the only one). */
export interface PartitionLinks {
  /** Hands a successor owned by partition `owner` (never this one) on its way there. */
  send(owner: number, key: Uint32Array, hash: number, parent: number): void;
  /** States the other partitions hold, as far as this one knows. */
  statesElsewhere(): number;
  /** Tells the others how many states this partition holds. */
  publish(states: number): void;
  /** Called every 100,000 states expanded with the partition's states and the level's depth. */
  progress?(states: number, depth: number): void;
}

/**
 * One part of a breadth-first search's states: those whose canonical key's hash maps to it
 * (ownerOf), in a StateStore of its own, expanded level by level. A state's global id is
 * `local index x parts + partition`, so parent links cross partitions. With one partition
 * this is the whole sequential search (explore); with several, each runs on a worker thread
 * (exploreParallel), sending the successors it does not own to their owners.
 *
 * A level's successors are stored in a fixed order, so that indices, parents and the
 * counterexample do not depend on timing: first the partition's own, in expansion order
 * (while it expands), then those received from each other partition in ascending partition
 * order (receive), each in the order that partition sent them.
 */
export class StatePartition {
  readonly model: StepModel;
  readonly key: CanonicalKey;
  readonly store: StateStore;
  /** Depth of the level expanded next. */
  depth = 0;
  private readonly self: number;
  private readonly parts: number;
  private readonly links: PartitionLinks;
  private readonly maxStates: number;
  private readonly violated: (layout: ModelLayout, state: Int32Array) => InvariantName | undefined;
  /** Index of the first state of the level expanded next (the ones before are expanded). */
  private levelStart = 0;
  // Batch buffers, reused: the batch's own successors and, per state, where its own end,
  // how many successors it has in all, its violated invariant and whether a rollover was cut.
  private readonly own: SuccessorBatch;
  private readonly ownEnds = new Int32Array(BATCH_STATES);
  private readonly successorCounts = new Int32Array(BATCH_STATES);
  private readonly invariantOf: (InvariantName | undefined)[] = new Array(BATCH_STATES).fill(
    undefined,
  );
  private readonly cut = new Uint8Array(BATCH_STATES);
  private readonly state: Int32Array;
  private readonly scratch: Int32Array;
  /** The global id of the state being expanded, and its successors so far. */
  private parent = 0;
  private successors = 0;
  private readonly collect: (next: Int32Array) => void;

  /** Partition `self` of `parts`; holds the initial state if it owns it. */
  constructor(options: CheckOptions, self: number, parts: number, links: PartitionLinks) {
    this.model = stepModelOf(options);
    const { layout } = this.model;
    this.key = new CanonicalKey(layout, options.generations);
    this.store = new StateStore(this.key.packer.words);
    this.self = self;
    this.parts = parts;
    this.links = links;
    this.maxStates = options.maxStates;
    this.violated = invariantChecker(options.invariants);
    this.state = new Int32Array(layout.length);
    this.scratch = new Int32Array(layout.length);
    // Per CPU: V updates + put, V pins + V unpins with pins; + speculation.
    const perState = layout.cpus * (layout.vms * (layout.pins ? 3 : 1) + 2);
    this.own = new SuccessorBatch(this.key.packer.words, BATCH_STATES * perState);
    this.collect = (next) => {
      const packed = this.key.of(next);
      const hash = this.store.hash(packed, 0);
      this.successors++;
      const owner = ownerOf(hash, this.parts);
      if (owner !== this.self) this.links.send(owner, packed, hash, this.parent);
      else if (this.own.count === this.own.capacity)
        throw new Error("internal error: more successors per state than the batch allows");
      else this.own.push(packed, hash, this.parent);
    };
    const start = this.key.of(initialState(layout));
    const hash = this.store.hash(start, 0);
    if (ownerOf(hash, parts) === self) this.store.addHashed(start, 0, hash, -1);
  }

  /** The global id of local state `index`. */
  globalId(index: number): number {
    const id = index * this.parts + this.self;
    if (id > 0x7fffffff) throw new Error("internal error: more states than global ids hold");
    return id;
  }

  /**
   * Expands the level at {@link depth}: checks each of its states' invariants and computes
   * its successors, storing those it owns and sending the others (their owners store them
   * with {@link receive}). Stops at the first violating state, or once the states of every
   * partition reach maxStates: with one partition exactly where expanding one state at a
   * time would have; with several, counting the others' states as they were at the batch's
   * start.
   *
   * States are expanded in batches of up to BATCH_STATES consecutive ones, in three passes:
   * (1) for each state, check the invariants and compute its successors, canonical, packed
   * and hashed, into the batch buffers (or sent), without touching the store; (2) touch the
   * store's memory the own successors' lookups will read, all loads independent, so that
   * their cache misses overlap (StateStore.touch); (3) in order, stop at a violation or at
   * maxStates, else store the state's own successors. Pass 3 makes the same store calls in
   * the same order as one state at a time. Nothing is allocated per state.
   */
  expandLevel(): LevelOutcome {
    const { store, own, model, links } = this;
    const { layout } = model;
    const packer = this.key.packer;
    const words = packer.words;
    const levelEnd = store.size;
    const childDepth = this.depth + 1;
    let expanded = 0;
    let transitions = 0;
    let cutTransitions = 0;
    let violationAt = -1;
    let invariant: InvariantName | undefined;
    let hitMaxStates = false;
    let first = this.levelStart;
    batches: while (first < levelEnd) {
      const last = Math.min(levelEnd, first + BATCH_STATES);
      own.count = 0;
      for (let at = first; at < last; at++) {
        store.unpack(packer, at, this.state);
        this.invariantOf[at - first] = this.violated(layout, this.state);
        this.parent = this.globalId(at);
        this.successors = 0;
        this.cut[at - first] = forEachSuccessor(model, this.state, this.scratch, this.collect)
          ? 1
          : 0;
        this.ownEnds[at - first] = own.count;
        this.successorCounts[at - first] = this.successors;
      }
      store.touch(own.hashes, own.count);
      // The others' states, read once a batch (always 0 with one partition: exact).
      const elsewhere = links.statesElsewhere();
      let i = 0;
      for (let at = first; at < last; at++) {
        const violated = this.invariantOf[at - first];
        if (violated !== undefined) {
          violationAt = at;
          invariant = violated;
          break batches;
        }
        if (store.size + elsewhere >= this.maxStates) {
          hitMaxStates = true;
          break batches;
        }
        if (at % 100_000 === 0) links.progress?.(store.size, this.depth);
        expanded++;
        transitions += this.successorCounts[at - first];
        cutTransitions += this.cut[at - first];
        const end = this.ownEnds[at - first];
        for (; i < end; i++) store.addHashed(own.packed, i * words, own.hashes[i], own.parents[i]);
      }
      links.publish(store.size);
      first = last;
    }
    this.levelStart = levelEnd;
    this.depth = childDepth;
    return {
      statesThroughLevel: levelEnd,
      statesAfter: store.size,
      expanded,
      transitions,
      cutTransitions,
      violationAt,
      invariant,
      hitMaxStates,
    };
  }

  /**
   * Stores the successors of another partition's level (the one {@link expandLevel} last
   * expanded) that this one owns, in the batch's order; returns false when maxStates
   * stopped it.
   */
  receive(batch: SuccessorBatch): boolean {
    const { store } = this;
    const words = this.key.packer.words;
    for (let from = 0; from < batch.count; from += RECEIVE_CHUNK) {
      if (store.size + this.links.statesElsewhere() >= this.maxStates) return false;
      const to = Math.min(batch.count, from + RECEIVE_CHUNK);
      store.touch(batch.hashes, to, from);
      for (let i = from; i < to; i++)
        store.addHashed(batch.packed, i * words, batch.hashes[i], batch.parents[i]);
      this.links.publish(store.size);
    }
    return true;
  }

  /** The packed key of local state `index` (a copy) and its parent's global id (-1: none). */
  stateAt(index: number): { readonly key: Uint32Array; readonly parent: number } {
    const { words, offset } = this.store.wordsOf(index);
    return {
      key: words.slice(offset, offset + this.key.packer.words),
      parent: this.store.parentOf(index),
    };
  }
}
