#!/usr/bin/env node
/**
 * resque-scheduler: the scheduler daemon. Validates the whole schedule before touching Redis,
 * then runs until TERM, INT or QUIT, when it finishes its current pass and gives up the leader
 * lock so another scheduler can take over at once. A second signal exits immediately.
 */
import { CommanderError } from "commander";
import { JobRegistry } from "../job/registry.js";
import { Resque } from "../resque.js";
import { scheduleContext } from "../scheduler/schedule-config.js";
import { loadScheduleFile } from "../scheduler/schedule-file.js";
import { VERSION } from "../version.js";
import { clusterAware } from "./cluster-target.js";
import { parseSchedulerOptions, type SchedulerCliOptions } from "./scheduler/options.js";
import { loadModules, resqueFor } from "./load-modules.js";
import { watchLauncher } from "./launcher-watch.js";
import { cliLogger, logFormat } from "./logging.js";

function logger(options: SchedulerCliOptions) {
  const level = options.quiet ? "error" : options.verbose ? "debug" : "info";
  const format = logFormat(options.logFormat, options.logfile === undefined && Boolean(process.stdout.isTTY));
  return cliLogger({ level, format, base: { name: "resque-scheduler" }, file: options.logfile });
}

function title(state: string): void {
  process.title = `resque-scheduler-${VERSION}: ${state}`;
}

async function main(): Promise<number> {
  let options: SchedulerCliOptions;
  try {
    options = parseSchedulerOptions(process.argv, process.env);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    throw error;
  }
  title("Starting");
  const loaded = await loadModules(options.require);
  if (options.check) {
    const registry = loaded.resque?.registry ?? new JobRegistry();
    for (const job of loaded.jobs) if (!registry.get(job.jobName ?? job.name)) registry.register(job);
    const context = scheduleContext(registry, { timezone: options.timezone, env: options.environment });
    const schedules = options.schedule ? loadScheduleFile(options.schedule, context) : [];
    process.stdout.write(`${options.schedule ?? "no schedule file"}: ${schedules.length} schedule(s) valid\n`);
    return 0;
  }

  const log = await logger(options);
  if (!options.schedule && !options.dynamic) log.warn("no --schedule file and no --dynamic: only delayed jobs will be moved");
  const connection = loaded.resque ? undefined : await clusterAware({ redis: options.redis, namespace: options.namespace });
  const resque = resqueFor(loaded, () => new Resque({ ...connection, logger: log }));
  let scheduler;
  try {
    // Validates the whole schedule file: a bad entry stops us here, before anything runs.
    scheduler = resque.scheduler({
      ...(options.schedule ? { scheduleFile: options.schedule } : {}),
      dynamic: options.dynamic,
      interval: options.interval,
      lockTimeout: options.lockTimeout,
      lockPrefix: options.lockPrefix,
      batchSize: options.batchSize,
      timezone: options.timezone,
      env: options.environment,
    });
  } catch (error) {
    await resque.close();
    throw error;
  }
  scheduler.on("leader", () => title("Leading"));
  scheduler.on("follower", () => title("Waiting for the leader lock"));

  const stopped = new Promise<number>((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        log.warn({ signal }, "second signal: exiting without releasing the leader lock");
        process.exit(1);
      }
      stopping = true;
      log.info({ signal }, "shutting down");
      title("Shutting down");
      void scheduler
        .stop()
        .then(() => resque.close())
        .then(() => resolve(0));
    };
    for (const signal of ["SIGTERM", "SIGINT", "SIGQUIT"] as const) process.on(signal, onSignal);
    watchLauncher((launcher) => {
      log.warn({ launcher }, "npm, which started this scheduler (npx, npm exec or npm run), has exited without passing a signal on; stopping as on TERM");
      onSignal("SIGTERM");
    });
  });
  await scheduler.start();
  title("Waiting for the leader lock");
  return stopped;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`resque-scheduler: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
