/** `resque redis`: the Redis server's health — version, role, memory, eviction policy, clients, keys by kind. */
import type { Command } from "commander";
import type { KeyCounts } from "../../admin/redis-health.js";
import { adminCommand, withAdmin } from "../kit/admin-command.js";
import { bytes, count, duration } from "../kit/format.js";
import { withProgress } from "../kit/progress.js";

export function registerRedisCommand(program: Command): void {
  adminCommand(program, "redis", "the Redis server: version, role, memory and eviction policy, clients; with --keys, the namespace's keys by kind", [
    ["resque redis", "server facts"],
    ["resque redis --keys", "also count the namespace's keys (a SCAN, a thousand keys per call)"],
  ])
    .option("--keys", "count the namespace's keys by kind")
    .action(
      withAdmin<{ keys?: boolean }>(async ({ admin, out, options, namespace }) => {
        const info = await admin.redis.info();
        let keys: KeyCounts | undefined;
        if (options.keys) keys = await withProgress({ label: "scanning", show: !out.json }, (bulk) => admin.redis.keys(bulk));
        if (out.json) {
          out.data({ ...info, keys: keys ?? null });
          return;
        }
        const policy = info.evictsAnyKey ? out.c.red(info.maxMemoryPolicy) : info.evictsKeysWithTtl ? out.c.yellow(info.maxMemoryPolicy) : out.c.green(info.maxMemoryPolicy);
        out.fields([
          ["version", info.version],
          ["mode", `${info.mode}${info.clusterEnabled && info.mode !== "cluster" ? " (the server has cluster mode on)" : ""}`],
          ["role", info.role],
          ["uptime", duration(info.uptimeSeconds * 1000)],
          ["clients", count(info.connectedClients)],
          ["memory", `${bytes(info.usedMemoryBytes)} used${info.maxMemoryBytes > 0 ? ` of ${bytes(info.maxMemoryBytes)} (${Math.round((info.usedMemoryBytes / info.maxMemoryBytes) * 100)} %)` : ", no maxmemory limit"}`],
          ["eviction", `${policy}${info.evictsAnyKey ? " — may drop queues and failed jobs; use noeviction" : info.evictsKeysWithTtl ? " — may drop keys with a TTL (history, retry copies); prefer noeviction" : ""}`],
        ]);
        if (keys) {
          out.line();
          out.line(`keys of namespace "${namespace}": ${count(keys.total)}${keys.aborted ? " (interrupted: counted so far)" : ""}`);
          out.table(
            [{ header: "KIND" }, { header: "KEYS", right: true }],
            Object.entries(keys.byKind).map(([kind, n]) => [kind, count(n)]),
          );
        }
      }),
    );
}
