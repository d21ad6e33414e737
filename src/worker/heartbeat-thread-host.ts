/**
 * The process's one heartbeat thread (heartbeat-thread.ts), shared by every worker in the process.
 *
 * Why one: a thread is a V8 isolate with a Node environment of its own, about 10 MB of resident
 * memory before it does anything. A sharded worker runs one worker per shard, and an application
 * may start several workers; they all share one event loop, so one thread can watch that loop for
 * all of them and beat for each (on a connection per worker, opened only while the loop is
 * blocked). The thread starts with the first worker and ends with the last.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker as Thread } from "node:worker_threads";
import { LOOP_ANSWER, type HeartbeatHostMessage, type HeartbeatRegistration, type HeartbeatThreadData, type HeartbeatThreadMessage } from "./heartbeat-protocol.js";

/** What a worker hears from the thread about its own registration. */
export interface ThreadWatcher {
  /** Ids the thread's heartbeat found unregistered (pruned by another process while this one lives). */
  unregistered(ids: string[]): void;
  beatFailed(message: string): void;
  beatRestored(): void;
  threadFailed(error: Error): void;
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

class HeartbeatThreadHost {
  #thread: Thread | undefined;
  #loop: Float64Array | undefined;
  readonly #watchers = new Map<number, ThreadWatcher>();
  /** Resolvers of unwatch() calls waiting for the thread to let go of a registration. */
  readonly #leaving = new Map<number, () => void>();
  #lastNumber = 0;

  /** Whether a thread runs (for tests: one per process, none once every worker has stopped). */
  get running(): boolean {
    return this.#thread !== undefined;
  }

  /** Watches a worker; undefined when the thread's module is missing from the package. */
  watch(registration: HeartbeatRegistration, watcher: ThreadWatcher): number | undefined {
    const thread = this.#thread ?? this.#start();
    if (!thread) return undefined;
    const number = ++this.#lastNumber;
    this.#watchers.set(number, watcher);
    this.#post(thread, { type: "watch", watch: number, registration });
    return number;
  }

  /**
   * Stops watching a worker. Resolves once the thread has closed the worker's connection (no beat
   * of it lands after this), and once the thread has ended when it was the last.
   */
  async unwatch(number: number): Promise<void> {
    const thread = this.#thread;
    if (!thread || !this.#watchers.has(number)) return;
    await new Promise<void>((resolve) => {
      this.#leaving.set(number, resolve);
      this.#post(thread, { type: "unwatch", watch: number });
    });
    this.#watchers.delete(number);
    if (this.#watchers.size === 0 && this.#thread === thread) {
      this.#thread = undefined;
      await thread.terminate();
    }
  }

  #start(): Thread | undefined {
    const entry = threadEntry();
    if (!entry) return undefined;
    const loop = new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT);
    const data: HeartbeatThreadData = { loop };
    const thread = entry.typescript ? typescriptThread(entry.url, data) : new Thread(entry.url, { workerData: data, resourceLimits: THREAD_LIMITS });
    thread.unref();
    thread.on("message", (message: HeartbeatThreadMessage) => this.#onMessage(message));
    thread.on("error", (error) => {
      for (const watcher of this.#watchers.values()) watcher.threadFailed(error);
    });
    thread.on("exit", () => this.#exited(thread));
    this.#thread = thread;
    this.#loop = new Float64Array(loop);
    return thread;
  }

  #post(thread: Thread, message: HeartbeatHostMessage): void {
    thread.postMessage(message);
  }

  /** The thread ended (terminated, or failed): its watchers are on their own, and nobody waits on it. */
  #exited(thread: Thread): void {
    if (this.#thread !== thread) return;
    this.#thread = undefined;
    this.#watchers.clear();
    for (const resolve of this.#leaving.values()) resolve();
    this.#leaving.clear();
  }

  #onMessage(message: HeartbeatThreadMessage): void {
    // Answering is all the loop does to show it runs: the message only arrives when it does.
    if (message.type === "ping") {
      this.#loop![LOOP_ANSWER] = message.number;
      return;
    }
    if (message.type === "unwatched") {
      this.#leaving.get(message.watch)?.();
      this.#leaving.delete(message.watch);
      return;
    }
    const watcher = this.#watchers.get(message.watch);
    if (!watcher) return;
    if (message.type === "unregistered") watcher.unregistered(message.ids);
    else if (message.type === "beat-failed") watcher.beatFailed(message.message);
    else watcher.beatRestored();
  }
}

/** The process's heartbeat thread host (module state: one per process). */
export const heartbeatThread = new HeartbeatThreadHost();
