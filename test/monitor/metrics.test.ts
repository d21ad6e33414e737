/**
 * The Prometheus endpoint after a known run of jobs on a real worker: every value matches what
 * Redis holds, and the counts are the ones the run makes.
 */
import { afterEach, describe, expect, it } from "vitest";
import { CHECK_NAMES, DURATION_BUCKETS_SECONDS, Job, Monitor, type RetryOptions } from "../../src/index.js";
import { silentLogger, useRedis } from "../helpers/resque.js";

class Ok extends Job<[number]> {
  static override queue = "work";
  perform() {}
}

class Boom extends Job<[number]> {
  static override queue = "work";
  perform(): void {
    throw new Error("boom");
  }
}

class Flaky extends Job<[number]> {
  static override queue = "work";
  static override retry: RetryOptions = { backoff: [3600] };
  perform(): void {
    throw new Error("not yet");
  }
}

/** Parses the exposition text into "name{labels}" → value. */
function parse(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    values.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return values;
}

describe("the metrics endpoint", () => {
  const redis = useRedis();
  const monitors: Monitor[] = [];
  afterEach(async () => {
    await Promise.all(monitors.splice(0).map((m) => m.stop()));
  });

  it("matches Redis after a known run: queue sizes, totals, durations per class, workers, delayed, retries, alerts", async () => {
    const resque = redis.make({ jobs: [Ok, Boom, Flaky] });
    const client = redis.server().client();
    for (let i = 0; i < 7; i++) await resque.enqueue(Ok, i);
    for (let i = 0; i < 3; i++) await resque.enqueue(Boom, i);
    await resque.enqueue(Flaky, 1);
    const worker = resque.worker({ queues: "work", interval: 5 });
    let recorded = 0;
    const allRecorded = new Promise<void>((resolve) =>
      worker.on("job:recorded", () => {
        if (++recorded === 11) resolve();
      }),
    );
    await worker.start();
    await allRecorded;
    await worker.flushHistory(); // durations are counted in memory and written every 2 s
    // Jobs nobody takes, and jobs for later.
    for (let i = 0; i < 4; i++) await resque.enqueueTo("waiting", Ok, i);
    await resque.enqueueIn(3600, Ok, 100);
    await resque.enqueueIn(7200, Ok, 101);

    const monitor = new Monitor({
      instances: [{ redis: redis.server().url, name: "main" }],
      checks: { disabled: CHECK_NAMES.filter((c) => c !== "queue-without-workers") },
      logger: silentLogger,
    });
    monitors.push(monitor);
    await monitor.evaluate(); // "waiting" has jobs and no worker: an alert fires

    const served = await monitor.serve({ port: 0 });
    const response = await fetch(`${served.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const text = await response.text();
    const m = parse(text);
    const get = (key: string) => m.get(key);

    // Known from the run.
    expect(get('resque_up{instance="main"}')).toBe(1);
    expect(get('resque_jobs_processed_total{instance="main"}')).toBe(11);
    expect(get('resque_jobs_failed_total{instance="main"}')).toBe(4);
    expect(get('resque_queue_size{instance="main",queue="work"}')).toBe(0);
    expect(get('resque_queue_size{instance="main",queue="waiting"}')).toBe(4);
    expect(get('resque_workers{instance="main",state="idle"}')).toBe(1);
    expect(get('resque_workers{instance="main",state="busy"}')).toBe(0);
    expect(get('resque_delayed_jobs{instance="main"}')).toBe(3); // two enqueueIn and Flaky's retry
    expect(get('resque_retries_scheduled{instance="main"}')).toBe(1);
    expect(get('resque_scheduler_leader{instance="main"}')).toBe(0);
    expect(get('resque_alert_firing{instance="main",check="queue-without-workers",subject="queue:waiting",severity="critical"}')).toBe(1);
    expect(get('resque_job_duration_seconds_count{instance="main",class="Ok"}')).toBe(7);
    expect(get('resque_job_duration_seconds_count{instance="main",class="Boom"}')).toBe(3);
    expect(get('resque_job_duration_seconds_count{instance="main",class="Flaky"}')).toBe(1);
    expect(get('resque_job_duration_seconds_bucket{instance="main",class="Ok",le="+Inf"}')).toBe(7);
    expect(text).toContain("# TYPE resque_job_duration_seconds histogram");
    expect(text).toContain("# TYPE resque_jobs_processed_total counter");

    // The same as Redis holds.
    expect(get('resque_jobs_processed_total{instance="main"}')).toBe(Number(await client.get("resque:stat:processed")));
    expect(get('resque_jobs_failed_total{instance="main"}')).toBe(Number(await client.get("resque:stat:failed")));
    expect(get('resque_failed_jobs{instance="main"}')).toBe(await client.llen("resque:failed"));
    expect(get('resque_queue_size{instance="main",queue="waiting"}')).toBe(await client.llen("resque:queue:waiting"));
    expect(get('resque_workers{instance="main",state="idle"}')).toBe(await client.scard("resque:workers"));
    let delayed = 0;
    for (const ts of await client.zrange("resque:delayed_queue_schedule", 0, -1)) delayed += await client.llen(`resque:delayed:${ts}`);
    expect(get('resque_delayed_jobs{instance="main"}')).toBe(delayed);
    const durations = await client.hgetall("resque:resque-ts:durations");
    for (const className of ["Ok", "Boom", "Flaky"]) {
      let cumulative = 0;
      DURATION_BUCKETS_SECONDS.forEach((bound, i) => {
        cumulative += Number(durations[JSON.stringify([className, i])] ?? 0);
        const le = bound === Number.POSITIVE_INFINITY ? "+Inf" : String(bound);
        expect(get(`resque_job_duration_seconds_bucket{instance="main",class="${className}",le="${le}"}`)).toBe(cumulative);
      });
      expect(get(`resque_job_duration_seconds_sum{instance="main",class="${className}"}`)).toBeCloseTo(Number(durations[JSON.stringify([className, "sum"])]) / 1000, 6);
    }

    // The fetch-style handler, as an app mounts it: the same text; other methods are refused.
    expect(parse(await (await monitor.metrics(new Request("http://app.local/ops/metrics"))).text()).get('resque_queue_size{instance="main",queue="waiting"}')).toBe(4);
    expect((await monitor.metrics(new Request("http://app.local/metrics", { method: "POST" }))).status).toBe(405);
    await worker.stop();
    await client.quit();
  });

  it("an instance that cannot be read reports resque_up 0 and the others still report", async () => {
    const monitor = new Monitor({
      instances: [
        { redis: redis.server().url, name: "up" },
        { redis: "redis://127.0.0.1:1", name: "down", connectionTimeout: 0.2 },
      ],
      logger: silentLogger,
    });
    monitors.push(monitor);
    const m = parse(await monitor.metricsText());
    expect(m.get('resque_up{instance="up"}')).toBe(1);
    expect(m.get('resque_up{instance="down"}')).toBe(0);
    expect(m.get('resque_jobs_processed_total{instance="up"}')).toBe(0);
    expect([...m.keys()].filter((k) => k.includes('instance="down"'))).toEqual(['resque_up{instance="down"}']);
  });
});
