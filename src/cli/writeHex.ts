const DIGITS = Uint8Array.from("0123456789abcdef", (digit) => digit.charCodeAt(0));
const TWO_32 = 0x1_0000_0000;

/**
 * Writes a non-negative safe integer in lowercase hex, no prefix, into `bytes` at `at` (room
 * for 14 digits needed); returns where the digits end. No string is made.
 */
export function writeHex(bytes: Uint8Array, at: number, value: number): number {
  if (value < TWO_32) {
    const width = value === 0 ? 1 : 8 - (Math.clz32(value) >> 2);
    let rest = value;
    for (let position = at + width - 1; position >= at; position--) {
      bytes[position] = DIGITS[rest & 15];
      rest >>>= 4;
    }
    return at + width;
  }
  // Every id past the first generations: the part above 32 bits, then the low 32 bits as
  // exactly 8 digits. Division by 2^32, floor and the product are exact.
  const high = Math.floor(value / TWO_32);
  const low = value - high * TWO_32;
  let rest = high;
  const end = at + 8 - (Math.clz32(high) >> 2);
  for (let position = end - 1; position >= at; position--) {
    bytes[position] = DIGITS[rest & 15];
    rest >>>= 4;
  }
  bytes[end] = DIGITS[low >>> 28];
  bytes[end + 1] = DIGITS[(low >>> 24) & 15];
  bytes[end + 2] = DIGITS[(low >>> 20) & 15];
  bytes[end + 3] = DIGITS[(low >>> 16) & 15];
  bytes[end + 4] = DIGITS[(low >>> 12) & 15];
  bytes[end + 5] = DIGITS[(low >>> 8) & 15];
  bytes[end + 6] = DIGITS[(low >>> 4) & 15];
  bytes[end + 7] = DIGITS[low & 15];
  return end + 8;
}
