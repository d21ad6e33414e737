import { describe, expect, it } from "vitest";
import { runTs } from "../helpers/processes.js";
import { useRedis } from "../helpers/resque.js";

const CLI = "src/cli/resque.ts";

describe("signals on a single worker process (Resque semantics)", () => {
  const redis = useRedis();

  async function start(env: Record<string, string>, jobs: string[]) {
    const client = redis.server().client();
    if (jobs.length > 0) await client.rpush("resque:queue:sig", ...jobs);
    const proc = runTs(CLI, { REDIS_URL: redis.server().url, QUEUE: "sig", INTERVAL: "30", ...env }, ["work", "--require", "./test/fixtures/signal-jobs.ts"]);
    return { client, proc };
  }

  it("TERM aborts the running job and requeues it at the front, then exits", async () => {
    const { client, proc } = await start({}, ['{"class":"Long","args":[1,60000]}', '{"class":"Long","args":[2,0]}']);
    await proc.line(/^started 1$/);
    proc.child.kill("SIGTERM");
    expect((await proc.exited).code).toBe(0);
    expect(proc.lines).toContain("aborted 1");
    expect(await client.lrange("resque:queue:sig", 0, -1)).toEqual(['{"class":"Long","args":[1,60000]}', '{"class":"Long","args":[2,0]}']);
    expect(await client.llen("resque:failed")).toBe(0);
    expect(await client.smembers("resque:workers")).toEqual([]);
    await client.quit();
  });

  it("INT does the same as TERM", async () => {
    const { client, proc } = await start({}, ['{"class":"Long","args":[1,60000]}']);
    await proc.line(/^started 1$/);
    proc.child.kill("SIGINT");
    expect((await proc.exited).code).toBe(0);
    expect(await client.llen("resque:queue:sig")).toBe(1);
    await client.quit();
  });

  it("QUIT (and TERM with GRACEFUL_TERM) lets the running job finish", async () => {
    for (const [signal, env] of [["SIGQUIT", {}], ["SIGTERM", { GRACEFUL_TERM: "1" }]] as const) {
      const { client, proc } = await start(env, ['{"class":"Long","args":[1,300]}']);
      await proc.line(/^started 1$/);
      proc.child.kill(signal);
      expect((await proc.exited).code).toBe(0);
      expect(proc.lines).toContain("finished 1");
      expect(await client.get("resque:stat:processed")).toBe("1");
      await client.flushall();
      await client.quit();
    }
  });

  it("RESQUE_PRE_SHUTDOWN_TIMEOUT gives the job time to finish before TERM aborts it", async () => {
    const { client, proc } = await start({ RESQUE_PRE_SHUTDOWN_TIMEOUT: "5" }, ['{"class":"Long","args":[1,300]}']);
    await proc.line(/^started 1$/);
    proc.child.kill("SIGTERM");
    expect((await proc.exited).code).toBe(0);
    expect(proc.lines).toContain("finished 1");
    expect(proc.lines).not.toContain("aborted 1");
    await client.quit();
  });

  it("USR1 kills the running job (it fails) and the worker goes on with the next", async () => {
    const { client, proc } = await start({}, ['{"class":"Long","args":[1,60000]}', '{"class":"Long","args":[2,0]}']);
    await proc.line(/^started 1$/);
    proc.child.kill("SIGUSR1");
    await proc.line(/^finished 2$/);
    const [entry] = await client.lrange("resque:failed", 0, -1);
    expect(JSON.parse(entry!).exception).toBe("JobKilled");
    proc.child.kill("SIGQUIT");
    await proc.exited;
    await client.quit();
  });

  it("USR2 pauses and CONT resumes", async () => {
    const { client, proc } = await start({}, []);
    await proc.line(/worker started/);
    proc.child.kill("SIGUSR2");
    await proc.line(/"msg":"paused"/);
    await client.rpush("resque:queue:sig", '{"class":"Long","args":[1,0]}');
    await client.publish("resque:wakeup", "sig"); // a wake-up is ignored while paused
    await new Promise((r) => setTimeout(r, 300));
    expect(proc.lines).not.toContain("started 1");
    proc.child.kill("SIGCONT");
    await proc.line(/^finished 1$/);
    proc.child.kill("SIGQUIT");
    await proc.exited;
    await client.quit();
  });
});
