import { availableParallelism } from "node:os";

/** Worker threads a sweep uses by default: one per core the machine offers, at most 64. */
export function defaultJobs(): number {
  return Math.max(1, Math.min(64, availableParallelism()));
}
