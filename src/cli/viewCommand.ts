import { validateCheckOptions } from "../check/CheckOptions.js";
import { checkViewData, checkViewTitle } from "../view/checkViewData.js";
import { renderViewPage } from "../view/renderViewPage.js";
import { type CheckModelCommandOptions, checkOptionsOf } from "./checkCommand.js";
import { ExitCode } from "./ExitCode.js";
import { writeFileAtomically } from "./writeFileAtomically.js";

/** Options of `vmid view [model options] -o FILE`. */
export interface ViewCommandOptions extends CheckModelCommandOptions {
  /** The HTML file to write (replaced whole, or left untouched on error). */
  readonly output: string;
}

/**
 * `vmid view`: writes the explore page of a model configuration (bad options: exit 2), through
 * a temporary file renamed at the end. Prints where it wrote.
 */
export function viewCommand(options: ViewCommandOptions): number {
  const check = checkOptionsOf(options);
  validateCheckOptions(check);
  const data = checkViewData(check);
  writeFileAtomically(options.output, renderViewPage(data, checkViewTitle(data), data.command));
  process.stdout.write(`vmid view: wrote ${options.output} (${data.command})\n`);
  return ExitCode.ok;
}
