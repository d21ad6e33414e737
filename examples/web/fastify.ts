/**
 * A Fastify app that enqueues a job from a route: POST /invoices/42/send → 202.
 * Run: npx tsx examples/web/fastify.ts (PORT, default a free port; REDIS_URL).
 */
import Fastify from "fastify";
import { SendInvoice } from "./jobs.js";
import { closeOnSignal, invoiceId, resque } from "./resque.js";

const app = Fastify();

app.post<{ Params: { id: string } }>("/invoices/:id/send", async (request, reply) => {
  const id = invoiceId(request.params.id);
  if (id === undefined) return reply.code(400).send({ error: "the invoice id must be a positive whole number" });
  await resque.enqueue(SendInvoice, id); // a rejection becomes Fastify's 500
  return reply.code(202).send({ queued: "SendInvoice", invoiceId: id });
});

const url = await app.listen({ port: Number(process.env.PORT ?? 0), host: "127.0.0.1" });
console.log(`fastify listening on ${url}`);
closeOnSignal(() => app.close());
