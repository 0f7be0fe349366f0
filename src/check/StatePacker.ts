import { CPU_FIELDS, MAX_MODEL_PIN_COUNT, type ModelLayout } from "./ModelLayout.js";

const bitsFor = (maxValue: number) => Math.max(1, 32 - Math.clz32(maxValue));

/**
 * Packs a model state (one Int32 per field) into as few 32-bit words as its value ranges
 * allow: 2 CPUs, 4 VMs, 2-bit ids take 5 words instead of 28. Fields are written in layout
 * order, each in just enough bits, and may straddle a word boundary. Id fields are stored
 * plus N, so that INVALID (-N) packs as 0.
 *
 * The ranges are sized for states whose generation index is at most `maxGeneration` (and
 * every id's generation with it). A value outside its field's range throws (an internal
 * error) instead of being cut to the field's width and read back as another state.
 */
export class StatePacker {
  /** Words per packed state. */
  readonly words: number;
  private readonly widths: Uint8Array;
  private readonly offsets: Int32Array;
  /** Fields in a state (`widths` may stop earlier, at the last field with bits). */
  private readonly length: number;

  constructor(layout: ModelLayout, maxGeneration: number) {
    const n = layout.idCount;
    // Ids from INVALID (-N) to maxGeneration | N - 1, stored plus N.
    const id = bitsFor((maxGeneration + 2) * n - 1);
    const shared = [bitsFor(maxGeneration), n, bitsFor(n - 1), bitsFor(layout.cpus), layout.cpus];
    const perCpu = [
      layout.pins ? 5 : 4, // pc: up to 14, or 16 with the pin steps
      bitsFor(layout.vms),
      id,
      id,
      bitsFor(layout.cpus),
      bitsFor(layout.vms),
      bitsFor(n - 1),
      layout.tlbWidth,
    ];
    const perCpuIsId = [false, false, true, true, false, false, false, false];
    if (perCpu.length !== CPU_FIELDS)
      throw new Error("internal error: packer out of date with the layout");
    const idFields = 2 * layout.cpus + layout.vms;
    // The pin fields take no bits without pins (they stay 0): states pack as before.
    const pinFields = layout.pins
      ? [n, layout.cpus, ...Array(layout.vms).fill(bitsFor(MAX_MODEL_PIN_COUNT))]
      : Array(2 + layout.vms).fill(0);
    const widths = [
      ...shared,
      ...Array(idFields).fill(id),
      ...Array.from({ length: layout.cpus }, () => perCpu).flat(),
      ...pinFields,
    ];
    const offsets = [
      ...shared.map(() => 0),
      ...Array(idFields).fill(n),
      ...Array.from({ length: layout.cpus }, () => perCpuIsId.map((isId) => (isId ? n : 0))).flat(),
      ...pinFields.map(() => 0),
    ];
    if (widths.length !== layout.length || offsets.length !== layout.length)
      throw new Error("internal error: packer out of date with the layout");
    if (widths.some((w) => w > 31)) throw new Error("internal error: a field wider than 31 bits");
    // Trailing fields of no bits (the pin fields without pins) are not walked: pack checks
    // they are 0, unpack writes 0.
    let used = widths.length;
    while (used > 0 && widths[used - 1] === 0) used--;
    this.widths = Uint8Array.from(widths.slice(0, used));
    this.offsets = Int32Array.from(offsets.slice(0, used));
    this.length = layout.length;
    this.words = Math.ceil(widths.reduce((sum, w) => sum + w, 0) / 32);
  }

  /** Writes `state` packed into `out` (length `words`); throws if a field is out of range. */
  pack(state: Int32Array, out: Uint32Array): void {
    // Fields are gathered in a local word and each word of `out` is written once.
    const widths = this.widths;
    const offsets = this.offsets;
    let word = 0;
    let bit = 0;
    let acc = 0;
    for (let field = 0; field < widths.length; field++) {
      const width = widths[field];
      const value = (state[field] + offsets[field]) >>> 0;
      if (value >>> width !== 0) this.outOfRange(state, field);
      acc |= value << bit;
      bit += width;
      if (bit >= 32) {
        out[word++] = acc;
        bit -= 32;
        // The bits of the value that did not fit (none when it ended the word exactly).
        acc = bit === 0 ? 0 : value >>> (width - bit);
      }
    }
    if (bit > 0) out[word] = acc;
    for (let field = widths.length; field < this.length; field++)
      if (state[field] !== 0) this.outOfRange(state, field);
  }

  /** Reads a packed state from `words` at `offset` into `out`. */
  unpack(words: Uint32Array, offset: number, out: Int32Array): void {
    // Each word of the state is read once, into `current`; `bit` is the next field's position.
    const widths = this.widths;
    const offsets = this.offsets;
    let word = offset;
    let current = words[word];
    let bit = 0;
    for (let field = 0; field < widths.length; field++) {
      const width = widths[field];
      const mask = width === 32 ? -1 : (1 << width) - 1;
      let value = current >>> bit;
      bit += width;
      if (bit >= 32) {
        bit -= 32;
        if (field + 1 < widths.length || bit > 0) {
          current = words[++word];
          // The high part of a field that straddles the boundary (none when it ended exactly).
          if (bit > 0) value |= current << (width - bit);
        }
      }
      out[field] = (value & mask) - offsets[field];
    }
    if (widths.length < this.length) out.fill(0, widths.length, this.length);
  }

  private outOfRange(state: Int32Array, field: number): never {
    throw new Error(
      `internal error: state field ${field} = ${state[field]} does not fit the packer's ${this.widths[field] ?? 0} bits`,
    );
  }
}
