/** Renders the results as markdown: one table of medians (min–max), ratios and targets. */
import type { Library } from "./adapters/adapter.js";
import { METRICS, type Metric, type Results, type Target } from "./results.js";

const number = (value: number, digits: number) =>
  value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });

function cellText(results: Results, metric: Metric, library: Library): string {
  const cell = results.cell(metric.id, library);
  if (!cell) return "–";
  if ("unavailable" in cell) return "n/a";
  if ("error" in cell) return "error";
  const values = cell.values;
  const med = results.median(metric.id, library)!;
  if (values.length === 1) return number(med, metric.digits);
  return `${number(med, metric.digits)} (${number(Math.min(...values), metric.digits)}–${number(Math.max(...values), metric.digits)})`;
}

function ratio(results: Results, metric: Metric, against: Library): number | undefined {
  if (metric.ratio === false) return undefined;
  const ours = results.median(metric.id, "resque-ts");
  const theirs = results.median(metric.id, against);
  // A ratio of times that can be negative (a job run early) means nothing.
  if (ours === undefined || theirs === undefined || ours < 0 || theirs <= 0) return undefined;
  return ours / theirs;
}

function ratioText(results: Results, metric: Metric, against: Library): string {
  const value = ratio(results, metric, against);
  return value === undefined ? "–" : `${value.toFixed(2)}×`;
}

const opText = { ">=": "≥", "<=": "≤", "<": "<" } as const;

function compare(op: Target["op"], value: number, bound: number): boolean {
  return op === ">=" ? value >= bound : op === "<=" ? value <= bound : value < bound;
}

/** Whether resque-ts meets the metric's target: true, false, or undefined when it cannot be told. */
export function targetMet(results: Results, metric: Metric): boolean | undefined {
  const target = metric.target;
  if (!target) return undefined;
  if (target.kind === "absolute") {
    const ours = results.median(metric.id, "resque-ts");
    return ours === undefined ? undefined : compare(target.op, ours, target.value);
  }
  const against: Library[] = target.against === "both" ? ["bullmq", "node-resque"] : ["bullmq"];
  const ratios = against.map((library) => ratio(results, metric, library));
  if (ratios.some((r) => r === undefined)) return undefined;
  return ratios.every((r) => compare(target.op, r!, target.value));
}

function targetText(results: Results, metric: Metric): string {
  const target = metric.target;
  if (!target) return "";
  const what =
    target.kind === "absolute"
      ? `${opText[target.op]} ${target.value} ${metric.unit}`
      : `${opText[target.op]} ${target.value}× ${target.against === "both" ? "both" : "bullmq"}`;
  const met = targetMet(results, metric);
  return `${what} ${met === undefined ? "(not measured)" : met ? "✅" : "❌"}`;
}

export function renderTable(results: Results): string {
  const libraries = results.libraries();
  const others = libraries.filter((l) => l !== "resque-ts");
  const header = [
    "",
    "metric",
    ...libraries,
    ...(libraries.includes("resque-ts") ? others.map((l) => `resque-ts ÷ ${l}`) : []),
    ...(libraries.includes("resque-ts") ? ["target for resque-ts"] : []),
  ];
  const lines = [`| ${header.join(" | ")} |`, `|${header.map((_, i) => (i < 2 ? "---" : "---:")).join("|")}|`];
  for (const metric of METRICS) {
    if (!libraries.some((l) => results.cell(metric.id, l))) continue;
    const row = [
      metric.scenario,
      `${metric.label} (${metric.unit}, ${metric.better} is better)`,
      ...libraries.map((l) => cellText(results, metric, l)),
      ...(libraries.includes("resque-ts") ? others.map((l) => ratioText(results, metric, l)) : []),
      ...(libraries.includes("resque-ts") ? [targetText(results, metric)] : []),
    ];
    lines.push(`| ${row.join(" | ")} |`);
  }
  return lines.join("\n");
}

/** Reasons for "n/a" cells, one line each. */
export function renderUnavailable(results: Results): string[] {
  const seen = new Set<string>();
  for (const metric of METRICS) {
    for (const library of results.libraries()) {
      const cell = results.cell(metric.id, library);
      if (cell && "unavailable" in cell) seen.add(`${metric.scenario} ${library}: ${cell.unavailable}`);
      if (cell && "error" in cell) seen.add(`${metric.scenario} ${library} failed: ${cell.error}`);
    }
  }
  return [...seen];
}

/** The rows of the short table for the README: the metrics with targets, under short names. */
const SUMMARY: [id: string, label: string][] = [
  ["s1.single.rate", "enqueue, one call per job (jobs/s)"],
  ["s1.bulk.rate", "enqueue, bulk (jobs/s)"],
  ["s1.bytes", "Redis bytes per queued job"],
  ["s2.c1.rate", "drain, concurrency 1 (jobs/s)"],
  ["s2.c50.rate", "drain, concurrency 50 (jobs/s)"],
  ["s2.c50.commands", "Redis commands per job, c=50"],
  ["s3.p99", "latency p99 at 500 jobs/s (ms)"],
  ["s4.lastDone", "20,000 delayed jobs: due → last done (ms)"],
  ["s5.rssPeak", "worker peak RSS, c=50 (MB)"],
  ["s6.total", "20,000 jobs failing once, retried 1 s later: first run → last success (ms)"],
  ["s6.p50", "retry start after its due time, p50 (ms)"],
  ["s7.n10000.cpu", "10,000 schedules every 10 s: CPU per 1,000 fires (ms)"],
];

/** A compact table of medians for the README (the full one is in bench/results.md). */
export function renderSummary(results: Results): string {
  const libraries = results.libraries();
  const header = ["", ...libraries, ...(libraries.includes("bullmq") && libraries.includes("resque-ts") ? ["resque-ts ÷ bullmq"] : [])];
  const lines = [`| ${header.join(" | ")} |`, `|---|${header.slice(1).map(() => "---:").join("|")}|`];
  for (const [id, label] of SUMMARY) {
    const metric = METRICS.find((m) => m.id === id)!;
    if (!libraries.some((l) => results.cell(id, l))) continue;
    const cells = libraries.map((library) => {
      const cell = results.cell(id, library);
      if (!cell) return "–";
      if ("unavailable" in cell) return "n/a";
      if ("error" in cell) return "error";
      return number(results.median(id, library)!, metric.digits);
    });
    const row = [label, ...cells];
    if (header.length > libraries.length + 1) row.push(ratioText(results, metric, "bullmq"));
    lines.push(`| ${row.join(" | ")} |`);
  }
  return lines.join("\n");
}
