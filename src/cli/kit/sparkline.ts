/** A sparkline: one block character per value, scaled to the largest value ("▁▂▅█"). */
const BLOCKS = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"];

export function sparkline(values: readonly number[]): string {
  const max = Math.max(0, ...values);
  // An empty period is the lowest block, so a quiet hour still shows as a line.
  return values.map((v) => (max === 0 || v <= 0 ? BLOCKS[0] : BLOCKS[Math.min(BLOCKS.length - 1, Math.ceil((v / max) * (BLOCKS.length - 1)))])).join("");
}
