/**
 * In a worker, the retry plugin's writes (scheduling a retry, forgetting an identity) travel with
 * the job's outcome in the work cycle: fenced like the outcome, and without a call of their own.
 */
import { describe, expect, it } from "vitest";
import { Job, retry, type RetryScheduledInfo } from "../../../src/index.js";
import { loadScripts } from "../../../src/redis/scripts/load.js";
import { collect, collectRecorded, deferred } from "../../helpers/events.js";
import { ManualClock } from "../../helpers/manual-clock.js";
import { capturedLogger } from "../../helpers/logs.js";
import { useRedis } from "../../helpers/resque.js";
import { createHash } from "node:crypto";
import { T, useClient } from "./helpers.js";

const clock = new ManualClock(T * 1000);
let gate = deferred();
let runs = 0;
const scheduled: { info: RetryScheduledInfo; delayedThen: string[] }[] = [];
let readSchedule: () => Promise<string[]> = async () => [];

@retry({
  delay: 10,
  clock,
  onRetry: async (_error, info) => void scheduled.push({ info, delayedThen: await readSchedule() }),
})
class FailsFirstRun extends Job<[string]> {
  static override queue = "work";
  async perform(_name: string) {
    runs++;
    if (runs === 1) {
      await gate.promise;
      throw new Error("first run fails");
    }
  }
}

@retry({ delay: 10, clock })
class AlwaysFails extends Job<[number]> {
  static override queue = "many";
  perform(n: number) {
    throw new Error(`job ${n} fails`);
  }
}

let spacedRuns = 0;

/** resque-retry removes whitespace from an identity's key name (`gsub(/\s/, '')`). */
@retry({ delay: 0, retryIdentifier: () => "order 42" })
class SpacedIdentity extends Job<[]> {
  static override queue = "spaced";
  perform() {
    if (++spacedRuns === 1) throw new Error("first run fails");
  }
}

function reset() {
  clock.set(T * 1000);
  gate = deferred();
  runs = 0;
  scheduled.length = 0;
}

