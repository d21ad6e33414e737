import { describe, expect, it } from "vitest";
import { runTs } from "../../helpers/processes.js";
import { useRedis } from "../../helpers/resque.js";

describe("examples/retry", () => {
  const redis = useRedis();

  it("retries with backoff until success, and gives up with one failed entry", async () => {
    const proc = runTs("examples/retry/main.ts", { REDIS_URL: redis.server().url });
    const exit = await proc.exited;
    expect(exit.code, proc.stderr()).toBe(0);
    expect(proc.lines).toContain("  ChargeCard: attempt 1 failed (gateway timed out); retry in 2 s");
    expect(proc.lines).toContain("waiting: ChargeCard(42) will run as attempt 1 of 3; last error: gateway timed out");
    expect(proc.lines).toContain("  ChargeCard: charged order 42 on attempt 2 (at most 3 runs)");
    expect(proc.lines).toContain('failed: RefundCard(7) "refund of order 7 refused" after 2 attempts');
    expect(proc.lines).toContain('stats: {"processed":5,"failed":4}');
  });
});
