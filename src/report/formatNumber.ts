/**
 * A number for people, the same on every machine: integers with thin-space thousands
 * groups (12 345 678), others with 3 significant digits (0.0123, 4.57, 1 234.5 kept to one
 * decimal above 1000).
 */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return group(value.toString());
  const magnitude = Math.abs(value);
  if (magnitude >= 1000) return group(value.toFixed(1));
  if (magnitude === 0) return "0";
  return String(Number(value.toPrecision(3)));
}

function group(text: string): string {
  const [whole, fraction] = text.split(".");
  const sign = whole.startsWith("-") ? "-" : "";
  const digits = sign === "" ? whole : whole.slice(1);
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, "\u2009");
  return fraction === undefined ? `${sign}${grouped}` : `${sign}${grouped}.${fraction}`;
}
