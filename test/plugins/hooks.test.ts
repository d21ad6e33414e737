import { describe, expect, it } from "vitest";
import { DontPerform, Job, JobDeferred, plugin, type EnqueueContext, type JobClass, type PerformContext, type Plugin, type Resque } from "../../src/index.js";
import { collect, finished } from "../helpers/events.js";
import { useRedis } from "../helpers/resque.js";

let trace: string[] = [];

/** A plugin that records every job hook it sees, labelled. */
function recorder(label: string): Plugin {
  return {
    name: label,
    beforeEnqueue: (c: EnqueueContext) => void trace.push(`${label}.beforeEnqueue(${c.args.join(",")})`),
    afterEnqueue: () => void trace.push(`${label}.afterEnqueue`),
    beforePerform: () => void trace.push(`${label}.beforePerform`),
    aroundPerform: async (_c: PerformContext, next: () => Promise<void>) => {
      trace.push(`${label}.around:in`);
      await next();
      trace.push(`${label}.around:out`);
    },
    afterPerform: () => void trace.push(`${label}.afterPerform`),
    onFailure: (error: unknown) => void trace.push(`${label}.onFailure(${(error as Error).message})`),
  };
}

class StaticPlugin {
  beforePerform() {
    trace.push("Static.beforePerform");
  }
  afterPerform() {
    trace.push("Static.afterPerform");
  }
}

@plugin(recorder("Top"))
@plugin(recorder("Bottom"))
class Ordered extends Job<[boolean]> {
  static override queue = "hooks";
  static override plugins = [StaticPlugin];
  static beforePerformB() {
    trace.push("class.beforePerformB");
  }
  static beforePerformA() {
    trace.push("class.beforePerformA");
  }
  static async aroundPerformX(_c: PerformContext, next: () => Promise<void>) {
    trace.push("class.around:in");
    await next();
    trace.push("class.around:out");
  }
  static afterPerformZ() {
    trace.push("class.afterPerformZ");
  }
  static onFailureLog(error: unknown, context: PerformContext) {
    trace.push(`class.onFailure(${(error as Error).message}, ${context.args.join(",")})`);
  }
  perform(fail: boolean) {
    trace.push("perform");
    if (fail) throw new Error("perform failed");
  }
}

