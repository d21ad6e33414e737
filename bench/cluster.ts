/**
 * Cluster shards benchmark (`npm run bench:cluster`): on a local 3-master Redis Cluster, drain
 * 30,000 jobs from 3 queues once with one shard (the whole namespace in one slot, as a Cluster
 * deployment without shards) and once with 3 shards planned onto the 3 masters, one queue each.
 * Two worker fleets, the same for both layouts: "per queue" (one worker per queue, `concurrency`
 * slots each, as a deployment that scales workers with its queues runs them) and "combined" (one
 * worker taking from all three queues with `concurrency` slots in total: sharded, its slots are
 * shared by the shards, so each shard's work cycles carry a third of the batch).
 * Reports per master: Redis CPU (INFO cpu, used_cpu_sys + used_cpu_user), commands (INFO
 * commandstats, script-inner commands included), script calls, cross-slot errors (INFO
 * errorstats); and the drain throughput. Rounds alternate the order of the setups, so drift of a
 * shared machine hits all alike. Writes bench/cluster-results.md.
 *
 *   BENCH_JOBS=30000 BENCH_ROUNDS=2 BENCH_CONCURRENCY=50 npm run bench:cluster
 *   BENCH_CLUSTER_OUTPUT=./cluster-results-quick.md ...   another report file (relative to bench/)
 */
import { writeFileSync } from "node:fs";
import { Redis } from "ioredis";
import { pino } from "pino";
import { Job, planShards, Resque } from "../src/index.js";
import { ClusterSetup } from "../test/helpers/redis-topologies.js";
import { machineDescription } from "./versions.js";

const JOBS = Number(process.env.BENCH_JOBS ?? 30_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const QUEUES = ["q1", "q2", "q3"];

class Noop extends Job<[number]> {
  static override queue = "q1";
  perform(): void {}
}

interface NodeSample {
  node: string;
  cpuMs: number;
  calls: number;
  /** Script calls (EVALSHA/EVAL): round trips of work cycles and other scripts. */
  scripts: number;
  crossSlot: number;
}

type Layout = "1 shard" | "3 shards";
type Fleet = "per queue" | "combined" | "combined, per shard";

interface Run {
  setup: Layout;
  fleet: Fleet;
  round: number;
  seconds: number;
  nodes: NodeSample[];
}

function field(info: string, name: string): number {
  const match = new RegExp(`^${name}:([\\d.]+)`, "m").exec(info);
  return match ? Number(match[1]) : 0;
}

async function sample(nodes: Redis[]): Promise<NodeSample[]> {
  return Promise.all(
    nodes.map(async (node) => {
      const info = await node.info("all");
      let calls = 0;
      let scripts = 0;
      for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
        if (!/^(info|config|cluster|flushall|ping|client|hello|command)(\||$)/.test(match[1]!)) calls += Number(match[2]);
        if (/^eval(sha)?$/.test(match[1]!)) scripts += Number(match[2]);
      }
      return {
        node: `${node.options.host}:${node.options.port}`,
        cpuMs: (field(info, "used_cpu_sys") + field(info, "used_cpu_user")) * 1000,
        calls,
        scripts,
        crossSlot: Number(/^errorstat_CROSSSLOT:count=(\d+)/m.exec(info)?.[1] ?? 0),
      };
    }),
  );
}

