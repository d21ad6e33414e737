import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { Job } from "../../src/index.js";
import { collect, deferred, finished } from "../helpers/events.js";
import { goldenKey } from "../helpers/golden.js";
import { useRedis } from "../helpers/resque.js";

let release = deferred();
class SleepJob extends Job<[number, string]> {
  static override queue = "default";
  async perform() {
    await release.promise;
  }
}

class FailJob extends Job<[string, number, Record<string, string>]> {
  static override queue = "default";
  perform(): void {
    throw new TypeError("FailJob always fails");
  }
}

const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const TIME_TO_S = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \+0000$/;
const ISO_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/;
const FAILED_AT = /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} UTC$/;

describe("values a worker writes, in Ruby Resque's formats", () => {
  const redis = useRedis();

  it("registers, records the running job, and beats like Ruby's worker", async () => {
    release = deferred();
    const resque = redis.make({ jobs: [SleepJob] });
    await resque.enqueue(SleepJob, 3, "sleeping");
    const worker = resque.worker({ queues: "default", interval: 30 });
    const started = collect(worker, "job:start", 1);
    await worker.start();
    await started;
    const id = `${hostname()}:${process.pid}:default`;
    expect(worker.ids).toEqual([id]);
    const client = redis.server().client();

    const ruby = goldenKey("while-working.json", "resque:worker:vm:8715:*").value as string;
    const ours = (await client.get(`resque:worker:${id}`))!;
    const rubyValue = JSON.parse(ruby) as Record<string, unknown>;
    const ourValue = JSON.parse(ours) as Record<string, unknown>;
    // Same members in the same order (ours adds a reservation token before the payload).
    expect(Object.keys(ourValue).filter((k) => k !== "reservation")).toEqual(Object.keys(rubyValue));
    expect(ourValue.queue).toBe("default");
    expect(ourValue.run_at).toMatch(ISO_Z);
    expect(ours.endsWith(',"payload":{"class":"SleepJob","args":[3,"sleeping"]}}')).toBe(true);
    expect(rubyValue.run_at).toMatch(ISO_Z);

    expect(await client.smembers("resque:workers")).toEqual([id]);
    const rubyStarted = goldenKey("while-working.json", "resque:worker:vm:8715:*:started").value as string;
    expect(rubyStarted).toMatch(TIME_TO_S);
    expect(await client.get(`resque:worker:${id}:started`)).toMatch(TIME_TO_S);
    const rubyBeat = goldenKey("while-working.json", "resque:workers:heartbeat").value as Record<string, string>;
    expect(Object.values(rubyBeat)[0]).toMatch(ISO_OFFSET);
    expect(await client.hget("resque:workers:heartbeat", id)).toMatch(ISO_OFFSET);

    release.resolve();
    await worker.stop();
    // Unregistering removes everything Ruby's unregister_worker removes.
    expect(await client.keys("resque:worker*")).toEqual([]);
    expect(await client.hlen("resque:workers:heartbeat")).toBe(0);
    expect(await client.keys("resque:stat:*:*")).toEqual([]);
    expect(await client.get("resque:stat:processed")).toBe("1");
    await client.quit();
  });

  it("counts processed and failed jobs globally and per worker, as Ruby does", async () => {
    const resque = redis.make({ jobs: [SleepJob, FailJob] });
    release = deferred();
    release.resolve();
    await resque.enqueue(SleepJob, 1, "a");
    await resque.enqueue(FailJob, "boom", 123, { why: "deliberate" });
    const worker = resque.worker({ queues: "default", interval: 30 });
    const done = finished(worker, 2);
    await worker.start();
    await done;
    const client = redis.server().client();
    const [id] = worker.ids;
    // Wait for the finishing cycle to reach Redis: it is sent right after the last job.
    await expect.poll(() => client.get("resque:stat:processed")).toBe("2");
    expect(await client.get("resque:stat:failed")).toBe("1");
    expect(await client.get(`resque:stat:processed:${id}`)).toBe("2"); // processed counts failures too
    expect(await client.get(`resque:stat:failed:${id}`)).toBe("1");
    await worker.stop();
    await client.quit();
  });

  it("records failures in the failed list exactly as Ruby Resque does", async () => {
    const resque = redis.make({ jobs: [FailJob] });
    await resque.enqueue(FailJob, "boom", 123, { why: "deliberate" });
    const worker = resque.worker({ queues: "default", interval: 30 });
    const failed = collect(worker, "job:failure", 1);
    await worker.start();
    const [event] = (await failed)[0]!;
    expect(event.error).toBeInstanceOf(TypeError);
    await worker.stop();
    const client = redis.server().client();
    const [entry] = await client.lrange("resque:failed", 0, -1);
    const ruby = (goldenKey("after-work.json", "resque:failed").value as string[])[0]!;
    const ours = JSON.parse(entry!) as Record<string, unknown>;
    const theirs = JSON.parse(ruby) as Record<string, unknown>;
    expect(Object.keys(ours)).toEqual(Object.keys(theirs));
    expect(entry).toContain(',"payload":{"class":"FailJob","args":["boom",123,{"why":"deliberate"}]},');
    expect(ours.failed_at).toMatch(FAILED_AT);
    expect(theirs.failed_at).toMatch(FAILED_AT);
    expect(ours.exception).toBe("TypeError");
    expect(ours.error).toBe("FailJob always fails");
    expect(ours.worker).toBe(worker.ids[0]);
    expect(ours.queue).toBe("default");
    const backtrace = ours.backtrace as string[];
    expect(backtrace[0]).toMatch(/FailJob\.perform .*format\.test\.ts/);
    // The worker's own frames are cut off, like Ruby cuts at lib/resque/job.rb.
    expect(backtrace.join("\n")).not.toMatch(/src\/worker\//);
    await client.quit();
  });
});

describe("listing workers", () => {
  const redis = useRedis();

  it("shows every slot, what it runs, and Ruby's workers too", async () => {
    release = deferred();
    const resque = redis.make({ jobs: [SleepJob] });
    const client = redis.server().client();
    // A Ruby worker from the golden dump, mid-job.
    await client.sadd("resque:workers", "vm:8715:*");
    await client.set("resque:worker:vm:8715:*", goldenKey("while-working.json", "resque:worker:vm:8715:*").value as string);
    await client.set("resque:worker:vm:8715:*:started", "2026-11-25 14:53:31 +0000");
    const beat = new Date(Math.floor(Date.now() / 1000) * 1000); // fresh, or our pruner would (rightly) prune it
    await client.hset("resque:workers:heartbeat", "vm:8715:*", beat.toISOString().replace(".000Z", "+00:00"));
    await resque.enqueue(SleepJob, 1, "ours");
    const worker = resque.worker({ queues: "default", concurrency: 2, interval: 30, host: "box" });
    const started = collect(worker, "job:start", 1);
    await worker.start();
    await started;
    const workers = await resque.admin.workers.list();
    expect(workers.map((w) => w.id)).toEqual([`box+1:${process.pid}:default`, `box+2:${process.pid}:default`, "vm:8715:*"]);
    const ruby = workers[2]!;
    expect(ruby).toMatchObject({ host: "vm", pid: 8715, queues: ["*"], job: { queue: "default", class: "SleepJob", args: [3, "sleeping"] } });
    expect(ruby.startedAt?.toISOString()).toBe("2026-11-25T14:53:31.000Z");
    expect(ruby.heartbeatAt?.getTime()).toBe(beat.getTime());
    const working = await resque.admin.workers.working();
    expect(working.map((w) => w.job?.args)).toEqual([[1, "ours"], [3, "sleeping"]]);
    expect(working[0]!.host).toBe("box");
    release.resolve();
    await worker.stop();
    await client.quit();
  });
});
