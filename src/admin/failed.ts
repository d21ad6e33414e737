/**
 * Failed jobs for operators (Resque::Failure): count, page, group, retry, retry-and-remove, remove
 * and clear, one entry at a time or by filter. Both of Ruby's Redis failure backends are read at
 * once, with no setting: the `failed` list and RedisMultiQueue's `<queue>_failed` lists named in
 * `failed_queues`. An entry is named by its list, its position and its exact bytes, so a change
 * never lands on another entry when the list moved meanwhile.
 */
import { ConfigurationError, FailedEntryChangedError, NotFoundError } from "../errors.js";
import { parseFailureEntry, payloadToRequeue, type FailedJob } from "../failure/failure-entry.js";
import { rawMember, withMember } from "../job/json-span.js";
import { DEFAULT_FAILED_LIST, type FailedRequeue } from "../redis/stores/failure-store.js";
import type { ListRef } from "../redis/stores/list-refs.js";
import { failureTimeWithoutZone } from "../redis/time-formats.js";
import { CHUNK, emptyResult, walkList, type BulkOptions, type BulkResult, type Selection } from "./bulk.js";
import { checkIndex, checkName, checkPage, checkRaw, type AdminContext } from "./context.js";
import { checkFilter, FAILED_FILTER_FIELDS, matchesJob, type FailedFilter } from "./filters.js";

/** What names one failed entry for a change: a FailedJob as read, or these three members of it. */
export type FailedJobRef = Pick<FailedJob, "list" | "index" | "raw">;

/** A failed list and its length. */
export interface FailedList {
  /** "failed" (the default backend), or "<queue>_failed" (RedisMultiQueue). */
  name: string;
  /** The job queue a RedisMultiQueue list belongs to; undefined for "failed". */
  queue: string | undefined;
  size: number;
}

/** Entries with one value of the grouped field, e.g. `{ key: "TimeoutError", count: 12 }`. */
export interface FailedGroup {
  key: string;
  count: number;
}

/** Which entries to page through, and in what order. */
export interface FailedPageOptions {
  start?: number;
  /** Default 20. */
  count?: number;
  /** Only this list ("failed" or "<queue>_failed"); default every list, `failed` first. */
  list?: string;
  /** Newest first, as resque-web shows them (default oldest first, Resque's index order). */
  newestFirst?: boolean;
  /** Only the entries this selects (every entry is then read, a chunk per call). */
  filter?: FailedFilter;
}

/** Options of retrying one entry. */
export interface FailedRetryOptions {
  /** Put the job on this queue instead of the one it failed on (Resque's requeue_to). */
  queue?: string;
}

let create: (context: AdminContext) => AdminFailed;

/** `admin.failed`: see docs/admin.md#failed-jobs. */
export class AdminFailed {
  readonly #context: AdminContext;

  static {
    create = (context) => new AdminFailed(context);
  }

  private constructor(context: AdminContext) {
    this.#context = context;
  }

