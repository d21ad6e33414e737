import { describe, expect, it } from "vitest";
import type { WorkCycleRequest } from "../../src/redis/stores/worker-store.js";
import type { RetryScheduleWrite, RetryStore } from "../../src/redis/stores/retry-store.js";
import type { Resque } from "../../src/index.js";
import { useRedis } from "../helpers/resque.js";
import { storeOf } from "../../src/redis/store-of.js";

const base: Omit<WorkCycleRequest, "reservation" | "recovering" | "finished" | "idleSlots"> = {
  selection: { kind: "literal", queues: ["q"] },
  runAt: "2026-11-25T14:49:20Z",
  honourPause: true,
};

/** A retry of class `className` due at `at` (epoch seconds), as the retry plugin sends it with a failure. */
function delayedRetry(retries: RetryStore, className: string, identifier: string | undefined, at: number): RetryScheduleWrite {
  return retries.scheduleWrite({
    identity: { className, identifier },
    at,
    item: `{"class":"${className}","args":[],"queue":"q"}`,
    payload: `{"class":"${className}","args":[]}`,
    queue: "q",
    failureCopy: undefined,
    failureCopyTtl: 10,
    pendingTtl: 100,
    attempt: 0,
    limit: 1,
  });
}

/** Work cycles reserve only for registered worker ids. */
async function registered(resque: Resque, id: string): Promise<void> {
  await storeOf(resque).client.sadd("resque:workers", id);
}

