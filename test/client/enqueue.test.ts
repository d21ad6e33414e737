import { describe, expect, it } from "vitest";
import { ConfigurationError, InvalidArgumentsError, Job, NoQueueError, UnknownJobError, defineJob } from "../../src/index.js";
import { goldenKey } from "../helpers/golden.js";
import { useRedis } from "../helpers/resque.js";

class EchoJob extends Job<unknown[]> {
  static override queue = "default";
  perform(..._args: unknown[]) {}
}

class Deliver extends Job<[number]> {
  static override queue = "mail";
  static override jobName = "Mailer::Deliver";
  perform(_id: number) {}
}

class NoQueue extends Job<[]> {
  perform() {}
}

describe("enqueue", () => {
  const redis = useRedis();

  it("writes payloads byte-identical to Ruby Resque's", async () => {
    const resque = redis.make({ jobs: [EchoJob] });
    const rubyDefault = goldenKey("after-enqueue.json", "resque:queue:default").value as string[];
    const rubyCritical = goldenKey("after-enqueue.json", "resque:queue:critical").value as string[];
    for (const raw of rubyDefault) {
      const { class: name, args } = JSON.parse(raw) as { class: string; args: unknown[] };
      await resque.enqueueTo("default", name, ...args);
    }
    for (const raw of rubyCritical) {
      const { class: name, args } = JSON.parse(raw) as { class: string; args: unknown[] };
      await resque.enqueueTo("critical", name, ...args);
    }
    const client = redis.server().client();
    expect(await client.lrange("resque:queue:default", 0, -1)).toEqual(rubyDefault);
    expect(await client.lrange("resque:queue:critical", 0, -1)).toEqual(rubyCritical);
    expect((await client.smembers("resque:queues")).sort()).toEqual(["critical", "default"]);
    await client.quit();
  });

  it("uses the class's queue and its static jobName as the payload class", async () => {
    const resque = redis.make({ jobs: [Deliver] });
    await resque.enqueue(Deliver, 42);
    const client = redis.server().client();
    expect(await client.lrange("resque:queue:mail", 0, -1)).toEqual(['{"class":"Mailer::Deliver","args":[42]}']);
    await client.quit();
  });

  it("enqueues by registered name, and to any queue by any name", async () => {
    const resque = redis.make({ jobs: [Deliver] });
    await resque.enqueue("Mailer::Deliver", 1);
    await resque.enqueueTo("ruby_side", "Ruby::Only", "x");
    expect(await resque.admin.queues.peek("mail", { count: 1 })).toEqual([{ queue: "mail", index: 0, class: "Mailer::Deliver", args: [1], raw: '{"class":"Mailer::Deliver","args":[1]}' }]);
    expect((await resque.admin.queues.peek("ruby_side", { count: 1 }))[0]?.class).toBe("Ruby::Only");
  });

  it("honours a configured namespace", async () => {
    const resque = redis.make({ jobs: [EchoJob], namespace: "resque:App" });
    await resque.enqueue(EchoJob, 1);
    const client = redis.server().client();
    expect(await client.llen("resque:App:queue:default")).toBe(1);
    expect(await client.smembers("resque:App:queues")).toEqual(["default"]);
    await client.quit();
  });

  it("puts enqueueFront jobs at the head of the queue", async () => {
    const resque = redis.make({ jobs: [EchoJob] });
    await resque.enqueue(EchoJob, "first");
    await resque.enqueueFront(EchoJob, "urgent");
    expect((await resque.admin.queues.peek("default", { start: 0, count: 2 })).map((j) => j.args)).toEqual([["urgent"], ["first"]]);
  });

  it("bulk-enqueues in order, across chunks", async () => {
    const resque = redis.make({ jobs: [EchoJob] });
    const argsList = Array.from({ length: 2500 }, (_, i) => [i]);
    expect(await resque.enqueueBulk(EchoJob, argsList)).toBe(2500);
    expect(await resque.admin.queues.size("default")).toBe(2500);
    const all = await resque.admin.queues.peek("default", { start: 0, count: 2500 });
    expect(all.map((j) => j.args[0])).toEqual(argsList.map((a) => a[0]));
  });

  it("lists, sizes and removes queues", async () => {
    const resque = redis.make({ jobs: [EchoJob, Deliver] });
    await resque.enqueue(EchoJob, 1);
    await resque.enqueue(Deliver, 2);
    expect(await resque.admin.queues.names()).toEqual(["default", "mail"]);
    await resque.admin.queues.delete("mail");
    expect(await resque.admin.queues.names()).toEqual(["default"]);
    expect(await resque.admin.queues.size("mail")).toBe(0);
  });

  it("dequeues matching jobs by args, or all jobs of a class", async () => {
    const resque = redis.make({ jobs: [EchoJob] });
    await resque.enqueueBulk(EchoJob, [[1], [2], [1], [3]]);
    await resque.enqueueTo("default", "Other", 1);
    expect(await resque.dequeue(EchoJob, 1)).toBe(2);
    expect((await resque.admin.queues.peek("default", { start: 0, count: 10 })).map((j) => [j.class, j.args])).toEqual([
      ["EchoJob", [2]],
      ["EchoJob", [3]],
      ["Other", [1]],
    ]);
    expect(await resque.dequeue(EchoJob)).toBe(2);
    expect((await resque.admin.queues.peek("default", { start: 0, count: 10 })).map((j) => j.class)).toEqual(["Other"]);
  });

  it("dequeues node-resque's encoding of the same job too", async () => {
    const resque = redis.make({ jobs: [EchoJob] });
    const client = redis.server().client();
    await client.rpush("resque:queue:default", '{"class":"EchoJob","queue":"default","args":[5]}');
    expect(await resque.dequeue(EchoJob, 5)).toBe(1);
    expect(await resque.admin.queues.size("default")).toBe(0);
    await client.quit();
  });

  it("supports function jobs made with defineJob", async () => {
    const Resize = defineJob("Resize", async (_url: string) => {}, { queue: "images" });
    const resque = redis.make({ jobs: [Resize] });
    await resque.enqueue(Resize, "a.png");
    expect(await resque.admin.queues.peek("images", { count: 1 })).toEqual([{ queue: "images", index: 0, class: "Resize", args: ["a.png"], raw: '{"class":"Resize","args":["a.png"]}' }]);
  });

  describe("rejects bad input before writing anything", () => {
    const cases: [string, unknown[], RegExp][] = [
      ["a BigInt", [1n], /args\[0\] is a BigInt/],
      ["a cycle", [(() => { const o: Record<string, unknown> = {}; o.self = o; return o; })()], /args\[0\]\.self refers back/],
      ["a Date", [new Date()], /args\[0\] is a Date/],
      ["undefined", [undefined], /args\[0\] is undefined/],
      ["a nested undefined", [{ a: { b: undefined } }], /args\[0\]\.a\.b is undefined/],
      ["NaN", [Number.NaN], /args\[0\] is NaN/],
      ["Infinity", [[Infinity]], /args\[0\]\[0\] is Infinity/],
      ["a function", [() => 1], /args\[0\] is a function/],
      ["a Map", [new Map()], /args\[0\] is an instance of Map/],
      ["a sparse array", [[1, , 3]], /args\[0\]\[1\] is an empty array slot/],
    ];
    for (const [what, args, message] of cases) {
      it(`args with ${what}`, async () => {
        const resque = redis.make({ jobs: [EchoJob] });
        await expect(resque.enqueue(EchoJob, ...args)).rejects.toThrow(InvalidArgumentsError);
        await expect(resque.enqueue(EchoJob, ...args)).rejects.toThrow(message);
        await expect(resque.enqueueBulk(EchoJob, [[1], args])).rejects.toThrow(message);
        const client = redis.server().client();
        expect(await client.dbsize()).toBe(0);
        await client.quit();
      });
    }

    it("an unknown job name", async () => {
      const resque = redis.make();
      await expect(resque.enqueue("Nope", 1)).rejects.toThrow(UnknownJobError);
      await expect(resque.enqueue("Nope", 1)).rejects.toThrow(/No registered job is named "Nope"/);
    });

    it("a job class without a queue", async () => {
      const resque = redis.make();
      await expect(resque.enqueue(NoQueue)).rejects.toThrow(NoQueueError);
      await expect(resque.enqueue(NoQueue)).rejects.toThrow(/"NoQueue" has no static queue/);
    });

    it("an empty or missing queue name", async () => {
      const resque = redis.make();
      await expect(resque.enqueueTo("", EchoJob)).rejects.toThrow(ConfigurationError);
      await expect(resque.enqueueTo(undefined as unknown as string, EchoJob)).rejects.toThrow(/queue name must be a non-empty string/);
    });

    it("something that is not a job", async () => {
      const resque = redis.make();
      await expect(resque.enqueue(class NotAJob {} as never)).rejects.toThrow(/is not a job/);
    });

    it("leaves Redis empty after all of the above", async () => {
      const client = redis.server().client();
      expect(await client.dbsize()).toBe(0);
      await client.quit();
    });
  });
});
