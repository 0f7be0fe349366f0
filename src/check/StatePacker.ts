import { CPU_FIELDS, type ModelLayout } from "./ModelLayout.js";

const bitsFor = (maxValue: number) => Math.max(1, 32 - Math.clz32(maxValue));

/**
 * Packs a model state (one Int32 per field) into as few 32-bit words as its value ranges
 * allow: 2 CPUs, 4 VMs, 2-bit ids take 5 words instead of 28. Fields are written in layout
 * order, each in just enough bits, and may straddle a word boundary.
 */
export class StatePacker {
  /** Words per packed state. */
  readonly words: number;
  private readonly widths: Uint8Array;

  constructor(layout: ModelLayout, generations: number) {
    const n = layout.idCount;
    const id = bitsFor((generations + 1) * n);
    const shared = [bitsFor(generations), n, bitsFor(n - 1), bitsFor(layout.cpus), layout.cpus];
    const perCpu = [
      4,
      bitsFor(layout.vms),
      id,
      id,
      bitsFor(layout.cpus),
      bitsFor(layout.vms),
      bitsFor(n - 1),
      layout.vms * n,
    ];
    if (perCpu.length !== CPU_FIELDS)
      throw new Error("internal error: packer out of date with the layout");
    const widths = [
      ...shared,
      ...Array(2 * layout.cpus).fill(id),
      ...Array(layout.vms).fill(id),
      ...Array.from({ length: layout.cpus }, () => perCpu).flat(),
    ];
    if (widths.length !== layout.length)
      throw new Error("internal error: packer out of date with the layout");
    this.widths = Uint8Array.from(widths);
    this.words = Math.ceil(widths.reduce((sum, w) => sum + w, 0) / 32);
  }

  /** Writes `state` packed into `out` (length `words`); each field's value must fit its width. */
  pack(state: Int32Array, out: Uint32Array): void {
    // Fields are gathered in a local word and each word of `out` is written once.
    const widths = this.widths;
    let word = 0;
    let bit = 0;
    let acc = 0;
    for (let field = 0; field < widths.length; field++) {
      const width = widths[field];
      const value = state[field];
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
  }

  /** Reads a packed state from `words` at `offset` into `out`. */
  unpack(words: Uint32Array, offset: number, out: Int32Array): void {
    // Each word of the state is read once, into `current`; `bit` is the next field's position.
    const widths = this.widths;
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
      out[field] = value & mask;
    }
  }
}
