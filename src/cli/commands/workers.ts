/**
 * Worker commands: `workers`, `working`, and remote control through Redis (`pause`, `resume`,
 * `stop`, `kill`). A control target is exactly one of --all, --host or --worker; an empty value
 * is a usage error and a target that covers no registered worker sends nothing (exit 3).
 */
import type { Command } from "commander";
import type { Admin } from "../../admin/index.js";
import type { WorkerInfo } from "../../admin/workers.js";
import type { ControlTarget } from "../../worker/control.js";
import { adminCommand, withAdmin } from "../kit/admin-command.js";
import { NothingMatchedError, UsageError } from "../kit/exit-codes.js";
import { args as showArgs, count, duration, plural } from "../kit/format.js";
import { workerJson } from "../kit/json-shapes.js";

type Action = "pause" | "resume" | "stop" | "kill";

const ACTIONS: Record<Action, { description: string; done: string }> = {
  pause: { description: "pause workers: running jobs finish, no new ones start (kept in Redis until resume)", done: "paused" },
  resume: { description: "resume paused workers", done: "resumed" },
  stop: { description: "ask worker processes to finish their running jobs and exit (like QUIT)", done: "sent stop to" },
  kill: { description: "ask worker processes to stop now and requeue their running jobs (like TERM)", done: "sent kill to" },
};

export function registerWorkerCommands(program: Command): void {
  adminCommand(program, "workers", "list registered workers (resque-ts, Ruby and node-resque) with their state and job", [
    ["resque workers", "every worker"],
    ["resque workers --host web1", "the workers of one host"],
  ])
    .option("--host <name>", "only the workers of this host")
    .action(
      withAdmin<{ host?: string }>(async ({ admin, out, options }) => {
        if (options.host !== undefined && options.host.trim() === "") throw new UsageError("--host must not be empty.");
        const workers = (await admin.workers.list()).filter((w) => options.host === undefined || w.host === options.host);
        if (out.json) out.data({ workers: workers.map(workerJson) });
        else if (workers.length === 0) out.line(options.host === undefined ? "No workers are registered." : `No workers on host "${options.host}".`);
        else {
          out.table(
            [
              { header: "WORKER" },
              { header: "KIND" },
              { header: "STATE" },
              { header: "HEARTBEAT", right: true },
              { header: "PROCESSED", right: true },
              { header: "FAILED", right: true },
              { header: "JOB", shrink: true },
            ],
            workers.map((w) => [
              w.id,
              w.kind,
              w.state === "working" ? out.c.green(w.state) : w.state === "paused" ? out.c.yellow(w.state) : w.state,
              w.heartbeatAgeMs === undefined ? "-" : `${duration(w.heartbeatAgeMs)} ago`,
              count(w.processed),
              count(w.failed),
              w.job ? `${w.job.class} on ${w.job.queue}` : "",
            ]),
          );
        }
        return workers.length === 0 && options.host !== undefined ? 3 : 0;
      }),
    );

  adminCommand(program, "working", "list the jobs running now, longest first", [["resque working", "what every busy worker is doing"]]).action(
    withAdmin(async ({ admin, out }) => {
      const working = (await admin.workers.working()).sort((a, b) => (b.job?.runningForMs ?? 0) - (a.job?.runningForMs ?? 0));
      if (out.json) {
        out.data({ working: working.map(workerJson) });
        return;
      }
      if (working.length === 0) {
        out.line("No job is running.");
        return;
      }
      out.table(
        [{ header: "WORKER" }, { header: "QUEUE" }, { header: "CLASS" }, { header: "RUNNING FOR", right: true }, { header: "ARGS", shrink: true }],
        working.map((w) => [w.id, w.job!.queue, w.job!.class, duration(w.job!.runningForMs), showArgs(w.job!.args)]),
      );
    }),
  );

  for (const action of ["pause", "resume", "stop", "kill"] as const) {
    adminCommand(program, action, ACTIONS[action].description, [
      [`resque ${action} --host web1`, `the workers on host web1`],
      [`resque ${action} --worker 'web1+3:4242:mail'`, "the process owning that worker id (all its slots)"],
      [`resque ${action} --all`, action === "pause" ? "every worker, Ruby's too (pause-all-workers)" : "every worker"],
    ])
      .option("--all", "every worker (pause/resume --all use Ruby Resque's pause-all-workers switch)")
      .option("--host <name>", "the workers on one host")
      .option("--worker <id>", "the process owning this worker id")
      .option("--dry-run", "only show which workers it would reach")
      .action(
        withAdmin<{ all?: boolean; host?: string; worker?: string; dryRun?: boolean }>(async ({ admin, out, options }) => {
          const target = controlTarget(options);
          const covered = await coveredWorkers(admin, target, action);
          const what = describeTarget(target);
          if (options.dryRun) {
            if (out.json) out.data({ action, target, dryRun: true, workers: covered, processes: null });
            else out.line(`Would ${action} ${what}: ${covered.length === 0 ? "no registered worker" : covered.join(", ")} (dry run: nothing sent)`);
            return;
          }
          const result = await admin.workers[action](target);
          if (out.json) {
            out.data({ action, target, dryRun: false, workers: result.workers, processes: result.processes });
            return;
          }
          const reach = action === "stop" || action === "kill" ? ` (${plural(result.processes, "process", "processes")} listening)` : "";
          out.line(`${ACTIONS[action].done} ${what}${reach}`);
        }),
      );
  }
}

