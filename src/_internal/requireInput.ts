import { VmidInputError } from "../core/VmidInputError.js";

/** Throws VmidInputError(message) unless `ok`: one line per option check in the validators. */
export function requireInput(ok: boolean, message: string): void {
  if (!ok) throw new VmidInputError(message);
}
