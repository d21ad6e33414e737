import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runTs } from "../helpers/processes.js";
import { useRedis } from "../helpers/resque.js";

const file = (name: string) => readFileSync(new URL(`../../examples/pool/${name}`, import.meta.url), "utf8");

describe("examples/pool", () => {
  const redis = useRedis();

  it("deploy.ts: QUIT to the old release while the new one runs loses and repeats nothing", async () => {
    const proc = runTs("examples/pool/deploy.ts", { REDIS_URL: redis.server().url });
    expect((await proc.exited).code, proc.stderr()).toBe(0);
    expect(proc.lines).toContain("release 1 exited with code 0 after finishing its running jobs");
    expect(proc.lines.find((l) => l.startsWith("performed 40 of 40"))).toMatch(/^performed 40 of 40: \d+ by release 1, \d+ by release 2; twice: 0$/);
    expect(proc.lines).toContain('stats: {"processed":40,"failed":0}; left on the queue: 0');
  }, 60_000);

  // systemd, Docker and pm2 are not on the test machine: these check the settings the README
  // explains, so an edit cannot quietly undo them.
  it("the systemd unit starts the binary and stops it with QUIT, to the master only", () => {
    const unit = file("resque-worker.service");
    const setting = (key: string) => new RegExp(`^${key}=(.*)$`, "m").exec(unit)?.[1];
    expect(setting("ExecStart")).toMatch(/^\/usr\/bin\/node \S+\/node_modules\/\.bin\/resque work /);
    expect(setting("KillSignal")).toBe("SIGQUIT");
    expect(setting("KillMode")).toBe("mixed");
    expect(Number(setting("TimeoutStopSec"))).toBeGreaterThanOrEqual(60);
  });

  it("the Dockerfile runs the binary under tini and stops it with QUIT", () => {
    const dockerfile = file("Dockerfile");
    const json = (instruction: string) => JSON.parse(new RegExp(`^${instruction} (\\[.*\\])$`, "m").exec(dockerfile)![1]!) as string[];
    expect(json("ENTRYPOINT")).toEqual(["/usr/bin/tini", "--"]);
    expect(json("CMD").slice(0, 3)).toEqual(["node", "node_modules/.bin/resque", "work"]);
    expect(/^STOPSIGNAL (\S+)$/m.exec(dockerfile)?.[1]).toBe("SIGQUIT");
  });

  it("the pm2 settings run one forked process of the binary, stopped with QUIT and time to finish", () => {
    const config = createRequire(import.meta.url)("../../examples/pool/ecosystem.config.cjs") as { apps: Record<string, unknown>[] };
    expect(config.apps[0]).toMatchObject({ script: "node_modules/.bin/resque", exec_mode: "fork", instances: 1, kill_signal: "SIGQUIT" });
    expect(config.apps[0]!.kill_timeout).toBeGreaterThanOrEqual(60_000);
  });
});
