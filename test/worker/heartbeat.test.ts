import { readdirSync } from "node:fs";
import type { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { until } from "../helpers/events.js";
import { useRedis } from "../helpers/resque.js";

function connections(list: unknown): number {
  return String(list).trim().split("\n").length;
}

/** Keeps this thread's event loop busy (as a long synchronous job would) for `ms`. */
function blockFor(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // spin
  }
}

/** When a worker id last beat, as `workers:heartbeat` says (NaN when it has no entry). */
async function beatOf(client: Redis, id: string): Promise<number> {
  return Date.parse((await client.hget("resque:workers:heartbeat", id)) ?? "");
}

/** This process's threads (the heartbeat thread is one; the rest are Node's and V8's own). */
function threads(): number {
  return readdirSync("/proc/self/task").length;
}

describe("a worker's heartbeat", () => {
  const redis = useRedis();

  it("comes from the worker's own connection while its event loop runs, and from the heartbeat thread's while a job blocks the loop", async () => {
    const resque = redis.make();
    const client = redis.server().client();
    const worker = resque.worker({ queues: ["idle"], heartbeatInterval: 0.5 });
    await worker.start();
    const beatAt = () => beatOf(client, worker.ids[0]!);

    // Beats go on with no connection beyond the worker's own: the thread has not connected.
    const atStart = connections(await client.client("LIST"));
    const first = await beatAt();
    await until(beatAt, (at) => at > first);
    const second = await beatAt();
    await until(beatAt, (at) => at > second);
    expect(connections(await client.client("LIST"))).toBe(atStart);

    // A blocked loop cannot beat: the thread connects and beats in its place.
    const blockedFrom = Date.now();
    blockFor(3000);
    expect(await beatAt()).toBeGreaterThan(blockedFrom);
    expect(connections(await client.client("LIST"))).toBe(atStart + 1);

    await worker.stop();
    await client.quit();
  }, 30_000);

  it("is not taken over by the thread while Redis is slow and the event loop runs", async () => {
    // The main thread's heartbeat waits on a paused Redis, so it is overdue: the thread asks the
    // loop whether it runs, and only a loop that leaves the question unanswered is treated as
    // blocked (the thread would connect and send the heartbeat itself).
    const resque = redis.make();
    const client = redis.server().client();
    const worker = resque.worker({ queues: ["idle"], heartbeatInterval: 0.5 });
    await worker.start();
    const atStart = connections(await client.client("LIST"));
    const id = worker.ids[0]!;
    const before = await beatOf(client, id);
    await client.call("CLIENT", "PAUSE", "3000", "WRITE");
    await new Promise((resolve) => setTimeout(resolve, 3000));
    await until(() => beatOf(client, id), (at) => at > before + 2000);
    expect(connections(await client.client("LIST"))).toBe(atStart);
    await worker.stop();
    await client.quit();
  }, 30_000);

  it("comes from one thread for every worker of a process, which beats for each while the loop is blocked and ends with the last", async () => {
    const resque = redis.make();
    const client = redis.server().client();
    const beatAt = (id: string) => beatOf(client, id);
    const before = threads();
    const a = resque.worker({ queues: ["a"], heartbeatInterval: 0.5 });
    await a.start();
    const withOne = threads();
    expect(withOne).toBe(before + 1);
    const b = resque.worker({ queues: ["b"], heartbeatInterval: 5 });
    const c = resque.worker({ queues: ["c"], heartbeatInterval: 0.5 });
    await b.start();
    await c.start();
    expect(threads()).toBe(withOne);

    // Stopping one leaves the thread to the others: it beats for both while the loop blocks, each
    // on a connection of its own once that worker's heartbeat is due, and not for the stopped one.
    await c.stop();
    const afterStop = connections(await client.client("LIST"));
    const blockedFrom = Date.now();
    blockFor(6500);
    expect(await beatAt(a.ids[0]!)).toBeGreaterThan(blockedFrom);
    expect(await beatAt(b.ids[0]!)).toBeGreaterThan(blockedFrom);
    expect(await client.hexists("resque:workers:heartbeat", c.ids[0]!)).toBe(0);
    expect(connections(await client.client("LIST"))).toBe(afterStop + 2);

    await a.stop();
    await b.stop();
    expect(threads()).toBe(before);
    await client.quit();
  }, 30_000);
});
