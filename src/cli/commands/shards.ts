/**
 * `resque shards`: sharding a Resque over a Redis Cluster (docs/sharding.md). `plan` picks shard
 * namespaces whose hash tags land on different masters; `status` shows each shard of a
 * configuration (slot, master, queues, workers, totals) and the totals summed over them; `move`
 * moves a queue's waiting jobs from one shard to another, batch by batch, none lost or doubled.
 */
import type { Command } from "commander";
import { Admin } from "../../admin/index.js";
import { clusterAwareConnection, readSlotRanges } from "../../redis/cluster-slots.js";
import { closeClient, createClient, type RedisConnectionOption } from "../../redis/connection.js";
import { storeOf } from "../../admin/read-source.js";
import { keySlot } from "../../redis/hash-slot.js";
import { moveDelayedJobs, moveWaitingJobs } from "../../shards/move-queue.js";
import { masterOfSlot, planShardTags } from "../../shards/plan-tags.js";
import { addConnectionOptions, connectionFrom, DEFAULT_REDIS_URL } from "../connection-options.js";
import { UsageError } from "../kit/exit-codes.js";
import { count } from "../kit/format.js";
import { Output } from "../kit/output.js";

async function connection(options: { redis?: string }): Promise<RedisConnectionOption> {
  const { redis } = connectionFrom(options);
  return clusterAwareConnection(redis ?? DEFAULT_REDIS_URL);
}

/** The slot → master map, or undefined when the server is not a Cluster. */
async function slotRanges(redis: RedisConnectionOption) {
  if (typeof redis === "string") return undefined;
  const { client } = createClient(redis);
  try {
    return await readSlotRanges(client);
  } finally {
    await closeClient(client);
  }
}

