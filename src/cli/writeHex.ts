const DIGITS = Uint8Array.from("0123456789abcdef", (digit) => digit.charCodeAt(0));
const TWO_32 = 0x1_0000_0000;

/**
 * Writes a non-negative safe integer in lowercase hex, no prefix, into `bytes` at `at` (room
 * for 14 digits needed); returns where the digits end. No string is made.
 */
export function writeHex(bytes: Uint8Array, at: number, value: number): number {
  // Above 32 bits (every id past the first generations): the high part, then the low 32
  // bits as exactly 8 digits. Division by 2^32, floor and the product are exact.
  const high = Math.floor(value / TWO_32);
  let low = high === 0 ? value : value - high * TWO_32;
  let position = at;
  let lowWidth = 8;
  if (high === 0) lowWidth = value === 0 ? 1 : 8 - (Math.clz32(value) >> 2);
  else {
    let rest = high;
    const highWidth = 8 - (Math.clz32(high) >> 2);
    position += highWidth;
    for (let digit = position - 1; digit >= at; digit--) {
      bytes[digit] = DIGITS[rest & 15];
      rest >>>= 4;
    }
  }
  const end = position + lowWidth;
  position = end;
  for (let digit = 0; digit < lowWidth; digit++) {
    bytes[--position] = DIGITS[low & 15];
    low >>>= 4;
  }
  return end;
}
