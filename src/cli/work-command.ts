/**
 * `resque work`: runs a worker process until QUIT/TERM/INT, with Resque's environment variables
 * (QUEUE/QUEUES, INTERVAL, VERBOSE/VVERBOSE, REDIS_URL) and signal semantics.
 */
import { pino } from "pino";
import { ConfigurationError } from "../errors.js";
import { Resque } from "../resque.js";
import { parseQueues } from "../worker/queue-selection.js";
import type { Worker } from "../worker/worker.js";
import { loadModules } from "./load-modules.js";
import { findUnknownJobs } from "./unknown-jobs.js";

export interface WorkOptions {
  queues?: string;
  concurrency?: string;
  interval?: string;
  require?: string[];
  redis?: string;
  namespace?: string;
  verbose?: boolean;
  vverbose?: boolean;
}

function number(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new ConfigurationError(`${name} must be a non-negative number, got "${value}".`);
  return parsed;
}

export async function work(options: WorkOptions, env: NodeJS.ProcessEnv = process.env): Promise<Worker> {
  const level = options.vverbose || env.VVERBOSE ? "debug" : options.verbose || env.VERBOSE ? "info" : (env.LOG_LEVEL ?? "info");
  const verbose = level === "debug" || Boolean(options.verbose || env.VERBOSE);
  const logger = pino({ level, base: { pid: process.pid } });
  const queueList = options.queues ?? env.QUEUES ?? env.QUEUE;
  if (!queueList) throw new ConfigurationError("Please give the worker at least one queue: QUEUE=name (or QUEUES=a,b, or --queues a,b; * for all).");
  const queues = parseQueues(queueList);
  const concurrency = number(options.concurrency ?? env.CONCURRENCY, "--concurrency", 1);
  const interval = number(options.interval ?? env.INTERVAL, "INTERVAL", 5);

  const loaded = await loadModules(options.require ?? []);
  const resque =
    loaded.resque ??
    new Resque({ redis: options.redis ?? env.REDIS_URL, namespace: options.namespace ?? env.RESQUE_NAMESPACE, logger });
  for (const job of loaded.jobs) if (!resque.registry.get(job.jobName ?? job.name)) resque.register(job);

  for (const [queue, names] of await findUnknownJobs(resque, queues)) {
    logger.error(
      `queue "${queue}" holds jobs of class ${names.map((n) => `"${n}"`).join(", ")}, which no required module provides; ` +
        "they will fail with UnknownJobError. Load their module with --require.",
    );
  }

  const worker = resque.worker({ queues: queues.entries.length ? queueList : queueList, concurrency, interval, logger });
  worker.on("job:failure", (e) => logger.warn({ worker: e.workerId, queue: e.queue, job: e.jobName, err: e.error }, "job failed"));
  if (verbose) worker.on("job:success", (e) => logger.info({ worker: e.workerId, queue: e.queue, job: e.jobName, ms: Math.round(e.durationMs) }, "job done"));
  worker.on("paused", () => logger.info("paused"));
  worker.on("resumed", () => logger.info("resumed"));

  const stop = (immediate: boolean) => {
    logger.info(immediate ? "stopping now (running jobs are requeued)" : "stopping after running jobs finish");
    void worker.stop({ immediate });
  };
  process.on("SIGQUIT", () => stop(false));
  process.on("SIGTERM", () => stop(true));
  process.on("SIGINT", () => stop(true));
  process.on("SIGUSR2", () => worker.pause());
  process.on("SIGCONT", () => worker.resume());
  void worker.stopped.then(() => resque.close());

  await worker.start();
  logger.info({ queues: queues.entries, concurrency, jobs: resque.registry.names() }, "worker started");
  return worker;
}
