/**
 * A worker process's heartbeat. It runs on a thread of its own (heartbeat-thread.ts) with its own
 * Redis connection, so a busy or blocked event loop does not stop it, and that thread also
 * watches the loop: a job stuck in synchronous code past its timeout and grace ends the process.
 * Where a thread cannot be started (connection settings that cannot be copied to it), the
 * heartbeat runs on the main thread instead and the watchdog is off; a warning says so.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker as Thread } from "node:worker_threads";
import type { Logger } from "../logger.js";
import type { DataStore } from "../redis/store.js";
import { isoWithOffset } from "../redis/time-formats.js";
import { LOOP_TICK, type HeartbeatThreadData, type HeartbeatThreadMessage } from "./heartbeat-protocol.js";

export interface HeartbeatOptions {
  store: DataStore;
  ids: readonly string[];
  intervalMs: number;
  logger: Logger;
  /** Called with ids found unregistered (pruned by another process while this one lives). */
  onUnregistered(ids: string[]): void;
}

const TICK_MS = 250;

/**
 * The thread only sends a heartbeat now and then and reads a few words of shared memory: a small
 * young generation (V8's default reserves 16 MB semi-spaces) keeps its resident memory small.
 */
const THREAD_LIMITS = { maxYoungGenerationSizeMb: 2 };

/** Where the thread's module is: next to this one in the source tree, or in dist/worker/. */
function threadEntry(): { url: URL; typescript: boolean } | undefined {
  const here = import.meta.url;
  if (here.endsWith(".ts")) return { url: new URL("./heartbeat-thread.ts", here), typescript: true };
  for (const candidate of ["./heartbeat-thread.js", "./worker/heartbeat-thread.js", "../worker/heartbeat-thread.js"]) {
    const url = new URL(candidate, here);
    if (existsSync(fileURLToPath(url))) return { url, typescript: false };
  }
  return undefined;
}

/** Starts a thread on a TypeScript module (the source tree, in this project's own tests) through tsx. */
function typescriptThread(url: URL, data: HeartbeatThreadData): Thread {
  const tsx = join(dirname(createRequire(import.meta.url).resolve("tsx/package.json")), "dist/esm/api/index.mjs");
  const boot = `import(${JSON.stringify(pathToFileURL(tsx).href)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Thread(boot, { eval: true, workerData: data, resourceLimits: THREAD_LIMITS });
}

export class Heartbeat {
  readonly #options: HeartbeatOptions;
  readonly #deadlines: Float64Array | undefined;
  #thread: Thread | undefined;
  #ticker: NodeJS.Timeout | undefined;
  #fallback: NodeJS.Timeout | undefined;

  constructor(options: HeartbeatOptions) {
    this.#options = options;
    const connection = options.store.portableConnection();
    const entry = threadEntry();
    if (!connection || !entry) {
      const why = connection ? "its module is missing from the package" : "the connection settings cannot be copied to a thread";
      options.logger.warn(`the heartbeat runs on the main thread (${why}); a blocked event loop delays it and no watchdog ends a stuck job`);
      this.#fallback = setInterval(() => void this.#beatHere(), options.intervalMs);
      this.#fallback.unref();
      return;
    }
    const shared = new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT * (options.ids.length + 1));
    this.#deadlines = new Float64Array(shared);
    this.#deadlines[LOOP_TICK] = Date.now();
    const data: HeartbeatThreadData = {
      connection,
      namespace: options.store.keys.prefix,
      ids: [...options.ids],
      intervalMs: options.intervalMs,
      watchEveryMs: TICK_MS * 2,
      blockedAfterMs: 1000,
      shared,
    };
    this.#thread = entry.typescript ? typescriptThread(entry.url, data) : new Thread(entry.url, { workerData: data, resourceLimits: THREAD_LIMITS });
    this.#thread.unref();
    this.#thread.on("message", (message: HeartbeatThreadMessage) => this.#onMessage(message));
    this.#thread.on("error", (error) => options.logger.error({ err: error }, "heartbeat thread failed"));
    this.#ticker = setInterval(() => {
      this.#deadlines![LOOP_TICK] = Date.now();
    }, TICK_MS);
    this.#ticker.unref();
  }

  /** A job with a time limit started on slot `index`: past `deadline` (epoch ms) the watchdog ends the process. */
  jobStarted(index: number, deadline: number): void {
    if (this.#deadlines) this.#deadlines[index + 1] = deadline;
  }

  jobEnded(index: number): void {
    if (this.#deadlines) this.#deadlines[index + 1] = 0;
  }

  async stop(): Promise<void> {
    clearInterval(this.#ticker);
    clearInterval(this.#fallback);
    const thread = this.#thread;
    if (!thread) return;
    this.#thread = undefined;
    // The thread holds nothing but its connection, which ends with it.
    await thread.terminate();
  }

  #onMessage(message: HeartbeatThreadMessage): void {
    const { logger } = this.#options;
    if (message.type === "unregistered") this.#options.onUnregistered(message.ids);
    else if (message.type === "beat-failed") logger.warn({ error: message.message }, "heartbeat could not reach Redis; retrying");
    else logger.warn("heartbeat reaches Redis again");
  }

  async #beatHere(): Promise<void> {
    try {
      const { store, ids } = this.#options;
      const now = new Date(await store.time());
      const missing = await store.workers.heartbeat(ids, isoWithOffset(now));
      if (missing.length > 0) this.#options.onUnregistered(missing);
    } catch (error) {
      this.#options.logger.debug({ err: error }, "heartbeat failed");
    }
  }
}
