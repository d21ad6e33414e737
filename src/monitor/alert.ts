/**
 * Alerts and the notifications sent about them. An alert is a finding (checks.ts) that stays bad
 * across evaluations, identified by its check and subject on one instance; it fires once, repeats
 * at an interval while it stays bad, and resolves when it clears.
 */
import type { Finding, Severity } from "./checks.js";

/** The three moments a notification is sent. */
export type AlertKind = "firing" | "repeat" | "resolved";

/** A finding that is bad across evaluations, with its history: what notifiers, the status page and metrics show. */
export interface Alert extends Finding {
  /** `<check>|<subject>`: the same alert across evaluations and monitors. */
  id: string;
  /** The instance (its name) the alert is about. */
  instance: string;
  /** When it first went bad. */
  since: Date;
  /** When its last notification was sent (firing or repeat). */
  notifiedAt: Date;
  /** Notifications sent while it fires (1 for the first, then one more per repeat). */
  notifications: number;
  /** The highest severity it had while firing (a warning that became critical stays "critical" here). */
  highestSeverity: Severity;
  /** When it cleared (resolved alerts only). */
  resolvedAt?: Date;
}

/** What notifiers receive. */
export interface AlertNotification {
  /** firing (it went bad), repeat (still bad, or worse), resolved (it cleared). */
  kind: AlertKind;
  /** The alert as of this notification. */
  alert: Alert;
  /** When the transition was decided (the evaluation's time). */
  at: Date;
  /** The dashboard's address, when configured (`dashboardUrl`). */
  dashboardUrl?: string;
}

/** An alert's id: its check and subject. */
export function alertId(finding: Pick<Finding, "check" | "subject">): string {
  return `${finding.check}|${finding.subject}`;
}

/** One line for a chat message or an email subject: `FIRING critical eu: <message>`. */
export function headline(notification: AlertNotification): string {
  const { alert } = notification;
  const state = notification.kind === "resolved" ? "RESOLVED" : notification.kind === "repeat" ? "STILL FIRING" : "FIRING";
  return `${state} ${alert.severity} ${alert.instance}: ${alert.message}`;
}

/** A few lines of detail for people: what, since when, the numbers, where to look. */
export function detailLines(notification: AlertNotification): string[] {
  const { alert } = notification;
  const lines = [`Check: ${alert.check} (${alert.subject})`, `Instance: ${alert.instance}`, `Since: ${alert.since.toISOString()}`];
  if (alert.resolvedAt) lines.push(`Resolved: ${alert.resolvedAt.toISOString()} (bad for ${duration(alert.resolvedAt.getTime() - alert.since.getTime())})`);
  if (alert.value !== undefined) lines.push(`Value: ${alert.value}${alert.threshold !== undefined ? ` (threshold ${alert.threshold})` : ""}`);
  if (notification.kind === "repeat") lines.push(`Notification ${alert.notifications}: it is still bad`);
  if (notification.dashboardUrl) lines.push(`Dashboard: ${notification.dashboardUrl}`);
  return lines;
}

export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}
