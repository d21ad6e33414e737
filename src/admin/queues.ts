/**
 * Queues for operators: names and sizes, paging through jobs, finding them, and changing them one
 * at a time (edit, remove, move) or in bulk by filter. A job is named by its queue, its position
 * and its exact bytes, so a change never lands on another job when the queue moved meanwhile.
 */
import { ConfigurationError, JobChangedError } from "../errors.js";
import { decodePayload, encodePayload } from "../job/payload.js";
import type { ListRef } from "../redis/stores/list-refs.js";
import { walkList, type BulkOptions, type BulkResult, type Selection } from "./bulk.js";
import { checkIndex, checkName, checkPage, checkRaw, type AdminContext } from "./context.js";
import { checkFilter, JOB_FILTER_FIELDS, matchesJob, type JobFilter } from "./filters.js";

/** A queue and the number of jobs waiting on it. */
export interface QueueInfo {
  name: string;
  size: number;
}

/** A job waiting on a queue. */
export interface QueuedJob {
  queue: string;
  /** Position in the queue when read: 0 = next to run. */
  index: number;
  class: string;
  args: unknown[];
  /** The payload exactly as stored. Pass it back (with `queue` and `index`) to change this job. */
  raw: string;
  /** Why the payload cannot be run, when it cannot (it fails as soon as a worker takes it). */
  error?: string;
}

/** What names one queued job for a change: a QueuedJob as read, or these three members of it. */
export type QueuedJobRef = Pick<QueuedJob, "queue" | "index" | "raw">;

/** A new class and/or new arguments for a queued job. */
export interface JobEdit {
  class?: string;
  args?: readonly unknown[];
}

let create: (context: AdminContext) => AdminQueues;

/** `admin.queues`: see docs/admin.md#queues. */
export class AdminQueues {
  readonly #context: AdminContext;

  static {
    create = (context) => new AdminQueues(context);
  }

  private constructor(context: AdminContext) {
    this.#context = context;
  }

  /** Every queue in the `queues` set with its size, sorted by name. */
  async list(): Promise<QueueInfo[]> {
    await this.#context.store.ready();
    const names = await this.#store.names();
    const sizes = await this.#store.sizes(names);
    return names.map((name, i) => ({ name, size: sizes[i]! }));
  }

  /** Names of every known queue, sorted. */
  async names(): Promise<string[]> {
    await this.#context.store.ready();
    return this.#store.names();
  }

  /** Number of jobs waiting on a queue. */
  async size(queue: string): Promise<number> {
    await this.#context.store.ready();
    return this.#store.size(checkName(queue, "The queue name"));
  }

  /** Jobs from position `start` (0 = next to run), at most `count` (default 20), without taking them. */
  async peek(queue: string, options?: { start?: number; count?: number }): Promise<QueuedJob[]> {
    await this.#context.store.ready();
    checkName(queue, "The queue name");
    const { start, count } = checkPage(options, 20);
    const raws = await this.#store.peek(queue, start, count);
    return raws.map((raw, i) => toQueuedJob(queue, start + i, raw));
  }

  /** The job at a position, or undefined when the queue is shorter. */
  async get(queue: string, index: number): Promise<QueuedJob | undefined> {
    await this.#context.store.ready();
    checkName(queue, "The queue name");
    checkIndex(index, "The index");
    const [raw] = await this.#store.peek(queue, index, 1);
    return raw === undefined ? undefined : toQueuedJob(queue, index, raw);
  }

