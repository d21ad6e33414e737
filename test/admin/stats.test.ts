/**
 * admin.stats reads the history the work cycle writes. These tests write the documented format
 * by hand (docs/redis-layout.md, "Stats history"), so they pin down the reader independently.
 */
import { describe, expect, it } from "vitest";
import { ConfigurationError, DURATION_BUCKETS_SECONDS } from "../../src/index.js";
import { useRedis } from "../helpers/resque.js";

const field = (...parts: unknown[]) => JSON.stringify(parts);

describe("admin.stats", () => {
  const redis = useRedis();
  const admin = redis.admin;

  it("totals are Ruby's stat:processed and stat:failed", async () => {
    const client = redis.server().client();
    await client.mset("resque:stat:processed", "11", "resque:stat:failed", "5");
    expect(await admin().stats.totals()).toEqual({ processed: 11, failed: 5 });
    await client.quit();
  });

  it("history sums the fields of each minute into totals, per queue and per class, and fills empty minutes", async () => {
    const client = redis.server().client();
    const t = Date.parse("2026-06-01T10:00:00Z") / 1000;
    await client.hset(`resque:resque-ts:history:m:${t}`, {
      [field("p", "mail", "Send")]: "5",
      [field("f", "mail", "Send")]: "2",
      [field("p", "low", "Send")]: "1",
      [field("p", "low", "Report")]: "3",
      "not json": "9",
    });
    await client.hset(`resque:resque-ts:history:m:${t + 120}`, { [field("p", "low", "Report")]: "4", [field("f", "low", "Report")]: "4" });
    const history = await admin().stats.history({ since: new Date((t + 30) * 1000), until: new Date((t + 150) * 1000) });
    expect(history.resolution).toBe("minute");
    expect(history.points.map((p) => [p.at.toISOString(), p.processed, p.failed])).toEqual([
      ["2026-06-01T10:00:00.000Z", 9, 2],
      ["2026-06-01T10:01:00.000Z", 0, 0],
      ["2026-06-01T10:02:00.000Z", 4, 4],
    ]);
    expect(history.points[0]!.byQueue).toEqual({ mail: { processed: 5, failed: 2 }, low: { processed: 4, failed: 0 } });
    expect(history.points[0]!.byClass).toEqual({ Send: { processed: 6, failed: 2 }, Report: { processed: 3, failed: 0 } });
    await client.quit();
  });

  it("hour resolution reads the hour hashes; the default window is the last 60 periods by Redis' clock", async () => {
    const client = redis.server().client();
    const [seconds] = await client.time();
    const hour = Math.floor(Number(seconds) / 3600) * 3600;
    await client.hset(`resque:resque-ts:history:h:${hour}`, { [field("p", "q", "A")]: "100" });
    const history = await admin().stats.history({ resolution: "hour" });
    expect(history.points).toHaveLength(60);
    expect(history.points.at(-1)).toMatchObject({ at: new Date(hour * 1000), processed: 100 });
    await expect(admin().stats.history({ resolution: "day" as never })).rejects.toThrow(ConfigurationError);
    await expect(admin().stats.history({ since: new Date(0) })).rejects.toThrow(/at most/);
    await client.quit();
  });

  it("durations give each class's bucket counts, count and sum", async () => {
    const client = redis.server().client();
    await client.hset("resque:resque-ts:durations", {
      [field("Send", 0)]: "3",
      [field("Send", 7)]: "1",
      [field("Send", "sum")]: "1012",
      [field("Report", 15)]: "2",
      [field("Report", "sum")]: "2400000",
    });
    const durations = await admin().stats.durations();
    expect(durations.map((d) => [d.class, d.count, d.sumMs])).toEqual([
      ["Report", 2, 2_400_000],
      ["Send", 4, 1012],
    ]);
    const send = durations[1]!;
    expect(send.buckets).toHaveLength(DURATION_BUCKETS_SECONDS.length);
    expect(send.buckets[0]).toEqual({ le: 0.005, count: 3 });
    expect(send.buckets[7]).toEqual({ le: 1, count: 1 });
    expect(durations[0]!.buckets[15]).toEqual({ le: Infinity, count: 2 });
    expect((await admin().stats.durations({ class: "Send" })).map((d) => d.class)).toEqual(["Send"]);
    await client.quit();
  });
});
