/** A writable that reports backpressure the way Node streams do. */
export interface ByteStream {
  write(bytes: Uint8Array): boolean;
  once(event: "drain", listener: () => void): unknown;
}

const CAPACITY = 1 << 16;
const DIGITS = Uint8Array.from("0123456789abcdef", (digit) => digit.charCodeAt(0));

/**
 * Output assembled as bytes in a 64 KiB buffer, written out when full: per-line output of a
 * long replay makes no strings. `drained()` returns a promise while the stream asks us to
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
    // Small values (every CPU and almost every VM): integer arithmetic, no string.
    const buffer = this.buffer;
    let end = this.length;
    let rest = value;
    do {
      end++;
      rest = (rest / 10) | 0;
    } while (rest > 0);
    this.length = end;
    rest = value;
    do {
      const next = (rest / 10) | 0;
      buffer[--end] = DIGITS[rest - next * 10];
      rest = next;
    } while (rest > 0);
  }

  /** Appends a non-negative safe integer in lowercase hex, no prefix. */
  hex(value: number): void {
    if (value > 0xffffffff) {
      this.length += this.buffer.write(value.toString(16), this.length, "latin1");
      return;
    }
    const buffer = this.buffer;
    const width = value === 0 ? 1 : 8 - (Math.clz32(value) >> 2);
    let end = this.length + width;
    this.length = end;
    let rest = value;
    for (let digit = 0; digit < width; digit++) {
      buffer[--end] = DIGITS[rest & 15];
      rest >>>= 4;
    }
  }

  /** Writes out what is buffered. */
  flush(): void {
    if (this.length === 0) return;
    const full = this.buffer.subarray(0, this.length);
    this.buffer = Buffer.allocUnsafe(CAPACITY);
    this.length = 0;
    this.send(full);
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
