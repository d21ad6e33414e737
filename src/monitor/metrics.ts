/**
 * Prometheus metrics (prom-client) of the watched instances, read from Redis at each scrape:
 * queue sizes, processed and failed totals, job durations per class (the histogram the work cycle
 * keeps in `resque-ts:durations`), workers by state, delayed and retry counts, and the alerts
 * firing. Served as a fetch-style handler; each scrape reads every instance in parallel, and an
 * instance that cannot be read reports `resque_up 0` instead of failing the scrape.
 */
import type { Counter, Gauge, Metric, Registry } from "prom-client";
import { lazyDependency } from "../lazy-dependency.js";
import type { Admin } from "../admin/index.js";
import type { JobDurations } from "../admin/stats.js";
import type { Overview } from "../admin/overview.js";
import type { Alert } from "./alert.js";
import type { FetchHandler } from "./status-page.js";

/** How long an instance may take to answer a scrape before it counts as down. */
const SCRAPE_TIMEOUT_MS = 5000;
/** Delayed and retry counts walk the whole schedule: refreshed at most this often. */
export const SLOW_METRICS_MS = 60_000;

const promClient = lazyDependency<typeof import("prom-client")>("prom-client");

interface InstanceReading {
  overview: Overview;
  durations: JobDurations[];
  delayed: number;
  retries: number;
  firing: Alert[];
}

interface Slow {
  at: number;
  delayed: number;
  retries: number;
}

export class MonitorMetrics {
  readonly registry: Registry;
  readonly #admins: readonly Admin[];
  readonly #firingOf: (admin: Admin) => Promise<Alert[]>;
  readonly #slow = new Map<Admin, Slow>();
  #chain: Promise<unknown> = Promise.resolve();
  #durations: { instance: string; durations: JobDurations[] }[] = [];

  readonly #up: Gauge;
  readonly #queueSize: Gauge;
  readonly #processed: Counter;
  readonly #failed: Counter;
  readonly #failedJobs: Gauge;
  readonly #workers: Gauge;
  readonly #delayed: Gauge;
  readonly #retries: Gauge;
  readonly #leader: Gauge;
  readonly #alerts: Gauge;

