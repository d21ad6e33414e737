/**
 * A graceful deploy of a worker pool, end to end: release 1 (a pool of 2 processes with 2 slots
 * each) works through a backlog; release 2 starts beside it; release 1 gets QUIT, finishes the
 * jobs it is running and exits. Every job runs exactly once and none is lost.
 *
 *   npx tsx examples/pool/deploy.ts          # a private redis-server, or REDIS_URL
 *
 * In production the same steps are your supervisor's: start the new release, send QUIT to the
 * old one (systemd KillSignal=SIGQUIT, Docker STOPSIGNAL SIGQUIT, pm2 kill_signal); see README.md.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Resque } from "resque-ts";
import { localRedis } from "../support/local-redis.js";
import { BuildReport } from "./jobs.js";

const JOBS = 40;
const root = fileURLToPath(new URL("../../", import.meta.url));
// In an application: node_modules/.bin/resque. Here, the command from this repository's source.
const resqueCommand = [process.execPath, "--import", "tsx", "src/cli/resque.ts"];

const redis = await localRedis();
const resque = new Resque({ redis: redis.url, namespace: "resque-pool-example", jobs: [BuildReport] });
await resque.enqueueBulk(BuildReport, Array.from({ length: JOBS }, (_, i) => [i + 1] as [number]));
console.log(`enqueued ${JOBS} reports`);

const performed = new Map<number, string[]>();
let announce: (() => void) | undefined;

function startRelease(release: number) {
  const child = spawn(resqueCommand[0]!, [...resqueCommand.slice(1), "work", "--count", "2", "--concurrency", "2", "--require", "examples/pool/jobs.ts"], {
    cwd: root,
    env: { ...process.env, REDIS_URL: redis.url, RESQUE_NAMESPACE: "resque-pool-example", QUEUE: "reports", RELEASE: String(release), LOG_FORMAT: "json" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let buffer = "";
  child.stdout.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    for (let i = buffer.indexOf("\n"); i >= 0; i = buffer.indexOf("\n")) {
      const match = /^performed report (\d+) by release (\d+)$/.exec(buffer.slice(0, i));
      buffer = buffer.slice(i + 1);
      if (!match) continue;
      const id = Number(match[1]);
      performed.set(id, [...(performed.get(id) ?? []), match[2]!]);
      announce?.();
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited };
}

const until = (done: () => boolean) =>
  new Promise<void>((resolve) => {
    announce = () => done() && resolve();
    announce();
  });

const release1 = startRelease(1);
await until(() => performed.size >= 10);
console.log(`release 1 has performed ${performed.size}; deploying release 2`);
const release2 = startRelease(2);
release1.child.kill("SIGQUIT"); // finish running jobs, then exit
console.log(`release 1 exited with code ${await release1.exited} after finishing its running jobs`);
await until(() => performed.size === JOBS);

release2.child.kill("SIGQUIT");
await release2.exited;
const twice = [...performed].filter(([, by]) => by.length > 1).length;
const byRelease = [1, 2].map((r) => [...performed.values()].filter((by) => by.includes(String(r))).length);
console.log(`performed ${performed.size} of ${JOBS}: ${byRelease[0]} by release 1, ${byRelease[1]} by release 2; twice: ${twice}`);
console.log(`stats: ${JSON.stringify(await resque.admin.stats.totals())}; left on the queue: ${await resque.admin.queues.size("reports")}`);
await resque.close();
await redis.stop();
