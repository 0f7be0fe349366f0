import { buildCharts } from "../report/buildCharts.js";
import { readSweepOutput } from "../report/readSweepOutput.js";
import { renderReport } from "../report/renderReport.js";
import { ExitCode } from "./ExitCode.js";
import { refuseOutputOverInput } from "./refuseOutputOverInput.js";
import { writeFileAtomically } from "./writeFileAtomically.js";

/** Options of `vmid report <sweep.json> -o report.html`. */
export interface ReportCommandOptions {
  /** The sweep's JSON, as `vmid sweep` wrote it. */
  readonly input: string;
  /** The HTML file to write (replaced whole, or left untouched on error). */
  readonly output: string;
  /** The page's title. */
  readonly title?: string;
}

/**
 * `vmid report`: reads and validates a sweep (bad input throws `VmidInputError`: exit 2, as
 * does an output that is the input file), renders the HTML report and writes it as
 * writeFileAtomically does (a regular file through a temporary file renamed at the end), so a
 * failed run leaves no half-written report. Prints one line to
 * stdout: where it wrote, and how many charts have data.
 */
export function reportCommand(options: ReportCommandOptions): number {
  refuseOutputOverInput(options.output, [options.input]);
  const sweep = readSweepOutput(options.input);
  const html = renderReport(sweep, {
    ...(options.title === undefined ? {} : { title: options.title }),
    generatedAt: new Date().toISOString(),
  });
  const charts = buildCharts(sweep).flatMap((section) => section.charts);
  const withData = charts.filter((chart) => chart.points > 0).length;
  writeFileAtomically(options.output, html);
  process.stdout.write(
    `vmid report: wrote ${options.output} (${withData} of ${charts.length} charts with data, ${sweep.rows.length} rows)\n`,
  );
  return ExitCode.ok;
}
