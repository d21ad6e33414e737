import { describe, expect, it } from "vitest";
import { Admin, ConfigurationError, EmptyFilterError, Job, JobChangedError } from "../../src/index.js";
import { finished } from "../helpers/events.js";
import { useRedis } from "../helpers/resque.js";

const performed: number[] = [];
class Work extends Job<[number, string?]> {
  static override queue = "work";
  perform(n: number) {
    performed.push(n);
  }
}

describe("admin.queues", () => {
  const redis = useRedis();

  async function seed(queue: string, payloads: string[]) {
    const client = redis.server().client();
    await client.sadd("resque:queues", queue);
    await client.rpush(`resque:queue:${queue}`, ...payloads);
    return client;
  }

  const admin = redis.admin;

  it("a standalone Admin (no job classes) lists queues with sizes, peeks and gets jobs by position", async () => {
    const client = await seed("mail", ['{"class":"A","args":[1]}', '{"class":"B","args":[2.0]}', "not json"]);
    await seed("low", ['{"class":"C","args":[]}']);
    const a = admin();
    expect(await a.queues.list()).toEqual([
      { name: "low", size: 1 },
      { name: "mail", size: 3 },
    ]);
    const page = await a.queues.peek("mail", { start: 1, count: 5 });
    expect(page.map((j) => [j.index, j.class, j.args, j.raw])).toEqual([
      [1, "B", [2], '{"class":"B","args":[2.0]}'],
      [2, "", [], "not json"],
    ]);
    expect(page[1]!.error).toMatch(/not valid JSON/);
    expect(await a.queues.get("mail", 0)).toMatchObject({ queue: "mail", index: 0, class: "A", args: [1] });
    expect(await a.queues.get("mail", 9)).toBeUndefined();
    await expect(a.queues.peek("mail", { start: -1 })).rejects.toThrow(ConfigurationError);
    await client.quit();
  });

  it("finds and counts jobs by class, text, args substring and exact args", async () => {
    const client = await seed("q", [
      '{"class":"Mailer","args":[{"user":1},"welcome"]}',
      '{"class":"Mailer","args":[{"user":2},"Reset"]}',
      '{"class":"Other","args":[{"user":2}]}',
      '{"class":"Mailer","args":[{"user":2.0},"reset"]}',
    ]);
    const a = admin();
    expect((await a.queues.find("q", { class: "Mailer" })).map((j) => j.index)).toEqual([0, 1, 3]);
    expect((await a.queues.find("q", { text: "RESET" })).map((j) => j.index)).toEqual([1, 3]);
    expect((await a.queues.find("q", { argsContains: '"user":2}' })).map((j) => j.index)).toEqual([1, 2]);
    expect((await a.queues.find("q", { args: [{ user: 2 }, "reset"] })).map((j) => j.index)).toEqual([3]);
    expect((await a.queues.find("q", { class: "Mailer" }, { limit: 1 })).map((j) => j.index)).toEqual([0]);
    expect(await a.queues.count("q", { class: "Mailer" })).toBe(3);
    await expect(a.queues.find("q", { klass: "Mailer" } as never)).rejects.toThrow(/"klass" is not a queued job filter field/);
    await client.quit();
  });

  it("edits a job in place, keeping its position and Ruby's payload format", async () => {
    const client = await seed("q", ['{"class":"A","args":[1]}', '{"class":"B","args":[1.0]}', '{"class":"C","args":[3]}']);
    const a = admin();
    const job = (await a.queues.get("q", 1))!;
    const edited = await a.queues.editJob(job, { args: [2, "x"] });
    expect(edited).toMatchObject({ index: 1, class: "B", args: [2, "x"], raw: '{"class":"B","args":[2,"x"]}' });
    expect(await client.lrange("resque:queue:q", 0, -1)).toEqual(['{"class":"A","args":[1]}', '{"class":"B","args":[2,"x"]}', '{"class":"C","args":[3]}']);
    // The old bytes are gone: editing from the stale read changes nothing.
    await expect(a.queues.editJob(job, { class: "D" })).rejects.toThrow(JobChangedError);
    await expect(a.queues.editJob(edited, {})).rejects.toThrow(ConfigurationError);
    await expect(a.queues.editJob(edited, { args: [1n] })).rejects.toThrow(/BigInt/);
    expect(await client.lrange("resque:queue:q", 0, -1)).toHaveLength(3);
    await client.quit();
  });

  it("finds a job that moved because jobs ahead of it were taken, and refuses one that is gone", async () => {
    const client = await seed("q", ['{"class":"A","args":[0]}', '{"class":"A","args":[1]}', '{"class":"A","args":[2]}']);
    const a = admin();
    const [, second, third] = await a.queues.peek("q");
    await client.lpop("resque:queue:q"); // a worker took job 0: the others moved up one
    await a.queues.removeJob(third!);
    expect(await client.lrange("resque:queue:q", 0, -1)).toEqual(['{"class":"A","args":[1]}']);
    await client.lpop("resque:queue:q"); // a worker took job 1
    await expect(a.queues.removeJob(second!)).rejects.toThrow(/was not removed: it is no longer there/);
    await expect(a.queues.moveJob(second!, "elsewhere")).rejects.toThrow(JobChangedError);
    expect(await client.exists("resque:queue:elsewhere")).toBe(0);
    await client.quit();
  });

  it("of two identical jobs, removing one removes exactly one", async () => {
    const same = '{"class":"A","args":[1]}';
    const client = await seed("q", [same, same, '{"class":"B","args":[]}']);
    const a = admin();
    const [first] = await a.queues.peek("q");
    await a.queues.removeJob(first!);
    expect(await client.lrange("resque:queue:q", 0, -1)).toEqual([same, '{"class":"B","args":[]}']);
    await client.quit();
  });

  it("moves one job to the back of another queue with its bytes, and registers that queue", async () => {
    const client = await seed("q", ['{"class":"A","args":[1.0]}', '{"class":"B","args":[]}']);
    await seed("other", ['{"class":"Z","args":[]}']);
    const a = admin();
    const [job] = await a.queues.peek("q");
    await a.queues.moveJob(job!, "other");
    expect(await client.lrange("resque:queue:other", 0, -1)).toEqual(['{"class":"Z","args":[]}', '{"class":"A","args":[1.0]}']);
    expect(await client.lrange("resque:queue:q", 0, -1)).toEqual(['{"class":"B","args":[]}']);
    await expect(a.queues.moveJob((await a.queues.get("q", 0))!, "q")).rejects.toThrow(/cannot be moved to the queue it is on/);
    await client.quit();
  });

  it("bulk removes and moves by filter in chunks, reporting progress; an empty filter is refused", async () => {
    const payloads = Array.from({ length: 2500 }, (_, i) => JSON.stringify({ class: i % 2 === 0 ? "Even" : "Odd", args: [i] }));
    const client = await seed("big", payloads);
    const a = admin();
    await expect(a.queues.removeMatching("big", {})).rejects.toThrow(EmptyFilterError);
    await expect(a.queues.moveMatching("big", "odd", {})).rejects.toThrow(EmptyFilterError);
    const progress: [number, number][] = [];
    const removed = await a.queues.removeMatching("big", { class: "Even" }, { onProgress: (done, total) => progress.push([done, total]) });
    expect(removed).toEqual({ examined: 2500, matched: 1250, affected: 1250, changedMeanwhile: 0, skipped: 0, aborted: false });
    expect(progress).toEqual([
      [1000, 2500],
      [2000, 2500],
      [2500, 2500],
    ]);
    const moved = await a.queues.moveMatching("big", "odd", { class: "Odd" });
    expect(moved.affected).toBe(1250);
    expect(await client.llen("resque:queue:big")).toBe(0);
    // Order is kept.
    const odd = await client.lrange("resque:queue:odd", 0, -1);
    expect(odd).toEqual(payloads.filter((_, i) => i % 2 === 1));
    expect(await client.sismember("resque:queues", "odd")).toBe(1);
    await client.quit();
  });

  it("a bulk change stops between chunks when its signal fires, reporting what it did", async () => {
    const client = await seed("big", Array.from({ length: 3000 }, (_, i) => JSON.stringify({ class: "X", args: [i] })));
    const a = admin();
    const controller = new AbortController();
    const result = await a.queues.removeMatching("big", { class: "X" }, { signal: controller.signal, onProgress: () => controller.abort() });
    expect(result).toMatchObject({ examined: 1000, affected: 1000, aborted: true });
    expect(await client.llen("resque:queue:big")).toBe(2000);
    await client.quit();
  });

  it("clear empties a queue and keeps it listed; delete forgets it (Resque.remove_queue)", async () => {
    const client = await seed("q", ['{"class":"A","args":[]}', '{"class":"A","args":[]}']);
    const a = admin();
    expect(await a.queues.clear("q")).toBe(2);
    expect(await a.queues.list()).toEqual([{ name: "q", size: 0 }]);
    await client.rpush("resque:queue:q", '{"class":"A","args":[]}');
    expect(await a.queues.delete("q")).toBe(1);
    expect(await a.queues.list()).toEqual([]);
    await client.quit();
  });

  it("removing by filter while a worker takes the same jobs: every job is either performed or removed, never both, never lost", async () => {
    performed.length = 0;
    const resque = redis.make({ jobs: [Work] });
    const total = 3000;
    await resque.enqueueBulk(Work, Array.from({ length: total }, (_, i) => [i] as [number]));
    const worker = resque.worker({ queues: ["work"], concurrency: 5, interval: 0 });
    const stopped = worker.stopped;
    await worker.start();
    const result = await resque.admin.queues.removeMatching("work", { class: "Work" });
    await stopped;
    expect(await resque.admin.queues.size("work")).toBe(0);
    expect(new Set(performed).size).toBe(performed.length); // no job ran twice
    expect(performed.length + result.affected).toBe(total); // each job ran or was removed
  });

  it("editing a job a worker takes at the same moment either edits it before it runs or fails cleanly", async () => {
    performed.length = 0;
    const resque = redis.make({ jobs: [Work] });
    const worker = resque.worker({ queues: ["work"], interval: 30 }); // woken by each enqueue at once
    await worker.start();
    const outcomes: string[] = [];
    for (let round = 0; round < 30; round++) {
      const done = finished(worker, 1);
      await resque.enqueue(Work, round);
      const [job] = await resque.admin.queues.peek("work");
      const outcome = job
        ? await resque.admin.queues.editJob(job, { args: [1000 + round] }).then(
            () => "edited",
            (error: unknown) => (error instanceof JobChangedError ? "taken" : Promise.reject(error)),
          )
        : "taken";
      outcomes.push(outcome);
      await done;
      expect(performed.at(-1)).toBe(outcome === "edited" ? 1000 + round : round);
    }
    await worker.stop();
    expect(performed).toHaveLength(30); // every job ran exactly once, edited or not
    expect(await resque.admin.queues.size("work")).toBe(0);
  });
});
