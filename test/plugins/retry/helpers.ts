/** Shared set-up for retry tests: a worker and a scheduler on one private Redis, with a manual clock. */
import type { Redis } from "ioredis";
import { afterEach } from "vitest";
import type { Resque, Worker, WorkerEvents } from "../../../src/index.js";
import { collectRecorded } from "../../helpers/events.js";
import type { ManualClock } from "../../helpers/manual-clock.js";
import { silentLogger, type useRedis } from "../../helpers/resque.js";

/** Unix seconds the tests start at (the clock of the retry plugin and the scheduler). */
export const T = 1_800_000_000;

export function rig(resque: Resque, clock: ManualClock, queues: string | string[]) {
  const worker = resque.worker({ queues, interval: 30 });
  const scheduler = resque.scheduler({ clock, logger: silentLogger, lockValue: "test:1" });
  return {
    worker,
    scheduler,
    /** Resolves with the next event of this kind (listening starts now). */
    next<E extends "job:failure" | "job:success">(event: E): Promise<WorkerEvents[E][0]> {
      return collectRecorded(worker, event, 1).then((events) => events[0]![0]);
    },
    /** Moves the clock to unix second `ts` and lets the scheduler promote what is due. */
    async promoteAt(ts: number): Promise<void> {
      clock.set(ts * 1000);
      await scheduler.runPass();
    },
  };
}

export type Rig = ReturnType<typeof rig> & { worker: Worker };

/** Plain clients on the test's Redis (to read keys as Ruby would), closed after each test. */
export function useClient(redis: ReturnType<typeof useRedis>): () => Redis {
  const open: Redis[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((client) => client.quit()));
  });
  return () => {
    const client = redis.server().client();
    open.push(client);
    return client;
  };
}
