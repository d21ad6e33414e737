import { describe, expect, it } from "vitest";
import { until } from "../helpers/events.js";
import { runTs, type TsProcess } from "../helpers/processes.js";
import { useRedis } from "../helpers/resque.js";

const CLI = "src/cli/resque.ts";

describe("resque work --count (worker pool)", () => {
  const redis = useRedis();

  function pool(args: string[], env: Record<string, string> = {}): TsProcess {
    return runTs(CLI, { REDIS_URL: redis.server().url, QUEUE: "pool", INTERVAL: "0.2", RESQUE_TERM_TIMEOUT: "0.5", ...env }, [
      "work",
      "--require",
      "./test/fixtures/pool-jobs.ts",
      ...args,
    ]);
  }

  function enqueue(client: ReturnType<ReturnType<typeof redis.server>["client"]>, payloads: string[]) {
    return client.multi().sadd("resque:queues", "pool").rpush("resque:queue:pool", ...payloads).exec();
  }

  it("forks children that register as workers, performs jobs, and stops on QUIT", async () => {
    const client = redis.server().client();
    await enqueue(client, Array.from({ length: 200 }, (_, i) => `{"class":"Count","args":[${i}]}`));
    const master = pool(["--count", "2", "--concurrency", "3"]);
    await until(() => client.scard("test:done"), (n) => n === 200);
    // Two children with three slots each, every slot a registered Resque worker.
    const ids = await until(() => client.smembers("resque:workers"), (w) => w.length === 6);
    expect(new Set(ids.map((id) => id.split(":")[1])).size).toBe(2);
    master.child.kill("SIGQUIT");
    expect((await master.exited).code).toBe(0);
    expect(await client.smembers("resque:workers")).toEqual([]);
    expect(await client.get("resque:stat:processed")).toBe("200");
    await client.quit();
  });

  it("runs beforeFirstFork once and beforeFork in the master, afterFork in each child", async () => {
    const client = redis.server().client();
    const master = runTs(CLI, { REDIS_URL: redis.server().url, QUEUE: "pool", INTERVAL: "30" }, ["work", "--count", "2", "--require", "./test/fixtures/pool-hooks.ts"]);
    await until(() => client.llen("test:hooks"), (n) => n === 5);
    const calls = await client.lrange("test:hooks", 0, -1);
    const masterPid = master.child.pid;
    expect(calls.filter((c) => c === `beforeFirstFork pid=${masterPid}`)).toHaveLength(1);
    expect(calls.filter((c) => c.startsWith("beforeFork")).sort()).toEqual([`beforeFork child=1 pid=${masterPid}`, `beforeFork child=2 pid=${masterPid}`]);
    const afterForks = calls.filter((c) => c.startsWith("afterFork")).sort();
    expect(afterForks.map((c) => c.split(" pid=")[0])).toEqual(["afterFork child=1", "afterFork child=2"]);
    expect(afterForks.every((c) => !c.endsWith(`pid=${masterPid}`))).toBe(true);
    master.child.kill("SIGQUIT");
    await master.exited;
    await client.quit();
  });

  it("recycles a child after JOBS_PER_FORK jobs", async () => {
    const client = redis.server().client();
    await enqueue(client, Array.from({ length: 30 }, (_, i) => `{"class":"Count","args":[${i}]}`));
    const master = pool(["--count", "1"], { JOBS_PER_FORK: "10" });
    await until(() => client.scard("test:done"), (n) => n === 30);
    expect(await client.scard("test:pids")).toBe(3);
    master.child.kill("SIGQUIT");
    await master.exited;
    expect(await client.get("resque:stat:processed")).toBe("30");
    await client.quit();
  });

  it("restarts a child killed with SIGKILL and requeues the job it was running", async () => {
    const client = redis.server().client();
    await enqueue(client, ['{"class":"Nap","args":[1]}']);
    const master = pool(["--count", "1"]);
    await until(() => client.scard("test:nap-started"), (n) => n === 1);
    const [workerId] = await client.smembers("resque:workers");
    const pid = Number(workerId!.split(":")[1]);
    process.kill(pid, "SIGKILL");
    // The master requeues the job; the new child starts it again.
    await until(() => client.smembers("resque:workers"), (ids) => ids.length === 1 && ids[0] !== workerId);
    await until(async () => Number(await client.hget("resque:resque-ts:dirty-exits", await sha1('{"class":"Nap","args":[1]}'))), (n) => n === 1);
    await until(async () => client.exists(`resque:worker:${(await client.smembers("resque:workers"))[0]}`), (n) => n === 1);
    master.child.kill("SIGTERM");
    await master.exited;
    // TERM requeues the interrupted job: nothing lost.
    expect(await client.lrange("resque:queue:pool", 0, -1)).toEqual(['{"class":"Nap","args":[1]}']);
    expect(await client.smembers("resque:workers")).toEqual([]);
    await client.quit();
  });

  it("stops a job stuck in an endless loop by killing its child at the timeout; other jobs of that child are requeued", async () => {
    const client = redis.server().client();
    await enqueue(client, ['{"class":"Nap","args":[7]}', '{"class":"Endless","args":[]}']);
    const master = pool(["--count", "1", "--concurrency", "2"]);
    const failed = await until(() => client.lrange("resque:failed", 0, -1), (l) => l.length === 1);
    const entry = JSON.parse(failed[0]!) as Record<string, unknown>;
    expect(entry.exception).toBe("JobTimeout");
    expect(entry.payload).toEqual({ class: "Endless", args: [] });
    // The napping job shared the killed child: it is requeued and started again by the new child.
    await until(async () => (await client.lrange("resque:queue:pool", 0, -1)).length + (await runningCount(client)), (n) => n === 1);
    expect(await client.get("resque:stat:failed")).toBe("1");
    master.child.kill("SIGTERM");
    await master.exited;
    expect(await client.lrange("resque:queue:pool", 0, -1)).toEqual(['{"class":"Nap","args":[7]}']);
    await client.quit();
  });

  it("a job with a timeout that a hook defers ends its deadline: the child is not killed after it", async () => {
    const client = redis.server().client();
    await enqueue(client, ['{"class":"PutsOff","args":[]}']);
    const master = pool(["--count", "1"]);
    const [pid] = await until(() => client.smembers("test:put-off"), (pids) => pids.length === 1);
    await until(() => client.zcard("resque:delayed_queue_schedule"), (n) => n === 1);
    // Past the job's timeout and grace (0.3 + 0.5 s) and a few of the master's checks.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(master.lines.filter((l) => l.includes("overran its timeout"))).toEqual([]);
    expect((await client.smembers("resque:workers")).map((id) => id.split(":")[1])).toEqual([pid]);
    master.child.kill("SIGQUIT");
    expect((await master.exited).code).toBe(0);
    await client.quit();
  });

  it("a job whose child was killed at its timeout is retried by the retry plugin (hooks run in the master)", async () => {
    const client = redis.server().client();
    await enqueue(client, ['{"class":"StuckOnce","args":[]}']);
    const master = pool(["--count", "1"]);
    await until(() => client.lrange("test:stuck-once", 0, -1), (l) => l.length === 1);
    expect(await client.lrange("test:stuck-once", 0, -1)).toEqual(["succeeded on attempt 1"]);
    expect(await client.llen("resque:failed")).toBe(0);
    expect(await client.get("resque:stat:failed")).toBe("1");
    master.child.kill("SIGQUIT");
    await master.exited;
    await client.quit();
  });

  it("recycles a child above --max-memory; a job that keeps doing it ends as DirtyExit", async () => {
    const client = redis.server().client();
    await enqueue(client, ['{"class":"Hog","args":[]}']);
    const master = pool(["--count", "1", "--max-memory", "200"]);
    const failed = await until(() => client.lrange("resque:failed", 0, -1), (l) => l.length === 1);
    const entry = JSON.parse(failed[0]!) as Record<string, unknown>;
    expect(entry.exception).toBe("DirtyExit");
    expect(entry.dirty_exits).toBe(3);
    expect(await client.get("test:hog-runs")).toBe("3");
    master.child.kill("SIGQUIT");
    await master.exited;
    await client.quit();
  });

  it("forwards USR2 (pause) and CONT (resume) to its children", async () => {
    const client = redis.server().client();
    const master = pool(["--count", "2"], { VERBOSE: "1" });
    await until(async () => (await client.smembers("resque:workers")).length, (n) => n === 2);
    master.child.kill("SIGUSR2");
    await until(async () => master.lines.filter((l) => l.includes('"msg":"paused"')).length, (n) => n === 2);
    await enqueue(client, ['{"class":"Count","args":[1]}']);
    await new Promise((r) => setTimeout(r, 500)); // paused children take nothing in this window
    expect(await client.llen("resque:queue:pool")).toBe(1);
    master.child.kill("SIGCONT");
    await until(() => client.scard("test:done"), (n) => n === 1);
    master.child.kill("SIGQUIT");
    await master.exited;
    await client.quit();
  });

  it("children finish their jobs and exit when the master is killed with SIGKILL", async () => {
    const client = redis.server().client();
    await enqueue(client, Array.from({ length: 40 }, (_, i) => `{"class":"Count","args":[${i},50]}`));
    const master = pool(["--count", "2", "--concurrency", "2"]);
    await until(() => client.scard("test:done"), (n) => n >= 4);
    master.child.kill("SIGKILL");
    await master.exited;
    await until(async () => (await client.smembers("resque:workers")).length, (n) => n === 0);
    const done = await client.scard("test:done");
    const queued = await client.llen("resque:queue:pool");
    expect(done + queued).toBe(40);
    expect(await client.keys("resque:worker:*")).toEqual([]);
    await client.quit();
  }, 90_000); // two child processes start and stop: slow when the machine is busy

  it("a child whose master is killed while the child is still starting stops instead of running on alone", async () => {
    const client = redis.server().client();
    await enqueue(client, Array.from({ length: 10 }, (_, i) => `{"class":"Count","args":[${i}]}`));
    const master = pool(["--count", "2"], { VERBOSE: "1" });
    // Both children are forked, and still loading their modules, when the master dies.
    const forked = [await master.line(/"forked child"/), await master.line(/"forked child"/)];
    master.child.kill("SIGKILL");
    await master.exited;
    const pids = forked.map((line) => (JSON.parse(line) as { childPid: number }).childPid);
    await until(async () => pids.filter(isAlive).length, (n) => n === 0);
    expect(await client.smembers("resque:workers")).toEqual([]);
    expect(await client.keys("resque:worker:*")).toEqual([]);
    expect((await client.scard("test:done")) + (await client.llen("resque:queue:pool"))).toBe(10);
    await client.quit();
  }, 90_000);
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function runningCount(client: { keys(pattern: string): Promise<string[]> }): Promise<number> {
  return (await client.keys("resque:worker:*")).filter((k) => !k.endsWith(":started")).length;
}

async function sha1(text: string): Promise<string> {
  const { createHash } = await import("node:crypto");
  return createHash("sha1").update(text).digest("hex");
}
