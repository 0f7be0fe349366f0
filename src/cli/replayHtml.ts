import { requireInput } from "../_internal/requireInput.js";
import type { IdSpaceOptions } from "../core/IdSpace.js";
import { renderViewPage } from "../view/renderViewPage.js";
import { traceViewData } from "../view/traceViewData.js";
import { ExitCode } from "./ExitCode.js";
import { refuseOutputOverInput } from "./refuseOutputOverInput.js";
import { writeFileAtomically } from "./writeFileAtomically.js";

/**
 * `vmid replay TRACE --html FILE`: replays the trace, recording the allocator's state after
 * each event, and writes the trace page (a malformed trace or one past TRACE_VIEW_LIMITS:
 * exit 2, nothing written). Prints where it wrote.
 */
export async function replayHtml(
  file: string,
  source: AsyncIterable<Buffer | string>,
  output: string,
  options: { readonly json: boolean; readonly summary: boolean; readonly space: IdSpaceOptions },
): Promise<number> {
  requireInput(
    !options.json && !options.summary,
    "--html writes a page instead of the replay's output: drop --json and --summary",
  );
  const name = file === "-" ? "<stdin>" : file;
  if (file !== "-") refuseOutputOverInput(output, [file]);
  const data = await traceViewData(source, name, options.space);
  const subtitle = `vmid replay ${file}: bits ${data.bits}, cpus ${data.cpus}, ${data.events.length} events`;
  writeFileAtomically(output, renderViewPage(data, `vmid replay: ${name}`, subtitle));
  process.stdout.write(`vmid replay: wrote ${output} (${data.events.length} events)\n`);
  return ExitCode.ok;
}
