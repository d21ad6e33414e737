/**
 * What a Redis `maxmemory-policy` may evict of Resque's keys, and the warning a worker or
 * scheduler logs when it starts against a Redis that may (as Sidekiq warns at startup).
 */
import type { Logger } from "../logger.js";
import type { DataStore } from "./store.js";

/** "any-key" (allkeys-*): queues, running jobs' records and failed jobs; "keys-with-ttl" (volatile-*); "none" (noeviction, or unknown). */
export type EvictionRisk = "none" | "keys-with-ttl" | "any-key";

export function evictionRisk(policy: string): EvictionRisk {
  if (policy.startsWith("allkeys-")) return "any-key";
  return policy === "noeviction" || policy === "" ? "none" : "keys-with-ttl";
}

/** Targets and policies already warned about in this process: a process starting several workers warns once. */
const warned = new Set<string>();

/**
 * Reads the policy (INFO memory, which managed Redis services allow where CONFIG is renamed) and
 * logs a warning when it may evict Resque's keys. Never throws: a Redis that cannot be asked is
 * reported by the caller's own commands.
 */
export async function warnAboutEviction(store: DataStore, logger: Logger): Promise<void> {
  try {
    const policy = (await store.server.info(["memory"])).maxmemory_policy ?? "";
    const risk = evictionRisk(policy);
    const seen = `${store.target} ${policy}`;
    if (risk === "none" || warned.has(seen)) return;
    warned.add(seen);
    if (risk === "any-key") {
      logger.warn(
        { maxmemoryPolicy: policy },
        `Redis's maxmemory-policy is ${policy}: under memory pressure Redis may evict queues, the records of running jobs and failed jobs, and those jobs are lost. Set maxmemory-policy to noeviction.`,
      );
    } else {
      logger.warn(
        { maxmemoryPolicy: policy },
        `Redis's maxmemory-policy is ${policy}: under memory pressure Redis may evict keys that expire (retry attempt counters and failure copies, schedule markers, stats history), so a job may be retried past its limit or a schedule slot fire twice. noeviction is recommended.`,
      );
    }
  } catch (error) {
    logger.debug({ err: error }, "could not read Redis's maxmemory-policy");
  }
}