describe("the retry plugin's writes go with the job's outcome", () => {
  const redis = useRedis();
  const newClient = useClient(redis);

  it("a failure whose reservation was taken away (pruned and requeued) schedules no retry; the requeued copy runs", async () => {
    reset();
    const resque = redis.make({ jobs: [FailsFirstRun] });
    const client = newClient();
    await resque.enqueue(FailsFirstRun, "x");
    const worker = resque.worker({ queues: "work", interval: 30 });
    const started = collect(worker, "job:start", 1);
    const fenced = collect(worker, "job:fenced", 1);
    const succeeded = collectRecorded(worker, "job:success", 1);
    await worker.start();
    const event = (await started)[0]![0];
    // What pruning does to a worker it judged dead: its job goes back to the queue, its key goes.
    const workerKey = `resque:worker:${event.workerId}`;
    await client.multi().del(workerKey).lpush("resque:queue:work", event.payload).exec();
    gate.resolve();
    expect((await fenced)[0]![0]).toMatchObject({ jobName: "FailsFirstRun", outcome: "failed" });
    await succeeded;
    await worker.stop();
    expect(runs).toBe(2);
    expect(await client.zcard("resque:delayed_queue_schedule")).toBe(0);
    expect(scheduled).toEqual([]);
    expect(await client.get("resque:stat:processed")).toBe("1");
    expect(await client.get("resque:stat:failed")).toBeNull();
    // The copy's success forgot the identity.
    expect(await client.exists(`resque:${resque.admin.retries.key(FailsFirstRun, "x")}`)).toBe(0);
  });

  it("an identity whose name has whitespace is counted, scheduled and forgotten under one key, without the whitespace", async () => {
    const resque = redis.make({ jobs: [SpacedIdentity] });
    const client = newClient();
    await resque.enqueue(SpacedIdentity);
    const worker = resque.worker({ queues: "spaced", interval: 30 });
    const succeeded = collectRecorded(worker, "job:success", 1);
    await worker.start();
    await succeeded;
    await worker.stop();
    expect(spacedRuns).toBe(2);
    // The retry's success forgot the identity: nothing is left under either spelling.
    expect(await client.keys("resque:*retry*")).toEqual([]);
  });

  it("onRetry runs once the retry is in Redis", async () => {
    reset();
    const resque = redis.make({ jobs: [FailsFirstRun] });
    const client = newClient();
    readSchedule = () => client.zrange("resque:delayed_queue_schedule", 0, -1);
    await resque.enqueue(FailsFirstRun, "y");
    const worker = resque.worker({ queues: "work", interval: 30 });
    const failed = collectRecorded(worker, "job:failure", 1);
    await worker.start();
    gate.resolve();
    await failed;
    await worker.stop();
    expect(scheduled).toHaveLength(1);
    expect(scheduled[0]!.info).toMatchObject({ attempt: 0, delay: 10, at: new Date((T + 10) * 1000), queue: "work" });
    expect(scheduled[0]!.delayedThen).toEqual([String(T + 10)]);
  });

  /**
   * The scripts a worker calls, by file name (the first word of a script's header comment), as
   * MONITOR sees them: EVALSHA, or EVAL (the source escaped) when Redis has not seen a script yet.
   */
  async function watchScripts(): Promise<{ stop(): Promise<string[]> }> {
    const names = new Map([...loadScripts()].map(([, lua]) => [createHash("sha1").update(lua).digest("hex"), /^--\[\[\s+([a-z-]+):/.exec(lua)?.[1]]));
    const monitor = await newClient().monitor();
    const scripts: string[] = [];
    monitor.on("monitor", (_time: string, args: string[]) => {
      const command = args[0]?.toLowerCase();
      if (command === "evalsha") scripts.push(names.get(args[1]!) ?? args[1]!);
      if (command === "eval") scripts.push(/^--\[\[(?:\\n|\s)+([a-z-]+):/.exec(args[1]!)?.[1] ?? "?");
    });
    return {
      async stop() {
        // A PING after the worker's calls: once MONITOR shows it, it has shown them all.
        const pinged = new Promise<void>((resolve) => monitor.on("monitor", (_t: string, args: string[]) => args[0]?.toLowerCase() === "ping" && resolve()));
        await newClient().ping();
        await pinged;
        monitor.disconnect();
        return scripts;
      },
    };
  }

  /** Runs `count` jobs of the "many" queue (each fails) on one work loop; returns the scripts it called. */
  async function failAll(resque: ReturnType<typeof redis.make>, count: number): Promise<string[]> {
    const watch = await watchScripts();
    // Fewer slots than two lanes need (src/worker/lanes.ts): one work loop hands out every job.
    const worker = resque.worker({ queues: "many", concurrency: count, interval: 30 });
    const failed = collectRecorded(worker, "job:failure", count);
    await worker.start();
    await failed;
    await worker.stop();
    return watch.stop();
  }

  /** Queues one payload exactly as given (as Ruby or another client may write it) and runs it. */
  async function failRaw(payload: string): Promise<{ client: ReturnType<typeof newClient>; scripts: string[] }> {
    reset();
    const resque = redis.make({ jobs: [AlwaysFails] });
    const client = newClient();
    await client.rpush("resque:queue:many", payload);
    await client.sadd("resque:queues", "many");
    return { client, scripts: await failAll(resque, 1) };
  }

  it("jobs started together have their attempts counted by the work cycle that reserves them, and their retries scheduled by the next", async () => {
    reset();
    const jobs = 8;
    const resque = redis.make({ jobs: [AlwaysFails] });
    const client = newClient();
    for (let n = 0; n < jobs; n++) await resque.enqueue(AlwaysFails, n);
    const scripts = await failAll(resque, jobs);

    expect(scripts).toContain("work-cycle");
    expect(scripts.filter((s) => s.startsWith("retry-"))).toEqual([]);
    expect(await client.zrange("resque:delayed_queue_schedule", 0, -1)).toEqual([String(T + 10)]);
    expect(await client.llen(`resque:delayed:${T + 10}`)).toBe(jobs);
    expect(await client.get("resque:stat:failed")).toBe(String(jobs));
    expect(await client.llen("resque:failed")).toBe(0);
    // The work cycle counted under resque-retry's keys (the admin API names them as Ruby does).
    for (let n = 0; n < jobs; n++) expect(await client.get(`resque:${resque.admin.retries.key(AlwaysFails, n)}`)).toBe("0");
  });

  it("jobs whose args the work cycle cannot join as Ruby does count their attempts in one call of their own", async () => {
    reset();
    const jobs = 4;
    const resque = redis.make({ jobs: [AlwaysFails] });
    const client = newClient();
    // Objects in args are joined with Ruby's Hash#inspect: only the worker knows how.
    for (let n = 0; n < jobs; n++) await resque.enqueue(AlwaysFails, { n } as unknown as number);
    const scripts = await failAll(resque, jobs);

    expect(scripts.filter((s) => s === "retry-begin-attempts")).toHaveLength(1);
    for (let n = 0; n < jobs; n++) expect(await client.get(`resque:${resque.admin.retries.key(AlwaysFails, { n })}`)).toBe("0");
    expect(await client.llen(`resque:delayed:${T + 10}`)).toBe(jobs);
  });

  it("an attempt the work cycle counted under another name than the job's own is undone, and the job's own counted", async () => {
    // Ruby reads 1.0 as a Float and joins it as "1.0"; Lua reads it as the number 1.
    const { client, scripts } = await failRaw('{"class":"AlwaysFails","args":[1.0]}');

    expect(scripts.filter((s) => s === "retry-uncount-attempt")).toHaveLength(1);
    const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");
    expect(await client.exists(`resque:resque-retry:AlwaysFails:${sha1("1")}`)).toBe(0);
    expect(await client.get(`resque:resque-retry:AlwaysFails:${sha1("1.0")}`)).toBe("0");
    expect(await client.llen(`resque:delayed:${T + 10}`)).toBe(1);
  });

  it("an attempt counted for a run that never reaches its retry plugin is undone", async () => {
    // Lua's JSON reader takes the hexadecimal number; the worker's does not, so the job fails
    // before any hook runs and is not retried.
    const { client } = await failRaw('{"class":"AlwaysFails","args":[0x10]}');

    expect(await client.keys("resque:resque-retry:*")).toEqual([]);
    expect(JSON.parse((await client.lindex("resque:failed", 0))!)).toMatchObject({ exception: "PayloadDecodeError" });
  });

  it("logs the scheduled retry with the job's name and queue when the logger writes info lines", async () => {
    reset();
    const { logger, lines } = capturedLogger("info");
    const resque = redis.make({ jobs: [AlwaysFails], logger });
    await resque.enqueue(AlwaysFails, 1);
    await failAll(resque, 1);
    const scheduledLines = lines.filter((line) => line.msg === "retry scheduled");
    expect(scheduledLines).toEqual([expect.objectContaining({ job: "AlwaysFails", queue: "many", attempt: 0, delay: 10, due: new Date((T + 10) * 1000).toISOString() })]);
  });
});
