/**
 * The status page: the alerts firing now and the recent transitions of every instance, as HTML
 * for people and JSON for programs, from one fetch-style handler that can be mounted under any
 * path (`resque-web` mounts it at /status; the monitor serves it itself).
 */
import { createHash } from "node:crypto";
import type { Alert } from "./alert.js";
import { duration } from "./alert.js";
import type { StatusPageSettings } from "./config.js";
import type { AlertsSnapshot } from "./monitor.js";

/** A handler in the style of the Fetch API: what Hono, Bun, Deno and Node adapters mount. */
export type FetchHandler = (request: Request) => Promise<Response>;

type Level = "ok" | "warning" | "critical";

/** JSON: `{ at, status, instances: [{ name, ok, error?, evaluatedAt, status, firing: [alert], recent: [{ kind, at, alert }] }] }`. */
export function statusJson(snapshot: AlertsSnapshot): Record<string, unknown> {
  const instances = snapshot.instances.map((i) => ({
    name: i.name,
    ok: i.ok,
    ...(i.error === undefined ? {} : { error: i.error }),
    evaluatedAt: i.evaluatedAt?.toISOString() ?? null,
    status: i.ok ? levelOf(i.firing) : "critical",
    firing: i.firing.map(alertJson),
    recent: i.recent.map((e) => ({ kind: e.kind, at: e.at.toISOString(), alert: alertJson(e.alert) })),
  }));
  return { at: snapshot.at.toISOString(), status: overallLevel(snapshot), instances };
}