describe("work-cycle script", () => {
  const redis = useRedis();

  it("after a lost reply, a recovering call neither double-counts nor loses the reserved job", async () => {
    const resque = redis.make();
    await registered(resque, "h:1:q");
    const { workers } = storeOf(resque);
    await resque.enqueueTo("q", "A");
    await resque.enqueueTo("q", "B");
    const first = await workers.workCycle({ ...base, reservation: "t1", recovering: false, finished: [], idleSlots: ["h:1:q"] });
    expect(first.reserved).toEqual([{ workerId: "h:1:q", queue: "q", payload: '{"class":"A","args":[]}', reservation: "t1" }]);

    // This call runs, but suppose its reply never arrives.
    const lost = await workers.workCycle({
      ...base,
      reservation: "t2",
      recovering: false,
      finished: [{ workerId: "h:1:q", outcome: "done", queue: "q", jobName: "A", durationMs: 1, reservation: "t1" }],
      idleSlots: ["h:1:q"],
    });
    expect(lost.reserved.map((r) => r.payload)).toEqual(['{"class":"B","args":[]}']);

    // The worker repeats it in recovery mode.
    const recovered = await workers.workCycle({
      ...base,
      reservation: "t3",
      recovering: true,
      finished: [{ workerId: "h:1:q", outcome: "done", queue: "q", jobName: "A", durationMs: 1, reservation: "t1" }],
      idleSlots: ["h:1:q"],
    });
    expect(recovered.reserved).toEqual([{ workerId: "h:1:q", queue: "q", payload: '{"class":"B","args":[]}', reservation: "t2" }]);
    expect(await resque.admin.stats.totals()).toEqual({ processed: 1, failed: 0 });
    expect(await resque.admin.queues.size("q")).toBe(0);
  });

  it("a call re-sent by the client after a reconnect (same token) is recognised as a replay", async () => {
    const resque = redis.make();
    await registered(resque, "h:1:q");
    const { workers } = storeOf(resque);
    await resque.enqueueTo("q", "A");
    await resque.enqueueTo("q", "B");
    await resque.enqueueTo("q", "C");
    await workers.workCycle({ ...base, reservation: "t1", recovering: false, finished: [], idleSlots: ["h:1:q"] });
    const call = {
      ...base,
      reservation: "t2",
      recovering: false,
      finished: [{ workerId: "h:1:q", outcome: "done" as const, queue: "q", jobName: "A", durationMs: 1, reservation: "t1" }],
      idleSlots: ["h:1:q"],
    };
    const first = await workers.workCycle(call);
    const replay = await workers.workCycle(call);
    expect(replay.reserved).toEqual(first.reserved);
    expect(first.reserved.map((r) => r.payload)).toEqual(['{"class":"B","args":[]}']);
    expect(await resque.admin.stats.totals()).toEqual({ processed: 1, failed: 0 });
    expect(await resque.admin.queues.size("q")).toBe(1); // C is still queued: the replay popped nothing
  });

  it("a re-sent call that only reserved (no finishes) is recognised by its token in the worker key and pops nothing", async () => {
    const resque = redis.make();
    await registered(resque, "h:1:q");
    await registered(resque, "h:2:q");
    const { workers } = storeOf(resque);
    await resque.enqueueTo("q", "A");
    await resque.enqueueTo("q", "B");
    await resque.enqueueTo("q", "C");
    const call = { ...base, reservation: "t1", recovering: false, finished: [], idleSlots: ["h:1:q", "h:2:q"] };
    const first = await workers.workCycle(call);
    const replay = await workers.workCycle(call);
    expect(replay.reserved).toEqual(first.reserved);
    expect(first.reserved.map((r) => r.payload)).toEqual(['{"class":"A","args":[]}', '{"class":"B","args":[]}']);
    expect(await resque.admin.queues.size("q")).toBe(1); // C is still queued: the replay popped nothing
  });

  it("a recovering call applies a finish the lost call never made", async () => {
    const resque = redis.make();
    await registered(resque, "h:1:q");
    const { workers } = storeOf(resque);
    await resque.enqueueTo("q", "A");
    await workers.workCycle({ ...base, reservation: "t1", recovering: false, finished: [], idleSlots: ["h:1:q"] });
    const entry = '{"failed_at":"2026/11/25 14:49:29 UTC","payload":{"class":"A","args":[]},"exception":"E","error":"x","backtrace":[],"worker":"h:1:q","queue":"q"}';
    const result = await workers.workCycle({
      ...base,
      reservation: "t2",
      recovering: true,
      finished: [{ workerId: "h:1:q", outcome: "failed", queue: "q", jobName: "A", durationMs: 1, failureEntry: entry, reservation: "t1" }],
      idleSlots: ["h:1:q"],
    });
    expect(result.reserved).toEqual([]);
    expect(await resque.admin.stats.totals()).toEqual({ processed: 1, failed: 1 });
    expect(await resque.admin.failed.count()).toBe(1);
    const client = redis.server().client();
    expect(await client.exists("resque:worker:h:1:q")).toBe(0);
    await client.quit();
  });

  it("honours pause-all-workers (any case, surrounding space) but still records finishes", async () => {
    const resque = redis.make();
    await registered(resque, "h:1:q");
    const { workers } = storeOf(resque);
    await resque.enqueueTo("q", "A");
    const client = redis.server().client();
    await client.set("resque:pause-all-workers", " TRUE ");
    const paused = await workers.workCycle({ ...base, reservation: "t1", recovering: false, finished: [], idleSlots: ["h:1:q"] });
    expect(paused).toEqual({ paused: true, reserved: [], fenced: [], unregistered: [], retries: [] });
    await client.set("resque:pause-all-workers", "false");
    const resumed = await workers.workCycle({ ...base, reservation: "t2", recovering: false, finished: [], idleSlots: ["h:1:q"] });
    expect(resumed.reserved).toHaveLength(1);
    await client.quit();
  });

  it("embeds an invalid payload as a readable stand-in, keeping the bytes", async () => {
    const resque = redis.make();
    await registered(resque, "h:1:q");
    const client = redis.server().client();
    await client.rpush("resque:queue:q", "not json");
    const result = await storeOf(resque).workers.workCycle({ ...base, reservation: "t1", recovering: false, finished: [], idleSlots: ["h:1:q"] });
    expect(result.reserved[0]!.payload).toBe("not json");
    const value = JSON.parse((await client.get("resque:worker:h:1:q"))!) as Record<string, unknown>;
    expect(value.payload).toEqual({ class: "(invalid payload)", args: [] });
    expect(value.raw_payload).toBe("not json");
    // Unregistering with requeue puts the exact bytes back.
    await storeOf(resque).workers.unregister(["h:1:q"]);
    expect(await client.lrange("resque:queue:q", 0, -1)).toEqual(["not json"]);
    await client.quit();
  });

  it("unregister requeues a Ruby worker's recorded job with its exact bytes", async () => {
    const resque = redis.make();
    const client = redis.server().client();
    const ruby = '{"queue":"default","run_at":"2026-11-25T14:53:31Z","payload":{"class":"SleepJob","args":[3.0,"sleeping"]}}';
    await client.set("resque:worker:vm:8715:*", ruby);
    await client.sadd("resque:workers", "vm:8715:*");
    expect(await storeOf(resque).workers.unregister(["vm:8715:*"])).toBe(1);
    expect(await client.lrange("resque:queue:default", 0, -1)).toEqual(['{"class":"SleepJob","args":[3.0,"sleeping"]}']);
    expect(await client.smembers("resque:workers")).toEqual([]);
    await client.quit();
  });

  it("records nothing for a finish whose reservation was taken away (pruned), and reports it as fenced", async () => {
    const resque = redis.make();
    await registered(resque, "h:1:q");
    const { workers } = storeOf(resque);
    await resque.enqueueTo("q", "A");
    await workers.workCycle({ ...base, reservation: "t1", recovering: false, finished: [], idleSlots: ["h:1:q"] });
    // Another process judges h:1:q dead: its job goes back to the queue, the worker is unregistered.
    await workers.release([{ workerId: "h:1:q", action: "requeue" }]);
    const late = { workerId: "h:1:q", outcome: "done" as const, queue: "q", jobName: "A", durationMs: 5, reservation: "t1" };
    const result = await workers.workCycle({ ...base, reservation: "t2", recovering: false, finished: [late], idleSlots: ["h:1:q"] });
    expect(result.fenced).toEqual([late]);
    expect(result.unregistered).toEqual(["h:1:q"]);
    expect(result.reserved).toEqual([]);
    expect(await resque.admin.stats.totals()).toEqual({ processed: 0, failed: 0 });
    expect(await resque.admin.queues.size("q")).toBe(1); // the job is back on its queue, reserved by no one
    const client = redis.server().client();
    expect(await client.keys("resque:worker:*")).toEqual([]);
    await client.quit();
  });

  it("finished slots of every kind in one call: fenced slots and scheduled retries are reported for the right slots", async () => {
    const resque = redis.make();
    const ids = ["h:1:q", "h:2:q", "h:3:q", "h:4:q"];
    for (const id of ids) await registered(resque, id);
    const { workers, retries } = storeOf(resque);
    for (const name of ["A", "B", "C", "D"]) await resque.enqueueTo("q", name);
    await workers.workCycle({ ...base, reservation: "t1", recovering: false, finished: [], idleSlots: ids });
    await workers.release([{ workerId: "h:2:q", action: "requeue" }]); // B taken away from h:2:q
    const retry = delayedRetry(retries, "A", "x", 2_000_000_000);
    // Successes with nothing to write travel packed ahead of the others: positions must map back.
    const failedWithRetry = { workerId: "h:1:q", outcome: "failed" as const, queue: "q", jobName: "A", durationMs: 1, failureEntry: "", reservation: "t1", writes: { retry } };
    const takenAway = { workerId: "h:2:q", outcome: "done" as const, queue: "q", jobName: "B", durationMs: 1, reservation: "t1" };
    const done = { workerId: "h:3:q", outcome: "done" as const, queue: "q", jobName: "C", durationMs: 1, reservation: "t1" };
    const doneForgetting = { workerId: "h:4:q", outcome: "done" as const, queue: "q", jobName: "D", durationMs: 1, reservation: "t1", writes: { forgetRetry: "D:y" } };
    const client = redis.server().client();
    await client.set("resque:resque-retry:D:y", "0");
    const result = await workers.workCycle({ ...base, reservation: "t2", recovering: false, finished: [failedWithRetry, takenAway, done, doneForgetting], idleSlots: [] });
    expect(result.fenced).toEqual([takenAway]);
    expect(result.retries).toEqual([{ slot: failedWithRetry, outcome: { scheduled: true, at: 2_000_000_000 } }]);
    expect(await resque.admin.stats.totals()).toEqual({ processed: 3, failed: 1 });
    expect(await client.zrange("resque:delayed_queue_schedule", 0, -1)).toEqual(["2000000000"]);
    expect(await client.exists("resque:resque-retry:D:y")).toBe(0);
    expect(await client.keys("resque:worker:*")).toEqual([]);
    await client.quit();
  });

  it("retries of several failures in one call: each scheduled, and the scheduler woken only for a time earlier than all before it", async () => {
    const resque = redis.make();
    const ids = ["h:1:q", "h:2:q", "h:3:q"];
    for (const id of ids) await registered(resque, id);
    const { workers, retries } = storeOf(resque);
    for (const name of ["A", "B", "C"]) await resque.enqueueTo("q", name);
    await workers.workCycle({ ...base, reservation: "t1", recovering: false, finished: [], idleSlots: ids });
    const client = redis.server().client();
    await client.zadd("resque:delayed_queue_schedule", 2_000_000_050, "2000000050"); // a job already due then
    const woken: string[] = [];
    const subscriber = redis.server().client();
    await subscriber.subscribe("resque:scheduler:wakeup");
    subscriber.on("message", (_channel: string, ts: string) => woken.push(ts));
    const failedAt = (id: string, name: string, at: number) => ({
      workerId: id,
      outcome: "failed" as const,
      queue: "q",
      jobName: name,
      durationMs: 1,
      failureEntry: "",
      reservation: "t1",
      writes: { retry: delayedRetry(retries, name, undefined, at) },
    });
    // In call order: later than the schedule's earliest, earlier than it, between the two.
    const finished = [failedAt("h:1:q", "A", 2_000_000_060), failedAt("h:2:q", "B", 2_000_000_040), failedAt("h:3:q", "C", 2_000_000_045)];
    const result = await workers.workCycle({ ...base, reservation: "t2", recovering: false, finished, idleSlots: [] });
    expect(result.retries.map((r) => r.outcome)).toEqual([
      { scheduled: true, at: 2_000_000_060 },
      { scheduled: true, at: 2_000_000_040 },
      { scheduled: true, at: 2_000_000_045 },
    ]);
    expect(await client.zrange("resque:delayed_queue_schedule", 0, -1)).toEqual(["2000000040", "2000000045", "2000000050", "2000000060"]);
    await subscriber.ping(); // the call's messages reached the subscriber before this reply
    expect(woken).toEqual(["2000000040"]);
    await subscriber.quit();
    await client.quit();
  });

  it("an old finish does not clear the newer reservation of the same slot", async () => {
    const resque = redis.make();
    await registered(resque, "h:1:q");
    const { workers } = storeOf(resque);
    await resque.enqueueTo("q", "A");
    await resque.enqueueTo("q", "B");
    await workers.workCycle({ ...base, reservation: "t1", recovering: false, finished: [], idleSlots: ["h:1:q"] });
    await workers.release([{ workerId: "h:1:q", action: "requeue" }]);
    await registered(resque, "h:1:q");
    const second = await workers.workCycle({ ...base, reservation: "t2", recovering: false, finished: [], idleSlots: ["h:1:q"] });
    expect(second.reserved.map((r) => r.payload)).toEqual(['{"class":"A","args":[]}']);
    const stale = { workerId: "h:1:q", outcome: "failed" as const, queue: "q", jobName: "A", durationMs: 5, failureEntry: "{}", reservation: "t1" };
    const third = await workers.workCycle({ ...base, reservation: "t3", recovering: false, finished: [stale], idleSlots: [] });
    expect(third.fenced).toEqual([stale]);
    const client = redis.server().client();
    expect(JSON.parse((await client.get("resque:worker:h:1:q"))!)).toMatchObject({ reservation: "t2", payload: { class: "A" } });
    expect(await resque.admin.stats.totals()).toEqual({ processed: 0, failed: 0 });
    await client.quit();
  });

  it("never reserves for a worker id that is not registered", async () => {
    const resque = redis.make();
    await registered(resque, "h:1:q");
    const { workers } = storeOf(resque);
    await resque.enqueueTo("q", "A");
    const result = await workers.workCycle({ ...base, reservation: "t1", recovering: false, finished: [], idleSlots: ["h:2:q", "h:1:q"] });
    expect(result.unregistered).toEqual(["h:2:q"]);
    expect(result.reserved.map((r) => r.workerId)).toEqual(["h:1:q"]);
  });

  it("with the redis_multi_queue failure backend, stores failures in <queue>_failed as Ruby does", async () => {
    const resque = redis.make({ failureBackend: "redis_multi_queue" });
    await registered(resque, "h:1:q");
    const { workers } = storeOf(resque);
    await resque.enqueueTo("q", "A");
    await workers.workCycle({ ...base, reservation: "t1", recovering: false, finished: [], idleSlots: ["h:1:q"] });
    const entry = '{"failed_at":"2026/11/25 14:49:29 UTC","payload":{"class":"A","args":[]},"exception":"E","error":"x","backtrace":[],"worker":"h:1:q","queue":"q"}';
    await workers.workCycle({
      ...base,
      reservation: "t2",
      recovering: false,
      finished: [{ workerId: "h:1:q", outcome: "failed", queue: "q", jobName: "A", durationMs: 1, failureEntry: entry, reservation: "t1" }],
      idleSlots: [],
    });
    const client = redis.server().client();
    expect(await client.lrange("resque:q_failed", 0, -1)).toEqual([entry]);
    expect(await client.smembers("resque:failed_queues")).toEqual(["q_failed"]);
    expect(await client.exists("resque:failed")).toBe(0);
    expect(await resque.admin.stats.totals()).toEqual({ processed: 1, failed: 1 });
    await client.quit();
  });
});
