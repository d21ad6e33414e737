/**
 * The monitor's configuration: what to watch (instances), how to judge it (checks), whom to tell
 * (notifiers) and how often. The same shape comes from a YAML file (`loadMonitorConfig`) or from
 * code (`new Monitor(options)`); both are validated here, each bad field reported with its path.
 */
import { readFileSync } from "node:fs";
import { lazyDependency } from "../lazy-dependency.js";

const yaml = lazyDependency<typeof import("yaml")>("yaml");
import { MonitorConfigError } from "../errors.js";
import { CHECK_NAMES, type CheckName, type ChecksConfig, type ClassChecks, type QueueChecks, type Severity } from "./checks.js";
import { ConfigReader, join } from "./config-reader.js";

/** One Resque to watch: a Redis and a namespace. */
export interface MonitorInstance {
  /** Label in alerts, on the status page and in metrics; default: where it connects and its namespace. */
  name?: string;
  /** Redis URL or unix socket path; default REDIS_URL or 127.0.0.1:6379. */
  redis?: string;
  /** Key namespace; default "resque". */
  namespace?: string;
  /** Seconds to wait for Redis before an evaluation counts it unreachable (default 10). */
  connectionTimeout?: number;
}

/** Which severities a notifier hears: "warning" (all) or "critical" only. */
export type MinSeverity = Severity;

/** Settings every notifier has. */
export interface NotifierSettings {
  /** Label in logs and events; default "webhook <host>" or "email <to>". */
  name?: string;
  /** Alerts below this severity are not sent (their resolutions neither). Default "warning": all. */
  minSeverity?: MinSeverity;
  /** Seconds one attempt may take. Default 10. */
  timeoutSeconds?: number;
  /** Seconds to wait before each retry of a failed attempt; its length is the number of retries. Default [1, 5, 30]. */
  retryDelaysSeconds?: number[];
}

/** A JSON POST to a URL for every alert transition. */
export interface WebhookSettings extends NotifierSettings {
  /** The http(s) URL to POST to. */
  url: string;
  /** "json" (default): the alert as JSON; "slack": a Slack-compatible message (`text` and `attachments`). */
  format?: "json" | "slack";
  /** Signs each body with HMAC-SHA256: headers `X-Resque-Timestamp` and `X-Resque-Signature: sha256=<hex>` over `<timestamp>.<body>`. */
  secret?: string;
  /** Extra request headers (an Authorization header, say). */
  headers?: Record<string, string>;
}

/** An SMTP server, when not given as a URL (`smtp://user:pass@host:587`, `smtps://…` for TLS from the start). */
export interface SmtpSettings {
  /** The SMTP server's host name or address. */
  host: string;
  /** Default 587, or 465 with `secure`. */
  port?: number;
  /** TLS from the start (port 465); otherwise STARTTLS is used when the server offers it. */
  secure?: boolean;
  /** Login name, when the server wants a login. */
  user?: string;
  /** Login password. */
  password?: string;
  /** Refuse to send unless the connection is upgraded with STARTTLS. */
  requireTLS?: boolean;
  /** Accept a server certificate that does not verify (a self-signed test server). Default false. */
  allowInvalidCertificate?: boolean;
}

/** An email for every alert transition, sent through SMTP. */
export interface EmailSettings extends NotifierSettings {
  /** `smtp://user:password@host:587` (STARTTLS when offered), `smtps://…` (TLS from the start), or SmtpSettings. */
  smtp: string | SmtpSettings;
  /** The sender: `resque@example.com` or `Resque <resque@example.com>`. */
  from: string;
  /** One recipient or several. */
  to: string | string[];
  /** Put before every subject; default "[resque]". */
  subjectPrefix?: string;
}

/** The notifiers configured by settings (a file's `notify:`). */
export interface NotifySettings {
  /** A JSON POST per alert transition to each. */
  webhooks?: WebhookSettings[];
  /** An email per alert transition through each (a file may give one mapping instead of a list). */
  email?: EmailSettings[];
}

/** The status page (`/status`). */
export interface StatusPageSettings {
  /** Page title; default "Resque status". */
  title?: string;
  /** Recent alert transitions shown per instance; default 20. */
  recent?: number;
}

