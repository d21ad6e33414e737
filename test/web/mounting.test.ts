/**
 * Mounting the dashboard in host apps under a path prefix (Express, Fastify, Hono, plain http),
 * several instances with one combined overview, and the resque-web command.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { Admin } from "../../src/index.js";
import { createDashboard } from "../../src/web/index.js";
import { until } from "../helpers/events.js";
import { runTs } from "../helpers/processes.js";
import { useRedis } from "../helpers/resque.js";
import { WebClient } from "../helpers/web-client.js";

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

/** Loads the queue page under `mount`, checks its links carry the prefix, and clears the queue through a form post. */
async function exercise(origin: string, mount: string, admin: Admin): Promise<void> {
  const web = new WebClient((r) => fetch(r), origin);
  const page = await web.get(`${mount}/queues/mail`);
  expect(page.status).toBe(200);
  expect(page.body).toContain(`href="${mount}/queues"`);
  expect(page.body).toMatch(new RegExp(`href="${mount}/assets/dashboard\\.[0-9a-f]{12}\\.css"`));
  expect(page.response.headers.get("set-cookie")).toContain(`Path=${mount}`);
  const css = /href="([^"]+\.css)"/.exec(page.body)![1]!;
  expect((await web.get(css)).status).toBe(200);
  const done = await web.submit(`${mount}/queues/mail/clear`, { confirm: "yes", return: "/queues/mail" });
  expect(done.flash).toBe('Dropped 1 job from "mail".');
  expect(await admin.queues.size("mail")).toBe(0);
}

