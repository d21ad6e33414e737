/**
 * Jobs cross between node-resque and resque-ts on one queue, in both directions, with their class
 * name, arguments and queue intact. The arguments are those of the golden dumps: nested objects,
 * unicode, control characters, big integers, empty lists.
 */
import { describe, expect, it } from "vitest";
import { Job, type JobClass } from "../../../src/index.js";
import { finished } from "../../helpers/events.js";
import { goldenKey } from "../../helpers/golden.js";
import { NodeResquePeer, nodeEvents } from "../../helpers/node-resque.js";
import { useRedis } from "../../helpers/resque.js";

interface Performed {
  class: string;
  queue: string;
  args: unknown[];
}

/** The jobs of a golden queue list: [queue, class, args] in queue order. */
function goldenJobs(dump: string, queue: string): [string, string, unknown[]][] {
  return (goldenKey(dump, `resque:queue:${queue}`).value as string[]).map((raw) => {
    const { class: name, args } = JSON.parse(raw) as { class: string; args: unknown[] };
    return [queue, name, args];
  });
}

const QUEUES = ["critical", "default"];

class EchoJob extends Job<unknown[]> {
  static override queue = "default";
  perform(..._args: unknown[]) {}
}
const CLASSES = ["EchoJob", "FailJob", "RetryJob", "AlwaysRetryFailJob"];

describe("node-resque and resque-ts share queues", () => {
  const redis = useRedis();

  it("a resque-ts worker performs jobs node-resque enqueued, with class, args and queue intact", async () => {
    const peer = await NodeResquePeer.start(redis.server());
    const performed: (Performed & { payload: string })[] = [];
    const jobs: JobClass[] = CLASSES.map(
      (name) =>
        class extends Job<unknown[]> {
          static override jobName = name;
          perform() {
            const { jobName, queue, args, payload } = this.context;
            performed.push({ class: jobName, queue, args: [...args], payload });
          }
        },
    );
    const resque = redis.make({ jobs });
    try {
      const sent = QUEUES.flatMap((q) => goldenJobs("node-resque-after-enqueue.json", q));
      for (const [queue, name, args] of sent) await peer.queue.enqueue(queue, name, args);
      // node-resque's own bytes: {"class","queue","args"}, as in the dump made with node-resque 9.7.
      const client = redis.server().client();
      for (const queue of QUEUES) {
        expect(await client.lrange(`resque:queue:${queue}`, 0, -1)).toEqual(goldenKey("node-resque-after-enqueue.json", `resque:queue:${queue}`).value);
      }
      await client.quit();

      const worker = resque.worker({ queues: QUEUES, interval: 0.05 });
      const done = finished(worker, sent.length);
      await worker.start();
      await done;
      await worker.stop();
      expect(performed.map(({ class: c, queue, args }) => [queue, c, args])).toEqual(sent);
      // Each job saw the payload exactly as node-resque wrote it.
      expect(performed.map((p) => p.payload)).toEqual(QUEUES.flatMap((q) => goldenKey("node-resque-after-enqueue.json", `resque:queue:${q}`).value as string[]));
      expect(await resque.admin.stats.totals()).toEqual({ processed: sent.length, failed: 0 });
    } finally {
      await peer.close();
    }
  });

  it("a node-resque worker performs jobs resque-ts enqueued, with class, args and queue intact", async () => {
    const performed: Performed[] = [];
    const jobs = Object.fromEntries(
      CLASSES.map((name) => [
        name,
        {
          // node-resque calls perform with the worker as `this`.
          async perform(this: { queue: string; job: { class: string } }, ...args: unknown[]) {
            performed.push({ class: this.job.class, queue: this.queue, args });
          },
        },
      ]),
    );
    const peer = await NodeResquePeer.start(redis.server(), jobs);
    const resque = redis.make();
    try {
      const sent = QUEUES.flatMap((q) => goldenJobs("after-enqueue.json", q));
      for (const [queue, name, args] of sent) await resque.enqueueTo(queue, name, ...args);
      // Our bytes are Ruby Resque's {"class","args"} (checked byte for byte in test/client/enqueue.test.ts).
      expect((await resque.admin.queues.peek("default", { count: 1 }))[0]!.raw).toBe((goldenKey("after-enqueue.json", "resque:queue:default").value as string[])[0]);

      const worker = await peer.worker({ queues: QUEUES });
      const done = nodeEvents(worker, "success", sent.length);
      await done;
      expect(performed.map(({ class: c, queue, args }) => [queue, c, args])).toEqual(sent);
      expect(await resque.admin.queues.size("default")).toBe(0);
      expect(await resque.admin.stats.totals()).toEqual({ processed: sent.length, failed: 0 });
    } finally {
      await peer.close();
    }
  });

  it("our dequeue removes node-resque's encoding too; node-resque's del matches only its own bytes", async () => {
    const peer = await NodeResquePeer.start(redis.server());
    const resque = redis.make({ jobs: [EchoJob] });
    try {
      await resque.enqueueTo("default", "EchoJob", 1);
      await peer.queue.enqueue("default", "EchoJob", [1]);
      await resque.enqueueTo("default", "EchoJob", 2);
      await peer.queue.enqueue("default", "EchoJob", [2]);
      // node-resque compares {"class","queue","args"} bytes, so our {"class","args"} copy stays.
      expect(await peer.queue.del("default", "EchoJob", [1])).toBe(1);
      expect((await resque.admin.queues.peek("default", { start: 0, count: 10 })).map((j) => j.raw)).toEqual([
        '{"class":"EchoJob","args":[1]}',
        '{"class":"EchoJob","args":[2]}',
        '{"class":"EchoJob","queue":"default","args":[2]}',
      ]);
      expect(await resque.dequeue(EchoJob, 2)).toBe(2);
      expect(await peer.queue.queued("default", 0, -1)).toEqual([{ class: "EchoJob", args: [1] }]);
    } finally {
      await peer.close();
    }
  });
});
