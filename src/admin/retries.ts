/**
 * Retries for dashboards and the CLI (`admin.retries`): the delayed jobs that are retries,
 * with their attempt, limit and last failure, as resque-web's Retry tab shows them. A delayed job
 * is a retry when its identity has a resque-retry counter, which is how resque-web tells them
 * apart too, so retries scheduled by Ruby's resque-retry are listed as well.
 */
import { parseFailureRecord, type FailureRecord } from "../failure/failure-entry.js";
import { jobNameOf, type JobClass } from "../job/job.js";
import { jobPlugins } from "../plugins/decorator.js";
import { defaultRetryIdentifier, rawArgsOf } from "../plugins/retry/identifier.js";
import { jobRetryPlugin } from "../plugins/retry/job-retry.js";
import { RetryPlugin } from "../plugins/retry/plugin.js";
import type { StoredDelayedItem } from "../redis/stores/delayed-store.js";
import type { RetryIdentity } from "../redis/stores/retry-store.js";
import { decodeDelayedItem } from "../scheduler/delayed-item.js";
import { dateOfTimestamp } from "../scheduler/delayed-time.js";
import type { AdminContext } from "./context.js";

/** A retry waiting in the delayed schedule. */
export interface ScheduledRetry {
  class: string;
  args: unknown[];
  /** The queue it will go to (undefined: the class's queue). */
  queue: string | undefined;
  /** When it is due. */
  at: Date;
  /** The attempt it will run as: 1 for the first retry (the counter plus one). */
  attempt: number;
  /** Retries allowed, when known: from the job's retry plugin here, or recorded when the retry was scheduled. */
  limit: number | undefined;
  /** resque-retry's counter key, without the namespace (`resque-retry:<class>:<id>`). */
  retryKey: string;
  /** The failure that led to the retry, from the `failure-resque-retry:` copy (it lives twice the delay). */
  lastFailure: FailureRecord | undefined;
  /** The delayed item exactly as stored. */
  raw: string;
}


/** Delayed items looked at per pipeline of counter reads. */
const BATCH = 500;

let create: (context: AdminContext) => AdminRetries;

/** `admin.retries`: see docs/admin.md#retries. */
export class AdminRetries {
  readonly #plugins = new WeakMap<JobClass, RetryPlugin | undefined>();
  readonly #context: AdminContext;

  static {
    create = (context) => new AdminRetries(context);
  }

  private constructor(context: AdminContext) {
    this.#context = context;
  }

  get #store() {
    return this.#context.store;
  }

  /** Every retry in the delayed schedule, earliest first. */
  async scheduled(): Promise<ScheduledRetry[]> {
    await this.#context.store.ready();
    const found: ScheduledRetry[] = [];
    let batch: StoredDelayedItem[] = [];
    for await (const stored of this.#store.delayed.scan()) {
      batch.push(stored);
      if (batch.length === BATCH) {
        found.push(...(await this.#retriesAmong(batch)));
        batch = [];
      }
    }
    found.push(...(await this.#retriesAmong(batch)));
    return found;
  }

  /**
   * Cancels a retry as resque-web's Retry tab does: removes the delayed job (every copy of it) and
   * forgets its attempts and last failure. Returns how many delayed copies were removed.
   */
  async cancel(retry: Pick<ScheduledRetry, "class" | "args" | "raw">): Promise<number> {
    await this.#context.store.ready();
    return this.#store.retries.cancel(this.#identity(retry.class, retry.args, rawArgsOf(retry.raw)), retry.raw);
  }

  /** The resque-retry key (without the namespace) that counts the attempts of a job with these args. */
  key(job: JobClass | string, ...args: unknown[]): string {
    const identity = this.#identityOfRef(job, args);
    return this.#store.keys.retryName(identity.className, identity.identifier);
  }

  /** The last attempt begun for a job with these args (0 = the first run), undefined when none is counted. */
  async attempt(job: JobClass | string, ...args: unknown[]): Promise<number | undefined> {
    await this.#context.store.ready();
    return this.#store.retries.currentAttempt(this.#identityOfRef(job, args));
  }

  async #retriesAmong(items: readonly StoredDelayedItem[]): Promise<ScheduledRetry[]> {
    const candidates = items.map((item) => ({ item, decoded: decodeDelayedItem(item.raw) })).filter((c) => !c.decoded.error);
    const identities = candidates.map((c) => this.#identity(c.decoded.class, c.decoded.args, rawArgsOf(c.item.raw)));
    const states = await this.#store.retries.states(identities);
    const retries: ScheduledRetry[] = [];
    candidates.forEach(({ item, decoded }, i) => {
      const state = states[i]!;
      if (state.counter === undefined) return; // an ordinary delayed job
      retries.push({
        class: decoded.class,
        args: decoded.args,
        queue: decoded.queue,
        at: dateOfTimestamp(item.timestamp),
        attempt: state.counter + 1,
        limit: this.#limit(decoded.class) ?? recordedLimit(state.pending),
        retryKey: this.#store.keys.retryName(identities[i]!.className, identities[i]!.identifier),
        lastFailure: state.failureCopy === null ? undefined : parseFailureRecord(state.failureCopy),
        raw: item.raw,
      });
    });
    return retries;
  }

  /** The identity of a job: by its own retry plugin when this process has the class, else by resque-retry's default. */
  #identity(className: string, args: readonly unknown[], argsJson: string, job = this.#context.registry?.get(className)): RetryIdentity {
    const plugin = job && this.#plugin(job);
    if (plugin) return plugin.identity(className, args, argsJson);
    return { className, identifier: defaultRetryIdentifier(argsJson) };
  }

  #limit(className: string): number | undefined {
    const job = this.#context.registry?.get(className);
    return job && this.#plugin(job)?.options.limit;
  }

  #identityOfRef(job: JobClass | string, args: readonly unknown[]): RetryIdentity {
    if (typeof job === "string") return this.#identity(job, args, JSON.stringify(args));
    return this.#identity(jobNameOf(job), args, JSON.stringify(args), job);
  }

  /** The job's own retry plugin (classes and their plugins do not change, so it is looked up once). */
  #plugin(job: JobClass): RetryPlugin | undefined {
    if (this.#plugins.has(job)) return this.#plugins.get(job);
    let plugin: RetryPlugin | undefined;
    try {
      jobPlugins(job); // records the class's own retry plugin
      const found = jobRetryPlugin(job);
      plugin = found instanceof RetryPlugin ? found : undefined;
    } catch {
      plugin = undefined; // invalid plugins: the default identifier is the best guess
    }
    this.#plugins.set(job, plugin);
    return plugin;
  }
}

function recordedLimit(pending: string | null): number | undefined {
  if (pending === null) return undefined;
  try {
    const limit = (JSON.parse(pending) as { limit?: unknown }).limit;
    return typeof limit === "number" ? limit : undefined;
  } catch {
    return undefined;
  }
}

export function createAdminRetries(context: AdminContext): AdminRetries {
  return create(context);
}
