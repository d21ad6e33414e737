/**
 * Workers for operators: every registered worker (resque-ts's, Ruby's and node-resque's) with its
 * job, times and counters, and remote control (pause, resume, stop, kill) of one worker, one host
 * or all. Read in two round trips however many workers there are.
 */
import { ConfigurationError } from "../errors.js";
import { rawMember } from "../job/json-span.js";
import { parseResqueTime } from "../redis/time-formats.js";
import type { WorkerDetails } from "../redis/stores/worker-records-store.js";
import type { ControlTarget } from "../worker/control.js";
import { parseQueues } from "../worker/queue-selection.js";
import { parseWorkerId } from "../worker/worker-id.js";
import { checkName, type AdminContext } from "./context.js";
import { command, pause, resume } from "./control.js";

/** Which implementation runs a worker: resque-ts, Ruby Resque, or node-resque. */
export type WorkerKind = "resque-ts" | "ruby" | "node-resque";

/** The job a worker is running. */
export interface RunningJob {
  queue: string;
  class: string;
  args: unknown[];
  /** The payload as the worker recorded it. */
  payload: string;
  /** When it started (as the worker recorded it). */
  runAt: Date | undefined;
  /** Milliseconds since it started, by Redis' clock. */
  runningForMs: number | undefined;
}

export interface WorkerInfo {
  /** Ruby's `host:pid:queues` (resque-ts slots: `host+slot:pid:queues`). */
  id: string;
  host: string;
  pid: number;
  /** The concurrency slot of a resque-ts process with several, else undefined. */
  slot: number | undefined;
  /** The queues as the worker was started with them (globs kept, `!exclusions` not recorded). */
  queues: string[];
  kind: WorkerKind;
  /** "working" while it runs a job (even when paused: it finishes first), else "paused" or "idle". */
  state: "working" | "paused" | "idle";
  /** Paused by `pause-all-workers` (every kind) or, for resque-ts workers, by a host or worker pause. */
  paused: boolean;
  job: RunningJob | null;
  startedAt: Date | undefined;
  /** Last heartbeat (undefined: the worker writes none, as node-resque's). */
  heartbeatAt: Date | undefined;
  /** Milliseconds since the last heartbeat, by Redis' clock. */
  heartbeatAgeMs: number | undefined;
  /** The heartbeat interval of a resque-ts worker; undefined for others. */
  heartbeatIntervalSeconds: number | undefined;
  /** The longest job timeout of a resque-ts worker's process (undefined: none, or not a resque-ts worker). */
  jobTimeoutSeconds: number | undefined;
  processed: number;
  failed: number;
}

/** Which workers a control command covers, and how many processes heard it. */
export interface ControlResult {
  /** Registered workers the target covers now (every kind; only resque-ts processes hear commands). */
  workers: string[];
  /** resque-ts processes listening when the command was sent. */
  processes: number;
}

/** A worker that resque-ts pruning found dead, and what became of its job. */
export interface PrunedWorker {
  /** The worker's id as it was registered. */
  id: string;
  /** When it was pruned, by Redis' clock. */
  at: Date;
  /** The job it held: its queue and class; undefined when it held none. */
  queue: string | undefined;
  /** The class of the job it held. */
  class: string | undefined;
  /** "requeued" (back at the front of its queue), "failed" (DirtyExit, the poison-job guard) or "none" (it held no job). */
  outcome: "requeued" | "failed" | "none";
}

/** What is paused: the pause-all switch and each paused host (`host:<name>`) or worker (`worker:<id>`). */
export interface PausedState {
  all: boolean;
  targets: string[];
}

let create: (context: AdminContext) => AdminWorkers;

/** `admin.workers`: see docs/admin.md#workers. */
export class AdminWorkers {
  readonly #context: AdminContext;

  static {
    create = (context) => new AdminWorkers(context);
  }

  private constructor(context: AdminContext) {
    this.#context = context;
  }

  /** Every registered worker, sorted by id. */
  async list(): Promise<WorkerInfo[]> {
    await this.#context.store.ready();
    const { store } = this.#context;
    const [ids, now, pausedAll, pausedTargets] = await Promise.all([store.workerRecords.ids(), store.server.time(), store.control.pauseAll(), store.control.pausedTargets()]);
    const details = await store.workerRecords.details(ids);
    return describeWorkers(details, now, { all: pausedAll, targets: pausedTargets });
  }