/** The monitor's own HTTP server (`resque monitor`): /status, /status.json, /metrics. */
export interface HttpSettings {
  /** Default 9293; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

/** What a monitor watches, how it judges, whom it tells: a YAML file's content, or options in code (MonitorOptions). */
export interface MonitorConfig {
  /** The Resques to watch; default one, from REDIS_URL / RESQUE_NAMESPACE or their defaults. */
  instances?: MonitorInstance[];
  /** Seconds between evaluations. Default 30. */
  intervalSeconds?: number;
  /** Minutes between repeated notifications of an alert that stays bad; 0 never repeats. Default 60. */
  repeatMinutes?: number;
  /** Thresholds (see ChecksConfig). */
  checks?: ChecksConfig;
  /** Webhooks and email (notifiers of your own go in MonitorOptions.notifiers). */
  notify?: NotifySettings;
  /** The dashboard's address, put in notifications as a link. */
  dashboardUrl?: string;
  /** The status page's title and length. */
  statusPage?: StatusPageSettings;
  /** Where `serve()` (and `resque monitor`) listens. */
  http?: HttpSettings;
}

export const MONITOR_DEFAULTS = Object.freeze({
  intervalSeconds: 30,
  repeatMinutes: 60,
  timeoutSeconds: 10,
  retryDelaysSeconds: Object.freeze([1, 5, 30]) as readonly number[],
  httpPort: 9293,
  httpHost: "127.0.0.1",
  recent: 20,
});

const SEVERITIES = ["warning", "critical"] as const;

/** Validates a configuration object and returns it normalised (a single `email` becomes a list). */
export function parseMonitorConfig(value: unknown, source = "monitor configuration"): MonitorConfig {
  const r = new ConfigReader(source);
  const root = r.object(value ?? {}, "", ["instances", "intervalSeconds", "repeatMinutes", "checks", "notify", "dashboardUrl", "statusPage", "http"])!;
  const config: MonitorConfig = {};
  const instances = r.array(root.instances, "instances");
  if (instances) config.instances = instances.map((item, i) => parseInstance(r, item, join("instances", i)));
  const names = new Set<string>();
  for (const [i, instance] of (config.instances ?? []).entries()) {
    if (instance.name === undefined) continue;
    if (names.has(instance.name)) throw new MonitorConfigError(source, join(join("instances", i), "name"), `"${instance.name}" names two instances; give each its own name`);
    names.add(instance.name);
  }
  assign(config, "intervalSeconds", r.number(root.intervalSeconds, "intervalSeconds", { above: 0 }));
  assign(config, "repeatMinutes", r.number(root.repeatMinutes, "repeatMinutes", { min: 0 }));
  if (root.checks !== undefined) config.checks = parseChecksConfig(root.checks, source, "checks");
  const notify = r.object(root.notify, "notify", ["webhooks", "email"]);
  if (notify) {
    config.notify = {};
    const webhooks = r.list(notify.webhooks, "notify.webhooks");
    if (webhooks) config.notify.webhooks = webhooks.map((item, i) => parseWebhook(r, item, join("notify.webhooks", i)));
    const email = r.list(notify.email, "notify.email");
    if (email) config.notify.email = email.map((item, i) => parseEmail(r, item, Array.isArray(notify.email) ? join("notify.email", i) : "notify.email"));
  }
  const dashboardUrl = r.string(root.dashboardUrl, "dashboardUrl");
  if (dashboardUrl !== undefined) config.dashboardUrl = checkUrl(r, dashboardUrl, "dashboardUrl");
  const statusPage = r.object(root.statusPage, "statusPage", ["title", "recent"]);
  if (statusPage) {
    config.statusPage = {};
    assign(config.statusPage, "title", r.string(statusPage.title, "statusPage.title"));
    assign(config.statusPage, "recent", r.number(statusPage.recent, "statusPage.recent", { min: 0, integer: true }));
  }
  const http = r.object(root.http, "http", ["port", "host"]);
  if (http) {
    config.http = {};
    assign(config.http, "port", r.number(http.port, "http.port", { min: 0, integer: true }));
    if (config.http.port !== undefined && config.http.port > 65535) r.fail("http.port", "a port number up to 65535", config.http.port);
    assign(config.http, "host", r.string(http.host, "http.host"));
  }
  return config;
}

/** Validates checks thresholds (the `checks` section, or `ChecksConfig` given in code). */
export function parseChecksConfig(value: unknown, source = "checks", path = ""): ChecksConfig {
  const r = new ConfigReader(source);
  const numberKeys = [
    "failedAbove",
    "failuresPerMinuteAbove",
    "queueSizeAbove",
    "queueGrowingMinutes",
    "runningLongerThanSeconds",
    "prunedWithinMinutes",
    "schedulerMissingSeconds",
    "scheduleLateSeconds",
    "redisMemoryPercent",
  ] as const;
  const root = r.object(value, path, [...numberKeys, "queues", "classes", "severity", "disabled"]) ?? {};
  const checks: ChecksConfig = {};
  for (const key of numberKeys) assign(checks, key, r.number(root[key], join(path, key), { min: 0 }));
  const queues = r.record(root.queues, join(path, "queues"));
  if (queues) {
    checks.queues = {};
    for (const [name, entry] of Object.entries(queues)) {
      const at = join(join(path, "queues"), name);
      const e = r.object(entry ?? {}, at, ["sizeAbove", "growingMinutes", "failedAbove", "failuresPerMinuteAbove", "runningLongerThanSeconds", "disabled"])!;
      const queue: QueueChecks = {};
      for (const key of ["sizeAbove", "growingMinutes", "failedAbove", "failuresPerMinuteAbove", "runningLongerThanSeconds"] as const) {
        assign(queue, key, r.number(e[key], join(at, key), { min: 0 }));
      }
      assign(queue, "disabled", checkNames(r, e.disabled, join(at, "disabled")));
      checks.queues[name] = queue;
    }
  }
  const classes = r.record(root.classes, join(path, "classes"));
  if (classes) {
    checks.classes = {};
    for (const [name, entry] of Object.entries(classes)) {
      const at = join(join(path, "classes"), name);
      const e = r.object(entry ?? {}, at, ["failedAbove", "failuresPerMinuteAbove", "runningLongerThanSeconds", "disabled"])!;
      const job: ClassChecks = {};
      for (const key of ["failedAbove", "failuresPerMinuteAbove", "runningLongerThanSeconds"] as const) {
        assign(job, key, r.number(e[key], join(at, key), { min: 0 }));
      }
      assign(job, "disabled", checkNames(r, e.disabled, join(at, "disabled")));
      checks.classes[name] = job;
    }
  }
  const severity = r.object(root.severity, join(path, "severity"), CHECK_NAMES);
  if (severity) {
    checks.severity = {};
    for (const [name, level] of Object.entries(severity)) checks.severity[name as CheckName] = r.oneOf(level, join(join(path, "severity"), name), SEVERITIES)!;
  }
  assign(checks, "disabled", checkNames(r, root.disabled, join(path, "disabled")));
  return checks;
}

/** Reads and validates a YAML (or JSON) monitor configuration file; `${NAME}` in a string is replaced by that environment variable. */
export function loadMonitorConfig(file: string, env: NodeJS.ProcessEnv = process.env): MonitorConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new MonitorConfigError(file, "", `cannot be read (${(error as Error).message})`);
  }
  let value: unknown;
  try {
    value = yaml().parse(text);
  } catch (error) {
    throw new MonitorConfigError(file, "", `is not valid YAML: ${(error as Error).message}`);
  }
  return parseMonitorConfig(expandEnvironment(value, env, file, ""), file);
}

