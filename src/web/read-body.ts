/**
 * A form body that a host's body parser read before the dashboard did. Express' parsers
 * (`express.urlencoded()`, body-parser) consume the request stream and leave an object on
 * `req.body`; the dashboard would then find no body, and every form post would fail. What they
 * left is written back as the bytes it came from, on `rawBody`, which @hono/node-server reads
 * instead of the stream (as it does for hosts that keep the raw bytes there).
 */
import type { IncomingMessage } from "node:http";

type ParsedRequest = IncomingMessage & { body?: unknown; rawBody?: unknown };

/**
 * Puts a body read by middleware back as bytes: a form parsed into an object, or a body kept as
 * text or bytes (`express.text()`, `express.raw()`); leaves every other request alone.
 */
export function restoreReadBody(req: IncomingMessage): void {
  const parsed = req as ParsedRequest;
  if (parsed.rawBody !== undefined || parsed.body === undefined || parsed.body === null) return;
  if (!(req.readableEnded || (req.complete && !req.readable))) return; // the stream still holds the body
  if (typeof parsed.body === "string" || Buffer.isBuffer(parsed.body)) {
    parsed.rawBody = Buffer.from(parsed.body);
    return;
  }
  if (typeof parsed.body !== "object") return;
  if (!(req.headers["content-type"] ?? "").toLowerCase().startsWith("application/x-www-form-urlencoded")) return;
  const form = new URLSearchParams();
  appendFields(form, "", parsed.body as Record<string, unknown>);
  parsed.rawBody = Buffer.from(form.toString());
}

/**
 * Field by field: a repeated field parsed as an array is repeated again; an object (the `qs`
 * parser's nesting, `a[b]=1`) is written back with brackets, as it arrived.
 */
function appendFields(form: URLSearchParams, prefix: string, fields: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(fields)) {
    const name = prefix === "" ? key : `${prefix}[${key}]`;
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== null && typeof item === "object") appendFields(form, name, item as Record<string, unknown>);
      else if (item !== undefined) form.append(name, String(item));
    }
  }
}
