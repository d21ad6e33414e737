/**
 * The connection options every bin shares (`resque`, `resque-scheduler`, `resque-web`): the same
 * flags, the same environment variables, the same meaning everywhere.
 *   --redis <url>          Redis URL, host:port[:db] or socket path (env REDIS_URL)
 *   -N, --namespace <ns>   key namespace, default "resque"          (env RESQUE_NAMESPACE)
 */
import type { Command } from "commander";

export const REDIS_FLAG = "--redis <url>";
/** Where a tool connects when neither --redis nor REDIS_URL says (ioredis's default too). */
export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";
export const NAMESPACE_FLAG = "-N, --namespace <namespace>";

/** Adds --redis and -N/--namespace to a command. */
export function addConnectionOptions(command: Command): Command {
  return command
    .option(REDIS_FLAG, `Redis URL, host:port[:db] or unix socket path [REDIS_URL, ${DEFAULT_REDIS_URL}]`)
    .option(NAMESPACE_FLAG, "key namespace [RESQUE_NAMESPACE, resque]");
}

/** Where to connect: the flags, else the environment; undefined lets the library use its default. */
export function connectionFrom(options: { redis?: unknown; namespace?: unknown }, env: NodeJS.ProcessEnv = process.env): { redis: string | undefined; namespace: string | undefined } {
  const flag = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined);
  return {
    redis: flag(options.redis) ?? (env.REDIS_URL || undefined),
    namespace: flag(options.namespace) ?? (env.RESQUE_NAMESPACE || undefined),
  };
}
