/** `resque pause|resume|stop|kill`: remote control of workers through Redis. */
import { connectionFrom } from "./connection-options.js";
import { ConfigurationError } from "../errors.js";
import { Admin } from "../admin/index.js";
import type { ControlTarget } from "../worker/control.js";

export interface ControlOptions {
  all?: boolean;
  host?: string;
  worker?: string;
  redis?: string;
  namespace?: string;
}

function target(options: ControlOptions): ControlTarget {
  const given = [options.all, options.host, options.worker].filter((v) => v !== undefined && v !== false).length;
  if (given !== 1) throw new ConfigurationError("Say which workers: exactly one of --all, --host <name> or --worker <id>.");
  if (options.host) return { host: options.host };
  if (options.worker) return { worker: options.worker };
  return { all: true };
}

export async function control(action: "pause" | "resume" | "stop" | "kill", options: ControlOptions, env = process.env): Promise<string> {
  const chosen = target(options);
  const { redis, namespace } = connectionFrom(options, env);
  const admin = new Admin({ ...(redis === undefined ? {} : { redis }), ...(namespace === undefined ? {} : { namespace }) });
  try {
    if (action === "pause" || action === "resume") {
      await admin.workers[action](chosen);
      return `${action === "pause" ? "paused" : "resumed"} ${describe(chosen)}`;
    }
    const { processes } = await admin.workers[action](chosen);
    return `sent ${action} to ${describe(chosen)} (${processes} process${processes === 1 ? "" : "es"} listening)`;
  } finally {
    await admin.close();
  }
}

function describe(target: ControlTarget): string {
  if ("host" in target) return `workers on host ${target.host}`;
  if ("worker" in target) return `worker ${target.worker}`;
  return "all workers";
}