async function drain(setup: ClusterSetup, nodes: Redis[], which: Layout, fleet: Fleet, round: number, shardNamespaces: string[]): Promise<Run> {
  const logger = pino({ level: "silent" });
  const cluster = { cluster: setup.addresses };
  const resque =
    which === "1 shard"
      ? new Resque({ redis: cluster, namespace: "{resque}", jobs: [Noop], logger })
      : new Resque({ redis: cluster, shards: { namespaces: shardNamespaces, queues: Object.fromEntries(QUEUES.map((q, i) => [q, shardNamespaces[i]!])) }, jobs: [Noop], logger });
  try {
    const perQueue = Math.ceil(JOBS / QUEUES.length);
    for (const queue of QUEUES) {
      for (let start = 0; start < perQueue; start += 1000) {
        await resque.enqueueBulk(Noop, Array.from({ length: Math.min(1000, perQueue - start) }, (_, i) => [start + i] as [number]), { queue });
      }
    }
    await Promise.all(nodes.map((n) => n.config("RESETSTAT")));
    const before = await sample(nodes);
    const began = performance.now();
    const workers =
      fleet !== "per queue"
        ? [resque.worker({ queues: QUEUES, concurrency: CONCURRENCY, interval: 0, processTitle: false, concurrencyPerShard: fleet === "combined, per shard" })]
        : QUEUES.map((queue) => resque.worker({ queues: [queue], concurrency: CONCURRENCY, interval: 0, processTitle: false }));
    await Promise.all(workers.map((w) => w.start()));
    await Promise.all(workers.map((w) => w.stopped));
    const seconds = (performance.now() - began) / 1000;
    const after = await sample(nodes);
    const totals = await resque.shardTotals();
    if (totals.processed !== perQueue * QUEUES.length || totals.failed !== 0) throw new Error(`expected ${perQueue * QUEUES.length} processed, got ${JSON.stringify(totals)}`);
    return {
      setup: which,
      fleet,
      round,
      seconds,
      nodes: after.map((a, i) => ({ node: a.node, cpuMs: a.cpuMs - before[i]!.cpuMs, calls: a.calls, scripts: a.scripts, crossSlot: a.crossSlot })),
    };
  } finally {
    await resque.close();
    await Promise.all(nodes.map((n) => n.flushall()));
  }
}

function render(runs: Run[], shardNamespaces: string[], masters: string[]): string {
  const lines: string[] = [];
  const jobs = Math.ceil(JOBS / QUEUES.length) * QUEUES.length;
  const cpu = (run: Run) => run.nodes.reduce((s, n) => s + n.cpuMs, 0);
  const maxCpu = (run: Run) => Math.max(...run.nodes.map((n) => n.cpuMs));
  const maxCalls = (run: Run) => Math.max(...run.nodes.map((n) => n.calls));
  const rate = (run: Run) => Math.round(jobs / run.seconds).toLocaleString("en");
  lines.push("# Cluster shards: one shard versus three on a 3-master Redis Cluster", "");
  lines.push(
    `Run ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC with \`npm run bench:cluster\`: drain ${jobs.toLocaleString("en")} no-op jobs from ${QUEUES.length} queues ` +
      `(${(jobs / QUEUES.length).toLocaleString("en")} each), ${ROUNDS} rounds, the order of the setups alternating between rounds. Worker fleets, the same for both layouts: ` +
      `**per queue** = one worker per queue with concurrency ${CONCURRENCY} each; **combined** = one worker on all three queues with concurrency ${CONCURRENCY} in total; ` +
      `**combined, per shard** = the combined worker with \`concurrencyPerShard: true\` (${CONCURRENCY} slots on each shard; on one shard it is the combined worker). ` +
      "All workers run in the benchmark's one Node process.",
    "",
  );
  lines.push(`Machine: ${machineDescription()}. Redis CPU and commands are per master, over the drain only (INFO cpu and commandstats after CONFIG RESETSTAT; commands run inside scripts counted).`, "");
  lines.push(`Shards (planned with \`planShards\`): ${shardNamespaces.map((n, i) => `\`${n}\` → ${masters[i]}`).join(", ")}; q1 on the first, q2 on the second, q3 on the third. One shard: namespace \`{resque}\`.`, "");
  lines.push("## Load per master against the single-shard load", "");
  lines.push(
    "| fleet | round | 1 shard: jobs/s | 3 shards: jobs/s | 1 shard: Redis CPU ms (loaded master) | 3 shards: Redis CPU ms per master | busiest shard CPU ÷ single | busiest shard commands ÷ single | 3 shards: total CPU ÷ single |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  );
  for (const fleet of ["per queue", "combined", "combined, per shard"] as const) {
    for (let round = 1; round <= ROUNDS; round++) {
      const one = runs.find((r) => r.round === round && r.fleet === (fleet === "combined, per shard" ? "combined" : fleet) && r.setup === "1 shard");
      const three = runs.find((r) => r.round === round && r.fleet === fleet && r.setup === "3 shards");
      if (!one || !three) continue;
      lines.push(
        `| ${fleet} | ${round} | ${rate(one)} | ${rate(three)} | ${Math.round(maxCpu(one))} | ${three.nodes.map((n) => Math.round(n.cpuMs)).join(" / ")} | ` +
          `${(maxCpu(three) / maxCpu(one)).toFixed(2)} | ${(maxCalls(three) / maxCalls(one)).toFixed(2)} | ${(cpu(three) / cpu(one)).toFixed(2)} |`,
      );
    }
  }
  lines.push("", "## Every run, per master", "");
  lines.push("| fleet | setup | round | jobs/s | master | Redis CPU ms | share of CPU | commands | share of commands | script calls | CROSSSLOT errors |", "|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|");
  for (const run of runs) {
    const calls = run.nodes.reduce((s, n) => s + n.calls, 0);
    for (const node of run.nodes) {
      lines.push(
        `| ${run.fleet} | ${run.setup} | ${run.round} | ${rate(run)} | ${node.node} | ${Math.round(node.cpuMs)} | ${((100 * node.cpuMs) / cpu(run)).toFixed(1)} % | ` +
          `${node.calls.toLocaleString("en")} | ${((100 * node.calls) / calls).toFixed(1)} % | ${node.scripts.toLocaleString("en")} | ${node.crossSlot} |`,
      );
    }
  }
  lines.push("");
  return lines.join("\n");
}