/** Replaces `${NAME}` in every string with the environment variable; an unset variable is an error at its path. */
export function expandEnvironment(value: unknown, env: NodeJS.ProcessEnv, source: string, path: string): unknown {
  if (typeof value === "string") {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const found = env[name];
      if (found === undefined) throw new MonitorConfigError(source, path, `uses \${${name}}, but the environment variable ${name} is not set`);
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((item, i) => expandEnvironment(item, env, source, join(path, i)));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, expandEnvironment(item, env, source, join(path, key))]));
  }
  return value;
}

function parseInstance(r: ConfigReader, value: unknown, path: string): MonitorInstance {
  const e = r.object(value, path, ["name", "redis", "namespace", "connectionTimeout"]);
  if (!e) r.fail(path, "a mapping with redis and namespace", value);
  const instance: MonitorInstance = {};
  assign(instance, "name", r.string(e.name, join(path, "name")));
  assign(instance, "redis", r.string(e.redis, join(path, "redis")));
  assign(instance, "namespace", r.string(e.namespace, join(path, "namespace"), { nonEmpty: false }));
  assign(instance, "connectionTimeout", r.number(e.connectionTimeout, join(path, "connectionTimeout"), { above: 0 }));
  return instance;
}

function parseNotifierSettings(r: ConfigReader, e: Record<string, unknown>, path: string): NotifierSettings {
  const settings: NotifierSettings = {};
  assign(settings, "name", r.string(e.name, join(path, "name")));
  assign(settings, "minSeverity", r.oneOf(e.minSeverity, join(path, "minSeverity"), SEVERITIES));
  assign(settings, "timeoutSeconds", r.number(e.timeoutSeconds, join(path, "timeoutSeconds"), { above: 0 }));
  const delays = r.array(e.retryDelaysSeconds, join(path, "retryDelaysSeconds"));
  if (delays) settings.retryDelaysSeconds = delays.map((d, i) => r.number(d, join(join(path, "retryDelaysSeconds"), i), { min: 0 })!);
  return settings;
}

