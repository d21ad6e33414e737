/**
 * Failed jobs and stats written by a real Ruby Resque 2.7 worker (test/golden/after-work.json):
 * resque-ts counts, retries and removes them as Ruby's Resque::Failure would.
 */
import { describe, expect, it } from "vitest";
import { goldenKey } from "../../helpers/golden.js";
import { loadGolden } from "../../helpers/load-golden.js";
import { useRedis } from "../../helpers/resque.js";

const RUBY_27_RETRIED_AT = /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}$/;
const rubyFailed = () => goldenKey("after-work.json", "resque:failed").value as string[];

describe("Ruby Resque's failed list and stats, read by resque-ts", () => {
  const redis = useRedis();

  async function load() {
    const client = redis.server().client();
    await loadGolden(client, "after-work.json");
    return client;
  }

  it("reads Ruby's counters", async () => {
    const client = await load();
    const resque = redis.make();
    expect(await resque.admin.stats.totals()).toEqual({ processed: 11, failed: 5 });
    expect(await resque.admin.failed.count()).toBe(2);
    await client.quit();
  });

  it("retry puts Ruby's payload bytes back on its queue and stamps the entry as Resque 2.7 does", async () => {
    const client = await load();
    const resque = redis.make();
    await resque.admin.failed.retry((await resque.admin.failed.get(0))!);
    const [first, second] = rubyFailed();
    expect(await client.lrange("resque:queue:default", 0, -1)).toEqual(['{"class":"FailJob","args":["boom",123,{"why":"deliberate"}]}']);
    const stamped = (await client.lindex("resque:failed", 0))!;
    // Ruby's entry unchanged, with retried_at appended as the last member.
    expect(stamped.startsWith(first!.slice(0, -1) + ',"retried_at":"')).toBe(true);
    expect((JSON.parse(stamped) as { retried_at: string }).retried_at).toMatch(RUBY_27_RETRIED_AT);
    expect(await client.lindex("resque:failed", 1)).toBe(second);
    await client.quit();
  });

  it("retryAndRemove and remove take out exactly the entry at the index", async () => {
    const client = await load();
    const resque = redis.make();
    await resque.admin.failed.retryAndRemove((await resque.admin.failed.get(1))!);
    expect(await client.lrange("resque:failed", 0, -1)).toEqual([rubyFailed()[0]]);
    expect(await client.lrange("resque:queue:default", 0, -1)).toEqual(['{"class":"AlwaysRetryFailJob","args":["always-fails"]}']);
    await resque.admin.failed.remove((await resque.admin.failed.get(0))!);
    expect(await client.llen("resque:failed")).toBe(0);
    await client.quit();
  });
});
