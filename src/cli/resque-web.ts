#!/usr/bin/env node
/**
 * resque-web: serves the dashboard (src/web/) over HTTP until TERM or INT. Binds to loopback by
 * default; warns when it listens elsewhere without auth.
 */
import { createServer } from "node:http";
import { CommanderError } from "commander";
import { Admin } from "../admin/index.js";
import { clusterAwareConnection } from "../redis/cluster-slots.js";
import { reachable } from "./cluster-target.js";
import { DEFAULT_REDIS_URL } from "./connection-options.js";
import { isLoopback, parseWebOptions } from "../web/command-options.js";
import { loadMonitorConfig } from "../monitor/config.js";
import { Monitor } from "../monitor/monitor.js";
import { createDashboard } from "../web/dashboard.js";

/** One Admin per shard of a sharded Resque, each named "shard <namespace>", on the Cluster behind `url`. */
async function shardAdmins(url: string | undefined, namespaces: readonly string[]): Promise<Admin[]> {
  const redis = await clusterAwareConnection(url ?? DEFAULT_REDIS_URL);
  return namespaces.map((namespace) => new Admin({ redis, namespace, name: `shard ${namespace}` }));
}

async function main(): Promise<number> {
  let options;
  try {
    options = parseWebOptions(process.argv, process.env);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    throw error;
  }
  const say = (text: string) => {
    if (!options.quiet) process.stdout.write(`${text}\n`);
  };
  const admins = options.shards
    ? await shardAdmins(options.instances[0]?.redis, options.shards)
    : await Promise.all(
        options.instances.map(
          async (i) =>
            new Admin({
              // A Cluster node's URL with a hash-tagged namespace is read through the whole Cluster.
              redis: await reachable(i.redis ?? DEFAULT_REDIS_URL, options.namespace ?? "resque", 5),
              ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
              ...(i.name === undefined ? {} : { name: i.name }),
            }),
        ),
      );
  // The monitor's status page and metrics are always served; with --monitor its evaluation loop
  // runs here too (alerts and notifications), and its checks judge the overview.
  const config = options.monitor === undefined ? undefined : loadMonitorConfig(options.monitor);
  if (config?.instances?.length) {
    process.stderr.write(`resque-web: ${options.monitor} lists instances; the monitor run by resque-web watches the dashboard's instances instead.\n`);
  }
  const monitor = new Monitor({ ...config, instances: admins });
  const dashboard = createDashboard({
    admins,
    statusPage: monitor.statusPage,
    metrics: monitor.metrics,
    ...(config?.checks ? { checks: config.checks } : {}),
    readOnly: options.readOnly,
    ...(options.basicAuth ? { basicAuth: options.basicAuth } : {}),
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
    ...(options.secret === undefined ? {} : { secret: options.secret }),
    ...(options.refreshSeconds === undefined ? {} : { refreshSeconds: options.refreshSeconds }),
  });
  if (!isLoopback(options.host) && !options.basicAuth) {
    process.stderr.write(
      `resque-web: listening on ${options.host} without auth: anyone who can reach this port can ${options.readOnly ? "read your jobs and their arguments" : "change your queues"}. Set RESQUE_WEB_USERNAME and RESQUE_WEB_PASSWORD, or put it behind your own auth.\n`,
    );
  }
  const server = createServer(dashboard.handler);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  const host = options.host.includes(":") ? `[${options.host}]` : options.host;
  if (config) await monitor.start();
  say(`resque-web ${options.readOnly ? "(read-only) " : ""}listening on http://${host}:${port}${options.prefix ?? ""}/ for ${admins.map((a) => a.name).join(", ")}`);
  return new Promise<number>((resolve) => {
    const stop = () => {
      server.close();
      server.closeAllConnections();
      void monitor
        .stop()
        .then(() => Promise.all(admins.map((a) => a.close())))
        .then(() => resolve(0));
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`resque-web: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
