/** `resque work`: run a worker or a pool (see work-command.ts). */
import type { Command } from "commander";
import { ConfigurationError } from "../../errors.js";
import { addConnectionOptions } from "../connection-options.js";
import { work } from "../work-command.js";

export function registerWorkCommand(program: Command): void {
  addConnectionOptions(program.command("work"))
    .description("run a worker (QUEUE, INTERVAL, VERBOSE, VVERBOSE and REDIS_URL are read from the environment)")
    .option("--queues <list>", "queues in priority order, comma-separated; * for all (env QUEUE / QUEUES)")
    .option("-c, --concurrency <n>", "jobs run at once in each worker process (env THREAD_COUNT or CONCURRENCY)")
    .option("-n, --count <n>", "run a pool: a master forking this many worker processes (env WORKER_COUNT)")
    .option("--jobs-per-fork <n>", "pool: restart a child after this many jobs (env JOBS_PER_FORK)")
    .option("--max-memory <mb>", "pool: restart a child whose RSS goes above this (env MAX_MEMORY)")
    .option("-t, --timeout <seconds>", "default job timeout; a job class's static timeout wins (env JOB_TIMEOUT)")
    .option("-i, --interval <seconds>", "poll interval when idle; 0 exits when the queues are empty (env INTERVAL)")
    .option("-r, --require <module...>", "modules exporting job classes or a configured Resque instance")
    .option("-v, --verbose", "log every job (env VERBOSE)")
    .option("--vverbose", "debug logging (env VVERBOSE)")
    .option("-q, --quiet", "log errors only (env QUIET)")
    .option("--log-format <format>", "pretty or json; default pretty on a terminal, json otherwise (env LOG_FORMAT)")
    .option("--allow-no-jobs", "start even when no job class is loaded (every job then fails as unknown)")
    .allowExcessArguments()
    .action(async (options, command: Command) => {
      if (command.args.length > 0) {
        fail(new ConfigurationError(
          `unexpected argument "${command.args[0]}": resque work takes only options. ` +
            "-q means --quiet in every resque command; give queues with --queues a,b or QUEUE=a,b.",
        ));
      }
      await work(options).catch(fail);
    });
}

/** A worker that cannot start exits 1 whatever the reason (supervisors restart on any failure). */
function fail(error: unknown): never {
  process.stderr.write(`resque: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
  process.exit(1);
}