const NOTIFIER_KEYS = ["name", "minSeverity", "timeoutSeconds", "retryDelaysSeconds"];

function parseWebhook(r: ConfigReader, value: unknown, path: string): WebhookSettings {
  const e = r.object(value, path, [...NOTIFIER_KEYS, "url", "format", "secret", "headers"]);
  if (!e) r.fail(path, "a mapping with a url", value);
  const url = checkUrl(r, r.required(r.string(e.url, join(path, "url")), join(path, "url"), "the http(s) URL to POST alerts to"), join(path, "url"));
  const webhook: WebhookSettings = { ...parseNotifierSettings(r, e, path), url };
  assign(webhook, "format", r.oneOf(e.format, join(path, "format"), ["json", "slack"] as const));
  assign(webhook, "secret", r.string(e.secret, join(path, "secret")));
  const headers = r.record(e.headers, join(path, "headers"));
  if (headers) {
    webhook.headers = {};
    for (const [name, header] of Object.entries(headers)) webhook.headers[name] = r.string(header, join(join(path, "headers"), name), { nonEmpty: false })!;
  }
  return webhook;
}

function parseEmail(r: ConfigReader, value: unknown, path: string): EmailSettings {
  const e = r.object(value, path, [...NOTIFIER_KEYS, "smtp", "from", "to", "subjectPrefix"]);
  if (!e) r.fail(path, "a mapping with smtp, from and to", value);
  const smtpPath = join(path, "smtp");
  let smtp: string | SmtpSettings;
  if (typeof e.smtp === "string") {
    smtp = e.smtp;
    if (!/^smtps?:\/\//.test(smtp)) r.fail(smtpPath, 'an smtp:// or smtps:// URL, or a mapping with host and port', smtp);
  } else {
    const s = r.object(e.smtp, smtpPath, ["host", "port", "secure", "user", "password", "requireTLS", "allowInvalidCertificate"]);
    if (!s) throw new MonitorConfigError(r.source, smtpPath, "missing; expected an smtp:// URL or a mapping with host and port");
    const settings: SmtpSettings = { host: r.required(r.string(s.host, join(smtpPath, "host")), join(smtpPath, "host"), "the SMTP server's host name") };
    assign(settings, "port", r.number(s.port, join(smtpPath, "port"), { min: 1, integer: true }));
    assign(settings, "secure", r.boolean(s.secure, join(smtpPath, "secure")));
    assign(settings, "user", r.string(s.user, join(smtpPath, "user")));
    assign(settings, "password", r.string(s.password, join(smtpPath, "password"), { nonEmpty: false }));
    assign(settings, "requireTLS", r.boolean(s.requireTLS, join(smtpPath, "requireTLS")));
    assign(settings, "allowInvalidCertificate", r.boolean(s.allowInvalidCertificate, join(smtpPath, "allowInvalidCertificate")));
    smtp = settings;
  }
  const from = r.required(r.string(e.from, join(path, "from")), join(path, "from"), "the sender's address");
  const toList = r.list(e.to, join(path, "to"));
  if (!toList || toList.length === 0) throw new MonitorConfigError(r.source, join(path, "to"), "missing; expected one address or a list of addresses");
  const to = toList.map((address, i) => r.string(address, Array.isArray(e.to) ? join(join(path, "to"), i) : join(path, "to"))!);
  for (const [field, address] of [["from", from], ...to.map((a, i) => [Array.isArray(e.to) ? join("to", i) : "to", a])] as [string, string][]) {
    if (!/^[^\s@]+@[^\s@]+$/.test(address.replace(/^.*<([^>]*)>\s*$/, "$1"))) r.fail(join(path, field), "an email address", address);
  }
  const email: EmailSettings = { ...parseNotifierSettings(r, e, path), smtp, from, to };
  assign(email, "subjectPrefix", r.string(e.subjectPrefix, join(path, "subjectPrefix"), { nonEmpty: false }));
  return email;
}

function checkNames(r: ConfigReader, value: unknown, path: string): CheckName[] | undefined {
  const list = r.array(value, path);
  return list?.map((name, i) => r.oneOf(name, join(path, i), CHECK_NAMES)!);
}

function checkUrl(r: ConfigReader, value: string, path: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return r.fail(path, "an http:// or https:// URL", value);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") r.fail(path, "an http:// or https:// URL", value);
  return value;
}

/** Sets `target[key]` only when the value is defined (options objects never hold explicit undefineds). */
function assign<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}
