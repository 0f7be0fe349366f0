import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type ByteStream, OutputBuffer } from "../../../src/cli/OutputBuffer.js";

/** A stream that keeps what it is given (copied: the buffer may reuse its bytes). */
function collector(): ByteStream & { text(): string } {
  const parts: Buffer[] = [];
  return {
    write(bytes) {
      parts.push(Buffer.from(bytes));
      return true;
    },
    once: () => undefined,
    text: () => Buffer.concat(parts).toString("latin1"),
  };
}

/** Writes each value with `method`, one per line, and returns the text. */
function written(method: "decimal" | "hex", values: readonly number[]): string {
  const stream = collector();
  const out = new OutputBuffer(stream);
  for (const value of values) {
    out.reserveLine();
    out[method](value);
    out.byte(0x0a);
  }
  out.flush();
  return stream.text();
}

describe("OutputBuffer numbers", () => {
  test("hex: digit counts change at powers of 16; the 32-bit split in the middle of an id", () => {
    const cases: [number, string][] = [
      [0, "0"],
      [15, "f"],
      [16, "10"],
      [0xffffffff, "ffffffff"],
      [2 ** 32, "100000000"], // high part 1, low part 8 zeros
      [2 ** 32 + 0xab, "1000000ab"],
      [0x12_0000_ffff, "120000ffff"], // a generation above 32 bits with idx 0xffff
      [0x1f_ffff_ffff_ffff, "1fffffffffffff"], // 2^53 - 1
      [0x10_0000_0000_0000, "10000000000000"], // 2^52
    ];
    assert.equal(
      written(
        "hex",
        cases.map(([value]) => value),
      ),
      cases.map(([, text]) => `${text}\n`).join(""),
    );
  });

  test("decimal: digit counts change at powers of 10; beyond int32 as well", () => {
    const cases: [number, string][] = [
      [0, "0"],
      [9, "9"],
      [10, "10"],
      [99_999, "99999"],
      [100_000, "100000"],
      [999_999_999, "999999999"],
      [1_000_000_000, "1000000000"],
      [2 ** 31 - 1, "2147483647"],
      [2 ** 31, "2147483648"],
      [123_456_789_012_345, "123456789012345"],
    ];
    assert.equal(
      written(
        "decimal",
        cases.map(([value]) => value),
      ),
      cases.map(([, text]) => `${text}\n`).join(""),
    );
  });

  test("agrees with Number.prototype.toString over ranges that cross every width", () => {
    const values: number[] = [];
    for (let shift = 0; shift < 53; shift++) {
      const power = 2 ** shift;
      for (const delta of [-1, 0, 1, 12_345]) if (power + delta >= 0) values.push(power + delta);
    }
    for (let power = 1; power < 1e15; power *= 10) values.push(power - 1, power, power + 7);
    assert.equal(written("hex", values), values.map((v) => `${v.toString(16)}\n`).join(""));
    assert.equal(written("decimal", values), values.map((v) => `${v.toString(10)}\n`).join(""));
  });

  test("lines longer than the buffer's flush point and text of any length arrive whole", () => {
    const stream = collector();
    const out = new OutputBuffer(stream);
    const long = "y".repeat(100_000);
    for (let i = 0; i < 10_000; i++) {
      out.reserveLine();
      out.decimal(i);
      out.byte(0x0a);
    }
    out.write(long);
    out.flush();
    const expected = `${Array.from({ length: 10_000 }, (_, i) => `${i}\n`).join("")}${long}`;
    assert.equal(stream.text(), expected);
  });
});

describe("OutputBuffer memory", () => {
  /** Writes lines 0..count-1 and flushes; returns the text expected (200,000 lines: ~1.3 MB). */
  function writeLines(out: OutputBuffer, count: number): string {
    let expected = "";
    for (let i = 0; i < count; i++) {
      out.reserveLine();
      out.decimal(i);
      out.byte(0x0a);
      expected += `${i}\n`;
    }
    out.flush();
    return expected;
  }

  test("a stream that keeps the written bytes (writableLength > 0) never sees them overwritten", () => {
    const kept: Uint8Array[] = [];
    const out = new OutputBuffer({
      write(bytes) {
        kept.push(bytes); // no copy: as a stream with a queue holds them
        return true;
      },
      once: () => undefined,
      writableLength: 1,
    });
    const expected = writeLines(out, 200_000);
    assert.ok(kept.length > 1, "several flushes");
    assert.equal(Buffer.concat(kept).toString("latin1"), expected);
  });

  test("a stream done with each write (writableLength 0) gets the same buffer every time", () => {
    const copies: Buffer[] = [];
    const memory = new Set<ArrayBufferLike>();
    const out = new OutputBuffer({
      write(bytes) {
        copies.push(Buffer.from(bytes));
        memory.add(bytes.buffer);
        return true;
      },
      once: () => undefined,
      writableLength: 0,
    });
    const expected = writeLines(out, 200_000);
    assert.ok(copies.length > 1, "several flushes");
    assert.equal(memory.size, 1, "one buffer, refilled");
    assert.equal(Buffer.concat(copies).toString("latin1"), expected);
  });
});
