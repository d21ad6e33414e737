/** `resque retries`: the jobs waiting to be retried (resque-retry's keys, Ruby's too), soonest first. */
import type { Command } from "commander";
import type { ScheduledRetry } from "../../admin/retries.js";
import { adminCommand, withAdmin } from "../kit/admin-command.js";
import { args as showArgs, oneLine, time, timeFrom } from "../kit/format.js";

export function registerRetryCommands(program: Command): void {
  adminCommand(program, "retries", "list jobs waiting to be retried, with their attempt and last error", [
    ["resque retries", "every scheduled retry"],
    ["resque retries --class SendInvoice", "the retries of one class"],
  ])
    .option("--class <name>", "only retries of this class")
    .action(
      withAdmin<{ class?: string }>(async ({ admin, out, options }) => {
        const retries = (await admin.retries.scheduled()).filter((r) => options.class === undefined || r.class === options.class);
        if (out.json) out.data({ retries: retries.map(retryJson) });
        else if (retries.length === 0) out.line("No retries are waiting.");
        else {
          const now = Date.now();
          out.table(
            [{ header: "DUE AT" }, { header: "CLASS" }, { header: "QUEUE" }, { header: "ATTEMPT", right: true }, { header: "LAST ERROR" }, { header: "ARGS", shrink: true }],
            retries.map((r) => [
              out.tty ? timeFrom(r.at, now) : time(r.at),
              r.class,
              r.queue ?? "-",
              r.limit === undefined ? String(r.attempt) : `${r.attempt}/${r.limit}`,
              r.lastFailure ? oneLine(`${r.lastFailure.exception}: ${r.lastFailure.error}`, 60) : "-",
              showArgs(r.args),
            ]),
          );
        }
        return retries.length === 0 && options.class !== undefined ? 3 : 0;
      }),
    );
}

function retryJson(r: ScheduledRetry) {
  return {
    at: r.at.toISOString(),
    class: r.class,
    args: r.args,
    queue: r.queue ?? null,
    attempt: r.attempt,
    limit: r.limit ?? null,
    retryKey: r.retryKey,
    lastFailure: r.lastFailure
      ? { exception: r.lastFailure.exception, error: r.lastFailure.error, failedAt: r.lastFailure.failedAt?.toISOString() ?? null, backtrace: r.lastFailure.backtrace }
      : null,
    raw: r.raw,
  };
}
