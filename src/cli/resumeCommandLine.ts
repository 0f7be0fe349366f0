/** `word` as a shell reads it back: bare when it is plain, else in single quotes. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

/**
 * The command that continues an interrupted sweep or study run as `vmid ...argv`: the same
 * arguments without `--force` (which would start over again), with `--resume`, quoted for a
 * POSIX shell.
 */
export function resumeCommandLine(argv: readonly string[]): string {
  const kept = argv.filter((word) => word !== "--force");
  if (!kept.includes("--resume")) kept.push("--resume");
  return ["vmid", ...kept].map(shellWord).join(" ");
}
