/**
 * `error`, a file-system error, made to name `path`: the file the user gave, not a temporary
 * file, and a path at all where Node gives none (a failed write to an open file). Anything
 * else is returned as it is.
 */
export function errorNamingPath(error: unknown, path: string): unknown {
  const fileError = error as NodeJS.ErrnoException;
  if (typeof fileError?.code === "string") fileError.path = path;
  return error;
}
