/**
 * A worker's heartbeat. The main thread sends it while its event loop runs; the process's
 * heartbeat thread (heartbeat-thread.ts, one for all workers in the process) watches that loop
 * through shared memory and, while a job blocks it, sends the heartbeat instead on a connection
 * of its own, so a busy or blocked loop does not get the worker pruned. The thread is also the
 * watchdog: a job stuck in synchronous code past its timeout and grace ends the process. Where a
 * thread cannot be started (connection settings that cannot be copied to it), only the main
 * thread beats and the watchdog is off; a warning says so.
 */
import type { Logger } from "../logger.js";
import type { DataStore } from "../redis/store.js";
import { sendHeartbeat } from "./heartbeat-beat.js";
import { FIRST_DEADLINE, LAST_BEAT } from "./heartbeat-protocol.js";
import { heartbeatThread, type ThreadWatcher } from "./heartbeat-thread-host.js";

export interface HeartbeatOptions {
  store: DataStore;
  ids: readonly string[];
  intervalMs: number;
  logger: Logger;
  /** Called with ids found unregistered (pruned by another process while this one lives). */
  onUnregistered(ids: string[]): void;
}

export class Heartbeat {
  readonly #options: HeartbeatOptions;
  #shared: Float64Array | undefined;
  /** This worker's number with the process's heartbeat thread (heartbeat-thread-host.ts). */
  #watch: number | undefined;
  #failures = 0;

  constructor(options: HeartbeatOptions) {
    this.#options = options;
    const shared = new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT * (FIRST_DEADLINE + options.ids.length));
    this.#shared = new Float64Array(shared);
    this.#shared[LAST_BEAT] = Date.now(); // registering counts as the first beat
    const connection = options.store.portableConnection();
    if (connection) {
      const registration = { connection, namespace: options.store.keys.prefix, ids: [...options.ids], intervalMs: options.intervalMs, shared };
      this.#watch = heartbeatThread.watch(registration, this.#watcher());
    }
    if (this.#watch === undefined) {
      this.#shared = undefined;
      const why = connection ? "its module is missing from the package" : "the connection settings cannot be copied to a thread";
      options.logger.warn(`the heartbeat runs on the main thread only (${why}); a blocked event loop delays it and no watchdog ends a stuck job`);
    }
  }

  #watcher(): ThreadWatcher {
    return {
      unregistered: (ids: string[]) => this.#options.onUnregistered(ids),
      beatFailed: (message: string) => this.#beatFailed(message),
      beatRestored: () => this.#beatRestored(),
      threadFailed: (error: Error) => this.#options.logger.error({ err: error }, "heartbeat thread failed"),
    };
  }

  /** A job with a time limit started on slot `index`: past `deadline` (epoch ms) the watchdog ends the process. */
  jobStarted(index: number, deadline: number): void {
    if (this.#shared) this.#shared[FIRST_DEADLINE + index] = deadline;
  }

  jobEnded(index: number): void {
    if (this.#shared) this.#shared[FIRST_DEADLINE + index] = 0;
  }

  /** Ends the thread's watch of this worker: once it resolves, no heartbeat of it is sent or in flight from the thread. */
  async stop(): Promise<void> {
    const watch = this.#watch;
    if (watch === undefined) return;
    this.#watch = undefined;
    await heartbeatThread.unwatch(watch);
  }

  #beatFailed(error: string): void {
    if (this.#failures++ === 0) this.#options.logger.warn({ error }, "heartbeat could not reach Redis; retrying");
  }

  #beatRestored(): void {
    if (this.#failures === 0) return;
    this.#failures = 0;
    this.#options.logger.warn("heartbeat reaches Redis again");
  }

  /**
   * Sends a heartbeat from the main thread; the worker calls it every `intervalMs` on the timer
   * that also prunes, so an idle worker wakes once per interval for both.
   */
  async beat(): Promise<void> {
    try {
      const missing = await sendHeartbeat(this.#options.store, this.#options.ids);
      if (this.#shared) this.#shared[LAST_BEAT] = Date.now();
      this.#beatRestored();
      if (missing.length > 0) this.#options.onUnregistered(missing);
    } catch (error) {
      this.#beatFailed((error as Error).message);
    }
  }
}
