/**
 * What a running status job reports through: `statusOf(this)` inside perform gives the job's
 * tracker, with its id, `progress(done, total, message)` and `setResult(value)`.
 */
import { ResqueError } from "../../errors.js";
import type { JobContext } from "../../job/job.js";
import type { StatusStore } from "../../redis/stores/status-store.js";
import { updateStatus } from "./status-writer.js";

/** The job was killed by id (`resque.statuses.kill(id)`); its run ends as "killed", not failed. */
export class StatusKilled extends ResqueError {
  override name = "StatusKilled";
}

/** `statusOf` was called outside a status job's run, or progress() got numbers it cannot show. */
export class StatusError extends ResqueError {
  override name = "StatusError";
}

export class StatusTracker {
  #result: unknown;
  #hasResult = false;
  /** Set once a kill by id was seen; the run then ends as "killed". */
  killRequested = false;
  /** Fired when a kill by id is seen: the job's signal (linked with context.linkSignal). */
  readonly kill = new AbortController();

  constructor(
    /** The status id (the job's first argument). */
    readonly id: string,
    private readonly store: StatusStore,
    private readonly expireIn: number,
  ) {}

  /**
   * Reports progress: `done` of `total`, with an optional message (resque-status's `at`). Throws
   * StatusKilled when the job has been killed by id, so a job that reports progress stops there.
   */
  async progress(done: number, total: number, message?: string): Promise<void> {
    if (!Number.isFinite(done) || !Number.isFinite(total) || total <= 0) {
      throw new StatusError(`progress(${done}, ${total}) needs finite numbers and a total above 0 (resque-status's at() refuses the same).`);
    }
    await this.#report({ num: done, total, ...(message === undefined ? {} : { message: String(message) }) });
  }

  /** Sets the status message without progress numbers (resque-status's tick). */
  async message(message: string): Promise<void> {
    await this.#report({ message: String(message) });
  }

  /** Stores a result (any JSON value) with the completed status. */
  setResult(value: unknown): void {
    try {
      if (JSON.stringify(value) === undefined) throw new TypeError("not JSON");
    } catch {
      throw new StatusError("setResult needs a JSON value (object, array, string, number, boolean or null).");
    }
    this.#result = value;
    this.#hasResult = true;
  }

  /** The stored result, for the final write. */
  resultFields(): Record<string, unknown> {
    return this.#hasResult ? { result: this.#result } : {};
  }

  /** Records a kill by id: the job's signal fires with StatusKilled. */
  markKilled(): void {
    if (this.killRequested) return;
    this.killRequested = true;
    this.kill.abort(new StatusKilled(`Job ${this.id} was killed by id.`));
  }

  async #report(fields: Record<string, unknown>): Promise<void> {
    if (this.killRequested) throw this.kill.signal.reason as Error;
    const now = Math.floor(Date.now() / 1000);
    const result = await updateStatus(this.store, this.id, () => ({ ...fields, status: "working", time: now }), {
      expireIn: this.expireIn,
      refuseIfKilled: true,
    });
    if (result === "killed") {
      this.markKilled();
      throw this.kill.signal.reason as Error;
    }
  }
}

const trackers = new WeakMap<JobContext, StatusTracker>();

export function bindTracker(context: JobContext, tracker: StatusTracker): void {
  trackers.set(context, tracker);
}

/** The tracker of a running status job: `statusOf(this)` in perform (or pass `this.context`). */
export function statusOf(job: { context: JobContext } | JobContext): StatusTracker {
  const context = "context" in job && typeof job.context === "object" ? job.context : (job as JobContext);
  const tracker = trackers.get(context);
  if (!tracker) {
    throw new StatusError(`statusOf() found no status for this run of ${context?.jobName ?? "the job"}: give the class the status plugin (@trackStatus()) and call it from perform.`);
  }
  return tracker;
}