export function registerShardsCommands(program: Command): void {
  const shards = program.command("shards").description("shards of a Resque on Redis Cluster: plan tags on different masters, show every shard (docs/sharding.md)");

  addConnectionOptions(shards.command("plan"))
    .description("pick shard namespaces whose hash tags land on different masters of the Cluster as it is now")
    .requiredOption("--count <n>", "how many shards (more than masters keeps the balance when masters are added)")
    .option("--base <name>", "tag base: namespaces are {<base>-N}", "resque")
    .option("--json", "print one JSON document")
    .addHelpText("after", "\nExamples:\n  $ resque shards plan --redis redis://10.0.0.5:7000 --count 6   # six shards, two per master of a 3-master Cluster\n")
    .action(async (options: { redis?: string; count: string; base: string; json?: boolean }) => {
      const wanted = Number(options.count);
      if (!Number.isInteger(wanted) || wanted < 1) throw new UsageError(`--count is a whole number of at least 1, got ${JSON.stringify(options.count)}.`);
      const redis = await connection(options);
      const ranges = await slotRanges(redis);
      if (!ranges) throw new UsageError("--redis must point at a node of a Redis Cluster (cluster_enabled:1): shard tags are planned from its slot map.");
      const plan = planShardTags(ranges, wanted, options.base);
      const out = new Output(Boolean(options.json));
      if (out.json) {
        out.data({ shards: plan });
        return;
      }
      out.table(
        [{ header: "NAMESPACE" }, { header: "SLOT", right: true }, { header: "MASTER" }],
        plan.map((s) => [s.namespace, String(s.slot), s.master]),
      );
      out.line();
      out.line(`new Resque({ redis: { cluster: [...] }, shards: { namespaces: ${JSON.stringify(plan.map((s) => s.namespace))} } })`);
    });

  addConnectionOptions(shards.command("status"))
    .description("each shard's slot, master, queues, workers and totals, and the totals summed over the shards")
    .requiredOption("--shards <namespaces>", 'the shard namespaces, comma-separated, e.g. "{resque-1},{resque-2},{resque-3}"')
    .option("--json", "print one JSON document")
    .option("--connect-timeout <seconds>", "give up when Redis does not answer within this time", "5")
    .action(async (options: { redis?: string; shards: string; json?: boolean; connectTimeout: string }) => {
      const namespaces = options.shards.split(",").map((n) => n.trim()).filter((n) => n !== "");
      if (namespaces.length === 0) throw new UsageError('--shards lists the shard namespaces, e.g. "{resque-1},{resque-2}".');
      const redis = await connection(options);
      const ranges = await slotRanges(redis);
      const admins = namespaces.map((namespace) => new Admin({ redis, namespace, name: `shard ${namespace}`, connectionTimeout: Number(options.connectTimeout) || 5 }));
      try {
        const rows = await Promise.all(
          admins.map(async (admin, i) => {
            const namespace = namespaces[i]!;
            const overview = await admin.overview();
            const slot = keySlot(`${namespace}:`);
            return {
              namespace,
              slot,
              master: ranges ? (masterOfSlot(ranges, slot) ?? null) : null,
              queues: overview.queues.map((q) => ({ name: q.name, size: q.size })),
              pending: overview.queues.reduce((sum, q) => sum + q.size, 0),
              workers: overview.workers.length,
              working: overview.running.length,
              failedEntries: overview.failed.count,
              processed: overview.totals.processed,
              failed: overview.totals.failed,
            };
          }),
        );
        const sum = (pick: (row: (typeof rows)[number]) => number) => rows.reduce((total, row) => total + pick(row), 0);
        const totals = {
          pending: sum((r) => r.pending),
          workers: sum((r) => r.workers),
          working: sum((r) => r.working),
          failedEntries: sum((r) => r.failedEntries),
          processed: sum((r) => r.processed),
          failed: sum((r) => r.failed),
        };
        const masters = new Set(rows.map((r) => r.master).filter((m) => m !== null));
        const out = new Output(Boolean(options.json));
        if (out.json) {
          out.data({ shards: rows, totals });
          return;
        }
        out.table(
          [{ header: "SHARD" }, { header: "SLOT", right: true }, { header: "MASTER" }, { header: "QUEUES" }, { header: "PENDING", right: true }, { header: "WORKERS", right: true }, { header: "PROCESSED", right: true }, { header: "FAILED", right: true }],
          [
            ...rows.map((r) => [r.namespace, String(r.slot), r.master ?? "-", r.queues.map((q) => `${q.name} (${count(q.size)})`).join(", "), count(r.pending), `${count(r.workers)} (${count(r.working)} working)`, count(r.processed), count(r.failed)]),
            ["all shards", "", "", "", count(totals.pending), `${count(totals.workers)} (${count(totals.working)} working)`, count(totals.processed), count(totals.failed)],
          ],
        );
        if (ranges && masters.size < Math.min(rows.length, new Set(ranges.map((r) => r.master)).size)) {
          out.line(out.c.yellow(`${rows.length} shards share ${masters.size} of the Cluster's masters; \`resque shards plan\` picks tags on different masters (docs/sharding.md).`));
        }
      } finally {
        await Promise.all(admins.map((a) => a.close()));
      }
    });

  addConnectionOptions(shards.command("move"))
    .description("move the waiting and delayed jobs of a queue from one shard to another, in batches; a job is never lost nor left on both (docs/sharding.md)")
    .argument("<queue>", "the queue to move")
    .requiredOption("--from <namespace>", "the shard that holds the jobs now")
    .requiredOption("--to <namespace>", "the shard that owns the queue in the new configuration")
    .option("--batch <n>", "jobs per batch", "500")
    .option("--json", "print one JSON document")
    .addHelpText(
      "after",
      "\nMoves the queue's delayed jobs to the schedule of --to (same due times), then its waiting jobs to the\n" +
        "back of the queue on --to. Run it after the producers use the new assignment. A move that stops\n" +
        "half-way is finished by the next.\n" +
        '\nExamples:\n  $ resque shards move mail --from "{resque-1}" --to "{resque-3}" --redis redis://10.0.0.5:7000\n',
    )
    .action(async (queue: string, options: { redis?: string; from: string; to: string; batch: string; json?: boolean }) => {
      const batchSize = Number(options.batch);
      if (!Number.isInteger(batchSize) || batchSize < 1) throw new UsageError(`--batch is a whole number of at least 1, got ${JSON.stringify(options.batch)}.`);
      if (options.from === options.to) throw new UsageError("--from and --to name the same shard.");
      const redis = await connection(options);
      const from = new Admin({ redis, namespace: options.from, name: `shard ${options.from}` });
      const to = new Admin({ redis, namespace: options.to, name: `shard ${options.to}` });
      try {
        // Delayed first: an item the old shard's scheduler promotes meanwhile is then a waiting job the second pass takes.
        const delayed = await moveDelayedJobs(storeOf(from), storeOf(to), queue);
        const before = await from.queues.size(queue);
        const result = await moveWaitingJobs(storeOf(from), storeOf(to), queue, { batchSize });
        const left = await from.queues.size(queue);
        const out = new Output(Boolean(options.json));
        if (out.json) {
          out.data({ queue, from: options.from, to: options.to, moved: result.moved, batches: result.batches, delayedMoved: delayed.moved, leftOnSource: left });
          return;
        }
        out.line(`moved ${count(result.moved)} job${result.moved === 1 ? "" : "s"} of ${queue} from ${options.from} to ${options.to} in ${count(result.batches)} batch${result.batches === 1 ? "" : "es"} (${count(before)} were waiting)`);
        out.line(`moved ${count(delayed.moved)} delayed job${delayed.moved === 1 ? "" : "s"} of ${queue} to the schedule of ${options.to}`);
        if (left > 0) out.line(out.c.yellow(`${count(left)} arrived on ${options.from} meanwhile (producers with the old assignment?); run the move again once they stop.`));
      } finally {
        await Promise.all([from.close(), to.close()]);
      }
    });
}
