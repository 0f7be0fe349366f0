/** How a command's action hands its exit code back to `runCli`. */
export type SetExit = (code: number) => void;
