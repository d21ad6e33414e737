/** The status page: current and recent alerts of every instance, as HTML and JSON, from Redis. */
import { afterEach, describe, expect, it } from "vitest";
import { CHECK_NAMES, Monitor } from "../../src/index.js";
import { ManualClock } from "../helpers/manual-clock.js";
import { silentLogger, useRedis } from "../helpers/resque.js";

describe("the status page", () => {
  const redis = useRedis();
  const monitors: Monitor[] = [];
  afterEach(async () => {
    await Promise.all(monitors.splice(0).map((m) => m.stop()));
  });
  const monitor = (clock?: ManualClock) => {
    const m = new Monitor({
      instances: [
        { redis: redis.server().url, name: "eu <main>" },
        { redis: "redis://127.0.0.1:1", name: "down", connectionTimeout: 0.2 },
      ],
      checks: { disabled: CHECK_NAMES.filter((c) => c !== "queue-without-workers" && c !== "redis-unreachable") },
      statusPage: { title: "Billing jobs", recent: 5 },
      logger: silentLogger,
      ...(clock ? { clock } : {}),
    });
    monitors.push(m);
    return m;
  };

  it("shows what fires now and what changed lately, per instance, also to a process that only reads", async () => {
    const client = redis.server().client();
    const clock = new ManualClock(Date.parse("2026-12-01T10:00:00Z"));
    const evaluating = monitor(clock);
    await client.sadd("resque:queues", "<script>alert(1)</script>", "mail");
    await client.rpush("resque:queue:<script>alert(1)</script>", '{"class":"A","args":[]}');
    await client.rpush("resque:queue:mail", '{"class":"A","args":[]}');
    await evaluating.evaluate();
    clock.advance(60_000);
    await client.del("resque:queue:mail");
    await evaluating.evaluate();

    // A second process (resque-web, say) reads the same alerts from Redis without evaluating.
    const reader = monitor();
    const json = (await (await reader.statusPage(new Request("http://web.local/status.json"))).json()) as any;
    expect(json.status).toBe("critical");
    const [eu, down] = json.instances;
    expect(eu).toMatchObject({ name: "eu <main>", ok: true, status: "critical", evaluatedAt: "2026-12-01T10:01:00.000Z" });
    expect(eu.firing.map((a: { id: string }) => a.id)).toEqual(["queue-without-workers|queue:<script>alert(1)</script>"]);
    expect(eu.firing[0].since).toBe("2026-12-01T10:00:00.000Z");
    expect(eu.recent.map((e: { kind: string; at: string; alert: { subject: string } }) => [e.kind, e.at, e.alert.subject])).toEqual([
      ["resolved", "2026-12-01T10:01:00.000Z", "queue:mail"],
      ["fired", "2026-12-01T10:00:00.000Z", "queue:mail"],
      ["fired", "2026-12-01T10:00:00.000Z", "queue:<script>alert(1)</script>"],
    ]);
    expect(down).toMatchObject({ name: "down", ok: false, status: "critical", firing: [] });
    expect(down.error).toMatch(/unreachable/);

    const html = await reader.statusPage(new Request("http://web.local/status", { headers: { accept: "text/html" } }));
    expect(html.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(html.headers.get("content-security-policy")).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'/);
    const page = await html.text();
    expect(page).toContain("<title>Billing jobs</title>");
    expect(page).toContain("eu &lt;main&gt;");
    expect(page).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(page).not.toContain("<script>");
    expect(page).toContain("Cannot be read:");
    expect(page).toContain("Last checked");
    // JSON is also chosen by the Accept header or ?format=json, at any mount path.
    expect((await reader.statusPage(new Request("http://web.local/ops/status", { headers: { accept: "application/json" } }))).headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect((await reader.statusPage(new Request("http://web.local/x?format=json"))).headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect((await reader.statusPage(new Request("http://web.local/status", { method: "POST" }))).status).toBe(405);
    await client.quit();
  });

  it("the monitor's own server answers /status, /status.json and /metrics, and 404 elsewhere", async () => {
    const m = monitor();
    const served = await m.serve({ port: 0 });
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const page = await fetch(`${served.url}/status`);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await page.text()).toContain("No monitor has checked this instance yet");
    expect(((await (await fetch(`${served.url}/status.json`)).json()) as { instances: unknown[] }).instances).toHaveLength(2);
    expect(await (await fetch(`${served.url}/metrics`)).text()).toContain('resque_up{instance="eu <main>"} 1');
    expect((await fetch(`${served.url}/elsewhere`)).status).toBe(404);
    await m.stop();
    await expect(fetch(`${served.url}/status`)).rejects.toThrow();
  });
});
