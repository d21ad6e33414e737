import { describe, expect, it } from "vitest";
import { Job } from "../../src/index.js";
import { parseQueues } from "../../src/worker/queue-selection.js";
import { finished } from "../helpers/events.js";
import { useRedis } from "../helpers/resque.js";

class Track extends Job<[string]> {
  static override queue = "default";
  perform(label: string) {
    order.push(label);
  }
}
let order: string[] = [];

describe("queue selection", () => {
  const redis = useRedis();

  async function drain(queues: string[], seed: Record<string, string[]>, expected: number): Promise<string[]> {
    order = [];
    const resque = redis.make({ jobs: [Track] });
    for (const [queue, labels] of Object.entries(seed)) {
      await resque.enqueueBulk(Track, labels.map((l) => [l]), { queue });
    }
    const worker = resque.worker({ queues, interval: 30 });
    const done = finished(worker, expected);
    await worker.start();
    await done;
    await worker.stop();
    return order;
  }

  it("takes jobs in queue priority order, starting again from the first queue", async () => {
    const got = await drain(["high", "low"], { low: ["l1", "l2"], high: ["h1", "h2"] }, 4);
    expect(got).toEqual(["h1", "h2", "l1", "l2"]);
  });

  it('"*" takes every queue, in alphabetical order', async () => {
    const got = await drain(["*"], { beta: ["b"], alpha: ["a"], gamma: ["g"] }, 3);
    expect(got).toEqual(["a", "b", "g"]);
  });

  it("a named queue before * goes first", async () => {
    const got = await drain(["gamma", "*"], { beta: ["b"], alpha: ["a"], gamma: ["g"] }, 3);
    expect(got).toEqual(["g", "a", "b"]);
  });

  it("prefix globs match only their queues, and ! excludes", async () => {
    order = [];
    const resque = redis.make({ jobs: [Track] });
    await resque.enqueueTo("mail_low", Track, "ml");
    await resque.enqueueTo("mail_high", Track, "mh");
    await resque.enqueueTo("mail_skip", Track, "ms");
    await resque.enqueueTo("other", Track, "o");
    const worker = resque.worker({ queues: ["mail_*", "!mail_skip"], interval: 30 });
    const done = finished(worker, 2);
    await worker.start();
    await done;
    await worker.stop();
    expect(order).toEqual(["mh", "ml"]);
    expect(await resque.admin.queues.size("mail_skip")).toBe(1);
    expect(await resque.admin.queues.size("other")).toBe(1);
    // Ruby lists the configured entries in the id: globs literal, exclusions dropped.
    expect(worker.ids[0]).toMatch(/:mail_\*$/);
  });

  it("a worker with concurrency fills several slots from the priority order", async () => {
    order = [];
    const resque = redis.make({ jobs: [Track] });
    await resque.enqueueBulk(Track, [["l1"]], { queue: "low" });
    await resque.enqueueBulk(Track, [["h1"], ["h2"]], { queue: "high" });
    const worker = resque.worker({ queues: ["high", "low"], concurrency: 3, interval: 30 });
    const done = finished(worker, 3);
    await worker.start();
    await done;
    await worker.stop();
    expect(order).toEqual(["h1", "h2", "l1"]);
    expect(worker.ids).toHaveLength(3);
    expect(worker.ids[2]).toMatch(/\+3:\d+:high,low$/);
  });
});

describe("glob matching follows File.fnmatch", () => {
  const cases: [string, string, boolean][] = [
    ["mail_*", "mail_low", true],
    ["mail_*", "mail", false],
    ["*", "anything", true],
    ["q?", "q1", true],
    ["q?", "q12", false],
    ["q[12]", "q2", true],
    ["q[!12]", "q2", false],
    ["q[!12]", "q3", true],
    ["a.b*", "a.bc", true],
    ["a.b*", "axbc", false],
    ["100%*", "100%x", true],
  ];
  for (const [pattern, queue, expected] of cases) {
    it(`${pattern} ${expected ? "matches" : "does not match"} ${queue}`, () => {
      expect(parseQueues([pattern]).matches(queue)).toBe(expected);
    });
  }

  it("rejects an empty queue list and names with a colon", () => {
    expect(() => parseQueues([])).toThrow(/No queues given/);
    expect(() => parseQueues(" , ")).toThrow(/No queues given/);
    expect(() => parseQueues(["a:b"])).toThrow(/contains ":"/);
  });
});