  /** Every failed list with its length: `failed` first, then RedisMultiQueue's lists by name. */
  async lists(): Promise<FailedList[]> {
    await this.#context.store.ready();
    return (await this.#store.lists()).map(({ name, size }) => ({ name, queue: queueOfList(name), size }));
  }

  /** Number of failed entries in every list, or of those the filter selects (read a chunk per call). */
  async count(filter?: FailedFilter, options: Pick<BulkOptions, "signal"> = {}): Promise<number> {
    await this.#context.store.ready();
    if (filter === undefined) return (await this.#store.lists()).reduce((sum, list) => sum + list.size, 0);
    const checked = checkFilter(filter, FAILED_FILTER_FIELDS, "failed job", false);
    let count = 0;
    for await (const job of this.#entries({ ...options, filter: checked })) if (job) count++;
    return count;
  }

  /** A page of failed entries (see FailedPageOptions), each with its list and index for later changes. */
  async page(options: FailedPageOptions = {}): Promise<FailedJob[]> {
    await this.#context.store.ready();
    const { start, count } = checkPage(options, 20);
    if (count === 0) return [];
    if (options.filter !== undefined) {
      const filter = checkFilter(options.filter, FAILED_FILTER_FIELDS, "failed job", false);
      const found: FailedJob[] = [];
      let seen = 0;
      for await (const job of this.#entries({ filter, newestFirst: options.newestFirst, list: options.list })) {
        if (seen++ >= start) found.push(job);
        if (found.length === count) break;
      }
      return found;
    }
    const lists = await this.#listsToRead(options.list);
    const total = lists.reduce((sum, list) => sum + list.size, 0);
    // Positions in the concatenation of the lists (oldest first), mapped to ranges in each list.
    const from = options.newestFirst ? Math.max(0, total - start - count) : start;
    const to = options.newestFirst ? total - start : Math.min(total, start + count);
    const reads: Promise<FailedJob[]>[] = [];
    let offset = 0;
    for (const list of lists) {
      const first = Math.max(from, offset);
      const last = Math.min(to, offset + list.size);
      if (first < last) {
        const startInList = first - offset;
        reads.push(this.#store.range(list.name, startInList, last - first).then((raws) => raws.map((raw, i) => parseFailureEntry(raw, list.name, startInList + i))));
      }
      offset += list.size;
    }
    const jobs = (await Promise.all(reads)).flat();
    return options.newestFirst ? jobs.reverse() : jobs;
  }

  /** Every entry (of one list, or selected by a filter), oldest first unless `newestFirst`, read a chunk per call. */
  entries(options: { list?: string; filter?: FailedFilter; newestFirst?: boolean; signal?: AbortSignal } = {}): AsyncIterable<FailedJob> {
    const filter = options.filter === undefined ? undefined : checkFilter(options.filter, FAILED_FILTER_FIELDS, "failed job", false);
    return this.#entries({ ...options, filter });
  }

  /** One entry by position, or undefined when the list is shorter. */
  async get(index: number, list: string = DEFAULT_FAILED_LIST): Promise<FailedJob | undefined> {
    await this.#context.store.ready();
    checkIndex(index, "The index");
    checkName(list, "The failed list");
    const raw = await this.#store.get(list, index);
    return raw === null ? undefined : parseFailureEntry(raw, list, index);
  }

  /** Entries counted by class, queue or exception, largest group first (every entry read, a chunk per call). */
  async groups(by: "class" | "queue" | "exception", options: { filter?: FailedFilter; signal?: AbortSignal } = {}): Promise<FailedGroup[]> {
    await this.#context.store.ready();
    if (by !== "class" && by !== "queue" && by !== "exception") throw new ConfigurationError(`Failed jobs group by "class", "queue" or "exception", got ${JSON.stringify(by)}.`);
    const counts = new Map<string, number>();
    for await (const job of this.entries(options)) {
      const key = by === "class" ? job.payload.class : by === "queue" ? job.queue : job.exception;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return [...counts].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /**
   * Puts the job back on its queue (or `options.queue`) and stamps the entry with retried_at, as
   * Resque::Failure.requeue does. Throws FailedEntryChangedError, changing nothing, when the entry
   * is no longer there as read.
   */
  async retry(ref: FailedJobRef, options: FailedRetryOptions = {}): Promise<void> {
    await this.#context.store.ready();
    await this.#retryOne(ref, options, true);
  }

  /** Puts the job back on its queue and removes the entry, in one step (resque-brain's "safe retry"). */
  async retryAndRemove(ref: FailedJobRef, options: FailedRetryOptions = {}): Promise<void> {
    await this.#context.store.ready();
    await this.#retryOne(ref, options, false);
  }

  /** Removes the entry. Throws FailedEntryChangedError, changing nothing, when it is no longer there as read. */
  async remove(ref: FailedJobRef): Promise<void> {
    await this.#context.store.ready();
    const { list, index, raw } = checkRef(ref);
    if ((await this.#store.remove(list, [{ index, raw }])) === 0) throw changed(list, index);
  }

  /** Retries every entry the filter selects, keeping them (with retried_at). Entries with no queue are skipped. */
  async retryMatching(filter: FailedFilter, options: BulkOptions = {}): Promise<BulkResult> {
    await this.#context.store.ready();
    return this.#retryBulk(checkFilter(filter, FAILED_FILTER_FIELDS, "failed job", true), true, options);
  }

  /** Retries and removes every entry the filter selects. Entries with no queue are skipped and stay. */
  async retryAndRemoveMatching(filter: FailedFilter, options: BulkOptions = {}): Promise<BulkResult> {
    await this.#context.store.ready();
    return this.#retryBulk(checkFilter(filter, FAILED_FILTER_FIELDS, "failed job", true), false, options);
  }

  /** Removes every entry the filter selects. */
  async removeMatching(filter: FailedFilter, options: BulkOptions = {}): Promise<BulkResult> {
    await this.#context.store.ready();
    const checked = checkFilter(filter, FAILED_FILTER_FIELDS, "failed job", true);
    return this.#walkAll(checked.list, options, (list) => ({
      select: (raw) => (selects(checked, list, raw) ? "act" : "leave"),
      act: async (refs) => {
        const removed = await this.#store.remove(list, refs);
        return { affected: removed, missing: refs.length - removed };
      },
    }));
  }

  /** Retries every entry, keeping them (Resque::Failure.requeue_all). Entries with no queue are skipped. */
  async retryAll(options: BulkOptions & { list?: string } = {}): Promise<BulkResult> {
    await this.#context.store.ready();
    return this.#retryBulk(options.list === undefined ? {} : { list: options.list }, true, options);
  }

  /** Retries and removes every entry. Entries with no queue are skipped and stay. */
  async retryAndRemoveAll(options: BulkOptions & { list?: string } = {}): Promise<BulkResult> {
    await this.#context.store.ready();
    return this.#retryBulk(options.list === undefined ? {} : { list: options.list }, false, options);
  }

  /** Empties one failed list, or every list (Resque::Failure.clear). Returns how many entries were dropped. */
  async clear(options: { list?: string } = {}): Promise<number> {
    await this.#context.store.ready();
    const lists = await this.#listsToRead(options.list);
    const dropped = await Promise.all(lists.map((list) => this.#store.clear(list.name)));
    return dropped.reduce((sum, n) => sum + n, 0);
  }

  get #store() {
    return this.#context.store.failures;
  }

  async #listsToRead(list: string | undefined): Promise<{ name: string; size: number }[]> {
    const lists = await this.#store.lists();
    if (list === undefined) return lists;
    checkName(list, "The failed list");
    const found = lists.find((l) => l.name === list);
    if (!found) throw new NotFoundError(`There is no failed list "${list}"; the lists are ${lists.map((l) => `"${l.name}"`).join(", ")}.`);
    return [found];
  }

  async *#entries(options: { list?: string | undefined; filter?: FailedFilter | undefined; newestFirst?: boolean | undefined; signal?: AbortSignal | undefined }): AsyncGenerator<FailedJob> {
    await this.#context.store.ready();
    const lists = await this.#listsToRead(options.filter?.list ?? options.list);
    if (options.newestFirst) lists.reverse();
    for (const list of lists) {
      // Newest first reads backwards from the end as it was when the walk began.
      for (let read = 0; read < list.size || !options.newestFirst; read += CHUNK) {
        if (options.signal?.aborted) return;
        const start = options.newestFirst ? Math.max(0, list.size - read - CHUNK) : read;
        const count = options.newestFirst ? list.size - read - start : CHUNK;
        const raws = await this.#store.range(list.name, start, count);
        const jobs = raws.map((raw, i) => parseFailureEntry(raw, list.name, start + i));
        if (options.newestFirst) jobs.reverse();
        for (const job of jobs) if (options.filter === undefined || selectsJob(options.filter, job)) yield job;
        if (!options.newestFirst && raws.length < CHUNK) break;
      }
    }
  }

  async #retryOne(ref: FailedJobRef, options: FailedRetryOptions, keep: boolean): Promise<void> {
    const { list, index, raw } = checkRef(ref);
    const job = parseFailureEntry(raw, list, index);
    const queue = options.queue === undefined ? job.queue : checkName(options.queue, "The queue to retry on");
    if (queue === "") {
      throw new ConfigurationError(`The failed job at index ${index} of "${list}" has no queue to retry on; pass { queue } to choose one, or remove it.`);
    }
    const result = await this.#store.requeue(list, [requeueOf(job, queue)], keep);
    if (result.requeued === 0) throw changed(list, index);
  }

  #retryBulk(filter: FailedFilter, keep: boolean, options: BulkOptions): Promise<BulkResult> {
    // One stamp for the whole operation: an entry that already carries it was retried by this
    // operation and is not retried again if the walk reads it a second time.
    const stamp = JSON.stringify(failureTimeWithoutZone(new Date()));
    const replacements = new Map<string, string>();
    return this.#walkAll(filter.list, options, (list) => ({
      select: (raw): Selection => {
        const job = parseFailureEntry(raw, list, 0);
        if (!selectsJob(filter, job)) return "leave";
        if (keep && rawMember(raw, "retried_at") === stamp) return "leave";
        return job.queue === "" ? "skip" : "act";
      },
      act: async (refs) => {
        replacements.clear();
        const items = refs.map((ref) => {
          const item = requeueOf(parseFailureEntry(ref.raw, list, ref.index), undefined, ref, stamp);
          replacements.set(ref.raw, item.replacement);
          return item;
        });
        const { requeued, missing } = await this.#store.requeue(list, items, keep);
        return { affected: requeued, missing };
      },
      ...(keep ? { current: (ref: ListRef) => replacements.get(ref.raw) ?? ref.raw } : {}),
    }));
  }

  /** Walks every list the filter allows, one after the other, adding up what was done. */
  async #walkAll(
    list: string | undefined,
    options: BulkOptions,
    plan: (list: string) => Parameters<typeof walkList>[1],
  ): Promise<BulkResult> {
    const lists = await this.#listsToRead(list);
    const total = lists.reduce((sum, l) => sum + l.size, 0);
    const result = emptyResult();
    let before = 0;
    for (const { name } of lists) {
      const part = await walkList(
        { length: () => this.#store.size(name), after: (anchor, count) => this.#store.after(name, anchor, count) },
        plan(name),
        { ...(options.signal ? { signal: options.signal } : {}), onProgress: (done) => options.onProgress?.(before + done, Math.max(total, before + done)) },
      );
      for (const key of ["examined", "matched", "affected", "changedMeanwhile", "skipped"] as const) result[key] += part[key];
      before += part.examined;
      if (part.aborted) {
        result.aborted = true;
        break;
      }
    }
    return result;
  }

}

