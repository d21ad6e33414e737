/**
 * The monitor: evaluates the checks of one or more Resque instances at an interval, keeps alert
 * state in each instance's Redis (so several monitors send each notification once), and hands
 * notifications to its notifiers. A service with one start/stop lifecycle; `resque monitor` runs
 * one, and an application or `resque-web` can run one in its own process. It also serves the
 * status page and Prometheus metrics as fetch-style handlers.
 */
import { EventEmitter } from "node:events";
import { Admin } from "../admin/index.js";
import { ConfigurationError } from "../errors.js";
import { createLogger, type Logger } from "../logger.js";
import { storeOf } from "../redis/store-of.js";
import type { Clock } from "../scheduler/clock.js";
import type { Alert } from "./alert.js";
import type { ChecksConfig, Finding } from "./checks.js";
import { MONITOR_DEFAULTS, parseChecksConfig, parseMonitorConfig, type HttpSettings, type MonitorConfig, type MonitorInstance } from "./config.js";
import { Delivery, type DeliveryEvents } from "./delivery.js";
import { serveHandlers, type ServedHandlers } from "./http.js";
import { checkInstance, readFindings, toAlert, type InstanceEvaluation } from "./instance-check.js";
import { MonitorMetrics } from "./metrics.js";
import { emailNotifier } from "./notifiers/email.js";
import type { Notifier } from "./notifiers/notifier.js";
import { webhookNotifier } from "./notifiers/webhook.js";
import { statusPage, type FetchHandler } from "./status-page.js";
import { UnreachableAlerts } from "./unreachable-alerts.js";

export interface MonitorOptions extends Omit<MonitorConfig, "instances"> {
  /** The Resques to watch: connection settings, or Admin objects you own (resque-web's, `resque.admin`). Default: one from REDIS_URL / RESQUE_NAMESPACE. */
  instances?: (MonitorInstance | Admin)[];
  /** Notifiers of your own (see Notifier), beside those of `notify`. */
  notifiers?: Notifier[];
  /** The time evaluations are stamped with (repeat intervals, "for T minutes"); default Redis' clock, so monitors on several hosts agree. Tests pass a fake. */
  clock?: Clock;
  /** A pino logger (or anything with its methods); default: warnings and errors, JSON on stdout (LOG_LEVEL). */
  logger?: Logger;
  /** Seconds `stop()` waits for notifications still being delivered (default 10). */
  stopTimeoutSeconds?: number;
}

/** A transition in an instance's recent history. */
export interface AlertEvent {
  /** It went bad, or it cleared. */
  kind: "fired" | "resolved";
  /** When (the evaluation's time). */
  at: Date;
  /** The alert as it was then. */
  alert: Alert;
}

/** What the status page shows: per instance, what fires now and what changed lately. */
export interface AlertsSnapshot {
  /** When it was read. */
  at: Date;
  /** Each watched instance, in the order given. */
  instances: {
    name: string;
    ok: boolean;
    error?: string;
    /** When a monitor last evaluated this instance (any monitor on its Redis); undefined when none ever did. A time long past means no monitor runs. */
    evaluatedAt?: Date;
    firing: Alert[];
    recent: AlertEvent[];
  }[];
}

/** One evaluation of every watched instance. */
export interface MonitorEvaluation {
  /** When it started. */
  at: Date;
  /** Each instance's findings and the notifications decided for it, in the order given. */
  instances: InstanceEvaluation[];
}

/** The events a Monitor emits (`monitor.on(...)`). */
export interface MonitorEvents extends DeliveryEvents {
  /** An evaluation of every instance finished (its notifications are queued for delivery). */
  evaluated: [MonitorEvaluation];
}

interface Watched {
  admin: Admin;
  owned: boolean;
}

/** Instances are read at most this long past their connection timeout before they count as unreachable. */
const READ_GRACE_MS = 5000;

/**
 * Evaluates checks on one or more Resque instances at an interval and sends alerts; serves a
 * status page and Prometheus metrics. See docs/monitoring.md.
 */
