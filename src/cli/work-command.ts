/**
 * `resque work`: runs a worker process — or, with --count, a pool master and its children — until
 * QUIT/TERM/INT, with Resque's environment variables (QUEUE/QUEUES, INTERVAL, VERBOSE/VVERBOSE,
 * REDIS_URL, WORKER_COUNT, THREAD_COUNT, JOBS_PER_FORK, RESQUE_TERM_TIMEOUT,
 * RESQUE_PRE_SHUTDOWN_TIMEOUT, GRACEFUL_TERM) and signal semantics.
 */
import type { Logger } from "pino";
import { ConfigurationError } from "../errors.js";
import { storeOf } from "../redis/store-of.js";
import { createWorker, Resque } from "../resque.js";
import { shardMembers } from "../shards/shard-members.js";
import type { ShardedWorker } from "../shards/sharded-worker.js";
import { attachToMaster, announceReady, leaveWithMaster } from "../worker/pool-child.js";
import { WorkerPool, type PoolOptions } from "../worker/pool.js";
import { Processor } from "../worker/processor.js";
import { parseQueues, type ParsedQueues } from "../worker/queue-selection.js";
import { clusterAware } from "./cluster-target.js";
import { connectionFrom } from "./connection-options.js";
import { loadModules, resqueFor } from "./load-modules.js";
import { watchLauncher } from "./launcher-watch.js";
import { cliLogger, logFormat, type LogFormat } from "./logging.js";
import { findUnknownJobs } from "./unknown-jobs.js";

export interface WorkOptions {
  queues?: string;
  concurrency?: string;
  count?: string;
  interval?: string;
  timeout?: string;
  jobsPerFork?: string;
  maxMemory?: string;
  require?: string[];
  redis?: string;
  namespace?: string;
  verbose?: boolean;
  vverbose?: boolean;
  quiet?: boolean;
  logFormat?: string;
  /** Start even when no job class is loaded (every job then fails as unknown). */
  allowNoJobs?: boolean;
}

function number(value: string | undefined, name: string, fallback: number): number;
function number(value: string | undefined, name: string, fallback?: number): number | undefined;
function number(value: string | undefined, name: string, fallback?: number): number | undefined {
  if (value === undefined || value === "") return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < 0) throw new ConfigurationError(`${name} must be a non-negative number, got "${value}".`);
  return parsed;
}

function whole(value: string | undefined, name: string): number | undefined {
  const parsed = number(value, name);
  if (parsed !== undefined && (!Number.isInteger(parsed) || parsed < 1)) throw new ConfigurationError(`${name} must be a whole number of at least 1, got "${value}".`);
  return parsed;
}

interface Settings {
  logLevel: string;
  logFormat: LogFormat;
  verbose: boolean;
  queueList: string;
  queues: ParsedQueues;
  concurrency: number;
  count: number | undefined;
  interval: number;
  timeout: number | undefined;
  jobsPerFork: number | undefined;
  maxMemoryMb: number | undefined;
  termTimeout: number;
  preShutdown: number;
  gracefulTerm: boolean;
  poolChild: number | undefined;
}

function logLevel(options: WorkOptions, env: NodeJS.ProcessEnv): string {
  if (options.quiet || env.QUIET) return "error";
  if (options.vverbose || env.VVERBOSE) return "debug";
  if (options.verbose || env.VERBOSE) return "info";
  return env.LOG_LEVEL ?? "info";
}

