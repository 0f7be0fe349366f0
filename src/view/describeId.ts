/** An id word shown on the page: what it is, its generation and idx, whether it is stale. */
export interface IdView {
  /** `none` for 0, `invalid` for VMID_ACTIVE_INVALID (N, as decodeState prints it), else `id`. */
  readonly kind: "none" | "invalid" | "id";
  /** The id in lowercase hex, as decodeState and `vmid replay` print it. */
  readonly hex: string;
  /** The generation part (generation index x N), in hex; "" for none and invalid. */
  readonly generation: string;
  readonly idx: number;
  /** Of an older generation than the current one. */
  readonly stale: boolean;
}

/**
 * Splits an id (hex, as decodeState prints it) into generation | idx, against the current
 * generation (hex) and N ids per generation. `invalidAllowed`: the slot can hold
 * VMID_ACTIVE_INVALID (active and reserved slots: N there is INVALID, since idx 0 is never
 * allocated; a VM's id is never N).
 */
export function describeId(
  hex: string,
  idCount: number,
  currentGeneration: string,
  invalidAllowed: boolean,
): IdView {
  const value = Number.parseInt(hex, 16);
  if (value === 0) return { kind: "none", hex, generation: "", idx: 0, stale: false };
  if (invalidAllowed && value === idCount)
    return { kind: "invalid", hex, generation: "", idx: 0, stale: false };
  const generation = value - (value % idCount);
  return {
    kind: "id",
    hex,
    generation: generation.toString(16),
    idx: value % idCount,
    stale: generation !== Number.parseInt(currentGeneration, 16),
  };
}
