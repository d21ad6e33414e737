/**
 * The built `resque` commands for what runs later: delayed (list, show, run-now, remove),
 * schedules (list, enable, disable, run-now) and retries — output, --json shapes, exit codes and
 * bad input (a time that is not one, a position past the end, an unknown schedule, no selector).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { defineJob } from "../../src/index.js";
import { buildCli, runCli } from "../helpers/built-cli.js";
import { useRedis } from "../helpers/resque.js";

const Remind = defineJob("Remind", (_who: string) => {}, { queue: "mail" });
const Flaky = defineJob(
  "Flaky",
  (_n: number) => {
    throw new Error("mail server busy");
  },
  { queue: "mail", retry: { backoff: [3600] } },
);

const T1 = new Date("2031-01-01T09:00:00Z");
const T2 = new Date("2031-01-02T09:00:00Z");

describe("resque delayed, schedules and retries (built binary)", () => {
  const redis = useRedis();
  let cli: string;
  const resque = (args: string[]) => runCli(cli, args, { REDIS_URL: redis.server().url });

  beforeAll(async () => {
    cli = await buildCli();
  }, 180_000);

  async function seedDelayed() {
    const app = redis.make({ jobs: [Remind] });
    await app.enqueueAt(T1, Remind, "ann");
    await app.enqueueAt(T1, Remind, "bob");
    await app.enqueueAt(T2, Remind, "cid");
    return app;
  }

  it("delayed list and show: due times with positions, filters, JSON; bad times and past-the-end positions", async () => {
    await seedDelayed();
    const list = await resque(["delayed"]);
    expect(list.code).toBe(0);
    expect(list.stdout.split("\n")[0]).toMatch(/^DUE AT\s+#\s+QUEUE\s+CLASS\s+ARGS$/);
    expect(list.stdout).toMatch(/^2031-01-01T09:00:00Z\s+1\s+mail\s+Remind\s+\["bob"\]$/m);
    const json = JSON.parse((await resque(["delayed", "list", "--json"])).stdout);
    expect(json).toMatchObject({ total: 3, timestamps: 2, filter: {} });
    expect(json.jobs[2]).toEqual({ at: "2031-01-02T09:00:00.000Z", class: "Remind", args: ["cid"], queue: "mail", raw: '{"class":"Remind","args":["cid"],"queue":"mail"}', error: null, index: 0 });
    const filtered = JSON.parse((await resque(["delayed", "--args-contains", "bob", "--json"])).stdout);
    expect(filtered.jobs.map((j: { args: string[]; index: null }) => [j.args[0], j.index])).toEqual([["bob", null]]);
    expect((await resque(["delayed", "--class", "Nope"])).code).toBe(3);

    const show = JSON.parse((await resque(["delayed", "show", String(T1.getTime() / 1000), "--json"])).stdout);
    expect(show.at).toBe(T1.toISOString());
    expect(show.jobs.map((j: { args: string[] }) => j.args[0])).toEqual(["ann", "bob"]);
    expect((await resque(["delayed", "show", "2031-01-03T00:00:00Z"])).code).toBe(3);
    const bad = await resque(["delayed", "show", "tomorrow"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("must be a time: ISO 8601");
  });

  it("delayed run-now and remove: one by time and position, all at a time, by filter or --all; never without a selector", async () => {
    const app = await seedDelayed();
    const none = await resque(["delayed", "run-now", "--yes"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("Say which delayed jobs to run now");
    expect((await resque(["delayed", "remove", "--queue", "", "--yes"])).code).toBe(2);
    const past = await resque(["delayed", "run-now", T1.toISOString(), "5", "--yes"]);
    expect(past.code).toBe(3);
    expect(past.stderr).toContain("2 delayed jobs are due at 2031-01-01T09:00:00Z; there is none at position 5.");

    const one = await resque(["delayed", "run-now", T1.toISOString(), "1", "--yes"]);
    expect(one.code).toBe(0);
    expect(one.stdout).toBe("enqueued 1 delayed job\n");
    expect(await app.admin.queues.peek("mail")).toMatchObject([{ class: "Remind", args: ["bob"] }]);

    const dry = JSON.parse((await resque(["delayed", "remove", "--class", "Remind", "--dry-run", "--json"])).stdout);
    expect(dry).toMatchObject({ dryRun: true, matched: 2 });
    expect((await resque(["delayed", "remove", T2.toISOString(), "--yes"])).stdout).toBe("removed 1 delayed job\n");
    expect(await app.admin.delayed.count()).toBe(1);
    expect((await resque(["delayed", "remove", "--all", "--yes", "--json"])).stdout).toContain('"affected": 1');
    expect(await app.admin.delayed.count()).toBe(0);
    expect((await resque(["delayed", "run-now", "--all", "--yes"])).code).toBe(2); // no --all for run-now
  });

  it("schedules: list, disable, enable and run-now; an unknown name exits 3", async () => {
    const app = redis.make({ jobs: [Remind] });
    await app.admin.schedules.set("nightly", { cron: "0 2 * * *", class: "Remind", queue: "mail", args: ["all"], description: "nightly reminder" });
    const list = await resque(["schedules"]);
    expect(list.code).toBe(0);
    expect(list.stderr).toContain("no scheduler is leading");
    expect(list.stdout).toMatch(/^nightly\s+dynamic\s+Remind\s+mail\s+0 2 \* \* \*\s+enabled/m);
    const json = JSON.parse((await resque(["schedules", "list", "--json"])).stdout);
    expect(json.leader).toBeNull();
    expect(json.schedules[0]).toMatchObject({ name: "nightly", source: "dynamic", class: "Remind", queue: "mail", args: ["all"], kind: "cron", expression: "0 2 * * *", enabled: true, disabledByOperator: false, description: "nightly reminder" });

    expect(JSON.parse((await resque(["schedules", "disable", "nightly", "--json"])).stdout)).toEqual({ name: "nightly", enabled: false, disabledByOperator: true });
    expect((await app.admin.schedules.get("nightly"))?.enabled).toBe(false);
    expect((await resque(["schedules", "enable", "nightly"])).stdout).toBe("enabled nightly\n");
    expect((await app.admin.schedules.get("nightly"))?.enabled).toBe(true);
    expect((await resque(["schedules", "run-now", "nightly"])).stdout).toBe('enqueued Remind on "mail"\n');
    expect((await app.admin.queues.peek("mail")).map((j) => j.args)).toEqual([["all"]]);

    const unknown = await resque(["schedules", "disable", "weekly"]);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain('There is no schedule "weekly"; the schedules are "nightly".');
    expect((await resque(["schedules", "enable", ""])).code).toBe(2);
  });

  it("retries: the jobs waiting to be retried with their attempt and last error", async () => {
    const app = redis.make({ jobs: [Flaky] });
    await app.enqueue(Flaky, 5);
    const worker = app.worker({ queues: ["mail"], interval: 0 });
    await worker.start();
    await worker.stopped;
    const text = await resque(["retries"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^\S+\s+Flaky\s+mail\s+1\/1\s+Error: mail server busy\s+\[5\]$/m);
    const [retry] = JSON.parse((await resque(["retries", "--json"])).stdout).retries;
    expect(retry).toMatchObject({ class: "Flaky", args: [5], queue: "mail", attempt: 1, limit: 1, lastFailure: { exception: "Error", error: "mail server busy" } });
    expect(retry.retryKey).toMatch(/^resque-retry:Flaky:/);
    expect((await resque(["retries", "--class", "Other"])).code).toBe(3);
  });
});
