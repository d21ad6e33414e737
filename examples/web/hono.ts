/**
 * A Hono app (on Node with @hono/node-server) that enqueues a job from a route:
 * POST /invoices/42/send → 202. Run: npx tsx examples/web/hono.ts (PORT, default a free port; REDIS_URL).
 */
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { SendInvoice } from "./jobs.js";
import { closeOnSignal, invoiceId, resque } from "./resque.js";

const app = new Hono();

app.post("/invoices/:id/send", async (c) => {
  const id = invoiceId(c.req.param("id"));
  if (id === undefined) return c.json({ error: "the invoice id must be a positive whole number" }, 400);
  await resque.enqueue(SendInvoice, id); // a rejection becomes Hono's 500
  return c.json({ queued: "SendInvoice", invoiceId: id }, 202);
});

const server = serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 0), hostname: "127.0.0.1" }, (info) => {
  console.log(`hono listening on http://127.0.0.1:${info.port}`);
});
closeOnSignal(() => new Promise((resolve) => server.close(() => resolve())));
