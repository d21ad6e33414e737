import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { Resque, type JobClass } from "../../src/index.js";
import { ResqueTesting, TestClock } from "../../src/testing/index.js";
import { quickstart } from "../../tools/readme-quickstart.js";
import { useRedis } from "../helpers/resque.js";

const example = (name: string) => fileURLToPath(new URL(`../../examples/quickstart/${name}`, import.meta.url));
const readme = quickstart(readFileSync(new URL("../../README.md", import.meta.url), "utf8"));

describe("the README's Quickstart", () => {
  const redis = useRedis();
  let testing: ResqueTesting | undefined;
  afterEach(async () => testing?.close());

  it("shows the files of examples/quickstart, unchanged", () => {
    expect([...readme.esm.files.keys()]).toEqual(["jobs.ts", "enqueue.ts", "schedule.yml"]);
    for (const [name, body] of readme.esm.files) expect(readFileSync(example(name), "utf8"), name).toBe(body);
    for (const [name, body] of readme.cjs.files) expect(readFileSync(example(`commonjs/${name}`), "utf8"), name).toBe(body);
  });

  it("retries SendInvoice after 2 s and 10 s, then sends it, and fires the cron job every 10 s", async () => {
    // Imported by a computed path: the example is type-checked under tsc --init's settings
    // (npm run check:package), not this project's.
    const { NightlyReport, SendInvoice } = (await import(example("jobs.ts"))) as { NightlyReport: JobClass<[]>; SendInvoice: JobClass<[invoiceId: number]> };
    const resque = new Resque({ redis: redis.server().url, jobs: [SendInvoice, NightlyReport], logger: (await import("../helpers/resque.js")).silentLogger });
    testing = new ResqueTesting(resque, { clock: new TestClock(new Date("2026-12-01T09:00:00.000Z")), scheduleFile: example("schedule.yml") });
    await resque.enqueue(SendInvoice, 42);

    expect((await testing.drain("mail")).runs).toMatchObject([{ outcome: "failure", retry: { at: new Date("2026-12-01T09:00:02Z"), attempt: 1 } }]);
    await testing.advance(2);
    expect((await testing.drain("mail")).runs).toMatchObject([{ outcome: "failure", retry: { at: new Date("2026-12-01T09:00:12Z"), attempt: 2 } }]);
    const { fired } = await testing.advance(10);
    expect((await testing.drain("mail")).runs).toMatchObject([{ jobName: "SendInvoice", args: [42], outcome: "success" }]);

    expect(fired.map((f) => f.slot.toISOString())).toEqual(["2026-12-01T09:00:10.000Z"]);
    expect((await testing.drain("reports")).runs).toMatchObject([{ jobName: "NightlyReport", outcome: "success" }]);
    expect(await resque.admin.stats.totals()).toEqual({ processed: 4, failed: 2 });
    await resque.close();
  });
});