export function createAdminFailed(context: AdminContext): AdminFailed {
  return create(context);
}

/** The job queue of a RedisMultiQueue list ("mail_failed" → "mail"). */
function queueOfList(list: string): string | undefined {
  return list !== DEFAULT_FAILED_LIST && list.endsWith("_failed") ? list.slice(0, -"_failed".length) : undefined;
}

function selects(filter: FailedFilter, list: string, raw: string): boolean {
  return selectsJob(filter, parseFailureEntry(raw, list, 0));
}

function selectsJob(filter: FailedFilter, job: FailedJob): boolean {
  if (filter.list !== undefined && job.list !== filter.list) return false;
  if (filter.queue !== undefined && job.queue !== filter.queue) return false;
  if (filter.exception !== undefined && job.exception !== filter.exception) return false;
  if (filter.since !== undefined && !(job.failedAt && job.failedAt >= filter.since)) return false;
  if (filter.until !== undefined && !(job.failedAt && job.failedAt < filter.until)) return false;
  return matchesJob(filter, {
    class: job.payload.class,
    args: job.payload.args,
    payloadRaw: rawMember(job.raw, "payload") ?? "",
    extraText: [job.exception, job.error],
  });
}

/** What the requeue script needs for one entry: where it goes, with which bytes, and its stamped version. */
function requeueOf(job: FailedJob, queue: string | undefined, ref: ListRef = job, stamp = JSON.stringify(failureTimeWithoutZone(new Date()))): FailedRequeue {
  return {
    index: ref.index,
    raw: ref.raw,
    queue: queue ?? job.queue,
    payload: payloadToRequeue(job),
    replacement: withMember(job.raw, "retried_at", stamp),
  };
}

function checkRef(ref: FailedJobRef): { list: string; index: number; raw: string } {
  if (typeof ref !== "object" || ref === null) throw new ConfigurationError("A failed job is named by { list, index, raw } as read from the admin API.");
  return {
    list: ref.list === undefined ? DEFAULT_FAILED_LIST : checkName(ref.list, "The failed job's list"),
    index: checkIndex(ref.index, "The failed job's index"),
    raw: checkRaw(ref.raw, "The failed job's raw entry"),
  };
}

function changed(list: string, index: number): FailedEntryChangedError {
  return new FailedEntryChangedError(
    `The failed job at index ${index} of "${list}" is no longer there as it was read (another client retried, removed or changed it); nothing was done. Reload and try again.`,
  );
}
