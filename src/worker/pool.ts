/**
 * A worker pool's master (`resque work --count N`): forks N child processes that each run a
 * worker, restarts a child that exits, and is the one place that can stop runaway JavaScript —
 * by killing the child. It watches every job's deadline (children report job starts), kills a
 * child whose job overran its timeout plus grace, and the child's RSS against --max-memory.
 * After a child dies, its recorded jobs are settled in Redis: a timed-out job fails with
 * JobTimeout (its onFailure hooks run here, so the retry plugin can retry it), the others go
 * back to the front of their queues (counted as dirty exits). Signals are forwarded as Resque
 * does: QUIT, TERM/INT, USR1, USR2, CONT.
 *
 * With a sharded Resque each child runs the sharded worker (one worker per shard inside) and
 * reports on which shard each job runs; the master settles an exited child's jobs and listens for
 * remote control on every shard, each shard with its own store and processor.
 */
import { fork, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { JobTimeout } from "../errors.js";
import type { Logger } from "../logger.js";
import { runWorkerHooks } from "../plugins/hooks.js";
import type { Plugin, WorkerHookName } from "../plugins/plugin.js";
import type { DataStore } from "../redis/store.js";
import type { WorkerRelease } from "../redis/stores/worker-store.js";
import { failureTime } from "../redis/time-formats.js";
import { VERSION } from "../version.js";
import { parseCommand, targets } from "./control.js";
import { isChildMessage, type ChildMessage } from "./pool-messages.js";
import type { Processor } from "./processor.js";
import { workerHost } from "./worker-id.js";

/** One shard of a sharded Resque, as the pool master acts on it. */
export interface PoolShard {
  namespace: string;
  store: DataStore;
  /** A processor of the shard's own Resque, so failure hooks run against that shard. */
  processor: Processor;
}

export interface PoolOptions {
  count: number;
  /** The module and arguments a child runs (the `resque work` command line). */
  childModule: string;
  childArgs: string[];
  /** Extra environment for children. */
  childEnv?: Record<string, string>;
  queues: readonly string[];
  /** The Resque's store and processor; with `shards`, unused. */
  store?: DataStore;
  processor?: Processor;
  /** A sharded Resque's shards (children then report jobs per shard). */
  shards?: readonly PoolShard[];
  plugins: readonly Plugin[];
  logger: Logger;
  /** Grace after a job's timeout (and after TERM) before its child is killed. */
  termTimeoutMs: number;
  /** RESQUE_PRE_SHUTDOWN_TIMEOUT, added to the wait after TERM. */
  preShutdownMs?: number;
  maxMemoryMb?: number;
  /** How often deadlines and memory are checked. */
  checkIntervalMs?: number;
  /** Host name used in worker ids (default os.hostname()). */
  host?: string;
}

interface RunningJob {
  reservation: string;
  queue: string;
  payload: string;
  deadline: number | undefined;
}

/** The shard a pool acts on: a namespace of a sharded Resque, or (undefined) the Resque's only one. */
interface Target {
  namespace: string | undefined;
  store: DataStore;
  processor: Processor;
}

interface Child {
  number: number;
  process: ChildProcess;
  /** All of its worker ids. */
  ids: string[];
  /** Its worker ids per shard (one entry, namespace undefined, when not sharded). */
  idsByShard: Map<string | undefined, string[]>;
  /** Running jobs by slot (see slotKey: a worker id may appear once per shard). */
  jobs: Map<string, RunningJob>;
  startedAt: number;
  /** Slots (slotKey) whose job overran its deadline; the child was killed for it. */
  timedOut: Set<string>;
  /** When it was asked to finish up because of memory (0 = not asked). */
  memoryQuitAt: number;
  exited: Promise<void>;
}

/** RSS of a process in bytes from /proc (Linux); undefined where unavailable. */
function rssOf(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** A child's slot: its worker id on one shard. */
function slotKey(shard: string | undefined, workerId: string): string {
  return shard === undefined ? workerId : `${shard}\u0000${workerId}`;
}

export class WorkerPool {
  readonly #options: PoolOptions;
  readonly #targets: readonly Target[];
  readonly #children = new Map<number, Child>();
  #stopping: "graceful" | "immediate" | undefined;
  #timer: NodeJS.Timeout | undefined;
  #restarts = new Map<number, number>();
  #unsubscribe: (() => Promise<unknown>) | undefined;
  #resolveStopped!: () => void;
  readonly stopped = new Promise<void>((resolve) => (this.#resolveStopped = resolve));

  constructor(options: PoolOptions) {
    this.#options = options;
    if (options.shards && options.shards.length > 0) {
      this.#targets = options.shards.map((shard) => ({ ...shard }));
    } else if (options.store && options.processor) {
      this.#targets = [{ namespace: undefined, store: options.store, processor: options.processor }];
    } else {
      throw new Error("A worker pool needs the Resque's store and processor, or its shards.");
    }
  }

  /** Pids of the running children. */
  get pids(): number[] {
    return [...this.#children.values()].map((c) => c.process.pid!).filter(Boolean);
  }

  async start(): Promise<void> {
    await this.#hooks("beforeFirstFork", undefined, true);
    // Remote stop/kill addressed to this host or any child's worker stops the whole pool
    // (children leave those commands to the master, which would otherwise restart them).
    // Sharded: a command may come on any shard the children serve.
    const onControl = (message: string) => {
      const command = parseCommand(message);
      if (!command || (command.action !== "stop" && command.action !== "kill")) return;
      const ids = [...this.#children.values()].flatMap((c) => c.ids);
      if (!targets(command.target, workerHost(this.#options.host), ids)) return;
      this.#options.logger.info({ command }, "remote control");
      void this.stop({ immediate: command.action === "kill" });
    };
    const unsubscribes = await Promise.all(this.#targets.map((target) => target.store.subscribeControl(onControl)));
    this.#unsubscribe = () => Promise.all(unsubscribes.map((unsubscribe) => unsubscribe()));
    process.title = `resque-${VERSION}: pool master of ${this.#options.count} (${this.#options.queues.join(",")})`;
    for (let n = 1; n <= this.#options.count; n++) await this.#fork(n);
    if (this.#options.maxMemoryMb) this.#watch();
  }

  /**
   * Checks deadlines and memory every checkIntervalMs while there is something to check: a
   * running job with a deadline, or a memory limit. An idle pool without a memory limit sets no
   * timer (four wake-ups a second of an otherwise sleeping master).
   */
  #watch(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => this.#check(), this.#options.checkIntervalMs ?? 250);
  }

  #hasDeadlines(): boolean {
    for (const child of this.#children.values()) for (const job of child.jobs.values()) if (job.deadline !== undefined) return true;
    return false;
  }

  /** Sends a signal to every child (USR1, USR2, CONT). */
  forward(signal: NodeJS.Signals): void {
    for (const child of this.#children.values()) child.process.kill(signal);
  }

  /** QUIT: children finish their jobs and exit. TERM/INT (immediate): children requeue and exit; stragglers are killed. */
  async stop(options: { immediate?: boolean } = {}): Promise<void> {
    const first = this.#stopping === undefined;
    if (this.#stopping !== "immediate") this.#stopping = options.immediate ? "immediate" : "graceful";
    this.forward(options.immediate ? "SIGTERM" : "SIGQUIT");
    if (options.immediate) {
      const wait = this.#options.termTimeoutMs + (this.#options.preShutdownMs ?? 0) + 1000;
      const killer = setTimeout(() => this.#killAll("did not stop after TERM"), wait);
      killer.unref();
    }
    if (first) {
      await Promise.all([...this.#children.values()].map((c) => c.exited));
      clearInterval(this.#timer);
      this.#timer = undefined;
      await this.#unsubscribe?.();
      await this.#hooks("workerExit");
      this.#resolveStopped();
    }
    await this.stopped;
  }

  #killAll(why: string): void {
    for (const child of this.#children.values()) {
      this.#options.logger.warn({ child: child.number, pid: child.process.pid, why }, "killing child");
      child.process.kill("SIGKILL");
    }
  }

  async #fork(number: number): Promise<void> {
    await this.#hooks("beforeFork", number);
    const child = fork(this.#options.childModule, this.#options.childArgs, {
      env: { ...process.env, ...this.#options.childEnv, RESQUE_POOL_CHILD: String(number) },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let onExit!: () => void;
    const record: Child = {
      number,
      process: child,
      ids: [],
      idsByShard: new Map(),
      jobs: new Map(),
      startedAt: Date.now(),
      timedOut: new Set(),
      memoryQuitAt: 0,
      exited: new Promise((resolve) => (onExit = resolve)),
    };
    this.#children.set(number, record);
    child.on("message", (message: unknown) => {
      if (isChildMessage(message)) this.#onMessage(record, message);
    });
    child.on("exit", (code, signal) => {
      void this.#onExit(record, code, signal).finally(onExit);
    });
    this.#options.logger.info({ child: number, childPid: child.pid }, "forked child");
  }

  #onMessage(child: Child, message: ChildMessage): void {
    switch (message.type) {
      case "ready":
        child.ids = message.ids;
        child.idsByShard = new Map(message.shards ? message.shards.map((s) => [s.namespace, s.ids]) : [[undefined, message.ids]]);
        break;
      case "start":
        child.jobs.set(slotKey(message.shard, message.workerId), {
          reservation: message.reservation,
          queue: message.queue,
          payload: message.payload,
          deadline: message.timeoutMs === undefined ? undefined : Date.now() + message.timeoutMs + this.#options.termTimeoutMs,
        });
        if (message.timeoutMs !== undefined) this.#watch();
        break;
      case "end":
        child.jobs.delete(slotKey(message.shard, message.workerId));
        break;
    }
  }

  /** Kills children whose job overran its deadline (plus grace), and recycles fat children. */
  #check(): void {
    if (!this.#options.maxMemoryMb && !this.#hasDeadlines()) {
      clearInterval(this.#timer);
      this.#timer = undefined;
      return;
    }
    const now = Date.now();
    for (const child of this.#children.values()) {
      for (const [slot, job] of child.jobs) {
        if (job.deadline !== undefined && now > job.deadline && !child.timedOut.has(slot)) {
          child.timedOut.add(slot);
          this.#options.logger.warn({ child: child.number, worker: slot.split("\u0000").pop() }, "job overran its timeout; killing its child");
          child.process.kill("SIGKILL");
        }
      }
      const limit = this.#options.maxMemoryMb;
      if (!limit) continue;
      const rss = rssOf(child.process.pid);
      if (rss === undefined || rss <= limit * 1048576) continue;
      if (child.memoryQuitAt === 0) {
        child.memoryQuitAt = now;
        this.#options.logger.warn({ child: child.number, rssMb: Math.round(rss / 1048576) }, "child above --max-memory; recycling it");
        child.process.kill("SIGQUIT");
      } else if (now - child.memoryQuitAt > this.#options.termTimeoutMs) {
        this.#options.logger.warn({ child: child.number, rssMb: Math.round(rss / 1048576) }, "child still above --max-memory; killing it");
        child.process.kill("SIGKILL");
      }
    }
  }

  async #onExit(child: Child, code: number | null, signal: NodeJS.Signals | null): Promise<void> {
    this.#children.delete(child.number);
    const clean = code === 0 && signal === null;
    this.#options.logger[clean ? "info" : "warn"]({ child: child.number, pid: child.process.pid, code, signal }, "child exited");
    try {
      await this.#settle(child, clean);
    } catch (error) {
      this.#options.logger.error({ err: error, child: child.number }, "could not settle the jobs of an exited child; pruning will");
    }
    if (this.#stopping) return;
    // Back off when a child keeps dying right after it starts.
    const quick = Date.now() - child.startedAt < 2000;
    const restarts = quick ? (this.#restarts.get(child.number) ?? 0) + 1 : 0;
    this.#restarts.set(child.number, restarts);
    const delay = restarts === 0 ? 0 : Math.min(30_000, 250 * 2 ** restarts);
    setTimeout(() => {
      if (!this.#stopping) void this.#fork(child.number);
    }, delay).unref();
  }

  /** Settles in Redis what the exited child left recorded, and unregisters its workers (on each shard it served). */
  async #settle(child: Child, clean: boolean): Promise<void> {
    let failed: unknown;
    for (const target of this.#targets) {
      const ids = child.idsByShard.get(target.namespace) ?? [];
      // One shard out of reach must not keep the others' jobs from being settled.
      if (ids.length > 0) await this.#settleOn(target, child, ids, clean).catch((error: unknown) => (failed ??= error));
    }
    if (failed !== undefined) throw failed;
  }

  async #settleOn(target: Target, child: Child, ids: readonly string[], clean: boolean): Promise<void> {
    const releases: WorkerRelease[] = [];
    for (const workerId of ids) {
      const slot = slotKey(target.namespace, workerId);
      const job = child.jobs.get(slot);
      if (job && child.timedOut.has(slot)) {
        const error = new JobTimeout(`The job ran past its timeout and did not stop within ${this.#options.termTimeoutMs / 1000} s; its process was killed`);
        const reserved = { workerId, queue: job.queue, payload: job.payload, reservation: job.reservation };
        const failureEntry = await target.processor.failElsewhere(reserved, error, this.#options.logger);
        releases.push({ workerId, action: "fail", reservation: job.reservation, failureEntry });
      } else {
        releases.push({ workerId, action: clean ? "requeue-clean" : "requeue" });
      }
    }
    const result = await target.store.workers.release(releases, { failedAt: failureTime(new Date()) });
    if (result.requeued + result.failed > 0) {
      this.#options.logger.warn({ child: child.number, ...(target.namespace === undefined ? {} : { shard: target.namespace }), requeued: result.requeued, failed: result.failed }, "settled jobs of an exited child");
    }
    await target.processor.dirtyExits(result.settled, this.#options.logger);
  }

  #hooks(name: WorkerHookName, child?: number, rethrow = false): Promise<void> {
    const context = { workerIds: [], queues: this.#options.queues, logger: this.#options.logger, ...(child === undefined ? {} : { child }) };
    return runWorkerHooks(this.#options.plugins, name, context, { rethrow });
  }
}
