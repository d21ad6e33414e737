import { describe, expect, it } from "vitest";
import { Job, limit, listLimits } from "../../../src/index.js";
import { collect, deferred, until } from "../../helpers/events.js";
import { useRedis } from "../../helpers/resque.js";

let running = 0;
let most = 0;
const gates: { resolve: () => void }[] = [];

@limit({ concurrency: 2 })
class Crawl extends Job<[page: number]> {
  static override queue = "limited";
  async perform() {
    running++;
    most = Math.max(most, running);
    const gate = deferred();
    gates.push(gate);
    await gate.promise;
    running--;
  }
}

@limit({ rate: { limit: 3, per: 60 }, key: (args) => (args[0] as { account: string }).account })
class Charge extends Job<[options: { account: string; cents: number }]> {
  static override queue = "limited";
  perform() {}
}

describe("limit plugin", () => {
  const redis = useRedis();

  it("runs at most `concurrency` at once; the rest go to the delayed schedule uncounted and run later", async () => {
    const resque = redis.make({ jobs: [Crawl] });
    await resque.enqueueBulk(Crawl, [[1], [2], [3], [4], [5]]);
    const worker = resque.worker({ queues: ["limited"], concurrency: 5 });
    const deferrals = collect(worker, "job:deferred", 3);
    await worker.start();
    await deferrals;
    expect(running).toBe(2);
    expect(await resque.size("limited")).toBe(0);
    expect(await resque.findDelayedSelection(() => true)).toHaveLength(3);
    const [info] = await listLimits(resque);
    expect(info).toMatchObject({ key: "Crawl", concurrency: 2, rate: null, lease: 30 });
    expect(info!.holders).toHaveLength(2);
    for (const holder of info!.holders) expect(worker.ids).toContain(holder.workerId);
    expect(await resque.stats()).toEqual({ processed: 0, failed: 0 });

    // Finish the two; the scheduler brings the others back, two at a time.
    const scheduler = resque.scheduler({ interval: 0.1 });
    await scheduler.start();
    for (let finishedJobs = 0; finishedJobs < 5; ) {
      await until(async () => gates.length, (n) => n > 0);
      gates.shift()!.resolve();
      finishedJobs++;
      await until(() => resque.stats(), (s) => s.processed === finishedJobs);
    }
    await scheduler.stop();
    await worker.stop();
    expect(most).toBe(2);
    expect(await resque.stats()).toEqual({ processed: 5, failed: 0 });
    expect((await listLimits(resque))[0]!.holders).toEqual([]);
  });

  it("rate: at most `limit` starts per window and per key; the next waits until the window frees", async () => {
    const resque = redis.make({ jobs: [Charge] });
    for (let i = 0; i < 4; i++) await resque.enqueue(Charge, { account: "acme", cents: i });
    await resque.enqueue(Charge, { account: "zeta", cents: 9 });
    const worker = resque.worker({ queues: ["limited"], interval: 0 });
    const deferrals = collect(worker, "job:deferred", 1);
    await worker.start();
    const [deferral] = (await deferrals)[0]!;
    expect(deferral.args).toEqual([{ account: "acme", cents: 3 }]);
    await worker.stopped;
    expect(await resque.stats()).toEqual({ processed: 4, failed: 0 });
    const [delayed] = await resque.findDelayedSelection(() => true);
    // Due when the oldest of the three starts leaves the 60 s window.
    expect(delayed!.at.getTime() - Date.now()).toBeGreaterThan(55_000);
    expect((await listLimits(resque)).map((l) => [l.key, l.recentRuns])).toEqual([
      ["Charge:acme", 3],
      ["Charge:zeta", 1],
    ]);
  });

  it("refuses bad options where the class is defined", () => {
    expect(() => limit({})).toThrow(/needs concurrency/);
    expect(() => limit({ concurrency: 0 })).toThrow(/whole number of at least 1/);
    expect(() => limit({ rate: { limit: 5, per: 0 } })).toThrow(/limit rate must be/);
  });
});
