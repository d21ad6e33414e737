/**
 * A worker process: `concurrency` slots, each registered as its own Resque worker, fed by a work
 * loop (two from 10 slots, each serving half of them: lanes.ts). Each turn of a loop is one Redis
 * call (work-cycle.lua) that reports the jobs its slots finished since the last turn and reserves
 * jobs for its idle slots, so slots are filled in batches and finishing costs no extra round trip.
 * Idle, a loop sleeps until a job of its queues is enqueued by this library (pub/sub wake-up), a
 * job finishes, or `interval` passes (the fallback for jobs pushed by other producers, such as
 * Ruby).
 */
import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import { ConfigurationError, JobKilled, ShutdownError } from "../errors.js";
import type { Logger } from "../logger.js";
import { runWorkerHooks } from "../plugins/hooks.js";
import type { Plugin, WorkerHookContext, WorkerHookName } from "../plugins/plugin.js";
import type { DataStore, WorkerConnection } from "../redis/store.js";
import type { CountedAttempt, FinishedSlot, OutcomeWrites, ReservedJob, WorkCycleResult } from "../redis/stores/worker-store.js";
import { DEFAULT_HISTORY_RETENTION, type HistoryRetention } from "../redis/history-format.js";
import { isoUtc, isoWithOffset, rubyTimeToS } from "../redis/time-formats.js";
import { decodePayload } from "../job/payload.js";
import { VERSION } from "../version.js";
import type { SlotBudget } from "../shards/slot-budget.js";
import type { Processor } from "./processor.js";
import { parseQueues, type ParsedQueues } from "./queue-selection.js";
import { OutcomeQueue } from "./outcome-queue.js";
import { laneCount } from "./lanes.js";
import { StatsHistory } from "./stats-history.js";
import { Wakeup } from "./wakeup.js";
import { parseCommand, targets } from "./control.js";
import { warnAboutEviction } from "../redis/eviction-policy.js";
import { Heartbeat } from "./heartbeat.js";
import { countOption, secondsOption } from "../option-checks.js";
import { newOrphanWatch, pruneDeadWorkers } from "./prune.js";
import { slotIds, workerHost } from "./worker-id.js";
import type { JobEvent, StopOptions, WorkerEvents, WorkerOptions } from "./worker-options.js";

export type { JobEvent, RecordedOutcome, StopOptions, WorkerEvents, WorkerOptions } from "./worker-options.js";

