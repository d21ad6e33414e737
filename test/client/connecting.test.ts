import { describe, expect, it } from "vitest";
import { Job } from "../../src/index.js";
import { useRedis } from "../helpers/resque.js";

class Mail extends Job<[number]> {
  static override queue = "mail";
  perform() {}
}

describe("enqueueing while the connection comes up", () => {
  const redis = useRedis();

  it("many enqueues made before the first connect all go through, without a listener-leak warning", async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
    process.on("warning", onWarning);
    try {
      const resque = redis.make({ jobs: [Mail] });
      await Promise.all(Array.from({ length: 40 }, (_, n) => resque.enqueue(Mail, n)));
      expect(await resque.admin.queues.size("mail")).toBe(40);
      await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings.filter((w) => w.startsWith("MaxListenersExceededWarning"))).toEqual([]);
  });
});
