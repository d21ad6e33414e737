/**
 * The PerformContext a job and its hooks see. A class, not an object literal: a literal with
 * getters and arrow functions cost a closure per member, accessor pairs and a slow-mode object
 * on every job, which was the largest allocation of a job run.
 */
import type { JobClass } from "../job/job.js";
import type { Logger } from "../logger.js";
import type { PerformContext } from "../plugins/plugin.js";
import type { ReservedJob } from "../redis/stores/worker-store.js";
import type { Resque } from "../resque.js";

/** What a failure entry gets from onFailure hooks (see suppressFailureEntry, failureDetails). */
export interface FailureState {
  suppressed: boolean;
  details: Record<string, unknown>;
}

export class JobRunContext implements PerformContext {
  readonly jobName: string;
  readonly queue: string;
  readonly workerId: string;
  readonly payload: string;
  readonly failureDetails: Record<string, unknown>;
  attempt = 0;
  // Declared only: like the members of a literal, present once set.
  declare retryLimit?: number;
  declare readonly performedElsewhere?: boolean;
  #signal: AbortSignal;
  #logger: Logger;
  #childLogger: Logger | undefined;
  readonly #state: FailureState;

  constructor(
    reserved: ReservedJob,
    readonly job: JobClass,
    readonly args: readonly unknown[],
    signal: AbortSignal,
    logger: Logger,
    state: FailureState,
    readonly resque: Resque,
    performedElsewhere?: boolean,
  ) {
    this.jobName = job.jobName ?? job.name;
    this.queue = reserved.queue;
    this.workerId = reserved.workerId;
    this.payload = reserved.payload;
    this.failureDetails = state.details;
    if (performedElsewhere) this.performedElsewhere = true;
    this.#signal = signal;
    this.#logger = logger;
    this.#state = state;
  }

  /** The latest signal: a plugin's linkSignal() gives the job a signal of its own. */
  get signal(): AbortSignal {
    return this.#signal;
  }

  // linkSignal and suppressFailureEntry are getters returning arrow functions, so a plugin may
  // take them off the context (`const { suppressFailureEntry } = context`) as it could when the
  // context was a literal; the closure is made only when a plugin asks for it.
  get linkSignal(): (linked: AbortSignal) => void {
    return (linked) => {
      this.#signal = AbortSignal.any([this.#signal, linked]);
    };
  }

  /** Whether the run's logger writes at `level` (pino's isLevelEnabled; true for a logger without it). */
  logsAt(level: string): boolean {
    return (this.#logger as { isLevelEnabled?: (level: string) => boolean }).isLevelEnabled?.(level) ?? true;
  }

  /** A child logger per job is costly; most jobs never log, so it is made on first use. */
  get logger(): Logger {
    return (this.#childLogger ??= this.#logger.child({ job: this.jobName, queue: this.queue }));
  }

  get suppressFailureEntry(): () => void {
    return () => {
      this.#state.suppressed = true;
    };
  }
}
