/** Table size of the `indexed` strategy's open-addressing map: a power of two >= 2 x cpus. */
export function reservedIndexSize(cpus: number): number {
  let size = 4;
  while (size < 2 * cpus) size *= 2;
  return size;
}