describe("job hooks", () => {
  const redis = useRedis();

  async function runOne(make: () => Resque, job: JobClass, ...args: unknown[]) {
    const resque = make();
    await resque.enqueue(job.jobName ?? job.name, ...args);
    const worker = resque.worker({ queues: "hooks", interval: 30 });
    const done = finished(worker, 1);
    const events: { success?: unknown; failure?: unknown } = {};
    worker.on("job:success", (e) => (events.success = e));
    worker.on("job:failure", (e) => (events.failure = e));
    await worker.start();
    await done;
    await worker.stop();
    return { resque, events };
  }

  it("run in order: global plugins, decorators top to bottom, static plugins, then class hooks by name", async () => {
    trace = [];
    await runOne(() => redis.make({ jobs: [Ordered], plugins: [recorder("Global")] }), Ordered, false);
    expect(trace).toEqual([
      "Global.beforeEnqueue(false)",
      "Top.beforeEnqueue(false)",
      "Bottom.beforeEnqueue(false)",
      "Global.afterEnqueue",
      "Top.afterEnqueue",
      "Bottom.afterEnqueue",
      "Global.beforePerform",
      "Top.beforePerform",
      "Bottom.beforePerform",
      "Static.beforePerform",
      "class.beforePerformA",
      "class.beforePerformB",
      "Global.around:in",
      "Top.around:in",
      "Bottom.around:in",
      "class.around:in",
      "perform",
      "class.around:out",
      "Bottom.around:out",
      "Top.around:out",
      "Global.around:out",
      "Global.afterPerform",
      "Top.afterPerform",
      "Bottom.afterPerform",
      "Static.afterPerform",
      "class.afterPerformZ",
    ]);
  });

  it("on failure: after hooks are skipped and every onFailure hook gets the error and args", async () => {
    trace = [];
    const { resque, events } = await runOne(() => redis.make({ jobs: [Ordered], plugins: [recorder("Global")] }), Ordered, true);
    expect(trace.slice(trace.indexOf("perform"))).toEqual([
      "perform",
      "Global.onFailure(perform failed)",
      "Top.onFailure(perform failed)",
      "Bottom.onFailure(perform failed)",
      "class.onFailure(perform failed, true)",
    ]);
    expect(events.failure).toBeDefined();
    const [entry] = await resque.admin.failed.page({ count: 1000 });
    expect(entry!.error).toBe("perform failed");
    expect(JSON.parse(entry!.raw).hook).toBeUndefined();
  });

  it("beforeEnqueue returning false cancels the enqueue: nothing is written", async () => {
    class Refused extends Job<[number]> {
      static override queue = "hooks";
      static beforeEnqueueCheck(context: EnqueueContext) {
        return context.args[0] !== 13;
      }
      perform() {}
    }
    const resque = redis.make({ jobs: [Refused] });
    expect(await resque.enqueue(Refused, 13)).toBe(false);
    expect(await resque.enqueue(Refused, 1)).toBe(true);
    expect(await resque.enqueueBulk(Refused, [[13], [2], [13], [3]])).toBe(2);
    expect((await resque.admin.queues.peek("hooks", { start: 0, count: 10 })).map((j) => j.args[0])).toEqual([1, 2, 3]);
  });

  it("all beforeEnqueue hooks run even when one says false; afterEnqueue sees the job already queued", async () => {
    const seen: string[] = [];
    let queuedDuringAfter = -1;
    const resque = redis.make({
      plugins: [
        { beforeEnqueue: () => (seen.push("first"), false) },
        { beforeEnqueue: () => void seen.push("second") },
        { afterEnqueue: async (c: EnqueueContext) => void (queuedDuringAfter = await resque.admin.queues.size(c.queue)) },
      ],
    });
    expect(await resque.enqueueTo("hooks", "Anything", 1)).toBe(false);
    expect(seen).toEqual(["first", "second"]);
    expect(queuedDuringAfter).toBe(-1);
    const open = redis.make({ plugins: [{ afterEnqueue: async (c: EnqueueContext) => void (queuedDuringAfter = await open.admin.queues.size(c.queue)) }] });
    await open.enqueueTo("hooks", "Anything", 1);
    expect(queuedDuringAfter).toBe(1);
  });

  it("beforeDequeue returning false cancels a dequeue; afterDequeue runs after it", async () => {
    let allow = false;
    const calls: string[] = [];
    class Guarded extends Job<[number]> {
      static override queue = "hooks";
      static beforeDequeueGuard() {
        calls.push("before");
        return allow;
      }
      static afterDequeueLog(context: EnqueueContext) {
        calls.push(`after(${context.args.join(",")})`);
      }
      perform() {}
    }
    const resque = redis.make({ jobs: [Guarded] });
    await resque.enqueueBulk(Guarded, [[1], [2]]);
    expect(await resque.dequeue(Guarded, 1)).toBe(0);
    expect(await resque.admin.queues.size("hooks")).toBe(2);
    allow = true;
    expect(await resque.dequeue(Guarded, 1)).toBe(1);
    expect(calls).toEqual(["before", "before", "after(1)"]);
  });

  it("DontPerform in beforePerform skips the job without failing it, and no after hooks run", async () => {
    const calls: string[] = [];
    class Skipped extends Job<[]> {
      static override queue = "hooks";
      static beforePerformSkip() {
        throw new DontPerform("not today");
      }
      static afterPerformLog() {
        calls.push("after");
      }
      static onFailureLog() {
        calls.push("failure");
      }
      perform() {
        calls.push("perform");
      }
    }
    const { resque, events } = await runOne(() => redis.make({ jobs: [Skipped] }), Skipped);
    expect(calls).toEqual([]);
    expect(events.success).toMatchObject({ skipped: true });
    expect(await resque.admin.failed.count()).toBe(0);
    expect(await resque.admin.stats.totals()).toEqual({ processed: 1, failed: 0 });
  });

  describe("a class with no perform hooks (run without the hook runner) ends as one with hooks would", () => {
    it("DontPerform from perform skips the job without failing it", async () => {
      class Plain extends Job<[]> {
        static override queue = "hooks";
        perform() {
          throw new DontPerform("nothing to do");
        }
      }
      const { resque, events } = await runOne(() => redis.make({ jobs: [Plain] }), Plain);
      expect(events.success).toMatchObject({ jobName: "Plain", skipped: true });
      expect(await resque.admin.stats.totals()).toEqual({ processed: 1, failed: 0 });
    });

    it("a failing perform runs onFailure with the job's context and records one failure", async () => {
      const seen: string[] = [];
      class PlainFailing extends Job<[number]> {
        static override queue = "hooks";
        static onFailureLog(error: Error, context: PerformContext) {
          seen.push(`${error.message} ${context.jobName} ${String(context.args)} ${String(context.signal.aborted)}`);
        }
        perform(n: number) {
          throw new Error(`boom ${n}`);
        }
      }
      const { resque, events } = await runOne(() => redis.make({ jobs: [PlainFailing] }), PlainFailing, 7);
      expect(seen).toEqual(["boom 7 PlainFailing 7 false"]);
      expect(events.failure).toMatchObject({ jobName: "PlainFailing", args: [7] });
      expect(await resque.admin.failed.count()).toBe(1);
      expect(await resque.admin.stats.totals()).toEqual({ processed: 1, failed: 1 });
    });

    it("JobDeferred from the constructor releases the job uncounted; from perform it fails it", async () => {
      class DeferredEarly extends Job<[]> {
        static override queue = "hooks";
        constructor() {
          super();
          throw new JobDeferred();
        }
        perform() {}
      }
      class DeferredLate extends Job<[]> {
        static override queue = "hooks";
        perform() {
          throw new JobDeferred();
        }
      }
      const resque = redis.make({ jobs: [DeferredEarly, DeferredLate] });
      await resque.enqueue(DeferredEarly);
      await resque.enqueue(DeferredLate);
      const worker = resque.worker({ queues: "hooks", interval: 0 });
      const deferredEvents = collect(worker, "job:deferred", 1);
      const failures = collect(worker, "job:failure", 1);
      await worker.start();
      expect((await deferredEvents)[0]![0]).toMatchObject({ jobName: "DeferredEarly" });
      expect((await failures)[0]![0]).toMatchObject({ jobName: "DeferredLate" });
      await worker.stopped;
      expect(await resque.admin.stats.totals()).toEqual({ processed: 1, failed: 1 });
    });
  });

  it("an around hook that does not call next skips perform; after hooks still run (as in Resque)", async () => {
    const calls: string[] = [];
    class Wrapped extends Job<[]> {
      static override queue = "hooks";
      static aroundPerformGate() {
        calls.push("around");
      }
      static afterPerformLog() {
        calls.push("after");
      }
      perform() {
        calls.push("perform");
      }
    }
    const { events } = await runOne(() => redis.make({ jobs: [Wrapped] }), Wrapped);
    expect(calls).toEqual(["around", "after"]);
    expect(events.success).toMatchObject({ skipped: false });
  });

  describe("a failing hook fails the job like a failing perform, and the entry names the hook", () => {
    const kinds = [
      { hook: "beforePerform", performs: false },
      { hook: "aroundPerform", performs: false },
      { hook: "afterPerform", performs: true },
    ] as const;
    for (const { hook, performs } of kinds) {
      it(hook, async () => {
        let performed = false;
        let failureSeen: unknown;
        const broken: Plugin = {
          name: "Broken",
          [hook]: () => {
            throw new RangeError(`${hook} broke`);
          },
          onFailure: (error: unknown) => void (failureSeen = error),
        };
        class Victim extends Job<[]> {
          static override queue = "hooks";
          static override plugins = [broken];
          perform() {
            performed = true;
          }
        }
        const { resque } = await runOne(() => redis.make({ jobs: [Victim] }), Victim);
        expect(performed).toBe(performs);
        expect((failureSeen as Error).message).toBe(`${hook} broke`);
        const [entry] = await resque.admin.failed.page({ count: 1000 });
        expect(entry!.exception).toBe("RangeError");
        expect(entry!.error).toBe(`${hook} broke`);
        expect(JSON.parse(entry!.raw).hook).toBe(`${hook} (Broken)`);
        expect(entry!.backtrace[0]).toMatch(/hooks\.test\.ts/);
        expect(await resque.admin.stats.totals()).toEqual({ processed: 1, failed: 1 });
      });
    }

    it("onFailure: the job's own error is still recorded, with the hook's error beside it", async () => {
      class Doubly extends Job<[]> {
        static override queue = "hooks";
        static onFailureBroken() {
          throw new Error("reporter down");
        }
        perform() {
          throw new TypeError("original");
        }
      }
      const { resque } = await runOne(() => redis.make({ jobs: [Doubly] }), Doubly);
      const [entry] = await resque.admin.failed.page({ count: 1000 });
      expect(entry!.exception).toBe("TypeError");
      expect(entry!.error).toBe("original");
      expect(JSON.parse(entry!.raw).on_failure_error).toBe("onFailureBroken (Doubly): reporter down");
    });
  });

  it("hooks may be async and are awaited in order; the context describes the run", async () => {
    let seen: PerformContext | undefined;
    const order: string[] = [];
    class Async extends Job<[string]> {
      static override queue = "hooks";
      static async beforePerformSlow(context: PerformContext) {
        await new Promise((r) => setTimeout(r, 10));
        order.push("slow before");
        seen = context;
      }
      static beforePerformZFast() {
        order.push("fast before");
      }
      perform() {
        order.push("perform");
      }
    }
    const { events } = await runOne(() => redis.make({ jobs: [Async] }), Async, "x");
    expect(order).toEqual(["slow before", "fast before", "perform"]);
    expect(seen).toMatchObject({ jobName: "Async", queue: "hooks", args: ["x"], attempt: 0, job: Async });
    expect(seen!.workerId).toBe((events.success as { workerId: string }).workerId);
    expect(seen!.signal).toBeInstanceOf(AbortSignal);
    expect(typeof seen!.logger.info).toBe("function");
  });

  it("onFailure may keep the entry out of the failed list (still counted) and add details to it", async () => {
    let suppress = true;
    class Quiet extends Job<[]> {
      static override queue = "hooks";
      static onFailureDecide(_e: unknown, context: PerformContext) {
        // Taken off the context, as a plugin may do: it still acts on this run.
        const { suppressFailureEntry } = context;
        if (suppress) suppressFailureEntry();
        else context.failureDetails.attempts = 3;
      }
      perform() {
        throw new Error("nope");
      }
    }
    const first = await runOne(() => redis.make({ jobs: [Quiet] }), Quiet);
    expect(await first.resque.admin.failed.count()).toBe(0);
    expect(await first.resque.admin.stats.totals()).toEqual({ processed: 1, failed: 1 });
    suppress = false;
    const second = await runOne(() => redis.make({ jobs: [Quiet] }), Quiet);
    const [entry] = await second.resque.admin.failed.page({ count: 1000 });
    expect(JSON.parse(entry!.raw).attempts).toBe(3);
  });
});

