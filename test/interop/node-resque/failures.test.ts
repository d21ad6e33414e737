/**
 * Failed jobs cross between node-resque and resque-ts: each lists and retries the other's entries.
 * node-resque's entries differ from Ruby's (field order, Date#toString times, a payload with
 * "queue", backtrace null); node-resque removes an entry by LREM of its own re-encoding, so it can
 * only retry entries whose bytes survive JSON.parse + JSON.stringify.
 */
import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { Job } from "../../../src/index.js";
import { collect, finished } from "../../helpers/events.js";
import { NodeResquePeer, nodeEvents } from "../../helpers/node-resque.js";
import { useRedis } from "../../helpers/resque.js";

const RETRIED_AT = /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}$/;

/** Fails on its first run for each argument, succeeds after. */
const attempts = new Map<string, number>();
function flaky(arg: unknown): void {
  const key = JSON.stringify(arg);
  const n = (attempts.get(key) ?? 0) + 1;
  attempts.set(key, n);
  if (n === 1) throw new TypeError(`first attempt of ${key}`);
}

class Flaky extends Job<unknown[]> {
  static override queue = "default";
  perform(arg: unknown) {
    flaky(arg);
  }
}

describe("failed jobs shared with node-resque", () => {
  const redis = useRedis();

  it("we list node-resque's failures and retry them; node-resque's worker then performs them", async () => {
    attempts.clear();
    const peer = await NodeResquePeer.start(redis.server(), {
      Flaky: { perform: async (arg: unknown) => flaky(arg) },
      NoStack: {
        perform: async () => {
          const error = new RangeError("thrown without a stack");
          error.stack = undefined; // node-resque then writes "backtrace": null
          throw error;
        },
      },
    });
    const resque = redis.make({ jobs: [Flaky] });
    try {
      const worker = await peer.worker({ queues: ["default"] });
      const failed = nodeEvents(worker, "failure", 2);
      const before = Math.floor(Date.now() / 1000) * 1000;
      await peer.queue.enqueue("default", "Flaky", [{ id: 7 }]);
      await peer.queue.enqueue("default", "NoStack", []);
      await failed;

      const all = await resque.admin.failed.page({ count: 1000 });
      const name = `${hostname()}:${process.pid}`;
      expect(all.map((f) => [f.payload, f.exception, f.error, f.worker, f.queue])).toEqual([
        [{ class: "Flaky", args: [{ id: 7 }] }, "TypeError", 'first attempt of {"id":7}', name, "default"],
        [{ class: "NoStack", args: [] }, "RangeError", "thrown without a stack", name, "default"],
      ]);
      expect(all[0]!.backtrace[0]).toMatch(/failures\.test\.ts/);
      expect(all[1]!.backtrace).toEqual([]); // null in the entry
      // failed_at is JavaScript's Date#toString, read to the second.
      expect(JSON.parse(all[0]!.raw).failed_at).toMatch(/^\w{3} \w{3} \d{2} \d{4} \d{2}:\d{2}:\d{2} GMT[+-]\d{4}/);
      expect(all[0]!.failedAt!.getTime()).toBeGreaterThanOrEqual(before);
      expect(all[0]!.failedAt!.getTime()).toBeLessThanOrEqual(Date.now());
      // node-resque counts a failure as failed but not as processed (Ruby and we count both).
      expect(await resque.admin.stats.totals()).toEqual({ processed: 0, failed: 2 });

      // Retry: a fresh Ruby {"class","args"} payload (the entry's payload carries "queue"), and the
      // entry stays, stamped with retried_at.
      const performed = nodeEvents(worker, "success", 1);
      await resque.admin.failed.retry((await resque.admin.failed.get(0))!);
      expect(await resque.admin.failed.count()).toBe(2);
      await performed;
      const stamped = JSON.parse((await resque.admin.failed.get(0))!.raw) as Record<string, unknown>;
      expect(Object.keys(stamped)).toEqual(["worker", "queue", "payload", "exception", "error", "backtrace", "failed_at", "retried_at"]);
      expect(stamped.retried_at).toMatch(RETRIED_AT);
      expect(attempts.get('{"id":7}')).toBe(2);

      // The stamped entry is still node-resque's to list and remove (its bytes survive a re-encoding).
      const listed = await peer.queue.failed(0, -1);
      expect(listed.map((f) => f.payload.class)).toEqual(["Flaky", "NoStack"]);
      expect(await peer.queue.removeFailed(listed[0]!)).toBe(1);

      // Retry and remove: the entry goes; the job runs (and fails) again, recorded anew.
      const failedAgain = nodeEvents(worker, "failure", 1);
      await resque.admin.failed.retryAndRemove((await resque.admin.failed.get(0))!);
      await failedAgain;
      // One entry: the old one was removed, the new one is from the second run.
      expect((await resque.admin.failed.page({ count: 1000 })).map((f) => f.payload)).toEqual([{ class: "NoStack", args: [] }]);
    } finally {
      await peer.close();
    }
  });

  it("node-resque lists our failures and retries them by byte match; our worker then performs them", async () => {
    attempts.clear();
    const peer = await NodeResquePeer.start(redis.server());
    const resque = redis.make({ jobs: [Flaky] });
    const worker = resque.worker({ queues: "default", interval: 0.05 });
    try {
      const failed = collect(worker, "job:failure", 1);
      await resque.enqueue(Flaky, { id: 8, text: "unicodé ✓ / \u0001" });
      await worker.start();
      await failed;
      await expect.poll(() => peer.queue.failedCount()).toBe(1);

      const [entry] = await peer.queue.failed(0, -1);
      expect(entry).toMatchObject({
        payload: { class: "Flaky", args: [{ id: 8, text: "unicodé ✓ / \u0001" }] },
        exception: "TypeError",
        worker: worker.ids[0],
        queue: "default",
      });
      expect(entry!.failed_at).toMatch(/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} UTC$/);

      const performed = finished(worker, 1);
      await peer.queue.retryAndRemoveFailed(entry!);
      await performed;
      expect(await resque.admin.failed.count()).toBe(0);
      expect(attempts.get(JSON.stringify({ id: 8, text: "unicodé ✓ / \u0001" }))).toBe(2);
    } finally {
      await worker.stop();
      await peer.close();
    }
  });

  it("node-resque cannot retry an entry whose payload bytes JavaScript would re-encode (Ruby's 1.0); we can", async () => {
    attempts.clear();
    const peer = await NodeResquePeer.start(redis.server());
    const resque = redis.make({ jobs: [Flaky] });
    const worker = resque.worker({ queues: "default", interval: 0.05 });
    const client = redis.server().client();
    try {
      // As Ruby Resque enqueues a float: 1.0, which JSON.stringify writes as 1.
      await client.rpush("resque:queue:default", '{"class":"Flaky","args":[1.0]}');
      const failed = collect(worker, "job:failure", 1);
      await worker.start();
      await failed;
      await expect.poll(() => resque.admin.failed.count()).toBe(1);

      const [entry] = await peer.queue.failed(0, -1);
      await expect(peer.queue.retryAndRemoveFailed(entry!)).rejects.toThrow(/not in failed queue/);
      expect(await resque.admin.failed.count()).toBe(1);

      const performed = finished(worker, 1);
      await resque.admin.failed.retryAndRemove((await resque.admin.failed.get(0))!);
      await performed;
      expect(await resque.admin.failed.count()).toBe(0);
      expect(attempts.get("1")).toBe(2);
    } finally {
      await client.quit();
      await worker.stop();
      await peer.close();
    }
  });
});
