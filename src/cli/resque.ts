#!/usr/bin/env node
/**
 * The `resque` command: `resque work` runs workers; every other subcommand inspects or repairs a
 * Resque through the admin API (docs/cli.md). Each group of subcommands lives in a file of
 * commands/ and is registered here, one line each.
 */
import { Command, CommanderError } from "commander";
import { VERSION } from "../version.js";
import { registerDelayedCommands } from "./commands/delayed.js";
import { registerDoctorCommand } from "./commands/doctor.js";
import { registerFailedCommands } from "./commands/failed.js";
import { registerMonitorCommand } from "./commands/monitor.js";
import { registerQueueCommands } from "./commands/queues.js";
import { registerRedisCommand } from "./commands/redis.js";
import { registerRetryCommands } from "./commands/retries.js";
import { registerScheduleCommands } from "./commands/schedules.js";
import { registerSearchCommand } from "./commands/search.js";
import { registerShardsCommands } from "./commands/shards.js";
import { registerStatsCommand } from "./commands/stats.js";
import { registerWorkCommand } from "./commands/work.js";
import { registerWorkerCommands } from "./commands/workers.js";
import { describeError, exitCodeOf } from "./kit/exit-codes.js";

const program = new Command("resque")
  .version(VERSION)
  .description("Resque-compatible background jobs for Node.js: run workers, and inspect or repair queues, failed jobs, workers and schedules")
  // Usage mistakes exit 2 (after commander printed them), not 1; help and --version exit 0.
  .exitOverride()
  .showHelpAfterError("(add --help for usage and examples)");

registerWorkCommand(program);
registerQueueCommands(program);
registerFailedCommands(program);
registerWorkerCommands(program);
registerDelayedCommands(program);
registerScheduleCommands(program);
registerRetryCommands(program);
registerStatsCommand(program);
registerSearchCommand(program);
registerShardsCommands(program);
registerRedisCommand(program);
registerDoctorCommand(program);
registerMonitorCommand(program);

program.parseAsync().catch((error: unknown) => {
  const code = exitCodeOf(error);
  // commander has already printed its own message (or the help).
  if (!(error instanceof CommanderError)) process.stderr.write(`resque: ${describeError(error)}\n`);
  process.exit(code);
});
