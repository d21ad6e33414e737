import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Job } from "../../src/index.js";
import { useRedis } from "../helpers/resque.js";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

/** The default column of a row of the README's worker option table. */
function documentedDefault(option: string): string {
  const row = readme.split("\n").find((line) => line.startsWith(`| \`${option}\` |`));
  if (!row) throw new Error(`README.md has no row for ${option}`);
  return row.split("|")[2]!.trim();
}

class Noop extends Job<[]> {
  static override queue = "defaults";
  perform() {}
}

describe("the README's worker defaults", () => {
  const redis = useRedis();

  it("match what a worker started without options does", async () => {
    const resque = redis.make({ jobs: [Noop] });
    const worker = resque.worker({ queues: "defaults", processTitle: false });
    await worker.start();
    try {
      const client = redis.server().client();
      const registry = await client.hgetall("resque:resque-ts:workers");
      await client.quit();
      expect(Object.keys(registry)).toHaveLength(Number(documentedDefault("concurrency")));
      expect(Object.values(registry).map((entry) => JSON.parse(entry).heartbeat)).toEqual([Number(documentedDefault("heartbeatInterval"))]);
    } finally {
      await worker.stop();
    }
  });
});
