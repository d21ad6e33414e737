/**
 * What Redis itself reports: commands executed (INFO commandstats, which counts the commands a
 * Lua script runs as well as the EVALSHA itself), memory in use, and the server's CPU time.
 */
import { Redis } from "ioredis";

export interface RedisSnapshot {
  /** Calls per command name since the last CONFIG RESETSTAT. */
  calls: Map<string, number>;
  /** Microseconds spent per command name since the last CONFIG RESETSTAT. */
  usec: Map<string, number>;
  usedMemory: number;
  /** used_cpu_sys + used_cpu_user of the redis-server process, in ms. */
  cpuMs: number;
}

/** Commands the benchmark itself sends, left out of the per-job counts. */
const HARNESS_COMMANDS = /^(info|config|flushall|client|hello|ping|select)(\||$)/;

function field(info: string, name: string): number {
  const match = new RegExp(`^${name}:([\\d.]+)`, "m").exec(info);
  return match ? Number(match[1]) : 0;
}

export class RedisStats {
  readonly client: Redis;

  constructor(url: string) {
    this.client = new Redis(url, { maxRetriesPerRequest: 1 });
  }

  /** Empties Redis and zeroes the command statistics, so a run starts from nothing. */
  async reset(): Promise<void> {
    await this.client.flushall();
    await this.resetStats();
  }

  async resetStats(): Promise<void> {
    await this.client.config("RESETSTAT");
  }

  async snapshot(): Promise<RedisSnapshot> {
    const info = await this.client.info("all");
    const calls = new Map<string, number>();
    const usec = new Map<string, number>();
    for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) {
      calls.set(match[1]!, Number(match[2]));
      usec.set(match[1]!, Number(match[3]));
    }
    return {
      calls,
      usec,
      usedMemory: field(info, "used_memory"),
      cpuMs: (field(info, "used_cpu_sys") + field(info, "used_cpu_user")) * 1000,
    };
  }

  async close(): Promise<void> {
    await this.client.quit();
  }
}

/** Commands sent by the libraries (not by the benchmark) in a snapshot taken after a reset. */
export function libraryCommands(snapshot: RedisSnapshot): number {
  let total = 0;
  for (const [name, calls] of snapshot.calls) if (!HARNESS_COMMANDS.test(name)) total += calls;
  return total;
}

/** The commands of a snapshot, most called first, for the profiling notes. */
export function commandBreakdown(snapshot: RedisSnapshot, perJobs: number): string {
  return [...snapshot.calls]
    .filter(([name]) => !HARNESS_COMMANDS.test(name))
    .sort((a, b) => b[1] - a[1])
    .map(([name, calls]) => `${name} ${(calls / perJobs).toFixed(2)}`)
    .join(", ");
}
