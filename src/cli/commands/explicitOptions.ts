import type { Command } from "commander";

/** The options of `command` the user gave on the command line (not defaults), by key. */
export function explicitOptions(command: Command): Set<string> {
  return new Set(
    Object.keys(command.opts()).filter((name) => command.getOptionValueSource(name) === "cli"),
  );
}
