/**
 * The JSON shapes the commands print with --json (documented in docs/cli.md). Every member is
 * always present (null when unknown), times are ISO 8601 strings, so scripts can rely on them.
 */
import type { BulkResult } from "../../admin/bulk.js";
import type { QueuedJob } from "../../admin/queues.js";
import type { WorkerInfo } from "../../admin/workers.js";
import type { FailedJob } from "../../failure/failure-entry.js";
import type { DelayedJob } from "../../scheduler/delayed-item.js";

const iso = (date: Date | undefined) => (date === undefined ? null : date.toISOString());

export function queuedJobJson(job: QueuedJob) {
  return { queue: job.queue, index: job.index, class: job.class, args: job.args, raw: job.raw, error: job.error ?? null };
}

export function failedJobJson(job: FailedJob) {
  return {
    list: job.list,
    index: job.index,
    failedAt: iso(job.failedAt),
    class: job.payload.class,
    args: job.payload.args,
    queue: job.queue,
    exception: job.exception,
    error: job.error,
    backtrace: job.backtrace,
    worker: job.worker,
    retriedAt: iso(job.retriedAt),
    attempts: job.attempts ?? null,
    rawPayload: job.rawPayload ?? null,
    raw: job.raw,
  };
}

export function delayedJobJson(job: DelayedJob) {
  return { at: job.at.toISOString(), class: job.class, args: job.args, queue: job.queue ?? null, raw: job.raw, error: job.error ?? null };
}

export function workerJson(worker: WorkerInfo) {
  return {
    id: worker.id,
    host: worker.host,
    pid: worker.pid,
    slot: worker.slot ?? null,
    queues: worker.queues,
    kind: worker.kind,
    state: worker.state,
    paused: worker.paused,
    job:
      worker.job === null
        ? null
        : { queue: worker.job.queue, class: worker.job.class, args: worker.job.args, runAt: iso(worker.job.runAt), runningForMs: worker.job.runningForMs ?? null },
    startedAt: iso(worker.startedAt),
    heartbeatAt: iso(worker.heartbeatAt),
    heartbeatAgeMs: worker.heartbeatAgeMs ?? null,
    processed: worker.processed,
    failed: worker.failed,
  };
}

/** What a change did: the same shape for one job by position, a filter, or --dry-run. */
export function changeJson(result: BulkResult, dryRun: boolean) {
  return {
    dryRun,
    examined: result.examined,
    matched: result.matched,
    affected: result.affected,
    changedMeanwhile: result.changedMeanwhile,
    skipped: result.skipped,
    aborted: result.aborted,
  };
}