describe("worker hooks", () => {
  const redis = useRedis();

  it("beforeFirstFork, queueEmpty, beforePause/afterPause, shutdown and workerExit run at their moments", async () => {
    const calls: string[] = [];
    class Quick extends Job<[]> {
      static override queue = "hooks";
      perform() {}
    }
    const resque = redis.make({
      jobs: [Quick],
      plugins: [
        {
          beforeFirstFork: (c) => void calls.push(`beforeFirstFork(${c.queues.join(",")})`),
          afterFork: () => void calls.push("afterFork"),
          queueEmpty: () => void calls.push("queueEmpty"),
          beforePause: () => void calls.push("beforePause"),
          afterPause: () => void calls.push("afterPause"),
          shutdown: () => void calls.push("shutdown"),
          workerExit: (c) => void calls.push(`workerExit(${c.workerIds.length})`),
        },
      ],
    });
    await resque.enqueue(Quick);
    const worker = resque.worker({ queues: "hooks", interval: 30, concurrency: 2 });
    const idle = collect(worker, "idle", 1);
    await worker.start();
    await idle;
    worker.pause();
    worker.resume();
    await worker.stop();
    expect(calls).toEqual(["beforeFirstFork(hooks)", "queueEmpty", "beforePause", "afterPause", "shutdown", "workerExit(2)"]);
  });

  it("a pool child runs afterFork instead of beforeFirstFork", async () => {
    const calls: string[] = [];
    const resque = redis.make({ plugins: [{ beforeFirstFork: () => void calls.push("first"), afterFork: (c) => void calls.push(`afterFork(${(c as { child: number }).child})`) }] });
    const worker = resque.worker({ queues: "hooks", interval: 30, forkedChild: 2 });
    await worker.start();
    await worker.stop();
    expect(calls).toEqual(["afterFork(2)"]);
  });

  it("a throwing beforeFirstFork stops the start; other worker hooks only log", async () => {
    const resque = redis.make({ plugins: [{ beforeFirstFork: () => { throw new Error("not ready"); } }] });
    const worker = resque.worker({ queues: "hooks", interval: 30 });
    await expect(worker.start()).rejects.toThrow("not ready");
    await worker.stopped;
    const client = redis.server().client();
    expect(await client.smembers("resque:workers")).toEqual([]);
    await client.quit();
  });
});