function settings(options: WorkOptions, env: NodeJS.ProcessEnv): Settings {
  const level = logLevel(options, env);
  const queueList = options.queues ?? env.QUEUES ?? env.QUEUE;
  if (!queueList) throw new ConfigurationError("Please give the worker at least one queue: QUEUE=name (or QUEUES=a,b, or --queues a,b; * for all).");
  return {
    logLevel: level,
    logFormat: logFormat(options.logFormat ?? env.LOG_FORMAT, Boolean(process.stdout.isTTY)),
    verbose: level === "debug" || (level !== "error" && Boolean(options.verbose || env.VERBOSE)),
    queueList,
    queues: parseQueues(queueList),
    concurrency: whole(options.concurrency ?? env.THREAD_COUNT ?? env.CONCURRENCY, "--concurrency") ?? 1,
    count: whole(options.count ?? env.WORKER_COUNT, "--count"),
    interval: number(options.interval ?? env.INTERVAL, "INTERVAL", 5),
    timeout: number(options.timeout ?? env.JOB_TIMEOUT, "--timeout"),
    jobsPerFork: whole(options.jobsPerFork ?? env.JOBS_PER_FORK, "JOBS_PER_FORK"),
    maxMemoryMb: number(options.maxMemory ?? env.MAX_MEMORY, "--max-memory"),
    termTimeout: number(env.RESQUE_TERM_TIMEOUT, "RESQUE_TERM_TIMEOUT", 4),
    preShutdown: number(env.RESQUE_PRE_SHUTDOWN_TIMEOUT, "RESQUE_PRE_SHUTDOWN_TIMEOUT", 0),
    gracefulTerm: Boolean(env.GRACEFUL_TERM),
    poolChild: env.RESQUE_POOL_CHILD ? Number(env.RESQUE_POOL_CHILD) : undefined,
  };
}

const LAUNCHER_GONE =
  "npm, which started this worker (npx, npm exec or npm run), has exited without passing a signal on; stopping as on TERM. " +
  "To send signals to a worker, run node_modules/.bin/resque directly (docs/operations.md)";

export async function work(options: WorkOptions, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const settled = settings(options, env);
  const s = { ...settled, logger: await cliLogger({ level: settled.logLevel, format: settled.logFormat }) };
  const loaded = await loadModules(options.require ?? []);
  const connection = loaded.resque ? undefined : await clusterAware(connectionFrom(options, env));
  const resque = resqueFor(loaded, () => new Resque({ ...connection, logger: s.logger }));
  if (resque.registry.names().length === 0 && !options.allowNoJobs) {
    await resque.close();
    throw new ConfigurationError(
      "No job classes are loaded, so every job would fail as unknown. " +
        "Pass the module that exports your jobs: --require ./dist/jobs.js (or a module exporting a configured Resque with jobs). " +
        "To run a worker without jobs anyway, add --allow-no-jobs.",
    );
  }

  const sharded = resque.shardNamespaces !== undefined;
  if (s.count !== undefined && s.poolChild === undefined) return runPool(resque, s);

  if (s.poolChild === undefined) {
    for (const [queue, names] of await findUnknownJobs(resque, s.queues)) {
      s.logger.error(
        `queue "${queue}" holds jobs of class ${names.map((n) => `"${n}"`).join(", ")}, which no required module provides; ` +
          "they will fail with UnknownJobError. Load their module with --require.",
      );
    }
  }
  const workerOptions = {
    queues: s.queueList,
    concurrency: s.concurrency,
    interval: s.interval,
    timeout: s.timeout,
    shutdownTimeout: s.termTimeout,
    preShutdownTimeout: s.preShutdown,
    logger: s.logger,
    ...(s.poolChild === undefined ? {} : { forkedChild: s.poolChild, acceptRemoteStop: false }),
  };
  // A sharded Resque's worker serves every shard that holds its queues (one worker per shard inside).
  const single = sharded ? undefined : createWorker(resque, workerOptions);
  const worker = single ?? resque.worker(workerOptions);
  // A pool child reports its jobs to the master per shard, so the master settles each on its shard.
  const parts = single ? [{ worker: single }] : (worker as ShardedWorker).parts;
  worker.on("job:failure", (e) => s.logger.warn({ worker: e.workerId, queue: e.queue, job: e.jobName, err: e.error }, "job failed"));
  if (s.verbose) worker.on("job:success", (e) => s.logger.info({ worker: e.workerId, queue: e.queue, job: e.jobName, ms: Math.round(e.durationMs) }, "job done"));
  worker.on("paused", () => s.logger.info("paused"));
  worker.on("resumed", () => s.logger.info("resumed"));
  if (s.poolChild !== undefined) {
    attachToMaster(worker, { jobsPerFork: s.jobsPerFork, maxMemoryMb: s.maxMemoryMb, logger: s.logger }, parts);
    announceReady(worker, parts);
  }

  let stopSignals = 0;
  const stop = (immediate: boolean) => {
    if (immediate && ++stopSignals > 1) {
      // A second TERM/INT: the operator wants out now (e.g. Redis is unreachable and the first
      // stop is waiting for it). Running jobs stay recorded in their worker keys for pruning.
      s.logger.warn("second stop signal: exiting now; jobs still running are requeued by pruning");
      process.exit(1);
    }
    s.logger.info(immediate ? "stopping now (running jobs are requeued)" : "stopping after running jobs finish");
    void worker.stop({ immediate });
  };
  process.on("SIGQUIT", () => stop(false));
  process.on("SIGTERM", () => stop(!s.gracefulTerm));
  process.on("SIGINT", () => stop(true));
  process.on("SIGUSR1", () => worker.killJobs());
  process.on("SIGUSR2", () => worker.pause());
  process.on("SIGCONT", () => worker.resume());
  if (s.poolChild === undefined) watchLauncher((launcher) => {
    s.logger.warn({ launcher }, LAUNCHER_GONE);
    stop(true);
  });
  // Like Ruby's worker, the process ends when its worker does, even if job modules keep
  // connections or timers open.
  let exitCode = 0;
  void worker.stopped.then(async () => {
    await resque.close();
    process.exit(exitCode);
  });

  await worker.start();
  if (s.poolChild !== undefined) leaveWithMaster(worker, s.logger);
  s.logger.info({ jobs: resque.registry.names() }, "job classes loaded");
  if (s.maxMemoryMb !== undefined && s.poolChild === undefined) {
    // Without a pool master to recycle it, the process stops itself (QUIT semantics) and exits
    // with EX_TEMPFAIL so a supervisor (systemd Restart=on-failure, pm2, Kubernetes) restarts it.
    const limit = s.maxMemoryMb;
    const check = setInterval(() => {
      const rssMb = process.memoryUsage.rss() / 1024 / 1024;
      if (rssMb <= limit) return;
      clearInterval(check);
      exitCode = MEMORY_LIMIT_EXIT_CODE;
      s.logger.warn({ rssMb: Math.round(rssMb), limitMb: limit }, "memory above --max-memory; stopping after running jobs finish, to be restarted");
      void worker.stop();
    }, 1000);
    check.unref();
  }
}

