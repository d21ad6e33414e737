/** Awaiting worker events instead of sleeping. */
import type { Worker, WorkerEvents } from "../../src/index.js";

/** Resolves with the first `count` payloads of `event` (listening starts now). */
export function collect<E extends keyof WorkerEvents>(worker: Worker, event: E, count: number): Promise<WorkerEvents[E][]> {
  return new Promise((resolve) => {
    const seen: WorkerEvents[E][] = [];
    if (count === 0) return resolve(seen);
    const listener = (...payload: WorkerEvents[E]) => {
      seen.push(payload);
      if (seen.length === count) {
        worker.off(event, listener as never);
        resolve(seen);
      }
    };
    worker.on(event, listener as never);
  });
}

/** Resolves once `count` jobs have finished (success or failure). */
export function finished(worker: Worker, count: number): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    if (count === 0) return resolve();
    const done = () => {
      if (++seen === count) {
        worker.off("job:success", done);
        worker.off("job:failure", done);
        resolve();
      }
    };
    worker.on("job:success", done);
    worker.on("job:failure", done);
  });
}

/** A promise with its resolve function, for jobs that wait on the test. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * Reads `read()` until `done(value)` holds, for state that lives in Redis or another process
 * (where no event can be awaited); fails with the last value after `timeoutMs`.
 */
export async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting; last value ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Like collect, but resolves only once that many outcomes are also recorded in Redis
 * (job:recorded): what plugins write with an outcome (a retry, a cleared counter) is then there.
 */
export function collectRecorded<E extends keyof WorkerEvents>(worker: Worker, event: E, count: number): Promise<WorkerEvents[E][]> {
  let recorded = 0;
  let seen: WorkerEvents[E][] | undefined;
  return new Promise((resolve) => {
    const check = () => {
      if (seen && recorded >= count) {
        worker.off("job:recorded", onRecorded);
        resolve(seen);
      }
    };
    const onRecorded = () => {
      recorded++;
      check();
    };
    worker.on("job:recorded", onRecorded);
    void collect(worker, event, count).then((events) => {
      seen = events;
      check();
    });
  });
}