  /** The workers running a job now. */
  async working(): Promise<WorkerInfo[]> {
    await this.#context.store.ready();
    return (await this.list()).filter((w) => w.job !== null);
  }

  /** One worker by id, or undefined when it is not registered. */
  async get(id: string): Promise<WorkerInfo | undefined> {
    await this.#context.store.ready();
    checkName(id, "The worker id");
    return (await this.list()).find((w) => w.id === id);
  }

  /**
   * Pauses: running jobs finish, no new ones start, until resume. `{ all: true }` pauses Ruby's
   * workers too; `{ host }` and `{ worker }` reach resque-ts workers (a worker id pauses its whole process).
   */
  async pause(target: ControlTarget): Promise<ControlResult> {
    await this.#context.store.ready();
    const processes = await pause(this.#context.store.control, target);
    return { workers: await this.#covered(target), processes };
  }

  /** Resumes. `{ all: true }` clears `pause-all-workers` and every host and worker pause. */
  async resume(target: ControlTarget): Promise<ControlResult> {
    await this.#context.store.ready();
    const processes = await resume(this.#context.store.control, target);
    return { workers: await this.#covered(target), processes };
  }

  /** Asks the targeted resque-ts processes to finish their running jobs and exit (QUIT). */
  async stop(target: ControlTarget): Promise<ControlResult> {
    await this.#context.store.ready();
    const processes = await command(this.#context.store.control, "stop", target);
    return { workers: await this.#covered(target), processes };
  }

  /** Asks the targeted resque-ts processes to stop now, requeueing their running jobs (TERM). */
  async kill(target: ControlTarget): Promise<ControlResult> {
    await this.#context.store.ready();
    const processes = await command(this.#context.store.control, "kill", target);
    return { workers: await this.#covered(target), processes };
  }

  /**
   * The workers resque-ts pruning found dead (missed heartbeats, or a pid gone on its host), newest
   * first; the last 100 are kept. Pruning by Ruby Resque is not recorded.
   */
  async pruned(options: { since?: Date } = {}): Promise<PrunedWorker[]> {
    await this.#context.store.ready();
    if (options.since !== undefined && !(options.since instanceof Date && Number.isFinite(options.since.getTime()))) {
      throw new ConfigurationError(`pruned({ since }) takes a valid Date, got ${JSON.stringify(options.since)}.`);
    }
    const since = options.since?.getTime() ?? Number.NEGATIVE_INFINITY;
    const found: PrunedWorker[] = [];
    for (const value of await this.#context.store.workerRecords.pruned()) {
      const record = parsePruned(value);
      if (record && record.at.getTime() >= since) found.push(record);
    }
    return found;
  }

  /** What is paused now. */
  async paused(): Promise<PausedState> {
    await this.#context.store.ready();
    const [all, targets] = await Promise.all([this.#context.store.control.pauseAll(), this.#context.store.control.pausedTargets()]);
    return { all, targets };
  }

  async #covered(target: ControlTarget): Promise<string[]> {
    const ids = await this.#context.store.workerRecords.ids();
    if ("all" in target) return ids;
    if ("host" in target) return ids.filter((id) => parseWorkerId(id).host === target.host);
    const owner = parseWorkerId(target.worker);
    return ids.filter((id) => {
      const parsed = parseWorkerId(id);
      return parsed.host === owner.host && parsed.pid === owner.pid;
    });
  }
}

export function createAdminWorkers(context: AdminContext): AdminWorkers {
  return create(context);
}

/** Turns stored details into WorkerInfo, judging nothing: times are measured against Redis' clock `now`. */
export function describeWorkers(details: readonly WorkerDetails[], now: number, paused: PausedState): WorkerInfo[] {
  const pausedTargets = new Set(paused.targets);
  // A worker pause applies to the process owning that id: all of its slots.
  const pausedProcesses = new Set(
    paused.targets.filter((t) => t.startsWith("worker:")).map((t) => processKey(parseWorkerId(t.slice("worker:".length)))),
  );
  return details.map((d) => {
    const parsed = parseWorkerId(d.id);
    const kind: WorkerKind = d.ours !== null ? "resque-ts" : d.nodeResquePing ? "node-resque" : "ruby";
    const job = runningJob(d.job, now);
    const heartbeatAt = parseResqueTime(d.heartbeat);
    const isPaused =
      paused.all ||
      (kind === "resque-ts" && (pausedTargets.has(`host:${parsed.host}`) || pausedProcesses.has(processKey(parsed))));
    const registration = ourRegistration(d.ours);
    return {
      id: d.id,
      host: parsed.host,
      pid: parsed.pid,
      slot: parsed.slot,
      queues: parsed.queues,
      kind,
      state: job ? "working" : isPaused ? "paused" : "idle",
      paused: isPaused,
      job,
      startedAt: parseResqueTime(d.started),
      heartbeatAt,
      heartbeatAgeMs: heartbeatAt === undefined ? undefined : Math.max(0, now - heartbeatAt.getTime()),
      heartbeatIntervalSeconds: registration.heartbeat,
      jobTimeoutSeconds: registration.timeout,
      processed: d.processed,
      failed: d.failed,
    };
  });
}

/** Whether a worker takes jobs from `queue`, by Ruby's rules for its configured entries (globs included). */
export function watches(worker: Pick<WorkerInfo, "queues">, queue: string): boolean {
  try {
    return parseQueues(worker.queues).matches(queue);
  } catch {
    return false; // an id whose queue part cannot be read watches nothing we can tell
  }
}

function parsePruned(value: string): PrunedWorker | undefined {
  try {
    const parsed = JSON.parse(value) as { worker?: unknown; at?: unknown; queue?: unknown; class?: unknown; outcome?: unknown };
    if (typeof parsed.worker !== "string" || typeof parsed.at !== "number") return undefined;
    const outcome = parsed.outcome === "requeued" || parsed.outcome === "failed" ? parsed.outcome : "none";
    return {
      id: parsed.worker,
      at: new Date(parsed.at),
      queue: typeof parsed.queue === "string" ? parsed.queue : undefined,
      class: typeof parsed.class === "string" ? parsed.class : undefined,
      outcome,
    };
  } catch {
    return undefined;
  }
}

/** A resque-ts worker's registration: JSON {"heartbeat","timeout"}, or a bare interval (older versions). */
function ourRegistration(value: string | null): { heartbeat: number | undefined; timeout: number | undefined } {
  if (value === null) return { heartbeat: undefined, timeout: undefined };
  const seconds = (n: unknown) => (typeof n === "number" && Number.isFinite(n) ? n : undefined);
  try {
    const parsed = JSON.parse(value) as unknown;
    if (typeof parsed === "number") return { heartbeat: seconds(parsed), timeout: undefined };
    if (parsed && typeof parsed === "object") {
      const { heartbeat, timeout } = parsed as { heartbeat?: unknown; timeout?: unknown };
      return { heartbeat: seconds(heartbeat), timeout: seconds(timeout) };
    }
  } catch {
    // unreadable: known to be ours, nothing more
  }
  return { heartbeat: undefined, timeout: undefined };
}

function processKey(parsed: { host: string; pid: number }): string {
  return `${parsed.host}:${parsed.pid}`;
}

function runningJob(raw: string | null, now: number): RunningJob | null {
  if (!raw) return null;
  let value: { queue?: unknown; run_at?: unknown; payload?: unknown; raw_payload?: unknown };
  try {
    value = JSON.parse(raw) as typeof value;
  } catch {
    return { queue: "", class: "(unreadable)", args: [], payload: raw, runAt: undefined, runningForMs: undefined };
  }
  const payload = (value.payload && typeof value.payload === "object" ? value.payload : {}) as { class?: unknown; args?: unknown };
  const runAt = parseResqueTime(typeof value.run_at === "string" ? value.run_at : undefined);
  return {
    queue: typeof value.queue === "string" ? value.queue : "",
    class: typeof payload.class === "string" ? payload.class : "",
    args: Array.isArray(payload.args) ? payload.args : [],
    payload: typeof value.raw_payload === "string" ? value.raw_payload : (rawMember(raw, "payload") ?? ""),
    runAt,
    runningForMs: runAt === undefined ? undefined : Math.max(0, now - runAt.getTime()),
  };
}