  constructor(admins: readonly Admin[], firingOf: (admin: Admin) => Promise<Alert[]>) {
    this.#admins = admins;
    this.#firingOf = firingOf;
    const { Counter, Gauge, Registry } = promClient();
    this.registry = new Registry();
    const registers = [this.registry];
    this.#up = new Gauge({ name: "resque_up", help: "1 when the instance's Redis answered this scrape, else 0.", labelNames: ["instance"], registers });
    this.#queueSize = new Gauge({ name: "resque_queue_size", help: "Jobs waiting on a queue.", labelNames: ["instance", "queue"], registers });
    this.#processed = new Counter({
      name: "resque_jobs_processed_total",
      help: "Jobs processed, failed ones included, as Resque counts them (stat:processed).",
      labelNames: ["instance"],
      registers,
    });
    this.#failed = new Counter({ name: "resque_jobs_failed_total", help: "Jobs failed (stat:failed).", labelNames: ["instance"], registers });
    this.#failedJobs = new Gauge({ name: "resque_failed_jobs", help: "Entries in the failed lists, waiting to be retried or removed.", labelNames: ["instance"], registers });
    this.#workers = new Gauge({ name: "resque_workers", help: "Registered workers by state: busy (running a job), idle or paused.", labelNames: ["instance", "state"], registers });
    this.#delayed = new Gauge({ name: "resque_delayed_jobs", help: "Delayed jobs waiting for their time (refreshed at most once a minute).", labelNames: ["instance"], registers });
    this.#retries = new Gauge({ name: "resque_retries_scheduled", help: "Jobs waiting to be retried (refreshed at most once a minute).", labelNames: ["instance"], registers });
    this.#leader = new Gauge({ name: "resque_scheduler_leader", help: "1 while a scheduler holds the leader lock, else 0.", labelNames: ["instance"], registers });
    this.#alerts = new Gauge({ name: "resque_alert_firing", help: "1 for each alert firing now.", labelNames: ["instance", "check", "subject", "severity"], registers });
    this.registry.registerMetric(this.#durationHistogram() as unknown as Metric);
  }

  /** The exposition text, read fresh from every instance. Scrapes run one at a time. */
  text(): Promise<string> {
    const next = this.#chain.catch(() => undefined).then(async () => {
      await this.#refresh();
      return this.registry.metrics();
    });
    this.#chain = next;
    return next;
  }

  /** The fetch-style handler: GET (or HEAD) → the exposition text. */
  readonly handle: FetchHandler = async (request) => {
    if (request.method !== "GET" && request.method !== "HEAD") {
      return new Response("Method not allowed\n", { status: 405, headers: { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" } });
    }
    const body = await this.text();
    return new Response(request.method === "HEAD" ? null : body, { headers: { "content-type": this.registry.contentType, "cache-control": "no-store" } });
  };

  async #refresh(): Promise<void> {
    const readings = await Promise.all(this.#admins.map((admin) => this.#read(admin).catch(() => undefined)));
    for (const metric of [this.#up, this.#queueSize, this.#processed, this.#failed, this.#failedJobs, this.#workers, this.#delayed, this.#retries, this.#leader, this.#alerts]) metric.reset();
    this.#durations = [];
    this.#admins.forEach((admin, i) => {
      const instance = admin.name;
      const reading = readings[i];
      this.#up.set({ instance }, reading ? 1 : 0);
      if (!reading) return;
      const { overview } = reading;
      for (const queue of overview.queues) this.#queueSize.set({ instance, queue: queue.name }, queue.size);
      this.#processed.inc({ instance }, overview.totals.processed);
      this.#failed.inc({ instance }, overview.totals.failed);
      this.#failedJobs.set({ instance }, overview.failed.count);
      const states = { busy: 0, idle: 0, paused: 0 };
      for (const worker of overview.workers) states[worker.state === "working" ? "busy" : worker.state]++;
      for (const [state, count] of Object.entries(states)) this.#workers.set({ instance, state }, count);
      this.#delayed.set({ instance }, reading.delayed);
      this.#retries.set({ instance }, reading.retries);
      this.#leader.set({ instance }, overview.scheduler.leader ? 1 : 0);
      for (const alert of reading.firing) this.#alerts.set({ instance, check: alert.check, subject: alert.subject, severity: alert.severity }, 1);
      this.#durations.push({ instance, durations: reading.durations });
    });
  }

  async #read(admin: Admin): Promise<InstanceReading> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("timeout")), SCRAPE_TIMEOUT_MS);
    });
    try {
      const [overview, durations, slow, firing] = await Promise.race([
        Promise.all([admin.overview(), admin.stats.durations(), this.#slowCounts(admin), this.#firingOf(admin)]),
        timeout,
      ]);
      return { overview, durations, delayed: slow.delayed, retries: slow.retries, firing };
    } finally {
      clearTimeout(timer);
    }
  }

  async #slowCounts(admin: Admin): Promise<Slow> {
    const cached = this.#slow.get(admin);
    if (cached && Date.now() - cached.at < SLOW_METRICS_MS) return cached;
    const [delayed, retries] = await Promise.all([admin.delayed.count(), admin.retries.scheduled()]);
    const fresh = { at: Date.now(), delayed, retries: retries.length };
    this.#slow.set(admin, fresh);
    return fresh;
  }

  /**
   * The job-duration histogram, built from the buckets the work cycle keeps (its bounds are
   * DURATION_BUCKETS_SECONDS), which prom-client's Histogram cannot be loaded from.
   */
  #durationHistogram() {
    const name = "resque_job_duration_seconds";
    const help = "How long jobs ran, per class (resque-ts workers; failed jobs included).";
    const get = async () => {
      const values: { metricName: string; labels: Record<string, string>; value: number }[] = [];
      for (const { instance, durations } of this.#durations) {
        for (const d of durations) {
          let cumulative = 0;
          for (const bucket of d.buckets) {
            cumulative += bucket.count;
            values.push({ metricName: `${name}_bucket`, labels: { instance, class: d.class, le: bucket.le === Number.POSITIVE_INFINITY ? "+Inf" : String(bucket.le) }, value: cumulative });
          }
          values.push({ metricName: `${name}_sum`, labels: { instance, class: d.class }, value: d.sumMs / 1000 });
          values.push({ metricName: `${name}_count`, labels: { instance, class: d.class }, value: d.count });
        }
      }
      return { name, help, type: "histogram", aggregator: "sum", values };
    };
    return { name, help, type: "histogram", aggregator: "sum", get, reset: () => {} };
  }
}
