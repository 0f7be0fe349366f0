/**
 * How many decimals `formatNumber` prints: exactly `fixed` (as `toFixed` would, trailing
 * zeros kept), or at most `upTo` (trailing zeros dropped).
 */
export type Decimals = { readonly fixed: number } | { readonly upTo: number };

/** Formatters by `min/max` fraction digits, made on first use. */
const formats = new Map<string, Intl.NumberFormat>();

function formatter(minimumFractionDigits: number, maximumFractionDigits: number) {
  const key = `${minimumFractionDigits}/${maximumFractionDigits}`;
  let format = formats.get(key);
  if (format === undefined) {
    format = new Intl.NumberFormat("en-US", {
      minimumFractionDigits,
      maximumFractionDigits,
    });
    formats.set(key, format);
  }
  return format;
}

const threeSignificant = new Intl.NumberFormat("en-US", { maximumSignificantDigits: 3 });

/** A zero that rounding or the input made negative ("-0", "-0.00") loses its sign. */
function unsignedZero(text: string): string {
  return /^-0(\.0+)?$/.test(text) ? text.slice(1) : text;
}

/**
 * A number for people, grouped in thousands with commas (12,345,678). Every number printed
 * for people (CLI output, the HTML report, the study's findings) goes through here, so there
 * is one thousands separator everywhere, whatever the machine's locale. Rounding is half away
 * from zero on the number's shortest decimal form (1234.55 to one decimal is 1,234.6); negative
 * zero prints as 0.
 *
 * Without `decimals`: integers in full; others with one decimal from 1000 up (1,234.5) and
 * to 3 significant digits below (0.0123, 4.57, 123). With `decimals`: `{ fixed: 1 }` gives
 * 2.0 and 1,234.6; `{ upTo: 2 }` gives 2, 0.5 and 1,234.57; `{ upTo: 0 }` rounds to an
 * integer. Infinities and NaN print as `String` prints them.
 */
export function formatNumber(value: number, decimals?: Decimals): string {
  if (!Number.isFinite(value)) return String(value);
  let text: string;
  if (decimals !== undefined) {
    text =
      "fixed" in decimals
        ? formatter(decimals.fixed, decimals.fixed).format(value)
        : formatter(0, decimals.upTo).format(value);
  } else if (Number.isInteger(value)) {
    text = formatter(0, 0).format(value);
  } else if (Math.abs(value) >= 1000) {
    text = formatter(1, 1).format(value);
  } else {
    text = threeSignificant.format(value);
  }
  return unsignedZero(text);
}
