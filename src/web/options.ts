/**
 * What a dashboard is given: the Admins it shows, where it is mounted, who may use it and how,
 * and the handlers of other tools it serves beside its pages. Checked once, when it is created.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Admin } from "../admin/index.js";
import { ConfigurationError } from "../errors.js";
import type { ChecksConfig } from "../monitor/checks.js";

/** A handler of the fetch standard: a Request in, a Response out. */
export type FetchHandler = (request: Request) => Response | Promise<Response>;

/** What an auth hook or a read-only function sees of a request. */
export interface DashboardRequest {
  /** The request as the dashboard received it. */
  request: Request;
  /** The Node request and response, when the dashboard runs as a Node handler (Express, Fastify, http). */
  node: { req: IncomingMessage; res: ServerResponse } | undefined;
}

/**
 * Decides whether a request may use the dashboard: true lets it through, false answers 403, and a
 * Response is sent as it is (a redirect to the host app's login page, for example).
 */
export type AuthorizeHook = (context: DashboardRequest) => boolean | Response | Promise<boolean | Response>;

export interface DashboardOptions {
  /** The Resque(s) to show: an Admin (`new Admin(...)` or `resque.admin`), or several, one per Redis + namespace, shown by their `name`. */
  admins: Admin | readonly Admin[];
  /**
   * The path the dashboard is served under, as the browser sees it (e.g. "/admin/resque"); links
   * and cookies use it. Default "": the root, or, as an Express handler, the path it is mounted at.
   */
  prefix?: string;
  /** Refuse every change (pages still show everything). A function decides per request, e.g. by the user's role. Default false. */
  readOnly?: boolean | ((context: DashboardRequest) => boolean | Promise<boolean>);
  /** HTTP basic auth: every request needs this user name and password. */
  basicAuth?: { username: string; password: string };
  /** Your own check, run on every request after basic auth (see AuthorizeHook). */
  authorize?: AuthorizeHook;
  /**
   * Key that signs the CSRF tokens of forms. Default: random per process, so forms rendered before
   * a restart must be reloaded; give the same secret to every process behind one load balancer.
   */
  secret?: string;
  /** Thresholds of the overview's attention list (the monitor's checks). */
  checks?: ChecksConfig;
  /** Seconds between refreshes of the live numbers while the tab is visible; 0 turns them off. Default 5. */
  refreshSeconds?: number;
  /** Served at /status when given (the monitor's status page). */
  statusPage?: FetchHandler;
  /** Served at /metrics when given (the monitor's Prometheus metrics). */
  metrics?: FetchHandler;
  /** Shown in the header and the page titles. Default "resque-web". */
  title?: string;
}

/** One Resque the dashboard shows. */
export interface Instance {
  name: string;
  /** Its path segment when there are several ("" when there is one). */
  slug: string;
  admin: Admin;
}

export interface ResolvedOptions {
  instances: Instance[];
  prefix: string | undefined;
  readOnly: boolean | ((context: DashboardRequest) => boolean | Promise<boolean>);
  basicAuth: { username: string; password: string } | undefined;
  authorize: AuthorizeHook | undefined;
  secret: string | undefined;
  checks: ChecksConfig;
  refreshSeconds: number;
  statusPage: FetchHandler | undefined;
  metrics: FetchHandler | undefined;
  title: string;
}

/** Path segments the dashboard uses itself: an instance cannot be called that. */
const RESERVED = new Set(["assets", "live.json", "status", "metrics"]);

export function resolveOptions(options: DashboardOptions): ResolvedOptions {
  if (typeof options !== "object" || options === null) throw new ConfigurationError("createDashboard needs options: { admins: new Admin({ redis, namespace }) }.");
  const admins = options.admins instanceof Admin ? [options.admins] : options.admins;
  if (!Array.isArray(admins) || admins.length === 0 || !admins.every((a) => a instanceof Admin)) {
    throw new ConfigurationError("The dashboard's `admins` is an Admin (new Admin({ redis, namespace }) or resque.admin) or a non-empty array of them.");
  }
  const instances = admins.map((admin: Admin) => ({ name: admin.name, slug: admins.length === 1 ? "" : slugOf(admin.name), admin }));
  const seen = new Set<string>();
  for (const instance of instances) {
    if (seen.has(instance.slug)) throw new ConfigurationError(`Two Admins are both named "${instance.name}"; give each a distinct \`name\` (new Admin({ name: "eu", ... })).`);
    if (RESERVED.has(instance.slug)) throw new ConfigurationError(`An instance cannot be named "${instance.name}": the dashboard uses that path itself. Pick another name.`);
    seen.add(instance.slug);
  }
  const prefix = options.prefix === undefined ? undefined : normalizePrefix(options.prefix);
  if (options.basicAuth !== undefined) {
    const { username, password } = options.basicAuth ?? {};
    if (typeof username !== "string" || username === "" || username.includes(":") || typeof password !== "string" || password === "") {
      throw new ConfigurationError("basicAuth is { username, password }: both non-empty strings, and the user name without \":\".");
    }
  }
  const refreshSeconds = options.refreshSeconds ?? 5;
  if (typeof refreshSeconds !== "number" || !Number.isFinite(refreshSeconds) || refreshSeconds < 0) {
    throw new ConfigurationError(`refreshSeconds is a number of seconds, 0 or more (0 turns refreshing off); got ${JSON.stringify(options.refreshSeconds)}.`);
  }
  for (const name of ["authorize", "statusPage", "metrics"] as const) {
    if (options[name] !== undefined && typeof options[name] !== "function") throw new ConfigurationError(`The dashboard option \`${name}\` is a function, got ${typeof options[name]}.`);
  }
  if (options.secret !== undefined && (typeof options.secret !== "string" || options.secret.length < 16)) {
    throw new ConfigurationError("The dashboard's `secret` signs CSRF tokens: give a string of at least 16 characters (e.g. openssl rand -hex 32).");
  }
  return {
    instances,
    prefix,
    readOnly: options.readOnly ?? false,
    basicAuth: options.basicAuth,
    authorize: options.authorize,
    secret: options.secret,
    checks: options.checks ?? {},
    refreshSeconds,
    statusPage: options.statusPage,
    metrics: options.metrics,
    title: options.title ?? "resque-web",
  };
}

/** "/admin/resque/" → "/admin/resque"; "" and "/" → "". */
export function normalizePrefix(prefix: string): string {
  if (typeof prefix !== "string" || (prefix !== "" && !prefix.startsWith("/")) || /[?#\s\\]/.test(prefix) || prefix.includes("//")) {
    throw new ConfigurationError(`The dashboard's prefix is a path such as "/admin/resque", got ${JSON.stringify(prefix)}.`);
  }
  return prefix.replace(/\/+$/, "");
}

/** A URL path segment for an instance name: letters, digits, "-", "_" and "." kept, the rest "-". */
export function slugOf(name: string): string {
  const slug = name.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "");
  return slug === "" || slug === "." || slug === ".." ? "instance" : slug;
}
