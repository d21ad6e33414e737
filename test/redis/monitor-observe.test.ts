/** monitor-observe.lua: the memory behind "growing for T minutes" and "no leader for T". */
import { describe, expect, it } from "vitest";
import { storeOf } from "../../src/redis/store-of.js";
import { useRedis } from "../helpers/resque.js";

const MIN = 60_000;
const T = 10 * MIN;

describe("what the monitor remembers between evaluations", () => {
  const redis = useRedis();
  const observe = async (now: number, sizes: Record<string, number>, leader = true) => {
    const store = storeOf(redis.admin()).monitor;
    const result = await store.observe(now, leader, Object.entries(sizes).map(([queue, size]) => ({ queue, size, windowMs: T })));
    return { leader: result.leaderMissingForMs, ...Object.fromEntries([...result.growth].map(([q, g]) => [q, [g.growingForMs / MIN, g.fromSize]])) };
  };

  it("a growth run goes on while the queue stays above where it started, dips included", async () => {
    expect(await observe(0, { mail: 1 })).toMatchObject({ mail: [0, 1] });
    expect(await observe(5 * MIN, { mail: 8 })).toMatchObject({ mail: [5, 1] });
    expect(await observe(7 * MIN, { mail: 4 })).toMatchObject({ mail: [7, 1] }); // a dip, still above 1
    expect(await observe(11 * MIN, { mail: 9 })).toMatchObject({ mail: [11, 1] });
    expect(await observe(12 * MIN, { mail: 1 })).toMatchObject({ mail: [0, 1] }); // back where it started: a new run
    expect(await observe(13 * MIN, { mail: 3 })).toMatchObject({ mail: [1, 1] });
  });

  it("a plateau longer than the window ends the run: a backlog that stopped growing is not growing", async () => {
    await observe(0, { mail: 1 });
    await observe(2 * MIN, { mail: 50 }); // the last new high
    expect(await observe(11 * MIN, { mail: 50 })).toMatchObject({ mail: [11, 1] });
    expect(await observe(12 * MIN, { mail: 50 })).toMatchObject({ mail: [0, 50] });
    expect(await observe(13 * MIN, { mail: 51 })).toMatchObject({ mail: [1, 50] });
  });

  it("a sample older than the stored one changes nothing; removed queues are forgotten", async () => {
    await observe(0, { mail: 1, low: 1 });
    await observe(10 * MIN, { mail: 5, low: 1 });
    expect(await observe(5 * MIN, { mail: 0 })).toMatchObject({ mail: [0, 1] }); // judged, not stored
    expect(await observe(11 * MIN, { mail: 6 })).toMatchObject({ mail: [11, 1] });
    const client = redis.server().client();
    expect(await client.hkeys("resque:resque-ts:monitor:observations")).toEqual(["queue:mail"]);
    await client.quit();
  });

  it("how long no scheduler has held the leader lock", async () => {
    expect((await observe(0, {}, true)).leader).toBeUndefined();
    expect((await observe(1000, {}, false)).leader).toBe(0);
    expect((await observe(61_000, {}, false)).leader).toBe(60_000);
    expect((await observe(62_000, {}, true)).leader).toBeUndefined();
    expect((await observe(63_000, {}, false)).leader).toBe(0);
  });
});
