/**
 * The built `resque failed` commands: list, --group-by, show, retry (--remove, --to, --all),
 * remove, clear — output, --json shapes, exit codes, empty selectors, and Ctrl-C in the middle of
 * a bulk retry (stops between chunks, reports what was done, every entry accounted for).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { buildCli, runCli, startCli, startCliOnTerminal } from "../helpers/built-cli.js";
import { useRedis } from "../helpers/resque.js";

/** A failed entry as Ruby Resque writes it. */
function entry(n: number, options: { queue?: string; exception?: string; error?: string; failedAt?: string } = {}): string {
  return (
    `{"failed_at":${JSON.stringify(options.failedAt ?? "2026/11/25 14:49:29 UTC")},"payload":{"class":"Job${n % 3}","args":[${n}]},` +
    `"exception":${JSON.stringify(options.exception ?? "RuntimeError")},"error":${JSON.stringify(options.error ?? `boom ${n}`)},` +
    `"backtrace":["app/jobs.rb:7:in \`perform'"],"worker":"web1:5313:mail","queue":${JSON.stringify(options.queue ?? (n % 2 === 0 ? "mail" : "sms"))}}`
  );
}

describe("resque failed (built binary)", () => {
  const redis = useRedis();
  let cli: string;
  const resque = (args: string[], env: Record<string, string | undefined> = {}) => runCli(cli, args, { REDIS_URL: redis.server().url, ...env });

  beforeAll(async () => {
    cli = await buildCli();
  }, 180_000);

  async function seed() {
    const client = redis.server().client();
    await client.rpush(
      "resque:failed",
      entry(0),
      entry(1, { exception: "Net::ReadTimeout", error: "execution expired" }),
      entry(2),
      entry(3, { exception: "Net::ReadTimeout", error: "execution expired" }),
      entry(4, { failedAt: "2026/11/26 09:00:00 UTC" }),
    );
    return client;
  }

  it("list: oldest first with positions, filters, --newest and JSON; nothing matching a filter exits 3", async () => {
    const client = await seed();
    const text = await resque(["failed"]); // list is the default
    expect(text.code).toBe(0);
    expect(text.stdout.split("\n")[0]).toMatch(/^INDEX\s+FAILED AT\s+QUEUE\s+CLASS\s+EXCEPTION\s+ERROR$/);
    expect(text.stdout).toMatch(/^\s*1\s+2026-11-25T14:49:29Z\s+sms\s+Job1\s+Net::ReadTimeout\s+execution expired$/m);

    const json = JSON.parse((await resque(["failed", "list", "--newest", "--count", "2", "--json"])).stdout);
    expect(json).toMatchObject({ total: 5, start: 0, filter: {} });
    expect(json.jobs.map((j: { index: number }) => j.index)).toEqual([4, 3]);
    expect(json.jobs[1]).toEqual({
      list: "failed",
      index: 3,
      failedAt: "2026-11-25T14:49:29.000Z",
      class: "Job0",
      args: [3],
      queue: "sms",
      exception: "Net::ReadTimeout",
      error: "execution expired",
      backtrace: ["app/jobs.rb:7:in `perform'"],
      worker: "web1:5313:mail",
      retriedAt: null,
      attempts: null,
      rawPayload: null,
      raw: entry(3, { exception: "Net::ReadTimeout", error: "execution expired" }),
    });

    const filtered = JSON.parse((await resque(["failed", "--exception", "Net::ReadTimeout", "--queue", "sms", "--json"])).stdout);
    expect(filtered.total).toBeNull();
    expect(filtered.filter).toEqual({ queue: "sms", exception: "Net::ReadTimeout" });
    expect(filtered.jobs.map((j: { index: number }) => j.index)).toEqual([1, 3]);
    const since = JSON.parse((await resque(["failed", "--since", "2026-11-26", "--json"])).stdout);
    expect(since.jobs.map((j: { index: number }) => j.index)).toEqual([4]);
    expect((await resque(["failed", "--class", "Nope"])).code).toBe(3);
    expect((await resque(["failed", "--since", "yesterday"])).code).toBe(2);
    expect((await resque(["failed", "--list", "nope_failed"])).code).toBe(3);
    await client.quit();
  });

  it("list --group-by counts by class, queue or exception", async () => {
    const client = await seed();
    const byException = await resque(["failed", "list", "--group-by", "exception"]);
    expect(byException.stdout).toMatch(/^RuntimeError\s+3$/m);
    expect(byException.stdout).toMatch(/^Net::ReadTimeout\s+2$/m);
    expect(JSON.parse((await resque(["failed", "--group-by", "queue", "--json"])).stdout)).toEqual({
      groupBy: "queue",
      filter: {},
      groups: [{ key: "mail", count: 3 }, { key: "sms", count: 2 }],
    });
    expect((await resque(["failed", "--group-by", "worker"])).code).toBe(2);
    await client.quit();
  });

  it("show: one entry with its backtrace; a position past the end exits 3", async () => {
    const client = await seed();
    const show = await resque(["failed", "show", "1"]);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain("exception: Net::ReadTimeout");
    expect(show.stdout).toContain("backtrace:\n  app/jobs.rb:7:in `perform'");
    const past = await resque(["failed", "show", "5"]);
    expect(past.code).toBe(3);
    expect(past.stderr).toContain('Failed list "failed" has 5 entries; there is no entry at position 5 (0 to 4).');
    expect((await resque(["failed", "show", "one"])).code).toBe(2);
    await client.quit();
  });

  it("retry: one entry (kept, stamped), onto another queue, or by filter with --remove; never without a selector", async () => {
    const client = await seed();
    const none = await resque(["failed", "retry", "--yes"]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("Say which failed jobs to retry");
    expect((await resque(["failed", "retry", "--exception", "", "--yes"])).code).toBe(2);
    expect((await resque(["failed", "retry", "--list", "failed", "--yes"])).code).toBe(2); // a list alone is not a selection
    expect((await resque(["failed", "retry", "--class", "Job0", "--to", "x", "--yes"])).code).toBe(2);

    const one = await resque(["failed", "retry", "0", "--yes"]);
    expect(one.code).toBe(0);
    expect(one.stdout).toBe("retried 1 failed job\n");
    expect(await client.lrange("resque:queue:mail", 0, -1)).toEqual(['{"class":"Job0","args":[0]}']);
    expect(JSON.parse((await client.lindex("resque:failed", 0))!).retried_at).toMatch(/^\d{4}\/\d{2}\/\d{2} /);

    expect((await resque(["failed", "retry", "2", "--to", "critical", "--remove", "--yes"])).code).toBe(0);
    expect(await client.lrange("resque:queue:critical", 0, -1)).toEqual(['{"class":"Job2","args":[2]}']);
    expect(await client.llen("resque:failed")).toBe(4);

    const dry = JSON.parse((await resque(["failed", "retry", "--exception", "Net::ReadTimeout", "--remove", "--dry-run", "--json"])).stdout);
    expect(dry).toMatchObject({ dryRun: true, matched: 2, affected: 0 });
    const bulk = await resque(["failed", "retry", "--exception", "Net::ReadTimeout", "--remove", "--yes", "--json"]);
    expect(JSON.parse(bulk.stdout)).toEqual({ dryRun: false, examined: 4, matched: 2, affected: 2, changedMeanwhile: 0, skipped: 0, aborted: false });
    expect(await client.lrange("resque:queue:sms", 0, -1)).toEqual(['{"class":"Job1","args":[1]}', '{"class":"Job0","args":[3]}']);
    expect(await client.llen("resque:failed")).toBe(2);
    await client.quit();
  });

  it("retry --all retries every entry, entries without a queue are skipped and counted", async () => {
    const client = await seed();
    await client.rpush("resque:failed", entry(9, { queue: "" }));
    const all = await resque(["failed", "retry", "--all", "--remove", "--yes"]);
    expect(all.code).toBe(0);
    expect(all.stdout).toBe("retried and removed 5 failed jobs; 1 skipped (no queue to retry on)\n");
    expect(await client.lrange("resque:failed", 0, -1)).toEqual([entry(9, { queue: "" })]);
    expect((await client.llen("resque:queue:mail")) + (await client.llen("resque:queue:sms"))).toBe(5);
    await client.quit();
  });

  it("remove and clear: one entry, by filter, or every list; asks unless --yes", async () => {
    const client = await seed();
    await client.rpush("resque:mail_failed", entry(7));
    await client.sadd("resque:failed_queues", "mail_failed");
    expect((await resque(["failed", "remove", "--yes"])).stderr).toContain("to remove every entry, use resque failed clear");
    expect((await resque(["failed", "remove", "0", "--list", "mail_failed", "--yes"])).stdout).toBe("removed 1 failed job\n");
    expect(await client.llen("resque:mail_failed")).toBe(0);
    expect((await resque(["failed", "remove", "--text", "EXECUTION", "--yes"])).stdout).toBe("removed 2 failed jobs\n");
    const unasked = await resque(["failed", "clear"]);
    expect(unasked.code).toBe(2);
    expect(await client.llen("resque:failed")).toBe(3);
    const dry = await resque(["failed", "clear", "--dry-run"]);
    expect(dry.stdout).toBe("Will remove every failed job: 3 failed jobs. (dry run: nothing changed)\n");
    expect((await resque(["failed", "clear", "--yes", "--json"])).stdout).toContain('"affected": 3');
    expect(await client.llen("resque:failed")).toBe(0);
    expect((await resque(["failed", "clear", "--yes"])).code).toBe(3);
    await client.quit();
  });

  it("Ctrl-C during a bulk retry stops between chunks, reports what was done, and loses or doubles nothing", async () => {
    const client = redis.server().client();
    const total = 150_000;
    for (let start = 0; start < total; start += 10_000) {
      await client.rpush("resque:failed", ...Array.from({ length: 10_000 }, (_, i) => entry(start + i, { queue: "mail" })));
    }
    const run = startCli(cli, ["failed", "retry", "--all", "--remove", "--yes", "--json"], { REDIS_URL: redis.server().url });
    // The first chunk has been retried: interrupt, as Ctrl-C does.
    while ((await client.llen("resque:queue:mail")) === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    run.kill("SIGINT");
    const result = await run.done;
    expect(result.code, result.stderr).toBe(130);
    expect(result.stderr).toContain("stopping after the current chunk");
    const report = JSON.parse(result.stdout);
    expect(report.aborted).toBe(true);
    expect(report.affected).toBeGreaterThan(0);
    expect(report.affected).toBeLessThan(total);
    const queued = await client.llen("resque:queue:mail");
    const left = await client.llen("resque:failed");
    expect(queued).toBe(report.affected);
    expect(queued + left).toBe(total);
    await client.quit();
  });

  it("on a terminal, a bulk change shows a progress bar and ends with the count", async () => {
    const client = redis.server().client();
    await client.rpush("resque:failed", ...Array.from({ length: 5000 }, (_, i) => entry(i, { queue: "mail" })));
    const run = startCliOnTerminal(cli, ["failed", "retry", "--all", "--remove", "--yes"], { REDIS_URL: redis.server().url });
    const result = await run.done;
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toContain("retrying [");
    expect(result.stdout).toMatch(/\d+\/5000/);
    expect(result.stdout).toContain("retried and removed 5,000 failed jobs");
    expect(await client.llen("resque:queue:mail")).toBe(5000);
    await client.quit();
  });
});
