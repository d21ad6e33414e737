/**
 * The webhook notifier: a JSON POST per alert transition, with a timeout per attempt, retries
 * with backoff on network errors, timeouts, 408, 429 and 5xx, and an optional HMAC signature.
 */
import { createHmac } from "node:crypto";
import { NotificationError } from "../../errors.js";
import { VERSION } from "../../version.js";
import type { AlertNotification } from "../alert.js";
import { MONITOR_DEFAULTS, type WebhookSettings } from "../config.js";
import type { Notifier } from "./notifier.js";
import { jsonBody, slackBody } from "./webhook-body.js";

/** Request headers of a signed webhook. */
export const SIGNATURE_HEADER = "x-resque-signature";
export const TIMESTAMP_HEADER = "x-resque-timestamp";

/** `sha256=<hex>`: HMAC-SHA256 with the secret over `<timestamp>.<body>`, as a receiver recomputes it. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/** A notifier that POSTs to `settings.url` (see WebhookSettings). */
export function webhookNotifier(settings: WebhookSettings): Notifier {
  const url = new URL(settings.url);
  // The path of a chat webhook URL is its secret: logs and events name the host only.
  const name = settings.name ?? `webhook ${url.host}`;
  const timeoutMs = (settings.timeoutSeconds ?? MONITOR_DEFAULTS.timeoutSeconds) * 1000;
  return {
    name,
    ...(settings.minSeverity === undefined ? {} : { minSeverity: settings.minSeverity }),
    retryDelaysMs: (settings.retryDelaysSeconds ?? MONITOR_DEFAULTS.retryDelaysSeconds).map((s) => s * 1000),
    async send(notification: AlertNotification, signal: AbortSignal): Promise<void> {
      const body = JSON.stringify(settings.format === "slack" ? slackBody(notification) : jsonBody(notification));
      const headers: Record<string, string> = { "content-type": "application/json", "user-agent": `resque-ts/${VERSION}`, ...settings.headers };
      if (settings.secret !== undefined) {
        const timestamp = String(Math.floor(Date.now() / 1000));
        headers[TIMESTAMP_HEADER] = timestamp;
        headers[SIGNATURE_HEADER] = webhookSignature(settings.secret, timestamp, body);
      }
      const timeout = AbortSignal.timeout(timeoutMs);
      let response: Response;
      try {
        response = await fetch(url, { method: "POST", headers, body, redirect: "manual", signal: AbortSignal.any([signal, timeout]) });
      } catch (error) {
        const reason = timeout.aborted ? `did not answer within ${timeoutMs / 1000} s` : signal.aborted ? "was abandoned: the monitor stopped" : `could not be reached (${causeOf(error)})`;
        throw new NotificationError(`${name} ${reason}.`, !signal.aborted, { cause: error });
      }
      await response.body?.cancel().catch(() => {});
      if (response.ok) return;
      const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
      throw new NotificationError(
        `${name} answered ${response.status} ${response.statusText}${retryable ? "" : "; check the URL and what the receiver expects (not retried)"}.`,
        retryable,
      );
    },
  };
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: unknown }).cause;
  const inner = cause instanceof Error ? cause : error instanceof Error ? error : undefined;
  return inner ? `${(inner as NodeJS.ErrnoException).code ?? inner.name}: ${inner.message}` : String(error);
}
