import { VmidInputError } from "../core/VmidInputError.js";
import { validateBits, validateConfig, validateCpus } from "../core/validateConfig.js";
import { TraceError } from "./TraceError.js";
import type { TraceHandler } from "./TraceHandler.js";

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const HASH = 0x23;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
/** A line longer than this (without its CR LF) is refused rather than buffered without bound. */
const MAX_LINE_BYTES = 4096;
/** A UTF-8 byte-order mark, skipped at the start of a trace. */
const BYTE_ORDER_MARK = [0xef, 0xbb, 0xbf];

type Keyword = "bits" | "cpus" | "run" | "put";

/**
 * Trace format v1, parsed incrementally from byte chunks with constant memory:
 * ```
 * # comment to end of line; blank lines ignored
 * bits B       # once, before any event
 * cpus N       # once, before any event
 * run CPU VM   # VM's vCPU is loaded on CPU; VM is a positive integer
 * put CPU      # the vCPU on CPU is put
 * ```
 * Numbers are unsigned decimal. Tokens are separated by spaces or tabs; CRLF and a leading
 * UTF-8 byte-order mark are accepted. Each header value is checked on its own line, and the
 * pair (the allocator's `2^bits - 1 > cpus`) on the second; a CPU is checked against `cpus`.
 * Every error is a TraceError naming the file and line.
 */
export class TraceParser {
  private readonly file: string;
  private readonly handler: TraceHandler;
  private carry: Buffer | undefined;
  private lineNumber = 0;
  private bits = -1;
  private cpus = -1;
  private bitsLine = 0;
  private cpusLine = 0;
  private headerDone = false;
  private eventSeen = false;
  private startChecked = false;
  // Cursor over the line being parsed.
  private bytes: Buffer = Buffer.alloc(0);
  private position = 0;
  private lineEnd = 0;

  constructor(file: string, handler: TraceHandler) {
    this.file = file;
    this.handler = handler;
  }

  /** Parses every complete line in `chunk`; keeps a trailing partial line for the next one. */
  push(chunk: Buffer): void {
    let bytes = chunk;
    if (this.carry !== undefined) {
      bytes = Buffer.concat([this.carry, chunk]);
      this.carry = undefined;
    }
    const length = bytes.length;
    let start = 0;
    if (!this.startChecked) {
      const mark = BYTE_ORDER_MARK.length;
      const prefix = Math.min(length, mark);
      let matched = 0;
      while (matched < prefix && bytes[matched] === BYTE_ORDER_MARK[matched]) matched++;
      if (matched === length && length < mark) {
        this.carry = Buffer.from(bytes); // too short to tell yet
        return;
      }
      this.startChecked = true;
      if (matched === mark) start = mark;
    }
    while (start < length) {
      const next = this.headerDone ? this.parseCommonLine(bytes, start) : -1;
      if (next !== -1) {
        start = next;
        continue;
      }
      const newline = bytes.indexOf(NEWLINE, start);
      if (newline === -1) break;
      this.parseLine(bytes, start, newline);
      start = newline + 1;
    }
    if (start < length) {
      // + 1: the partial line may end with the CR of a CR LF cut by the chunk boundary.
      if (length - start > MAX_LINE_BYTES + 1) {
        throw this.error(this.lineNumber + 1, `line longer than ${MAX_LINE_BYTES} bytes`);
      }
      this.carry = Buffer.from(bytes.subarray(start));
    }
  }

