/**
 * The child side of a worker pool: reports job starts and ends to the master, recycles itself
 * after `jobsPerFork` jobs or above `maxMemoryMb` of RSS (finishing its running jobs first), and
 * stops when the master goes away.
 */
import type { Logger } from "../logger.js";
import type { ChildMessage } from "./pool-messages.js";
import type { Worker } from "./worker.js";

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

export function attachToMaster(worker: Worker, options: ChildOptions): void {
  let jobs = 0;
  const recycle = (why: string) => {
    options.logger.info({ why }, "recycling this child");
    void worker.stop();
  };
  worker.on("job:start", (e) => send({ type: "start", workerId: e.workerId, reservation: e.reservation, queue: e.queue, payload: e.payload, timeoutMs: e.timeoutMs }));
  const ended = (e: { workerId: string }) => {
    send({ type: "end", workerId: e.workerId });
    jobs++;
    if (options.jobsPerFork && jobs >= options.jobsPerFork) recycle(`${jobs} jobs done (JOBS_PER_FORK)`);
  };
  worker.on("job:success", ended);
  worker.on("job:failure", ended);
  worker.on("job:requeued", (e) => send({ type: "end", workerId: e.workerId }));
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

export function announceReady(worker: Worker): void {
  send({ type: "ready", ids: [...worker.ids] });
}
