/** The built `resque shards` commands on a local 3-master Cluster: plan tags on different masters, show every shard with totals. */
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Job, Resque } from "../../src/index.js";
import { buildCli, runCli, startCli } from "../helpers/built-cli.js";
import { runTs } from "../helpers/processes.js";
import { ClusterSetup } from "../helpers/redis-topologies.js";
import { silentLogger } from "../helpers/resque.js";

class Ping extends Job<[number]> {
  static override queue = "ping";
  perform() {}
}

describe("resque shards (built binary, 3-master Cluster)", () => {
  let setup: ClusterSetup;
  let cli: string;
  let url: string;
  beforeAll(async () => {
    [setup, cli] = await Promise.all([ClusterSetup.start(3), buildCli()]);
    url = `redis://127.0.0.1:${setup.addresses[0]!.port}`;
  }, 180_000);
  afterAll(async () => {
    await setup?.close();
  });

  /** `resque shards plan --count 3` as JSON: a namespace per master. */
  async function plannedShards(): Promise<{ namespace: string; master: string }[]> {
    return (JSON.parse((await runCli(cli, ["shards", "plan", "--redis", url, "--count", "3", "--json"], {})).stdout) as { shards: { namespace: string; master: string }[] }).shards;
  }

  /**
   * A planned namespace whose slot a master other than the one `url` names serves, and a Resque on
   * the whole Cluster for it (close it when done).
   */
  async function namespaceElsewhere(): Promise<{ elsewhere: string; resque: Resque }> {
    const elsewhere = (await plannedShards()).find((s) => s.master !== `127.0.0.1:${setup.addresses[0]!.port}`)!.namespace;
    return { elsewhere, resque: new Resque({ redis: { cluster: setup.addresses }, namespace: elsewhere, logger: silentLogger }) };
  }

  /**
   * resque-web with `args` on a free port: `listening()` gives its "listening on" line and base
   * URL, `stop()` expects a clean exit on SIGTERM, `kill()` ends it in any case.
   */
  function startWeb(args: string[]) {
    const proc = runTs("src/cli/resque-web.ts", {}, ["--port", "0", ...args]);
    return {
      async listening() {
        const line = await proc.line(/listening on/);
        return { line, base: /(http:\/\/127\.0\.0\.1:\d+)\//.exec(line)![1]! };
      },
      async stop() {
        proc.child.kill("SIGTERM");
        expect((await proc.exited).code).toBe(0);
      },
      kill: () => proc.child.kill("SIGKILL"),
    };
  }

  it("plan: one namespace per master, as a table and as JSON; refuses a count that is not a number", async () => {
    const json = await runCli(cli, ["shards", "plan", "--redis", url, "--count", "3", "--json"], {});
    expect(json.code).toBe(0);
    const { shards } = JSON.parse(json.stdout) as { shards: { namespace: string; slot: number; master: string }[] };
    expect(shards).toHaveLength(3);
    expect(new Set(shards.map((s) => s.master)).size).toBe(3);
    const text = await runCli(cli, ["shards", "plan", "--redis", url, "--count", "3"], {});
    expect(text.stdout).toMatch(/^NAMESPACE\s+SLOT\s+MASTER$/m);
    expect(text.stdout).toContain(`shards: { namespaces: ${JSON.stringify(shards.map((s) => s.namespace))} }`);
    const bad = await runCli(cli, ["shards", "plan", "--redis", url, "--count", "zero"], {});
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--count is a whole number/);
  });

  it("status: each shard's slot, master, queues and totals, and the sums", async () => {
    const shards = await plannedShards();
    const namespaces = shards.map((s) => s.namespace);
    const resque = new Resque({ redis: { cluster: setup.addresses }, shards: { namespaces, queues: { ping: namespaces[1]!, pong: namespaces[2]! } }, jobs: [Ping], logger: silentLogger });
    try {
      await resque.enqueueBulk(Ping, [[1], [2], [3]]);
      await resque.enqueueTo("pong", Ping, 4);
      const json = await runCli(cli, ["shards", "status", "--redis", url, "--shards", namespaces.join(","), "--json"], {});
      expect(json.code).toBe(0);
      const status = JSON.parse(json.stdout) as { shards: { namespace: string; master: string; queues: { name: string; size: number }[]; pending: number }[]; totals: { pending: number } };
      expect(status.shards.map((s) => [s.namespace, s.master, s.queues])).toEqual([
        [namespaces[0], shards[0]!.master, []],
        [namespaces[1], shards[1]!.master, [{ name: "ping", size: 3 }]],
        [namespaces[2], shards[2]!.master, [{ name: "pong", size: 1 }]],
      ]);
      expect(status.totals.pending).toBe(4);
      const text = await runCli(cli, ["shards", "status", "--redis", url, "--shards", namespaces.join(",")], {});
      expect(text.stdout).toMatch(/^all shards\s+4\s/m);
    } finally {
      await resque.close();
    }
  });

  it("work: a sharded Resque from --require serves its queues on their shards and stops when they are empty", async () => {
    const namespaces = (await plannedShards()).map((s) => s.namespace);
    const resque = new Resque({ redis: { cluster: setup.addresses }, shards: { namespaces, queues: { tally: namespaces[0]!, other: namespaces[2]! } }, logger: silentLogger });
    try {
      await resque.enqueueTo("tally", "Tally", 1);
      await resque.enqueueTo("other", "Tally", 2);
      const proc = runTs(
        "src/cli/resque.ts",
        { SHARD_CLUSTER_PORTS: setup.addresses.map((a) => a.port).join(","), SHARD_NAMESPACES: namespaces.join(","), INTERVAL: "0", LOG_LEVEL: "warn" },
        ["work", "--queues", "tally,other", "--require", "./test/fixtures/sharded-resque.ts"],
      );
      expect((await proc.exited).code).toBe(0);
      expect(proc.lines.filter((l) => l.startsWith("tallied")).sort()).toEqual(["tallied 1", "tallied 2"]);
      expect(await resque.shardAdmin(namespaces[0]!).stats.totals()).toEqual({ processed: 1, failed: 0 });
      expect(await resque.shardAdmin(namespaces[2]!).stats.totals()).toEqual({ processed: 1, failed: 0 });
    } finally {
      await resque.close();
    }
  }, 60_000);

  it("resque-web --shards shows every shard as an instance of one dashboard", async () => {
    const namespaces = (await plannedShards()).map((s) => s.namespace);
    const resque = new Resque({ redis: { cluster: setup.addresses }, shards: { namespaces, queues: { webq: namespaces[2]! } }, logger: silentLogger });
    const web = startWeb(["--redis", url, "--shards", namespaces.join(",")]);
    try {
      await resque.enqueueTo("webq", "Ping", 1);
      const { line, base } = await web.listening();
      for (const namespace of namespaces) expect(line).toContain(`shard ${namespace}`);
      const overview = await (await fetch(`${base}/`)).text();
      for (const namespace of namespaces) expect(overview).toContain(`shard ${namespace}`);
      expect(overview).toContain("webq");
      await web.stop();
    } finally {
      web.kill();
      await resque.close();
    }
  }, 60_000);

  it("admin commands given a Cluster node's URL reach a namespace whose slot another master serves", async () => {
    const { elsewhere, resque } = await namespaceElsewhere();
    try {
      await resque.enqueueTo("far", "Ping", 1);
      const listed = await runCli(cli, ["queues", "--redis", url, "--namespace", elsewhere, "--json"], {});
      expect(listed.stderr).toBe("");
      expect(listed.code).toBe(0);
      expect(JSON.stringify(JSON.parse(listed.stdout))).toContain('"far"');
      const cleared = await runCli(cli, ["clear", "far", "--redis", url, "--namespace", elsewhere, "--yes"], {});
      expect(cleared.code).toBe(0);
      expect(await resque.admin.queues.size("far")).toBe(0);
    } finally {
      await resque.close();
    }
  });

  it("resque-web given a Cluster node's URL and a hash-tagged namespace shows that namespace from whichever master serves it", async () => {
    const { elsewhere, resque } = await namespaceElsewhere();
    const web = startWeb(["--redis", url, "--namespace", elsewhere]);
    try {
      await resque.enqueueTo("farweb", "Ping", 1);
      const { line, base } = await web.listening();
      expect(line).toContain(`cluster/${elsewhere}`);
      expect(await (await fetch(`${base}/`)).text()).toContain("farweb");
      await web.stop();
    } finally {
      web.kill();
      await resque.close();
    }
  }, 60_000);
  it("resque work and resque-scheduler given a Cluster node's URL serve a namespace whose slot another master serves", async () => {
    const { elsewhere, resque } = await namespaceElsewhere();
    const env = { RESQUE_TS_BUILD: dirname(dirname(cli)) };
    // Other tests use this namespace too: count what this one adds.
    const before = await resque.admin.stats.totals();
    // Due in a moment: the scheduler moves it onto its queue, then the worker performs it.
    await resque.enqueueInWithQueue("cli", 1, "Greet", "delayed");
    expect(await resque.admin.delayed.count()).toBe(1);
    const scheduler = startCli(join(dirname(cli), "resque-scheduler.cjs"), ["--redis", url, "--namespace", elsewhere], env);
    try {
      await expect.poll(() => resque.admin.queues.size("cli"), { timeout: 15_000 }).toBe(1);
      expect(await resque.admin.delayed.count()).toBe(0);
      await resque.enqueueTo("cli", "Greet", "queued");
      const worked = await runCli(cli, ["work", "--redis", url, "--namespace", elsewhere, "--queues", "cli", "--require", "./test/fixtures/built-cli-jobs.cjs"], { ...env, INTERVAL: "0" });
      expect(worked.stderr).not.toContain("MOVED");
      expect(worked.code, worked.stderr).toBe(0);
      expect(await resque.admin.queues.size("cli")).toBe(0);
      expect(await resque.admin.stats.totals()).toEqual({ processed: before.processed + 2, failed: before.failed });
    } finally {
      scheduler.kill("SIGTERM");
      await scheduler.done;
      await resque.close();
    }
  }, 60_000);
  it("resque monitor given a Cluster node's URL checks a namespace whose slot another master serves", async () => {
    const { elsewhere, resque } = await namespaceElsewhere();
    try {
      await resque.enqueueTo("unwatched", "Ping", 1);
      const checked = await runCli(cli, ["monitor", "--check", "--json", "--redis", url, "--namespace", elsewhere], {});
      expect(checked.stderr).not.toContain("MOVED");
      const [instance] = JSON.parse(checked.stdout) as { ok: boolean; error?: string; findings: { check: string; message: string }[] }[];
      expect(instance!.error).toBeUndefined();
      expect(instance!.ok).toBe(true);
      // Other tests leave queues of their own in this namespace; this one's is among the findings.
      expect(instance!.findings.filter((f) => f.message.includes('"unwatched"')).map((f) => f.check)).toEqual(["queue-without-workers"]);
      expect(checked.code).toBe(1);
    } finally {
      await resque.close();
    }
  }, 60_000);
});
