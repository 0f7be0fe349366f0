import { type AddHelpTextContext, Help } from "commander";

/** The widest line of any help text: 80 columns, or a narrower terminal's width. */
export const MAX_HELP_WIDTH = 80;

/** The width help wraps to on `stream`: its columns when it is a narrower terminal, else 80. */
export function helpWidth(stream: { readonly isTTY?: boolean; readonly columns?: number }): number {
  const columns = stream.isTTY === true ? stream.columns : undefined;
  return columns !== undefined && columns > 0 ? Math.min(MAX_HELP_WIDTH, columns) : MAX_HELP_WIDTH;
}

/** One section of the text after a command's options, after a blank line. */
export interface HelpSection {
  /** A heading on its own line, such as "Mutants:". */
  readonly title?: string;
  /** A paragraph, wrapped at the help's width. */
  readonly text?: string;
  /** Terms and their descriptions, aligned and wrapped like commander's list of options. */
  readonly items?: readonly (readonly [term: string, description: string])[];
  /** Lines kept exactly as written (a grammar, an example); each must fit 80 columns. */
  readonly lines?: readonly string[];
}

/**
 * The text of `sections`, for commander's `addHelpText("after", ...)`: wrapped when printed, at
 * the width of the stream it goes to (see helpWidth), with commander's own wrapping rules.
 */
export function helpSections(
  sections: readonly HelpSection[],
): (context: AddHelpTextContext) => string {
  return (context) =>
    formatHelpSections(sections, helpWidth(context.error ? process.stderr : process.stdout));
}

/** `sections` as text wrapped at `width` columns (every section after a blank line). */
export function formatHelpSections(sections: readonly HelpSection[], width: number): string {
  const help = new Help();
  help.helpWidth = width;
  const out: string[] = [];
  for (const { title, text, items, lines } of sections) {
    out.push("");
    if (title !== undefined) out.push(title);
    if (text !== undefined) out.push(help.boxWrap(text, width));
    if (items !== undefined) {
      const termWidth = Math.max(...items.map(([term]) => term.length));
      for (const [term, description] of items) {
        out.push(help.formatItem(term, termWidth, description, help));
      }
    }
    if (lines !== undefined) out.push(...lines);
  }
  return out.join("\n");
}
