import type { IdSpaceOptions } from "../core/IdSpace.js";
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
/**
 * Events decoded per batch: enough to amortize the hand-over, few enough that the batch and
 * the trace bytes it came from are still in the cache when the handler reads them (measured:
 * 256 beat 64, 1024 and 4096 by a few percent end to end).
 */
const BATCH_EVENTS = 256;
/** The longest line the fast path reads: `run `, 15 digits, a space, 15 digits, CR LF. */
const LONGEST_EVENT_LINE = 37;

type Keyword = "bits" | "cpus" | "run" | "put" | "pin" | "unpin";

/**
 * Trace format v1, parsed incrementally from byte chunks with constant memory:
 * ```
 * # comment to end of line; blank lines ignored
 * bits B       # once, before any event
 * cpus N       # once, before any event
 * run CPU VM   # VM's vCPU is loaded on CPU; VM is a positive integer
 * put CPU      # the vCPU on CPU is put
 * pin VM       # additions to v1: pin the VM's idx (refcounted)
 * unpin VM     # drop one pin of the VM
 * ```
 * Numbers are unsigned decimal. Tokens are separated by spaces or tabs; CRLF and a leading
 * UTF-8 byte-order mark are accepted. Each header value is checked on its own line, and the
 * pair (the allocator's `2^bits - 1 > cpus`) on the second; a CPU is checked against `cpus`.
 * Every error is a TraceError naming the file and line.
 */
export class TraceParser {
  private readonly file: string;
  private readonly handler: TraceHandler;
  private readonly space: IdSpaceOptions;
  private readonly putsRefused: boolean;
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

  // The batch the fast path decodes into (see TraceEventBatch), reused from batch to batch.
  private readonly batchCpus = new Int32Array(BATCH_EVENTS);
  private readonly batchVms = new Float64Array(BATCH_EVENTS);
  private readonly batch = { cpus: this.batchCpus, vms: this.batchVms, count: 0, firstLine: 0 };
  /** Events decoded into the batch and not yet delivered. */
  private pending = 0;

  /**
   * `space` names the allocator the trace is for (the VMID allocator by default): it decides
   * the header's ids-versus-CPUs check (halved under KPTI), and the ASID allocator, which has
   * no put, refuses `put` lines.
   */
  constructor(file: string, handler: TraceHandler, space: IdSpaceOptions = {}) {
    this.file = file;
    this.handler = handler;
    this.space = space;
    this.putsRefused = space.allocator === "asid";
  }

  /** Parses every complete line in `chunk`; keeps a trailing partial line for the next one. */
  push(chunk: Buffer): void {
    let bytes = chunk;
    let start = 0;
    if (!this.startChecked) {
      if (this.carry !== undefined) {
        bytes = Buffer.concat([this.carry, chunk]);
        this.carry = undefined;
      }
      const length = bytes.length;
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
    } else if (this.carry !== undefined) {
      // Complete the line cut by the previous chunk's end, copying only that line.
      const newline = bytes.indexOf(NEWLINE);
      if (newline === -1) {
        this.keepPartialLine(Buffer.concat([this.carry, bytes]), 0);
        return;
      }
      const line = Buffer.concat([this.carry, bytes.subarray(0, newline + 1)]);
      this.carry = undefined;
      this.parseLines(line, 0);
      start = newline + 1;
    }
    start = this.parseLines(bytes, start);
    if (start < bytes.length) this.keepPartialLine(bytes, start);
  }

  /** Keeps `bytes[start..]`, a line without its newline yet, for the next chunk. */
  private keepPartialLine(bytes: Buffer, start: number): void {
    // + 1: the partial line may end with the CR of a CR LF cut by the chunk boundary.
    if (bytes.length - start > MAX_LINE_BYTES + 1) {
      throw this.error(this.lineNumber + 1, `line longer than ${MAX_LINE_BYTES} bytes`);
    }
    this.carry = Buffer.from(bytes.subarray(start));
  }

  /** Parses the complete lines of `bytes` from `start`; returns where the first partial one starts. */
  private parseLines(bytes: Buffer, start: number): number {
    const length = bytes.length;
    while (start < length) {
      if (this.headerDone) {
        // Batch by batch: decoding (one loop) and the handler (its own loop, which deoptimizes
        // whenever the allocator takes a path for the first time) stay separate functions.
        let full: boolean;
        do {
          start = this.parseEventLines(bytes, start);
          full = this.pending === BATCH_EVENTS;
          this.deliver(this.pending);
          this.pending = 0;
        } while (full);
        if (start >= length) break;
      }
      const newline = bytes.indexOf(NEWLINE, start);
      if (newline === -1) break;
      this.parseLine(bytes, start, newline);
      start = newline + 1;
    }
    return start;
  }

