import type { IdSlots, ReservedIndexSlots, VmidMemory } from "../../src/mem/VmidMemory.js";

/** The VmidMemory methods that touch state another CPU can observe (or the lock). */
export type ObservableMethod =
  | "loadGeneration"
  | "storeGeneration"
  | "loadActive"
  | "storeActive"
  | "compareExchangeActive"
  | "exchangeActive"
  | "loadVmId"
  | "storeVmId"
  | "lock"
  | "unlock";

/** One call of an observable method, as an InterceptingMemory hands it to `intercept`. */
export interface ObservableAccess {
  readonly method: ObservableMethod;
  /** The CPU or VM the call names; absent for the generation and the lock. */
  readonly target?: { readonly kind: "cpu" | "vm"; readonly index: number };
  /** The values the call writes, in argument order (compareExchange: expected, replacement). */
  readonly written: readonly bigint[];
}

/**
 * A VmidMemory over `inner` that routes every observable call through `intercept` (which
 * must run `call` once and return its result), for the tests that stop the core allocator
 * between two of its atomic steps. State only the lock holder touches needs no interception:
 * the lock orders every access to it, and intercepting lock() and unlock() covers it. So the
 * bitmap, reservations, flush marks, pinned map and pin counts are `inner`'s own, forwarded.
 */
export abstract class InterceptingMemory implements VmidMemory<bigint> {
  readonly ids: VmidMemory<bigint>["ids"];
  readonly space: VmidMemory<bigint>["space"];
  readonly cpus: number;
  readonly reserved: IdSlots<bigint>;
  readonly bitmap: Int32Array;
  readonly lockedWords: Int32Array;
  readonly reservedIndex: ReservedIndexSlots;
  readonly flushPending: Int32Array;
  readonly pinnedMap: Int32Array;

  constructor(protected readonly inner: VmidMemory<bigint>) {
    this.ids = inner.ids;
    this.space = inner.space;
    this.cpus = inner.cpus;
    this.reserved = inner.reserved;
    this.bitmap = inner.bitmap;
    this.lockedWords = inner.lockedWords;
    this.reservedIndex = inner.reservedIndex;
    this.flushPending = inner.flushPending;
    this.pinnedMap = inner.pinnedMap;
  }

  /** Runs `call` (the access to `inner`) once, doing whatever the test needs around it. */
  protected abstract intercept<T>(access: ObservableAccess, call: () => T): T;

  loadGeneration(): bigint {
    return this.intercept({ method: "loadGeneration", written: [] }, () =>
      this.inner.loadGeneration(),
    );
  }
  storeGeneration(generation: bigint): void {
    this.intercept({ method: "storeGeneration", written: [generation] }, () =>
      this.inner.storeGeneration(generation),
    );
  }
  loadActive(cpu: number): bigint {
    return this.intercept({ method: "loadActive", target: onCpu(cpu), written: [] }, () =>
      this.inner.loadActive(cpu),
    );
  }
  storeActive(cpu: number, v: bigint): void {
    this.intercept({ method: "storeActive", target: onCpu(cpu), written: [v] }, () =>
      this.inner.storeActive(cpu, v),
    );
  }
  compareExchangeActive(cpu: number, expected: bigint, replacement: bigint): bigint {
    return this.intercept(
      { method: "compareExchangeActive", target: onCpu(cpu), written: [expected, replacement] },
      () => this.inner.compareExchangeActive(cpu, expected, replacement),
    );
  }
  exchangeActive(cpu: number, v: bigint): bigint {
    return this.intercept({ method: "exchangeActive", target: onCpu(cpu), written: [v] }, () =>
      this.inner.exchangeActive(cpu, v),
    );
  }
  loadVmId(vm: number): bigint {
    return this.intercept({ method: "loadVmId", target: ofVm(vm), written: [] }, () =>
      this.inner.loadVmId(vm),
    );
  }
  storeVmId(vm: number, v: bigint): void {
    this.intercept({ method: "storeVmId", target: ofVm(vm), written: [v] }, () =>
      this.inner.storeVmId(vm, v),
    );
  }
  // Pin counts are lock-only state, like the typed arrays above: forwarded, not intercepted.
  loadPinCount(vm: number): number {
    return this.inner.loadPinCount(vm);
  }
  storePinCount(vm: number, count: number): void {
    this.inner.storePinCount(vm, count);
  }
  lock(): void {
    this.intercept({ method: "lock", written: [] }, () => this.inner.lock());
  }
  unlock(): void {
    this.intercept({ method: "unlock", written: [] }, () => this.inner.unlock());
  }
}

function onCpu(index: number): ObservableAccess["target"] {
  return { kind: "cpu", index };
}

function ofVm(index: number): ObservableAccess["target"] {
  return { kind: "vm", index };
}
