/**
 * The dashboard: a Hono app over one or several Admins, with the security layers every request
 * passes (headers, auth, read-only, CSRF), as a fetch handler and as a Node request handler.
 * It reads and changes Resque only through the admin API.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { getRequestListener } from "@hono/node-server";
import { Hono, type MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { assets } from "./assets.js";
import type { PageState, WebEnv } from "./context.js";
import { readFlash } from "./flash.js";
import { restoreReadBody } from "./read-body.js";
import { registerInstanceRoutes } from "./routes/index.js";
import { registerRootRoutes } from "./routes/root.js";
import { errorPage, notFoundPage, refusedPage } from "./routes/errors.js";
import { BASIC_AUTH_CHALLENGE, checkBasicAuth } from "./security/auth.js";
import { CSRF_COOKIE, CSRF_FIELD, CSRF_HEADER, CsrfTokens, isCrossSite } from "./security/csrf.js";
import { SECURITY_HEADERS } from "./security/headers.js";
import { resolveOptions, type DashboardOptions, type DashboardRequest, type Instance, type ResolvedOptions } from "./options.js";

/** A dashboard, ready to serve: mount `handler` in a Node app, or call `fetch`. */
export interface Dashboard {
  /** The fetch-standard handler (Hono, Bun, Deno, service workers, tests). */
  fetch: (request: Request) => Promise<Response>;
  /** A Node request handler: `http.createServer(handler)`, `expressApp.use("/resque", handler)`. */
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** The Hono app itself, for Hono apps that prefer `app.route()`; set `prefix` to the path it is routed under. */
  app: Hono;
}

/** Builds a dashboard over the given Admins (see DashboardOptions). It opens no connection of its own. */
export function createDashboard(options: DashboardOptions): Dashboard {
  const resolved = resolveOptions(options);
  const csrf = new CsrfTokens(resolved.secret);
  assets(); // read the asset files now: a broken install fails here, not on the first page
  const app = new Hono<WebEnv>({
    // The path below the mount point, whether or not the host stripped the mount point off.
    getPath: (request, options) => {
      const path = pathOf(request.url);
      const mount = mountOf(resolved, options?.env as WebEnv["Bindings"] | undefined);
      return mount !== "" && (path === mount || path.startsWith(`${mount}/`)) ? path.slice(mount.length) || "/" : path;
    },
  });
  app.use(securityHeaders);
  app.get("/assets/:file", (c) => {
    const asset = [...assets().values()].find((a) => a.path === `/assets/${c.req.param("file")}`);
    if (!asset) return c.notFound();
    return c.body(asset.body, 200, { "content-type": asset.contentType, "cache-control": "public, max-age=31536000, immutable" });
  });
  app.use(authenticate(resolved));
  app.use(session(resolved, csrf));
  app.use(guardChanges(resolved));
  if (resolved.statusPage) {
    const handler = resolved.statusPage;
    app.all("/status", (c) => handler(c.req.raw));
  }
  if (resolved.metrics) {
    const handler = resolved.metrics;
    app.get("/metrics", (c) => handler(c.req.raw));
  }
  if (resolved.instances.length === 1) {
    registerInstanceRoutes(app, resolved.instances[0]!);
  } else {
    registerRootRoutes(app);
    for (const instance of resolved.instances) {
      const sub = new Hono<WebEnv>();
      sub.use(enterInstance(instance));
      registerInstanceRoutes(sub, instance);
      app.route(`/${instance.slug}`, sub);
    }
  }
  app.notFound((c) => notFoundPage(c));
  app.onError((error, c) => errorPage(c, error));

  const fetch = async (request: Request, env: WebEnv["Bindings"] = {}) => app.fetch(request, env);
  const listener = getRequestListener((request, env) => fetch(request, env as WebEnv["Bindings"]), { overrideGlobalObjects: false });
  return {
    fetch: (request) => Promise.resolve(fetch(request)),
    handler: (req, res) => {
      restoreReadBody(req);
      void listener(req, res);
    },
    app: app as unknown as Hono,
  };
}

function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("://") + 3);
  if (start < 0) return "/";
  const end = url.indexOf("?", start) >= 0 ? url.indexOf("?", start) : url.indexOf("#", start);
  const raw = url.slice(start, end < 0 ? undefined : end);
  try {
    return decodeURI(raw); // keeps %2F and %3F: a queue name may hold "/" or "?"
  } catch {
    return raw;
  }
}

