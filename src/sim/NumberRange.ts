import { formatNumber } from "../_internal/formatNumber.js";

/** The numbers a parameter accepts: integers or any finite number, from `min` to `max`. */
export interface NumberRange {
  readonly integer: boolean;
  readonly min: number;
  /** Whether `min` itself is refused (a number above 0, say). */
  readonly minExclusive?: boolean;
  readonly max: number;
}

/** Whether `value` is a number in `range` (never NaN or an infinity). */
export function inRange(range: NumberRange, value: unknown): boolean {
  return (
    typeof value === "number" &&
    Number.isFinite(value) &&
    (!range.integer || Number.isInteger(value)) &&
    (range.minExclusive === true ? value > range.min : value >= range.min) &&
    value <= range.max
  );
}

/** `range` in words: `an integer from 1 to 4,096`, `a number above 0, up to 10,000,000`. */
export function describeRange(range: NumberRange): string {
  const kind = range.integer ? "an integer" : "a number";
  const max = formatNumber(range.max);
  return range.minExclusive === true
    ? `${kind} above ${formatNumber(range.min)}, up to ${max}`
    : `${kind} from ${formatNumber(range.min)} to ${max}`;
}
