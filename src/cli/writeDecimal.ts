const DIGIT_0 = 0x30;

/** Decimal digits of a non-negative int32. */
function decimalWidth(value: number): number {
  if (value < 100_000) {
    if (value < 100) return value < 10 ? 1 : 2;
    return value < 1000 ? 3 : value < 10_000 ? 4 : 5;
  }
  if (value < 10_000_000) return value < 1_000_000 ? 6 : 7;
  return value < 100_000_000 ? 8 : value < 1_000_000_000 ? 9 : 10;
}

/**
 * Writes a non-negative safe integer in decimal into `bytes` at `at` (room for 16 digits
 * needed); returns where the digits end.
 */
export function writeDecimal(bytes: Uint8Array, at: number, value: number): number {
  if (value > 0x7fffffff) {
    const text = value.toString(10);
    for (let i = 0; i < text.length; i++) bytes[at + i] = text.charCodeAt(i);
    return at + text.length;
  }
  if (value < 10) {
    bytes[at] = DIGIT_0 + value;
    return at + 1;
  }
  // Every CPU and almost every VM: int32 arithmetic, no string.
  let rest = value | 0;
  const end = at + decimalWidth(rest);
  let position = end;
  while (rest >= 10) {
    const next = (rest / 10) | 0;
    bytes[--position] = DIGIT_0 + (rest - next * 10);
    rest = next;
  }
  bytes[--position] = DIGIT_0 + rest;
  return end;
}
