/** The parent's handle on a worker process (bench/worker-process.ts). */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { NotAvailableError, type Library } from "./adapters/adapter.js";
import type { ChildMessage, Mode, Report } from "./protocol.js";

const entry = fileURLToPath(new URL("./worker-process.ts", import.meta.url));

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
  static async spawn(options: { library: Library; redisUrl: string; concurrency: number; mode: Mode; expected: number }): Promise<WorkerProcess> {
    // BENCH_WORKER_NODE_ARGS passes extra flags to the worker processes, e.g. "--cpu-prof".
    const extra = (process.env.BENCH_WORKER_NODE_ARGS ?? "").split(" ").filter(Boolean);
    const child = spawn(process.execPath, [...extra, "--import", "tsx", entry], {
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? "warn" },
    });
    const worker = new WorkerProcess(options.library, child);
    child.send({ type: "prepare", ...options });
    const ready = await worker.#next("ready", 60_000);
    worker.rssBefore = ready.rss;
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
