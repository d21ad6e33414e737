/**
 * The built `resque` worker commands: workers, working, and remote control (pause, resume, stop,
 * kill) of a real worker — output, --json shapes, exit codes, and selectors that are empty or
 * match nothing (a usage error / exit 3, and nothing sent).
 */
import { once } from "node:events";
import { beforeAll, describe, expect, it } from "vitest";
import { defineJob } from "../../src/index.js";
import { buildCli, runCli } from "../helpers/built-cli.js";
import { useRedis } from "../helpers/resque.js";

let release: () => void = () => {};
const Hold = defineJob(
  "Hold",
  async (_n: number) => {
    await new Promise<void>((resolve) => (release = resolve));
  },
  { queue: "hold" },
);

describe("resque worker commands (built binary)", () => {
  const redis = useRedis();
  let cli: string;
  const resque = (args: string[]) => runCli(cli, args, { REDIS_URL: redis.server().url });

  beforeAll(async () => {
    cli = await buildCli();
  }, 180_000);

  async function busyWorker() {
    const app = redis.make({ jobs: [Hold] });
    const worker = app.worker({ queues: ["hold"], interval: 30, host: "k1" });
    await app.enqueue(Hold, 7);
    const started = once(worker, "job:start");
    await worker.start();
    await started;
    return { app, worker };
  }

  it("workers and working: every worker with its state and job, as text and JSON", async () => {
    const { worker } = await busyWorker();
    const text = await resque(["workers"]);
    expect(text.code).toBe(0);
    expect(text.stdout.split("\n")[0]).toMatch(/^WORKER\s+KIND\s+STATE\s+HEARTBEAT\s+PROCESSED\s+FAILED\s+JOB$/);
    expect(text.stdout).toMatch(new RegExp(`^k1:${process.pid}:hold\\s+resque-ts\\s+working\\s+.*Hold on hold$`, "m"));
    const [info] = JSON.parse((await resque(["workers", "--json"])).stdout).workers;
    expect(info).toMatchObject({ id: `k1:${process.pid}:hold`, host: "k1", pid: process.pid, slot: null, queues: ["hold"], kind: "resque-ts", state: "working", paused: false, processed: 0, failed: 0 });
    expect(info.job).toMatchObject({ queue: "hold", class: "Hold", args: [7] });
    expect(typeof info.heartbeatAt).toBe("string");
    const working = JSON.parse((await resque(["working", "--json"])).stdout).working;
    expect(working.map((w: { id: string }) => w.id)).toEqual([`k1:${process.pid}:hold`]);
    expect((await resque(["working"])).stdout).toMatch(/^k1:\d+:hold\s+hold\s+Hold\s+\d+ (ms|s)\s+\[7\]$/m);
    expect((await resque(["workers", "--host", "k2"])).code).toBe(3);
    release();
    await worker.stop();
    expect((await resque(["workers"])).stdout).toBe("No workers are registered.\n");
    expect((await resque(["working"])).stdout).toBe("No job is running.\n");
  });

  it("pause, resume and stop reach the worker; --dry-run only names the workers", async () => {
    const { app, worker } = await busyWorker();
    const id = `k1:${process.pid}:hold`;
    const dry = JSON.parse((await resque(["kill", "--all", "--dry-run", "--json"])).stdout);
    expect(dry).toEqual({ action: "kill", target: { all: true }, dryRun: true, workers: [id], processes: null });
    expect((await resque(["pause", "--host", "k1", "--dry-run"])).stdout).toBe(`Would pause workers on host k1: ${id} (dry run: nothing sent)\n`);
    expect(await app.admin.workers.paused()).toEqual({ all: false, targets: [] });

    const paused = once(worker, "paused");
    const pause = await resque(["pause", "--host", "k1", "--json"]);
    expect(JSON.parse(pause.stdout)).toEqual({ action: "pause", target: { host: "k1" }, dryRun: false, workers: [id], processes: 1 });
    await paused;
    const resumed = once(worker, "resumed");
    expect((await resque(["resume", "--host", "k1"])).stdout).toBe("resumed workers on host k1\n");
    await resumed;

    const stop = await resque(["stop", "--host", "k1"]);
    expect(stop.code).toBe(0);
    expect(stop.stdout).toBe("sent stop to workers on host k1 (1 process listening)\n");
    release(); // stop lets the running job finish
    await worker.stopped;
  });

  it("an empty, missing or doubled selector is a usage error; one that matches no worker exits 3 and sends nothing", async () => {
    const { app, worker } = await busyWorker();
    for (const args of [["stop", "--worker", ""], ["stop", "--host", ""], ["kill"], ["pause", "--all", "--host", "k1"], ["resume", "--host", "  "]]) {
      const result = await resque(args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toMatch(/must not be empty|exactly one of --all, --host <name> or --worker <id>/);
    }
    const nowhere = await resque(["pause", "--host", "nowhere"]);
    expect(nowhere.code).toBe(3);
    expect(nowhere.stderr).toContain('No registered worker runs on host "nowhere"; nothing was sent. Hosts with workers: "k1".');
    expect((await resque(["kill", "--worker", "k1:1:hold"])).code).toBe(3);
    expect(await app.admin.workers.paused()).toEqual({ all: false, targets: [] });
    expect((await app.admin.workers.list()).map((w) => w.state)).toEqual(["working"]); // still running its job
    // A pause kept in Redis for a host whose workers are gone can still be lifted.
    await app.admin.workers.pause({ host: "gone" }).catch(() => {});
    expect((await resque(["resume", "--host", "gone"])).code).toBe(0);
    expect((await app.admin.workers.paused()).targets).toEqual([]);
    release();
    await worker.stop();
  });
});
