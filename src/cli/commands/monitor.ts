/** `resque monitor`: check Resque at an interval, send alerts, serve /status and /metrics (see monitor-command.ts, docs/monitoring.md). */
import type { Command } from "commander";
import { addConnectionOptions } from "../connection-options.js";
import { monitorCommand, type MonitorCommandOptions } from "../monitor-command.js";

const EXAMPLES = `
Examples:
  resque monitor --config monitor.yml            evaluate every 30 s, notify, serve http://127.0.0.1:9293/status and /metrics
  resque monitor --redis redis://10.0.0.5:6379   default checks on one Redis (no notifiers: status page and metrics only)
  resque monitor --config monitor.yml --once     one evaluation with notifications (for cron); exit 1 when something is bad
  resque monitor --check --json                  what is bad now, changing nothing; exit 1 when something is bad

The configuration file is YAML (see docs/monitoring.md); \${NAME} in it is replaced by the environment variable.`;

/** Adds `monitor` to the `resque` program. */
export function registerMonitorCommand(program: Command): void {
  addConnectionOptions(program.command("monitor"))
    .description("watch Resque: check it at an interval, send alerts, serve a status page and Prometheus metrics")
    .option("--config <file>", "YAML configuration: instances, checks, notifiers (env RESQUE_MONITOR_CONFIG)")
    .option("--interval <seconds>", "seconds between evaluations (default 30, or intervalSeconds in the file)")
    .option("--port <port>", "port of the status page and metrics (default 9293; 0 picks a free one)")
    .option("--host <address>", "address to listen on (default 127.0.0.1)")
    .option("--no-http", "serve no status page or metrics")
    .option("--once", "evaluate once, send the notifications it decides, print what is bad, and exit")
    .option("--check", "print what is bad now and exit; changes no alert state and notifies no one")
    .option("--json", "with --once or --check: print JSON")
    .option("-v, --verbose", "log every evaluation")
    .option("-q, --quiet", "log errors only")
    .option("--log-format <format>", "pretty or json; default pretty on a terminal, json otherwise (env LOG_FORMAT)")
    .addHelpText("after", EXAMPLES)
    .action(async (options: MonitorCommandOptions) => {
      process.exitCode = await monitorCommand(options);
    });
}

