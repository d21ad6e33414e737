import { describe, expect, it } from "vitest";
import { runTs } from "../helpers/processes.js";
import { useRedis } from "../helpers/resque.js";

const CLI = "src/cli/resque.ts";

describe("resque work", () => {
  const redis = useRedis();

  it("performs jobs from --require'd modules, reading QUEUE and INTERVAL from the environment", async () => {
    const client = redis.server().client();
    await client.rpush("resque:queue:cli", '{"class":"Greet","args":["ruby"]}', '{"class":"Explode","args":[]}', '{"class":"Greet","args":["node"]}');
    const proc = runTs(CLI, { REDIS_URL: redis.server().url, QUEUE: "cli", INTERVAL: "0", VERBOSE: "1" }, ["work", "--require", "./test/fixtures/cli-jobs.ts"]);
    const exit = await proc.exited; // INTERVAL=0: exits when the queue is empty
    expect(exit.code).toBe(0);
    expect(proc.lines.filter((l) => l.startsWith("performed"))).toEqual(["performed Greet ruby", "performed Greet node"]);
    expect(proc.lines.some((l) => l.includes('"msg":"job failed"') && l.includes("exploded"))).toBe(true);
    expect(await client.get("resque:stat:processed")).toBe("3");
    expect(await client.llen("resque:failed")).toBe(1);
    await client.quit();
  });

  it("names job classes on its queues that no required module provides", async () => {
    const client = redis.server().client();
    await client.rpush("resque:queue:cli", '{"class":"Missing::Job","args":[]}');
    const proc = runTs(CLI, { REDIS_URL: redis.server().url, INTERVAL: "0" }, ["work", "--queues", "cli", "--require", "./test/fixtures/cli-jobs.ts"]);
    await proc.exited;
    const warning = proc.lines.find((l) => l.includes("which no required module provides"));
    expect(warning).toContain('queue \\"cli\\" holds jobs of class \\"Missing::Job\\"');
    const [entry] = await client.lrange("resque:failed", 0, -1);
    expect(JSON.parse(entry!).exception).toBe("UnknownJobError");
    await client.quit();
  });

  it("exits with a clear message when no queue is given", async () => {
    const proc = runTs(CLI, { REDIS_URL: redis.server().url, QUEUE: "", QUEUES: "" }, ["work"]);
    const exit = await proc.exited;
    expect(exit.code).toBe(1);
    expect(proc.stderr()).toContain("ConfigurationError: Please give the worker at least one queue");
  });

  it("refuses to start without any job class, leaving queued jobs where they are", async () => {
    const client = redis.server().client();
    await client.rpush("resque:queue:cli", '{"class":"Greet","args":["kept"]}');
    const proc = runTs(CLI, { REDIS_URL: redis.server().url, QUEUE: "cli", INTERVAL: "0" }, ["work"]);
    const exit = await proc.exited;
    expect(exit.code).toBe(1);
    expect(proc.stderr()).toContain("ConfigurationError: No job classes are loaded, so every job would fail as unknown.");
    expect(proc.stderr()).toContain("--require ./dist/jobs.js");
    expect(proc.stderr()).toContain("--allow-no-jobs");
    expect(await client.lrange("resque:queue:cli", 0, -1)).toEqual(['{"class":"Greet","args":["kept"]}']);
    expect(await client.smembers("resque:workers")).toEqual([]);
    expect(await client.llen("resque:failed")).toBe(0);
    await client.quit();
  });

  it("starts without job classes when --allow-no-jobs says so", async () => {
    const client = redis.server().client();
    await client.rpush("resque:queue:cli", '{"class":"Greet","args":["unknown here"]}');
    const proc = runTs(CLI, { REDIS_URL: redis.server().url, QUEUE: "cli", INTERVAL: "0" }, ["work", "--allow-no-jobs"]);
    expect((await proc.exited).code, proc.stderr()).toBe(0);
    const [entry] = await client.lrange("resque:failed", 0, -1);
    expect(JSON.parse(entry!).exception).toBe("UnknownJobError");
    await client.quit();
  });

  it("-q means --quiet (as in resque-scheduler); a queue after it gets a hint instead of being ignored", async () => {
    const quiet = runTs(CLI, { REDIS_URL: redis.server().url, QUEUE: "cli", INTERVAL: "0" }, ["work", "-q", "--require", "./test/fixtures/cli-jobs.ts"]);
    expect((await quiet.exited).code, quiet.stderr()).toBe(0);
    expect(quiet.lines.filter((l) => l.includes("worker started"))).toEqual([]);

    const mistaken = runTs(CLI, { REDIS_URL: redis.server().url, INTERVAL: "0" }, ["work", "-q", "cli", "--require", "./test/fixtures/cli-jobs.ts"]);
    expect((await mistaken.exited).code).toBe(1);
    expect(mistaken.stderr()).toContain('unexpected argument "cli": resque work takes only options. -q means --quiet in every resque command');
  });

  it("logs JSON lines when its output is not a terminal, and pretty lines with --log-format pretty", async () => {
    const json = runTs(CLI, { REDIS_URL: redis.server().url, QUEUE: "cli", INTERVAL: "0" }, ["work", "--require", "./test/fixtures/cli-jobs.ts"]);
    expect((await json.exited).code, json.stderr()).toBe(0);
    const started = json.lines.find((l) => l.includes("worker started"))!;
    expect(JSON.parse(started)).toMatchObject({ level: 30, msg: "worker started" });

    expect(json.lines.some((l) => l.includes('"msg":"job done"'))).toBe(false); // one line per job only with VERBOSE

    const client = redis.server().client();
    await client.rpush("resque:queue:cli", '{"class":"Greet","args":["pretty"]}');
    await client.quit();
    const pretty = runTs(CLI, { REDIS_URL: redis.server().url, QUEUE: "cli", INTERVAL: "0", VERBOSE: "1" }, ["work", "--log-format", "pretty", "--require", "./test/fixtures/cli-jobs.ts"]);
    expect((await pretty.exited).code, pretty.stderr()).toBe(0);
    expect(pretty.lines.some((l) => /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO \(\d+\): worker started /.test(l))).toBe(true);
    expect(pretty.lines.some((l) => /^\[[\d:.]+\] INFO \(\d+\): job done .*"job":"Greet"/.test(l))).toBe(true);

    const bad = runTs(CLI, { REDIS_URL: redis.server().url, QUEUE: "cli" }, ["work", "--log-format", "xml", "--require", "./test/fixtures/cli-jobs.ts"]);
    expect((await bad.exited).code).toBe(1);
    expect(bad.stderr()).toContain('--log-format must be "pretty" or "json", got "xml"');
  });

  it("QUIT lets the running job finish, then exits", async () => {
    const client = redis.server().client();
    const proc = runTs(CLI, { REDIS_URL: redis.server().url, QUEUE: "cli", INTERVAL: "30" }, ["work", "--require", "./test/fixtures/cli-jobs.ts"]);
    await proc.line(/worker started/);
    proc.child.kill("SIGQUIT");
    const exit = await proc.exited;
    expect(exit.code).toBe(0);
    expect(await client.smembers("resque:workers")).toEqual([]);
    await client.quit();
  });

  it("--max-memory without --count: stops after the running jobs and exits 75 so a supervisor restarts it", async () => {
    const client = redis.server().client();
    await client.rpush("resque:queue:cli", '{"class":"Greet","args":["first"]}');
    const proc = runTs(CLI, { REDIS_URL: redis.server().url, QUEUE: "cli", INTERVAL: "30" }, ["work", "--max-memory", "1", "--require", "./test/fixtures/cli-jobs.ts"]);
    const exit = await proc.exited;
    expect(exit.code).toBe(75);
    expect(proc.lines.some((l) => l.includes("memory above --max-memory"))).toBe(true);
    expect(await client.get("resque:stat:processed")).toBe("1");
    expect(await client.smembers("resque:workers")).toEqual([]);
    await client.quit();
  });

  it("logs one 'worker started' line, and no log line repeats a key", async () => {
    const client = redis.server().client();
    await client.rpush("resque:queue:cli", '{"class":"Greet","args":["x"]}');
    const proc = runTs(CLI, { REDIS_URL: redis.server().url, QUEUE: "cli", INTERVAL: "0", VERBOSE: "1" }, ["work", "--require", "./test/fixtures/cli-jobs.ts"]);
    await proc.exited;
    const logs = proc.lines.filter((l) => l.startsWith("{"));
    expect(logs.filter((l) => l.includes('"msg":"worker started"'))).toHaveLength(1);
    for (const line of logs) {
      const keys = [...line.matchAll(/[{,]"([^"]+)":/g)].map((m) => m[1]);
      const topLevel = Object.keys(JSON.parse(line) as object);
      expect(keys.filter((k) => topLevel.includes(k!)).length, line).toBe(topLevel.length);
    }
    await client.quit();
  });
});
