/**
 * The monitor's state in Redis (docs/redis-layout.md, "Monitor"): what its checks remember between
 * evaluations, and the alerts firing now with their recent transitions. Shared by every monitor
 * on the same Redis + namespace.
 */
import type { RedisClient } from "../connection.js";
import type { Keys } from "../keys.js";
import { runScript } from "../scripts/load.js";

/** One queue sampled for growth. */
export interface QueueSample {
  queue: string;
  size: number;
  /** The growth window T in milliseconds (a plateau this long ends a growth run). */
  windowMs: number;
}

export interface Observations {
  /** Milliseconds since no scheduler holds the leader lock; undefined while one does. */
  leaderMissingForMs: number | undefined;
  /** Per sampled queue: how long it has been growing (0: not growing) and from which size. */
  growth: Map<string, { growingForMs: number; fromSize: number }>;
}

/** An alert of the evaluation to apply: bad now. */
export interface BadAlert {
  id: string;
  /** Milliseconds between repeated notifications while it stays bad; 0 = never repeat. */
  repeatMs: number;
  /** The finding, as JSON (stored verbatim and handed back in transitions). */
  finding: string;
}

/** An alert as stored while it fires. */
export interface StoredAlert {
  since: number;
  notifiedAt: number;
  notifications: number;
  /** The finding JSON of the latest evaluation that found it bad. */
  finding: string;
  /** The highest severity it had while firing ("warning" or "critical"). */
  highestSeverity: string;
  /** Set on a resolved alert. */
  resolvedAt?: number;
}

export interface AlertTransition {
  kind: "fire" | "repeat" | "resolve";
  id: string;
  alert: StoredAlert;
}

export interface StoredAlertEvent {
  kind: "fire" | "resolve";
  at: number;
  id: string;
  alert: StoredAlert;
}

/** Transitions kept in the events list. */
export const ALERT_EVENTS_KEPT = 200;

export class MonitorStore {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: Keys,
  ) {}

  /** Records this evaluation's samples and returns what the memory says (see monitor-observe.lua). */
  async observe(now: number, leaderPresent: boolean, samples: readonly QueueSample[]): Promise<Observations> {
    const args: (string | number)[] = [Math.round(now), leaderPresent ? "1" : "0"];
    for (const s of samples) args.push(s.queue, s.size, Math.max(0, Math.round(s.windowMs)));
    const reply = (await runScript(this.client, "monitorObserve", [this.keys.monitorObservations], args)) as number[];
    const growth = new Map<string, { growingForMs: number; fromSize: number }>();
    samples.forEach((s, i) => growth.set(s.queue, { growingForMs: Number(reply[1 + 2 * i]), fromSize: Number(reply[2 + 2 * i]) }));
    const missing = Number(reply[0]);
    return { leaderMissingForMs: missing < 0 ? undefined : missing, growth };
  }

  /**
   * Applies one evaluation: fires new alerts, repeats those due, resolves those no longer bad.
   * Returns the transitions this caller must notify, or "stale" when a later evaluation was
   * applied first (see monitor-alerts.lua).
   */
  async applyEvaluation(now: number, bad: readonly BadAlert[]): Promise<AlertTransition[] | "stale"> {
    const args: (string | number)[] = [Math.round(now), ALERT_EVENTS_KEPT];
    for (const alert of bad) args.push(alert.id, Math.max(0, Math.round(alert.repeatMs)), alert.finding);
    const reply = (await runScript(this.client, "monitorAlerts", [this.keys.monitorAlerts, this.keys.monitorEvents], args)) as string[] | string;
    if (reply === "stale") return "stale";
    const transitions: AlertTransition[] = [];
    for (let i = 0; i + 2 < reply.length; i += 3) {
      const alert = parseAlert(reply[i + 2]!);
      if (alert) transitions.push({ kind: reply[i] as AlertTransition["kind"], id: reply[i + 1]!, alert });
    }
    return transitions;
  }

  /** The alerts firing now, by id, and when the last evaluation was applied (undefined: never). */
  async firing(): Promise<{ alerts: Map<string, StoredAlert>; evaluatedAt: number | undefined }> {
    const all = await this.client.hgetall(this.keys.monitorAlerts);
    const alerts = new Map<string, StoredAlert>();
    for (const [id, value] of Object.entries(all)) {
      if (id.startsWith("@")) continue;
      const alert = parseAlert(value);
      if (alert) alerts.set(id, alert);
    }
    const evaluated = Number(all["@evaluated"]);
    return { alerts, evaluatedAt: Number.isFinite(evaluated) && all["@evaluated"] !== undefined ? evaluated : undefined };
  }

  /** The latest alert transitions, newest first. */
  async events(count: number): Promise<StoredAlertEvent[]> {
    if (count <= 0) return [];
    const values = await this.client.lrange(this.keys.monitorEvents, 0, count - 1);
    const events: StoredAlertEvent[] = [];
    for (const value of values) {
      try {
        const parsed = JSON.parse(value) as { kind?: unknown; at?: unknown; id?: unknown; alert?: unknown };
        const alert = typeof parsed.alert === "string" ? parseAlert(parsed.alert) : undefined;
        if ((parsed.kind === "fire" || parsed.kind === "resolve") && typeof parsed.at === "number" && typeof parsed.id === "string" && alert) {
          events.push({ kind: parsed.kind, at: parsed.at, id: parsed.id, alert });
        }
      } catch {
        // not ours: skipped
      }
    }
    return events;
  }
}

function parseAlert(value: string): StoredAlert | undefined {
  try {
    const parsed = JSON.parse(value) as Partial<StoredAlert>;
    if (typeof parsed.since !== "number" || typeof parsed.notifiedAt !== "number" || typeof parsed.notifications !== "number" || typeof parsed.finding !== "string") return undefined;
    return {
      since: parsed.since,
      notifiedAt: parsed.notifiedAt,
      notifications: parsed.notifications,
      finding: parsed.finding,
      highestSeverity: parsed.highestSeverity === "critical" ? "critical" : "warning",
      ...(typeof parsed.resolvedAt === "number" ? { resolvedAt: parsed.resolvedAt } : {}),
    };
  } catch {
    return undefined;
  }
}
