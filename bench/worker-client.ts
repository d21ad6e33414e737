/** The parent's handle on a worker process (bench/worker-process.ts). */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { NotAvailableError, type Library } from "./adapters/adapter.js";
import { buildWorkerProcess } from "./build.js";
import type { ChildMessage, Mode, RecurringSpec, Report } from "./protocol.js";

const entry = fileURLToPath(new URL("./worker-entry.mjs", import.meta.url));
/** The compiled worker process, built once per benchmark process on the first spawn. */
let bundle: string | undefined;

export class WorkerProcess {
  readonly #child: ChildProcess;
  readonly #messages: ChildMessage[] = [];
  #waiter: (() => void) | undefined;
  #exited = false;
  rssBefore = 0;

  private constructor(
    readonly library: Library,
    child: ChildProcess,
  ) {
    this.#child = child;
    child.on("message", (message: ChildMessage) => {
      this.#messages.push(message);
      this.#waiter?.();
    });
    child.on("exit", () => {
      this.#exited = true;
      this.#waiter?.();
    });
  }

  /** Spawns a worker process and waits until its worker is created and connected (not started). */
  static async spawn(options: { library: Library; redisUrl: string; concurrency: number; mode: Mode; expected: number; recurring?: RecurringSpec }): Promise<WorkerProcess> {
    // BENCH_WORKER_NODE_ARGS passes extra flags to the worker processes, e.g. "--cpu-prof".
    const extra = (process.env.BENCH_WORKER_NODE_ARGS ?? "").split(" ").filter(Boolean);
    // --expose-gc only defines gc(), for S5's RSS after a forced collection; it changes no GC behaviour.
    bundle ??= buildWorkerProcess();
    const child = spawn(process.execPath, ["--expose-gc", ...extra, entry], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? "warn", BENCH_WORKER_LIBRARY: options.library, BENCH_WORKER_BUNDLE: bundle },
    });
    const worker = new WorkerProcess(options.library, child);
    child.send({ type: "prepare", ...options });
    try {
      worker.rssBefore = (await worker.#next("ready", 60_000)).rss;
    } catch (error) {
      // Not ready (an error, or a feature the library lacks): the process must not outlive this.
      child.kill("SIGKILL");
      throw error;
    }
    return worker;
  }

  async start(): Promise<void> {
    this.#child.send({ type: "start" });
    await this.#next("started", 30_000);
  }

  /** Waits for the report the worker sends once every expected job completed. */
  async report(timeoutMs: number): Promise<Report> {
    return (await this.#next("done", timeoutMs)).report;
  }

  /** Forces a full GC in the worker process and returns its RSS afterwards (bytes). */
  async rssAfterGc(): Promise<number> {
    this.#child.send({ type: "gc" });
    return (await this.#next("gc-done", 30_000)).rss;
  }

  /** CPU time the worker process used so far (ms), the jobs it completed so far, and the schedule fires it saw since the last call. */
  async measure(): Promise<{ cpuMs: number; completed: number; fires: [number, number][] }> {
    this.#child.send({ type: "measure" });
    const { cpuMs, completed, fires } = await this.#next("measured", 30_000);
    return { cpuMs, completed, fires };
  }

  /** Stops the worker process, killing it if it does not exit in time. */
  async stop(): Promise<void> {
    if (this.#exited) return;
    const exited = new Promise<void>((resolve) => this.#child.once("exit", () => resolve()));
    if (this.#child.connected) this.#child.send({ type: "stop" });
    const timer = setTimeout(() => this.#child.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
  }

  async #next<T extends ChildMessage["type"]>(type: T, timeoutMs: number): Promise<Extract<ChildMessage, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.#messages.findIndex((m) => m.type === type || m.type === "error");
      if (index >= 0) {
        const [message] = this.#messages.splice(index, 1);
        if (message!.type === "error") {
          if (message!.notAvailable) throw new NotAvailableError(this.library, message!.message);
          throw new Error(`${this.library} worker: ${message!.message}`);
        }
        return message as Extract<ChildMessage, { type: T }>;
      }
      if (this.#exited) throw new Error(`${this.library} worker process exited while waiting for "${type}"`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.library} worker: no "${type}" within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiter = () => {
          clearTimeout(timer);
          this.#waiter = undefined;
          resolve();
        };
      });
    }
  }
}
