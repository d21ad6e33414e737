/**
 * The bodies a webhook POSTs: our JSON (every field of the alert, for programs) or a
 * Slack-compatible message (`text` plus one coloured attachment), which Slack, Mattermost,
 * Rocket.Chat and Discord's `/slack` endpoint accept.
 */
import { detailLines, headline, type AlertNotification } from "../alert.js";

/** Version of the JSON body; raised only when a field changes meaning or goes away. */
export const WEBHOOK_BODY_VERSION = 1;

export function jsonBody(notification: AlertNotification): Record<string, unknown> {
  const { alert } = notification;
  return {
    version: WEBHOOK_BODY_VERSION,
    kind: notification.kind,
    status: notification.kind === "resolved" ? "resolved" : "firing",
    text: headline(notification),
    at: notification.at.toISOString(),
    alert: {
      id: alert.id,
      instance: alert.instance,
      check: alert.check,
      subject: alert.subject,
      severity: alert.severity,
      message: alert.message,
      ...(alert.value === undefined ? {} : { value: alert.value }),
      ...(alert.threshold === undefined ? {} : { threshold: alert.threshold }),
      link: alert.link,
      since: alert.since.toISOString(),
      notifiedAt: alert.notifiedAt.toISOString(),
      notifications: alert.notifications,
      highestSeverity: alert.highestSeverity,
      ...(alert.resolvedAt === undefined ? {} : { resolvedAt: alert.resolvedAt.toISOString() }),
    },
    ...(notification.dashboardUrl === undefined ? {} : { dashboardUrl: notification.dashboardUrl }),
  };
}

const COLOURS = { critical: "#d7263d", warning: "#f4a259", resolved: "#2e933c" } as const;

export function slackBody(notification: AlertNotification): Record<string, unknown> {
  const { alert } = notification;
  const title = headline(notification);
  return {
    text: title,
    attachments: [
      {
        color: notification.kind === "resolved" ? COLOURS.resolved : COLOURS[alert.severity],
        fallback: title,
        title: alert.message,
        ...(notification.dashboardUrl === undefined ? {} : { title_link: notification.dashboardUrl }),
        text: detailLines(notification).join("\n"),
        footer: `resque-ts monitor · ${alert.id}`,
        ts: Math.floor(notification.at.getTime() / 1000),
      },
    ],
  };
}
