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
  if (process.connected) process.send?.(message);
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
  // The master died or dropped us: finish what is running and leave.
  process.on("disconnect", () => void worker.stop());
  process.on("message", (message: unknown) => {
    if ((message as { type?: string })?.type === "stop") void worker.stop({ immediate: (message as { immediate: boolean }).immediate });
  });
}

export function announceReady(worker: Worker): void {
  send({ type: "ready", ids: [...worker.ids] });
}
