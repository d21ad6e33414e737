/**
 * Alerts about an instance that cannot be read. Their state cannot live in that instance's Redis,
 * so each monitor process keeps it in memory: with several monitors, each one notifies once
 * (docs/monitoring.md, "Several monitors").
 */
import { alertId, type Alert, type AlertNotification } from "./alert.js";
import type { Finding } from "./checks.js";
import { notification } from "./instance-check.js";

interface LocalAlert {
  since: number;
  notifiedAt: number;
  notifications: number;
  finding: Finding;
}

export class UnreachableAlerts {
  readonly #firing = new Map<string, LocalAlert>();

  /** The finding for an instance whose facts could not be read. */
  static finding(error: string): Finding {
    return {
      check: "redis-unreachable",
      severity: "critical",
      subject: "redis",
      message: `Redis cannot be read: ${error}`,
      link: { page: "redis" },
    };
  }

  /** Records this evaluation of `instance` (a finding when unreachable, undefined when it was read); returns the notifications due. */
  apply(instance: string, finding: Finding | undefined, now: number, repeatMs: number, dashboardUrl: string | undefined): AlertNotification[] {
    const current = this.#firing.get(instance);
    const at = new Date(now);
    if (finding === undefined) {
      if (!current) return [];
      this.#firing.delete(instance);
      return [notification("resolved", { ...this.#alert(instance, current), resolvedAt: at }, at, dashboardUrl)];
    }
    if (!current) {
      const fresh = { since: now, notifiedAt: now, notifications: 1, finding };
      this.#firing.set(instance, fresh);
      return [notification("firing", this.#alert(instance, fresh), at, dashboardUrl)];
    }
    current.finding = finding;
    if (repeatMs > 0 && now - current.notifiedAt >= repeatMs) {
      current.notifiedAt = now;
      current.notifications++;
      return [notification("repeat", this.#alert(instance, current), at, dashboardUrl)];
    }
    return [];
  }

  /** The unreachable alert of `instance`, while it fires. */
  firing(instance: string): Alert | undefined {
    const current = this.#firing.get(instance);
    return current && this.#alert(instance, current);
  }

  #alert(instance: string, local: LocalAlert): Alert {
    return {
      ...local.finding,
      id: alertId(local.finding),
      instance,
      since: new Date(local.since),
      notifiedAt: new Date(local.notifiedAt),
      notifications: local.notifications,
      highestSeverity: local.finding.severity,
    };
  }
}
