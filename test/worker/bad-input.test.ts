import { describe, expect, it } from "vitest";
import { Job } from "../../src/index.js";
import { collect, collectRecorded } from "../helpers/events.js";
import { useRedis } from "../helpers/resque.js";

class Good extends Job<[number]> {
  static override queue = "in";
  perform() {}
}

describe("bad payloads on a queue", () => {
  const redis = useRedis();

  const cases: { name: string; raw: string; exception: string; error: RegExp; payload: { class: string; args: unknown[] } }[] = [
    { name: "an empty string", raw: "", exception: "PayloadDecodeError", error: /Payload is empty/, payload: { class: "(invalid payload)", args: [] } },
    { name: "invalid JSON", raw: '{"class":"Good","args":[1', exception: "PayloadDecodeError", error: /not valid JSON/, payload: { class: "(invalid payload)", args: [] } },
    { name: "a class that is an object", raw: '{"class":{},"args":[1]}', exception: "InvalidPayloadError", error: /"class" that is not a class name/, payload: { class: "(invalid payload)", args: [1] } },
    { name: "a missing class", raw: '{"args":[1]}', exception: "InvalidPayloadError", error: /has no "class"/, payload: { class: "(invalid payload)", args: [1] } },
    { name: "an unknown class", raw: '{"class":"Nope::Job","args":[2]}', exception: "UnknownJobError", error: /queue "in" holds class "Nope::Job", but no registered job has that name/, payload: { class: "Nope::Job", args: [2] } },
    { name: "args that are not an array", raw: '{"class":"Good","args":{"a":1}}', exception: "InvalidPayloadError", error: /"args" that is not an array/, payload: { class: "Good", args: [] } },
    { name: "a JSON array", raw: "[1,2]", exception: "InvalidPayloadError", error: /must be a JSON object/, payload: { class: "(invalid payload)", args: [] } },
  ];

  for (const c of cases) {
    it(`${c.name} becomes a failed entry with the raw bytes, and the worker keeps running`, async () => {
      const resque = redis.make({ jobs: [Good] });
      const client = redis.server().client();
      await client.sadd("resque:queues", "in");
      await client.rpush("resque:queue:in", c.raw, '{"class":"Good","args":[7]}');
      const worker = resque.worker({ queues: "in", interval: 30 });
      const failure = collectRecorded(worker, "job:failure", 1);
      const success = collect(worker, "job:success", 1);
      await worker.start();
      const [failed] = (await failure)[0]!;
      const [ok] = (await success)[0]!; // the next job still runs
      expect(ok.args).toEqual([7]);
      expect((failed.error as Error).name).toBe(c.exception);
      await worker.stop();

      const entries = await resque.admin.failed.page({ count: 1000 });
      expect(entries).toHaveLength(1);
      const [entry] = entries;
      expect(entry!.exception).toBe(c.exception);
      expect(entry!.error).toMatch(c.error);
      // Renderable by resque-web: payload is an object with class and args.
      expect(entry!.payload).toEqual(c.payload);
      const stored = JSON.parse(entry!.raw) as Record<string, unknown>;
      expect(Object.keys(stored).slice(0, 7)).toEqual(["failed_at", "payload", "exception", "error", "backtrace", "worker", "queue"]);
      if (c.exception === "UnknownJobError") {
        // A valid payload is embedded as it was.
        expect(entry!.raw).toContain(`"payload":${c.raw}`);
      } else {
        expect(stored.raw_payload).toBe(c.raw);
      }
      expect(await resque.admin.stats.totals()).toEqual({ processed: 2, failed: 1 });
      await client.quit();
    });
  }

  it("retrying an entry puts the original bytes back on the queue", async () => {
    const resque = redis.make({ jobs: [Good] });
    const client = redis.server().client();
    await client.rpush("resque:queue:in", '{"class":"Good","args":[1');
    const worker = resque.worker({ queues: "in", interval: 30 });
    const failure = collectRecorded(worker, "job:failure", 1);
    await worker.start();
    await failure;
    await worker.stop();
    await resque.admin.failed.retryAndRemove((await resque.admin.failed.get(0))!);
    expect(await client.lrange("resque:queue:in", 0, -1)).toEqual(['{"class":"Good","args":[1']);
    await client.quit();
  });
});
