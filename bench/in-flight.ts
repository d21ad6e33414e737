/** Runs `call(0..count-1)` keeping at most `limit` calls in flight (a producer with a window). */
export async function inFlight(count: number, limit: number, call: (index: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) await call(next++);
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, lane));
}
