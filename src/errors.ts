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
