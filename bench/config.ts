/** Benchmark settings: full size by default, `--quick` for a smoke run, env vars to adjust. */
import { LIBRARIES, type Library } from "./adapters/adapter.js";

export const SCENARIOS = ["s1", "s2", "s3", "s4", "s6", "s7", "s8", "cluster"] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface BenchConfig {
  quick: boolean;
  /** Jobs per S1 and S2 run (BENCH_JOBS). */
  jobs: number;
  /** Runs per measurement; every run starts from an empty Redis (BENCH_REPEATS). */
  repeats: number;
  /** S1: enqueue calls kept in flight. */
  inFlight: number;
  /** S1: jobs per bulk call. */
  bulkChunk: number;
  /** S2 worker concurrencies (BENCH_CONCURRENCIES, e.g. "1,50"). */
  concurrencies: number[];
  /** S3: jobs per second, measured seconds, and warm-up seconds not counted (BENCH_LATENCY_SECONDS). */
  latencyRate: number;
  latencySeconds: number;
  latencyWarmupSeconds: number;
  latencyConcurrency: number;
  /** S4: delayed jobs due at the same second (BENCH_DELAYED_JOBS), and the worker concurrency. */
  delayedJobs: number;
  delayedConcurrency: number;
  /** S6: jobs that fail once and succeed on their retry (BENCH_RETRY_JOBS). */
  retryJobs: number;
  /** S7: numbers of recurring schedules, one run each (BENCH_SCHEDULES, e.g. "1000,10000"), and slots observed per run. */
  scheduleCounts: number[];
  scheduleSlots: number;
  libraries: Library[];
  scenarios: Scenario[];
  /** Where the markdown report goes. */
  output: string;
  /** The README whose "## Benchmarks" section a full run rewrites (full runs only). */
  readmeSection: string | undefined;
}

function envNumber(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === "") return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new Error(`${name} must be a positive number, got "${value}"`);
  return number;
}

function envList<T extends string>(name: string, all: readonly T[]): T[] {
  const value = process.env[name];
  if (!value) return [...all];
  const picked = value.split(",").map((s) => s.trim()) as T[];
  for (const item of picked) if (!all.includes(item)) throw new Error(`${name}: unknown "${item}"; expected some of ${all.join(",")}`);
  return all.filter((item) => picked.includes(item));
}

export function readConfig(argv: readonly string[]): BenchConfig {
  const quick = argv.includes("--quick");
  const outIndex = argv.indexOf("--out");
  return {
    quick,
    jobs: envNumber("BENCH_JOBS", quick ? 2_000 : 50_000),
    repeats: envNumber("BENCH_REPEATS", quick ? 1 : 3),
    inFlight: 100,
    bulkChunk: 1_000,
    concurrencies: (process.env.BENCH_CONCURRENCIES ?? "1,10,50").split(",").map(Number),
    latencyRate: 500,
    latencySeconds: envNumber("BENCH_LATENCY_SECONDS", quick ? 2 : 15),
    latencyWarmupSeconds: quick ? 0.5 : 1,
    latencyConcurrency: 10,
    delayedJobs: envNumber("BENCH_DELAYED_JOBS", quick ? 2_000 : 20_000),
    delayedConcurrency: 50,
    retryJobs: envNumber("BENCH_RETRY_JOBS", quick ? 2_000 : 20_000),
    scheduleCounts: (process.env.BENCH_SCHEDULES ?? (quick ? "100,1000" : "1000,10000")).split(",").map(Number),
    scheduleSlots: envNumber("BENCH_SCHEDULE_SLOTS", quick ? 2 : 3),
    libraries: envList("BENCH_LIBS", LIBRARIES),
    scenarios: envList("BENCH_SCENARIOS", SCENARIOS),
    output: outIndex >= 0 ? argv[outIndex + 1]! : quick ? "bench/results-quick.md" : "bench/results.md",
    readmeSection: quick || outIndex >= 0 ? undefined : "README.md",
  };
}
