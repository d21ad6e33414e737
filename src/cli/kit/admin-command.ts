/**
 * The frame of every admin subcommand: the shared connection options, `--json`,
 * `--connect-timeout`, an Admin for the chosen Redis + namespace (closed afterwards), and examples
 * in `--help`. The commands read and change state through this Admin only.
 */
import type { Command } from "commander";
import { Admin } from "../../admin/index.js";
import { reachable } from "../cluster-target.js";
import { addConnectionOptions, connectionFrom, DEFAULT_REDIS_URL } from "../connection-options.js";
import { UsageError } from "./exit-codes.js";
import { Output } from "./output.js";

/** Seconds an admin command waits for Redis before it gives up (RESQUE_CONNECT_TIMEOUT). */
export const DEFAULT_CONNECT_TIMEOUT = 5;

export interface CommonOptions {
  redis?: string;
  namespace?: string;
  json?: boolean;
  connectTimeout?: string;
}

export interface CommandContext<O> {
  admin: Admin;
  out: Output;
  options: O & CommonOptions;
  /** The namespace in use, for messages. */
  namespace: string;
}

/**
 * A subcommand of `parent` with the shared options; `examples` are shown by --help
 * (each `[command line, what it does]`).
 */
export function adminCommand(
  parent: Command,
  nameAndArgs: string,
  description: string,
  examples: readonly (readonly [string, string])[],
  settings: { isDefault?: boolean } = {},
): Command {
  const command = addConnectionOptions(parent.command(nameAndArgs, settings))
    .description(description)
    .option("--json", "print one JSON document (shapes: docs/cli.md)")
    .option("--connect-timeout <seconds>", `give up when Redis does not answer within this time [RESQUE_CONNECT_TIMEOUT, ${DEFAULT_CONNECT_TIMEOUT}]`);
  if (examples.length > 0) {
    const width = Math.max(...examples.map(([line]) => line.length));
    command.addHelpText("after", `\nExamples:\n${examples.map(([line, what]) => `  $ ${line.padEnd(width)}  # ${what}`).join("\n")}\n`);
  }
  return command;
}

/**
 * The action of an admin subcommand: `run` gets the positional arguments, then a context with the
 * Admin; it returns the exit code (default 0). The Admin is closed whatever happens.
 */
export function withAdmin<O>(run: (context: CommandContext<O>, ...args: (string | undefined)[]) => Promise<number | void>) {
  return async (...params: unknown[]): Promise<void> => {
    const command = params.at(-1) as Command;
    const options = command.opts<O & CommonOptions>();
    const positionals = params.slice(0, -2) as (string | undefined)[];
    const { redis, namespace } = connectionFrom(options);
    const timeout = connectTimeout(options.connectTimeout ?? process.env.RESQUE_CONNECT_TIMEOUT);
    const admin = new Admin({
      redis: await reachable(redis ?? DEFAULT_REDIS_URL, namespace ?? "resque", timeout),
      ...(namespace === undefined ? {} : { namespace }),
      connectionTimeout: timeout,
    });
    try {
      const code = await run({ admin, out: new Output(Boolean(options.json)), options, namespace: namespace ?? "resque" }, ...positionals);
      process.exitCode = code ?? 0;
    } finally {
      await admin.close();
    }
  };
}

function connectTimeout(value: string | undefined): number {
  if (value === undefined || value === "") return DEFAULT_CONNECT_TIMEOUT;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`--connect-timeout must be a number of seconds above 0, got ${JSON.stringify(value)}.`);
  return seconds;
}
