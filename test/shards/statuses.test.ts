/** resque.statuses on a sharded Resque (two shards on one Redis): list, kill and remove cover every shard. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { Job, trackStatus } from "../../src/index.js";
import { useRedis } from "../helpers/resque.js";

@trackStatus()
class Report extends Job<[string, string]> {
  static override queue = "qa";
  perform() {}
}

describe("statuses of a sharded Resque", () => {
  const redis = useRedis();
  afterEach(() => vi.useRealTimers());

  const make = () => redis.make({ shards: { namespaces: ["st-a", "st-b"], queues: { qa: "st-a", qb: "st-b" } }, jobs: [Report] });

  /** Six status jobs, one second apart, on alternating shards: a b a b b a. */
  async function enqueueSix(resque: ReturnType<typeof make>): Promise<string[]> {
    vi.useFakeTimers({ toFake: ["Date"] });
    const start = Date.UTC(2026, 0, 1, 12, 0, 0);
    const ids: string[] = [];
    for (const [i, queue] of ["qa", "qb", "qa", "qb", "qb", "qa"].entries()) {
      vi.setSystemTime(start + i * 1000);
      ids.push((await resque.statuses.enqueueTo(queue, Report, `job ${i}`))!);
    }
    vi.useRealTimers();
    return ids;
  }

  it("lists the statuses of every shard newest first, pages through them, and sums the total", async () => {
    const resque = make();
    const ids = await enqueueSix(resque);
    const client = redis.server().client();
    // Each status sits on the shard of its queue.
    expect(await client.zcard("st-a:_statuses")).toBe(3);
    expect(await client.zcard("st-b:_statuses")).toBe(3);
    const all = await resque.statuses.list();
    expect(all.total).toBe(6);
    expect(all.statuses.map((s) => s.id)).toEqual([...ids].reverse());
    const page = await resque.statuses.list({ offset: 2, limit: 2 });
    expect(page.total).toBe(6);
    expect(page.statuses.map((s) => s.id)).toEqual([ids[3], ids[2]]);
    const pages = [];
    for (let offset = 0; offset < 6; offset += 4) pages.push(...(await resque.statuses.list({ offset, limit: 4 })).statuses.map((s) => s.id));
    expect(pages).toEqual([...ids].reverse());
    await client.quit();
  });

  it("kills and removes a status on whichever shard holds it", async () => {
    const resque = make();
    const ids = await enqueueSix(resque);
    const onB = ids[1]!;
    const onA = ids[2]!;
    expect(await resque.statuses.kill(onB)).toBe("killed");
    expect((await resque.statuses.get(onB))?.status).toBe("killed");
    expect(await resque.statuses.killList()).toEqual([onB]);
    expect(await resque.statuses.kill(onB)).toBe("finished");
    expect(await resque.statuses.kill("0".repeat(32))).toBe("unknown");
    const client = redis.server().client();
    expect(await client.sismember("st-b:_kill", onB)).toBe(1);
    expect(await client.exists("st-a:_kill")).toBe(0);

    await resque.statuses.remove(onB, onA);
    expect(await resque.statuses.get(onB)).toBeUndefined();
    expect(await resque.statuses.get(onA)).toBeUndefined();
    expect(await resque.statuses.killList()).toEqual([]);
    const left = await resque.statuses.list();
    expect(left.total).toBe(4);
    expect(left.statuses.map((s) => s.id)).toEqual([ids[5], ids[4], ids[3], ids[0]]);
    await client.quit();
  });
});
