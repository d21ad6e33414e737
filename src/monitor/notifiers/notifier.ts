/** What the monitor needs of a notifier: a name, a send, and how to retry it. Write your own to reach anything else. */
import type { AlertNotification } from "../alert.js";
import type { Severity } from "../checks.js";

export interface Notifier {
  /** For logs and events. */
  readonly name: string;
  /** Alerts below this severity are not sent to it (nor their resolutions). Default: all. */
  readonly minSeverity?: Severity;
  /**
   * Milliseconds to wait before each retry of a failed send; its length is the number of retries.
   * A send that throws a `NotificationError` with `retryable: false` is not retried. Default: none.
   */
  readonly retryDelaysMs?: readonly number[];
  /** Sends one notification; rejects when it could not. `signal` fires when the monitor stops. */
  send(notification: AlertNotification, signal: AbortSignal): Promise<void>;
  /** Releases connections, when the monitor stops. */
  close?(): Promise<void>;
}
