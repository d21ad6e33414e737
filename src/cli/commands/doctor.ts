/**
 * `resque doctor`: checks a Resque's setup and data for what commonly goes wrong — Redis reachable
 * and recent enough, an eviction policy that cannot drop queues, a Cluster namespace without hash
 * tag, clock skew between this host and Redis, stale workers, queues nobody works, no scheduler
 * while delayed jobs wait, payloads that cannot run, and (with --require) job classes no module
 * provides. Exit 0 when nothing failed (warnings allowed; --strict fails on them too), else 1.
 */
import type { Command } from "commander";
import type { Admin } from "../../admin/index.js";
import type { Overview } from "../../admin/overview.js";
import type { RedisInfo } from "../../admin/redis-health.js";
import { jobNameOf } from "../../job/job.js";
import { RedisUnavailableError } from "../../errors.js";
import { adminCommand, withAdmin } from "../kit/admin-command.js";
import { wholeNumber } from "../kit/arguments.js";
import { EXIT } from "../kit/exit-codes.js";
import { count, duration, plural } from "../kit/format.js";
import { loadModules } from "../load-modules.js";
import { hashTagOf } from "../../redis/hash-slot.js";

type Status = "ok" | "warn" | "fail" | "skip";

interface Check {
  name: string;
  status: Status;
  message: string;
  /** Items behind the message (worker ids, queue → counts), for --json and the detail lines. */
  details: string[];
}

/** Redis 6.2 added commands the scripts use (LPOP with a count, SET … GET). */
const MIN_VERSION = [6, 2] as const;
/** Clock skew above these is worth a warning / a failure. */
const SKEW_WARN_MS = 2000;
const SKEW_FAIL_MS = 60_000;
/** Ruby's prune threshold; resque-ts workers are stale after 4 heartbeat intervals plus a second (as pruning judges them). */
const FOREIGN_STALE_MS = 300_000;
const READ_CHUNK = 1000;

export function registerDoctorCommand(program: Command): void {
  adminCommand(program, "doctor", "check Redis, workers, queues and payloads for common problems", [
    ["resque doctor", "every check"],
    ["resque doctor --require ./dist/jobs.js", "also: job classes in the queues that no module provides"],
    ["resque doctor --sample 0 --json", "read every job of every queue; JSON for scripts"],
  ])
    .option("-r, --require <module...>", "modules exporting your job classes (or a configured Resque), to find jobs no worker can run")
    .option("--sample <n>", "jobs read per queue when looking at payloads (0 = all)", "10000")
    .option("--strict", "exit 1 on warnings too")
    .action(
      withAdmin<{ require?: string[]; sample: string; strict?: boolean }>(async ({ admin, out, options, namespace }) => {
        const sample = wholeNumber(options.sample, "--sample", 10_000);
        const known = options.require ? await jobNames(options.require) : undefined;
        const checks = await diagnose(admin, namespace, known, sample);
        const failed = checks.some((c) => c.status === "fail") || (options.strict && checks.some((c) => c.status === "warn"));
        if (out.json) out.data({ ok: !failed, checks });
        else {
          const mark: Record<Status, string> = { ok: out.c.green("✓"), warn: out.c.yellow("!"), fail: out.c.red("✗"), skip: out.c.dim("-") };
          const width = Math.max(...checks.map((c) => c.name.length));
          for (const check of checks) {
            out.line(`${mark[check.status]} ${check.name.padEnd(width)}  ${check.message}`);
            for (const detail of check.details) out.line(`  ${" ".repeat(width)}    ${out.c.dim(detail)}`);
          }
          const counts = (s: Status) => checks.filter((c) => c.status === s).length;
          out.line();
          out.line(`${counts("fail")} failed, ${counts("warn")} ${counts("warn") === 1 ? "warning" : "warnings"}, ${counts("ok")} ok${counts("skip") ? `, ${counts("skip")} skipped` : ""}`);
        }
        return failed ? EXIT.failure : EXIT.ok;
      }),
    );
}

/** The job class names the --require'd modules provide. */
async function jobNames(modules: readonly string[]): Promise<Set<string>> {
  const loaded = await loadModules(modules);
  const names = new Set(loaded.jobs.map((job) => jobNameOf(job)));
  if (loaded.resque) {
    for (const name of loaded.resque.registry.names()) names.add(name);
    await loaded.resque.close();
  }
  return names;
}

