import { describe, expect, it } from "vitest";
import { Job, JobDeferred, type DirtyExitContext, type EnqueueContext, type PerformContext, type Plugin } from "../../src/index.js";
import { collect, deferred } from "../helpers/events.js";
import { silentLogger, useRedis } from "../helpers/resque.js";

describe("plugin API extensions", () => {
  const redis = useRedis();

  it("a before hook that throws JobDeferred releases the job without counting it", async () => {
    const putBack: Plugin = {
      name: "put-back",
      async beforePerform(context: PerformContext) {
        await context.resque.store.delayed.push(2_000_000_000, [JSON.stringify({ class: context.jobName, args: context.args, queue: context.queue })]);
        throw new JobDeferred();
      },
    };
    class Deferred extends Job<[number]> {
      static override queue = "defer";
      static override plugins = [putBack];
      perform() {
        throw new Error("must not run");
      }
    }
    const resque = redis.make({ jobs: [Deferred] });
    await resque.enqueue(Deferred, 1);
    const worker = resque.worker({ queues: ["defer"], interval: 0 });
    const events = collect(worker, "job:deferred", 1);
    await worker.start();
    const [event] = (await events)[0]!;
    expect(event).toMatchObject({ jobName: "Deferred", args: [1] });
    await worker.stopped;
    expect(await resque.stats()).toEqual({ processed: 0, failed: 0 });
    expect(await resque.size("defer")).toBe(0);
    expect(await resque.delayedTimestampPeek(2_000_000_000_000)).toMatchObject([{ class: "Deferred", args: [1] }]);
  });

  it("linkSignal gives one job a signal of its own that a plugin can fire", async () => {
    const controllers: AbortController[] = [];
    const started = deferred();
    const killer: Plugin = {
      beforePerform(context: PerformContext) {
        const controller = new AbortController();
        controllers.push(controller);
        context.linkSignal(controller.signal);
      },
    };
    class Waits extends Job<[]> {
      static override queue = "signal";
      static override plugins = [killer];
      async perform() {
        started.resolve();
        await new Promise((_, reject) => this.context.signal.addEventListener("abort", () => reject(this.context.signal.reason as Error)));
      }
    }
    const resque = redis.make({ jobs: [Waits] });
    await resque.enqueue(Waits);
    const worker = resque.worker({ queues: ["signal"], interval: 0 });
    const failures = collect(worker, "job:failure", 1);
    await worker.start();
    await started.promise;
    controllers[0]!.abort(new Error("killed by id"));
    const [failure] = (await failures)[0]!;
    expect((failure.error as Error).message).toBe("killed by id");
    await worker.stopped;
  });

  it("enqueueJob returns what the enqueue hooks noted", async () => {
    const noter: Plugin = {
      beforeEnqueue(context: EnqueueContext) {
        context.details.seen = context.args[0];
        return context.args[0] !== "no";
      },
    };
    class Noted extends Job<[string]> {
      static override queue = "noted";
      static override plugins = [noter];
      perform() {}
    }
    const resque = redis.make({ jobs: [Noted] });
    expect(await resque.enqueueJob(Noted, ["yes"])).toEqual({ enqueued: true, queue: "noted", details: { seen: "yes" } });
    expect(await resque.enqueueJob(Noted, ["no"], { queue: "elsewhere" })).toEqual({ enqueued: false, queue: "elsewhere", details: { seen: "no" } });
    expect(await resque.size("noted")).toBe(1);
  });

  it("onDirtyExit hooks run in the pruning process when a dead worker's job is requeued", async () => {
    const seen: DirtyExitContext[] = [];
    const watcher: Plugin = {
      onDirtyExit(context: DirtyExitContext) {
        seen.push(context);
      },
    };
    class Fragile extends Job<[number]> {
      static override queue = "fragile";
      static override plugins = [watcher];
      perform() {}
    }
    const resque = redis.make({ jobs: [Fragile] });
    const client = redis.server().client();
    const id = "gone:1:fragile";
    await client.sadd("resque:workers", id);
    await client.set(`resque:worker:${id}`, '{"queue":"fragile","run_at":"2026-11-25T14:53:31Z","payload":{"class":"Fragile","args":[7]}}');
    await client.hset("resque:workers:heartbeat", id, "2020-01-01T00:00:00+00:00");
    await client.hset("resque:resque-ts:workers", id, "1");
    const worker = resque.worker({ queues: ["nothing"], logger: silentLogger });
    await worker.start(); // prunes at start
    await worker.stop();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ jobName: "Fragile", args: [7], queue: "fragile", workerId: id, outcome: "requeued" });
    expect(await client.lrange("resque:queue:fragile", 0, -1)).toEqual(['{"class":"Fragile","args":[7]}']);
    await client.quit();
  });
});
