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
  /**
   * The packed format: field f (layout order) takes `widths[f]` bits, right after field
   * f - 1's, counting from bit 0 of word 0 (bit 32 is bit 0 of word 1), and holds
   * `state[f] + offsets[f]`. Fields past the end of `widths` take no bits and must be 0.
   */
  readonly widths: Uint8Array;
  readonly offsets: Int32Array;
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
    this.pack = compilePack(this.widths, this.offsets, this.length, (state, field) =>
      this.outOfRange(state, field),
    );
    this.unpack = compileUnpack(this.widths, this.offsets, this.length);
  }

  /** Writes `state` packed into `out` (length `words`); throws if a field is out of range. */
  readonly pack: (state: Int32Array, out: Uint32Array) => void;

  /** Reads a packed state from `words` at `offset` into `out`. */
  readonly unpack: (words: Uint32Array, offset: number, out: Int32Array) => void;

  private outOfRange(state: Int32Array, field: number): never {
    throw new Error(
      `internal error: state field ${field} = ${state[field]} does not fit the packer's ${this.widths[field] ?? 0} bits`,
    );
  }
}

/*
 * pack and unpack, compiled for one layout. Fields are laid out in layout order, each in
 * `widths[field]` bits from the lowest free bit of the current 32-bit word, and a field may
 * straddle two words; an id field is stored plus its offset (N), so that INVALID (-N) packs
 * as 0. The checker packs every successor and unpacks every state it expands, so both are
 * generated as straight-line code with every width, shift, mask and offset a constant: a
 * loop reading them from arrays took a tenth of the checker's time in unpack alone. The
 * source is built from the packer's own widths and offsets (numbers), never from input.
 */

type Pack = (state: Int32Array, out: Uint32Array) => void;
type Unpack = (words: Uint32Array, offset: number, out: Int32Array) => void;

function compilePack(
  widths: Uint8Array,
  offsets: Int32Array,
  length: number,
  outOfRange: (state: Int32Array, field: number) => never,
): Pack {
  const lines = ["let v = 0;", "let acc = 0;"];
  let bit = 0;
  let word = 0;
  for (let field = 0; field < widths.length; field++) {
    const width = widths[field];
    lines.push(`v = (s[${field}] + ${offsets[field]}) >>> 0;`);
    lines.push(`if (v >>> ${width} !== 0) fail(s, ${field});`);
    lines.push(bit === 0 ? "acc = v;" : `acc |= v << ${bit};`);
    bit += width;
    if (bit >= 32) {
      lines.push(`out[${word++}] = acc;`);
      bit -= 32;
      // The bits of the value that did not fit (none when it ended the word exactly).
      lines.push(bit === 0 ? "acc = 0;" : `acc = v >>> ${width - bit};`);
    }
  }
  if (bit > 0) lines.push(`out[${word}] = acc;`);
  for (let field = widths.length; field < length; field++)
    lines.push(`if (s[${field}] !== 0) fail(s, ${field});`);
  const make = new Function("fail", `return function pack(s, out) {\n${lines.join("\n")}\n};`);
  return make(outOfRange) as Pack;
}

function compileUnpack(widths: Uint8Array, offsets: Int32Array, length: number): Unpack {
  const lines = ["let c = w[o];", "let v = 0;"];
  const minus = (field: number) => (offsets[field] === 0 ? "" : ` - ${offsets[field]}`);
  let bit = 0;
  let word = 0;
  for (let field = 0; field < widths.length; field++) {
    const width = widths[field];
    const mask = (2 ** width - 1) | 0;
    if (bit + width <= 32) {
      const bits = bit === 0 ? "c" : `(c >>> ${bit})`;
      lines.push(`out[${field}] = (${bits} & ${mask})${minus(field)};`);
      bit += width;
      if (bit === 32) {
        bit = 0;
        if (field + 1 < widths.length) lines.push(`c = w[o + ${++word}];`);
      }
    } else {
      // Straddles: the low bits end this word, the high ones start the next.
      lines.push(`v = c >>> ${bit};`, `c = w[o + ${++word}];`);
      lines.push(`out[${field}] = ((v | (c << ${32 - bit})) & ${mask})${minus(field)};`);
      bit += width - 32;
    }
  }
  for (let field = widths.length; field < length; field++) lines.push(`out[${field}] = 0;`);
  const make = new Function(`return function unpack(w, o, out) {\n${lines.join("\n")}\n};`);
  return make() as Unpack;
}
