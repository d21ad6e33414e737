/** The email notifier: one plain-text message per alert transition, sent with nodemailer over SMTP. */
import type { SMTPTransportOptions } from "nodemailer";
import { lazyDependency } from "../../lazy-dependency.js";
import { NotificationError } from "../../errors.js";
import { detailLines, headline, type AlertNotification } from "../alert.js";
import { MONITOR_DEFAULTS, type EmailSettings, type SmtpSettings } from "../config.js";
import type { Notifier } from "./notifier.js";

const nodemailer = lazyDependency<typeof import("nodemailer")>("nodemailer");

/** A notifier that emails `settings.to` (see EmailSettings). */
export function emailNotifier(settings: EmailSettings): Notifier {
  const to = Array.isArray(settings.to) ? settings.to : [settings.to];
  const name = settings.name ?? `email ${to.join(", ")}`;
  const timeoutMs = (settings.timeoutSeconds ?? MONITOR_DEFAULTS.timeoutSeconds) * 1000;
  const smtp = typeof settings.smtp === "string" ? smtpFromUrl(settings.smtp) : settings.smtp;
  const transport = nodemailer().createTransport(transportOptions(smtp, timeoutMs));
  const prefix = settings.subjectPrefix ?? "[resque]";
  return {
    name,
    ...(settings.minSeverity === undefined ? {} : { minSeverity: settings.minSeverity }),
    retryDelaysMs: (settings.retryDelaysSeconds ?? MONITOR_DEFAULTS.retryDelaysSeconds).map((s) => s * 1000),
    async send(notification: AlertNotification, signal: AbortSignal): Promise<void> {
      if (signal.aborted) throw new NotificationError(`${name}: not sent, the monitor stopped.`, false);
      const text = [notification.alert.message, "", ...detailLines(notification), ""].join("\n");
      try {
        await transport.sendMail({
          from: settings.from,
          to,
          subject: `${prefix ? `${prefix} ` : ""}${headline(notification)}`,
          text,
          headers: { "X-Resque-Alert": notification.alert.id, "X-Resque-Alert-Kind": notification.kind },
        });
      } catch (error) {
        // SMTP replies 5xx for what sending again cannot fix (an unknown mailbox, a refused sender).
        const code = (error as { responseCode?: unknown }).responseCode;
        const permanent = typeof code === "number" && code >= 500;
        throw new NotificationError(`${name}: the SMTP server ${smtp.host}:${smtp.port ?? "(default port)"} did not take the message (${(error as Error).message}).`, !permanent, { cause: error });
      }
    },
    async close(): Promise<void> {
      transport.close();
    },
  };
}

/** `smtp://user:pass@host:587` or `smtps://…` (TLS from the start) as SmtpSettings. */
export function smtpFromUrl(text: string): SmtpSettings {
  const url = new URL(text);
  const secure = url.protocol === "smtps:";
  const settings: SmtpSettings = { host: url.hostname.replace(/^\[(.*)\]$/, "$1"), secure };
  if (url.port !== "") settings.port = Number(url.port);
  if (url.username !== "") settings.user = decodeURIComponent(url.username);
  if (url.password !== "") settings.password = decodeURIComponent(url.password);
  return settings;
}

function transportOptions(smtp: SmtpSettings, timeoutMs: number): SMTPTransportOptions {
  return {
    host: smtp.host,
    port: smtp.port ?? (smtp.secure ? 465 : 587),
    secure: smtp.secure ?? false,
    ...(smtp.requireTLS === undefined ? {} : { requireTLS: smtp.requireTLS }),
    ...(smtp.user === undefined ? {} : { auth: { user: smtp.user, pass: smtp.password ?? "" } }),
    ...(smtp.allowInvalidCertificate ? { tls: { rejectUnauthorized: false } } : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  };
}
