/** What every scenario gets: settings, the private Redis, the adapters and the results. */
import type { Adapter, Library } from "./adapters/adapter.js";
import type { BenchConfig } from "./config.js";
import type { RedisStats } from "./redis-stats.js";
import type { Results } from "./results.js";

export interface BenchContext {
  config: BenchConfig;
  redisUrl: string;
  redis: RedisStats;
  adapters: Map<Library, Adapter>;
  results: Results;
  log(message: string): void;
}

/** The libraries in a different order on each repeat, so none always runs first (or last). */
export function rotation(libraries: readonly Library[], repeat: number): Library[] {
  const shift = repeat % libraries.length;
  return [...libraries.slice(shift), ...libraries.slice(0, shift)];
}

/** Job arguments [0], [1], ... for n jobs. */
export function numberedArgs(n: number): unknown[][] {
  return Array.from({ length: n }, (_, i) => [i]);
}

export const format = (value: number, digits = 0) =>
  value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
