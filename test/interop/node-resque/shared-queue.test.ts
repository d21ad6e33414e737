/**
 * A node-resque worker and a resque-ts worker take jobs from one queue, filled by both sides:
 * every job runs exactly once, and the shared counters add up (node-resque counts a failed job
 * in stat:failed only; Ruby Resque and resque-ts count it in stat:processed too).
 */
import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import { Job } from "../../../src/index.js";
import { deferred } from "../../helpers/events.js";
import { NodeResquePeer } from "../../helpers/node-resque.js";
import { useRedis } from "../../helpers/resque.js";

const EACH = 100;
const fails = (n: number) => n % 10 === 9;

let runs: { by: "ours" | "node"; n: number }[] = [];
let allRan = deferred();
function run(by: "ours" | "node", n: number): void {
  runs.push({ by, n });
  if (runs.length === 2 * EACH) allRan.resolve();
  if (fails(n)) throw new Error(`job ${n} fails`);
}

// Two Gate jobs, each held until both run: each worker takes one job at a time, so each takes a
// gate, and both are known to take part whatever the timing.
let gateEntered = 0;
let gatesOpen = deferred();
async function gate(): Promise<void> {
  if (++gateEntered === 2) gatesOpen.resolve();
  await gatesOpen.promise;
}

class Work extends Job<[number]> {
  static override queue = "shared";
  perform(n: number) {
    run("ours", n);
  }
}
class Gate extends Job<[]> {
  static override queue = "shared";
  perform() {
    return gate();
  }
}

describe("one queue, worked by node-resque and resque-ts together", () => {
  const redis = useRedis();

  it("runs every job exactly once and keeps the shared counters exact", async () => {
    runs = [];
    allRan = deferred();
    gateEntered = 0;
    gatesOpen = deferred();
    const peer = await NodeResquePeer.start(redis.server(), {
      Work: { perform: async (n: number) => run("node", n) },
      Gate: { perform: gate },
    });
    const resque = redis.make({ jobs: [Work, Gate] });
    // Polls often: node-resque's enqueues do not wake our worker. Both workers run in this process
    // on the same queue, so with the same host they would both be "host:pid:shared" and write the
    // same worker key; our worker takes another host name.
    const worker = resque.worker({ queues: "shared", interval: 0.02, host: "ours" });
    const client = redis.server().client();
    try {
      await resque.enqueue(Gate);
      await peer.queue.enqueue("shared", "Gate", []);
      for (let i = 0; i < EACH; i++) {
        await peer.queue.enqueue("shared", "Work", [i]);
        await resque.enqueue(Work, EACH + i);
      }
      await worker.start();
      await peer.worker({ queues: ["shared"] });
      await allRan.promise;

      expect(runs.map((r) => r.n).sort((a, b) => a - b)).toEqual(Array.from({ length: 2 * EACH }, (_, i) => i));
      const ours = runs.filter((r) => r.by === "ours");
      const node = runs.filter((r) => r.by === "node");
      const failures = runs.filter((r) => fails(r.n)).length;
      const nodeFailures = node.filter((r) => fails(r.n)).length;

      // Two gates plus every Work job; our failures count as processed, node-resque's do not.
      const processed = 2 + ours.length + node.length - nodeFailures;
      await expect.poll(() => resque.stats()).toEqual({ processed, failed: failures });
      const entries = await resque.failed.all();
      expect(entries.map((e) => e.payload.args[0]).sort((a, b) => Number(a) - Number(b))).toEqual(
        runs.filter((r) => fails(r.n)).map((r) => r.n).sort((a, b) => a - b),
      );
      // Each side records its own worker name: ours host:pid:queues, node-resque's host:pid.
      expect(new Set(entries.map((e) => e.worker))).toEqual(
        new Set([...(ours.some((r) => fails(r.n)) ? worker.ids : []), ...(nodeFailures > 0 ? [`${hostname()}:${process.pid}`] : [])]),
      );
      expect(await client.llen("resque:queue:shared")).toBe(0);
    } finally {
      await client.quit();
      await worker.stop();
      await peer.close();
    }
  });
});