  /**
   * Jobs the filter selects, next to run first: at most `limit` (default 100), read a chunk per
   * call. Positions are as read; the queue keeps moving while workers run.
   */
  async find(queue: string, filter: JobFilter, options: { limit?: number; signal?: AbortSignal } = {}): Promise<QueuedJob[]> {
    await this.#context.store.ready();
    checkName(queue, "The queue name");
    const checked = checkFilter(filter, JOB_FILTER_FIELDS, "queued job", false);
    const limit = options.limit ?? 100;
    checkIndex(limit, "limit");
    const found: QueuedJob[] = [];
    for (let start = 0; found.length < limit && !options.signal?.aborted; start += READ_CHUNK) {
      const raws = await this.#store.peek(queue, start, READ_CHUNK);
      raws.forEach((raw, i) => {
        if (found.length >= limit) return;
        const job = toQueuedJob(queue, start + i, raw);
        if (matchesJob(checked, { class: job.class, args: job.args, payloadRaw: raw })) found.push(job);
      });
      if (raws.length < READ_CHUNK) break;
    }
    return found;
  }

  /** Number of jobs on a queue the filter selects (every job read, a chunk per call). */
  async count(queue: string, filter: JobFilter, options: BulkOptions = {}): Promise<number> {
    await this.#context.store.ready();
    checkName(queue, "The queue name");
    const checked = checkFilter(filter, JOB_FILTER_FIELDS, "queued job", false);
    const result = await walkList(walkedQueue(this.#context, queue), { select: (raw) => selectBy(checked, raw), act: countOnly, current: (ref) => ref.raw }, options);
    return result.matched;
  }

  /**
   * Replaces a job's class and/or arguments where it stands. Throws JobChangedError, changing
   * nothing, when the job is no longer there (a worker took it, or another client changed it).
   * Returns the job as it is now.
   */
  async editJob(ref: QueuedJobRef, edit: JobEdit): Promise<QueuedJob> {
    await this.#context.store.ready();
    const { queue, index, raw } = checkRef(ref);
    if (typeof edit !== "object" || edit === null || (edit.class === undefined && edit.args === undefined)) {
      throw new ConfigurationError("An edit changes the job's class, its args, or both: { class?: string, args?: unknown[] }.");
    }
    const current = toQueuedJob(queue, index, raw);
    const className = edit.class === undefined ? current.class : checkName(edit.class, "The new class name");
    if (className === "") throw new ConfigurationError("This job's payload has no class; give one in the edit: { class: \"Name\" }.");
    if (edit.args !== undefined && !Array.isArray(edit.args)) throw new ConfigurationError(`The new args must be an array, got ${JSON.stringify(edit.args)}.`);
    const payload = encodePayload(className, edit.args ?? current.args);
    const at = await this.#store.replaceItem(queue, { index, raw }, payload);
    if (at === undefined) throw changed(queue, index, "edited");
    return toQueuedJob(queue, at, payload);
  }

  /** Removes one job. Throws JobChangedError, changing nothing, when it is no longer there. */
  async removeJob(ref: QueuedJobRef): Promise<void> {
    await this.#context.store.ready();
    const { queue, index, raw } = checkRef(ref);
    if ((await this.#store.removeItems(queue, [{ index, raw }])) === 0) throw changed(queue, index, "removed");
  }

  /** Moves one job to the back of another queue, bytes unchanged. Throws JobChangedError when it is no longer there. */
  async moveJob(ref: QueuedJobRef, to: string): Promise<void> {
    await this.#context.store.ready();
    const { queue, index, raw } = checkRef(ref);
    checkTarget(queue, to);
    if ((await this.#store.moveItems(queue, to, [{ index, raw }])) === 0) throw changed(queue, index, "moved");
  }

  /** Removes every job the filter selects (an empty filter is refused: use clear()). */
  async removeMatching(queue: string, filter: JobFilter, options: BulkOptions = {}): Promise<BulkResult> {
    await this.#context.store.ready();
    checkName(queue, "The queue name");
    const checked = checkFilter(filter, JOB_FILTER_FIELDS, "queued job", true);
    return removeQueuedWhere(this.#context, queue, (raw) => selectBy(checked, raw), options);
  }

  /** Moves every job the filter selects to the back of another queue, in order, bytes unchanged. */
  async moveMatching(queue: string, to: string, filter: JobFilter, options: BulkOptions = {}): Promise<BulkResult> {
    await this.#context.store.ready();
    checkName(queue, "The queue name");
    checkTarget(queue, to);
    const checked = checkFilter(filter, JOB_FILTER_FIELDS, "queued job", true);
    return walkList(
      walkedQueue(this.#context, queue),
      { select: (raw) => selectBy(checked, raw), act: async (refs) => actOn(refs, await this.#store.moveItems(queue, to, refs)) },
      options,
    );
  }

  /** Drops every job of a queue; the queue stays listed. Returns how many were dropped. */
  async clear(queue: string): Promise<number> {
    await this.#context.store.ready();
    return this.#store.clear(checkName(queue, "The queue name"));
  }

  /** Forgets a queue and drops its jobs (Resque.remove_queue). Returns how many were dropped. */
  async delete(queue: string): Promise<number> {
    await this.#context.store.ready();
    return this.#store.remove(checkName(queue, "The queue name"));
  }

  get #store() {
    return this.#context.store.queues;
  }
}

/** Removes every job of a queue that `select` picks by its bytes (the filters above, and Resque.dequeue). */
export function removeQueuedWhere(context: AdminContext, queue: string, select: (raw: string) => Selection, options: BulkOptions = {}): Promise<BulkResult> {
  const store = context.store.queues;
  return walkList(walkedQueue(context, queue), { select, act: async (refs) => actOn(refs, await store.removeItems(queue, refs)) }, options);
}

function walkedQueue(context: AdminContext, queue: string) {
  const store = context.store.queues;
  return { length: () => store.size(queue), after: (anchor: ListRef | undefined, count: number) => store.after(queue, anchor, count) };
}

/** Items read per call by find(). */
const READ_CHUNK = 1000;

export function createAdminQueues(context: AdminContext): AdminQueues {
  return create(context);
}

export function toQueuedJob(queue: string, index: number, raw: string): QueuedJob {
  const decoded = decodePayload(raw);
  if (decoded.ok) return { queue, index, class: decoded.className, args: decoded.args, raw };
  return { queue, index, class: decoded.className ?? "", args: Array.isArray(decoded.args) ? decoded.args : [], raw, error: decoded.error.message };
}

function selectBy(filter: JobFilter, raw: string): Selection {
  const decoded = decodePayload(raw);
  const className = decoded.ok ? decoded.className : (decoded.className ?? "");
  const args = decoded.ok ? decoded.args : Array.isArray(decoded.args) ? decoded.args : [];
  return matchesJob(filter, { class: className, args, payloadRaw: raw }) ? "act" : "leave";
}

/** Counting acts on nothing: every selected job counts as matched and stays. */
async function countOnly(refs: ListRef[]): Promise<{ affected: number; missing: number }> {
  return { affected: refs.length, missing: 0 };
}

function actOn(refs: readonly ListRef[], done: number): { affected: number; missing: number } {
  return { affected: done, missing: refs.length - done };
}

function checkRef(ref: QueuedJobRef): { queue: string; index: number; raw: string } {
  if (typeof ref !== "object" || ref === null) throw new ConfigurationError("A queued job is named by { queue, index, raw } as read from the admin API.");
  return { queue: checkName(ref.queue, "The job's queue"), index: checkIndex(ref.index, "The job's index"), raw: checkRaw(ref.raw, "The job's raw payload") };
}

function checkTarget(from: string, to: string): void {
  checkName(to, "The target queue name");
  if (to === from) throw new ConfigurationError(`A job cannot be moved to the queue it is on ("${to}").`);
}

function changed(queue: string, index: number, verb: string): JobChangedError {
  return new JobChangedError(
    `The job at index ${index} of queue "${queue}" was not ${verb}: it is no longer there as it was read (a worker took it, or another client removed or changed it). Reload the queue and try again.`,
  );
}
