import { join } from "node:path";
import { renderReport } from "../report/renderReport.js";
import { studyFindings } from "../report/studyFindings.js";
import { STUDY_SWEEP } from "../sim/sweep/STUDY_SWEEP.js";
import { defaultJobs } from "./defaultJobs.js";
import { ExitCode } from "./ExitCode.js";
import { runSweepInto } from "./sweepCommand.js";
import { sweepFiles, writeSweepOutput } from "./sweepFiles.js";
import { writeFileAtomically } from "./writeFileAtomically.js";

/** What commander hands `vmid study`. */
export interface StudyCommandOptions {
  readonly out: string;
  readonly jobs?: number;
  readonly resume: boolean;
  readonly force: boolean;
  readonly json: boolean;
  /** Show no progress bar. */
  readonly quiet?: boolean;
}

/**
 * `vmid study`: runs the built-in sweep (STUDY_SWEEP), writes its results and the HTML report
 * (with the findings) into the output directory, and prints the headline findings.
 */
export async function studyCommand(options: StudyCommandOptions): Promise<number> {
  const output = await runSweepInto(STUDY_SWEEP, options.out, {
    jobs: options.jobs ?? defaultJobs(),
    resume: options.resume,
    force: options.force,
    quiet: options.quiet,
  });
  writeSweepOutput(options.out, output);
  const findings = studyFindings(output);
  const report = join(options.out, "report.html");
  writeFileAtomically(
    report,
    renderReport(output, {
      title: "The VMID allocator study",
      generatedAt: new Date().toISOString(),
      findings,
    }),
  );
  const files = { ...sweepFiles(options.out), report };
  if (options.json) {
    const { partial: _partial, ...written } = files;
    process.stdout.write(`${JSON.stringify({ findings, files: written }, null, 2)}\n`);
    return ExitCode.ok;
  }
  const run = output.points - output.skipped.length;
  const lines = [
    `vmid study: ${run} points x ${STUDY_SWEEP.policies.length} policies (${output.skipped.length} grid points skipped: 2^bits - 1 <= cpus), seed ${STUDY_SWEEP.seed}, ${(output.elapsedMs / 1000).toFixed(1)} s of simulation`,
    "",
    ...findings.flatMap((finding) => [`* ${finding.headline}`, `  ${finding.evidence}`, ""]),
    `report:  ${report}`,
    `results: ${files.json}, ${files.csv}`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  return ExitCode.ok;
}