/** Exactly one of --all, --host or --worker, none empty. */
export function controlTarget(options: { all?: boolean; host?: string; worker?: string }): ControlTarget {
  for (const flag of ["host", "worker"] as const) {
    if (options[flag] !== undefined && options[flag].trim() === "") throw new UsageError(`--${flag} must not be empty: say which ${flag === "host" ? "host" : "worker id"}; use --all for every worker.`);
  }
  const given = [options.all, options.host, options.worker].filter((v) => v !== undefined && v !== false).length;
  if (given !== 1) throw new UsageError("Say which workers: exactly one of --all, --host <name> or --worker <id>.");
  if (options.host !== undefined) return { host: options.host };
  if (options.worker !== undefined) return { worker: options.worker };
  return { all: true };
}

/**
 * The registered workers a target covers (a worker id covers every slot of its process). A host
 * or worker that covers none is refused (exit 3), except resuming a paused host or worker whose
 * workers are gone: that clears the pause kept in Redis.
 */
async function coveredWorkers(admin: Admin, target: ControlTarget, action: Action): Promise<string[]> {
  if ("all" in target) return (await admin.workers.list()).map((w) => w.id);
  const workers = await admin.workers.list();
  let covered: WorkerInfo[];
  if ("host" in target) {
    covered = workers.filter((w) => w.host === target.host);
  } else {
    const owner = workers.find((w) => w.id === target.worker);
    covered = owner ? workers.filter((w) => w.host === owner.host && w.pid === owner.pid) : [];
  }
  if (covered.length > 0) return covered.map((w) => w.id);
  if (action === "resume") {
    const key = "host" in target ? `host:${target.host}` : `worker:${target.worker}`;
    if ((await admin.workers.paused()).targets.includes(key)) return [];
  }
  const hosts = [...new Set(workers.map((w) => w.host))];
  throw new NothingMatchedError(
    "host" in target
      ? `No registered worker runs on host "${target.host}"; nothing was sent. Hosts with workers: ${hosts.map((h) => `"${h}"`).join(", ") || "none"}.`
      : `No registered worker has the id "${target.worker}"; nothing was sent. See resque workers for the ids.`,
  );
}

function describeTarget(target: ControlTarget): string {
  if ("host" in target) return `workers on host ${target.host}`;
  if ("worker" in target) return `worker ${target.worker}`;
  return "all workers";
}
