/** A writable that reports backpressure the way Node streams do. */
export interface ByteStream {
  write(bytes: Uint8Array): boolean;
  once(event: "drain", listener: () => void): unknown;
  /**
   * Bytes written but not yet handed to the system, as Node's writables count them. When it
   * is 0 right after a write (a file, or a pipe that took everything at once), the stream no
   * longer holds the bytes and the buffer can be filled again; without it, every flush takes
   * a fresh buffer.
   */
  readonly writableLength?: number;
}

const CAPACITY = 1 << 16;
const DIGITS = Uint8Array.from("0123456789abcdef", (digit) => digit.charCodeAt(0));
const DIGIT_0 = 0x30;

/** Decimal digits of a non-negative int32. */
function decimalWidth(value: number): number {
  if (value < 100_000) {
    if (value < 100) return value < 10 ? 1 : 2;
    return value < 1000 ? 3 : value < 10_000 ? 4 : 5;
  }
  if (value < 10_000_000) return value < 1_000_000 ? 6 : 7;
  return value < 100_000_000 ? 8 : value < 1_000_000_000 ? 9 : 10;
}

/**
 * Output assembled as bytes in a 64 KiB buffer, written out when full: per-line output of a
 * long replay makes no strings, and the buffer is filled again once the stream has let go of
 * it. `drained()` returns a promise while the stream asks us to
 * wait, so memory stays constant.
 */
export class OutputBuffer {
  private buffer = Buffer.allocUnsafe(CAPACITY);
  private length = 0;
  private waiting: Promise<void> | undefined;
  private readonly stream: ByteStream;

  constructor(stream: ByteStream) {
    this.stream = stream;
  }

  /** Appends text (any length). */
  write(text: string): void {
    const size = Buffer.byteLength(text);
    if (this.length + size > CAPACITY) this.flush();
    if (size > CAPACITY) {
      this.send(Buffer.from(text));
      return;
    }
    this.length += this.buffer.write(text, this.length);
  }

  /** Room for one line of at most 64 bytes: flushes first when needed. */
  reserveLine(): void {
    if (this.length + 64 > CAPACITY) this.flush();
  }

  /** Appends one ASCII byte. Call `reserveLine` before a line. */
  byte(code: number): void {
    this.buffer[this.length++] = code;
  }

  /** Appends a non-negative safe integer in decimal. */
  decimal(value: number): void {
    if (value > 0x7fffffff) {
      this.length += this.buffer.write(value.toString(10), this.length, "latin1");
      return;
    }
    // Every CPU and almost every VM: int32 arithmetic, no string.
    const buffer = this.buffer;
    let rest = value | 0;
    let end = this.length + decimalWidth(rest);
    this.length = end;
    while (rest >= 10) {
      const next = (rest / 10) | 0;
      buffer[--end] = DIGIT_0 + (rest - next * 10);
      rest = next;
    }
    buffer[--end] = DIGIT_0 + rest;
  }

  /** Appends a non-negative safe integer in lowercase hex, no prefix. */
  hex(value: number): void {
    // Above 32 bits (every id past the first generations): the high part, then the low 32
    // bits as exactly 8 digits. Division by 2^32, floor and the product are exact.
    const high = Math.floor(value / 0x100000000);
    let low = high === 0 ? value : value - high * 0x100000000;
    const buffer = this.buffer;
    let end = this.length;
    let lowWidth = 8;
    if (high === 0) lowWidth = value === 0 ? 1 : 8 - (Math.clz32(value) >> 2);
    else {
      let rest = high;
      const highWidth = 8 - (Math.clz32(high) >> 2);
      end += highWidth;
      for (let position = end - 1; position >= end - highWidth; position--) {
        buffer[position] = DIGITS[rest & 15];
        rest >>>= 4;
      }
    }
    end += lowWidth;
    this.length = end;
    for (let digit = 0; digit < lowWidth; digit++) {
      buffer[--end] = DIGITS[low & 15];
      low >>>= 4;
    }
  }

  /** Writes out what is buffered. */
  flush(): void {
    if (this.length === 0) return;
    const full = this.buffer.subarray(0, this.length);
    this.length = 0;
    this.send(full);
    // Reusing the buffer spares the page faults of fresh memory at every flush.
    if (this.stream.writableLength !== 0) this.buffer = Buffer.allocUnsafe(CAPACITY);
  }

  drained(): Promise<void> | undefined {
    return this.waiting;
  }

  private send(bytes: Uint8Array): void {
    const ok = this.stream.write(bytes);
    if (!ok && this.waiting === undefined) {
      this.waiting = new Promise((resolve) => {
        this.stream.once("drain", () => {
          this.waiting = undefined;
          resolve();
        });
      });
    }
  }
}
