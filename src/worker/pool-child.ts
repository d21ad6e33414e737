/**
 * The child side of a worker pool: reports the starts and ends of jobs with a timeout to the
 * master (which watches their deadlines), recycles itself
 * after `jobsPerFork` jobs or above `maxMemoryMb` of RSS (finishing its running jobs first), and
 * stops when the master goes away.
 */
import type { Logger } from "../logger.js";
import type { ChildMessage } from "./pool-messages.js";
import type { Worker } from "../worker-interface.js";

export interface ChildOptions {
  jobsPerFork?: number;
  maxMemoryMb?: number;
  logger: Logger;
}

function send(message: ChildMessage): void {
  // The master can die between this check and the write: a failed send must not become an
  // unhandled 'error' that kills the child with its workers still registered (the disconnect
  // handler stops it properly instead).
  if (process.connected) process.send?.(message, undefined, {}, () => {});
}

/** A worker whose job events the master hears, and the shard it serves (sharded Resque only). */
export interface ChildPart {
  namespace?: string | undefined;
  worker: Worker;
}

/**
 * `worker` is what the child runs (stopped to recycle); `parts` are the workers whose job events
 * are reported: the worker itself, or one per shard for a sharded Resque, so the master knows on
 * which shard each job runs.
 */
export function attachToMaster(worker: Worker, options: ChildOptions, parts: readonly ChildPart[] = [{ worker }]): void {
  let jobs = 0;
  const recycle = (why: string) => {
    options.logger.info({ why }, "recycling this child");
    void worker.stop();
  };
  for (const { namespace, worker: part } of parts) {
    const shard = namespace === undefined ? {} : { shard: namespace };
    // The master needs to hear only of jobs with a timeout: it kills a child whose job overruns
    // one, and then fails that job itself. A message per job start and end cost as much as the
    // job itself for short jobs (a pipe write each), so other jobs are not reported.
    const watched = new Set<string>();
    part.on("job:start", (e) => {
      if (e.timeoutMs === undefined) return;
      watched.add(e.workerId);
      send({ type: "start", workerId: e.workerId, reservation: e.reservation, queue: e.queue, payload: e.payload, timeoutMs: e.timeoutMs, ...shard });
    });
    const reportEnd = (workerId: string) => {
      if (watched.delete(workerId)) send({ type: "end", workerId, ...shard });
    };
    const ended = (e: { workerId: string }) => {
      reportEnd(e.workerId);
      jobs++;
      if (options.jobsPerFork && jobs >= options.jobsPerFork) recycle(`${jobs} jobs done (JOBS_PER_FORK)`);
    };
    part.on("job:success", ended);
    part.on("job:failure", ended);
    part.on("job:requeued", (e) => reportEnd(e.workerId));
    // A job a hook put off ends here too: left as running, its deadline would have the master
    // kill this child for a job it no longer runs.
    part.on("job:deferred", (e) => reportEnd(e.workerId));
  }
  if (options.maxMemoryMb) {
    const limit = options.maxMemoryMb * 1024 * 1024;
    const timer = setInterval(() => {
      const rss = process.memoryUsage.rss();
      if (rss > limit) {
        clearInterval(timer);
        recycle(`RSS ${Math.round(rss / 1048576)} MB above --max-memory ${options.maxMemoryMb} MB`);
      }
    }, 500);
    timer.unref();
    void worker.stopped.then(() => clearInterval(timer));
  }
  process.on("message", (message: unknown) => {
    if ((message as { type?: string })?.type === "stop") void worker.stop({ immediate: (message as { immediate: boolean }).immediate });
  });
}

/**
 * Once the worker has started: when the master dies or drops us, finish what is running and
 * leave. The master may already have died while this child was loading its modules, before
 * there was a listener to hear it, so the channel is checked as well.
 */
export function leaveWithMaster(worker: Worker, logger: Logger): void {
  process.on("disconnect", () => void worker.stop());
  if (!process.connected) {
    logger.warn("the pool master ended while this child was starting; stopping");
    void worker.stop();
  }
}

export function announceReady(worker: Worker, parts?: readonly ChildPart[]): void {
  const shards = parts?.flatMap((p) => (p.namespace === undefined ? [] : [{ namespace: p.namespace, ids: [...p.worker.ids] }]));
  send({ type: "ready", ids: [...worker.ids], ...(shards && shards.length > 0 ? { shards } : {}) });
}
