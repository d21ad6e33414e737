/** The metrics the benchmark reports, their targets, and the values collected per library. */
import { LIBRARIES, type Library } from "./adapters/adapter.js";
import { median } from "./statistics.js";

/**
 * A target for resque-ts: a ratio of its median to bullmq's (or to each other library's),
 * or an absolute bound on its own median.
 */
export type Target =
  | { kind: "ratio"; op: ">=" | "<=" | "<"; value: number; against: "bullmq" | "both" }
  | { kind: "absolute"; op: "<=" | ">="; value: number };

export interface Metric {
  id: string;
  scenario: string;
  label: string;
  unit: string;
  better: "higher" | "lower";
  digits: number;
  target?: Target;
  /** False for signed values (such as "earliest"), where a ratio means nothing. */
  ratio?: boolean;
}

export type Cell = { values: number[] } | { unavailable: string } | { error: string };

function s2(c: number, target?: Target): Metric[] {
  return [
    { id: `s2.c${c}.rate`, scenario: "S2", label: `drain, concurrency ${c}`, unit: "jobs/s", better: "higher", digits: 0, ...(target ? { target } : {}) },
    {
      id: `s2.c${c}.commands`,
      scenario: "S2",
      label: `Redis commands per processed job, c=${c}`,
      unit: "cmds/job",
      better: "lower",
      digits: 2,
      target: { kind: "absolute", op: "<=", value: 4 },
    },
    { id: `s2.c${c}.workerCpu`, scenario: "S2", label: `worker CPU per 1,000 jobs, c=${c}`, unit: "ms", better: "lower", digits: 0 },
    { id: `s2.c${c}.redisCpu`, scenario: "S2", label: `Redis CPU per 1,000 jobs, c=${c}`, unit: "ms", better: "lower", digits: 0 },
  ];
}

export const METRICS: Metric[] = [
  {
    id: "s1.single.rate",
    scenario: "S1",
    label: "enqueue, one call per job (100 in flight)",
    unit: "jobs/s",
    better: "higher",
    digits: 0,
    target: { kind: "ratio", op: ">=", value: 1.5, against: "bullmq" },
  },
  {
    id: "s1.bulk.rate",
    scenario: "S1",
    label: "enqueue, bulk API (1,000 per call)",
    unit: "jobs/s",
    better: "higher",
    digits: 0,
    target: { kind: "ratio", op: ">=", value: 3, against: "bullmq" },
  },
  {
    id: "s1.bytes",
    scenario: "S1",
    label: "Redis memory per queued job",
    unit: "bytes",
    better: "lower",
    digits: 0,
    target: { kind: "absolute", op: "<=", value: 60 },
  },
  { id: "s1.single.commands", scenario: "S1", label: "Redis commands per job, one call per job", unit: "cmds/job", better: "lower", digits: 2 },
  { id: "s1.bulk.commands", scenario: "S1", label: "Redis commands per job, bulk", unit: "cmds/job", better: "lower", digits: 3 },
  ...s2(1, { kind: "ratio", op: ">=", value: 1.2, against: "bullmq" }),
  ...s2(10),
  ...s2(50, { kind: "ratio", op: ">=", value: 2, against: "bullmq" }),
  { id: "s3.p50", scenario: "S3", label: "latency enqueue → perform start at 500 jobs/s, p50", unit: "ms", better: "lower", digits: 2 },
  {
    id: "s3.p99",
    scenario: "S3",
    label: "latency at 500 jobs/s, p99",
    unit: "ms",
    better: "lower",
    digits: 2,
    target: { kind: "ratio", op: "<=", value: 1, against: "bullmq" },
  },
  { id: "s3.max", scenario: "S3", label: "latency at 500 jobs/s, max", unit: "ms", better: "lower", digits: 1 },
  {
    id: "s4.lastDone",
    scenario: "S4",
    label: "delayed jobs due at one second: due → last done",
    unit: "ms",
    better: "lower",
    digits: 0,
    target: { kind: "ratio", op: "<=", value: 0.5, against: "bullmq" },
  },
  { id: "s4.p50", scenario: "S4", label: "delayed: lateness p50", unit: "ms", better: "lower", digits: 0 },
  { id: "s4.p99", scenario: "S4", label: "delayed: lateness p99", unit: "ms", better: "lower", digits: 0 },
  {
    id: "s4.earliest",
    scenario: "S4",
    label: "delayed: earliest start relative to due (negative = early)",
    unit: "ms",
    better: "higher",
    digits: 0,
    target: { kind: "absolute", op: ">=", value: 0 },
    ratio: false,
  },
  { id: "s5.rssBefore", scenario: "S5", label: "worker RSS before work (c=50)", unit: "MB", better: "lower", digits: 1 },
  {
    id: "s5.rssPeak",
    scenario: "S5",
    label: "worker peak RSS during S2 at c=50",
    unit: "MB",
    better: "lower",
    digits: 1,
    target: { kind: "ratio", op: "<", value: 1, against: "both" },
  },
  { id: "s5.rssAfter", scenario: "S5", label: "worker RSS when the c=50 drain is done", unit: "MB", better: "lower", digits: 1 },
  { id: "s5.rssAfterGc", scenario: "S5", label: "worker RSS after the drain and a forced full GC", unit: "MB", better: "lower", digits: 1 },
  {
    id: "s6.total",
    scenario: "S6",
    label: "retry storm: first run → last success",
    unit: "ms",
    better: "lower",
    digits: 0,
    target: { kind: "ratio", op: "<=", value: 1, against: "bullmq" },
  },
  { id: "s6.failRate", scenario: "S6", label: "retry storm: failing first runs", unit: "jobs/s", better: "higher", digits: 0 },
  {
    id: "s6.failRatio",
    scenario: "S6",
    label: "failing first runs ÷ succeeding jobs (S2 c=50)",
    unit: "×",
    better: "higher",
    digits: 2,
    target: { kind: "absolute", op: ">=", value: 0.8 },
  },
  {
    id: "s6.p50",
    scenario: "S6",
    label: "retry start after its due time, p50",
    unit: "ms",
    better: "lower",
    digits: 0,
    target: { kind: "absolute", op: "<=", value: 600 },
  },
  { id: "s6.p99", scenario: "S6", label: "retry start after its due time, p99", unit: "ms", better: "lower", digits: 0 },
  {
    id: "s6.earliest",
    scenario: "S6",
    label: "earliest retry start relative to due (negative = early)",
    unit: "ms",
    better: "higher",
    digits: 0,
    target: { kind: "absolute", op: ">=", value: 0 },
    ratio: false,
  },
  { id: "s6.commands", scenario: "S6", label: "Redis commands per job (both runs)", unit: "cmds/job", better: "lower", digits: 1 },
  { id: "s6.workerCpu", scenario: "S6", label: "worker CPU per 1,000 jobs (both runs)", unit: "ms", better: "lower", digits: 0 },
];

