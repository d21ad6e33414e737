/**
 * An Express app that enqueues a job from a route: POST /invoices/42/send → 202.
 * Run: npx tsx examples/web/express.ts (PORT, default a free port; REDIS_URL).
 */
import express from "express";
import { SendInvoice } from "./jobs.js";
import { closeOnSignal, invoiceId, resque } from "./resque.js";

const app = express();

app.post("/invoices/:id/send", async (req, res, next) => {
  const id = invoiceId(req.params.id);
  if (id === undefined) {
    res.status(400).json({ error: "the invoice id must be a positive whole number" });
    return;
  }
  try {
    await resque.enqueue(SendInvoice, id);
    res.status(202).json({ queued: "SendInvoice", invoiceId: id });
  } catch (error) {
    next(error); // Redis unreachable, a hook refused it, ...: a 500, and nothing half-done
  }
});

const server = app.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
  const address = server.address();
  console.log(`express listening on http://127.0.0.1:${typeof address === "object" && address ? address.port : ""}`);
});
closeOnSignal(() => new Promise((resolve) => server.close(() => resolve())));
