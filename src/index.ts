/** resque-ts public API. */
export { Resque, type ResqueOptions, type QueuedJob, type EnqueueResult } from "./resque.js";
export { Job, defineJob, type DefineJobOptions, type JobClass, type JobContext, type ArgsOf } from "./job/job.js";
export { Worker, type WorkerOptions, type WorkerEvents, type JobEvent, type RecordedOutcome, type StopOptions } from "./worker/worker.js";
export { DURATION_BUCKETS_SECONDS, type HistoryRetention } from "./redis/history-format.js";
export type { FailureBackend } from "./redis/stores/worker-store.js";
export { FailedJobs, FailedEntryChangedError } from "./failure/failed-jobs.js";
export type { WorkerInfo } from "./admin/workers.js";
export { WorkerControl } from "./admin/worker-control.js";
export type { ControlTarget, ControlCommand } from "./worker/control.js";
export { plugin } from "./plugins/decorator.js";
export {
  DontPerform,
  JobDeferred,
  type DirtyExitContext,
  type Plugin,
  type PluginLike,
  type JobPlugin,
  type WorkerPlugin,
  type EnqueueContext,
  type PerformContext,
  type WorkerHookContext,
  type ForkContext,
} from "./plugins/plugin.js";
export type { FailedJob } from "./failure/failure-entry.js";
export type { RedisConnectionOption, ClusterConnection } from "./redis/connection.js";
export type { Logger } from "./logger.js";
export {
  ResqueError,
  NoQueueError,
  UnknownJobError,
  InvalidArgumentsError,
  PayloadDecodeError,
  InvalidPayloadError,
  ConfigurationError,
  ShutdownError,
  JobTimeout,
  JobKilled,
  DirtyExit,
  RedisUnavailableError,
} from "./errors.js";
export { VERSION } from "./version.js";
export { Scheduler, type SchedulerOptions, type SchedulerEvents } from "./scheduler/scheduler.js";
export { DelayedJobs, type DelayedJob, type DelayedPredicate } from "./scheduler/delayed-jobs.js";
export type { DelayedTime } from "./scheduler/delayed-time.js";
export { delayedItemFromPayload } from "./scheduler/delayed-item.js";
export type { ScheduleConfig, IntervalOptions, Schedule } from "./scheduler/schedule.js";
export type { MissedPolicy } from "./scheduler/missed-runs.js";
export type { ScheduleRuns } from "./scheduler/dynamic-schedules.js";
export type { Clock } from "./scheduler/clock.js";
export { loadScheduleFile } from "./scheduler/schedule-file.js";
export { scheduleContext, type ScheduleContext } from "./scheduler/schedule-config.js";
export { ScheduleConfigError, ScheduleFileError, InvalidTimeError } from "./scheduler/errors.js";
export {
  retry,
  RetryPlugin,
  defaultRetryIdentifier,
  type RetryDecorator,
  type TypedRetryOptions,
  type RetryOptions,
  type ExponentialBackoff,
  type RetryDelays,
  type RetryAttemptInfo,
  type RetryScheduledInfo,
  type GiveUpInfo,
  type ErrorClass,
  type ErrorMatcher,
  type RetryIdentifierFunction,
} from "./plugins/retry/index.js";
export { RetryAdmin, type ScheduledRetry } from "./admin/retries.js";
export {
  trackStatus,
  statusOf,
  StatusPlugin,
  StatusTracker,
  StatusKilled,
  StatusError,
  type StatusDecorator,
  type StatusOptions,
  type JobStatus,
  type StatusState,
} from "./plugins/status/index.js";
export { StatusAdmin, getStatus, listStatuses, statusKillList, type StatusPage, type KillResult, type StatusArgs } from "./admin/statuses.js";
export type { ReadSource } from "./admin/read-source.js";
export { unique, UniquePlugin, type UniqueDecorator, type UniqueOptions, type UniqueScope } from "./plugins/unique/index.js";
export { listLocks, type HeldLock } from "./admin/locks.js";
export { limit, LimitPlugin, type LimitDecorator, type LimitOptions } from "./plugins/limit/index.js";
export { listLimits, type LimitInfo } from "./admin/limits.js";
