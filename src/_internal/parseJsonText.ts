import { type ParseError, parse as parseJson, printParseErrorCode } from "jsonc-parser";
import type { z } from "zod";
import { VmidInputError } from "../core/VmidInputError.js";

/**
 * The line and column (1-based) of a character offset in `text`, as `line:column`; `text`
 * starts on line `firstLine`.
 */
function lineAndColumn(text: string, offset: number, firstLine: number): string {
  const before = text.slice(0, offset);
  return `${firstLine - 1 + before.split("\n").length}:${offset - before.lastIndexOf("\n")}`;
}

/** A parse error code in words: `PropertyNameExpected` -> `property name expected`. */
function inWords(code: string): string {
  return code.replace(/(?<=[a-z])(?=[A-Z])/g, " ").toLowerCase();
}

/**
 * Parses strict JSON (no comments, no trailing commas). Throws VmidInputError as
 * `file:line:column: not valid JSON: what` at the first syntax error. `firstLine` is the line
 * of the file `text` starts on (one line of a JSON-lines file, say).
 */
export function parseJsonText(text: string, file: string, firstLine = 1): unknown {
  const errors: ParseError[] = [];
  const json: unknown = parseJson(text, errors, {
    disallowComments: true,
    allowTrailingComma: false,
    allowEmptyContent: false,
  });
  if (errors.length > 0) {
    const [first] = errors;
    throw new VmidInputError(
      `${file}:${lineAndColumn(text, first.offset, firstLine)}: not valid JSON: ${inWords(printParseErrorCode(first.error))}`,
    );
  }
  return json;
}

/**
 * A failed schema's first issue as `path: message`, with how many more there are:
 * `rows[3].cpus: Too big: expected number to be <=4096 (and 2 more problems)`.
 */
export function formatFirstIssue(issues: readonly z.core.$ZodIssue[]): string {
  const [issue] = issues;
  const more = issues.length - 1;
  const andMore = more > 0 ? ` (and ${more} more problem${more === 1 ? "" : "s"})` : "";
  return `${formatIssuePath(issue.path)}: ${issue.message}${andMore}`;
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