  /**
   * The fast path for the lines that make up almost every trace, exactly `run CPU VM\n` or
   * `put CPU\n` with single spaces and valid numbers: parses and reports the line and returns
   * where the next one starts. Returns -1, having consumed nothing, for any other line
   * (comments, headers, CRLF, errors, a line cut by the chunk end); the general parser then
   * handles it and words its errors.
   */
  private parseCommonLine(bytes: Buffer, start: number): number {
    const first = bytes[start];
    const isRun = first === 0x72 && bytes[start + 1] === 0x75 && bytes[start + 2] === 0x6e;
    const isPut = first === 0x70 && bytes[start + 1] === 0x75 && bytes[start + 2] === 0x74;
    if ((!isRun && !isPut) || bytes[start + 3] !== SPACE) return -1;
    let position = start + 4;
    let byte = bytes[position];
    let cpu = 0;
    const cpuStart = position;
    while (byte >= DIGIT_0 && byte <= DIGIT_9) {
      cpu = cpu * 10 + (byte - DIGIT_0);
      byte = bytes[++position];
    }
    // At most 15 digits keeps every number a safe integer.
    if (position === cpuStart || position - cpuStart > 15 || cpu >= this.cpus) return -1;
    if (isPut) {
      if (byte !== NEWLINE) return -1;
      this.eventSeen = true;
      this.handler.put(cpu, ++this.lineNumber);
      return position + 1;
    }
    if (byte !== SPACE) return -1;
    byte = bytes[++position];
    let vm = 0;
    const vmStart = position;
    while (byte >= DIGIT_0 && byte <= DIGIT_9) {
      vm = vm * 10 + (byte - DIGIT_0);
      byte = bytes[++position];
    }
    if (byte !== NEWLINE || position === vmStart || position - vmStart > 15 || vm < 1) return -1;
    this.eventSeen = true;
    this.handler.run(cpu, vm, ++this.lineNumber);
    return position + 1;
  }

  /** Parses a last line without newline and checks that the header was given. */
  end(): void {
    if (this.carry !== undefined) {
      const last = this.carry;
      this.carry = undefined;
      this.parseLine(last, 0, last.length);
    }
    this.requireHeader(0);
  }

  /** Lines read so far. */
  get lines(): number {
    return this.lineNumber;
  }

  private parseLine(bytes: Buffer, start: number, end: number): void {
    this.lineNumber++;
    if (end > start && bytes[end - 1] === CARRIAGE_RETURN) end--;
    if (end - start > MAX_LINE_BYTES) {
      throw this.error(this.lineNumber, `line longer than ${MAX_LINE_BYTES} bytes`);
    }
    this.bytes = bytes;
    this.position = start;
    this.lineEnd = end;
    this.skipBlanks();
    if (this.atEndOfContent()) return;
    const keyword = this.readKeyword();
    const line = this.lineNumber;
    switch (keyword) {
      case "run": {
        this.requireHeader(line);
        const cpu = this.readCpu();
        const vm = this.readNumber("a VM number");
        if (vm < 1) throw this.error(line, "VM must be a positive integer (got 0)");
        this.expectEnd();
        this.eventSeen = true;
        this.handler.run(cpu, vm, line);
        return;
      }
      case "put": {
        this.requireHeader(line);
        const cpu = this.readCpu();
        this.expectEnd();
        this.eventSeen = true;
        this.handler.put(cpu, line);
        return;
      }
      case "bits":
      case "cpus":
        this.readHeaderLine(keyword, line);
        return;
    }
  }

  private readHeaderLine(keyword: "bits" | "cpus", line: number): void {
    if (this.headerDone) {
      if (this.eventSeen)
        throw this.error(line, `'${keyword}' must come before the first event, once`);
      const first = keyword === "bits" ? this.bitsLine : this.cpusLine;
      throw this.error(line, `duplicate '${keyword}' (first on line ${first})`);
    }
    const value = this.readNumber(keyword === "bits" ? "a VMID width" : "a CPU count");
    this.expectEnd();
    if (keyword === "bits") {
      if (this.bits >= 0)
        throw this.error(line, `duplicate 'bits' (first on line ${this.bitsLine})`);
      this.checked(line, () => validateBits(value));
      this.bits = value;
      this.bitsLine = line;
    } else {
      if (this.cpus >= 0)
        throw this.error(line, `duplicate 'cpus' (first on line ${this.cpusLine})`);
      this.checked(line, () => validateCpus(value));
      this.cpus = value;
      this.cpusLine = line;
    }
    if (this.bits >= 0 && this.cpus >= 0) {
      this.checked(line, () => validateConfig(this.bits, this.cpus));
      this.headerDone = true;
      this.handler.header(this.bits, this.cpus, line);
    }
  }

