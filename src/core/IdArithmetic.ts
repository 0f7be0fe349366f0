/**
 * How a memory backend represents 64-bit VMID values (`generation | idx`).
 *
 * The algorithm is written once over this interface so that the plain backend can keep ids
 * in doubles (exact below 2^53, no allocation per update) while the shared backend keeps them
 * in a BigInt64Array for Atomics. Everything on the fast path here is a comparison; the
 * arithmetic (`compose`, `idxOf`, `nextGeneration`) only runs under the lock.
 */
export interface IdArithmetic<Id extends number | bigint> {
  /** VMID width in bits, 1..24. */
  readonly bits: number;
  /** `N = 2^bits`: the bitmap length, as a number. */
  readonly idCount: number;
  /**
   * The first generation and the step by which it grows: N for the VMID allocator, 2^16 for
   * the ASID allocator (`ASID_FIRST_VERSION`), a power of two at least N.
   */
  readonly generationStep: number;
  /** The value 0: "never allocated" for a VM, "rolled over" for an active slot. */
  readonly zero: Id;
  /** `VMID_ACTIVE_INVALID`: idx 0 of the first generation, written to active when a vCPU is put. */
  readonly invalid: Id;
  /** The first generation, `generationStep`. */
  readonly firstGeneration: Id;
  /** idx = `v & (N - 1)`, 0..N-1. */
  idxOf(v: Id): number;
  /** `generation | idx`; generation is a multiple of N and idx < N. */
  compose(generation: Id, idx: number): Id;
  /** `generation + generationStep`; throws RangeError past the representation's limit. */
  nextGeneration(generation: Id): Id;
  /**
   * The seed's `vmid_gen_match`: `((v ^ generation) >> bits) == 0`. Ids and generations have
   * zero bits from `bits` up to the step, so this is `generation <= v < generation + N`.
   */
  isOfGeneration(v: Id, generation: Id): boolean;
  /**
   * `vmid_gen_match` for an id read BEFORE `generation` (the fast path's order): then the id
   * cannot be of a later generation (ids are made under the lock from the generation in
   * force, and the generation only grows), so the match is just `v >= generation`.
   */
  isOfGenerationReadAfter(v: Id, generation: Id): boolean;
  /** The value as an unsigned 64-bit bigint. */
  toBigInt(v: Id): bigint;
  /** The value from an unsigned 64-bit bigint (must be representable). */
  fromBigInt(v: bigint): Id;
  /** Lowercase hex without prefix, as `vmid replay` prints ids. */
  toHex(v: Id): string;
}