/** Exit code of a single worker process that stopped itself above --max-memory (EX_TEMPFAIL). */
export const MEMORY_LIMIT_EXIT_CODE = 75;

/** What the pool master acts on: the Resque's store, or each shard's of a sharded Resque. */
function poolTargets(resque: Resque, timeout: number | undefined): Pick<PoolOptions, "store" | "processor" | "shards"> {
  const members = shardMembers(resque);
  if (!members) return { store: storeOf(resque), processor: new Processor(resque, timeout) };
  return { shards: members.map((m) => ({ namespace: m.namespace, store: storeOf(m.resque), processor: new Processor(m.resque, timeout) })) };
}

async function runPool(resque: Resque, s: Settings & { logger: Logger }): Promise<void> {
  const pool = new WorkerPool({
    count: s.count!,
    childModule: process.argv[1]!,
    childArgs: process.argv.slice(2),
    queues: s.queues.entries,
    ...poolTargets(resque, s.timeout),
    plugins: resque.plugins,
    logger: s.logger,
    termTimeoutMs: s.termTimeout * 1000,
    preShutdownMs: s.preShutdown * 1000,
    maxMemoryMb: s.maxMemoryMb,
  });
  process.on("SIGQUIT", () => void pool.stop());
  process.on("SIGTERM", () => void pool.stop({ immediate: !s.gracefulTerm }));
  process.on("SIGINT", () => void pool.stop({ immediate: true }));
  for (const signal of ["SIGUSR1", "SIGUSR2", "SIGCONT"] as const) process.on(signal, () => pool.forward(signal));
  watchLauncher((launcher) => {
    s.logger.warn({ launcher }, LAUNCHER_GONE);
    void pool.stop({ immediate: true });
  });
  void pool.stopped.then(async () => {
    await resque.close();
    process.exit(0);
  });
  await pool.start();
  s.logger.info({ children: s.count, concurrency: s.concurrency, pids: pool.pids }, "pool started");
}
