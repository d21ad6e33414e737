/**
 * The other direction: resque-ts, doing what the Ruby script behind after-enqueue.json did, leaves
 * Redis in exactly the state Ruby Resque 2.7 and resque-scheduler 4.11 left: every key, type,
 * member order and byte.
 */
import { describe, expect, it } from "vitest";
import { Job } from "../../../src/index.js";
import { DelayedJobs } from "../../../src/scheduler/delayed-jobs.js";
import { golden, goldenKey } from "../../helpers/golden.js";
import { asDumped, dumpRedis } from "../../helpers/load-golden.js";
import { ManualClock } from "../../helpers/manual-clock.js";
import { useRedis } from "../../helpers/resque.js";
import { storeOf } from "../../../src/redis/store-of.js";

class EchoJob extends Job<unknown[]> {
  static override queue = "default";
  perform(..._args: unknown[]) {}
}

describe("resque-ts writes Ruby's state", () => {
  const redis = useRedis();

  it("enqueue and enqueueAt/enqueueAtWithQueue give after-enqueue.json, key for key", async () => {
    const resque = redis.make({ jobs: [EchoJob] });
    for (const queue of ["default", "critical"]) {
      for (const raw of goldenKey("after-enqueue.json", `resque:queue:${queue}`).value as string[]) {
        const { class: name, args } = JSON.parse(raw) as { class: string; args: unknown[] };
        await resque.enqueueTo(queue, name, ...args);
      }
    }
    // The dump's delayed times are in the past by now; delay from a clock set before them.
    const delayed = new DelayedJobs(storeOf(resque).delayed, {
      target: (job, queue) => ({ name: job as string, queue: queue ?? "default" }),
      enqueueNow: () => Promise.reject(new Error("every time here is in the future")),
      clock: new ManualClock(Date.parse("2026-11-25T14:53:00Z")),
    });
    for (const { key, value } of golden("after-enqueue.json").filter((k) => /^resque:delayed:\d+$/.test(k.key))) {
      const ts = Number(key.split(":")[2]);
      for (const raw of value as string[]) {
        const { class: name, args, queue } = JSON.parse(raw) as { class: string; args: unknown[]; queue: string };
        await delayed.enqueueAtWithQueue(queue, ts * 1000, name, args);
      }
    }
    const client = redis.server().client();
    expect(await dumpRedis(client)).toEqual(asDumped(golden("after-enqueue.json")));
    await client.quit();
  });
});
