/**
 * Runs one reserved job: decode the payload, find its class, perform it, and describe the
 * outcome. Nothing here talks to Redis; the worker reports outcomes in its next work cycle.
 */
import { PERFORM_FRAME } from "../failure/backtrace.js";
import { buildFailureEntry } from "../failure/failure-entry.js";
import type { JobContext } from "../job/job.js";
import { decodePayload } from "../job/payload.js";
import type { JobRegistry } from "../job/registry.js";
import type { Logger } from "../logger.js";
import type { ReservedJob } from "../redis/stores/worker-store.js";

export type JobResult =
  | { kind: "done"; jobName: string; args: readonly unknown[] }
  | { kind: "failed"; jobName: string | undefined; args: readonly unknown[]; error: unknown; failureEntry: string };

export interface RunOptions {
  signal: AbortSignal;
  logger: Logger;
}

/** Every perform runs through this named function; backtraces are cut at its frame. */
const runners = {
  async [PERFORM_FRAME](job: { perform(...args: unknown[]): unknown }, args: readonly unknown[]): Promise<unknown> {
    return await job.perform(...args);
  },
};
const runJob = runners[PERFORM_FRAME];

export class Processor {
  constructor(private readonly registry: JobRegistry) {}

  async run(reserved: ReservedJob, options: RunOptions): Promise<JobResult> {
    const decoded = decodePayload(reserved.payload);
    if (!decoded.ok) return this.#failure(reserved, decoded.className, [], decoded.error);
    const { className, args } = decoded;
    try {
      const JobClass = this.registry.resolve(className, reserved.queue);
      const job = new JobClass();
      const context: JobContext = {
        jobName: className,
        queue: reserved.queue,
        args,
        workerId: reserved.workerId,
        signal: options.signal,
        logger: options.logger.child({ job: className, queue: reserved.queue }),
        attempt: 0,
        payload: reserved.payload,
      };
      job.context = context;
      await runJob(job as { perform(...args: unknown[]): unknown }, args);
      return { kind: "done", jobName: className, args };
    } catch (error) {
      return this.#failure(reserved, className, args, error);
    }
  }

  #failure(reserved: ReservedJob, jobName: string | undefined, args: readonly unknown[], error: unknown): JobResult {
    const failureEntry = buildFailureEntry({ error, payload: reserved.payload, queue: reserved.queue, workerId: reserved.workerId });
    return { kind: "failed", jobName, args, error, failureEntry };
  }
}
