/**
 * Options of the resque-web command: flags, then environment variables, then defaults. Shares the
 * connection flags of every bin (--redis, -N/--namespace, REDIS_URL, RESQUE_NAMESPACE); --redis
 * may be given several times as name=url, one instance each.
 */
import { Command, InvalidArgumentError } from "commander";
import { NAMESPACE_FLAG, REDIS_FLAG, connectionFrom } from "../cli/connection-options.js";
import { ConfigurationError } from "../errors.js";
import { VERSION } from "../version.js";

export interface WebCommandOptions {
  port: number;
  host: string;
  /** One entry per instance; a single unnamed entry without --redis uses REDIS_URL or the default. */
  instances: { name: string | undefined; redis: string | undefined }[];
  namespace: string | undefined;
  /** A sharded Resque's namespaces (--shards): one instance per shard on the one Redis (docs/sharding.md). */
  shards: string[] | undefined;
  readOnly: boolean;
  basicAuth: { username: string; password: string } | undefined;
  prefix: string | undefined;
  secret: string | undefined;
  refreshSeconds: number | undefined;
  /** A monitor configuration file (YAML) to run alongside: alerts, notifications, its checks on the overview. */
  monitor: string | undefined;
  quiet: boolean;
}

function port(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new InvalidArgumentError(`--port is a port number from 0 to 65535, got "${value}".`);
  return n;
}

function seconds(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`--refresh is a number of seconds (0 turns it off), got "${value}".`);
  return n;
}

export function webCommand(): Command {
  return new Command("resque-web")
    .description("The resque-ts dashboard: queues, workers, failed, delayed and scheduled jobs, retries and stats, served over HTTP.")
    .version(VERSION)
    .option("-p, --port <port>", "port to listen on [RESQUE_WEB_PORT, 9292]", port)
    .option("--host <address>", "address to listen on; keep it on loopback unless auth is set [RESQUE_WEB_HOST, 127.0.0.1]")
    .option(REDIS_FLAG, "Redis URL or unix socket path; repeat as name=url for several instances [REDIS_URL, redis://127.0.0.1:6379]", (v: string, all: string[] | undefined) => [...(all ?? []), v])
    .option(NAMESPACE_FLAG, "key namespace, for every instance [RESQUE_NAMESPACE, resque]")
    .option("--shards <namespaces>", "a sharded Resque: its shard namespaces, comma-separated, one instance each on the --redis Cluster [RESQUE_SHARDS]")
    .option("--read-only", "show everything, change nothing [RESQUE_WEB_READ_ONLY]")
    .option("--username <name>", "HTTP basic auth user name (with a password) [RESQUE_WEB_USERNAME]")
    .option("--password <password>", "HTTP basic auth password; prefer the variable, command lines are visible to other users [RESQUE_WEB_PASSWORD]")
    .option("--prefix <path>", "path the dashboard is served under, e.g. /resque behind a reverse proxy [RESQUE_WEB_PREFIX]")
    .option("--secret <text>", "key that signs CSRF tokens, the same for every process behind one load balancer [RESQUE_WEB_SECRET, random]")
    .option("--refresh <seconds>", "seconds between live refreshes of the numbers, 0 = off [5]", seconds)
    .option("--monitor <file>", "also run the monitor with this configuration (checks, notifiers; its instances are the dashboard's) [RESQUE_WEB_MONITOR]")
    .option("-q, --quiet", "print nothing but errors")
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
}

/** Environment flags: "1", "true", "yes", "on" (any case) mean on. */
function envFlag(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes|on)$/i.test(value.trim());
}

export function parseWebOptions(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): WebCommandOptions {
  const command = webCommand();
  command.parse(argv as string[]);
  const o = command.opts<{
    port?: number;
    host?: string;
    redis?: string[];
    namespace?: string;
    shards?: string;
    readOnly?: boolean;
    username?: string;
    password?: string;
    prefix?: string;
    secret?: string;
    refresh?: number;
    monitor?: string;
    quiet?: boolean;
  }>();
  const { namespace, redis: defaultRedis } = connectionFrom({ redis: o.redis?.[0], namespace: o.namespace }, env);
  const given = o.redis ?? [];
  const instances = given.length === 0 ? [{ name: undefined, redis: defaultRedis }] : given.map(instanceOf);
  if (instances.length > 1) {
    const unnamed = instances.find((i) => i.name === undefined);
    if (unnamed) throw new ConfigurationError(`With several --redis, name each one: --redis eu=redis://... --redis us=redis://... ("${unnamed.redis}" has no name).`);
  }
  const shardList = o.shards ?? (env.RESQUE_SHARDS || undefined);
  const shards = shardList?.split(",").map((n) => n.trim()).filter((n) => n !== "");
  if (shards !== undefined) {
    if (shards.length === 0) throw new ConfigurationError('--shards lists the shard namespaces, e.g. --shards "{resque-1},{resque-2},{resque-3}".');
    if (instances.length > 1) throw new ConfigurationError("--shards reads one Redis (a node of the Cluster): give --redis once.");
    if (o.namespace !== undefined) throw new ConfigurationError("Give either --namespace or --shards: with --shards every shard is an instance with its own namespace.");
  }
  const username = o.username ?? (env.RESQUE_WEB_USERNAME || undefined);
  const password = o.password ?? (env.RESQUE_WEB_PASSWORD || undefined);
  if ((username === undefined) !== (password === undefined)) {
    throw new ConfigurationError("Basic auth needs both a user name and a password: --username and --password (or RESQUE_WEB_USERNAME and RESQUE_WEB_PASSWORD).");
  }
  const portFromEnv = env.RESQUE_WEB_PORT === undefined || env.RESQUE_WEB_PORT === "" ? undefined : port(env.RESQUE_WEB_PORT);
  return {
    port: o.port ?? portFromEnv ?? 9292,
    host: o.host ?? (env.RESQUE_WEB_HOST || "127.0.0.1"),
    instances,
    namespace,
    shards,
    readOnly: o.readOnly === true || envFlag(env.RESQUE_WEB_READ_ONLY),
    basicAuth: username !== undefined && password !== undefined ? { username, password } : undefined,
    prefix: o.prefix ?? (env.RESQUE_WEB_PREFIX || undefined),
    secret: o.secret ?? (env.RESQUE_WEB_SECRET || undefined),
    refreshSeconds: o.refresh,
    monitor: o.monitor ?? (env.RESQUE_WEB_MONITOR || undefined),
    quiet: o.quiet === true,
  };
}

/** "eu=redis://host:6379" → named; a URL or a socket path alone → unnamed. */
function instanceOf(value: string): { name: string | undefined; redis: string } {
  const named = /^([A-Za-z0-9_.-]+)=(.+)$/.exec(value);
  return named ? { name: named[1]!, redis: named[2]! } : { name: undefined, redis: value };
}

/** Whether an address only this machine can reach. */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || /^127\./.test(host) || host === "[::1]";
}
