/**
 * Delivery of notifications: each notifier has a queue of its own, worked in order (a chat sees
 * "firing" before "resolved"), with its retries and backoff. Notifiers never wait for each other:
 * a webhook that fails and is retried does not delay the email, and one that throws never stops
 * the others. Evaluations do not wait for delivery either.
 */
import { EventEmitter } from "node:events";
import type { Logger } from "../logger.js";
import type { AlertNotification } from "./alert.js";
import type { Notifier } from "./notifiers/notifier.js";

export interface DeliveryEvents {
  /** A notifier sent a notification. */
  notified: [{ notifier: string; notification: AlertNotification; attempt: number }];
  /** An attempt failed; `willRetry` says whether another follows. */
  "delivery-failed": [{ notifier: string; notification: AlertNotification; error: Error; attempt: number; willRetry: boolean }];
}

interface Lane {
  notifier: Notifier;
  tail: Promise<void>;
}

export class Delivery extends EventEmitter<DeliveryEvents> {
  readonly #lanes: Lane[];
  readonly #logger: Logger;
  readonly #abort = new AbortController();
  readonly #pending = new Set<Promise<void>>();

  constructor(notifiers: readonly Notifier[], logger: Logger) {
    super();
    this.#lanes = notifiers.map((notifier) => ({ notifier, tail: Promise.resolve() }));
    this.#logger = logger;
  }

  get notifiers(): readonly Notifier[] {
    return this.#lanes.map((lane) => lane.notifier);
  }

  /** Queues the notifications on every notifier that takes their severity; returns at once. */
  enqueue(notifications: readonly AlertNotification[]): void {
    if (this.#abort.signal.aborted) return;
    for (const lane of this.#lanes) {
      for (const notification of notifications) {
        // A resolution goes to whoever heard the alert at its worst.
        const severity = notification.kind === "resolved" ? notification.alert.highestSeverity : notification.alert.severity;
        if (lane.notifier.minSeverity === "critical" && severity !== "critical") continue;
        const run = lane.tail
          .then(() => this.#deliver(lane.notifier, notification))
          .catch((error: unknown) => this.#logger.error({ err: error, notifier: lane.notifier.name }, "a notification listener threw"));
        lane.tail = run;
        this.#pending.add(run);
        void run.finally(() => this.#pending.delete(run));
      }
    }
  }

  /** Resolves when every queued notification was sent or given up. */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  /** Waits up to `timeoutMs` for queued notifications, then abandons the rest and closes the notifiers. */
  async close(timeoutMs: number): Promise<void> {
    await idleWithin(this.idle(), timeoutMs);
    if (this.#pending.size > 0) this.#logger.warn({ pending: this.#pending.size }, "monitor stopping: abandoning notifications not yet delivered");
    this.#abort.abort();
    // A send that ignores the abort signal is not waited for long.
    await idleWithin(this.idle(), ABANDON_MS);
    await Promise.all(this.#lanes.map((lane) => lane.notifier.close?.().catch((error: unknown) => this.#logger.warn({ err: error, notifier: lane.notifier.name }, "closing a notifier failed"))));
  }

  async #deliver(notifier: Notifier, notification: AlertNotification): Promise<void> {
    const delays = notifier.retryDelaysMs ?? [];
    const signal = this.#abort.signal;
    for (let attempt = 1; ; attempt++) {
      if (signal.aborted) return;
      try {
        await notifier.send(notification, signal);
        this.emit("notified", { notifier: notifier.name, notification, attempt });
        return;
      } catch (thrown) {
        const error = thrown instanceof Error ? thrown : new Error(String(thrown));
        const retryable = (error as { retryable?: unknown }).retryable !== false;
        const willRetry = retryable && attempt <= delays.length && !signal.aborted;
        const fields = { err: error, notifier: notifier.name, alert: notification.alert.id, kind: notification.kind, attempt };
        if (willRetry) this.#logger.warn(fields, "notification failed; retrying");
        else this.#logger.error(fields, "notification failed; giving up");
        this.emit("delivery-failed", { notifier: notifier.name, notification, error, attempt, willRetry });
        if (!willRetry) return;
        await wait(delays[attempt - 1]!, signal);
      }
    }
  }
}

/** How long stopping waits for sends still running after their signal fired. */
const ABANDON_MS = 1000;

async function idleWithin(idle: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([idle, timedOut]);
  clearTimeout(timer);
}

function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
