/**
 * Runs the onDirtyExit hooks of jobs whose worker died while running them, after pruning (or a
 * pool's master) settled them in Redis. Their own process cannot release what the run held (a
 * lock, a concurrency slot, a "working" status), so the process that found them does.
 */
import { decodePayload } from "../job/payload.js";
import type { Logger } from "../logger.js";
import type { SettledJob } from "../redis/stores/worker-store.js";
import type { Resque } from "../resque.js";
import { jobHooks, runHook } from "./hooks.js";
import type { DirtyExitContext } from "./plugin.js";

/** Each job's hooks run in order; a failing hook is logged and the others still run. */
export async function runDirtyExitHooks(resque: Resque, settled: readonly SettledJob[], logger: Logger): Promise<void> {
  for (const job of settled) {
    const decoded = decodePayload(job.payload);
    // A job this process has no class for has no hooks to run here.
    const JobClass = decoded.ok ? resque.registry.get(decoded.className) : undefined;
    if (!decoded.ok || !JobClass) continue;
    let hooks;
    try {
      hooks = jobHooks(JobClass, resque.plugins).onDirtyExit;
    } catch {
      continue; // its plugins cannot be built; the job itself failed or was requeued already
    }
    if (hooks.length === 0) continue;
    const context: DirtyExitContext = {
      jobName: decoded.className,
      queue: job.queue,
      args: decoded.args,
      payload: job.payload,
      workerId: job.workerId,
      outcome: job.outcome,
      job: JobClass,
      resque,
      logger,
    };
    for (const hook of hooks) {
      try {
        await runHook(hook, [context]);
      } catch (error) {
        logger.error({ err: error, hook: hook.label, worker: job.workerId }, "onDirtyExit hook failed");
      }
    }
  }
}
