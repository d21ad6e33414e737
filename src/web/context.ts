/** What every route and view knows about the request it serves. */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Context } from "hono";
import type { CsrfTokens } from "./security/csrf.js";
import type { Instance, ResolvedOptions } from "./options.js";

/** A message carried over a redirect, shown once. */
export interface Flash {
  kind: "ok" | "error";
  text: string;
}

export interface PageState {
  options: ResolvedOptions;
  csrf: CsrfTokens;
  /** The dashboard's root path as the browser sees it ("" at the root of a host). */
  root: string;
  /** The instance this page is about, when it is about one. */
  instance: Instance | undefined;
  /** The instance's root path (equals `root` with one instance). */
  base: string;
  /** The CSRF token forms carry. */
  token: string;
  readOnly: boolean;
  flash: Flash | undefined;
  /** This page's path and query under the root, where a form on it returns to after its action. */
  here: string;
}

export type WebEnv = {
  Bindings: { mount?: string | undefined; incoming?: IncomingMessage; outgoing?: ServerResponse };
  Variables: { page: PageState };
};

export type WebContext = Context<WebEnv>;

export function pageOf(c: WebContext): PageState {
  return c.get("page");
}

/** The instance a route serves (routes under an instance always have one). */
export function instanceOf(c: WebContext): Instance {
  const instance = c.get("page").instance;
  if (!instance) throw new Error("resque-ts: an instance route ran without an instance");
  return instance;
}

type Query = Record<string, string | number | boolean | undefined>;

/** A path under the current instance (`/queues/mail`) with its query, as the browser must request it. */
export function href(page: Pick<PageState, "base">, path: string, query: Query = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== "" && value !== false) search.set(key, String(value));
  const qs = search.toString();
  return `${page.base}${path === "/" ? "/" : path}${qs ? `?${qs}` : ""}`;
}

/** A path segment from any text (queue names may hold "/" or "?"). */
export function segment(value: string): string {
  return encodeURIComponent(value);
}

/** A path under the instance, relative to the dashboard's root: where an action sends the browser back to. */
export function localPath(page: Pick<PageState, "base" | "root">, path: string): string {
  return `${page.base.slice(page.root.length)}${path}`;
}
