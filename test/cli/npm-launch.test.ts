import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { useRedis } from "../helpers/resque.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

/** `npm exec -- node ... resque work`: npm → sh -c → node, as `npx resque work` runs. */
function workUnderNpm(redisUrl: string) {
  const npm = spawn("npm", ["exec", "--offline", "--", "node", "--import", "tsx", "src/cli/resque.ts", "work", "--require", "./test/fixtures/signal-jobs.ts"], {
    cwd: root,
    env: { ...process.env, REDIS_URL: redisUrl, QUEUE: "sig", INTERVAL: "30", LOG_FORMAT: "json" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const lines: string[] = [];
  let buffer = "";
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  npm.stdout.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    for (let i = buffer.indexOf("\n"); i >= 0; i = buffer.indexOf("\n")) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      lines.push(line);
      for (const w of waiters.filter((w) => w.pattern.test(line))) w.resolve();
    }
  });
  // Closes once every process holding the pipe (npm, sh, the worker) has exited.
  const closed = new Promise<void>((resolve) => npm.stdout.on("close", () => resolve()));
  const line = (pattern: RegExp) => new Promise<void>((resolve) => (lines.some((l) => pattern.test(l)) ? resolve() : waiters.push({ pattern, resolve })));
  const killGroup = () => {
    try {
      process.kill(-npm.pid!, "SIGKILL");
    } catch {
      // already gone
    }
  };
  return { npm, lines, line, closed, killGroup };
}

describe("resque work started through npm (npx, npm exec, npm run)", () => {
  const redis = useRedis();

  for (const signal of ["SIGTERM", "SIGQUIT"] as const) {
    it(`stops as on TERM when npm gets ${signal} and exits without passing it on, requeueing the running job`, async () => {
      const client = redis.server().client();
      await client.rpush("resque:queue:sig", '{"class":"Long","args":[1,60000]}');
      const run = workUnderNpm(redis.server().url);
      try {
        await run.line(/^started 1$/);
        process.kill(run.npm.pid!, signal); // only npm, as `docker stop` or `kill <pid of npx>` does
        await run.closed;
        expect(run.lines.some((l) => l.includes("npm, which started this worker") && l.includes("stopping as on TERM"))).toBe(true);
        expect(run.lines).toContain("aborted 1");
        expect(await client.lrange("resque:queue:sig", 0, -1)).toEqual(['{"class":"Long","args":[1,60000]}']);
        expect(await client.smembers("resque:workers")).toEqual([]);
      } finally {
        run.killGroup();
        await client.quit();
      }
    });
  }
});