async function diagnose(admin: Admin, namespace: string, knownClasses: Set<string> | undefined, sample: number): Promise<Check[]> {
  const checks: Check[] = [];
  const add = (name: string, status: Status, message: string, details: string[] = []) => checks.push({ name, status, message, details });
  let info: RedisInfo;
  const started = Date.now();
  try {
    info = await admin.redis.info();
  } catch (error) {
    if (!(error instanceof RedisUnavailableError)) throw error;
    add("redis", "fail", error.message);
    for (const name of ["version", "eviction", "cluster", "clock", "workers", "queues", "scheduler", "payloads", "job-classes"]) add(name, "skip", "Redis is unreachable");
    return checks;
  }
  add("redis", "ok", `reachable (${admin.name}, answered in ${duration(Date.now() - started)})`);
  checkVersion(info, add);
  checkEviction(info, add);
  checkCluster(info, namespace, add);
  // The checks below read the namespace's data; one that cannot (a Cluster node refusing a key of
  // another slot) fails with its error and the others still run.
  const guard = async (names: string[], check: () => Promise<void> | void) => {
    try {
      await check();
    } catch (error) {
      for (const name of names) add(name, "fail", `could not check: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  await guard(["clock"], () => checkClock(admin, add));
  let overview: Overview | undefined;
  await guard(["workers", "queues", "scheduler"], async () => {
    overview = await admin.overview();
    checkWorkers(overview, add);
    checkQueues(overview, add);
    checkScheduler(overview, add);
  });
  if (overview) await guard(["payloads"], () => checkPayloads(admin, overview!, knownClasses, sample, add));
  else for (const name of ["payloads", "job-classes"]) add(name, "skip", "the queues could not be read");
  return checks;
}

type Add = (name: string, status: Status, message: string, details?: string[]) => void;

function checkVersion(info: RedisInfo, add: Add): void {
  const [major = 0, minor = 0] = info.version.split(".").map(Number);
  const recent = major > MIN_VERSION[0] || (major === MIN_VERSION[0] && minor >= MIN_VERSION[1]);
  if (recent) add("version", "ok", `Redis ${info.version}`);
  else add("version", "fail", `Redis ${info.version || "(unknown)"} is too old: resque-ts needs ${MIN_VERSION.join(".")} or newer`);
}

function checkEviction(info: RedisInfo, add: Add): void {
  const policy = info.maxMemoryPolicy || "(unknown)";
  if (info.evictsAnyKey) add("eviction", "fail", `maxmemory-policy ${policy} lets Redis drop queues and failed jobs under memory pressure; set it to noeviction`);
  else if (info.evictsKeysWithTtl) add("eviction", "warn", `maxmemory-policy ${policy} lets Redis drop keys with a TTL (history, retry copies, schedule markers); prefer noeviction`);
  else add("eviction", "ok", `maxmemory-policy ${policy}`);
}

function checkCluster(info: RedisInfo, namespace: string, add: Add): void {
  if (info.mode !== "cluster" && !info.clusterEnabled) {
    add("cluster", "ok", "not a Redis Cluster");
    return;
  }
  if (hashTagOf(namespace) !== undefined) {
    add("cluster", "ok", `Redis Cluster; namespace "${namespace}" keeps every key in one slot`);
    return;
  }
  const suggestion = `{${namespace.replace(/[{}:]/g, "") || "resque"}}`;
  add(
    "cluster",
    "fail",
    `Redis Cluster, and namespace "${namespace}" has no hash tag: its keys spread over slots and scripts fail half-way. Use a namespace such as "${suggestion}" (--namespace '${suggestion}', RESQUE_NAMESPACE; Ruby: Resque.redis.namespace = "${suggestion}")`,
  );
}

async function checkClock(admin: Admin, add: Add): Promise<void> {
  const before = Date.now();
  const redisNow = (await admin.redis.time()).getTime();
  const after = Date.now();
  // Redis read its clock somewhere within the round trip: compare with its middle.
  const skew = redisNow - (before + after) / 2;
  const uncertainty = (after - before) / 2;
  const text = `this host's clock is ${duration(Math.abs(skew))} ${skew > 0 ? "behind" : "ahead of"} Redis' (±${duration(uncertainty)})`;
  const size = Math.abs(skew) - uncertainty;
  if (size > SKEW_FAIL_MS) add("clock", "fail", `${text}: delayed jobs run early or late and Ruby workers misjudge heartbeats; sync the clocks (NTP)`);
  else if (size > SKEW_WARN_MS) add("clock", "warn", `${text}: delayed jobs enqueued here are due off by as much; sync the clocks (NTP)`);
  else add("clock", "ok", `in step with Redis (${skew >= 0 ? "+" : "-"}${duration(Math.abs(skew))})`);
}

function checkWorkers(overview: Overview, add: Add): void {
  const stale = overview.workers.filter((w) => {
    if (w.heartbeatAgeMs === undefined) return false;
    const limit = w.heartbeatIntervalSeconds !== undefined ? w.heartbeatIntervalSeconds * 4000 + 1000 : FOREIGN_STALE_MS;
    return w.heartbeatAgeMs > limit;
  });
  if (overview.workers.length === 0) add("workers", "warn", "no worker is registered");
  else if (stale.length > 0) {
    add(
      "workers",
      "warn",
      `${plural(stale.length, "worker")} of ${count(overview.workers.length)} sent no heartbeat for too long (dead, or blocked); a running worker's pruning requeues their jobs`,
      stale.map((w) => `${w.id}: last heartbeat ${duration(w.heartbeatAgeMs)} ago${w.job ? `, holding ${w.job.class} from ${w.job.queue}` : ""}`),
    );
  } else add("workers", "ok", `${plural(overview.workers.length, "worker")}, all with a recent heartbeat`);
}

function checkQueues(overview: Overview, add: Add): void {
  const orphaned = overview.queues.filter((q) => q.size > 0 && q.workers.length === 0);
  if (orphaned.length > 0) {
    add(
      "queues",
      "warn",
      `${plural(orphaned.length, "queue")} with jobs and no worker taking from them`,
      orphaned.map((q) => `${q.name}: ${plural(q.size, "job")} waiting`),
    );
  } else add("queues", "ok", `${plural(overview.queues.length, "queue")}; every queue with jobs has a worker`);
}

function checkScheduler(overview: Overview, add: Add): void {
  const { leader, delayedTimestamps, dueTimestamps } = overview.scheduler;
  if (leader) add("scheduler", "ok", `leader ${leader.holder}`);
  else if (dueTimestamps > 0) add("scheduler", "fail", `no scheduler is running, and delayed jobs of ${plural(dueTimestamps, "time")} are due: start resque-scheduler`);
  else if (delayedTimestamps > 0) add("scheduler", "warn", "no scheduler is running: delayed jobs and retries will not be enqueued when due");
  else add("scheduler", "ok", "no scheduler is running, and no delayed job waits");
}

/** Reads the jobs of every queue (up to `sample` each): payloads that cannot run, and classes no module provides. */
async function checkPayloads(admin: Admin, overview: Overview, known: Set<string> | undefined, sample: number, add: Add): Promise<void> {
  const malformed: string[] = [];
  const unknown = new Map<string, Map<string, number>>();
  let read = 0;
  let partial = false;
  for (const { name: queue, size } of overview.queues) {
    const limit = sample === 0 ? Infinity : sample;
    if (size > limit) partial = true;
    let bad = 0;
    let firstError: string | undefined;
    for (let start = 0; start < limit; start += READ_CHUNK) {
      const jobs = await admin.queues.peek(queue, { start, count: Math.min(READ_CHUNK, limit - start) });
      read += jobs.length;
      for (const job of jobs) {
        if (job.error) {
          bad++;
          firstError ??= `position ${job.index}: ${job.error}`;
        } else if (known && !known.has(job.class)) {
          const classes = unknown.get(queue) ?? new Map<string, number>();
          classes.set(job.class, (classes.get(job.class) ?? 0) + 1);
          unknown.set(queue, classes);
        }
      }
      if (jobs.length < READ_CHUNK) break;
    }
    if (bad > 0) malformed.push(`${queue}: ${plural(bad, "payload")} that cannot run (first at ${firstError})`);
  }
  const scope = `${plural(read, "job")} read${partial ? ` (the first ${count(sample)} of each queue; --sample 0 reads all)` : ""}`;
  if (malformed.length > 0) add("payloads", "warn", `payloads that cannot run (workers fail them with their bytes kept); ${scope}`, malformed);
  else add("payloads", "ok", `every payload is a runnable job; ${scope}`);

  if (!known) {
    add("job-classes", "skip", "give --require <modules> to find job classes no module provides");
    return;
  }
  if (unknown.size === 0) {
    add("job-classes", "ok", `every class in the queues is provided (${plural(known.size, "class", "classes")} loaded)`);
    return;
  }
  const details = [...unknown].flatMap(([queue, classes]) => [...classes].sort((a, b) => b[1] - a[1]).map(([name, n]) => `${queue}: ${name} × ${count(n)}`));
  add("job-classes", "fail", `jobs of classes no --require'd module provides (a worker loading only these modules fails them as unknown); ${scope}`, details);
}