describe("mounting the dashboard", () => {
  const redis = useRedis();

  async function setup() {
    const resque = redis.make();
    await resque.enqueueTo("mail", "SendMail", 1);
    return resque.admin;
  }

  it("in Express with app.use(path, handler): the mount path is found by itself", async () => {
    const admin = await setup();
    const app = express();
    app.use("/admin/resque", createDashboard({ admins: admin }).handler);
    const server = createServer(app);
    try {
      await exercise(await listen(server), "/admin/resque", admin);
    } finally {
      await close(server);
    }
  });

  it("in Express behind body parsers that read the form bodies first (urlencoded simple and extended, json, text)", async () => {
    for (const parser of ["simple", "extended", "text"] as const) {
      const admin = await setup();
      // Two failed jobs, to post a form with a repeated field (a selection of entries).
      const client = redis.server().client();
      const failure = (n: number) => JSON.stringify({ failed_at: "2026/12/02 06:00:00 UTC", payload: { class: "Boom", args: [n] }, exception: "RuntimeError", error: "boom", backtrace: [], worker: "w", queue: "mail" });
      await client.rpush("resque:failed", failure(1), failure(2));
      await client.quit();
      const app = express();
      app.use(express.json());
      app.use(parser === "text" ? express.text({ type: "*/*" }) : express.urlencoded({ extended: parser === "extended" }));
      app.use("/resque", createDashboard({ admins: admin }).handler);
      const server = createServer(app);
      try {
        const origin = await listen(server);
        await exercise(origin, "/resque", admin);
        const web = new WebClient((r) => fetch(r), origin);
        await web.get("/resque/failed");
        const entry = (await admin.failed.page()).map((e) => JSON.stringify({ list: e.list, index: e.index, raw: e.raw }));
        expect((await web.submit("/resque/failed/selected", { op: "remove", entry })).flash).toBe("Removed 2 failed jobs.");
        expect(await admin.failed.count()).toBe(0);
      } finally {
        await close(server);
      }
    }
  });

  it("in Fastify, with the prefix given and form bodies left to the dashboard", async () => {
    const admin = await setup();
    const dashboard = createDashboard({ admins: admin, prefix: "/resque" });
    const app = Fastify();
    await app.register(
      async (scope) => {
        scope.removeAllContentTypeParsers();
        scope.addContentTypeParser("*", (_request, _payload, done) => done(null));
        scope.all("/*", (request, reply) => {
          reply.hijack();
          dashboard.handler(request.raw, reply.raw);
        });
      },
      { prefix: "/resque" },
    );
    const origin = await app.listen({ port: 0, host: "127.0.0.1" });
    try {
      await exercise(origin, "/resque", admin);
    } finally {
      await app.close();
    }
  });

  it("in Hono, handing the raw request to dashboard.fetch", async () => {
    const admin = await setup();
    const dashboard = createDashboard({ admins: admin, prefix: "/jobs" });
    const app = new Hono();
    app.all("/jobs/*", (c) => dashboard.fetch(c.req.raw));
    const { getRequestListener } = await import("@hono/node-server");
    const server = createServer(getRequestListener(app.fetch));
    try {
      await exercise(await listen(server), "/jobs", admin);
    } finally {
      await close(server);
    }
  });

  it("several instances: one combined overview with a row each, an unreachable one included, and a page per instance", async () => {
    await setup();
    const eu = new Admin({ redis: redis.server().url, name: "eu" });
    const down = new Admin({ redis: "redis://127.0.0.1:1", name: "us", connectionTimeout: 0.5 });
    const dashboard = createDashboard({ admins: [eu, down] });
    const web = new WebClient((r) => dashboard.fetch(r));
    try {
      const root = await web.get("/");
      expect(root.status).toBe(200);
      expect(root.body).toContain('href="/eu/"');
      expect(root.body).toMatch(/<tr class="unreachable"><td><a href="\/us\/">us<\/a>/);
      const queue = await web.get("/eu/queues/mail");
      expect(queue.status).toBe(200);
      expect(queue.body).toContain('href="/eu/failed"');
      expect((await web.get("/us/queues")).status).toBe(503);
      const live = JSON.parse((await web.get("/live.json")).body) as { values: Record<string, number> };
      expect(live.values["eu/queue:mail"]).toBe(1);
    } finally {
      await Promise.all([eu.close(), down.close()]);
    }
  });

  it("serves the monitor's handlers at /status and /metrics when given, behind the same auth", async () => {
    const admin = await setup();
    const dashboard = createDashboard({
      admins: admin,
      basicAuth: { username: "ops", password: "pw" },
      statusPage: () => new Response("all good"),
      metrics: () => new Response("resque_up 1\n", { headers: { "content-type": "text/plain" } }),
    });
    const auth = { authorization: `Basic ${Buffer.from("ops:pw").toString("base64")}` };
    expect((await dashboard.fetch(new Request("http://127.0.0.1/metrics"))).status).toBe(401);
    expect(await (await dashboard.fetch(new Request("http://127.0.0.1/metrics", { headers: auth }))).text()).toBe("resque_up 1\n");
    expect(await (await dashboard.fetch(new Request("http://127.0.0.1/status", { headers: auth }))).text()).toBe("all good");
  });

  it("resque-web serves a read-only dashboard on loopback with basic auth from the environment", async () => {
    const admin = await setup();
    const proc = runTs("src/cli/resque-web.ts", { REDIS_URL: redis.server().url, RESQUE_WEB_USERNAME: "ops", RESQUE_WEB_PASSWORD: "pw" }, ["--port", "0", "--read-only"]);
    try {
      const line = await proc.line(/listening on/);
      const url = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(line)![1]!;
      expect(line).toContain("(read-only)");
      expect((await fetch(`${url}/`)).status).toBe(401);
      const web = new WebClient((r) => fetch(r), url, { authorization: `Basic ${Buffer.from("ops:pw").toString("base64")}` });
      const page = await web.get("/queues");
      expect(page.status).toBe(200);
      expect(page.body).toContain("read-only");
      expect((await web.post("/queues/mail/clear", { confirm: "yes" })).status).toBe(403);
      expect(await admin.queues.size("mail")).toBe(1);
      proc.child.kill("SIGTERM");
      expect((await proc.exited).code).toBe(0);
    } finally {
      proc.child.kill("SIGKILL");
    }
  });

  it("resque-web serves the monitor's metrics and status page, and with --monitor sends its alerts", async () => {
    const admin = await setup(); // "mail" holds a job and no worker takes from it
    const received: string[] = [];
    const receiver = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        received.push(body);
        res.end("ok");
      });
    });
    const hook = await listen(receiver);
    const dir = mkdtempSync(join(tmpdir(), "resque-web-monitor-"));
    const config = join(dir, "monitor.yml");
    writeFileSync(config, `intervalSeconds: 60\nnotify:\n  webhooks:\n    - url: ${hook}/alerts\n`);
    const proc = runTs("src/cli/resque-web.ts", { REDIS_URL: redis.server().url }, ["--port", "0", "--monitor", config]);
    try {
      const url = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(await proc.line(/listening on/))![1]!;
      const metrics = await (await fetch(`${url}/metrics`)).text();
      expect(metrics).toMatch(/^resque_queue_size\{[^}]*queue="mail"[^}]*\} 1$/m);
      const status = await fetch(`${url}/status`);
      expect(status.status).toBe(200);
      expect(await status.text()).toContain("mail");
      // The first evaluation ran at start: the queue without workers fired one alert.
      await until(async () => received.length, (n) => n >= 1, 10_000);
      expect(JSON.parse(received[0]!)).toMatchObject({ alert: expect.objectContaining({ check: "queue-without-workers" }) });
      proc.child.kill("SIGTERM");
      expect((await proc.exited).code).toBe(0);
      expect(await admin.queues.size("mail")).toBe(1);
    } finally {
      proc.child.kill("SIGKILL");
      await close(receiver);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("resque-web refuses unnamed instances among several, and a password without a user name", async () => {
    for (const [args, message] of [
      [["--redis", "redis://127.0.0.1:1", "--redis", "b=redis://127.0.0.1:2"], "name each one"],
      [["--password", "pw"], "needs both a user name and a password"],
    ] as const) {
      const proc = runTs("src/cli/resque-web.ts", {}, [...args, "--port", "0"]);
      expect((await proc.exited).code).toBe(1);
      expect(proc.stderr()).toContain(message);
    }
  });
});
