/**
 * Queues written by real Ruby Resque 2.7 (test/golden/after-enqueue.json), loaded into a private
 * Redis: resque-ts lists, peeks, dequeues and performs them with their arguments intact.
 */
import { describe, expect, it } from "vitest";
import { Job, type JobClass } from "../../../src/index.js";
import { finished } from "../../helpers/events.js";
import { goldenKey } from "../../helpers/golden.js";
import { loadGolden } from "../../helpers/load-golden.js";
import { useRedis } from "../../helpers/resque.js";

const rubyQueue = (queue: string) => goldenKey("after-enqueue.json", `resque:queue:${queue}`).value as string[];
const parse = (raw: string) => JSON.parse(raw) as { class: string; args: unknown[] };

describe("Ruby Resque's queues, read by resque-ts", () => {
  const redis = useRedis();

  async function load() {
    const client = redis.server().client();
    await loadGolden(client, "after-enqueue.json");
    await client.quit();
  }

  it("lists the queues and peeks each payload as Ruby wrote it", async () => {
    await load();
    const resque = redis.make();
    expect(await resque.admin.queues.names()).toEqual(["critical", "default"]);
    for (const queue of ["critical", "default"]) {
      const raws = rubyQueue(queue);
      expect(await resque.admin.queues.size(queue)).toBe(raws.length);
      const peeked = await resque.admin.queues.peek(queue, { start: 0, count: 100 });
      expect(peeked).toEqual(raws.map((raw, index) => ({ queue, index, ...parse(raw), raw })));
    }
  });

  it("performs every Ruby job with its exact arguments, in queue order", async () => {
    await load();
    const performed: [string, string, unknown[]][] = [];
    const jobs: JobClass[] = ["EchoJob", "FailJob", "RetryJob", "AlwaysRetryFailJob"].map(
      (name) =>
        class extends Job<unknown[]> {
          static override jobName = name;
          perform(...args: unknown[]) {
            performed.push([this.context.queue, this.context.jobName, args]);
          }
        },
    );
    const resque = redis.make({ jobs });
    const worker = resque.worker({ queues: "*", interval: 0 });
    const expected = ["critical", "default"].flatMap((queue) => rubyQueue(queue).map((raw) => [queue, parse(raw).class, parse(raw).args]));
    const done = finished(worker, expected.length);
    await worker.start();
    await done;
    await worker.stopped;
    expect(performed).toEqual(expected);
  });

  it("dequeues a Ruby payload by its arguments (a byte match, as Ruby's Resque.dequeue)", async () => {
    await load();
    class EchoJob extends Job<unknown[]> {
      static override queue = "default";
      perform(..._args: unknown[]) {}
    }
    const resque = redis.make({ jobs: [EchoJob] });
    // A nested object, and a string with quotes, backslashes, control characters and U+2028.
    const [, nested, tricky] = rubyQueue("default");
    expect(await resque.dequeue(EchoJob, ...parse(nested!).args)).toBe(1);
    expect(await resque.dequeue(EchoJob, ...parse(tricky!).args)).toBe(1);
    expect((await resque.admin.queues.peek("default", { start: 0, count: 100 })).map((j) => j.raw)).toEqual(rubyQueue("default").filter((_, i) => i !== 1 && i !== 2));
  });
});