/** Where the dashboard is mounted for this request: the prefix option, else Express' mount path. */
function mountOf(options: ResolvedOptions, env: WebEnv["Bindings"] | undefined): string {
  if (options.prefix !== undefined) return options.prefix;
  const baseUrl = (env?.incoming as (IncomingMessage & { baseUrl?: unknown }) | undefined)?.baseUrl;
  return typeof baseUrl === "string" ? baseUrl.replace(/\/+$/, "") : "";
}

const securityHeaders: MiddlewareHandler<WebEnv> = async (c, next) => {
  await next();
  let headers = c.res.headers;
  try {
    headers.set("x-content-type-options", "nosniff");
  } catch {
    // A response with immutable headers (Response.redirect from an authorize hook): copy it.
    c.res = new Response(c.res.body, { status: c.res.status, statusText: c.res.statusText, headers: new Headers(c.res.headers) });
    headers = c.res.headers;
  }
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) headers.set(name, value);
  if (!headers.has("cache-control")) headers.set("cache-control", "no-store");
};

function requestOf(c: { req: { raw: Request }; env: WebEnv["Bindings"] }): DashboardRequest {
  const { incoming, outgoing } = c.env ?? {};
  return { request: c.req.raw, node: incoming && outgoing ? { req: incoming, res: outgoing } : undefined };
}

function authenticate(options: ResolvedOptions): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    if (options.basicAuth && !checkBasicAuth(c.req.header("authorization") ?? null, options.basicAuth)) {
      return c.text("Sign in to use the dashboard.\n", 401, { "www-authenticate": BASIC_AUTH_CHALLENGE });
    }
    if (options.authorize) {
      const verdict = await options.authorize(requestOf(c));
      if (verdict instanceof Response) return verdict;
      if (verdict !== true) return c.text("You are not allowed to use the dashboard.\n", 403);
    }
    await next();
  };
}

/** The CSRF cookie (set on first visit), the read-only verdict and the flash message. */
function session(options: ResolvedOptions, csrf: CsrfTokens): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    const mount = mountOf(options, c.env);
    let id = getCookie(c, CSRF_COOKIE);
    if (!id || !/^[A-Za-z0-9_-]{16,64}$/.test(id)) {
      id = c.req.method === "GET" || c.req.method === "HEAD" ? csrf.newId() : undefined;
      if (id) setCookie(c, CSRF_COOKIE, id, { path: mount || "/", httpOnly: true, sameSite: "Strict", secure: new URL(c.req.url).protocol === "https:" });
    }
    const readOnly = typeof options.readOnly === "function" ? await options.readOnly(requestOf(c)) : options.readOnly;
    const url = new URL(c.req.url);
    const page: PageState = {
      options,
      csrf,
      root: mount,
      instance: options.instances.length === 1 ? options.instances[0] : undefined,
      base: mount,
      token: id ? csrf.tokenFor(id) : "",
      readOnly: readOnly === true,
      flash: c.req.method === "GET" ? readFlash(c, mount) : undefined,
      here: `${c.req.path}${url.search}`,
    };
    c.set("page", page);
    await next();
  };
}

/** Every request that is not a read: refused in read-only mode, from another site, or without the CSRF token. */
function guardChanges(options: ResolvedOptions): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    const method = c.req.method;
    if (method === "GET" || method === "HEAD" || method === "OPTIONS") return next();
    if (c.req.path === "/status" && options.statusPage) return next(); // not ours to judge
    const page = c.get("page");
    if (page.readOnly) return refusedPage(c, 403, "This dashboard is read-only: nothing can be changed from it.");
    if (isCrossSite(c.req.raw)) return refusedPage(c, 403, "This request came from another site, so it was refused. Use the dashboard's own pages to make changes.");
    const form = (c.req.header("content-type") ?? "").includes("form") ? await c.req.parseBody() : {};
    const token = c.req.header(CSRF_HEADER) ?? (typeof form[CSRF_FIELD] === "string" ? form[CSRF_FIELD] : undefined);
    if (!page.csrf.verify(getCookie(c, CSRF_COOKIE), token)) {
      return refusedPage(c, 403, "This form has expired or did not come from the dashboard (its security token is missing or wrong). Reload the page and try again.");
    }
    await next();
  };
}

function enterInstance(instance: Instance): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    const page = c.get("page");
    c.set("page", { ...page, instance, base: `${page.root}/${instance.slug}` });
    await next();
  };
}
