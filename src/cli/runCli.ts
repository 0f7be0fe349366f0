import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { VmidInputError } from "../core/VmidInputError.js";
import type { SetExit } from "./commands/SetExit.js";
import { ExitCode } from "./ExitCode.js";
import { helpSections, helpWidth } from "./helpText.js";
import { ioErrorWords } from "./ioErrorWords.js";

/** Errors from the file system that mean the user named a file we cannot use, in words. */
const FILE_ERRORS = new Map([
  ["ENOENT", "no such file or directory"],
  ["EISDIR", "is a directory"],
  ["EACCES", "permission denied"],
  ["ENOTDIR", "a path component is not a directory"],
  ["EPERM", "operation not permitted"],
  ["EEXIST", "already exists"],
  ["EROFS", "read-only file system"],
]);

function packageVersion(): string {
  const url = new URL("../../../package.json", import.meta.url);
  return (JSON.parse(readFileSync(url, "utf8")) as { version: string }).version;
}

type AddCommand = (program: Command, setExit: SetExit) => void;

/**
 * Every command, in the order `vmid --help` lists them, with the module that defines its
 * options and help. A definition imports only small constant modules; its action imports the
 * command's implementation (and the engine behind it) when it runs.
 */
const COMMANDS = new Map<string, () => Promise<AddCommand>>([
  ["replay", async () => (await import("./commands/addReplayCommand.js")).addReplayCommand],
  ["gen-trace", async () => (await import("./commands/addGenTraceCommand.js")).addGenTraceCommand],
  ["stress", async () => (await import("./commands/addStressCommand.js")).addStressCommand],
  ["check", async () => (await import("./commands/addCheckCommand.js")).addCheckCommand],
  ["view", async () => (await import("./commands/addViewCommand.js")).addViewCommand],
  ["simulate", async () => (await import("./commands/addSimulateCommand.js")).addSimulateCommand],
  ["sweep", async () => (await import("./commands/addSweepCommand.js")).addSweepCommand],
  ["report", async () => (await import("./commands/addReportCommand.js")).addReportCommand],
  ["study", async () => (await import("./commands/addStudyCommand.js")).addStudyCommand],
]);

/**
 * The program for `argv`. When `argv` starts with a command's name, commander dispatches to that
 * command and no other, so only its definition is loaded: `vmid replay` loads no checker,
 * simulator or report code, not even their defaults. Anything else (help, the version, a
 * mistyped command) gets every command, for the listing and commander's suggestions.
 */
async function buildProgram(argv: readonly string[], setExit: SetExit): Promise<Command> {
  const program = new Command("vmid")
    .description(
      "The arm64 KVM VMID allocator (Linux's arch/arm64/kvm/vmid.c), bit-exact: " +
        "replay and generate traces, run it concurrently on worker threads, model-check " +
        "it, simulate hosts and sweep them, and report. Start with 'vmid study'.",
    )
    .version(packageVersion())
    .exitOverride()
    .configureOutput({
      // One style for every error: "vmid: message".
      outputError: (text, write) => write(`vmid: ${text.replace(/^error: /, "")}`),
      // Help fits 80 columns (or a narrower terminal), whatever the terminal's width.
      getOutHelpWidth: () => helpWidth(process.stdout),
      getErrHelpWidth: () => helpWidth(process.stderr),
    })
    .showHelpAfterError("(run 'vmid help <command>' for usage)")
    .addHelpText(
      "after",
      helpSections([
        {
          text:
            "Exit codes: 0 ok, 1 violation found, 2 bad input, 3 fault, 4 inconclusive,\n" +
            "5 I/O error (disk full...), 130 interrupted (SIGINT), 143 terminated (SIGTERM).\n" +
            "Trace format: see 'vmid help replay'.",
        },
      ]),
    );

  const only = COMMANDS.get(argv[0] ?? "");
  for (const load of only !== undefined ? [only] : [...COMMANDS.values()]) {
    (await load())(program, setExit);
  }
  return program;
}

function describe(error: unknown): { message: string; code: number } {
  if (error instanceof VmidInputError) return { message: error.message, code: ExitCode.badInput };
  const fileError = error as NodeJS.ErrnoException;
  const ioWords = ioErrorWords(fileError?.code);
  if (ioWords !== undefined) {
    const reading = fileError.syscall === "read";
    const file = fileError.path === undefined ? "" : `${reading ? "" : " to"} '${fileError.path}'`;
    const message = `cannot ${reading ? "read" : "write"}${file}: ${ioWords} (${fileError.code})`;
    return { message, code: ExitCode.io };
  }
  const words = typeof fileError?.code === "string" ? FILE_ERRORS.get(fileError.code) : undefined;
  if (words !== undefined) {
    const path = fileError.path ?? "";
    return {
      message: `cannot use '${path}': ${words} (${fileError.code})`,
      code: ExitCode.badInput,
    };
  }
  const text = error instanceof Error ? error.message : String(error);
  const stack = process.env.VMID_DEBUG
    ? `\n${(error as Error)?.stack ?? ""}`
    : " (set VMID_DEBUG=1 for the stack)";
  return { message: `internal error: ${text}${stack}`, code: ExitCode.fault };
}

/** Runs the CLI on `argv` (without node and script) and returns the exit code. */
export async function runCli(argv: readonly string[]): Promise<number> {
  let exitCode: number = ExitCode.ok;
  try {
    const program = await buildProgram(argv, (code) => {
      exitCode = code;
    });
    if (argv.length === 0) {
      // Bare `vmid` asks what there is: the help, on stdout, and success.
      program.outputHelp();
      return ExitCode.ok;
    }
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed help, the version or its own error message already.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.badInput;
    }
    // A reader that stopped reading (`| head`) ends the command quietly, as on stdout.
    if ((error as NodeJS.ErrnoException)?.code === "EPIPE") return ExitCode.ok;
    const { message, code } = describe(error);
    process.stderr.write(`vmid: ${message}\n`);
    return code;
  }
}