export class Results {
  readonly #cells = new Map<string, Map<Library, Cell>>();
  /** Free-form detail per section (e.g. command breakdowns), printed under the table. */
  readonly details: string[] = [];

  add(metricId: string, library: Library, value: number): void {
    const cell = this.#cell(metricId, library);
    if (cell && "values" in cell) cell.values.push(value);
    else this.#set(metricId, library, { values: [value] });
  }

  unavailable(metricIds: readonly string[], library: Library, reason: string): void {
    for (const id of metricIds) this.#set(id, library, { unavailable: reason });
  }

  /** A run failed: its cells say so (values from other repeats are dropped, a partial median would mislead). */
  failed(metricIds: readonly string[], library: Library, message: string): void {
    for (const id of metricIds) this.#set(id, library, { error: message });
  }

  cell(metricId: string, library: Library): Cell | undefined {
    return this.#cell(metricId, library);
  }

  median(metricId: string, library: Library): number | undefined {
    const cell = this.#cell(metricId, library);
    return cell && "values" in cell && cell.values.length > 0 ? median(cell.values) : undefined;
  }

  libraries(): Library[] {
    const seen = new Set<Library>();
    for (const byLibrary of this.#cells.values()) for (const library of byLibrary.keys()) seen.add(library);
    return LIBRARIES.filter((l) => seen.has(l));
  }

  #cell(metricId: string, library: Library): Cell | undefined {
    return this.#cells.get(metricId)?.get(library);
  }

  #set(metricId: string, library: Library, cell: Cell): void {
    const existing = this.#cells.get(metricId)?.get(library);
    if (existing && "error" in existing) return;
    let byLibrary = this.#cells.get(metricId);
    if (!byLibrary) this.#cells.set(metricId, (byLibrary = new Map()));
    byLibrary.set(library, cell);
  }
}
