/**
 * `resque monitor`: evaluates the checks of one or more Resques at an interval, sends alerts to the
 * configured notifiers and serves /status and /metrics, until TERM or INT. `--once` evaluates once
 * (for cron), `--check` reports what is bad without touching alert state or notifying anyone.
 * Exit codes: 0 ok (nothing bad, with --once/--check), 1 something is bad or failed, 2 usage.
 */
import { Admin } from "../admin/index.js";
import { MonitorConfigError } from "../errors.js";
import { loadMonitorConfig, parseMonitorConfig, type MonitorConfig, type MonitorInstance } from "../monitor/config.js";
import type { Finding } from "../monitor/checks.js";
import { Monitor } from "../monitor/monitor.js";
import { clusterAware } from "./cluster-target.js";
import { connectionFrom } from "./connection-options.js";
import { pino, type Logger } from "pino";
import { cliLogger, logFormat, type LogFormat } from "./logging.js";

export interface MonitorCommandOptions {
  config?: string;
  redis?: string;
  namespace?: string;
  interval?: string;
  port?: string;
  host?: string;
  http?: boolean;
  once?: boolean;
  check?: boolean;
  json?: boolean;
  verbose?: boolean;
  quiet?: boolean;
  logFormat?: string;
}

/** Runs the command; resolves with the exit code (the daemon resolves when stopped by a signal). */
export async function monitorCommand(options: MonitorCommandOptions, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let config: MonitorConfig;
  try {
    config = configFrom(options, env);
  } catch (error) {
    if (!(error instanceof MonitorConfigError)) throw error;
    process.stderr.write(`resque monitor: ${error.message}\n`);
    return 2;
  }
  const oneShot = options.once || options.check;
  const level = options.quiet ? "error" : options.verbose ? "debug" : oneShot ? "warn" : (env.LOG_LEVEL ?? "info");
  const base = { command: "monitor" };
  const logger = oneShot
    ? await stderrLogger(level, logFormat(options.logFormat ?? env.LOG_FORMAT, Boolean(process.stderr.isTTY)), base)
    : await cliLogger({ level, format: logFormat(options.logFormat ?? env.LOG_FORMAT, Boolean(process.stdout.isTTY)), base });
  const { instances, ...settings } = config;
  const watched = instances ? await clusterAwareInstances(instances, env) : undefined;
  const monitor = new Monitor({ ...settings, ...(watched ? { instances: watched.instances } : {}), logger });
  // The Admins made here for Cluster instances are the command's to close, after the monitor.
  const stopAll = async (): Promise<void> => {
    await monitor.stop();
    await Promise.all((watched?.made ?? []).map((admin) => admin.close()));
  };
  if (options.check || options.once) {
    try {
      let report: { name: string; ok: boolean; error?: string; findings: Finding[] }[];
      if (options.check) {
        report = await monitor.findings();
      } else {
        report = (await monitor.evaluate()).instances;
        await monitor.flush();
      }
      process.stdout.write(options.json ? `${JSON.stringify(report.map(({ name, ok, error, findings }) => ({ name, ok, ...(error === undefined ? {} : { error }), findings })), null, 2)}\n` : text(report));
      return report.some((i) => !i.ok || i.findings.length > 0) ? 1 : 0;
    } finally {
      await stopAll();
    }
  }
  const stopped = new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      logger.info({ signal }, "stopping");
      void stopAll().then(resolve);
    };
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
    process.once("SIGQUIT", stop);
  });
  if (options.http !== false) {
    try {
      await monitor.serve();
    } catch (error) {
      await stopAll();
      throw error;
    }
  }
  await monitor.start();
  await stopped;
  return 0;
}

/**
 * The instances to watch, where one whose namespace has a hash tag and whose URL names a node of
 * a Redis Cluster becomes an Admin on the whole Cluster (a plain connection to the node is
 * answered MOVED for a namespace on another master). `made` lists those Admins.
 */
async function clusterAwareInstances(list: MonitorInstance[], env: NodeJS.ProcessEnv): Promise<{ instances: (MonitorInstance | Admin)[]; made: Admin[] }> {
  const made: Admin[] = [];
  const instances = await Promise.all(
    list.map(async (item): Promise<MonitorInstance | Admin> => {
      const target = await clusterAware({ redis: item.redis ?? (env.REDIS_URL || undefined), namespace: item.namespace }, item.connectionTimeout ?? 5);
      if (target.redis === undefined || typeof target.redis === "string") return item;
      const admin = new Admin({
        redis: target.redis,
        ...(item.namespace === undefined ? {} : { namespace: item.namespace }),
        ...(item.name === undefined ? {} : { name: item.name }),
        ...(item.connectionTimeout === undefined ? {} : { connectionTimeout: item.connectionTimeout }),
      });
      made.push(admin);
      return admin;
    }),
  );
  return { instances, made };
}

/** With --once/--check stdout carries the report, so logs go to stderr (fd 2: /dev/stderr cannot be opened on a socket). */
async function stderrLogger(level: string, format: LogFormat, base: Record<string, unknown>): Promise<Logger> {
  const settings = { level, base: { pid: process.pid, ...base } };
  if (format === "json") return pino(settings, pino.destination({ dest: 2, sync: true }));
  const { default: pretty } = await import("pino-pretty");
  return pino(settings, pretty({ sync: true, destination: 2, colorize: Boolean(process.stderr.isTTY), translateTime: "SYS:HH:MM:ss.l", ignore: "hostname", singleLine: true }));
}

/** The file's configuration with the command line on top; instances from the file, or one from --redis / REDIS_URL. */
function configFrom(options: MonitorCommandOptions, env: NodeJS.ProcessEnv): MonitorConfig {
  const file = options.config ?? (env.RESQUE_MONITOR_CONFIG || undefined);
  const fromFile = file === undefined ? {} : loadMonitorConfig(file, env);
  const flags: Record<string, unknown> = {};
  if (options.interval !== undefined) flags.intervalSeconds = flagNumber(options.interval, "--interval");
  if (options.port !== undefined || options.host !== undefined) {
    flags.http = {
      ...fromFile.http,
      ...(options.port === undefined ? {} : { port: flagNumber(options.port, "--port") }),
      ...(options.host === undefined ? {} : { host: options.host }),
    };
  }
  const { redis, namespace } = connectionFrom(options, env);
  if (fromFile.instances && (options.redis !== undefined || options.namespace !== undefined)) {
    throw new MonitorConfigError("resque monitor", "--redis", `${file} lists instances; give --redis and --namespace there, or leave instances out of the file`);
  }
  const instances = fromFile.instances ?? [{ ...(redis === undefined ? {} : { redis }), ...(namespace === undefined ? {} : { namespace }) }];
  return parseMonitorConfig({ ...fromFile, ...flags, instances }, file ?? "resque monitor");
}

function flagNumber(value: string, flag: string): number {
  const parsed = Number(value);
  if (value.trim() === "" || !Number.isFinite(parsed)) throw new MonitorConfigError("resque monitor", flag, `expected a number, got ${JSON.stringify(value)}`);
  return parsed;
}

function text(report: { name: string; ok: boolean; error?: string; findings: Finding[] }[]): string {
  const lines: string[] = [];
  for (const instance of report) {
    if (instance.findings.length === 0) {
      lines.push(`${instance.name}: ok`);
      continue;
    }
    lines.push(`${instance.name}: ${instance.findings.length} problem${instance.findings.length === 1 ? "" : "s"}`);
    for (const f of instance.findings) lines.push(`  ${f.severity.padEnd(8)} ${f.check.padEnd(22)} ${f.message}`);
  }
  return `${lines.join("\n")}\n`;
}
