import { InvalidArgumentError } from "commander";
import { STRATEGY_NAMES, type StrategyName } from "../core/strategies/ReservedLookup.js";

/** Parses a non-negative decimal integer option (underscores allowed: 2_000_000). */
export function parseCount(text: string): number {
  const cleaned = text.replaceAll("_", "");
  if (!/^\d+$/.test(cleaned))
    throw new InvalidArgumentError(`expected a non-negative integer, got '${text}'.`);
  const value = Number(cleaned);
  if (!Number.isSafeInteger(value)) throw new InvalidArgumentError(`'${text}' is too large.`);
  return value;
}

/** Parses a finite decimal number option. */
export function parseReal(text: string): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value)) {
    throw new InvalidArgumentError(`expected a number, got '${text}'.`);
  }
  return value;
}

/** Parses a reserved-lookup strategy name. */
export function parseStrategy(text: string): StrategyName {
  const found = STRATEGY_NAMES.find((name) => name === text);
  if (found === undefined) {
    throw new InvalidArgumentError(`expected one of ${STRATEGY_NAMES.join(", ")}, got '${text}'.`);
  }
  return found;
}
