import { spawn } from "node:child_process";
import { hostname } from "node:os";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseSchedulerOptions } from "../../src/cli/scheduler/options.js";
import { useRedis } from "../helpers/resque.js";

const CLI = fileURLToPath(new URL("../../src/cli/resque-scheduler.ts", import.meta.url));
const fixture = (path: string) => fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url));

function runCli(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ["--import", "tsx", CLI, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  let stdout = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout });
  lines.on("line", (line) => (stdout += `${line}\n`));
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const logged = (message: string) =>
    new Promise<void>((resolve, reject) => {
      lines.on("line", (line) => line.includes(message) && resolve());
      void exit.then(() => reject(new Error(`exited before logging "${message}":\n${stdout}${stderr}`)));
    });
  return { child, exit, logged, output: () => ({ stdout, stderr }) };
}

describe("resque-scheduler command", () => {
  const redis = useRedis();

  it("rejects a bad schedule file, naming each bad entry and field, and runs nothing", async () => {
    const run = runCli(["--schedule", fixture("schedules/bad.yml")], { REDIS_URL: redis.server().url });
    expect(await run.exit).toBe(1);
    const { stderr } = run.output();
    expect(stderr).toContain('schedule "nightly_report": field "cron": "61 * * * *" is not a valid cron expression');
    expect(stderr).toContain('schedule "typo": field "crom"');
    const client = redis.server().client();
    expect(await client.dbsize()).toBe(0);
    await client.quit();
  });

  it("--check validates a schedule file against the required job modules without Redis", async () => {
    const run = runCli(["--check", "--schedule", fixture("schedules/cli.yml"), "--require", fixture("jobs.ts")], { REDIS_URL: "redis://127.0.0.1:1" });
    expect(await run.exit).toBe(0);
    expect(run.output().stdout).toContain("1 schedule(s) valid");
    const missingQueue = runCli(["--check", "--schedule", fixture("schedules/cli.yml")]);
    expect(await missingQueue.exit).toBe(1);
    expect(missingQueue.output().stderr).toContain('schedule "ping": field "queue": is missing and "Ping" is not a registered job');
  });

  for (const signal of ["SIGTERM", "SIGQUIT"] as const) {
    it(`leads, fires, and on ${signal} stops gracefully, giving up the leader lock`, async () => {
      const run = runCli(["--schedule", fixture("schedules/cli.yml"), "--require", fixture("jobs.ts"), "--interval", "0.2"], {
        REDIS_URL: redis.server().url,
        LOCK_TIMEOUT: "30",
      });
      await run.logged("queueing scheduled job");
      const client = redis.server().client();
      expect(await client.get("resque:resque:resque_scheduler_master_lock")).toBe(`${hostname()}:${run.child.pid}`);
      expect(await client.ttl("resque:resque:resque_scheduler_master_lock")).toBeGreaterThan(20);
      expect(await client.lindex("resque:queue:pings", 0)).toBe('{"class":"Ping","args":["cli"]}');
      run.child.kill(signal);
      expect(await run.exit).toBe(0);
      expect(await client.exists("resque:resque:resque_scheduler_master_lock")).toBe(0);
      await client.quit();
    });
  }
});

describe("resque-scheduler options", () => {
  const argv = (...flags: string[]) => ["node", "resque-scheduler", ...flags];

  it("reads resque-scheduler's environment variables", () => {
    const options = parseSchedulerOptions(argv(), {
      RESQUE_SCHEDULER_INTERVAL: "2.5",
      LOCK_TIMEOUT: "60",
      DYNAMIC_SCHEDULE: "true",
      REDIS_URL: "redis://example:6380",
      VERBOSE: "1",
      LOGFILE: "/tmp/scheduler.log",
      DELAYED_REQUEUE_BATCH_SIZE: "50",
      RESQUE_SCHEDULER_MASTER_LOCK_PREFIX: "app",
      RAILS_ENV: "production",
    });
    expect(options).toMatchObject({
      interval: 2.5,
      lockTimeout: 60,
      dynamic: true,
      redis: "redis://example:6380",
      verbose: true,
      quiet: false,
      logfile: "/tmp/scheduler.log",
      batchSize: 50,
      lockPrefix: "app",
      environment: "production",
      namespace: "resque",
    });
  });

  it("takes -q as --quiet, as resque work does, and a log format", () => {
    expect(parseSchedulerOptions(argv("-q", "--log-format", "pretty"), {})).toMatchObject({ quiet: true, logFormat: "pretty" });
    expect(parseSchedulerOptions(argv(), { QUIET: "1", LOG_FORMAT: "json" })).toMatchObject({ quiet: true, logFormat: "json" });
  });

  it("lets flags win over the environment, and rejects bad numbers", () => {
    expect(parseSchedulerOptions(argv("-i", "1", "--dynamic-schedule"), { RESQUE_SCHEDULER_INTERVAL: "9", DYNAMIC_SCHEDULE: "false" })).toMatchObject({
      interval: 1,
      dynamic: true,
    });
    expect(parseSchedulerOptions(argv(), { DYNAMIC_SCHEDULE: "false" }).dynamic).toBe(false);
    const quiet = { writeErr: () => {}, writeOut: () => {} };
    expect(() => parseSchedulerOptions(argv("--interval", "soon"), {}, quiet)).toThrow(/--interval must be a positive number of seconds/);
    expect(() => parseSchedulerOptions(argv(), { LOCK_TIMEOUT: "-3" })).toThrow(/LOCK_TIMEOUT must be a positive number of seconds/);
  });
});