export function statusPage(read: () => Promise<AlertsSnapshot>, settings: StatusPageSettings): FetchHandler {
  const title = settings.title ?? "Resque status";
  return async (request) => {
    if (request.method !== "GET" && request.method !== "HEAD") {
      return new Response("Method not allowed\n", { status: 405, headers: { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" } });
    }
    const snapshot = await read();
    const url = new URL(request.url);
    const wantsJson = url.pathname.endsWith(".json") || url.searchParams.get("format") === "json" || /application\/json/.test(request.headers.get("accept") ?? "");
    const common = { "cache-control": "no-store", "x-content-type-options": "nosniff" };
    if (wantsJson) {
      return new Response(request.method === "HEAD" ? null : JSON.stringify(statusJson(snapshot), null, 2), {
        headers: { ...common, "content-type": "application/json; charset=utf-8" },
      });
    }
    return new Response(request.method === "HEAD" ? null : renderHtml(title, snapshot), {
      headers: {
        ...common,
        "content-type": "text/html; charset=utf-8",
        "content-security-policy": `default-src 'none'; style-src '${STYLE_HASH}'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
        "referrer-policy": "no-referrer",
      },
    });
  };
}

function alertJson(alert: Alert): Record<string, unknown> {
  return {
    id: alert.id,
    check: alert.check,
    subject: alert.subject,
    severity: alert.severity,
    message: alert.message,
    ...(alert.value === undefined ? {} : { value: alert.value }),
    ...(alert.threshold === undefined ? {} : { threshold: alert.threshold }),
    link: alert.link,
    since: alert.since.toISOString(),
    notifications: alert.notifications,
    ...(alert.resolvedAt === undefined ? {} : { resolvedAt: alert.resolvedAt.toISOString() }),
  };
}

/** An instance that cannot be read counts as critical, whether or not this process holds its unreachable alert. */
function overallLevel(snapshot: AlertsSnapshot): Level {
  if (snapshot.instances.some((i) => !i.ok)) return "critical";
  return levelOf(snapshot.instances.flatMap((i) => i.firing));
}

function levelOf(alerts: readonly Alert[]): Level {
  if (alerts.some((a) => a.severity === "critical")) return "critical";
  return alerts.length > 0 ? "warning" : "ok";
}

const STYLE = `
:root { color-scheme: light dark; --bg: #fff; --fg: #1d1f21; --muted: #666; --line: #ddd; --ok: #2e7d32; --warning: #b26a00; --critical: #c62828; }
@media (prefers-color-scheme: dark) { :root { --bg: #16181b; --fg: #e8e8e8; --muted: #9a9a9a; --line: #333; --ok: #66bb6a; --warning: #ffb74d; --critical: #ef5350; } }
body { margin: 0 auto; max-width: 60rem; padding: 1rem; font: 15px/1.5 system-ui, sans-serif; background: var(--bg); color: var(--fg); }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; } h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; } h3 { font-size: .95rem; color: var(--muted); margin: 1rem 0 .25rem; }
.badge { display: inline-block; padding: 0 .5rem; border-radius: .75rem; font-weight: 600; font-size: .85rem; border: 1px solid currentColor; }
.ok { color: var(--ok); } .warning { color: var(--warning); } .critical { color: var(--critical); }
table { width: 100%; border-collapse: collapse; } td, th { text-align: left; padding: .3rem .4rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: .85rem; } .muted { color: var(--muted); font-size: .85rem; } code { font-size: .85rem; }
`;
const STYLE_HASH = `sha256-${createHash("sha256").update(STYLE).digest("base64")}`;

function renderHtml(title: string, snapshot: AlertsSnapshot): string {
  const overall = overallLevel(snapshot);
  const sections = snapshot.instances.map((instance) => {
    const level = instance.ok ? levelOf(instance.firing) : "critical";
    const firing =
      instance.firing.length === 0
        ? `<p class="ok">No alerts.</p>`
        : `<table><thead><tr><th>Severity</th><th>Alert</th><th>Since</th></tr></thead><tbody>${instance.firing
            .map(
              (a) =>
                `<tr><td class="${a.severity}">${a.severity}</td><td>${escapeHtml(a.message)}<div class="muted"><code>${escapeHtml(a.id)}</code></div></td><td>${since(a.since, snapshot.at)}</td></tr>`,
            )
            .join("")}</tbody></table>`;
    const recent =
      instance.recent.length === 0
        ? ""
        : `<h3>Recent</h3><table><tbody>${instance.recent
            .map(
              (e) =>
                `<tr><td class="muted">${time(e.at)}</td><td class="${e.kind === "resolved" ? "ok" : e.alert.severity}">${e.kind}</td><td>${escapeHtml(e.alert.message)}</td></tr>`,
            )
            .join("")}</tbody></table>`;
    const error = instance.ok ? "" : `<p class="critical">Cannot be read: ${escapeHtml(instance.error ?? "unknown error")}</p>`;
    const evaluated = !instance.ok
      ? ""
      : instance.evaluatedAt
        ? `<p class="muted">Last checked ${since(instance.evaluatedAt, snapshot.at)}.</p>`
        : `<p class="warning">No monitor has checked this instance yet: run <code>resque monitor</code> or start a Monitor.</p>`;
    return `<section><h2>${escapeHtml(instance.name)} <span class="badge ${level}">${label(level, instance.firing.length)}</span></h2>${error}${evaluated}${firing}${recent}</section>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="30"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><h1>${escapeHtml(title)} <span class="badge ${overall}">${label(overall, snapshot.instances.reduce((n, i) => n + i.firing.length, 0))}</span></h1>
<p class="muted">Updated ${time(snapshot.at)}; refreshes every 30 s.</p>
${sections.join("\n")}
</body></html>
`;
}

function label(level: Level, count: number): string {
  if (level === "ok") return "all good";
  if (count === 0) return "unreachable";
  return `${count} alert${count === 1 ? "" : "s"}`;
}

function since(at: Date, now: Date): string {
  return `<span title="${time(at)}">${duration(now.getTime() - at.getTime())} ago</span>`;
}

function time(at: Date): string {
  return at.toISOString().replace("T", " ").replace(/\.\d{3}Z$/, " UTC");
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}
