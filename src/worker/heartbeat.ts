/**
 * A worker process's heartbeat. The main thread sends it while its event loop runs; a thread of
 * its own (heartbeat-thread.ts) watches that loop through shared memory and, while a job blocks
 * it, sends the heartbeat instead on a connection of its own, so a busy or blocked loop does not
 * get the worker pruned. The thread is also the watchdog: a job stuck in synchronous code past
 * its timeout and grace ends the process. Where a thread cannot be started (connection settings
 * that cannot be copied to it), only the main thread beats and the watchdog is off; a warning
 * says so.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker as Thread } from "node:worker_threads";
import type { Logger } from "../logger.js";
import type { DataStore } from "../redis/store.js";
import { sendHeartbeat } from "./heartbeat-beat.js";
import { FIRST_DEADLINE, LAST_BEAT, LOOP_ANSWER, type HeartbeatThreadData, type HeartbeatThreadMessage } from "./heartbeat-protocol.js";
import { loopWatchTiming } from "./loop-watch.js";

export interface HeartbeatOptions {
  store: DataStore;
  ids: readonly string[];
  intervalMs: number;
  logger: Logger;
  /** Called with ids found unregistered (pruned by another process while this one lives). */
  onUnregistered(ids: string[]): void;
}

/**
 * The thread reads a few words of shared memory (and sends a heartbeat now and then while the loop
 * is blocked): a small young generation (V8's default reserves 16 MB semi-spaces) keeps its
 * resident memory small.
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
  readonly #shared: Float64Array | undefined;
  #thread: Thread | undefined;
  #failures = 0;

  constructor(options: HeartbeatOptions) {
    this.#options = options;
    const connection = options.store.portableConnection();
    const entry = threadEntry();
    if (!connection || !entry) {
      const why = connection ? "its module is missing from the package" : "the connection settings cannot be copied to a thread";
      options.logger.warn(`the heartbeat runs on the main thread only (${why}); a blocked event loop delays it and no watchdog ends a stuck job`);
      return;
    }
    const shared = new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT * (FIRST_DEADLINE + options.ids.length));
    this.#shared = new Float64Array(shared);
    this.#shared[LAST_BEAT] = Date.now(); // registering counts as the first beat
    const data: HeartbeatThreadData = {
      connection,
      namespace: options.store.keys.prefix,
      ids: [...options.ids],
      intervalMs: options.intervalMs,
      timing: loopWatchTiming(options.intervalMs),
      shared,
    };
    this.#thread = entry.typescript ? typescriptThread(entry.url, data) : new Thread(entry.url, { workerData: data, resourceLimits: THREAD_LIMITS });
    this.#thread.unref();
    this.#thread.on("message", (message: HeartbeatThreadMessage) => this.#onMessage(message));
    this.#thread.on("error", (error) => options.logger.error({ err: error }, "heartbeat thread failed"));
  }

  /** A job with a time limit started on slot `index`: past `deadline` (epoch ms) the watchdog ends the process. */
  jobStarted(index: number, deadline: number): void {
    if (this.#shared) this.#shared[FIRST_DEADLINE + index] = deadline;
  }

  jobEnded(index: number): void {
    if (this.#shared) this.#shared[FIRST_DEADLINE + index] = 0;
  }

  async stop(): Promise<void> {
    const thread = this.#thread;
    if (!thread) return;
    this.#thread = undefined;
    // The thread holds nothing but (once the loop has blocked) its connection, which ends with it.
    await thread.terminate();
  }

  #onMessage(message: HeartbeatThreadMessage): void {
    // Answering is all the loop does to show it runs: the message only arrives when it does.
    if (message.type === "ping") this.#shared![LOOP_ANSWER] = message.number;
    else if (message.type === "unregistered") this.#options.onUnregistered(message.ids);
    else if (message.type === "beat-failed") this.#beatFailed(message.message);
    else this.#beatRestored();
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
