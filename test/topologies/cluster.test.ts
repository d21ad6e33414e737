import type { Cluster } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Resque } from "../../src/index.js";
import { silentLogger } from "../helpers/resque.js";
import { ClusterSetup } from "../helpers/redis-topologies.js";
import { Greet, Retried, runScenario } from "./scenario.js";

describe("Redis Cluster (3 masters)", () => {
  let setup: ClusterSetup;
  beforeAll(async () => {
    setup = await ClusterSetup.start(3);
  }, 60_000);
  afterAll(async () => {
    await setup?.close();
  });

  it("runs enqueue, perform, fail, retry and delayed promotion with a hash-tag namespace", async () => {
    const resque = new Resque({ redis: { cluster: setup.addresses }, namespace: "{resque}", jobs: [Greet, Retried], logger: silentLogger });
    try {
      await runScenario(resque);
      // Every key sits in the namespace's slot, on one node.
      const cluster = resque.store.client as Cluster;
      const perNode = await Promise.all(cluster.nodes("master").map((node) => node.keys("*")));
      const nodesWithKeys = perNode.filter((keys) => keys.length > 0);
      expect(nodesWithKeys).toHaveLength(1);
      expect(nodesWithKeys[0]!.every((k) => k.startsWith("{resque}:"))).toBe(true);
    } finally {
      await resque.close();
    }
  });

  it("refuses a namespace without a hash tag at construction, and says how to fix it", () => {
    for (const namespace of [undefined, "resque", "{}", "app{"]) {
      expect(() => new Resque({ redis: { cluster: setup.addresses }, ...(namespace === undefined ? {} : { namespace }), logger: silentLogger })).toThrow(
        /On Redis Cluster the namespace must contain a hash tag.*Use namespace: "\{/,
      );
    }
  });
});
