import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Resque } from "../../src/index.js";
import { collect } from "../helpers/events.js";
import { silentLogger } from "../helpers/resque.js";
import { SentinelSetup } from "../helpers/redis-topologies.js";
import { Greet, Retried, performed, runScenario } from "./scenario.js";

describe("Redis Sentinel", () => {
  let setup: SentinelSetup;
  beforeAll(async () => {
    setup = await SentinelSetup.start();
  }, 60_000);
  afterAll(async () => {
    await setup?.close();
  });

  const connect = () =>
    new Resque({ redis: { sentinels: setup.sentinelAddresses, name: setup.name }, namespace: "{resque}", jobs: [Greet, Retried], logger: silentLogger });

  it("runs enqueue, perform, fail, retry and delayed promotion through the sentinels", async () => {
    const resque = connect();
    try {
      await runScenario(resque);
    } finally {
      await resque.close();
    }
  });

  it("a worker carries on after a failover to the replica", async () => {
    const resque = connect();
    const worker = resque.worker({ queues: "topo", interval: 0.2 });
    await worker.start();
    try {
      performed.length = 0;
      const before = collect(worker, "job:success", 1);
      await resque.enqueue(Greet, "before");
      await before;
      await setup.master.kill();
      await setup.waitForFailoverFrom(setup.master.port);
      const after = collect(worker, "job:success", 1);
      await resque.enqueue(Greet, "after");
      await after;
      expect(performed).toEqual(["before", "after"]);
    } finally {
      await worker.stop();
      await resque.close();
    }
  }, 60_000);
});
