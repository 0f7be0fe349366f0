import { writeDecimal } from "./writeDecimal.js";
import { writeHex } from "./writeHex.js";

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
/** The most a line may take after `reserveLine`. */
const LINE_ROOM = 64;

/**
 * Output assembled as bytes in a 64 KiB buffer, written out when full: per-line output of a
 * long replay makes no strings, and the buffer is filled again once the stream has let go of
 * it. `drained()` returns a promise while the stream asks us to wait, so memory stays
 * constant.
 */
export class OutputBuffer {
  private buffer = Buffer.allocUnsafe(CAPACITY);
  /**
   * Bytes buffered. A formatter that writes into the buffer returned by `reserveLine` sets
   * it to where its line ends.
   */
  length = 0;
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

  /**
   * Room for one line of at most 64 bytes: flushes first when needed. Returns the buffer, for
   * a formatter to write the line into from `length` (then advance `length`).
   */
  reserveLine(): Buffer {
    if (this.length + LINE_ROOM > CAPACITY) this.flush();
    return this.buffer;
  }

  /** Appends one ASCII byte. Call `reserveLine` before a line. */
  byte(code: number): void {
    this.buffer[this.length++] = code;
  }

  /** Appends a non-negative safe integer in decimal. Call `reserveLine` before a line. */
  decimal(value: number): void {
    this.length = writeDecimal(this.buffer, this.length, value);
  }

  /** Appends a non-negative safe integer in lowercase hex, no prefix. */
  hex(value: number): void {
    this.length = writeHex(this.buffer, this.length, value);
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