export class Monitor extends EventEmitter<MonitorEvents> {
  /** The fetch-style status page handler: HTML, or JSON for `Accept: application/json` or a path ending in `.json`. */
  readonly statusPage: FetchHandler;
  /** The fetch-style Prometheus metrics handler. */
  readonly metrics: FetchHandler;
  readonly #watched: Watched[];
  readonly #checks: ChecksConfig;
  readonly #intervalMs: number;
  readonly #repeatMs: number;
  readonly #dashboardUrl: string | undefined;
  readonly #clock: Clock | undefined;
  readonly #logger: Logger;
  readonly #delivery: Delivery;
  readonly #unreachable = new UnreachableAlerts();
  readonly #stopTimeoutMs: number;
  readonly #metrics: MonitorMetrics;
  readonly #recent: number;
  readonly #servers = new Set<ServedHandlers>();
  readonly #http: HttpSettings | undefined;
  #state: "new" | "running" | "stopping" | "stopped" = "new";
  #timer: NodeJS.Timeout | undefined;
  #evaluating: Promise<MonitorEvaluation> | undefined;
  #stopping: Promise<void> | undefined;

  /** Validates the options (MonitorConfigError names the bad field); connects lazily. */
  constructor(options: MonitorOptions = {}) {
    super();
    const { instances, notifiers, clock, logger, stopTimeoutSeconds, ...settings } = options;
    const config = parseMonitorConfig(settings, "new Monitor()");
    this.#checks = config.checks ?? parseChecksConfig({});
    this.#intervalMs = (config.intervalSeconds ?? MONITOR_DEFAULTS.intervalSeconds) * 1000;
    this.#repeatMs = (config.repeatMinutes ?? MONITOR_DEFAULTS.repeatMinutes) * 60_000;
    this.#dashboardUrl = config.dashboardUrl;
    this.#recent = config.statusPage?.recent ?? MONITOR_DEFAULTS.recent;
    this.#http = config.http;
    this.#clock = clock;
    this.#logger = logger ?? createLogger();
    if (stopTimeoutSeconds !== undefined && !(stopTimeoutSeconds >= 0)) throw new ConfigurationError(`stopTimeoutSeconds must be 0 or more, got ${stopTimeoutSeconds}.`);
    this.#stopTimeoutMs = (stopTimeoutSeconds ?? 10) * 1000;
    for (const [i, notifier] of (notifiers ?? []).entries()) {
      if (!notifier || typeof notifier.send !== "function" || typeof notifier.name !== "string") {
        throw new ConfigurationError(`new Monitor(): notifiers[${i}] must be an object with a name and a send(notification, signal) method.`);
      }
    }
    this.#watched = this.#instances(instances);
    this.#delivery = new Delivery(
      [...(config.notify?.webhooks ?? []).map(webhookNotifier), ...(config.notify?.email ?? []).map(emailNotifier), ...(notifiers ?? [])],
      this.#logger,
    );
    this.#delivery.on("notified", (event) => this.emit("notified", event));
    this.#delivery.on("delivery-failed", (event) => this.emit("delivery-failed", event));
    this.#metrics = new MonitorMetrics(this.#watched.map((w) => w.admin), (admin) => this.#firingOf(admin));
    this.metrics = (request) => this.#metrics.handle(request);
    this.statusPage = statusPage(() => this.alerts(), config.statusPage ?? {});
  }

  /** The names of the watched instances. */
  get instances(): string[] {
    return this.#watched.map((w) => w.admin.name);
  }

  /** Starts evaluating: the first evaluation runs now (start resolves once it is done), then one every interval. */
  async start(): Promise<void> {
    if (this.#state !== "new") throw new ConfigurationError("A monitor can be started once; create a new one to start again.");
    this.#state = "running";
    this.#logger.info({ instances: this.instances, intervalSeconds: this.#intervalMs / 1000, notifiers: this.#delivery.notifiers.map((n) => n.name) }, "monitor started");
    await this.#tick();
  }

  /** Stops evaluating, waits (up to stopTimeoutSeconds) for notifications being delivered, and closes the connections it opened. */
  stop(): Promise<void> {
    this.#stopping ??= this.#shutdown();
    return this.#stopping;
  }

  /**
   * Evaluates every instance once: reads its facts, updates the alert state in its Redis and
   * queues the notifications this process must send. Runs one at a time (a call during another
   * waits for it, then runs).
   */
  evaluate(): Promise<MonitorEvaluation> {
    const previous = this.#evaluating ?? Promise.resolve(undefined);
    const next = previous.catch(() => undefined).then(() => this.#evaluateAll());
    this.#evaluating = next;
    return next;
  }

  /**
   * What is bad now on every instance, read-only: no alert state changes and nothing is sent
   * (`resque monitor --check`). Checks that need memory judge as the dashboard does.
   */
  async findings(): Promise<{ name: string; ok: boolean; error?: string; findings: Finding[] }[]> {
    return Promise.all(
      this.#watched.map(async ({ admin }) => {
        try {
          return { name: admin.name, ok: true, findings: await withTimeout(readFindings(admin, this.#checks), this.#readTimeoutMs(admin), admin.name) };
        } catch (error) {
          const message = messageOf(error);
          return { name: admin.name, ok: false, error: message, findings: this.#checks.disabled?.includes("redis-unreachable") ? [] : [UnreachableAlerts.finding(message)] };
        }
      }),
    );
  }

  /** Resolves when every notification queued so far was delivered or given up. */
  flush(): Promise<void> {
    return this.#delivery.idle();
  }

  /** The alerts firing now and the recent transitions of every instance, read from Redis (shows other monitors' alerts too). */
  async alerts(): Promise<AlertsSnapshot> {
    const at = new Date(this.#clock?.now() ?? Date.now());
    const instances = await Promise.all(
      this.#watched.map(async ({ admin }) => {
        const unreachable = this.#unreachable.firing(admin.name);
        try {
          const store = storeOf(admin).monitor;
          await withTimeout(storeOf(admin).ready(), this.#readTimeoutMs(admin), admin.name);
          const [{ alerts: firing, evaluatedAt }, events] = await Promise.all([store.firing(), store.events(this.#recent)]);
          return {
            name: admin.name,
            ok: true,
            ...(evaluatedAt === undefined ? {} : { evaluatedAt: new Date(evaluatedAt) }),
            firing: sortAlerts([...firing].map(([id, alert]) => toAlert(admin.name, id, alert))),
            recent: events.map((e) => ({ kind: e.kind === "fire" ? ("fired" as const) : ("resolved" as const), at: new Date(e.at), alert: toAlert(admin.name, e.id, e.alert) })),
          };
        } catch (error) {
          return { name: admin.name, ok: false, error: messageOf(error), firing: unreachable ? [unreachable] : [], recent: [] };
        }
      }),
    );
    return { at, instances };
  }

  /**
   * Serves the status page (`/status`, `/status.json`, `/`) and the metrics (`/metrics`) on a
   * port of its own: `options`, else the `http` setting, else 127.0.0.1:9293 (port 0 picks a free
   * one). `stop()` closes it.
   */
  async serve(options?: HttpSettings): Promise<ServedHandlers> {
    const checked = options === undefined ? (this.#http ?? {}) : (parseMonitorConfig({ http: options }, "monitor.serve()").http ?? {});
    const served = await serveHandlers(
      { "/": this.statusPage, "/status": this.statusPage, "/status.json": this.statusPage, "/metrics": this.metrics },
      { port: checked.port ?? MONITOR_DEFAULTS.httpPort, host: checked.host ?? MONITOR_DEFAULTS.httpHost },
    );
    this.#servers.add(served);
    this.#logger.info({ url: served.url }, "monitor serving /status and /metrics");
    return {
      url: served.url,
      close: async () => {
        this.#servers.delete(served);
        await served.close();
      },
    };
  }

  /** The Prometheus exposition text (what the metrics handler serves). */
  metricsText(): Promise<string> {
    return this.#metrics.text();
  }

  async #evaluateAll(): Promise<MonitorEvaluation> {
    const started = this.#clock?.now() ?? Date.now();
    const instances = await Promise.all(this.#watched.map(({ admin }) => this.#evaluateInstance(admin)));
    const evaluation: MonitorEvaluation = { at: new Date(started), instances };
    const notifications = instances.flatMap((i) => i.notifications);
    for (const n of notifications) {
      this.#logger.info({ instance: n.alert.instance, alert: n.alert.id, kind: n.kind, severity: n.alert.severity }, `alert ${n.kind}: ${n.alert.message}`);
    }
    this.#logger.debug({ instances: instances.map((i) => ({ name: i.name, ok: i.ok, findings: i.findings.map((f) => `${f.check}|${f.subject}`) })) }, "evaluated");
    this.#delivery.enqueue(notifications);
    this.emit("evaluated", evaluation);
    return evaluation;
  }

  async #evaluateInstance(admin: Admin): Promise<InstanceEvaluation> {
    const now = () => this.#clock?.now() ?? Date.now();
    try {
      const evaluation = await withTimeout(
        checkInstance(admin, storeOf(admin), { checks: this.#checks, repeatMs: this.#repeatMs, now: this.#clock ? () => this.#clock!.now() : undefined, dashboardUrl: this.#dashboardUrl }),
        this.#readTimeoutMs(admin),
        admin.name,
      );
      evaluation.notifications.push(...this.#unreachable.apply(admin.name, undefined, now(), this.#repeatMs, this.#dashboardUrl));
      return evaluation;
    } catch (error) {
      const message = messageOf(error);
      this.#logger.warn({ instance: admin.name, err: error }, "monitor could not read an instance");
      if (this.#checks.disabled?.includes("redis-unreachable")) return { name: admin.name, ok: false, error: message, findings: [], notifications: [] };
      const finding = UnreachableAlerts.finding(message);
      const notifications = this.#unreachable.apply(admin.name, finding, now(), this.#repeatMs, this.#dashboardUrl);
      return { name: admin.name, ok: false, error: message, findings: [finding], notifications };
    }
  }

  async #tick(): Promise<void> {
    try {
      await this.evaluate();
    } catch (error) {
      this.#logger.error({ err: error }, "monitor evaluation failed");
    }
    if (this.#state === "running") this.#timer = setTimeout(() => void this.#tick(), this.#intervalMs);
  }

  async #shutdown(): Promise<void> {
    const wasRunning = this.#state === "running";
    this.#state = "stopping";
    clearTimeout(this.#timer);
    await Promise.all([...this.#servers].map((s) => s.close()));
    this.#servers.clear();
    await this.#evaluating?.catch(() => undefined);
    await this.#delivery.close(this.#stopTimeoutMs);
    await Promise.all(this.#watched.filter((w) => w.owned).map((w) => w.admin.close()));
    this.#state = "stopped";
    if (wasRunning) this.#logger.info("monitor stopped");
  }

  async #firingOf(admin: Admin): Promise<Alert[]> {
    const { alerts: firing } = await storeOf(admin).monitor.firing();
    return [...firing].map(([id, alert]) => toAlert(admin.name, id, alert));
  }

  #readTimeoutMs(admin: Admin): number {
    return (this.#timeouts.get(admin) ?? 10) * 1000 + READ_GRACE_MS;
  }

  readonly #timeouts = new WeakMap<Admin, number>();

  #instances(given: MonitorOptions["instances"]): Watched[] {
    const list = given ?? [{}];
    if (!Array.isArray(list) || list.length === 0) throw new ConfigurationError("new Monitor(): instances must list at least one instance (or be left out for REDIS_URL).");
    const configs = list.filter((item): item is MonitorInstance => !(item instanceof Admin));
    parseMonitorConfig({ instances: configs }, "new Monitor()");
    const watched = list.map((item): Watched => {
      if (item instanceof Admin) return { admin: item, owned: false };
      const admin = new Admin({
        ...(item.redis === undefined ? {} : { redis: item.redis }),
        ...(item.namespace === undefined ? {} : { namespace: item.namespace }),
        ...(item.name === undefined ? {} : { name: item.name }),
        ...(item.connectionTimeout === undefined ? {} : { connectionTimeout: item.connectionTimeout }),
      });
      if (item.connectionTimeout !== undefined) this.#timeouts.set(admin, item.connectionTimeout);
      return { admin, owned: true };
    });
    const names = new Set<string>();
    for (const { admin } of watched) {
      if (names.has(admin.name)) {
        for (const w of watched) if (w.owned) void w.admin.close();
        throw new ConfigurationError(`new Monitor(): two instances are both named "${admin.name}"; give each a name of its own.`);
      }
      names.add(admin.name);
    }
    return watched;
  }
}

function sortAlerts(alerts: Alert[]): Alert[] {
  return alerts.sort((a, b) => (a.severity === b.severity ? a.since.getTime() - b.since.getTime() : a.severity === "critical" ? -1 : 1));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function withTimeout<T>(promise: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from ${name} within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
