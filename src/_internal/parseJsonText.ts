import { type ParseError, parse as parseJson, printParseErrorCode } from "jsonc-parser";
import { VmidInputError } from "../core/VmidInputError.js";

/** The line and column (1-based) of a character offset in `text`, as `line:column`. */
function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  return `${before.split("\n").length}:${offset - before.lastIndexOf("\n")}`;
}

/** A parse error code in words: `PropertyNameExpected` -> `property name expected`. */
function inWords(code: string): string {
  return code.replace(/(?<=[a-z])(?=[A-Z])/g, " ").toLowerCase();
}

/**
 * Parses strict JSON (no comments, no trailing commas). Throws VmidInputError as
 * `file:line:column: not valid JSON: what` at the first syntax error.
 */
export function parseJsonText(text: string, file: string): unknown {
  const errors: ParseError[] = [];
  const json: unknown = parseJson(text, errors, {
    disallowComments: true,
    allowTrailingComma: false,
    allowEmptyContent: false,
  });
  if (errors.length > 0) {
    const [first] = errors;
    throw new VmidInputError(
      `${file}:${lineAndColumn(text, first.offset)}: not valid JSON: ${inWords(printParseErrorCode(first.error))}`,
    );
  }
  return json;
}

/** A schema issue's path as `rows[3].cpus` (`(top level)` for the document itself). */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const key of path) {
    if (typeof key === "number") text += `[${key}]`;
    else text += text === "" ? String(key) : `.${String(key)}`;
  }
  return text === "" ? "(top level)" : text;
}
