/**
 * Local Redis Sentinel and Redis Cluster setups for tests, from real redis-server processes on
 * free loopback ports.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Redis } from "ioredis";
import { RedisServer } from "./redis-server.js";

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function info(port: number, section: string): Promise<string> {
  const client = new Redis(port, "127.0.0.1", { maxRetriesPerRequest: 1, lazyConnect: true });
  client.on("error", () => {});
  try {
    await client.connect();
    return await client.info(section);
  } catch {
    return "";
  } finally {
    client.disconnect();
  }
}

/** A master, a replica and three sentinels watching them as "mymaster". */
export class SentinelSetup {
  readonly name = "mymaster";
  private constructor(
    readonly master: RedisServer,
    readonly replica: RedisServer,
    readonly sentinels: RedisServer[],
  ) {}

  static async start(): Promise<SentinelSetup> {
    const started: RedisServer[] = [];
    try {
      return await SentinelSetup.#start(started);
    } catch (error) {
      // Leave no server behind when the setup does not come up.
      await Promise.all(started.map((s) => s.close()));
      throw error;
    }
  }

  static async #start(started: RedisServer[]): Promise<SentinelSetup> {
    const track = (server: RedisServer) => (started.push(server), server);
    const master = track(await RedisServer.start());
    const replica = track(await RedisServer.start({ args: ["--replicaof", "127.0.0.1", String(master.port)] }));
    await waitFor(async () => (await info(replica.port, "replication")).includes("master_link_status:up"), "the replica to sync");
    const sentinels: RedisServer[] = [];
    for (let i = 0; i < 3; i++) {
      sentinels.push(
        track(await RedisServer.start({
          config: (dir) => {
            const file = join(dir, "sentinel.conf");
            writeFileSync(
              file,
              [
                `sentinel monitor mymaster 127.0.0.1 ${master.port} 2`,
                "sentinel down-after-milliseconds mymaster 1000",
                "sentinel failover-timeout mymaster 5000",
                "sentinel parallel-syncs mymaster 1",
              ].join("\n") + "\n",
            );
            return file;
          },
          args: ["--sentinel"],
          persistence: false,
          readyLine: /\+monitor master/,
        })),
      );
    }
    const setup = new SentinelSetup(master, replica, sentinels);
    await waitFor(async () => (await info(sentinels[0]!.port, "sentinel")).includes("slaves=1,sentinels=3"), "the sentinels to see each other");
    return setup;
  }

  get sentinelAddresses(): { host: string; port: number }[] {
    return this.sentinels.map((s) => ({ host: "127.0.0.1", port: s.port }));
  }

  /** Waits until the sentinels name a master other than `port`. */
  async waitForFailoverFrom(port: number): Promise<void> {
    await waitFor(async () => {
      const text = await info(this.sentinels[0]!.port, "sentinel");
      return /status=ok,address=127\.0\.0\.1:(\d+)/.exec(text)?.[1] !== String(port) && text.includes("status=ok");
    }, "a failover");
  }

  async close(): Promise<void> {
    await Promise.all([...this.sentinels, this.replica, this.master].map((s) => s.close()));
  }
}

/** Three cluster masters (no replicas) covering all 16384 slots. */
export class ClusterSetup {
  private constructor(readonly nodes: RedisServer[]) {}

  static async start(count = 3): Promise<ClusterSetup> {
    const nodes: RedisServer[] = [];
    try {
      return await ClusterSetup.#start(count, nodes);
    } catch (error) {
      await Promise.all(nodes.map((n) => n.close()));
      throw error;
    }
  }

  static async #start(count: number, nodes: RedisServer[]): Promise<ClusterSetup> {
    for (let i = 0; i < count; i++) {
      nodes.push(await RedisServer.start({ args: ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "2000"] }));
    }
    execFileSync("redis-cli", ["--cluster", "create", ...nodes.map((n) => `127.0.0.1:${n.port}`), "--cluster-replicas", "0", "--cluster-yes"], {
      stdio: "ignore",
    });
    const setup = new ClusterSetup(nodes);
    await waitFor(async () => (await Promise.all(nodes.map((n) => info(n.port, "cluster").then(() => clusterOk(n.port))))).every(Boolean), "the cluster to be ok");
    return setup;
  }

  get addresses(): { host: string; port: number }[] {
    return this.nodes.map((n) => ({ host: "127.0.0.1", port: n.port }));
  }

  async close(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.close()));
  }
}

async function clusterOk(port: number): Promise<boolean> {
  const client = new Redis(port, "127.0.0.1", { maxRetriesPerRequest: 1, lazyConnect: true });
  client.on("error", () => {});
  try {
    await client.connect();
    return String(await client.call("CLUSTER", "INFO")).includes("cluster_state:ok");
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}
