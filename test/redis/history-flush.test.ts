import { describe, expect, it } from "vitest";
import type { HistoryCounts } from "../../src/redis/stores/history-store.js";
import { useRedis } from "../helpers/resque.js";
import { storeOf } from "../../src/redis/store-of.js";

const RETENTION = { minuteSeconds: 600, hourSeconds: 7200 };

describe("flush-history script", () => {
  const redis = useRedis();

  it("adds counts to each minute's and hour's history hash and to the durations, in the documented format", async () => {
    const { history } = storeOf(redis.make());
    const client = redis.server().client();
    const now = Math.floor(Date.now() / 1000);
    const minute = now - (now % 60);
    const hour = now - (now % 3600);
    const counts: HistoryCounts = {
      history: [
        { minute, kind: "p", queue: "q", className: "A", count: 1 },
        { minute, kind: "p", queue: "q", className: "B", count: 1 },
        { minute, kind: "f", queue: "q", className: "B", count: 1 },
      ],
      // 7 ms falls in bucket 1 (≤ 10 ms); 1.5 s in bucket 8 (≤ 2.5 s).
      durations: [
        { className: "A", bucket: 1, count: 1 },
        { className: "A", bucket: "sum", count: 7 },
        { className: "B", bucket: 8, count: 1 },
        { className: "B", bucket: "sum", count: 1500 },
      ],
    };
    expect(await history.flush("p1", "p1-h1", RETENTION, counts)).toBe(true);
    const expected = { '["p","q","A"]': "1", '["p","q","B"]': "1", '["f","q","B"]': "1" };
    expect(await client.hgetall(`resque:resque-ts:history:m:${minute}`)).toEqual(expected);
    expect(await client.hgetall(`resque:resque-ts:history:h:${hour}`)).toEqual(expected);
    expect(await client.expiretime(`resque:resque-ts:history:m:${minute}`)).toBe(minute + 60 + 600);
    expect(await client.expiretime(`resque:resque-ts:history:h:${hour}`)).toBe(hour + 3600 + 7200);
    expect(await client.hgetall("resque:resque-ts:durations")).toEqual({ '["A",1]': "1", '["A","sum"]': "7", '["B",8]': "1", '["B","sum"]': "1500" });
    expect(await client.ttl("resque:resque-ts:durations")).toBe(-1);
    await client.quit();
  });

  it("counts each minute in its own hash and sums the minutes of one hour into the hour's hash", async () => {
    const { history } = storeOf(redis.make());
    const client = redis.server().client();
    const hour = Math.floor(Date.now() / 1000 / 3600) * 3600;
    // Kept long enough that the hour's first minutes have not expired yet.
    await history.flush("p1", "p1-h1", { minuteSeconds: 7200, hourSeconds: 7200 }, {
      history: [
        { minute: hour, kind: "p", queue: "a/b", className: "Mail\u0001", count: 2 },
        { minute: hour + 60, kind: "p", queue: "a/b", className: "Mail\u0001", count: 3 },
      ],
      durations: [],
    });
    // Fields are cjson's encoding (it escapes "/"), as the work cycle wrote them.
    const field = '["p","a\\/b","Mail\\u0001"]';
    expect(await client.hgetall(`resque:resque-ts:history:m:${hour}`)).toEqual({ [field]: "2" });
    expect(await client.hgetall(`resque:resque-ts:history:m:${hour + 60}`)).toEqual({ [field]: "3" });
    expect(await client.hgetall(`resque:resque-ts:history:h:${hour}`)).toEqual({ [field]: "5" });
    await client.quit();
  });

  it("a flush sent again with the token it was applied with adds nothing", async () => {
    const { history } = storeOf(redis.make());
    const client = redis.server().client();
    const minute = Math.floor(Date.now() / 1000 / 60) * 60;
    const counts: HistoryCounts = { history: [{ minute, kind: "p", queue: "q", className: "A", count: 4 }], durations: [{ className: "A", bucket: 0, count: 4 }] };
    expect(await history.flush("p1", "p1-h1", RETENTION, counts)).toBe(true);
    expect(await history.flush("p1", "p1-h1", RETENTION, counts)).toBe(false);
    expect(await history.flush("p1", "p1-h2", RETENTION, counts)).toBe(true);
    expect(await client.hget(`resque:resque-ts:history:m:${minute}`, '["p","q","A"]')).toBe("8");
    expect(await client.hget("resque:resque-ts:durations", '["A",0]')).toBe("8");
    await history.forgetProcess("p1");
    expect(await client.exists("resque:resque-ts:flush:p1")).toBe(0);
    await client.quit();
  });
});
