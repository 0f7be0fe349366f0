import {
  chmodSync,
  lstatSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { VmidInputError } from "../core/VmidInputError.js";
import { errorNamingPath } from "./errorNamingPath.js";
import { onInterrupt } from "./onInterrupt.js";

/** Where a command writes an output file it was given (`-o FILE`), and how it finishes. */
export interface OutputTarget {
  /** The file to open: a temporary file beside the target, or the target itself. */
  readonly writePath: string;
  /**
   * A descriptor of this process to write to instead of opening `writePath`: `/dev/stdout`
   * and `/dev/fd/N` name this process's own open files, written through the same descriptor
   * so the output lands where the shell's redirection put it (at its offset, in order).
   */
  readonly fd?: number;
  /** How to open it (`"a"` for an open file reached through /proc, so `>>` still appends). */
  readonly flags: "w" | "a";
  /** Renames the temporary file over the target (nothing to do in place). */
  commit(): void;
  /**
   * Gives up after `error`: removes the temporary file, so the target stays as it was, and
   * throws `error` naming the path the user gave (not the temporary file).
   */
  fail(error: unknown): never;
}

/** Symbolic links followed before giving up, as Linux's own limit. */
const MAX_LINKS = 40;

function refuse(path: string, what: string): never {
  throw new VmidInputError(
    `cannot write to '${path}': it is ${what}; name a file, a character device or a FIFO`,
  );
}

/** What kind of file `stats` is, for a message, when it cannot be an output. */
function refusedKind(stats: Stats): string {
  if (stats.isDirectory()) return "a directory";
  if (stats.isSocket()) return "a socket";
  if (stats.isBlockDevice()) return "a block device";
  return "not a regular file";
}

/** Where `path`'s symbolic links lead. */
interface Followed {
  /** The real path, without links. */
  readonly real: string;
  /** What is there, if anything. */
  readonly stats?: Stats;
  /** The descriptor, when `real` is one of this process's open files (/proc/PID/fd/N). */
  readonly fd?: number;
}

/** Follows `path`'s symbolic links: the real path it names, and what is there (if anything). */
function followLinks(path: string): Followed {
  let current = resolve(path);
  for (let hop = 0; hop <= MAX_LINKS; hop++) {
    const directory = realpathSync(dirname(current));
    current = join(directory, basename(current));
    // /proc (where /dev/stdout and /dev/fd/N lead) names open files and kernel settings:
    // never replaced, always written in place, so stop following there.
    if (directory === "/proc" || directory.startsWith("/proc/")) {
      const own = directory === `/proc/${process.pid}/fd` && /^\d+$/.test(basename(current));
      const fd = own ? Number(basename(current)) : undefined;
      return { real: current, stats: statSync(current), fd };
    }
    const stats = lstatSync(current, { throwIfNoEntry: false });
    if (stats === undefined || !stats.isSymbolicLink()) return { real: current, stats };
    current = resolve(directory, readlinkSync(current));
  }
  throw new VmidInputError(`cannot write to '${path}': more than ${MAX_LINKS} symbolic links`);
}

/**
 * Opens the output target `path` (as `-o` names it) the way its kind of file needs:
 *
 * - a regular file, or a path where nothing exists yet: replaced atomically, through a
 *   temporary file `REAL.tmp-PID` beside it, renamed over it at `commit` (with the replaced
 *   file's permissions); a failed or interrupted write (SIGINT, SIGTERM: see onInterrupt)
 *   leaves the target as it was;
 * - a symbolic link: followed, and the file it leads to replaced or created as above (the
 *   link stays a link);
 * - a character device (`/dev/null`, a terminal, `/dev/full`) or a FIFO: written in place,
 *   never replaced; so is anything in /proc: `/dev/stdout` and `/dev/fd/N` through this
 *   process's own descriptor, other regular files there appended to;
 * - anything else (a directory, a socket, a block device): refused, VmidInputError.
 */
export function openOutputTarget(path: string): OutputTarget {
  let followed: Followed;
  try {
    followed = followLinks(path);
  } catch (error) {
    throw error instanceof VmidInputError ? error : errorNamingPath(error, path);
  }
  const { real, stats, fd } = followed;
  const inProc = real.startsWith("/proc/");
  if (stats !== undefined && (stats.isCharacterDevice() || stats.isFIFO() || inProc)) {
    // An open descriptor of ours (a pipe, a socket...) is written as it is.
    if (fd === undefined && !stats.isFile() && !stats.isCharacterDevice() && !stats.isFIFO()) {
      refuse(path, refusedKind(stats));
    }
    return {
      writePath: real,
      fd,
      flags: inProc && stats.isFile() ? "a" : "w",
      commit: () => {},
      fail: (error) => {
        throw errorNamingPath(error, path);
      },
    };
  }
  if (stats !== undefined && !stats.isFile()) refuse(path, refusedKind(stats));
  const temporary = `${real}.tmp-${process.pid}`;
  const forget = onInterrupt(() => rmSync(temporary, { force: true }));
  return {
    writePath: temporary,
    flags: "w",
    commit: () => {
      // The replaced file keeps its permissions (a private 0600 file stays private).
      if (stats !== undefined) chmodSync(temporary, stats.mode & 0o7777);
      renameSync(temporary, real);
      forget();
    },
    fail: (error) => {
      rmSync(temporary, { force: true });
      forget();
      throw errorNamingPath(error, path);
    },
  };
}
