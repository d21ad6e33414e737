/**
 * The Cluster scenario of `npm run bench`: resque-ts on a local 3-master Redis Cluster with one
 * shard against three (bench/cluster.ts, also `npm run bench:cluster`). It compares resque-ts
 * with itself, so it runs in its own process with its own Cluster and writes its own report,
 * bench/cluster-results.md (cluster-results-quick.md with --quick); results.md points to it.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { BenchContext } from "../context.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

export async function runClusterShards(ctx: BenchContext): Promise<void> {
  if (!ctx.config.libraries.includes("resque-ts")) return;
  ctx.log("Cluster shards: one shard against three on a local 3-master Cluster (bench/cluster-results.md)");
  const env = {
    ...process.env,
    BENCH_JOBS: String(ctx.config.quick ? 3_000 : 30_000),
    BENCH_ROUNDS: String(ctx.config.quick ? 1 : 3),
    BENCH_CLUSTER_OUTPUT: ctx.config.quick ? "./cluster-results-quick.md" : "./cluster-results.md",
  };
  execFileSync(process.execPath, ["--import", "tsx", "bench/cluster.ts"], { cwd: root, env, stdio: ["ignore", "inherit", "inherit"] });
}
