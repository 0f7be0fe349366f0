import { InvalidArgumentError } from "commander";
import { MUTANT_NAMES, type MutantName } from "../core/Mutant.js";
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

/** Parses a decimal number option (digits, optional fraction and exponent; no hex). */
export function parseReal(text: string): number {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) {
    throw new InvalidArgumentError(`expected a decimal number, got '${text}'.`);
  }
  return Number(text);
}

/** Parses a reserved-lookup strategy name. */
export function parseStrategy(text: string): StrategyName {
  const found = STRATEGY_NAMES.find((name) => name === text);
  if (found === undefined) {
    throw new InvalidArgumentError(`expected one of ${STRATEGY_NAMES.join(", ")}, got '${text}'.`);
  }
  return found;
}

/** Parses a mutant name. */
export function parseMutant(text: string): MutantName {
  const found = MUTANT_NAMES.find((name) => name === text);
  if (found === undefined) {
    throw new InvalidArgumentError(`expected one of ${MUTANT_NAMES.join(", ")}, got '${text}'.`);
  }
  return found;
}
