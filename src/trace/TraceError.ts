import { VmidInputError } from "../core/VmidInputError.js";

/** A malformed trace: the message starts with `FILE:LINE: `. */
export class TraceError extends VmidInputError {
  readonly file: string;
  readonly line: number;

  constructor(file: string, line: number, message: string) {
    super(line > 0 ? `${file}:${line}: ${message}` : `${file}: ${message}`);
    this.file = file;
    this.line = line;
  }
}
