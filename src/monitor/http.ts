/**
 * Serving fetch-style handlers from node:http: an adapter for mounting one in any Node HTTP
 * framework (Express, Fastify, plain http), and the monitor's own small server.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { lazyDependency } from "../lazy-dependency.js";
import type { FetchHandler } from "./status-page.js";

/** node:http, loaded when a server is made: a worker that serves nothing does not load it. */
const http = lazyDependency<typeof import("node:http")>("node:http");

/** A node:http request listener that answers with `handler` (e.g. `app.get("/metrics", toNodeListener(monitor.metrics))`). */
export function toNodeListener(handler: FetchHandler): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void answer(handler, req, res);
  };
}

async function answer(handler: FetchHandler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const host = req.headers.host ?? "localhost";
    // Express strips a mount path from req.url and keeps the full path in originalUrl.
    const url = new URL((req as { originalUrl?: string }).originalUrl ?? req.url ?? "/", `http://${host}`);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
    }
    const method = req.method ?? "GET";
    const body = method === "GET" || method === "HEAD" ? undefined : await readBody(req);
    const response = await handler(new Request(url, { method, headers, ...(body === undefined ? {} : { body }) }));
    res.statusCode = response.status;
    response.headers.forEach((value, name) => res.setHeader(name, value));
    res.end(method === "HEAD" ? undefined : Buffer.from(await response.arrayBuffer()));
  } catch (error) {
    if (!res.headersSent) {
      res.statusCode = 500;
      res.setHeader("content-type", "text/plain; charset=utf-8");
    }
    res.end(`Internal error: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** A running server: where it listens, and how to stop it. */
export interface ServedHandlers {
  /** `http://host:port`. */
  url: string;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

/** Serves each handler at its exact path (`/metrics`, `/status`); anything else is 404. */
export async function serveHandlers(routes: Record<string, FetchHandler>, options: { port: number; host: string }): Promise<ServedHandlers> {
  const listeners = Object.fromEntries(Object.entries(routes).map(([path, handler]) => [path, toNodeListener(handler)]));
  const server = http().createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    const listener = listeners[path];
    if (listener) return listener(req, res);
    res.statusCode = 404;
    res.setHeader("content-type", "text/plain; charset=utf-8");
    res.end(`Not found. Try ${Object.keys(routes).join(", ")}.\n`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
