import { describe, expect, it } from "vitest";
import { runTs } from "../helpers/processes.js";
import { useRedis } from "../helpers/resque.js";

describe("examples run as documented", () => {
  const redis = useRedis();

  it("the demo enqueues, performs, fails and retries jobs", async () => {
    const proc = runTs("examples/demo.ts", { REDIS_URL: redis.server().url });
    const exit = await proc.exited;
    expect(exit.code, proc.stderr()).toBe(0);
    const output = proc.lines.join("\n");
    expect(output).toContain("✓ SendInvoice(1)");
    expect(output).toContain("✗ SendInvoice(13): SMTP refused invoice 13");
    expect(output).toContain('stats: {"processed":26,"failed":1}; failed list now has 0 entries');
  });

  it("the timing plugin example times jobs and audits failures (decorated job)", async () => {
    const proc = runTs("examples/plugins/timing-plugin.ts", { REDIS_URL: redis.server().url });
    const exit = await proc.exited;
    expect(exit.code, proc.stderr()).toBe(0);
    expect(proc.lines).toContain("audit: Render failed: too many pages");
    expect(proc.lines.some((l) => /^SLOW Render\(12\) took \d+ ms$/.test(l))).toBe(true);
  });

  it("the scheduler example runs delayed jobs and fires its schedule", async () => {
    const proc = runTs("examples/scheduler/main.ts", { REDIS_URL: redis.server().url, RUN_SECONDS: "6" });
    const exit = await proc.exited;
    expect(exit.code, proc.stderr()).toBe(0);
    expect(proc.lines.some((l) => l.endsWith("SendDigest(in two seconds)"))).toBe(true);
    expect(proc.lines.some((l) => l.endsWith("SendDigest(at a given time)"))).toBe(true);
    expect(proc.lines).toContain("cancelled delayed jobs: 1");
    expect(proc.lines.some((l) => /Heartbeat from (schedule\.yml|setSchedule)$/.test(l))).toBe(true);
  }, 30_000);
});