  /**
   * The fast path for the lines that make up almost every trace, exactly `run CPU VM` or
   * `put CPU` with single spaces, valid numbers and an LF or CR LF: decodes a run of such
   * lines into the batch, at most a batch's worth, and returns where it stopped: at the
   * first other line (comments, headers, tabs, errors, the last lines of a chunk), which the
   * general parser then handles and words the errors of, or after a full batch. The caller
   * hands the batch (`pending` events) over.
   */
  private parseEventLines(bytes: Buffer, start: number): number {
    const cpus = this.batchCpus;
    const vms = this.batchVms;
    const cpuCount = this.cpus;
    let count = 0;
    let position = start;
    // Only lines that start this far from the chunk's end: the loop never reads past it (an
    // out-of-bounds read would cost a deoptimization), and the general parser takes the
    // last few lines of each chunk, including one cut by the chunk's end.
    const last = bytes.length - LONGEST_EVENT_LINE;
    while (count < BATCH_EVENTS) {
      if (position > last) break;
      const lineStart = position;
      const first = bytes[position];
      let isPut = false;
      if (first === 0x72 /* r */) {
        if (bytes[position + 1] !== 0x75 /* u */ || bytes[position + 2] !== 0x6e /* n */) break;
      } else if (first === 0x70 /* p */) {
        if (bytes[position + 1] !== 0x75 /* u */ || bytes[position + 2] !== 0x74 /* t */) break;
        if (this.putsRefused) break;
        isPut = true;
      } else break;
      if (bytes[position + 3] !== SPACE) break;
      position += 4;
      let byte = bytes[position];
      let cpu = 0;
      const cpuStart = position;
      while (byte >= DIGIT_0 && byte <= DIGIT_9) {
        cpu = cpu * 10 + (byte - DIGIT_0);
        byte = bytes[++position];
      }
      // At most 15 digits keeps every number a safe integer.
      if (position === cpuStart || position - cpuStart > 15 || cpu >= cpuCount) {
        position = lineStart;
        break;
      }
      let vm = 0;
      if (!isPut) {
        if (byte !== SPACE) {
          position = lineStart;
          break;
        }
        byte = bytes[++position];
        const vmStart = position;
        while (byte >= DIGIT_0 && byte <= DIGIT_9) {
          vm = vm * 10 + (byte - DIGIT_0);
          byte = bytes[++position];
        }
        if (position === vmStart || position - vmStart > 15 || vm < 1) {
          position = lineStart;
          break;
        }
      }
      if (byte === CARRIAGE_RETURN) byte = bytes[++position];
      if (byte !== NEWLINE) {
        position = lineStart;
        break;
      }
      position++;
      cpus[count] = cpu;
      vms[count] = vm;
      count++;
      this.pending = count;
    }
    // Nothing but the return after the loop: V8 compiles the loop while it runs, before its
    // exit ever ran, and any property access or test here would lack type feedback and
    // deoptimize that code at every chunk. The caller delivers the batch (`pending`).
    return position;
  }

  /** Hands the first `count` decoded events, if any, to the handler, in bulk if it takes them so. */
  private deliver(count: number): void {
    if (count === 0) return;
    const firstLine = this.lineNumber + 1;
    this.lineNumber += count;
    this.eventSeen = true;
    const handler = this.handler;
    if (handler.events !== undefined) {
      const batch = this.batch;
      batch.count = count;
      batch.firstLine = firstLine;
      handler.events(batch);
      return;
    }
    const cpus = this.batchCpus;
    const vms = this.batchVms;
    for (let i = 0; i < count; i++) {
      if (vms[i] === 0) handler.put(cpus[i], firstLine + i);
      else handler.run(cpus[i], vms[i], firstLine + i);
    }
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
        if (this.putsRefused) {
          throw this.error(
            line,
            "'put' is not an event of the ASID allocator (it has no clear-active)",
          );
        }
        const cpu = this.readCpu();
        this.expectEnd();
        this.eventSeen = true;
        this.handler.put(cpu, line);
        return;
      }
      case "pin":
      case "unpin": {
        this.requireHeader(line);
        const vm = this.readNumber("a VM number");
        if (vm < 1) throw this.error(line, "VM must be a positive integer (got 0)");
        this.expectEnd();
        const handle = keyword === "pin" ? this.handler.pin : this.handler.unpin;
        if (handle === undefined)
          throw this.error(line, `'${keyword}' events are not supported here`);
        this.eventSeen = true;
        handle.call(this.handler, vm, line);
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
      this.checked(line, () => validateConfig(this.bits, this.cpus, this.space));
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
    const word = bytes.toString("latin1", start, end);
    if (word === "bits" || word === "cpus" || word === "pin" || word === "unpin") return word;
    throw this.error(
      this.lineNumber,
      `unknown keyword '${printable(word)}' (expected bits, cpus, run, put, pin or unpin)`,
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