  /** Runs a configuration check, rethrowing its VmidInputError with the file and line. */
  private checked(line: number, check: () => void): void {
    try {
      check();
    } catch (error) {
      if (error instanceof VmidInputError) throw this.error(line, error.message);
      throw error;
    }
  }

  private requireHeader(line: number): void {
    if (this.headerDone) return;
    const missing = [this.bits < 0 ? "'bits B'" : "", this.cpus < 0 ? "'cpus N'" : ""]
      .filter((part) => part !== "")
      .join(" and ");
    const where = line > 0 ? "before the first event" : "in the trace";
    throw this.error(line, `missing header ${missing} ${where}`);
  }

  private readCpu(): number {
    const cpu = this.readNumber("a CPU number");
    if (cpu >= this.cpus) {
      throw this.error(this.lineNumber, `cpu ${cpu} is out of range 0..${this.cpus - 1}`);
    }
    return cpu;
  }

  private skipBlanks(): void {
    const bytes = this.bytes;
    while (this.position < this.lineEnd) {
      const byte = bytes[this.position];
      if (byte !== SPACE && byte !== TAB) return;
      this.position++;
    }
  }

  private atEndOfContent(): boolean {
    return this.position >= this.lineEnd || this.bytes[this.position] === HASH;
  }

  private tokenEnd(): number {
    const bytes = this.bytes;
    let end = this.position;
    while (end < this.lineEnd) {
      const byte = bytes[end];
      if (byte === SPACE || byte === TAB || byte === HASH) break;
      end++;
    }
    return end;
  }

  private readKeyword(): Keyword {
    const bytes = this.bytes;
    const start = this.position;
    const end = this.tokenEnd();
    this.position = end;
    // Compare bytes rather than slicing a string: this runs once per trace line.
    const length = end - start;
    const first = bytes[start];
    if (
      length === 3 &&
      bytes[start + 2] === 0x6e /* n */ &&
      first === 0x72 /* r */ &&
      bytes[start + 1] === 0x75 /* u */
    ) {
      return "run";
    }
    if (
      length === 3 &&
      first === 0x70 /* p */ &&
      bytes[start + 1] === 0x75 /* u */ &&
      bytes[start + 2] === 0x74 /* t */
    ) {
      return "put";
    }
    if (length === 4) {
      const word = bytes.toString("latin1", start, end);
      if (word === "bits" || word === "cpus") return word;
    }
    const word = bytes.toString("latin1", start, end);
    throw this.error(
      this.lineNumber,
      `unknown keyword '${printable(word)}' (expected bits, cpus, run or put)`,
    );
  }

  private readNumber(what: string): number {
    this.skipBlanks();
    if (this.atEndOfContent()) throw this.error(this.lineNumber, `missing ${what}`);
    const bytes = this.bytes;
    const start = this.position;
    const lineEnd = this.lineEnd;
    let value = 0;
    let end = start;
    for (; end < lineEnd; end++) {
      const byte = bytes[end];
      if (byte >= DIGIT_0 && byte <= DIGIT_9) value = value * 10 + (byte - DIGIT_0);
      else if (byte === SPACE || byte === TAB || byte === HASH) break;
      else {
        const token = bytes.toString("latin1", start, this.tokenEnd());
        throw this.error(this.lineNumber, `expected ${what}, got '${printable(token)}'`);
      }
    }
    if (!Number.isSafeInteger(value)) {
      const token = bytes.toString("latin1", start, end);
      throw this.error(
        this.lineNumber,
        `${what} ${token} is larger than ${Number.MAX_SAFE_INTEGER}`,
      );
    }
    this.position = end;
    return value;
  }

  private expectEnd(): void {
    this.skipBlanks();
    if (this.atEndOfContent()) return;
    const token = this.bytes.toString("latin1", this.position, this.tokenEnd());
    throw this.error(this.lineNumber, `unexpected '${printable(token)}' at end of line`);
  }

  private error(line: number, message: string): TraceError {
    return new TraceError(this.file, line, message);
  }
}

/** A token as it can be shown in an error message (control bytes escaped, length capped). */
function printable(token: string): string {
  const shown = token.length > 40 ? `${token.slice(0, 40)}...` : token;
  return JSON.stringify(shown).slice(1, -1);
}
