import { parentPort, workerData } from "node:worker_threads";
import {
  COUNTER_STRIDE,
  type LevelReply,
  type PartitionRequest,
  type PartitionWorkerData,
  type StateReply,
} from "./PartitionProtocol.js";
import { type LevelOutcome, type PartitionLinks, StatePartition } from "./StatePartition.js";
import { SuccessorBatch } from "./SuccessorBatch.js";

/** Successors per batch sent to another worker. */
const SEND_BATCH = 8192;

/**
 * A message between workers: a batch of successors, the end of the sender's level, or a
 * batch's buffer given back once stored (the sender reuses it instead of allocating one).
 */
type PeerMessage =
  | { readonly buffer: ArrayBuffer; readonly count: number }
  | { readonly end: true }
  | { readonly returned: ArrayBuffer };

/*
 * A worker of exploreParallel: owns one StatePartition. On "level" it expands its part of the
 * level, sending successors owned elsewhere to their owners' workers in batches (transferred,
 * not copied) and then an end mark; then it stores what the others sent, partition by
 * partition in ascending order (each one's batches arrive in the order sent), and replies
 * with the level's outcome once every other partition's end mark has come. On "state" it
 * replies with one of its states' key and parent (for the counterexample's path).
 */
const port = parentPort;
if (port === null) throw new Error("partitionWorker must run in a worker thread");
const { options, self, parts, counters, peers } = workerData as PartitionWorkerData;
// Filled once the partition exists (its key gives the words per state); nothing is sent before.
let outgoing: SuccessorBatch[] = [];
const links: PartitionLinks = {
  send(owner, key, hash, parent) {
    if (outgoing[owner].push(key, hash, parent)) sendBatch(owner);
  },
  statesElsewhere() {
    let states = 0;
    for (let p = 0; p < parts; p++)
      if (p !== self) states += Atomics.load(counters, p * COUNTER_STRIDE);
    return states;
  },
  publish(states) {
    Atomics.store(counters, self * COUNTER_STRIDE, states);
  },
};
const partition = new StatePartition(options, self, parts, links);
const words = partition.key.packer.words;
outgoing = peers.map(() => new SuccessorBatch(words, SEND_BATCH));
links.publish(partition.store.size);

/** Buffers given back by the other workers, to send the next batches in. */
const spare: ArrayBuffer[] = [];

function sendBatch(owner: number): void {
  const batch = outgoing[owner];
  const message: PeerMessage = { buffer: batch.buffer, count: batch.count };
  peers[owner]?.postMessage(message, [batch.buffer]);
  outgoing[owner] = new SuccessorBatch(words, SEND_BATCH, spare.pop());
}

// The level being stored: its expansion's outcome, the other partitions in the order their
// successors are stored, the next of them, and whether maxStates stopped the storing.
const sources = Array.from({ length: parts }, (_, p) => p).filter((p) => p !== self);
const inbox: PeerMessage[][] = peers.map(() => []);
let expandedOutcome: LevelOutcome | undefined;
let nextSource = 0;
let stopped = false;

function drain(): void {
  while (expandedOutcome !== undefined) {
    if (nextSource === sources.length) {
      const outcome: LevelOutcome = {
        ...expandedOutcome,
        statesAfter: partition.store.size,
        hitMaxStates: expandedOutcome.hitMaxStates || stopped,
      };
      expandedOutcome = undefined;
      const reply: LevelReply = { outcome, maxGenerations: partition.key.maxGenerations };
      port?.postMessage(reply);
      return;
    }
    const message = inbox[sources[nextSource]].shift();
    if (message === undefined) return; // more to come from that partition
    if ("end" in message) nextSource++;
    else if ("buffer" in message) {
      const batch = new SuccessorBatch(words, SEND_BATCH, message.buffer, message.count);
      if (!stopped && !partition.receive(batch)) stopped = true;
      const back: PeerMessage = { returned: message.buffer };
      peers[sources[nextSource]]?.postMessage(back, [message.buffer]);
    }
  }
}

for (const source of sources) {
  peers[source]?.on("message", (message: PeerMessage) => {
    if ("returned" in message) spare.push(message.returned);
    else {
      inbox[source].push(message);
      drain();
    }
  });
}

port.on("message", (request: PartitionRequest) => {
  if (request.type === "state") {
    const reply: StateReply = partition.stateAt(request.index);
    port.postMessage(reply);
    return;
  }
  const outcome = partition.expandLevel();
  for (const p of sources) {
    if (outgoing[p].count > 0) sendBatch(p);
    peers[p]?.postMessage({ end: true } satisfies PeerMessage);
  }
  expandedOutcome = outcome;
  nextSource = 0;
  stopped = false;
  drain();
});
