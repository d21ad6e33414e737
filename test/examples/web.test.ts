import { describe, expect, it } from "vitest";
import { runTs } from "../helpers/processes.js";
import { useRedis } from "../helpers/resque.js";

describe("examples/web: apps that enqueue from a route", () => {
  const redis = useRedis();

  for (const framework of ["express", "fastify", "hono"]) {
    it(`${framework}: POST /invoices/:id/send enqueues SendInvoice and answers 202`, async () => {
      const proc = runTs(`examples/web/${framework}.ts`, { REDIS_URL: redis.server().url });
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(await proc.line(/listening on /))![1]!;

      const accepted = await fetch(`${url}/invoices/42/send`, { method: "POST" });
      expect(accepted.status).toBe(202);
      expect(await accepted.json()).toEqual({ queued: "SendInvoice", invoiceId: 42 });
      const refused = await fetch(`${url}/invoices/forty-two/send`, { method: "POST" });
      expect(refused.status).toBe(400);

      const client = redis.server().client();
      expect(await client.lrange("resque:queue:mail", 0, -1)).toEqual(['{"class":"SendInvoice","args":[42]}']);
      await client.quit();

      proc.child.kill("SIGTERM");
      expect((await proc.exited).code, proc.stderr()).toBe(0);
    });
  }
});
