/** resque-ts public API. */
export { Resque, type ResqueOptions, type EnqueueResult, type AllowUndefined } from "./resque.js";
export { ShardedScheduler } from "./shards/sharded-scheduler.js";
export type { ShardsOptions } from "./shards/shard-options.js";
export { planShards, type PlanShardsOptions } from "./shards/plan-shards.js";
export { planShardTags, type PlannedShard } from "./shards/plan-tags.js";
export type { SlotRange } from "./redis/cluster-slots.js";
export { Job, defineJob, type DefineJobOptions, type JobClass, type JobContext, type ArgsOf, type PerformArgs } from "./job/job.js";
export type { WorkerOptions, WorkerEvents, JobEvent, RecordedOutcome, StopOptions } from "./worker/worker.js";
export type { Worker } from "./worker-interface.js";
export { DURATION_BUCKETS_SECONDS, type HistoryRetention } from "./redis/history-format.js";
export type { FailureBackend } from "./redis/stores/worker-store.js";
export type { ControlTarget, ControlCommand } from "./worker/control.js";
export { plugin } from "./plugins/decorator.js";
export { deferJob } from "./plugins/defer.js";
export {
  type DirtyExitContext,
  type Plugin,
  type PluginLike,
  type JobPlugin,
  type WorkerPlugin,
  type EnqueueContext,
  type PerformContext,
  type WorkerHookContext,
  type ForkContext,
  type Awaitable,
} from "./plugins/plugin.js";
export type { RedisConnectionOption, ClusterConnection, RedisClient } from "./redis/connection.js";
export type { DataStoreOptions as ConnectionOptions } from "./redis/store.js";
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
  InvalidTimeError,
  ScheduleConfigError,
  ScheduleFileError,
  JobChangedError,
  FailedEntryChangedError,
  EmptyFilterError,
  NotFoundError,
  AdminTimeoutError,
  RedisUnavailableError,
  DontPerform,
  JobDeferred,
  StatusKilled,
  StatusError,
  MonitorConfigError,
  NotificationError,
} from "./errors.js";
export { VERSION } from "./version.js";

// Delayed and recurring jobs
export { Scheduler, type SchedulerOptions, type SchedulerEvents } from "./scheduler/scheduler.js";
export type { DelayedTime, DelayPrecision } from "./scheduler/delayed-time.js";
export { delayedItemFromPayload, type DelayedJob } from "./scheduler/delayed-item.js";
export type { ScheduleConfig, IntervalOptions, Schedule } from "./scheduler/schedule.js";
export type { MissedPolicy } from "./scheduler/missed-runs.js";
export type { Clock } from "./scheduler/clock.js";
export { loadScheduleFile } from "./scheduler/schedule-file.js";
export type { ScheduleContext } from "./scheduler/schedule-config.js";
export type { Timing } from "./scheduler/timing.js";
export type { FiredSlot } from "./scheduler/recurring-jobs.js";

// Retries
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
export type { ResolvedRetryOptions, DelayRule, RetryOnRule } from "./plugins/retry/options.js";
export type { Matcher } from "./plugins/retry/error-match.js";
export type { ContextWithArgs, JobClassTaking } from "./plugins/retry/decorator.js";
export type { RetryIdentity } from "./redis/stores/retry-store.js";
export type { ResolvedStatusOptions } from "./plugins/status/options.js";
export type { ResolvedUniqueOptions } from "./plugins/unique/options.js";
export type { ResolvedLimitOptions } from "./plugins/limit/options.js";
export type { LockIdentity } from "./redis/stores/lock-store.js";

// The admin API (docs/admin.md)
export { Admin, type AdminOptions, type CombinedOverview, type InstanceOverview } from "./admin/index.js";
export type { Overview, QueueOverview, RunningJobOverview } from "./admin/overview.js";
export type { BulkOptions, BulkResult } from "./admin/bulk.js";
export type { JobFilter, FailedFilter, DelayedFilter } from "./admin/filters.js";
export type { AdminQueues, QueueInfo, QueuedJob, QueuedJobRef, JobEdit } from "./admin/queues.js";
export type { AdminFailed, FailedJobRef, FailedList, FailedGroup, FailedPageOptions, FailedRetryOptions } from "./admin/failed.js";
export type { FailedJob, FailureRecord } from "./failure/failure-entry.js";
export type { AdminWorkers, WorkerInfo, WorkerKind, RunningJob, ControlResult, PausedState, PrunedWorker } from "./admin/workers.js";
export type { AdminDelayed, DelayedJobRef, DelayedTimestamp } from "./admin/delayed.js";
export type { AdminSchedules, ScheduleInfo, SchedulerLeader } from "./admin/schedules.js";
export type { AdminRetries, ScheduledRetry } from "./admin/retries.js";
export type { AdminStats, Counts, History, HistoryOptions, HistoryPoint, JobDurations } from "./admin/stats.js";
export type { HistoryResolution } from "./redis/stores/stats-store.js";
export type { AdminRedis, RedisInfo, KeyCounts, KeyKind } from "./admin/redis-health.js";
export type { RedisMode } from "./redis/stores/server-store.js";
export {
  trackStatus,
  statusOf,
  StatusPlugin,
  StatusTracker,
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

// Monitoring and alerts (docs/monitoring.md)
export { Monitor, type MonitorOptions, type MonitorEvents, type MonitorEvaluation, type AlertsSnapshot, type AlertEvent } from "./monitor/monitor.js";
export {
  evaluateChecks,
  CHECK_NAMES,
  CHECK_DEFAULTS,
  type CheckName,
  type Severity,
  type Finding,
  type FindingLink,
  type ChecksConfig,
  type QueueChecks,
  type ClassChecks,
  type CheckFacts,
  type QueueGrowth,
} from "./monitor/checks.js";
export type { InstanceEvaluation } from "./monitor/instance-check.js";
export type { Alert, AlertKind, AlertNotification } from "./monitor/alert.js";
export {
  loadMonitorConfig,
  parseMonitorConfig,
  type MonitorConfig,
  type MonitorInstance,
  type NotifierSettings,
  type NotifySettings,
  type WebhookSettings,
  type EmailSettings,
  type SmtpSettings,
  type StatusPageSettings,
  type HttpSettings,
  type MinSeverity,
} from "./monitor/config.js";
export type { Notifier } from "./monitor/notifiers/notifier.js";
export { webhookNotifier, webhookSignature } from "./monitor/notifiers/webhook.js";
export { emailNotifier } from "./monitor/notifiers/email.js";
export { toNodeListener, type ServedHandlers } from "./monitor/http.js";
export type { FetchHandler } from "./monitor/status-page.js";
export type { DeliveryEvents } from "./monitor/delivery.js";
