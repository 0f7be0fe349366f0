/** `value` rounded up to a multiple of `multiple` (layouts align regions to cache lines). */
export function roundUp(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple;
}
