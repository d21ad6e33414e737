/** The Monitor service: its lifecycle, read-only findings, and facts it reads only when configured to. */
import { afterEach, describe, expect, it } from "vitest";
import { CHECK_NAMES, ConfigurationError, Monitor, type AlertNotification, type MonitorEvaluation } from "../../src/index.js";
import { silentLogger, useRedis } from "../helpers/resque.js";

const failedEntry = (cls: string, queue: string) =>
  `{"failed_at":"2026/12/01 10:00:00 UTC","payload":{"class":"${cls}","args":[]},"exception":"E","error":"x","backtrace":[],"worker":"h:1:q","queue":"${queue}"}`;

describe("Monitor", () => {
  const redis = useRedis();
  const monitors: Monitor[] = [];
  afterEach(async () => {
    await Promise.all(monitors.splice(0).map((m) => m.stop()));
  });
  const make = (options: ConstructorParameters<typeof Monitor>[0] = {}) => {
    const m = new Monitor({ instances: [{ redis: redis.server().url, name: "main" }], logger: silentLogger, ...options });
    monitors.push(m);
    return m;
  };

  it("start() evaluates at once, then at every interval; stop() ends the loop", async () => {
    const sent: AlertNotification[] = [];
    const m = make({ intervalSeconds: 0.05, checks: { disabled: CHECK_NAMES.filter((c) => c !== "queue-without-workers") }, notifiers: [{ name: "list", send: async (n) => void sent.push(n) }] });
    const evaluations: MonitorEvaluation[] = [];
    const third = new Promise<void>((resolve) =>
      m.on("evaluated", (e) => {
        evaluations.push(e);
        if (evaluations.length === 3) resolve();
      }),
    );
    const client = redis.server().client();
    await client.sadd("resque:queues", "mail");
    await client.rpush("resque:queue:mail", '{"class":"A","args":[]}');
    await m.start();
    expect(evaluations).toHaveLength(1); // start resolves after the first evaluation
    await third;
    await m.stop();
    const count = evaluations.length;
    expect(sent.map((n) => n.kind)).toEqual(["firing"]);
    await expect(m.start()).rejects.toThrow(ConfigurationError);
    expect(evaluations).toHaveLength(count);
    await client.quit();
  });

  it("findings() reports what is bad without writing alert state or memory", async () => {
    const client = redis.server().client();
    await client.sadd("resque:queues", "mail");
    await client.rpush("resque:queue:mail", '{"class":"A","args":[]}');
    const m = make();
    const [main] = await m.findings();
    expect(main!.findings.map((f) => f.check)).toEqual(["queue-without-workers"]);
    expect(await client.keys("resque:resque-ts:monitor:*")).toEqual([]);
    await m.evaluate();
    expect((await client.keys("resque:resque-ts:monitor:*")).sort()).toEqual(["resque:resque-ts:monitor:alerts", "resque:resque-ts:monitor:events", "resque:resque-ts:monitor:observations"]);
    await client.quit();
  });

  it("failed counts per queue and per class are read (one walk of the failed list) only when such a threshold is set", async () => {
    const client = redis.server().client();
    await client.rpush("resque:failed", failedEntry("Report", "low"), failedEntry("Report", "low"), failedEntry("SendInvoice", "mail"));
    const only = { disabled: CHECK_NAMES.filter((c) => c !== "failed") };
    const perClass = make({ checks: { ...only, failedAbove: 10, classes: { Report: { failedAbove: 1 }, SendInvoice: { failedAbove: 1 } }, queues: { mail: { failedAbove: 0 } } } });
    const [main] = (await perClass.evaluate()).instances;
    expect(main!.findings.map((f) => [f.subject, f.value])).toEqual([
      ["queue:mail", 1],
      ["class:Report", 2],
    ]);
    await client.quit();
  });
});
