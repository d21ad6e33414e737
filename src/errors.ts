/**
 * Error classes of resque-ts. Each message says what was wrong and what to do about it.
 * `name` is set explicitly so failure entries record a readable exception name even after bundling.
 */
export class ResqueError extends Error {
  override name = "ResqueError";
}

/** A job class has no queue and none was given (Resque's NoQueueError). */
export class NoQueueError extends ResqueError {
  override name = "NoQueueError";
}

/** A job name is not registered with this Resque instance. */
export class UnknownJobError extends ResqueError {
  override name = "UnknownJobError";
}

/** Job arguments that JSON cannot carry faithfully (BigInt, cycles, functions, Dates, ...). */
export class InvalidArgumentsError extends ResqueError {
  override name = "InvalidArgumentsError";
}

/** A queued payload is not valid JSON (or is empty). */
export class PayloadDecodeError extends ResqueError {
  override name = "PayloadDecodeError";
}

/** A queued payload is JSON but not a job: no string `class`, or `args` not an array. */
export class InvalidPayloadError extends ResqueError {
  override name = "InvalidPayloadError";
}

/** Invalid configuration or options given to the library. */
export class ConfigurationError extends ResqueError {
  override name = "ConfigurationError";
}

/**
 * Redis could not be reached within the connection timeout (a call such as enqueue, or a one-shot
 * command). Nothing was written.
 */
export class RedisUnavailableError extends ResqueError {
  override name = "RedisUnavailableError";
}

/** Thrown when an interrupted job's worker shut down before the job finished. */
export class ShutdownError extends ResqueError {
  override name = "ShutdownError";
}

/** A job ran past its timeout (static timeout, or the worker's --timeout). Retryable. */
export class JobTimeout extends ResqueError {
  override name = "JobTimeout";
}

/** A running job was killed on request (USR1, or remote control). */
export class JobKilled extends ResqueError {
  override name = "JobKilled";
}

/**
 * A job's worker died while running it (Resque::DirtyExit): recorded when a job has been
 * interrupted by dead workers too many times to requeue it again.
 */
export class DirtyExit extends ResqueError {
  override name = "DirtyExit";
}

// ── Delayed jobs and schedules ────────────────────────────────────────────────────────────────

/** A time given to enqueueAt, enqueueIn, reschedule or a peek is not a usable time. */
export class InvalidTimeError extends ResqueError {
  override name = "InvalidTimeError";
}

/**
 * A schedule entry is invalid. `entry` names the schedule and `field` the setting at fault, so
 * a file with many entries points straight at the line to fix.
 */
export class ScheduleConfigError extends ResqueError {
  override name = "ScheduleConfigError";

  constructor(
    readonly entry: string,
    readonly field: string | undefined,
    problem: string,
  ) {
    super(field ? `schedule "${entry}": field "${field}": ${problem}` : `schedule "${entry}": ${problem}`);
  }
}

/** A schedule file cannot be used: unreadable, not YAML/JSON, or with invalid entries (all listed). */
export class ScheduleFileError extends ResqueError {
  override name = "ScheduleFileError";

  constructor(
    readonly file: string,
    message: string,
    readonly problems: readonly ScheduleConfigError[] = [],
  ) {
    super(message);
  }
}

// ── Admin API ─────────────────────────────────────────────────────────────────────────────────

/**
 * A queued or delayed job changed between reading and acting: a worker took it, the scheduler
 * moved it, or another client removed or edited it. Nothing was changed; reload and try again.
 */
export class JobChangedError extends ResqueError {
  override name = "JobChangedError";
}

/** The failed entry at an index changed between reading and acting (another client edited the list). */
export class FailedEntryChangedError extends ResqueError {
  override name = "FailedEntryChangedError";
}

/**
 * A bulk change (remove, retry, move) was given a filter that selects nothing in particular.
 * Acting on everything takes the explicit call (`clear()`, `retryAll()`, ...).
 */
export class EmptyFilterError extends ResqueError {
  override name = "EmptyFilterError";
}

/** An admin call named something that does not exist (a schedule, a failed list, ...). */
export class NotFoundError extends ResqueError {
  override name = "NotFoundError";
}

/** An admin call did not get an answer from Redis in time (the combined overview's per-instance limit). */
export class AdminTimeoutError extends ResqueError {
  override name = "AdminTimeoutError";
}

// ── Plugins ─────────────────────────────────────────────────────────────────────────────────

/** Thrown by a beforePerform (or aroundPerform) hook to skip the job without failing it. */
export class DontPerform extends ResqueError {
  override name = "DontPerform";
  constructor(message = "Job skipped by a hook") {
    super(message);
  }
}

/**
 * Thrown by a beforePerform hook that has put the job somewhere else itself (the delayed
 * schedule, a waiting list): the worker releases the job without running it and counts it
 * neither as processed nor as failed. Only a before hook may throw it; from anywhere else it is an
 * ordinary error.
 */
export class JobDeferred extends ResqueError {
  override name = "JobDeferred";
  constructor(message = "Job put back by a hook") {
    super(message);
  }
}

/** The job was killed by id (`resque.statuses.kill(id)`); its run ends as "killed", not failed. */
export class StatusKilled extends ResqueError {
  override name = "StatusKilled";
}

/** `statusOf` was called outside a status job's run, or progress() got numbers it cannot show. */
export class StatusError extends ResqueError {
  override name = "StatusError";
}

// ── Monitoring ──────────────────────────────────────────────────────────────────────────────

/**
 * A monitor configuration (a YAML file or `new Monitor()` options) is invalid. `path` names the
 * setting at fault (`notify.webhooks[0].url`), `source` where it came from.
 */
export class MonitorConfigError extends ConfigurationError {
  override name = "MonitorConfigError";

  constructor(
    /** Where the configuration came from: a file's path, or "new Monitor()". */
    readonly source: string,
    /** The setting at fault, e.g. `notify.webhooks[0].url` ("" for the whole file). */
    readonly path: string,
    problem: string,
  ) {
    super(path === "" ? `${source}: ${problem}` : `${source}: ${path}: ${problem}`);
  }
}

/**
 * A notifier could not deliver an alert. `retryable` is false when sending it again cannot help
 * (a webhook answered 400 or 404: fix the URL or the receiver).
 */
export class NotificationError extends ResqueError {
  override name = "NotificationError";

  constructor(
    message: string,
    /** Whether sending again may help (false: it is not retried). */
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
