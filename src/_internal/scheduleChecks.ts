import { requireInput } from "./requireInput.js";

/** The rules shared by generated schedules (gen-trace, stress): one definition each. */
export function requireEventCount(events: number): void {
  requireInput(
    Number.isSafeInteger(events) && events >= 0,
    `events must be a non-negative integer (got ${events})`,
  );
}

export function requirePutProbability(putProbability: number): void {
  requireInput(
    putProbability >= 0 && putProbability <= 1,
    `put probability must be from 0 to 1 (got ${putProbability})`,
  );
}

export function requireSeed(seed: number): void {
  requireInput(
    Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff,
    `seed must be an integer from 0 to 4294967295 (got ${seed})`,
  );
}