async function main(): Promise<void> {
  const log = (message: string) => console.error(`[cluster bench] ${message}`);
  const setup = await ClusterSetup.start(3);
  const nodes = setup.addresses.map(({ host, port }) => new Redis(port, host));
  try {
    const plan = await planShards({ redis: { cluster: setup.addresses }, count: 3 });
    const shardNamespaces = plan.map((p) => p.namespace);
    log(`cluster on ${setup.addresses.map((a) => a.port).join(", ")}; shards ${plan.map((p) => `${p.namespace}@${p.master}`).join(", ")}`);
    const runs: Run[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const order: [Layout, Fleet][] = [
        ["1 shard", "per queue"],
        ["3 shards", "per queue"],
        ["1 shard", "combined"],
        ["3 shards", "combined"],
        ["3 shards", "combined, per shard"],
      ];
      for (const [which, fleet] of round % 2 === 1 ? order : order.reverse()) {
        const run = await drain(setup, nodes, which, fleet, round, shardNamespaces);
        log(`round ${round}, ${which}, ${fleet}: ${run.seconds.toFixed(2)} s, CPU ms per master ${run.nodes.map((n) => Math.round(n.cpuMs)).join("/")}, commands ${run.nodes.map((n) => n.calls).join("/")}, script calls ${run.nodes.map((n) => n.scripts).join("/")}`);
        runs.push(run);
      }
    }
    runs.sort((a, b) => a.fleet.localeCompare(b.fleet) * -1 || a.round - b.round || a.setup.localeCompare(b.setup));
    const report = render(runs, shardNamespaces, plan.map((p) => p.master));
    writeFileSync(new URL(process.env.BENCH_CLUSTER_OUTPUT ?? "./cluster-results.md", import.meta.url), report);
    console.log(report);
  } finally {
    await Promise.all(nodes.map((n) => n.quit()));
    await setup.close();
  }
}

await main();