/** Rejects with `message` when `promise` has not settled after `ms`. */
function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${message} within ${ms / 1000} s`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The class name the stats history records for a payload whose class cannot be read. */
const UNREADABLE_CLASS = "(invalid payload)";

interface RunningJob {
  reserved: ReservedJob;
  /** Reservation order; requeued jobs go back in this order. */
  sequence: number;
  startedAt: number;
  jobName: string | undefined;
  args: readonly unknown[];
  /** Aborted by an immediate stop: a failure now means "interrupted", and it is requeued. */
  interrupted: boolean;
  /** Given up on after the shutdown grace period; its late result is ignored. */
  abandoned: boolean;
}

interface Slot {
  id: string;
  /** Position among the process's slots (the heartbeat watchdog's deadline index). */
  index: number;
  /** The lane whose loop reserves this slot's jobs and reports their outcomes. */
  lane: Lane;
  running: RunningJob | undefined;
}

/** A work loop and what it serves (see lanes.ts). */
interface Lane {
  slots: Slot[];
  ids: Set<string>;
  outcomes: OutcomeQueue;
  wakeup: Wakeup;
  /** A work-cycle call of this lane waits for Redis. */
  inFlight: boolean;
  /** The loop has returned (a stopping worker's other lanes hand their outcomes to the first). */
  exited: boolean;
  /**
   * The lane's own connection (the first lane's also registers and unregisters the slots). On a
   * shared one, both lanes' replies arrive in one read, their jobs run in one burst and their
   * calls go out together: the lanes fall into step and nothing overlaps.
   */
  connection: WorkerConnection | undefined;
}

/** How long a sharded worker waiting for its turn at the shared slots holds finished outcomes. */
const HOLD_OUTCOMES_MS = 100;

export class Worker extends EventEmitter<WorkerEvents> {
  readonly queues: ParsedQueues;
  readonly concurrency: number;
  readonly ids: readonly string[];
  readonly #slots: Slot[];
  readonly #lanes: Lane[];
  readonly #store: DataStore;
  readonly #processor: Processor;
  readonly #logger: Logger;
  readonly #intervalMs: number;
  readonly #heartbeatMs: number;
  readonly #dirtyExitLimit: number;
  readonly #host: string;
  readonly #shutdownMs: number;
  readonly #preShutdownMs: number;
  readonly #processTitle: boolean;
  readonly #history: HistoryRetention | undefined;
  /** Counts recorded outcomes for the stats history; undefined when history is off. */
  #statsHistory: StatsHistory | undefined;
  readonly #orphans = newOrphanWatch();
  #heartbeatThread: Heartbeat | undefined;
  /** Slot ids found unregistered (pruned) that must register again before they take work. */
  readonly #unregistered = new Set<string>();
  readonly #tokenPrefix = randomBytes(8).toString("hex");
  #cycles = 0;
  /** The signal of the jobs running now (see #begin); replaced after killJobs(). */
  #jobSignal = new AbortController();
  #reservations = 0;
  #state: "new" | "running" | "stopping" | "stopped" = "new";
  #stopRequested = false;
  #stopRequestedAt = 0;
  /** Why the worker is paused: pause()/USR2, Ruby's pause-all-workers, or remote control. */
  readonly #pausedBy = { local: false, all: false, control: false };
  #busy = false;
  #lastTitle = "";
  #runAtSecond = -1;
  #runAtText = "";
  /** The first lane's connection, which also registers and unregisters the slots. */
  get #connection(): WorkerConnection | undefined {
    return this.#lanes[0]!.connection;
  }
  /** Rejects once a stopping worker has found Redis unreachable for its shutdown timeout. */
  #giveUpOnRedis: Promise<never> | undefined;
  #unsubscribe: (() => Promise<void>) | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #loop: Promise<void> | undefined;
  #stopping: Promise<void> | undefined;
  #resolveStopped!: () => void;
  /** Resolves once the worker has stopped and unregistered (after stop(), or an empty queue with interval 0). */
  readonly stopped: Promise<void> = new Promise((resolve) => (this.#resolveStopped = resolve));

  readonly #plugins: readonly Plugin[];
  readonly #forkedChild: number | undefined;
  readonly #acceptRemoteStop: boolean;
  /** Shared with the workers of the other shards of a sharded Resque (see slot-budget.ts). */
  readonly #budget: SlotBudget | undefined;
  /** Wakes the loop (a sharded worker with a shared budget has one lane). */
  readonly #wake = () => this.#lanes[0]!.wakeup.poke();

  constructor(store: DataStore, processor: Processor, options: WorkerOptions & { logger: Logger; plugins?: readonly Plugin[]; slotBudget?: SlotBudget }) {
    super();
    this.#store = store;
    this.#processor = processor;
    this.queues = parseQueues(options.queues);
    this.concurrency = options.concurrency ?? 1;
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) {
      throw new ConfigurationError(`concurrency must be a whole number of at least 1, got ${options.concurrency}.`);
    }
    const interval = options.interval ?? 5;
    if (!(interval >= 0)) throw new ConfigurationError(`interval must be 0 or more seconds, got ${options.interval}.`);
    this.#intervalMs = interval * 1000;
    this.#heartbeatMs = secondsOption(options.heartbeatInterval, "heartbeatInterval", 5, { positive: true }) * 1000;
    this.#dirtyExitLimit = countOption(options.dirtyExitLimit, "dirtyExitLimit", 3);
    this.#host = workerHost(options.host);
    this.#shutdownMs = secondsOption(options.shutdownTimeout, "shutdownTimeout", 4, { env: "RESQUE_TERM_TIMEOUT" }) * 1000;
    this.#preShutdownMs = secondsOption(options.preShutdownTimeout, "preShutdownTimeout", 0, { env: "RESQUE_PRE_SHUTDOWN_TIMEOUT" }) * 1000;
    if (options.timeout !== undefined) secondsOption(options.timeout, "timeout (0 for none)", 0);
    this.#processTitle = options.processTitle ?? true;
    this.#logger = options.logger;
    this.#plugins = options.plugins ?? [];
    this.#forkedChild = options.forkedChild;
    this.#acceptRemoteStop = options.acceptRemoteStop ?? true;
    this.#budget = options.slotBudget;
    this.ids = slotIds({ host: options.host, queues: this.queues.entries, concurrency: this.concurrency });
    // Slots are dealt to the lanes in turn.
    const count = laneCount(this.concurrency, this.#budget !== undefined);
    this.#lanes = Array.from({ length: count }, () => ({ slots: [], ids: new Set<string>(), outcomes: new OutcomeQueue(), wakeup: new Wakeup(), inFlight: false, exited: false, connection: undefined }));
    this.#slots = this.ids.map((id, index) => {
      const lane = this.#lanes[index % count]!;
      const slot: Slot = { id, index, lane, running: undefined };
      lane.slots.push(slot);
      lane.ids.add(id);
      return slot;
    });
    this.#history = options.history === false ? undefined : (options.history ?? DEFAULT_HISTORY_RETENTION);
  }

  get paused(): boolean {
    return this.#pausedBy.local || this.#pausedBy.all || this.#pausedBy.control;
  }

  /** Number of jobs running now. */
  get running(): number {
    return this.#slots.filter((s) => s.running).length;
  }

  /** Registers the worker's slots in Redis and starts taking jobs. */
  async start(): Promise<void> {
    if (this.#state !== "new") throw new ConfigurationError("A worker can be started once; create a new one to start again.");
    this.#state = "running";
    try {
      if (this.#forkedChild === undefined) await this.#runHooks("beforeFirstFork", { rethrow: true });
      else await this.#runHooks("afterFork", { rethrow: true, extra: { child: this.#forkedChild } });
    } catch (error) {
      this.#state = "stopped";
      this.#resolveStopped();
      throw error;
    }
    for (const lane of this.#lanes) lane.connection = this.#store.workerConnection();
    await this.#register(this.ids);
    await this.#prune();
    this.#unsubscribe = await this.#store.subscribeWorker(
      (queue) => {
        if (!this.queues.matches(queue) || this.paused) return;
        for (const lane of this.#lanes) if (lane.slots.some((s) => !s.running)) lane.wakeup.poke();
      },
      (command) => this.#onControl(command),
    );
    await this.#refreshControlPause();
    if (this.#history) {
      this.#statsHistory = new StatsHistory(this.#store.history, this.#tokenPrefix, this.#history, this.#logger);
    }
    this.#heartbeatThread = new Heartbeat({
      store: this.#store,
      ids: this.ids,
      intervalMs: this.#heartbeatMs,
      logger: this.#logger,
      onUnregistered: (ids) => this.#lostRegistration(ids),
    });
    this.#heartbeat = setInterval(() => void this.#beat(), this.#heartbeatMs);
    this.#heartbeat.unref();
    this.#title();
    this.#logger.info({ workers: this.ids, queues: this.queues.entries, concurrency: this.concurrency }, "worker started");
    void warnAboutEviction(this.#store, this.#logger);
    const loops = this.#lanes.map((lane) =>
      this.#run(lane)
        .catch((error: unknown) => this.#logger.error({ err: error }, "work loop crashed"))
        .finally(() => {
          lane.exited = true;
          this.#lanes[0]!.wakeup.poke(); // the first lane waits for the others when stopping
        }),
    );
    this.#loop = Promise.all(loops).then(() => {});
  }

  /**
   * Stops taking jobs. By default waits for running jobs to finish (Resque's QUIT); with
   * `immediate` aborts them (their signal fires), waits up to shutdownTimeout, and requeues
   * what did not finish at the front of its queue (TERM/INT).
   */
  stop(options: StopOptions = {}): Promise<void> {
    if (this.#state === "new") {
      this.#state = "stopped";
      this.#resolveStopped();
      return Promise.resolve();
    }
    this.#stopping ??= this.#shutdown();
    if (options.immediate) {
      if (this.#preShutdownMs > 0 && this.running > 0) {
        const timer = setTimeout(() => this.#interruptAll(), this.#preShutdownMs);
        timer.unref();
        void this.#stopping.then(() => clearTimeout(timer));
      } else {
        this.#interruptAll();
      }
    }
    return this.#stopping;
  }

  /**
   * Kills the running jobs (Resque's USR1): each fails at once with JobKilled (onFailure hooks
   * run, so a retry plugin may retry it); the worker keeps taking jobs.
   */
  killJobs(): void {
    const signal = this.#jobSignal;
    this.#jobSignal = new AbortController(); // for the jobs that start from now on
    signal.abort(new JobKilled("The job was killed."));
    for (const slot of this.#slots) {
      const running = slot.running;
      if (!running || running.interrupted || running.abandoned) continue;
      // The run ends now: its late result is ignored, and the failure is recorded (with the
      // job's onFailure hooks) as for a job whose process was killed.
      running.abandoned = true;
      const error = new JobKilled(`${running.jobName ?? "The job"} was killed on request (USR1 or remote control).`);
      const durationMs = performance.now() - running.startedAt;
      void this.#processor.failElsewhere(running.reserved, error, this.#logger).then((failureEntry) => {
        this.#finish(slot, running, { outcome: "failed", failureEntry });
        this.emit("job:failure", { ...this.#event(running), error, durationMs });
      });
    }
  }

  /**
   * Writes the stats history and job durations counted so far. The worker does so every 2 s and
   * when it stops; call this to see every recorded job in the history now.
   */
  async flushHistory(): Promise<void> {
    await this.#statsHistory?.flush();
  }

  /** Stops taking new jobs until resume() (Resque's USR2). Running jobs continue. */
  pause(): void {
    this.#setPaused("local", true);
  }

  /** Takes jobs again after pause() (Resque's CONT). */
  resume(): void {
    this.#setPaused("local", false);
  }

  async #shutdown(): Promise<void> {
    this.#stopRequested = true;
    this.#stopRequestedAt = Date.now();
    this.#giveUpOnRedis = this.#unreachableFor(this.#shutdownMs);
    this.#state = "stopping";
    this.#title();
    this.#pokeAll();
    await this.#runHooks("shutdown");
    await this.#loop;
    clearInterval(this.#heartbeat);
    // Before unregistering: a beat after it would find the ids unregistered and register them again.
    await this.#heartbeatThread?.stop();
    await this.#unsubscribe?.();
    try {
      // Anything still recorded (a cycle that could not be flushed) goes back to its queue. With
      // Redis unreachable this gives up after the shutdown timeout: the jobs stay recorded in
      // their worker keys, where pruning finds them once Redis is back.
      await withTimeout(
        (async () => {
          // Before unregistering, so whoever sees the worker gone sees all of its jobs counted.
          await this.#statsHistory?.stop().catch((error: unknown) => this.#logger.error({ err: error }, "could not write the last stats history"));
          await this.#connection?.workers.unregister(this.ids);
          if (this.#statsHistory) await this.#store.history.forgetProcess(this.#tokenPrefix);
        })(),
        Math.max(1000, this.#shutdownMs),
        "Redis did not answer",
      );
    } catch (error) {
      this.#logger.error({ err: error }, "could not unregister the worker; its recorded jobs are requeued by pruning once Redis is reachable");
    }
    await Promise.all(this.#lanes.map((lane) => lane.connection?.close()));
    await this.#runHooks("workerExit");
    this.#state = "stopped";
    this.#logger.info({ workers: this.ids }, "worker stopped");
    this.emit("stopped");
    this.#resolveStopped();
  }

  #interruptAll(): void {
    for (const slot of this.#slots) {
      const running = slot.running;
      if (running && !running.abandoned) running.interrupted = true;
    }
    this.#jobSignal.abort(new ShutdownError("The worker is shutting down."));
    const timer = setTimeout(() => this.#abandonInterrupted(), this.#shutdownMs);
    timer.unref();
  }

  /** After the grace period, jobs that ignored their abort signal are requeued. */
  #abandonInterrupted(): void {
    for (const slot of this.#slots) {
      const running = slot.running;
      if (!running?.interrupted) continue;
      running.abandoned = true;
      this.#finish(slot, running, { outcome: "requeue" });
      this.#logger.warn({ worker: slot.id, queue: running.reserved.queue }, "job did not stop in time; requeued");
      this.emit("job:requeued", this.#event(running));
    }
  }

  async #run(lane: Lane): Promise<void> {
    const first = lane === this.#lanes[0];
    let recovering = false;
    let failures = 0;
    let holdingSince: number | undefined;
    for (;;) {
      if (this.#stopRequested && !first) {
        // Stopping: the first lane reports every outcome from now on (#finish sends them there), so
        // interrupted jobs go back to their queues in one call, in their original order. No lane
        // reserves while stopping, so no outcome can be overtaken by a reservation of its slot.
        lane.outcomes.moveTo(this.#lanes[0]!.outcomes);
        return;
      }
      let idle = this.#idleSlots(lane);
      if (this.#budget && idle.length > 0) idle = idle.slice(0, this.#budget.take(this.#wake, idle.length, this.running));
      if (this.#budget && idle.length === 0 && lane.outcomes.length > 0 && !this.#stopRequested && this.#budget.isWaiting(this.#wake)) {
        // Another shard has the turn for the shared slots. Reporting these outcomes now would
        // cost a work cycle that reserves nothing, and another when the turn comes: hold them
        // for the cycle that reserves (briefly, so stats and plugin writes are not held long).
        holdingSince ??= Date.now();
        const left = HOLD_OUTCOMES_MS - (Date.now() - holdingSince);
        if (left > 0) {
          await lane.wakeup.wait(left);
          continue;
        }
      }
      holdingSince = undefined;
      if (this.#stopRequested && idle.length === 0 && lane.outcomes.length === 0 && this.running === 0 && this.#lanes.every((l) => l === lane || l.exited)) return;
      const finished = lane.outcomes.take(this.#slots.some((slot) => slot.running?.interrupted));
      if (finished.length === 0 && idle.length === 0) {
        await lane.wakeup.wait(this.#intervalMs || 1000);
        continue;
      }
      const pokes = lane.wakeup.pokes;
      lane.wakeup.clear();
      let result: WorkCycleResult;
      lane.inFlight = true;
      try {
        const lost = this.#unregistered.size === 0 ? [] : [...this.#unregistered].filter((id) => lane.ids.has(id));
        if (lost.length > 0 && !this.#stopRequested) {
          // Pruned by another process while alive: take no job before registering again.
          await this.#register(lost);
          for (const id of lost) this.#unregistered.delete(id);
        }
        if (this.#stopRequested && !lane.connection!.isReady()) throw new Error("Redis is unreachable while the worker stops");
        const call = lane.connection!.workers.workCycle({
          reservation: `${this.#tokenPrefix}-${++this.#cycles}`,
          recovering,
          finished,
          idleSlots: idle,
          selection: this.queues.selection,
          runAt: this.#runAt(),
          honourPause: true,
          countAttempts: idle.length > 0 ? this.#processor.attemptCountingClasses(this.#store.keys) : undefined,
        });
        // A call waits in the client while Redis is down; a stopping worker does not wait forever.
        result = await (this.#giveUpOnRedis ? Promise.race([call, this.#giveUpOnRedis]) : call);
      } catch (error) {
        // The reply may be lost after the script ran: keep the outcomes and let the next call check.
        lane.inFlight = false;
        lane.outcomes.putBack(finished);
        this.#budget?.giveBack(idle.length);
        recovering = true;
        if (failures++ === 0) {
          this.#logger.error({ err: error }, "Redis call failed; retrying with backoff");
          if (this.listenerCount("error") > 0) this.emit("error", error as Error);
        }
        if (this.#stopRequested && this.running === 0 && (failures > 5 || Date.now() - this.#stopRequestedAt > this.#shutdownMs)) {
          // Shutting down while Redis is unreachable: unfinished reservations stay recorded in
          // their worker keys, where dead-worker pruning requeues them.
          this.#logger.error({ unreported: lane.outcomes.length }, "stopping without reaching Redis");
          return;
        }
        await lane.wakeup.wait(Math.min(100 * 2 ** failures, 5000));
        continue;
      }
      lane.inFlight = false;
      if (failures > 0) this.#logger.warn("Redis reachable again; worker continues");
      failures = 0;
      recovering = false;
      if (result.fenced.length > 0) this.#reportFenced(result.fenced);
      if (result.retries.length > 0 || result.fenced.length > 0) this.#settleWrites(result);
      if (result.unregistered.length > 0) this.#lostRegistration(result.unregistered);
      // The outcomes this call applied: all of them unless some were fenced.
      const recorded = result.fenced.length === 0 ? finished : finished.filter((slot) => !result.fenced.includes(slot));
      if (this.listenerCount("job:recorded") > 0) this.#reportRecorded(recorded);
      if (this.#statsHistory && recorded.length > 0) this.#countHistory(this.#statsHistory, recorded);
      this.#setPaused("all", result.paused);
      this.#budget?.settle(this.#wake, idle.length, result.reserved.length);
      for (const reserved of result.reserved) this.#begin(reserved, lane);
      if (idle.length > 0 && result.reserved.length < idle.length) {
        // The queues ran dry (or all workers are paused).
        const settled = this.running === 0 && this.#lanes.every((l) => l.outcomes.length === 0 && !l.inFlight);
        if (settled && this.#busy) {
          this.#busy = false;
          void this.#runHooks("queueEmpty");
          this.emit("idle");
          this.#title();
        }
        if (this.#intervalMs === 0 && settled && !result.paused) {
          this.#stopRequested = true;
          void this.stop();
          continue;
        }
        if (lane.wakeup.pokes !== pokes) continue; // something happened during the call
        await lane.wakeup.wait(this.#intervalMs || 1000);
      }
    }
  }

  /** The lane's slots that can take a job now (none while stopping or paused here). */
  #idleSlots(lane: Lane): string[] {
    if (this.#stopRequested || this.#pausedBy.local || this.#pausedBy.control) return [];
    return lane.slots.filter((s) => !s.running).map((s) => s.id);
  }

  /** Wakes every lane's loop (a change that concerns them all: stop, resume, a lost registration). */
  #pokeAll(): void {
    for (const lane of this.#lanes) lane.wakeup.poke();
  }

  /** Records one reason to pause; hooks and events fire only when the overall state changes. */
  #setPaused(source: "local" | "all" | "control", value: boolean): void {
    const before = this.paused;
    this.#pausedBy[source] = value;
    const after = this.paused;
    if (before === after) return;
    void this.#runHooks(after ? "beforePause" : "afterPause");
    this.emit(after ? "paused" : "resumed");
    if (!after) this.#pokeAll();
    this.#title();
  }

  /**
   * Reads remote-control pauses for this host and these ids, and the pause-all switch (at start,
   * each heartbeat, and on a command, so a pause takes effect without waiting for a poll).
   */
  async #refreshControlPause(): Promise<void> {
    const [flags, all] = await Promise.all([
      this.#store.control.paused([`host:${this.#host}`, ...this.ids.map((id) => `worker:${id}`)]),
      this.#store.control.pauseAll(),
    ]);
    this.#setPaused("control", flags.some(Boolean));
    this.#setPaused("all", all);
  }

  #onControl(message: string): void {
    const command = parseCommand(message);
    if (!command || !targets(command.target, this.#host, this.ids)) return;
    this.#logger.info({ command }, "remote control");
    this.emit("control", command);
    if (command.action === "pause" || command.action === "resume") {
      void this.#refreshControlPause().catch((error: unknown) => this.#logger.warn({ err: error }, "could not read pause state"));
    } else if (this.#acceptRemoteStop) {
      void this.stop({ immediate: command.action === "kill" });
    }
  }

  /** Worker hooks: errors are logged (the worker keeps running) unless rethrow is asked for. */
  #runHooks(name: WorkerHookName, options: { rethrow?: boolean; extra?: Record<string, unknown> } = {}): Promise<void> {
    const context: WorkerHookContext = { workerIds: this.ids, queues: this.queues.entries, logger: this.#logger, ...options.extra };
    return runWorkerHooks(this.#plugins, name, context, options);
  }

  #begin(reserved: ReservedJob, lane: Lane): void {
    const slot = lane.slots.find((s) => s.id === reserved.workerId);
    if (!slot || slot.running) {
      this.#logger.error({ worker: reserved.workerId }, "reserved a job for a slot that is not idle; requeueing it");
      this.#budget?.giveBack(1);
      if (reserved.counted) this.#returnAttempt(reserved.counted);
      lane.outcomes.push({ workerId: reserved.workerId, outcome: "requeue", queue: reserved.queue, payload: reserved.payloadBytes ?? reserved.payload, reservation: reserved.reservation });
      return;
    }
    const decoded = decodePayload(reserved.payload);
    const jobName = decoded.className;
    const args = decoded.ok ? decoded.args : Array.isArray(decoded.args) ? decoded.args : [];
    const running: RunningJob = {
      reserved,
      sequence: ++this.#reservations,
      startedAt: performance.now(),
      jobName,
      args,
      interrupted: false,
      abandoned: false,
    };
    slot.running = running;
    if (!this.#busy) {
      this.#busy = true;
      this.#title();
    }
    const timeoutMs = this.#processor.timeoutFor(jobName);
    // Past timeout + grace (and a second for the loop to notice) only a stuck event loop keeps it.
    if (timeoutMs !== undefined) this.#heartbeatThread?.jobStarted(slot.index, Date.now() + timeoutMs + this.#shutdownMs + 1000);
    if (this.listenerCount("job:start") > 0) this.emit("job:start", { ...this.#event(running), reservation: reserved.reservation, timeoutMs });
    // Every job of this worker shares one signal (a per-job signal costs allocations on every
    // job): an immediate stop or killJobs() fires it for all running jobs at once.
    const options = { signal: this.#jobSignal.signal, timeoutMs, graceMs: this.#shutdownMs, logger: this.#logger, carryWrites: true };
    this.#processor.run(reserved, options, decoded).then(
      (result) => {
        if (running.abandoned) return;
        const durationMs = performance.now() - running.startedAt;
        if (result.kind === "deferred") {
          // A hook put the job elsewhere: the slot is released without stats.
          this.#finish(slot, running, { outcome: "release" });
          if (this.listenerCount("job:deferred") > 0) this.emit("job:deferred", { ...this.#event(running), durationMs });
        } else if (result.kind === "done") {
          this.#finish(slot, running, { outcome: "done", writes: result.writes });
          // Events cost an object per job; nothing is built when nobody listens.
          if (this.listenerCount("job:success") > 0) this.emit("job:success", this.#successEvent(running, durationMs, result.skipped));
        } else if (running.interrupted) {
          this.#finish(slot, running, { outcome: "requeue" });
          this.emit("job:requeued", this.#event(running));
        } else {
          this.#finish(slot, running, { outcome: "failed", failureEntry: result.failureEntry, writes: result.writes });
          if (this.listenerCount("job:failure") > 0) this.emit("job:failure", { ...this.#event(running), error: result.error, durationMs });
        }
      },
      (error: unknown) => {
        // Processor.run does not throw; if it ever does, the job must not vanish.
        this.#logger.error({ err: error }, "processor crashed; requeueing job");
        this.#finish(slot, running, { outcome: "requeue" });
      },
    );
  }

  /**
   * Undoes a retry attempt the work cycle counted for a run that never reached its retry plugin
   * (it failed or was put back before the plugin's beforePerform), as resque-retry would not
   * have counted it. Rare, so a call of its own.
   */
  #returnAttempt(counted: CountedAttempt): void {
    counted.taken = true;
    this.#store.retries.uncountAttempt(counted.identityName, counted.created).catch((error: unknown) => {
      this.#logger.error({ err: error, identity: counted.identityName }, "could not undo a retry attempt counted for a run that did not reach its retry plugin");
    });
  }

  #finish(
    slot: Slot,
    running: RunningJob,
    outcome: { outcome: "done"; writes?: OutcomeWrites } | { outcome: "failed"; failureEntry: string; writes?: OutcomeWrites } | { outcome: "requeue" } | { outcome: "release" },
  ): void {
    const counted = running.reserved.counted;
    if (counted && !counted.taken) this.#returnAttempt(counted);
    if (slot.running === running) {
      slot.running = undefined;
      this.#budget?.giveBack(1);
    }
    this.#heartbeatThread?.jobEnded(slot.index);
    const { reserved } = running;
    let finished: FinishedSlot;
    // Built as literals of one shape each (no spread): this runs once per job.
    if (outcome.outcome === "done") {
      const durationMs = performance.now() - running.startedAt;
      finished = { workerId: slot.id, outcome: "done", queue: reserved.queue, jobName: running.jobName ?? UNREADABLE_CLASS, durationMs, reservation: reserved.reservation, writes: outcome.writes };
    } else if (outcome.outcome === "failed") {
      const durationMs = performance.now() - running.startedAt;
      finished = { workerId: slot.id, outcome: "failed", queue: reserved.queue, jobName: running.jobName ?? UNREADABLE_CLASS, durationMs, failureEntry: outcome.failureEntry, reservation: reserved.reservation, writes: outcome.writes };
    } else if (outcome.outcome === "requeue") {
      // The exact bytes go back, also when they are not UTF-8.
      finished = { workerId: slot.id, outcome: "requeue", queue: reserved.queue, payload: reserved.payloadBytes ?? reserved.payload, reservation: reserved.reservation };
    } else {
      finished = { workerId: slot.id, outcome: "release", queue: reserved.queue, jobName: running.jobName ?? UNREADABLE_CLASS, reservation: reserved.reservation };
    }
    // A stopping worker reports every outcome from its first lane (see #run).
    const lane = this.#stopRequested ? this.#lanes[0]! : slot.lane;
    lane.outcomes.push(finished, running.sequence);
    lane.wakeup.poke();
  }

  /** The job:success event, built in one object (the busiest event; see #event). */
  #successEvent(running: RunningJob, durationMs: number, skipped: boolean): JobEvent & { durationMs: number; skipped: boolean } {
    const { reserved } = running;
    return { workerId: reserved.workerId, queue: reserved.queue, jobName: running.jobName, args: running.args, payload: reserved.payload, durationMs, skipped };
  }

  #event(running: RunningJob): JobEvent {
    const { reserved } = running;
    return { workerId: reserved.workerId, queue: reserved.queue, jobName: running.jobName, args: running.args, payload: reserved.payload };
  }

  /** Rejects once the work-cycle connection has been down for `ms` without a break. */
  #unreachableFor(ms: number): Promise<never> {
    const promise = new Promise<never>((_, reject) => {
      let downSince: number | undefined;
      const check = setInterval(() => {
        if (this.#state === "stopped") return clearInterval(check);
        if (this.#connection?.isReady() !== false) {
          downSince = undefined;
          return;
        }
        downSince ??= Date.now();
        if (Date.now() - downSince >= ms) {
          clearInterval(check);
          reject(new Error(`Redis has been unreachable for ${ms / 1000} s while the worker stops`));
        }
      }, 100);
      check.unref();
    });
    promise.catch(() => {}); // observed by the work loop when it races a call against it
    return promise;
  }

  /** Registers slot ids as Resque workers, with what pruners need to judge them (see prune.ts). */
  async #register(ids: readonly string[]): Promise<void> {
    const now = new Date(await this.#store.time());
    await this.#connection!.workers.register(ids, rubyTimeToS(now), isoWithOffset(now), {
      heartbeatSeconds: this.#heartbeatMs / 1000,
      longestTimeoutSeconds: this.#processor.longestTimeoutSeconds(),
    });
  }

  /** Another process pruned these slots (it judged them dead): they register again before taking work. */
  #lostRegistration(ids: readonly string[]): void {
    if (this.#stopRequested) return;
    const fresh = ids.filter((id) => !this.#unregistered.has(id));
    if (fresh.length === 0) return;
    for (const id of fresh) this.#unregistered.add(id);
    this.#logger.warn({ workers: fresh }, "this worker was pruned by another process (its heartbeat was late); registering again before taking more jobs");
    this.#pokeAll();
  }

  /** Outcomes the work cycle refused: the job was taken from this worker while it ran. */
  #reportFenced(fenced: readonly FinishedSlot[]): void {
    for (const slot of fenced) {
      const jobName = slot.outcome === "requeue" ? undefined : slot.jobName;
      this.#logger.warn(
        { worker: slot.workerId, queue: slot.queue, class: jobName, outcome: slot.outcome },
        "the job's reservation was taken away while it ran (pruning judged this worker dead and requeued the job); this outcome is not recorded",
      );
      if (this.listenerCount("job:fenced") > 0) this.emit("job:fenced", { workerId: slot.workerId, queue: slot.queue, jobName, outcome: slot.outcome });
    }
  }

  /** Tells plugins what became of the retries they sent with outcomes (see plugins/outcome-writes.ts). */
  #settleWrites(result: WorkCycleResult): void {
    const tell = (slot: FinishedSlot, outcome: Parameters<NonNullable<OutcomeWrites["settled"]>>[0]) => {
      if (slot.outcome !== "done" && slot.outcome !== "failed") return;
      try {
        slot.writes?.settled?.(outcome);
      } catch (error) {
        this.#logger.error({ err: error }, "a plugin's outcome callback failed");
      }
    };
    for (const slot of result.fenced) tell(slot, "fenced");
    for (const { slot, outcome } of result.retries) tell(slot, outcome);
  }

  /** job:recorded for every outcome the work cycle applied. */
  #reportRecorded(recorded: readonly FinishedSlot[]): void {
    for (const slot of recorded) {
      const jobName = slot.outcome === "requeue" ? undefined : slot.jobName;
      this.emit("job:recorded", { workerId: slot.workerId, queue: slot.queue, jobName, outcome: slot.outcome });
    }
  }

  /** run_at for the jobs of a work cycle: now, to the second (formatted once per second). */
  #runAt(): string {
    const second = Math.floor(Date.now() / 1000);
    if (second !== this.#runAtSecond) {
      this.#runAtSecond = second;
      this.#runAtText = isoUtc(new Date(second * 1000));
    }
    return this.#runAtText;
  }

  /** Counts the done and failed outcomes the work cycle recorded in the stats history. */
  #countHistory(history: StatsHistory, recorded: readonly FinishedSlot[]): void {
    // The second the call was sent in (its run_at), as when the work cycle itself counted them.
    const now = this.#runAtSecond;
    for (const slot of recorded) {
      if (slot.outcome !== "done" && slot.outcome !== "failed") continue;
      history.count(now, slot.queue, slot.jobName, slot.outcome === "failed", slot.durationMs);
    }
  }

  /** Sends the heartbeat (heartbeat.ts), prunes dead workers and refreshes remote-control pauses. */
  async #beat(): Promise<void> {
    await this.#heartbeatThread?.beat();
    await this.#prune();
    await this.#refreshControlPause().catch(() => {});
  }

  /** Requeues the jobs of dead workers (see prune.ts); failures only log, the next beat retries. */
  async #prune(): Promise<void> {
    try {
      await pruneDeadWorkers({
        store: this.#store.workers,
        host: this.#host,
        ownIds: this.ids,
        logger: this.#logger,
        dirtyExitLimit: this.#dirtyExitLimit,
        lockSeconds: Math.max(5, Math.ceil((this.#heartbeatMs * 2) / 1000)),
        orphans: this.#orphans,
        onSettled: (settled) => this.#processor.dirtyExits(settled, this.#logger),
      });
    } catch (error) {
      this.#logger.debug({ err: error }, "pruning dead workers failed");
    }
  }

  /** Ruby's pruner recognises live workers on a host by a title matching "resque-<digit>". */
  #title(): void {
    if (!this.#processTitle) return;
    const queues = this.queues.entries.join(",");
    let what: string;
    if (this.#state === "stopping") what = "Shutting down";
    else if (this.paused) what = "Paused";
    else if (this.#busy) what = `Processing ${queues}`;
    else what = `Waiting for ${queues}`;
    const title = `resque-${VERSION}: ${what}`;
    if (title !== this.#lastTitle) process.title = this.#lastTitle = title;
  }
}
